// CRC-64 as Redis computes it for RDB files and DUMP payloads: the Jones polynomial
// (0xad93d23594c935a9, used reflected), reflected input and output, initial value 0, no final
// xor. Check value: crc64("123456789") = 0xe9c6d914c4b8d9ca. The 64-bit state is kept as two
// 32-bit halves so that no BigInt is touched per byte.

/** The reflected polynomial, as high and low 32-bit halves. */
const POLY_HI = 0x95ac9329;
const POLY_LO = 0xac4bc9b5;

function buildTable(): [Uint32Array, Uint32Array] {
  const hi = new Uint32Array(256);
  const lo = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let h = 0;
    let l = n;
    for (let k = 0; k < 8; k++) {
      const carry = l & 1;
      l = ((l >>> 1) | ((h & 1) << 31)) >>> 0;
      h = h >>> 1;
      if (carry) {
        h = (h ^ POLY_HI) >>> 0;
        l = (l ^ POLY_LO) >>> 0;
      }
    }
    hi[n] = h;
    lo[n] = l;
  }
  return [hi, lo];
}

/** Immutable lookup tables, computed once per process. */
const [T_HI, T_LO] = buildTable();

/** A running CRC-64 that can be fed in chunks (streaming writers, loaders). */
export class Crc64 {
  private hi = 0;
  private lo = 0;

  update(buf: Uint8Array, start = 0, end = buf.length): this {
    let h = this.hi;
    let l = this.lo;
    for (let i = start; i < end; i++) {
      const idx = (l ^ buf[i]!) & 0xff;
      l = ((l >>> 8) | (h << 24)) ^ T_LO[idx]!;
      h = (h >>> 8) ^ T_HI[idx]!;
    }
    this.hi = h >>> 0;
    this.lo = l >>> 0;
    return this;
  }

  /** The checksum as 8 little-endian bytes, as Redis stores it. */
  bytesLE(): Buffer {
    const b = Buffer.allocUnsafe(8);
    b.writeUInt32LE(this.lo, 0);
    b.writeUInt32LE(this.hi, 4);
    return b;
  }

  /** The checksum as 16 hex digits (tests, logs). */
  hex(): string {
    return this.hi.toString(16).padStart(8, '0') + this.lo.toString(16).padStart(8, '0');
  }

  get isZero(): boolean {
    return this.hi === 0 && this.lo === 0;
  }
}

/** CRC-64 of one buffer (or a range of it), as 8 little-endian bytes. */
export function crc64LE(buf: Uint8Array, start = 0, end = buf.length): Buffer {
  return new Crc64().update(buf, start, end).bytesLE();
}
