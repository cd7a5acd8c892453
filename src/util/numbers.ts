// Number parsing and formatting with Redis's rules. Redis is strict where JS is lenient:
// no spaces, no '+' on integers, no leading zeros, no empty strings, int64 range exactly.
// Doubles parse as strtod does and print as Redis 7.2's d2string (see fpconv.ts).

import { fpconvDtoa } from './fpconv.js';

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;

/**
 * Parses a canonical signed 64-bit decimal integer as Redis's string2ll does.
 * Returns a number when the value is a safe integer, a bigint otherwise, null when invalid.
 */
export function parseInt64(s: string): number | bigint | null {
  const n = s.length;
  if (n === 0 || n > 20) return null;
  if (n === 1) {
    const c = s.charCodeAt(0) - 48;
    return c >= 0 && c <= 9 ? c : null;
  }
  let i = 0;
  const neg = s.charCodeAt(0) === 45; // '-'
  if (neg) i = 1;
  const first = s.charCodeAt(i) - 48;
  if (first < 1 || first > 9) return null;
  if (n - i <= 15) {
    let v = first;
    for (i++; i < n; i++) {
      const d = s.charCodeAt(i) - 48;
      if (d < 0 || d > 9) return null;
      v = v * 10 + d;
    }
    return neg ? -v : v;
  }
  for (let j = i + 1; j < n; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return null;
  }
  const big = BigInt(s);
  if (big < INT64_MIN || big > INT64_MAX) return null;
  return Number.isSafeInteger(Number(big)) ? Number(big) : big;
}

/** Like parseInt64 but always a JS number (precision may be lost past 2^53; fine for counts and indexes). */
export function parseIntNumber(s: string): number | null {
  const v = parseInt64(s);
  return v === null ? null : Number(v);
}

export function isInt64(v: bigint): boolean {
  return v >= INT64_MIN && v <= INT64_MAX;
}

export { INT64_MIN, INT64_MAX };

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX_FLOAT = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(?:inity)?$/i;
const NON_ZERO_DIGIT = /[1-9]/;

/**
 * Parses a double as Redis's string2d does with strtod: the whole string must be consumed
 * (decimal, C99 hex float, inf/infinity in any case), no leading space, NaN refused, and a
 * result that overflowed or underflowed to zero (ERANGE) refused. Returns null when invalid.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0) return null;
  if (DECIMAL_FLOAT.test(s)) {
    const v = Number(s);
    if (!Number.isFinite(v)) return null;
    if (v === 0 && NON_ZERO_DIGIT.test(mantissaOf(s))) return null;
    return v;
  }
  if (INFINITY.test(s)) return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  return parseHexFloat(s);
}

/** The digits before any exponent (to tell an exact zero from an underflow). */
function mantissaOf(s: string): string {
  const e = s.search(/[eE]/);
  return e === -1 ? s : s.slice(0, e);
}

/** strtod's C99 hex floats (0x1p3, -0x1.8, 0x.8p-1), correctly rounded through BigInt. */
function parseHexFloat(s: string): number | null {
  const m = HEX_FLOAT.exec(s);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  if (intPart.length === 0 && frac.length === 0) return null;
  const neg = m[1] === '-';
  const hex = (intPart + frac).replace(/^0+/, '');
  if (hex.length === 0) return neg ? -0 : 0;
  const pexp = m[4] === undefined ? 0 : Math.max(-1e6, Math.min(1e6, Number(m[4])));
  const scale = pexp - 4 * frac.length;
  const v = roundBinary(BigInt('0x' + hex), scale);
  if (v === null) return null;
  return neg ? -v : v;
}

/** The double nearest to n × 2^scale (ties to even); null on overflow or underflow to zero. */
function roundBinary(n: bigint, scale: number): number | null {
  const len = n.toString(2).length;
  if (len + scale > 1025) return null;
  if (len + scale < -1080) return null;
  // Doubles: 53-bit significands, exponent grid bottoming out at 2^-1074.
  let e = Math.max(scale + len - 53, -1074);
  let sig: bigint;
  if (e <= scale) {
    sig = n << BigInt(scale - e);
  } else {
    const shift = BigInt(e - scale);
    sig = n >> shift;
    const rem = n & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (sig & 1n) === 1n)) sig++;
    if (sig === 1n << 53n) { sig >>= 1n; e++; }
  }
  if (sig === 0n) return null;
  const v = Number(sig) * 2 ** e;
  if (!Number.isFinite(v)) return null;
  return v;
}

/** 2^62 as Redis's double2ll bounds it (LLONG_MAX/2 converted to double). */
const LL_HALF = 4611686018427387904;

/**
 * Formats a double the way Redis 7.2 replies with one (d2string): nan, inf, -inf, 0 and -0
 * spelled out; integral values within ±2^62 as plain integers; everything else through
 * fpconv's Grisu2 (e.g. 1e+21, 1e-7, 0.1). Redis 7.0 used "%.17g" instead.
 */
export function formatDouble(x: number): string {
  if (Number.isInteger(x)) {
    if (x === 0) return Object.is(x, -0) ? '-0' : '0';
    if (x >= -LL_HALF && x <= LL_HALF) {
      return Number.isSafeInteger(x) ? String(x) : BigInt(x).toString();
    }
  }
  return fpconvDtoa(x);
}
