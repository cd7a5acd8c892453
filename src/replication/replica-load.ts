// Where a full sync's RDB goes while it arrives and how it is loaded: to a temp file next to the
// dump (repl-diskless-load disabled, or on-empty-db with data), or kept in memory and parsed when
// complete (on-empty-db on an empty data set, swapdb). swapdb parses into a temporary set of
// databases swapped in only on success. The RDB loader works on a whole buffer, so "loading from
// the socket" means collecting the payload and parsing it at its end; clients meanwhile see
// LOADING, or the old data with async loading. No sockets here; the replica drives it.

import { closeSync, openSync, readFileSync, renameSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { Db } from '../keyspace/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { RdbError } from '../persistence/rdb/bytes.js';
import { loadRdb } from '../persistence/rdb/load.js';

export type DisklessLoad = 'disabled' | 'on-empty-db' | 'swapdb';

/** How one full sync is received and loaded. */
export interface LoadPlan {
  /** Payload to a temp file, then renamed to the dump file and loaded from it. */
  disk: boolean;
  /** Load into temporary databases and swap them in on success (swapdb). */
  swap: boolean;
  /** Keep serving reads from the old data while the payload arrives (INFO async_loading). */
  async: boolean;
}

/**
 * Redis's choice: diskless loading with swapdb always, with on-empty-db only when there is no
 * data; async loading only with swapdb and when the primary continues our own history (its
 * replication id is ours), since only then is the old data an earlier state of the new one.
 */
export function planLoad(mode: DisklessLoad, keyCount: number, primaryReplid: string | null, myReplid: string): LoadPlan {
  const diskless = mode === 'swapdb' || (mode === 'on-empty-db' && keyCount === 0);
  if (!diskless) return { disk: true, swap: false, async: false };
  const swap = mode === 'swapdb';
  return { disk: false, swap, async: swap && primaryReplid !== null && primaryReplid === myReplid };
}

/** Collects the payload of one transfer: to a temp file or in memory. */
export class PayloadSink {
  private fd = -1;
  readonly tempPath: string;
  private chunks: Buffer[] = [];
  private bytes = 0;

  constructor(readonly plan: LoadPlan, dir: string, now: number, pid: number) {
    this.tempPath = join(dir, `temp-${Math.floor(now / 1000)}.${pid}.rdb`);
    if (plan.disk) this.fd = openSync(this.tempPath, 'w', 0o644);
  }

  get size(): number {
    return this.bytes;
  }

  write(chunk: Buffer): void {
    this.bytes += chunk.length;
    if (this.fd !== -1) {
      let off = 0;
      while (off < chunk.length) off += writeSync(this.fd, chunk, off, chunk.length - off);
    } else {
      // The reader hands out views of socket chunks: keep them, they are not reused.
      this.chunks.push(chunk);
    }
  }

  /** Disk mode: closes the temp file and renames it over the dump file; returns its contents. */
  finishToFile(dumpPath: string): Buffer {
    closeSync(this.fd);
    this.fd = -1;
    renameSync(this.tempPath, dumpPath);
    return readFileSync(dumpPath);
  }

  /** Memory mode: the whole payload. */
  finishInMemory(): Buffer {
    const all = Buffer.concat(this.chunks, this.bytes);
    this.chunks = [];
    return all;
  }

  /** Drops what was received (a failed or cancelled transfer). */
  abort(): void {
    this.chunks = [];
    if (this.fd !== -1) {
      try { closeSync(this.fd); } catch { /* already closed */ }
      this.fd = -1;
      try { unlinkSync(this.tempPath); } catch { /* never created */ }
    }
  }
}

export interface LoadedInfo {
  keys: number;
  /** The db the primary's stream was in when the RDB was made (aux repl-stream-db), or 0. */
  streamDb: number;
  version: number;
}

export interface LoadSettings {
  limits: (directive: string) => number;
  verifyChecksum: boolean;
}

/** Loads an RDB into the given databases; keys are kept even when expired (a replica). */
export function loadPayload(buf: Buffer, dbs: readonly Db[], s: LoadSettings): LoadedInfo | string {
  try {
    const r = loadRdb(buf, dbs, { limits: s.limits, verifyChecksum: s.verifyChecksum });
    const sdb = Number(r.aux.get('repl-stream-db') ?? '0');
    return { keys: r.keys, streamDb: Number.isInteger(sdb) && sdb >= 0 && sdb < dbs.length ? sdb : 0, version: r.version };
  } catch (e) {
    if (e instanceof RdbError) return e.message;
    return e instanceof Error ? e.message : String(e);
  }
}

/** Fresh, empty databases shaped like the keyspace's (the swapdb temporary set). */
export function tempDbs(ks: Keyspace): Db[] {
  return ks.dbs.map((d) => new Db(d.index, ks));
}

/** Puts the loaded temporary databases in place; the old contents end up in `temp` (dropped). */
export function swapInDbs(ks: Keyspace, temp: readonly Db[]): void {
  for (let i = 0; i < ks.dbs.length; i++) ks.dbs[i]!.swapContents(temp[i]!);
  // Watchers and blocked clients see every key as changed, as after a FLUSHALL.
  ks.hooks.flushed?.(-1);
}
