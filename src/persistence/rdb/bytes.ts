// Byte-level building blocks of the RDB codec: ByteWriter (a growable output buffer with the
// RDB length and string encodings) and Cursor (a bounds-checked reader that throws RdbError
// instead of reading past its end). Every length read is checked against the bytes that remain,
// so hostile input can never make the reader allocate more than the input's size.

import { ENC_INT16, ENC_INT32, ENC_INT8, ENC_LZF, LEN_14BIT, LEN_32BIT, LEN_64BIT, LEN_6BIT, LEN_ENCVAL } from './constants.js';
import { lzfCompress, lzfDecompress, LZF_MAX_RATIO } from './lzf.js';

/** A malformed or unsupported RDB input. The message says what was wrong. */
export class RdbError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RdbError';
  }
}

export function fail(message: string): never {
  throw new RdbError(message);
}

/** Options of string encoding, as the rdbcompression directive sets them. */
export interface StringEncodingOptions {
  compress: boolean;
}

/** The int32 value of a canonical decimal string of at most 11 bytes, or null (Redis's rule). */
export function smallCanonicalInt(s: string): number | null {
  const n = s.length;
  if (n === 0 || n > 11) return null;
  let i = 0;
  const neg = s.charCodeAt(0) === 45;
  if (neg) {
    i = 1;
    if (n === 1) return null;
  }
  const first = s.charCodeAt(i) - 48;
  if (first === 0) return n === 1 ? 0 : null;
  if (first < 1 || first > 9) return null;
  let v = 0;
  for (; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return null;
    v = v * 10 + d;
  }
  if (neg) v = -v;
  return v >= -2147483648 && v <= 2147483647 ? v : null;
}

export class ByteWriter {
  private buf: Buffer;
  private len = 0;
  /** Scratch hash table for the LZF compressor, reused across strings. */
  private lzfTable: Int32Array | null = null;

  constructor(initial = 4096) {
    this.buf = Buffer.allocUnsafe(initial);
  }

  get length(): number { return this.len; }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf[this.len++] = v;
  }

  bytes(b: Uint8Array): void {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
  }

  /** A latin1 string's bytes. */
  latin1(s: string): void {
    this.ensure(s.length);
    this.len += this.buf.write(s, this.len, 'latin1');
  }

  u16le(v: number): void { this.ensure(2); this.buf.writeUInt16LE(v, this.len); this.len += 2; }
  u32le(v: number): void { this.ensure(4); this.buf.writeUInt32LE(v >>> 0, this.len); this.len += 4; }
  i16le(v: number): void { this.ensure(2); this.buf.writeInt16LE(v, this.len); this.len += 2; }
  i32le(v: number): void { this.ensure(4); this.buf.writeInt32LE(v, this.len); this.len += 4; }
  i64le(v: bigint): void { this.ensure(8); this.buf.writeBigInt64LE(v, this.len); this.len += 8; }
  u64le(v: number): void { this.ensure(8); this.buf.writeBigUInt64LE(BigInt(v), this.len); this.len += 8; }
  f64le(v: number): void { this.ensure(8); this.buf.writeDoubleLE(v, this.len); this.len += 8; }

  /** An RDB length: 6 bits, 14 bits, 32 bits or 64 bits (big endian), as Redis's rdbSaveLen. */
  rdbLen(n: number): void {
    if (n < 64) {
      this.u8((LEN_6BIT << 6) | n);
    } else if (n < 16384) {
      this.u8((LEN_14BIT << 6) | (n >>> 8));
      this.u8(n & 0xff);
    } else if (n <= 0xffffffff) {
      this.u8(LEN_32BIT);
      this.ensure(4);
      this.buf.writeUInt32BE(n, this.len);
      this.len += 4;
    } else {
      this.u8(LEN_64BIT);
      this.ensure(8);
      this.buf.writeBigUInt64BE(BigInt(n), this.len);
      this.len += 8;
    }
  }

  /** An integer in the int8/16/32 string encodings; false when it does not fit int32. */
  rdbEncodedInt(v: number): boolean {
    if (v >= -128 && v <= 127) {
      this.u8((LEN_ENCVAL << 6) | ENC_INT8);
      this.u8(v & 0xff);
    } else if (v >= -32768 && v <= 32767) {
      this.u8((LEN_ENCVAL << 6) | ENC_INT16);
      this.i16le(v);
    } else if (v >= -2147483648 && v <= 2147483647) {
      this.u8((LEN_ENCVAL << 6) | ENC_INT32);
      this.i32le(v);
    } else {
      return false;
    }
    return true;
  }

  /**
   * A string with Redis's rules (rdbSaveRawString): up to 11 bytes that are a canonical int32
   * become an int encoding; longer than 20 bytes is LZF-compressed when compression is on and
   * saves at least 4 bytes; otherwise a length and the bytes.
   */
  rdbString(s: string | Uint8Array, opts: StringEncodingOptions): void {
    if (typeof s === 'string') {
      if (s.length <= 11) {
        const v = smallCanonicalInt(s);
        if (v !== null) {
          this.rdbEncodedInt(v);
          return;
        }
      }
      if (opts.compress && s.length > 20) {
        this.rdbStringMaybeLzf(Buffer.from(s, 'latin1'));
        return;
      }
      this.rdbLen(s.length);
      this.latin1(s);
      return;
    }
    if (s.length <= 11) {
      this.rdbString(Buffer.from(s.buffer, s.byteOffset, s.length).toString('latin1'), opts);
      return;
    }
    if (opts.compress && s.length > 20) {
      this.rdbStringMaybeLzf(s);
      return;
    }
    this.rdbLen(s.length);
    this.bytes(s);
  }

  private rdbStringMaybeLzf(b: Uint8Array): void {
    this.lzfTable ??= new Int32Array(1 << 14);
    const c = b.length > 4 ? lzfCompress(b, b.length - 4, this.lzfTable) : null;
    if (c === null) {
      this.rdbLen(b.length);
      this.bytes(b);
      return;
    }
    this.u8((LEN_ENCVAL << 6) | ENC_LZF);
    this.rdbLen(c.length);
    this.rdbLen(b.length);
    this.bytes(c);
  }

  /** The bytes written since `from` (a view) — used by checksums before take(). */
  view(from = 0, to = this.len): Buffer {
    return this.buf.subarray(from, to);
  }

  /** Hands out everything written so far as a fresh Buffer and starts over. */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.len));
    this.len = 0;
    return out;
  }
}

/** A bounds-checked reader over one buffer. */
export class Cursor {
  pos: number;
  readonly end: number;

  constructor(readonly buf: Buffer, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  get remaining(): number { return this.end - this.pos; }

  need(n: number, what: string): void {
    if (n > this.end - this.pos) fail(`unexpected end of data reading ${what}`);
  }

  u8(): number {
    if (this.pos >= this.end) fail('unexpected end of data');
    return this.buf[this.pos++]!;
  }

  take(n: number, what = 'bytes'): Buffer {
    this.need(n, what);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  u32le(): number { this.need(4, 'u32'); const v = this.buf.readUInt32LE(this.pos); this.pos += 4; return v; }
  i64le(): bigint { this.need(8, 'i64'); const v = this.buf.readBigInt64LE(this.pos); this.pos += 8; return v; }
  f64le(): number { this.need(8, 'double'); const v = this.buf.readDoubleLE(this.pos); this.pos += 8; return v; }

  /** An RDB length or, when `encodedOk`, the marker of a special string encoding. */
  private lenOrEnc(): { len: number; enc: number } {
    const first = this.u8();
    const kind = first >>> 6;
    if (kind === LEN_6BIT) return { len: first & 0x3f, enc: -1 };
    if (kind === LEN_14BIT) return { len: ((first & 0x3f) << 8) | this.u8(), enc: -1 };
    if (kind === LEN_ENCVAL) return { len: 0, enc: first & 0x3f };
    if (first === LEN_32BIT) {
      this.need(4, 'length');
      const v = this.buf.readUInt32BE(this.pos);
      this.pos += 4;
      return { len: v, enc: -1 };
    }
    if (first === LEN_64BIT) {
      this.need(8, 'length');
      const v = this.buf.readBigUInt64BE(this.pos);
      this.pos += 8;
      // No length this large can be backed by the input anyway.
      return { len: v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v), enc: -1 };
    }
    return fail(`unknown length encoding ${first}`);
  }

  /** A plain RDB length (no special encodings allowed). */
  len(): number {
    const r = this.lenOrEnc();
    if (r.enc !== -1) fail('unexpected string encoding where a length was expected');
    return r.len;
  }

  /**
   * A count of items that each take at least `minBytes` bytes: rejected when the rest of the
   * input could not hold them, so a lying count never drives an allocation.
   */
  count(minBytes: number, what: string): number {
    const n = this.len();
    if (n * minBytes > this.remaining) fail(`${what} count ${n} exceeds the input`);
    return n;
  }

  /** An RDB string as raw bytes (int encodings rendered as decimal text, LZF expanded). */
  stringBytes(): Buffer {
    const r = this.lenOrEnc();
    if (r.enc === -1) return this.take(r.len, 'string');
    switch (r.enc) {
      case ENC_INT8: return Buffer.from(String((this.u8() << 24) >> 24), 'latin1');
      case ENC_INT16: {
        this.need(2, 'int16');
        const v = this.buf.readInt16LE(this.pos);
        this.pos += 2;
        return Buffer.from(String(v), 'latin1');
      }
      case ENC_INT32: {
        this.need(4, 'int32');
        const v = this.buf.readInt32LE(this.pos);
        this.pos += 4;
        return Buffer.from(String(v), 'latin1');
      }
      case ENC_LZF: {
        const compressedLen = this.len();
        const plainLen = this.len();
        this.need(compressedLen, 'compressed string');
        if (plainLen > compressedLen * LZF_MAX_RATIO + 32) fail('LZF length is impossible for its compressed size');
        const out = lzfDecompress(this.take(compressedLen), plainLen);
        if (out === null) fail('invalid LZF compressed string');
        return out;
      }
      default:
        return fail(`unknown string encoding ${r.enc}`);
    }
  }

  /** An RDB string as a latin1 JS string. */
  string(): string {
    return this.stringBytes().toString('latin1');
  }
}
