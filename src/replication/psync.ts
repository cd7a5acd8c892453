// PSYNC2 bookkeeping: replication ids (replid, replid2 and the offset up to which replid2 is
// valid), the primary's SYNC/PSYNC gates and partial-resync decision, and the replica's side:
// the PSYNC request it sends and the reading of the primary's reply. Pure functions and one
// small state class; the primary/replica wiring acts on what they return.

import { randomBytes } from 'node:crypto';
import { Err, type CommandError } from '../resp/errors.js';
import { parseInt64 } from '../util/numbers.js';

export const REPLID_LEN = 40;
/** replid2 when there is no previous history (INFO master_replid2). */
export const NO_REPLID = '0'.repeat(REPLID_LEN);

/** 40 random hex chars, as Redis makes run ids, replication ids and EOF marks. */
export function randomHex40(): string {
  return randomBytes(REPLID_LEN / 2).toString('hex');
}

/** ASCII-only case-insensitive equality (strcasecmp in the C locale). */
function sameIgnoringAsciiCase(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x >= 65 && x <= 90) x += 32;
    if (y >= 65 && y <= 90) y += 32;
    if (x !== y) return false;
  }
  return true;
}

/**
 * The two histories a server can continue: its own (replid) and the one it came from before it
 * was promoted or its primary changed id (replid2, valid up to secondOffset as a PSYNC offset).
 */
export class ReplIds {
  replid: string;
  replid2 = NO_REPLID;
  /** Highest PSYNC offset replid2 can serve; -1 when replid2 is unset (INFO second_repl_offset). */
  secondOffset = -1;

  constructor(replid: string = randomHex40()) {
    this.replid = replid;
  }

  /** A new history: when a backlog is created for the first replica, or after a full sync fails over. */
  change(): void {
    this.replid = randomHex40();
  }

  clearSecond(): void {
    this.replid2 = NO_REPLID;
    this.secondOffset = -1;
  }

  /**
   * Promotion (REPLICAOF NO ONE, FAILOVER): the old history stays reachable as replid2. A replica
   * that has the first `masterReplOffset` bytes asks for byte masterReplOffset + 1, so that is the
   * last PSYNC offset replid2 may serve.
   */
  shift(masterReplOffset: number): void {
    this.replid2 = this.replid;
    this.secondOffset = masterReplOffset + 1;
    this.change();
  }

  /**
   * A replica got `+CONTINUE <id>` with an id different from its primary's: the primary's history
   * was renamed (it was promoted). Adopt it, keeping the old name as replid2, so sub-replicas can
   * still continue. Returns true when the id changed (the caller then drops its sub-replicas so
   * they learn the new id).
   */
  followPrimary(newReplid: string, masterReplOffset: number): boolean {
    if (newReplid === this.replid) return false;
    this.replid2 = this.replid;
    this.secondOffset = masterReplOffset + 1;
    this.replid = newReplid;
    return true;
  }
}

// ---- primary side -------------------------------------------------------------------------------

export interface SyncGateInput {
  /** SYNC or PSYNC as received (any case), with its arguments. */
  argv: readonly string[];
  /** The client is already a replica: Redis ignores the command without a reply. */
  clientIsReplica: boolean;
  myReplid: string;
  /** This server replicates from a primary. */
  isReplica: boolean;
  /** When a replica: the link with its primary is up (REPL_STATE_CONNECTED). */
  primaryLinkUp: boolean;
  failoverInProgress: boolean;
  /** Replies to the client are still queued. */
  hasPendingOutput: boolean;
  /** REPLCONF rdb-filter-only was used. */
  wantsFilteredRdb: boolean;
  /** REPLCONF capa eof was announced. */
  capaEof: boolean;
}

export type SyncGate =
  | { kind: 'ignore' }
  | { kind: 'error'; error: CommandError }
  /** Go on with the partial/full sync decision; `promote` first when PSYNC ... FAILOVER asked it. */
  | { kind: 'proceed'; promote: boolean; psync: boolean; offset: number | bigint };

/** The checks SYNC and PSYNC make before any resync, in Redis's order. */
export function syncGate(g: SyncGateInput): SyncGate {
  if (g.clientIsReplica) return { kind: 'ignore' };
  const psync = g.argv[0]!.toLowerCase() === 'psync';
  let isReplica = g.isReplica;
  let promote = false;
  if (psync && g.argv.length > 3 && g.argv[3]!.toLowerCase() === 'failover') {
    if (!isReplica) return { kind: 'error', error: Err.psyncFailoverToPrimary() };
    if (!sameIgnoringAsciiCase(g.argv[1]!, g.myReplid)) return { kind: 'error', error: Err.psyncFailoverReplid() };
    promote = true; // the old primary hands over: become a primary, then serve its PSYNC
    isReplica = false;
  }
  if (g.failoverInProgress) return { kind: 'error', error: Err.syncWhileFailingOver() };
  if (isReplica && !g.primaryLinkUp) return { kind: 'error', error: Err.syncWhileNoPrimaryLink() };
  if (g.hasPendingOutput) return { kind: 'error', error: Err.syncWithPendingOutput() };
  if (g.wantsFilteredRdb && !g.capaEof) return { kind: 'error', error: Err.filteredReplicaNeedsEof() };
  if (!psync) return { kind: 'proceed', promote, psync, offset: -1 };
  const offset = parseInt64(g.argv[2]!);
  if (offset === null) return { kind: 'error', error: Err.notInteger() };
  return { kind: 'proceed', promote, psync, offset };
}

export interface PrimaryHistory {
  replid: string;
  replid2: string;
  /** ReplIds.secondOffset. */
  secondOffset: number;
  /** null when no backlog exists (no replica attached since start or since repl-backlog-ttl). */
  backlog: { firstByteOffset: number; histlen: number } | null;
}

export type FullResyncReason =
  | 'requested' // replid "?" (or anything starting with '?'): the replica wants a full sync
  | 'replid-mismatch'
  | 'replid2-offset' // replid2 matched, but past the point where the histories diverged
  | 'no-backlog'
  | 'offset-out-of-range'; // before the oldest byte held, or beyond the end

export type PsyncDecision =
  | {
      kind: 'continue';
      /** `+CONTINUE <replid>` for replicas that announced capa psync2, `+CONTINUE` otherwise. */
      reply: string;
      /** ReplBuffer.addReader argument: the PSYNC offset minus one. */
      readerOffset: number;
      /** Backlog bytes the replica will receive at once. */
      backlogBytes: number;
    }
  | {
      kind: 'full';
      reason: FullResyncReason;
      /** Counts in INFO sync_partial_err (a forced full sync with '?' does not). */
      partialError: boolean;
    };

/**
 * Redis's masterTryPartialResynchronization: continue when the replica names our current history,
 * or our previous one at an offset it covers, and the offset lies in the backlog — from the oldest
 * byte held to one past the last byte produced (a replica that has everything asks for the next).
 */
export function decidePsync(replid: string, offset: number | bigint, capaPsync2: boolean, h: PrimaryHistory): PsyncDecision {
  const full = (reason: FullResyncReason): PsyncDecision => ({ kind: 'full', reason, partialError: replid[0] !== '?' });
  const isMain = sameIgnoringAsciiCase(replid, h.replid);
  const isSecond = sameIgnoringAsciiCase(replid, h.replid2);
  if (!isMain && (!isSecond || offset > h.secondOffset)) {
    if (replid[0] === '?') return full('requested');
    return full(isSecond ? 'replid2-offset' : 'replid-mismatch');
  }
  const b = h.backlog;
  if (b === null) return full('no-backlog');
  if (typeof offset === 'bigint' || offset < b.firstByteOffset || offset > b.firstByteOffset + b.histlen) {
    return full('offset-out-of-range');
  }
  return {
    kind: 'continue',
    reply: capaPsync2 ? `+CONTINUE ${h.replid}\r\n` : '+CONTINUE\r\n',
    readerOffset: offset - 1,
    backlogBytes: b.histlen - (offset - b.firstByteOffset),
  };
}

/** The first line of a full sync answer to PSYNC (SYNC gets none: it goes straight to the RDB). */
export function fullResyncReply(replid: string, offset: number): string {
  return `+FULLRESYNC ${replid} ${offset}\r\n`;
}

// ---- replica side -------------------------------------------------------------------------------

/** What the replica knows of the primary it was streaming from (Redis's cached master). */
export interface CachedPrimary {
  replid: string;
  /** Offset of the last byte applied. */
  offset: number;
}

/** The PSYNC a replica sends: continue from the cached primary, or `PSYNC ? -1` for a full sync. */
export function psyncRequest(cached: CachedPrimary | null, failover = false): string[] {
  const argv = cached === null ? ['PSYNC', '?', '-1'] : ['PSYNC', cached.replid, String(cached.offset + 1)];
  if (failover) argv.push('FAILOVER');
  return argv;
}

export type PsyncReply =
  /** An empty line: the primary keeps the link alive before answering. Read the next line. */
  | { kind: 'wait' }
  /** Full sync follows. replid null (and offset -1) when the line was malformed. */
  | { kind: 'full'; replid: string | null; offset: number }
  /** Partial sync accepted; newReplid is the id the primary announced, if any. */
  | { kind: 'continue'; newReplid: string | null }
  /** -NOMASTERLINK or -LOADING: the primary cannot sync now; retry later, keep the cached primary. */
  | { kind: 'try-later'; line: string }
  /** Any other error (an old primary without PSYNC) or unexpected reply: fall back to SYNC. */
  | { kind: 'not-supported'; line: string; isError: boolean };

/** Reads the primary's one-line answer to PSYNC (without its CRLF). */
export function parsePsyncReply(line: string): PsyncReply {
  const nul = line.indexOf('\0'); // Redis reads the line as a C string
  if (nul !== -1) line = line.slice(0, nul);
  if (line.endsWith('\r')) line = line.slice(0, -1);
  if (line.length === 0) return { kind: 'wait' };
  if (line.startsWith('+FULLRESYNC')) {
    const sp1 = line.indexOf(' ');
    const sp2 = sp1 === -1 ? -1 : line.indexOf(' ', sp1 + 1);
    if (sp2 === -1 || sp2 - sp1 - 1 !== REPLID_LEN) return { kind: 'full', replid: null, offset: -1 };
    return { kind: 'full', replid: line.slice(sp1 + 1, sp2), offset: lenientInteger(line.slice(sp2 + 1)) };
  }
  if (line.startsWith('+CONTINUE')) {
    // "+CONTINUE" then one separator then exactly 40 chars, else no id.
    const id = line.length === 10 + REPLID_LEN ? line.slice(10) : null;
    return { kind: 'continue', newReplid: id };
  }
  if (line.startsWith('-NOMASTERLINK') || line.startsWith('-LOADING')) return { kind: 'try-later', line };
  return { kind: 'not-supported', line, isError: line.startsWith('-ERR') };
}

/** strtoll's reading: optional spaces and sign, then as many digits as there are (none is 0). */
function lenientInteger(s: string): number {
  const m = /^[\t\n\v\f\r ]*([+-]?)(\d*)/.exec(s)!;
  const v = m[2] === '' ? 0 : Number(m[2]);
  return m[1] === '-' ? -v : v;
}

/**
 * The replica's check of the primary's PING reply during the handshake: any +reply goes on, and so
 * do authentication errors (AUTH comes next in the handshake); anything else aborts the attempt.
 */
export function pingReplyOk(line: string): boolean {
  return (
    line.startsWith('+') ||
    line.startsWith('-NOAUTH') ||
    line.startsWith('-NOPERM') ||
    line.startsWith('-ERR operation not permitted')
  );
}
