// Incremental RESP request parser: multibulk (`*N\r\n$L\r\n...`) and inline commands.
// Arguments come out as latin1 strings sliced straight from the read buffer. A large bulk
// argument that spans reads is collected as a list of chunks and joined once (never re-copied
// per read), so parsing stays linear in the bytes received.

import { slice } from '../util/latin1.js';
import { splitArgs } from '../util/split-args.js';

export interface ParserLimits {
  /** proto-max-bulk-len */
  maxBulkLen: number;
  /** True while the client has not authenticated: Redis then accepts only small requests. */
  authRequired(): boolean;
}

/** Redis's PROTO_INLINE_MAX_SIZE: the longest line (inline request or header) it waits for. */
const INLINE_MAX = 64 * 1024;
/** Bulk arguments at least this big are collected chunk by chunk (Redis's PROTO_MBULK_BIG_ARG). */
const BIG_ARG = 32 * 1024;
const EMPTY = Buffer.alloc(0);

export class RespParser {
  private buf: Buffer = EMPTY;
  private pos = 0;
  private argv: string[] | null = null;
  private argsLeft = 0;
  private bulkLen = -1;
  private bigParts: Buffer[] | null = null;
  private bigHave = 0;
  /** Set after a protocol error: the connection is closing and nothing more is parsed. */
  private failed = false;
  /** The last command name parsed (see parse). */
  private lastName = '';

  constructor(private readonly limits: ParserLimits) {}

  /** Bytes received but not yet turned into commands (CLIENT LIST qbuf, query buffer limit). */
  get pendingBytes(): number {
    return this.bigParts !== null ? this.bigHave : this.buf.length - this.pos;
  }

  /**
   * Adds received bytes and appends every complete command to `out`.
   * Returns the protocol error text (without the "ERR Protocol error: " prefix) or null.
   * A `borrowed` chunk is reused by the caller once feed returns (a connection reads every
   * socket into one buffer): whatever the parser keeps of it for later is copied first.
   */
  feed(chunk: Buffer, out: string[][], borrowed = false): string | null {
    if (this.failed) return null;
    // True while this.buf is the caller's chunk (not a buffer of our own).
    let lent = false;
    if (this.bigParts !== null) {
      this.bigParts.push(borrowed ? Buffer.from(chunk) : chunk);
      this.bigHave += chunk.length;
      if (this.bigHave < this.bulkLen + 2) return null;
      this.buf = Buffer.concat(this.bigParts, this.bigHave);
      this.pos = 0;
      this.bigParts = null;
      this.bigHave = 0;
    } else if (this.pos < this.buf.length) {
      this.buf = Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    } else {
      this.buf = chunk;
      this.pos = 0;
      lent = borrowed;
    }
    const error = this.parse(out);
    if (error !== null) {
      this.failed = true;
      this.buf = EMPTY;
      this.pos = 0;
    } else if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    } else if (lent && this.buf === chunk) {
      // A command cut by the end of the read: keep its start, not the caller's buffer.
      this.buf = Buffer.from(chunk.subarray(this.pos));
      this.pos = 0;
    }
    // A big argument started in this read holds a view of the chunk: copy it too.
    const parts = this.bigParts as Buffer[] | null;
    if (lent && parts !== null && parts[0]!.buffer === chunk.buffer) parts[0] = Buffer.from(parts[0]!);
    return error;
  }

  private parse(out: string[][]): string | null {
    const buf = this.buf;
    for (;;) {
      if (this.argv === null) {
        if (this.pos >= buf.length) return null;
        if (buf[this.pos] !== 42 /* '*' */) {
          const r = this.parseInline(out);
          if (r === false) return null;
          if (typeof r === 'string') return r;
          continue;
        }
        const cr = findCR(buf, this.pos);
        if (cr === -1) return buf.length - this.pos > INLINE_MAX ? 'too big mbulk count string' : null;
        if (cr + 1 >= buf.length) return null; // wait for the '\n'
        const count = readInt(buf, this.pos + 1, cr);
        if (count === null || count > 0x7fffffff) return 'invalid multibulk length';
        if (count > 10 && this.limits.authRequired()) return 'unauthenticated multibulk length';
        this.pos = cr + 2;
        if (count <= 0) continue;
        this.argv = [];
        this.argsLeft = count;
        this.bulkLen = -1;
      }
      while (this.argsLeft > 0) {
        if (this.bulkLen < 0) {
          if (this.pos >= buf.length) return null;
          const cr = findCR(buf, this.pos);
          if (cr === -1) return buf.length - this.pos > INLINE_MAX ? 'too big bulk count string' : null;
          if (cr + 1 >= buf.length) return null;
          if (buf[this.pos] !== 36 /* '$' */) return `expected '$', got '${String.fromCharCode(buf[this.pos]!)}'`;
          const len = readInt(buf, this.pos + 1, cr);
          if (len === null || len < 0 || len > this.limits.maxBulkLen) return 'invalid bulk length';
          if (len > 16384 && this.limits.authRequired()) return 'unauthenticated bulk length';
          this.pos = cr + 2;
          this.bulkLen = len;
        }
        const avail = buf.length - this.pos;
        if (avail < this.bulkLen + 2) {
          if (this.bulkLen >= BIG_ARG) {
            this.bigParts = [buf.subarray(this.pos)];
            this.bigHave = avail;
            this.buf = EMPTY;
            this.pos = 0;
          }
          return null;
        }
        const argv = this.argv!;
        if (argv.length === 0) {
          // The command name: a pipeline repeats it, so reuse the last one's string when the
          // bytes match (no new string, and the command table's last-lookup cache hits).
          const name = this.lastName;
          const len = this.bulkLen;
          let same = name.length === len;
          for (let j = 0; same && j < len; j++) same = buf[this.pos + j] === name.charCodeAt(j);
          argv.push(same ? name : (this.lastName = slice(buf, this.pos, this.pos + len)));
        } else {
          argv.push(slice(buf, this.pos, this.pos + this.bulkLen));
        }
        this.pos += this.bulkLen + 2;
        this.bulkLen = -1;
        this.argsLeft--;
      }
      out.push(this.argv!);
      this.argv = null;
    }
  }

  /** Parses one inline line. false: incomplete; string: protocol error; true: consumed. */
  private parseInline(out: string[][]): boolean | string {
    const buf = this.buf;
    const nl = buf.indexOf(10, this.pos);
    if (nl === -1) return buf.length - this.pos > INLINE_MAX ? 'too big inline request' : false;
    let end = nl;
    if (end > this.pos && buf[end - 1] === 13) end--;
    const line = slice(buf, this.pos, end);
    this.pos = nl + 1;
    const args = splitArgs(line);
    if (args === null) return 'unbalanced quotes in request';
    if (args.length > 0) out.push(args);
    return true;
  }
}

/**
 * The index of the next '\r' at or after p, or -1. Header lines are short: a plain loop over
 * their few bytes costs far less than Buffer#indexOf's argument checks and call into C++.
 */
export function findCR(b: Buffer, p: number): number {
  const end = Math.min(b.length, p + 24);
  for (let i = p; i < end; i++) if (b[i] === 13) return i;
  return end === b.length ? -1 : b.indexOf(13, end);
}

/** Parses the decimal integer in buf[start, end) strictly, as Redis's string2ll. */
export function readInt(buf: Buffer, start: number, end: number): number | null {
  if (start >= end || end - start > 20) return null;
  let i = start;
  let neg = false;
  if (buf[i] === 45) {
    neg = true;
    i++;
    if (i === end) return null;
  }
  if (buf[i] === 48) return end - i === 1 && !neg ? 0 : null;
  let v = 0;
  for (; i < end; i++) {
    const d = buf[i]! - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}
