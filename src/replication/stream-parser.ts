// The replica's reader of its primary's command stream: RESP multibulk (and inline lines, which
// Redis also accepts from a primary) into argv lists, each with where its exact bytes are. The
// replica counts its replication offset and proxies sub-replicas with those bytes, so nothing
// may be lost or re-encoded here. Pure: no sockets, no commands. It is pulled one command at a
// time (push, then next() until false) and allocates nothing per command but the argv itself.

import { splitArgs } from '../util/split-args.js';
import { findCR, readInt } from '../resp/parser.js';
import { slice } from '../util/latin1.js';

export interface StreamCommand {
  argv: string[];
  /** The command's bytes as received (a view into the read buffer; copy to keep it). */
  raw: Buffer;
}

const EMPTY = Buffer.alloc(0);
/** Longest header or inline line we wait for (Redis's PROTO_INLINE_MAX_SIZE). */
const MAX_LINE = 64 * 1024;
/** How much of a new read is joined to an unfinished command while its size is still unknown. */
const JOIN_STEP = 1024;

const fc = String.fromCharCode;

export class PrimaryStreamParser {
  /** What is being parsed: a read, or an unfinished command joined with the start of `rest`. */
  private buf: Buffer = EMPTY;
  private pos = 0;
  /** A read whose first `taken` bytes were joined to an unfinished command at buf[joinedAt..]. */
  private rest: Buffer | null = null;
  private taken = 0;
  private joinedAt = 0;
  /** Reads held while a command is known to need at least `need` bytes in all. */
  private parts: Buffer[] | null = null;
  private partsBytes = 0;
  private need = 0;
  /** A pipeline repeats a command name: the last one's string is reused when the bytes match. */
  private lastName = '';
  /** Set after a protocol error: the link must be dropped. */
  error: string | null = null;

  /** The command the last successful next() returned: its arguments and buf[start, end). */
  argv: string[] = [];
  cmdBuf: Buffer = EMPTY;
  cmdStart = 0;
  cmdEnd = 0;

  /** Bytes received but not yet returned as commands. */
  get pendingBytes(): number {
    if (this.parts !== null) return this.partsBytes;
    const inBuf = this.rest === null ? this.buf.length - this.pos : Math.min(this.joinedAt, this.buf.length) - this.pos;
    return inBuf + (this.rest === null ? 0 : this.rest.length);
  }

  /** Adds received bytes; call next() until it returns false before pushing more. */
  push(chunk: Buffer): void {
    if (this.error !== null || chunk.length === 0) return;
    if (this.parts !== null) {
      // A big argument is still arriving: join the pieces once, when enough are here.
      this.parts.push(chunk);
      this.partsBytes += chunk.length;
      if (this.partsBytes < this.need) return;
      this.buf = Buffer.concat(this.parts, this.partsBytes);
      this.parts = null;
      this.partsBytes = 0;
      this.pos = 0;
    } else if (this.pos < this.buf.length) {
      // The start of a command is left over: it is joined with as little of the read as it
      // needs (next()), not the whole read copied behind it.
      this.buf = this.buf.subarray(this.pos);
      this.pos = 0;
      this.rest = chunk;
      this.taken = 0;
      this.joinedAt = this.buf.length;
    } else {
      this.buf = chunk;
      this.pos = 0;
    }
  }

  /** Parses the next command into argv / cmdBuf / cmdStart / cmdEnd; false when none is complete or on a protocol error. */
  next(): boolean {
    if (this.error !== null) return false;
    for (;;) {
      const r = this.parseOne();
      if (r === true) {
        if (this.rest !== null && this.pos >= this.joinedAt) {
          // The joined command is done: go on in the read itself, past the bytes it took.
          this.pos = this.pos - this.joinedAt;
          this.buf = this.rest;
          this.rest = null;
        }
        return true;
      }
      if (r !== null) {
        this.error = r;
        this.buf = EMPTY;
        this.pos = 0;
        this.rest = null;
        this.parts = null;
        return false;
      }
      const rest = this.rest;
      if (rest !== null) {
        // Incomplete (pos is at its start): join more of the read, as much as it needs if that is
        // known, else at least doubling what is joined (the copying stays linear).
        const avail = this.buf.length - this.pos;
        const more = Math.min(rest.length - this.taken, Math.max(this.need - avail, avail, JOIN_STEP));
        this.buf = Buffer.concat([this.buf.subarray(this.pos), rest.subarray(this.taken, this.taken + more)]);
        this.joinedAt -= this.pos;
        this.pos = 0;
        this.taken += more;
        if (this.taken < rest.length) continue;
        // The whole read is joined: it is ordinary buffer now.
        this.rest = null;
        if (more > 0) continue;
      }
      this.holdRest();
      return false;
    }
  }

  /** Nothing more parses: keep what is left, as reads to collect when a big argument is due. */
  private holdRest(): void {
    if (this.pos >= this.buf.length) {
      this.buf = EMPTY;
      this.pos = 0;
    } else if (this.need > this.buf.length - this.pos) {
      this.parts = [this.buf.subarray(this.pos)];
      this.partsBytes = this.buf.length - this.pos;
      this.buf = EMPTY;
      this.pos = 0;
    }
  }

  /** Adds received bytes and appends every complete command to `out`; false on a protocol error. */
  feed(chunk: Buffer, out: StreamCommand[]): boolean {
    this.push(chunk);
    while (this.next()) out.push({ argv: this.argv, raw: this.cmdBuf.subarray(this.cmdStart, this.cmdEnd) });
    return this.error === null;
  }

  /** One command from buf[pos..]: true (parsed), null when incomplete (sets `need`), or an error text. */
  private parseOne(): true | string | null {
    const buf = this.buf;
    const start = this.pos;
    const end = buf.length;
    this.need = 0;
    if (start >= end) return null;
    if (buf[start] !== 42 /* '*' */) {
      const nl = buf.indexOf(10, start);
      if (nl === -1) return end - start > MAX_LINE ? 'too big inline request' : null;
      let e = nl;
      if (e > start && buf[e - 1] === 13) e--;
      const args = splitArgs(slice(buf, start, e));
      if (args === null) return 'unbalanced quotes in request';
      this.pos = nl + 1;
      // An empty line is a keepalive: it counts in the offset but runs nothing.
      this.setCommand(args, buf, start, nl + 1);
      return true;
    }
    let cr = findCR(buf, start);
    if (cr === -1 || cr + 1 >= end) return end - start > MAX_LINE ? 'too big count string' : null;
    const count = readInt(buf, start + 1, cr);
    if (count === null) return 'invalid length';
    let p = cr + 2;
    const argv: string[] = [];
    for (let i = 0; i < count; i++) {
      if (p >= end) return null;
      if (buf[p] !== 36 /* '$' */) return `expected '$', got '${fc(buf[p]!)}'`;
      cr = findCR(buf, p);
      if (cr === -1 || cr + 1 >= end) return end - p > MAX_LINE ? 'too big count string' : null;
      const len = readInt(buf, p + 1, cr);
      if (len === null) return 'invalid length';
      if (len < 0) return 'invalid bulk length';
      p = cr + 2;
      if (end - p < len + 2) {
        this.need = p - start + len + 2;
        return null;
      }
      if (i === 0) {
        const name = this.lastName;
        let same = name.length === len;
        for (let j = 0; same && j < len; j++) same = buf[p + j] === name.charCodeAt(j);
        argv.push(same ? name : (this.lastName = slice(buf, p, p + len)));
      } else {
        argv.push(slice(buf, p, p + len));
      }
      p += len + 2;
    }
    this.pos = p;
    this.setCommand(argv, buf, start, p);
    return true;
  }

  private setCommand(argv: string[], buf: Buffer, start: number, end: number): void {
    this.argv = argv;
    this.cmdBuf = buf;
    this.cmdStart = start;
    this.cmdEnd = end;
  }
}
