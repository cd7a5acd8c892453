// Reads one AOF file (a base or an incremental file) the way Redis 7's loadSingleAppendOnlyFile
// does: an RDB base (or an old-style RDB preamble) through the RDB loader, then RESP commands one
// by one, "#" annotations skipped, MULTI ... EXEC blocks run as one unit. A truncated tail is cut
// back to the last complete command when aof-load-truncated allows it; a malformed file fails.
// Commands run through the Replayer the service supplies; this module never sees the server.

import { readFileSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { RdbError } from '../rdb/bytes.js';

export type LoadStatus = 'ok' | 'truncated' | 'empty' | 'not-exist' | 'open-error' | 'failed';

export interface Replayer {
  /** False when the file names a command nodis does not know (loading fails). */
  known(argv: readonly string[]): boolean;
  /** Runs one command as the AOF client; its reply, even an error, is discarded. */
  run(argv: string[]): void;
  /** Runs the commands of a MULTI/EXEC block as one unit. */
  runTransaction(cmds: string[][]): void;
}

export interface LoadFileOptions {
  dir: string;
  name: string;
  /** The file is the pre-7.0 single appendonly.aof (its RDB part is a "preamble"). */
  oldStyle: boolean;
  loadTruncated: boolean;
  log(level: 'warning' | 'notice', message: string): void;
  /** Loads an RDB image that starts the buffer; returns the offset just past it. Throws RdbError. */
  loadRdb(buf: Buffer): number;
  replay: Replayer;
}

class Truncated {}
class BadFormat {}
const TRUNCATED = new Truncated();
const BAD_FORMAT = new BadFormat();

export function loadAofFile(o: LoadFileOptions): LoadStatus {
  const path = join(o.dir, o.name);
  let buf: Buffer;
  try {
    buf = readFileSync(path);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code === 'ENOENT') {
      o.log('warning', `The append log file ${o.name} doesn't exist: No such file or directory`);
      return 'not-exist';
    }
    o.log('warning', `Fatal error: can't open the append log file ${o.name} for reading: ${err.message}`);
    return 'open-error';
  }
  if (buf.length === 0) return 'empty';

  let pos = 0;
  if (buf.length >= 5 && buf.toString('latin1', 0, 5) === 'REDIS') {
    o.log('notice', o.oldStyle ? 'Reading RDB preamble from AOF file...' : 'Reading RDB base file on AOF loading...');
    try {
      pos = o.loadRdb(buf);
    } catch (e) {
      if (!(e instanceof RdbError)) throw e;
      o.log('warning', `${e.message}`);
      o.log('warning', o.oldStyle
        ? `Error reading the RDB preamble of the AOF file ${o.name}, AOF loading aborted`
        : `Error reading the RDB base file ${o.name}, AOF loading aborted`);
      return 'failed';
    }
    if (o.oldStyle) o.log('notice', 'Reading the remaining AOF tail...');
  }

  // Offsets of the end of the last complete command, and of the command before an open MULTI.
  let validUpTo = 0;
  let validBeforeMulti = 0;
  let multi: string[][] | null = null;
  const end = buf.length;

  /** The line starting at p (without its newline) and where the next one starts; null at EOF. */
  const line = (p: number): [string, number] | null => {
    if (p >= end) return null;
    const nl = buf.indexOf(10, p);
    if (nl === -1) return [buf.toString('latin1', p, end), end];
    return [buf.toString('latin1', p, nl + 1), nl + 1];
  };

  try {
    for (;;) {
      const l = line(pos);
      if (l === null) break;
      const [text, next] = l;
      pos = next;
      if (text.startsWith('#')) continue; // annotations (#TS:...)
      if (text[0] !== '*') throw BAD_FORMAT;
      // "*" alone at the very end is a short read.
      if (text.length === 1) throw TRUNCATED;
      const argc = atoi(text.slice(1));
      if (argc < 1) throw BAD_FORMAT;
      const argv: string[] = new Array<string>(argc);
      for (let j = 0; j < argc; j++) {
        const h = line(pos);
        if (h === null) throw TRUNCATED;
        if (h[0][0] !== '$') throw BAD_FORMAT;
        const len = atoi(h[0].slice(1));
        if (len < 0) throw BAD_FORMAT;
        pos = h[1];
        // The argument and its CRLF must both be there (Redis does not check the CRLF's bytes).
        if (pos + len > end) throw TRUNCATED;
        argv[j] = buf.toString('latin1', pos, pos + len);
        pos += len;
        if (pos + 2 > end) throw TRUNCATED;
        pos += 2;
      }
      if (!o.replay.known(argv)) {
        o.log('warning', `Unknown command '${argv[0]}' reading the append only file ${o.name}`);
        return 'failed';
      }
      const name = argv[0]!.toLowerCase();
      if (multi !== null) {
        if (name === 'exec') {
          o.replay.runTransaction(multi);
          multi = null;
        } else {
          multi.push(argv);
        }
      } else if (name === 'multi') {
        validBeforeMulti = validUpTo;
        multi = [];
      } else {
        o.replay.run(argv);
      }
      if (o.loadTruncated) validUpTo = pos;
    }
    // A MULTI without its EXEC at the end is a short read too: drop the open transaction.
    if (multi !== null) {
      o.log('warning', `Revert incomplete MULTI/EXEC transaction in AOF file ${o.name}`);
      validUpTo = validBeforeMulti;
      throw TRUNCATED;
    }
    return 'ok';
  } catch (e) {
    if (e === BAD_FORMAT) {
      o.log('warning', `Bad file format reading the append only file ${o.name}: make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>`);
      return 'failed';
    }
    if (e !== TRUNCATED) throw e;
  }
  // Unexpected end of file.
  if (o.loadTruncated) {
    o.log('warning', `!!! Warning: short read while loading the AOF file ${o.name}!!!`);
    o.log('warning', `!!! Truncating the AOF ${o.name} at offset ${validUpTo} !!!`);
    try {
      truncateSync(path, validUpTo);
      o.log('warning', `AOF ${o.name} loaded anyway because aof-load-truncated is enabled`);
      return 'truncated';
    } catch (e) {
      o.log('warning', `Error truncating the AOF file ${o.name}: ${(e as Error).message}`);
    }
  }
  o.log('warning', `Unexpected end of file reading the append only file ${o.name}. You can: ` +
    '1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. ' +
    "2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server.");
  return 'failed';
}

/** C's atoi over a header line: optional sign and leading digits, 0 without any. */
function atoi(s: string): number {
  const m = /^[ \t]*([+-]?\d+)/.exec(s);
  if (m === null) return 0;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : -1;
}

/** Size of a file in the AOF directory, or null when it cannot be read (the error is returned). */
export function fileSize(dir: string, name: string): number | NodeJS.ErrnoException {
  try {
    return statSync(join(dir, name)).size;
  } catch (e) {
    return e as NodeJS.ErrnoException;
  }
}
