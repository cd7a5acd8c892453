// Framing of the RDB a primary sends for a full sync, both ways: from disk as a bulk
// (`$<len>\r\n` + bytes) or streamed from a snapshot with no length known in advance
// (`$EOF:<40 chars>\r\n` + bytes + the same 40 chars), and the replica's incremental reader of it.
// No sockets and no RDB parsing here: payload bytes are handed to the caller as they come.

import { assert } from '../util/assert.js';
import { randomHex40 } from './psync.js';

export const EOF_MARK_LEN = 40;
/** Longest preamble line accepted (Redis reads it into a 1024-byte buffer). */
const MAX_LINE = 1024;

/** Preamble of an RDB sent from a file of known size. */
export function diskPreamble(size: number): string {
  return `$${size}\r\n`;
}

/** A fresh end-of-stream mark for one diskless transfer (shared by its replicas). */
export function randomEofMark(): string {
  return randomHex40();
}

/** Preamble of an RDB streamed without a length; the payload is followed by `mark` itself. */
export function disklessPreamble(mark: string): string {
  return `$EOF:${mark}\r\n`;
}

export type TransferEvent =
  /** An empty line before the preamble: the primary is still preparing the RDB. */
  | { type: 'keepalive' }
  | { type: 'header'; mode: 'disk'; size: number }
  | { type: 'header'; mode: 'eof'; mark: string }
  /** Payload bytes, in order (views into the pushed chunks, except the few held back in EOF mode). */
  | { type: 'data'; chunk: Buffer }
  /** The payload ended; `rest` is what followed it in the last chunk (the replication stream). */
  | { type: 'end'; rest: Buffer }
  | { type: 'error'; message: string };

const EMPTY = Buffer.alloc(0);

/**
 * The replica's reader of a full-sync transfer. Feed it every chunk read from the primary until
 * it reports 'end' or 'error'. The EOF mark is found wherever it falls, split across any number
 * of chunks; in EOF mode the last 39 bytes seen are held back until it is known they are payload.
 */
export class RdbTransferReader {
  private state: 'line' | 'sized' | 'eof' | 'done' = 'line';
  private line = '';
  private remaining = 0;
  private mark: Buffer = EMPTY;
  /** EOF mode: bytes that may be the start of the mark (always shorter than the mark). */
  private pending: Buffer = EMPTY;
  /** Payload bytes delivered so far. */
  received = 0;

  get finished(): boolean {
    return this.state === 'done';
  }

  /** Reads one chunk. After 'end' or 'error' the link belongs to the stream: push no more. */
  push(chunk: Buffer): TransferEvent[] {
    assert(this.state !== 'done', 'transfer already ended');
    const out: TransferEvent[] = [];
    let c = chunk;
    while (c.length > 0 && this.state === 'line') c = this.readLine(c, out);
    if (this.state === 'sized') this.readSized(c, out);
    else if (this.state === 'eof' && c.length > 0) this.readEof(c, out);
    return out;
  }

  private fail(out: TransferEvent[], message: string): Buffer {
    this.state = 'done';
    out.push({ type: 'error', message });
    return EMPTY;
  }

  /** Consumes preamble bytes up to and including a newline; returns what follows. */
  private readLine(c: Buffer, out: TransferEvent[]): Buffer {
    const nl = c.indexOf(10);
    const end = nl === -1 ? c.length : nl;
    this.line += c.toString('latin1', 0, end);
    if (this.line.length > MAX_LINE) return this.fail(out, 'bulk preamble line too long');
    if (nl === -1) return EMPTY;
    let line = this.line;
    this.line = '';
    if (line.endsWith('\r')) line = line.slice(0, -1);
    const rest = c.subarray(nl + 1);
    if (line.length === 0) {
      out.push({ type: 'keepalive' });
      return rest;
    }
    if (line[0] === '-') return this.fail(out, `MASTER aborted replication with an error: ${line.slice(1)}`);
    if (line[0] !== '$') return this.fail(out, `Bad protocol from MASTER, the first byte is not '$' (we received '${line}')`);
    if (line.startsWith('$EOF:') && line.length - 5 >= EOF_MARK_LEN) {
      const mark = line.slice(5, 5 + EOF_MARK_LEN);
      this.mark = Buffer.from(mark, 'latin1');
      this.state = 'eof';
      out.push({ type: 'header', mode: 'eof', mark });
      return rest;
    }
    // Redis reads the length with strtol and trusts it; a length that is not a plain decimal can
    // only desynchronize the link, so it is refused here.
    if (!/^\$\d{1,16}$/.test(line)) return this.fail(out, `Bad bulk length from MASTER: '${line}'`);
    this.remaining = Number(line.slice(1));
    this.state = 'sized';
    out.push({ type: 'header', mode: 'disk', size: this.remaining });
    return rest;
  }

  private readSized(c: Buffer, out: TransferEvent[]): void {
    const n = Math.min(this.remaining, c.length);
    if (n > 0) {
      out.push({ type: 'data', chunk: c.subarray(0, n) });
      this.remaining -= n;
      this.received += n;
    }
    if (this.remaining === 0) {
      this.state = 'done';
      out.push({ type: 'end', rest: c.subarray(n) });
    }
  }

  private readEof(c: Buffer, out: TransferEvent[]): void {
    const L = EOF_MARK_LEN;
    const p = this.pending;
    // A mark that starts in the held-back bytes needs at most L-1 bytes of this chunk.
    if (p.length > 0) {
      const joint = Buffer.concat([p, c.subarray(0, L - 1)]);
      const i = joint.indexOf(this.mark);
      if (i !== -1) return this.finishEof(out, p.subarray(0, i), EMPTY, c.subarray(i + L - p.length));
    }
    const j = c.indexOf(this.mark);
    if (j !== -1) return this.finishEof(out, p, c.subarray(0, j), c.subarray(j + L));
    // No mark yet: everything but the last L-1 bytes seen is certainly payload.
    const keep = Math.min(L - 1, p.length + c.length);
    const emit = p.length + c.length - keep;
    if (emit <= p.length) {
      this.emit(out, p.subarray(0, emit));
      this.pending = Buffer.concat([p.subarray(emit), c]);
    } else {
      this.emit(out, p);
      this.emit(out, c.subarray(0, c.length - keep));
      this.pending = Buffer.from(c.subarray(c.length - keep)); // a copy: the chunk may be reused
    }
  }

  private finishEof(out: TransferEvent[], a: Buffer, b: Buffer, rest: Buffer): void {
    this.emit(out, a);
    this.emit(out, b);
    this.pending = EMPTY;
    this.state = 'done';
    out.push({ type: 'end', rest });
  }

  private emit(out: TransferEvent[], chunk: Buffer): void {
    if (chunk.length === 0) return;
    out.push({ type: 'data', chunk });
    this.received += chunk.length;
  }
}
