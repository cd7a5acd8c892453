// REPLCONF as Redis 7.2 reads it: option/value pairs applied in order, with ACK and GETACK ending
// the command without a reply. Pure parsing: the caller applies `changes` to the replica's state
// (whatever the outcome: options before a failing one stay applied, as in Redis) and acts on the
// outcome.

import { Err, type CommandError } from '../resp/errors.js';
import { parseInt64 } from '../util/numbers.js';
import { splitArgs } from '../util/split-args.js';

/** Redis keeps announced addresses in a 256-byte buffer (NET_HOST_STR_LEN), NUL included. */
const MAX_IP_BYTES = 256;

export interface ReplconfChanges {
  listeningPort?: number;
  ipAddress?: string;
  /** Capabilities accumulate; unknown ones are ignored. */
  capaEof?: true;
  capaPsync2?: true;
  /** REPLCONF rdb-only 0|1: the client wants the RDB and no stream (redis-cli --rdb). */
  rdbOnly?: boolean;
  /**
   * REPLCONF rdb-filter-only: the RDB excludes data always, and functions unless "functions" is
   * listed (redis-cli --functions-rdb).
   */
  rdbFilter?: { includeFunctions: boolean };
}

export type ReplconfOutcome =
  | { kind: 'ok' }
  | { kind: 'error'; error: CommandError }
  /**
   * REPLCONF ACK <offset> [FACK <aofOffset>]: no reply ever. Ignored unless the client is a
   * replica. offset null: not an integer, nothing else happens. Otherwise the ack offset only
   * grows; fack likewise (null when absent); fackValid false means FACK was given but not an
   * integer, in which case the ack time is not refreshed either.
   */
  | { kind: 'ack'; offset: number | null; fack: number | null; fackValid: boolean }
  /** REPLCONF GETACK: no reply; a replica answers with its own REPLCONF ACK to its primary. */
  | { kind: 'getack' };

export interface Replconf {
  changes: ReplconfChanges;
  outcome: ReplconfOutcome;
}

const isOption = (arg: string, name: string) => arg.toLowerCase() === name;

/** Parses REPLCONF's arguments (argv[0] is the command name). */
export function parseReplconf(argv: readonly string[]): Replconf {
  const changes: ReplconfChanges = {};
  const done = (outcome: ReplconfOutcome): Replconf => ({ changes, outcome });
  if (argv.length % 2 === 0) return done({ kind: 'error', error: Err.syntax() });
  for (let j = 1; j < argv.length; j += 2) {
    const opt = argv[j]!;
    const val = argv[j + 1]!;
    if (isOption(opt, 'listening-port')) {
      const port = parseInt64(val);
      if (port === null) return done({ kind: 'error', error: Err.notInteger() });
      changes.listeningPort = Number(port);
    } else if (isOption(opt, 'ip-address')) {
      if (val.length >= MAX_IP_BYTES) return done({ kind: 'error', error: Err.replconfIpTooLong(val.length) });
      changes.ipAddress = val;
    } else if (isOption(opt, 'capa')) {
      if (isOption(val, 'eof')) changes.capaEof = true;
      else if (isOption(val, 'psync2')) changes.capaPsync2 = true;
    } else if (isOption(opt, 'ack')) {
      const offset = safeInt(val);
      if (offset === null) return done({ kind: 'ack', offset: null, fack: null, fackValid: true });
      if (argv.length > j + 3 && isOption(argv[j + 2]!, 'fack')) {
        const fack = safeInt(argv[j + 3]!);
        return done({ kind: 'ack', offset, fack, fackValid: fack !== null });
      }
      return done({ kind: 'ack', offset, fack: null, fackValid: true });
    } else if (isOption(opt, 'getack')) {
      return done({ kind: 'getack' });
    } else if (isOption(opt, 'rdb-only')) {
      const v = parseInt64(val);
      if (v === null) return done({ kind: 'error', error: Err.notInteger() });
      if (v !== 0 && v !== 1) return done({ kind: 'error', error: Err.valueOutOfRangeBetween('0', '1') });
      changes.rdbOnly = v === 1;
    } else if (isOption(opt, 'rdb-filter-only')) {
      const filters = splitArgs(val);
      if (filters === null) return done({ kind: 'error', error: Err.replconfFilterMissing() });
      changes.rdbFilter = { includeFunctions: false };
      for (const f of filters) {
        if (isOption(f, 'functions')) changes.rdbFilter.includeFunctions = true;
        else return done({ kind: 'error', error: Err.replconfFilterUnsupported(f) });
      }
    } else {
      return done({ kind: 'error', error: Err.replconfUnknownOption(opt) });
    }
  }
  return done({ kind: 'ok' });
}

/** A long long as a JS number; offsets past 2^53 cannot occur, so they read as invalid. */
function safeInt(s: string): number | null {
  const v = parseInt64(s);
  return typeof v === 'number' ? v : null;
}
