// The packed blobs RDB embeds in strings: listpack (built and parsed), and the older ziplist,
// zipmap and intset (parsed only; Redis 7.2 no longer writes them). Parsers validate every
// header and entry against the blob's real size and throw RdbError: a header that lies about
// its size, count or tail, an entry running past the end, or a missing end marker all fail.

import { parseInt64 } from '../../util/numbers.js';
import { ByteWriter, Cursor, fail } from './bytes.js';

const LP_HEADER = 6;
const LP_EOF = 0xff;

// ---- listpack: build ----

/** Bytes of a listpack back-length for an entry of `l` bytes. */
function backlenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

function writeBacklen(w: ByteWriter, l: number): void {
  // Most significant 7-bit group first; every byte but the first has the high bit set, so a
  // reader going backwards knows where the number ends.
  const n = backlenSize(l);
  for (let k = n - 1; k >= 0; k--) {
    const group = Math.floor(l / 2 ** (7 * k)) & 127;
    w.u8(k === n - 1 ? group : group | 128);
  }
}

/** Appends one listpack entry (encoding, data, back-length) for the element s. */
function writeLpEntry(w: ByteWriter, s: string): void {
  const start = w.length;
  const v = s.length > 0 && s.length <= 20 ? parseInt64(s) : null;
  if (v !== null) {
    const n = typeof v === 'bigint' ? v : BigInt(v);
    if (typeof v === 'number' && v >= 0 && v <= 127) {
      w.u8(v);
    } else if (typeof v === 'number' && v >= -4096 && v <= 4095) {
      const u = v < 0 ? (1 << 13) + v : v;
      w.u8(0xc0 | (u >>> 8));
      w.u8(u & 0xff);
    } else if (typeof v === 'number' && v >= -32768 && v <= 32767) {
      w.u8(0xf1);
      w.i16le(v);
    } else if (typeof v === 'number' && v >= -8388608 && v <= 8388607) {
      const u = v < 0 ? (1 << 24) + v : v;
      w.u8(0xf2);
      w.u8(u & 0xff);
      w.u8((u >>> 8) & 0xff);
      w.u8((u >>> 16) & 0xff);
    } else if (typeof v === 'number' && v >= -2147483648 && v <= 2147483647) {
      w.u8(0xf3);
      w.i32le(v);
    } else {
      w.u8(0xf4);
      w.i64le(n);
    }
  } else {
    const len = s.length;
    if (len < 64) {
      w.u8(0x80 | len);
    } else if (len < 4096) {
      w.u8(0xe0 | (len >>> 8));
      w.u8(len & 0xff);
    } else {
      w.u8(0xf0);
      w.u32le(len);
    }
    w.latin1(s);
  }
  writeBacklen(w, w.length - start);
}

/** A complete listpack holding the elements in order. */
export function buildListpack(items: Iterable<string>): Buffer {
  const w = new ByteWriter(64);
  w.u32le(0);
  w.u16le(0);
  let count = 0;
  for (const s of items) {
    writeLpEntry(w, s);
    count++;
  }
  w.u8(LP_EOF);
  const out = w.take();
  out.writeUInt32LE(out.length, 0);
  out.writeUInt16LE(count < 65535 ? count : 65535, 4);
  return out;
}

// ---- listpack: parse ----

/** Reads a back-length going backwards from `last` (its final byte); returns [value, size]. */
function readBacklen(b: Buffer, last: number, first: number): [number, number] {
  let v = 0;
  let shift = 1;
  let n = 0;
  for (let p = last; p >= first; p--) {
    const byte = b[p]!;
    v += (byte & 127) * shift;
    shift *= 128;
    n++;
    if ((byte & 128) === 0) return [v, n];
    if (n === 5) break;
  }
  return fail('listpack entry has a bad back-length');
}

/** Parses a listpack into its elements (integers as decimal text). */
export function parseListpack(b: Buffer): string[] {
  if (b.length < LP_HEADER + 1) fail('listpack too short');
  const total = b.readUInt32LE(0);
  if (total !== b.length) fail('listpack header size does not match its blob');
  const declared = b.readUInt16LE(4);
  if (b[b.length - 1] !== LP_EOF) fail('listpack without end marker');
  const out: string[] = [];
  const c = new Cursor(b, LP_HEADER, b.length - 1);
  while (c.remaining > 0) {
    const start = c.pos;
    const e = c.u8();
    let s: string;
    if (e < 0x80) {
      s = String(e);
    } else if (e < 0xc0) {
      s = c.take(e & 0x3f, 'listpack string').toString('latin1');
    } else if (e < 0xe0) {
      let u = ((e & 0x1f) << 8) | c.u8();
      if (u >= 4096) u -= 8192;
      s = String(u);
    } else if (e < 0xf0) {
      s = c.take(((e & 0x0f) << 8) | c.u8(), 'listpack string').toString('latin1');
    } else if (e === 0xf0) {
      s = c.take(c.u32le(), 'listpack string').toString('latin1');
    } else if (e === 0xf1) {
      s = String(c.take(2, 'int16').readInt16LE(0));
    } else if (e === 0xf2) {
      s = String(c.take(3, 'int24').readIntLE(0, 3));
    } else if (e === 0xf3) {
      s = String(c.take(4, 'int32').readInt32LE(0));
    } else if (e === 0xf4) {
      s = c.take(8, 'int64').readBigInt64LE(0).toString();
    } else {
      return fail(`bad listpack entry encoding ${e}`);
    }
    const entryLen = c.pos - start;
    const bl = backlenSize(entryLen);
    c.need(bl, 'listpack back-length');
    const [v, n] = readBacklen(b, c.pos + bl - 1, c.pos);
    if (v !== entryLen || n !== bl) fail('listpack back-length does not match its entry');
    c.pos += bl;
    out.push(s);
  }
  if (declared !== 65535 && declared !== out.length) fail('listpack header count does not match its entries');
  return out;
}

// ---- ziplist (RDB types 10, 12, 13 and quicklist v1 nodes) ----

/** Parses a ziplist into its elements, checking the header's size, tail offset and count. */
export function parseZiplist(b: Buffer): string[] {
  if (b.length < 11) fail('ziplist too short');
  const total = b.readUInt32LE(0);
  const tail = b.readUInt32LE(4);
  const declared = b.readUInt16LE(8);
  if (total !== b.length) fail('ziplist header size does not match its blob');
  if (b[b.length - 1] !== 0xff) fail('ziplist without end marker');
  const c = new Cursor(b, 10, b.length - 1);
  const out: string[] = [];
  let prevLen = 0;
  let lastStart = 10;
  while (c.remaining > 0) {
    const start = c.pos;
    lastStart = start;
    let prev = c.u8();
    if (prev === 0xfe) prev = c.u32le();
    else if (prev === 0xff) fail('ziplist entry with an invalid previous length');
    if (prev !== prevLen) fail('ziplist entry previous length does not match');
    const e = c.u8();
    let s: string;
    switch (e >>> 6) {
      case 0: s = c.take(e & 0x3f, 'ziplist string').toString('latin1'); break;
      case 1: s = c.take(((e & 0x3f) << 8) | c.u8(), 'ziplist string').toString('latin1'); break;
      case 2: {
        if (e !== 0x80) fail(`bad ziplist string encoding ${e}`);
        const n = c.take(4, 'ziplist length').readUInt32BE(0);
        s = c.take(n, 'ziplist string').toString('latin1');
        break;
      }
      default:
        if (e === 0xc0) s = String(c.take(2, 'int16').readInt16LE(0));
        else if (e === 0xd0) s = String(c.take(4, 'int32').readInt32LE(0));
        else if (e === 0xe0) s = c.take(8, 'int64').readBigInt64LE(0).toString();
        else if (e === 0xf0) s = String(c.take(3, 'int24').readIntLE(0, 3));
        else if (e === 0xfe) s = String(c.take(1, 'int8').readInt8(0));
        else if (e >= 0xf1 && e <= 0xfd) s = String((e & 0x0f) - 1);
        else return fail(`bad ziplist entry encoding ${e}`);
    }
    prevLen = c.pos - start;
    out.push(s);
  }
  if (out.length > 0 && tail !== lastStart) fail('ziplist tail offset does not match');
  if (out.length === 0 && tail !== 10) fail('ziplist tail offset does not match');
  if (declared !== 65535 && declared !== out.length) fail('ziplist header count does not match its entries');
  return out;
}

// ---- zipmap (RDB type 9, hashes before Redis 2.6) ----

function zipmapLen(c: Cursor): number {
  const first = c.u8();
  if (first < 254) return first;
  if (first === 254) return c.u32le();
  return fail('zipmap entry with an invalid length');
}

/** Parses a zipmap into [field, value] pairs. */
export function parseZipmap(b: Buffer): [string, string][] {
  const c = new Cursor(b);
  c.u8(); // the count byte is only a hint (254 means "count them")
  const out: [string, string][] = [];
  for (;;) {
    if (c.remaining === 0) fail('zipmap without end marker');
    if (c.buf[c.pos] === 255) {
      c.pos++;
      break;
    }
    const field = c.take(zipmapLen(c), 'zipmap field').toString('latin1');
    const vlen = zipmapLen(c);
    const free = c.u8();
    const value = c.take(vlen, 'zipmap value').toString('latin1');
    c.take(free, 'zipmap free space');
    out.push([field, value]);
  }
  if (c.remaining !== 0) fail('zipmap has data after its end marker');
  return out;
}

// ---- intset (RDB type 11) ----

/** Parses an intset into its members as decimal text, checking order and uniqueness. */
export function parseIntset(b: Buffer): string[] {
  if (b.length < 8) fail('intset too short');
  const width = b.readUInt32LE(0);
  const n = b.readUInt32LE(4);
  if (width !== 2 && width !== 4 && width !== 8) fail(`intset with an invalid encoding ${width}`);
  if (n * width !== b.length - 8) fail('intset length does not match its blob');
  const out: string[] = [];
  let prev: bigint | null = null;
  for (let i = 0; i < n; i++) {
    const p = 8 + i * width;
    const v = width === 2 ? BigInt(b.readInt16LE(p)) : width === 4 ? BigInt(b.readInt32LE(p)) : b.readBigInt64LE(p);
    if (prev !== null && v <= prev) fail('intset members are not sorted and unique');
    prev = v;
    out.push(v.toString());
  }
  return out;
}
