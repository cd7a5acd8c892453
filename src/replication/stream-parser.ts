// The replica's reader of its primary's command stream: RESP multibulk (and inline lines, which
// Redis also accepts from a primary) into argv lists, each with the exact bytes it came from. The
// replica counts its replication offset and proxies sub-replicas with those bytes, so nothing
// may be lost or re-encoded here. Pure: no sockets, no commands.

import { splitArgs } from '../util/split-args.js';

export interface StreamCommand {
  argv: string[];
  /** The command's bytes as received (a view into the read buffer; copy to keep it). */
  raw: Buffer;
}

const EMPTY = Buffer.alloc(0);
/** Longest header or inline line we wait for (Redis's PROTO_INLINE_MAX_SIZE). */
const MAX_LINE = 64 * 1024;

type Latin1 = { latin1Slice(start: number, end: number): string };
const slice = (b: Buffer, s: number, e: number): string => (b as unknown as Latin1).latin1Slice(s, e);

export class PrimaryStreamParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** Chunks held while a command is known to need at least `need` bytes in all. */
  private parts: Buffer[] | null = null;
  private partsBytes = 0;
  private need = 0;
  /** Set after a protocol error: the link must be dropped. */
  error: string | null = null;

  /** Bytes received but not yet returned as commands. */
  get pendingBytes(): number {
    return this.parts !== null ? this.partsBytes : this.buf.length - this.pos;
  }

  /** Adds received bytes and appends every complete command to `out`; false on a protocol error. */
  feed(chunk: Buffer, out: StreamCommand[]): boolean {
    if (this.error !== null) return false;
    if (this.parts !== null) {
      // A big argument is still arriving: join the pieces once, when enough are here.
      this.parts.push(chunk);
      this.partsBytes += chunk.length;
      if (this.partsBytes < this.need) return true;
      this.buf = Buffer.concat(this.parts, this.partsBytes);
      this.parts = null;
      this.partsBytes = 0;
      this.pos = 0;
    } else if (this.pos < this.buf.length) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    } else {
      this.buf = chunk;
      this.pos = 0;
    }
    for (;;) {
      const r = this.parseOne();
      if (r === null) break;
      if (typeof r === 'string') {
        this.error = r;
        this.buf = EMPTY;
        this.pos = 0;
        return false;
      }
      out.push(r);
    }
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    } else if (this.need > this.buf.length - this.pos) {
      this.parts = [this.buf.subarray(this.pos)];
      this.partsBytes = this.buf.length - this.pos;
      this.buf = EMPTY;
      this.pos = 0;
    }
    return true;
  }

  /** One command from buf[pos..], null when incomplete (sets `need`), or an error text. */
  private parseOne(): StreamCommand | string | null {
    const buf = this.buf;
    const start = this.pos;
    this.need = 0;
    if (start >= buf.length) return null;
    if (buf[start] !== 42 /* '*' */) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) return buf.length - start > MAX_LINE ? 'too big inline request' : null;
      let end = nl;
      if (end > start && buf[end - 1] === 13) end--;
      const args = splitArgs(slice(buf, start, end));
      if (args === null) return 'unbalanced quotes in request';
      this.pos = nl + 1;
      // An empty line is a keepalive: it counts in the offset but runs nothing.
      return { argv: args, raw: buf.subarray(start, nl + 1) };
    }
    let p = start;
    const line = (): number | null | string => {
      const cr = buf.indexOf(13, p);
      if (cr === -1 || cr + 1 >= buf.length) return buf.length - p > MAX_LINE ? 'too big count string' : null;
      const n = readInt(buf, p + 1, cr);
      if (n === null) return 'invalid length';
      p = cr + 2;
      return n;
    };
    const count = line();
    if (count === null || typeof count === 'string') return count;
    const argv: string[] = [];
    for (let i = 0; i < count; i++) {
      if (p >= buf.length) return null;
      if (buf[p] !== 36 /* '$' */) return `expected '$', got '${String.fromCharCode(buf[p]!)}'`;
      const len = line();
      if (len === null || typeof len === 'string') return len;
      if (len < 0) return 'invalid bulk length';
      if (buf.length - p < len + 2) {
        this.need = p - start + len + 2;
        return null;
      }
      argv.push(slice(buf, p, p + len));
      p += len + 2;
    }
    this.pos = p;
    return { argv, raw: buf.subarray(start, p) };
  }
}

/** A strict decimal integer in buf[start, end), or null. */
function readInt(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 20) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}
