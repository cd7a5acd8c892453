// LZF, the compression RDB uses for strings and quicklist nodes. The stream is a sequence of
// literal runs (control byte 0..31: that many + 1 bytes follow) and back references (control
// byte's top 3 bits: length - 2, 7 meaning "plus the next byte"; low 5 bits and one more byte:
// distance - 1, up to 8192). Written from the format's definition: the compressor is a simple
// greedy matcher over a hash of 3-byte prefixes; any valid stream decodes in Redis.

const MAX_LIT = 32;
const MAX_OFF = 1 << 13;
/** Longest match: 2 + 7 + 255. */
const MAX_REF = 264;
const HASH_BITS = 14;

/** Worst-case expansion of a valid stream: a 3-byte reference yields at most 264 bytes. */
export const LZF_MAX_RATIO = 88;

/**
 * Compresses `input` into at most `maxOut` bytes; returns null when it does not fit (Redis only
 * keeps compressed strings that save at least 4 bytes, so callers pass length - 4).
 * `table` is scratch space of 2^14 entries the caller may reuse between calls.
 */
export function lzfCompress(input: Uint8Array, maxOut: number, table?: Int32Array): Buffer | null {
  const len = input.length;
  if (maxOut <= 0 || len === 0) return null;
  const htab = table ?? new Int32Array(1 << HASH_BITS);
  htab.fill(-1);
  const out = Buffer.allocUnsafe(maxOut);
  let ip = 0;
  let op = 1; // out[0] holds the control byte of the current literal run
  let litStart = 0;
  let lit = 0;
  while (ip < len) {
    if (ip + 2 < len) {
      const h = Math.imul((input[ip]! << 16) | (input[ip + 1]! << 8) | input[ip + 2]!, 0x9e3779b1) >>> (32 - HASH_BITS);
      const ref = htab[h]!;
      htab[h] = ip;
      const dist = ip - ref;
      if (ref >= 0 && dist <= MAX_OFF &&
        input[ref] === input[ip] && input[ref + 1] === input[ip + 1] && input[ref + 2] === input[ip + 2]) {
        let m = 3;
        const maxM = Math.min(MAX_REF, len - ip);
        while (m < maxM && input[ref + m] === input[ip + m]) m++;
        // Close the literal run (or take back its unused control byte).
        if (lit > 0) out[litStart] = lit - 1;
        else op--;
        const l = m - 2;
        const off = dist - 1;
        if (op + (l >= 7 ? 3 : 2) + 1 > maxOut) return null;
        if (l < 7) {
          out[op++] = (l << 5) | (off >>> 8);
        } else {
          out[op++] = (7 << 5) | (off >>> 8);
          out[op++] = l - 7;
        }
        out[op++] = off & 0xff;
        ip += m;
        litStart = op++;
        lit = 0;
        continue;
      }
    }
    if (op >= maxOut) return null;
    out[op++] = input[ip++]!;
    if (++lit === MAX_LIT) {
      out[litStart] = MAX_LIT - 1;
      if (op >= maxOut && ip < len) return null;
      litStart = op++;
      lit = 0;
    }
  }
  if (lit > 0) out[litStart] = lit - 1;
  else op--;
  if (op > maxOut) return null;
  return out.subarray(0, op);
}

/**
 * Decompresses a stream that must expand to exactly `outLen` bytes. Returns null for any
 * malformed stream (reference before the start, overrun, wrong final size): never throws.
 */
export function lzfDecompress(input: Uint8Array, outLen: number): Buffer | null {
  if (outLen < 0 || outLen > input.length * LZF_MAX_RATIO + MAX_LIT) return null;
  const out = Buffer.allocUnsafe(outLen);
  const inLen = input.length;
  let ip = 0;
  let op = 0;
  while (ip < inLen) {
    const ctrl = input[ip++]!;
    if (ctrl < 32) {
      const n = ctrl + 1;
      if (ip + n > inLen || op + n > outLen) return null;
      for (let k = 0; k < n; k++) out[op++] = input[ip++]!;
      continue;
    }
    let l = ctrl >>> 5;
    if (l === 7) {
      if (ip >= inLen) return null;
      l += input[ip++]!;
    }
    if (ip >= inLen) return null;
    const ref = op - (((ctrl & 0x1f) << 8) | input[ip++]!) - 1;
    l += 2;
    if (ref < 0 || op + l > outLen) return null;
    for (let k = 0; k < l; k++) out[op++] = out[ref + k]!;
  }
  return op === outLen ? out : null;
}
