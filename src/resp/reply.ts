// Reply vocabulary (RESP3 words) and the wire writer. The RESP2 downgrade happens here and
// only here: map → flat array, set/push → array, double → bulk string, bool → integer, null by kind.
// Handlers write through the Reply interface and never see bytes, sockets or protocol versions
// except where Redis's reply shape really differs between RESP2 and RESP3.

import { formatDouble } from '../util/numbers.js';

export type Bulk = string | Buffer;

/** A length written before the elements are known (Redis's deferred length). */
export interface Deferred { readonly index: number }

export interface Reply {
  /** Negotiated protocol version of the client this reply goes to. */
  readonly resp: 2 | 3;
  ok(): void;
  simple(s: string): void;
  error(text: string): void;
  integer(n: number | bigint): void;
  bulk(v: Bulk): void;
  /** Null where RESP2 says $-1 (a missing string). */
  null(): void;
  /** Null where RESP2 says *-1 (a missing array). */
  nullArray(): void;
  array(n: number): void;
  map(pairs: number): void;
  set(n: number): void;
  push(n: number): void;
  double(x: number): void;
  bool(b: boolean): void;
  bigNumber(digits: string): void;
  verbatim(text: string, format?: string): void;
  bulkArray(items: readonly Bulk[]): void;
  /** The elements of an array whose header was already written: bulkArray in pieces. */
  bulks(items: readonly Bulk[]): void;
  /** Starts an aggregate whose length is filled in later by endDeferred. */
  deferredArray(): Deferred;
  deferredMap(): Deferred;
  deferredSet(): Deferred;
  endDeferred(d: Deferred, n: number): void;
  /** RESP3 attribute header (|n): n key/value pairs that annotate the reply that follows. */
  attribute(pairs: number): void;
}

export type ErrorListener = (text: string) => void;

/** bulkArray writes arrays of at least this many elements through the scratch buffer. */
const BULK_BATCH_MIN = 8;
/** Members up to this long are copied byte by byte; longer ones by one native latin1 write. */
const SHORT_COPY = 32;
const SCRATCH_BYTES = 16 * 1024;
/**
 * Scratch bytes for bulkArray. Shared by every writer in the process but never state: it is
 * filled and read back into a string within one synchronous call, so nothing in it outlives
 * the call (and one thread runs every server of the process).
 */
const SCRATCH = Buffer.allocUnsafeSlow(SCRATCH_BYTES) as Buffer & Latin1Io;

/** Node's undocumented direct latin1 codecs (as the parser uses): no encoding dispatch. */
interface Latin1Io {
  latin1Slice(start: number, end: number): string;
  latin1Write(s: string, offset: number, length: number): number;
}

/** Writes a non-negative integer's decimal digits at o; returns the position after them. */
function writeDigits(b: Buffer, o: number, n: number): number {
  if (n < 10) {
    b[o] = 48 + n;
    return o + 1;
  }
  let digits = 2;
  for (let t = 100; t <= n; t *= 10) digits++;
  const end = o + digits;
  for (let p = end - 1; p >= o; p--) {
    b[p] = 48 + (n % 10);
    n = Math.floor(n / 10);
  }
  return end;
}

/**
 * Writes RESP bytes into a pending output. Text is accumulated as a latin1 JS string (one char per
 * byte: V8 keeps it one byte per char and concatenation is cheap) and Buffers are kept as parts, so
 * a whole read batch of replies leaves in one write.
 */
export class RespWriter implements Reply {
  resp: 2 | 3 = 2;
  private out = '';
  private parts: Bulk[] = [];
  private partsBytes = 0;
  private deferredKinds: string[] = [];

  constructor(private readonly onError: ErrorListener | null = null) {}

  ok(): void { this.out += '+OK\r\n'; }
  simple(s: string): void { this.out += '+' + s + '\r\n'; }
  error(text: string): void {
    this.out += '-' + text + '\r\n';
    if (this.onError !== null) this.onError(text);
  }
  integer(n: number | bigint): void { this.out += ':' + n + '\r\n'; }
  bulk(v: Bulk): void {
    if (typeof v === 'string') {
      this.out += '$' + v.length + '\r\n' + v + '\r\n';
    } else {
      this.out += '$' + v.length + '\r\n';
      this.pushPart(v);
      this.out += '\r\n';
    }
  }
  null(): void { this.out += this.resp === 3 ? '_\r\n' : '$-1\r\n'; }
  nullArray(): void { this.out += this.resp === 3 ? '_\r\n' : '*-1\r\n'; }
  array(n: number): void { this.out += '*' + n + '\r\n'; }
  map(pairs: number): void { this.out += this.resp === 3 ? '%' + pairs + '\r\n' : '*' + pairs * 2 + '\r\n'; }
  set(n: number): void { this.out += (this.resp === 3 ? '~' : '*') + n + '\r\n'; }
  push(n: number): void { this.out += (this.resp === 3 ? '>' : '*') + n + '\r\n'; }
  double(x: number): void {
    const s = formatDouble(x);
    if (this.resp === 3) this.out += ',' + s + '\r\n';
    else this.out += '$' + s.length + '\r\n' + s + '\r\n';
  }
  bool(b: boolean): void {
    if (this.resp === 3) this.out += b ? '#t\r\n' : '#f\r\n';
    else this.out += b ? ':1\r\n' : ':0\r\n';
  }
  bigNumber(digits: string): void {
    if (this.resp === 3) this.out += '(' + digits + '\r\n';
    else this.out += '$' + digits.length + '\r\n' + digits + '\r\n';
  }
  verbatim(text: string, format = 'txt'): void {
    if (this.resp === 3) this.out += '=' + (text.length + 4) + '\r\n' + format + ':' + text + '\r\n';
    else this.out += '$' + text.length + '\r\n' + text + '\r\n';
  }
  /** RESP2 has no attributes: callers write them only for RESP3 clients (asserted). */
  attribute(pairs: number): void {
    if (this.resp !== 3) throw new Error('attribute reply requires RESP3');
    this.out += '|' + pairs + '\r\n';
  }
  bulkArray(items: readonly Bulk[]): void {
    this.out += '*' + items.length + '\r\n';
    this.bulks(items);
  }

  bulks(items: readonly Bulk[]): void {
    const n = items.length;
    if (n < BULK_BATCH_MIN) {
      for (let i = 0; i < n; i++) this.bulk(items[i]!);
      return;
    }
    // Many elements: one byte pass into the scratch buffer and one flat string per scratchful,
    // instead of four concatenations per element and a deep rope the socket must walk later.
    const b = SCRATCH;
    let o = 0;
    for (let i = 0; i < n; i++) {
      const v = items[i]!;
      if (typeof v !== 'string') {
        if (o > 0) this.out += b.latin1Slice(0, o);
        o = 0;
        this.bulk(v);
        continue;
      }
      const len = v.length;
      if (o + len + 16 > SCRATCH_BYTES) {
        if (o > 0) this.out += b.latin1Slice(0, o);
        o = 0;
        if (len + 16 > SCRATCH_BYTES) {
          this.out += '$' + len + '\r\n' + v + '\r\n';
          continue;
        }
      }
      b[o++] = 36; // '$'
      o = writeDigits(b, o, len);
      b[o++] = 13;
      b[o++] = 10;
      if (len <= SHORT_COPY) for (let j = 0; j < len; j++) b[o++] = v.charCodeAt(j);
      else o += b.latin1Write(v, o, len);
      b[o++] = 13;
      b[o++] = 10;
    }
    if (o > 0) this.out += b.latin1Slice(0, o);
  }

  deferredArray(): Deferred { return this.defer('*'); }
  deferredMap(): Deferred { return this.defer(this.resp === 3 ? '%' : '*%'); }
  deferredSet(): Deferred { return this.defer(this.resp === 3 ? '~' : '*'); }
  endDeferred(d: Deferred, n: number): void {
    const kind = this.deferredKinds[d.index]!;
    const header = kind === '*%' ? '*' + n * 2 : kind + n;
    this.parts[d.index] = header + '\r\n';
    this.partsBytes += header.length + 2;
  }

  /** Bytes waiting to be written (an estimate good enough for output-buffer limits). */
  get pendingBytes(): number { return this.out.length + this.partsBytes; }

  /** A position to rewind to: everything written after it can be discarded (CLIENT REPLY OFF). */
  mark(): number { return this.parts.length === 0 ? this.out.length : -1 - this.parts.length; }
  rewind(mark: number): void {
    if (mark >= 0 && this.parts.length === 0) this.out = this.out.slice(0, mark);
    else if (mark < 0) { this.flushOut(); this.parts.length = -1 - mark; this.recount(); }
  }

  /** Takes everything pending, as one string (latin1) or one Buffer, or null when empty. */
  take(): string | Buffer | null {
    if (this.parts.length === 0) {
      if (this.out.length === 0) return null;
      const s = this.out;
      this.out = '';
      return s;
    }
    this.flushOut();
    const bufs = this.parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'latin1') : p));
    this.parts = [];
    this.partsBytes = 0;
    this.deferredKinds = [];
    return bufs.length === 1 ? bufs[0]! : Buffer.concat(bufs);
  }

  private defer(kind: string): Deferred {
    this.flushOut();
    const index = this.parts.length;
    this.parts.push('');
    this.deferredKinds[index] = kind;
    return { index };
  }
  private pushPart(b: Bulk): void {
    this.flushOut();
    this.parts.push(b);
    this.partsBytes += b.length;
  }
  private flushOut(): void {
    if (this.out.length > 0) {
      this.parts.push(this.out);
      this.partsBytes += this.out.length;
      this.out = '';
    }
  }
  private recount(): void {
    let n = 0;
    for (const p of this.parts) n += p.length;
    this.partsBytes = n;
  }
}
