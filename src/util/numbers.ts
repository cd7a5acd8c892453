// Number parsing and formatting with Redis's rules. Redis is strict where JS is lenient:
// no spaces, no '+' on integers, no leading zeros, no empty strings, int64 range exactly.

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
const INFINITY = /^[+-]?inf(?:inity)?$/i;

/**
 * Parses a double as Redis does with strtod plus its checks: the whole string must be consumed,
 * no leading space, NaN is refused. Returns null when invalid.
 */
export function parseDouble(s: string): number | null {
  if (s.length === 0 || s.length > 5120) return null;
  if (DECIMAL_FLOAT.test(s)) return Number(s);
  if (INFINITY.test(s)) return s.charCodeAt(0) === 45 ? -Infinity : Infinity;
  return parseHexFloat(s);
}

/** strtod also takes C99 hex floats such as 0x1p3 or -0x1.8. */
function parseHexFloat(s: string): number | null {
  const m = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/.exec(s);
  if (!m) return null;
  const intPart = m[2] ?? '';
  const frac = m[3] ?? '';
  if (intPart.length === 0 && frac.length === 0) return null;
  let v = 0;
  for (const c of intPart) v = v * 16 + parseInt(c, 16);
  let scale = 1 / 16;
  for (const c of frac) { v += parseInt(c, 16) * scale; scale /= 16; }
  const exp = m[4] ? parseInt(m[4], 10) : 0;
  v *= 2 ** exp;
  return m[1] === '-' ? -v : v;
}

/**
 * Formats a double the way Redis 7.2 replies with one: the shortest text that reads back as the
 * same double; inf, -inf and nan spelled as C prints them.
 */
export function formatDouble(x: number): string {
  if (Number.isFinite(x)) {
    if (Object.is(x, -0)) return '-0';
    return String(x);
  }
  if (Number.isNaN(x)) return 'nan';
  return x > 0 ? 'inf' : '-inf';
}
