// An exact software model of the C `long double` Redis uses on x86-64 (the x87 80-bit extended
// format: 64-bit significand with an explicit integer bit, 15-bit exponent, gradual underflow),
// just enough for INCRBYFLOAT: strtold-style parsing, one correctly rounded addition, and
// printf("%.17Lf") output. Values are BigInt significands scaled by a power of two, so every
// step is exact before the single round-to-nearest-even that the hardware would do.

/** A finite extended value: (-1)^neg × sig × 2^exp, with 0 ≤ sig < 2^64. */
export interface LongDouble {
  readonly neg: boolean;
  readonly sig: bigint;
  readonly exp: number;
  /** 'inf' or 'nan' for the non-finite values (sig and exp are then meaningless). */
  readonly special?: 'inf' | 'nan';
}

/** Smallest exponent of the significand grid: subnormals are sig × 2^-16445. */
const MIN_EXP = -16445;
/** Largest exponent of a normal value with a 64-bit significand (2^16383 × 2^-63). */
const MAX_EXP = 16320;
const SIG_BITS = 64;
const TWO64 = 1n << 64n;
const TWO63 = 1n << 63n;

/** Redis's MAX_LONG_DOUBLE_CHARS: string2ld refuses inputs of this length or longer. */
export const MAX_LONG_DOUBLE_CHARS = 5 * 1024;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INF = /^([+-]?)inf(?:inity)?$/i;

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

function infinity(neg: boolean): LongDouble {
  return { neg, sig: 0n, exp: 0, special: 'inf' };
}

/**
 * Rounds the exact value n × 2^scale (plus a sticky "something below" bit when `inexact`) to
 * the nearest extended value, ties to even. n ≥ 0.
 */
function round(neg: boolean, n: bigint, scale: number, inexact: boolean): LongDouble {
  if (n === 0n) return { neg, sig: 0n, exp: 0 };
  const len = bitLength(n);
  let exp = Math.max(scale + len - SIG_BITS, MIN_EXP);
  let sig: bigint;
  if (exp <= scale) {
    sig = n << BigInt(scale - exp);
  } else {
    const shift = BigInt(exp - scale);
    sig = n >> shift;
    const rem = n & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (inexact || (sig & 1n) === 1n))) sig++;
    if (sig === TWO64) {
      sig = TWO63;
      exp++;
    }
  }
  if (exp > MAX_EXP) return infinity(neg);
  return { neg, sig, exp };
}

/** n × 10^e10 rounded to the nearest extended value. */
function fromDecimal(neg: boolean, digits: bigint, digitCount: number, e10: number): LongDouble {
  if (digits === 0n) return { neg, sig: 0n, exp: 0 };
  // Far outside the range: decide without building huge powers.
  if (digitCount + e10 > 4940) return infinity(neg);
  if (digitCount + e10 < -4960) return { neg, sig: 0n, exp: 0 };
  if (e10 >= 0) return round(neg, digits * 10n ** BigInt(e10), 0, false);
  const den = 10n ** BigInt(-e10);
  const k = Math.max(0, bitLength(den) - bitLength(digits) + SIG_BITS + 2);
  const num = digits << BigInt(k);
  const q = num / den;
  return round(neg, q, -k, q * den !== num);
}

/**
 * Parses text as Redis's string2ld does (strtold, whole string consumed, no leading space,
 * NaN refused, overflow and underflow to zero refused). Returns null when invalid; the
 * infinities are valid results.
 */
export function parseLongDouble(s: string): LongDouble | null {
  if (s.length === 0 || s.length >= MAX_LONG_DOUBLE_CHARS) return null;
  let m = DECIMAL.exec(s);
  if (m !== null) {
    const intPart = m[2]!;
    const frac = m[3] ?? '';
    if (intPart.length === 0 && frac.length === 0) return null;
    const all = (intPart + frac).replace(/^0+/, '');
    const e10 = clampExp(m[4]) - frac.length;
    const r = fromDecimal(m[1] === '-', all.length === 0 ? 0n : BigInt(all), all.length, e10);
    return rangeChecked(r, all.length > 0);
  }
  m = HEX.exec(s);
  if (m !== null) {
    const intPart = m[2]!;
    const frac = m[3] ?? '';
    if (intPart.length === 0 && frac.length === 0) return null;
    const all = (intPart + frac).replace(/^0+/, '');
    if (all.length === 0) return { neg: m[1] === '-', sig: 0n, exp: 0 };
    const scale = clampExp(m[4]) - 4 * frac.length;
    const bits = all.length * 4 + scale;
    if (bits > 16400) return null;
    if (bits < -16500) return null;
    return rangeChecked(round(m[1] === '-', BigInt('0x' + all), scale, false), true);
  }
  m = INF.exec(s);
  if (m !== null) return infinity(m[1] === '-');
  return null;
}

/** Exponent text to a number, clamped far beyond any meaningful range. */
function clampExp(text: string | undefined): number {
  if (text === undefined) return 0;
  const v = Number(text);
  return v > 1e7 ? 1e7 : v < -1e7 ? -1e7 : v;
}

/** strtold reports ERANGE for overflow and for a non-zero input that rounded to zero. */
function rangeChecked(r: LongDouble, nonZeroInput: boolean): LongDouble | null {
  if (r.special === 'inf') return null;
  if (r.sig === 0n && nonZeroInput) return null;
  return r;
}

/** An int64 (number or bigint) as an extended value: always exact. */
export function longDoubleFromInt(v: number | bigint): LongDouble {
  const b = BigInt(v);
  return round(b < 0n, b < 0n ? -b : b, 0, false);
}

export function isFinite(x: LongDouble): boolean {
  return x.special === undefined;
}

/** x + y with one rounding to nearest, ties to even (what the x87 FPU does). */
export function addLongDouble(x: LongDouble, y: LongDouble): LongDouble {
  if (x.special === 'nan' || y.special === 'nan') return { neg: false, sig: 0n, exp: 0, special: 'nan' };
  if (x.special === 'inf' || y.special === 'inf') {
    if (x.special === 'inf' && y.special === 'inf' && x.neg !== y.neg) return { neg: false, sig: 0n, exp: 0, special: 'nan' };
    return x.special === 'inf' ? x : y;
  }
  if (x.sig === 0n && y.sig === 0n) return { neg: x.neg && y.neg, sig: 0n, exp: 0 };
  if (x.sig === 0n) return y;
  if (y.sig === 0n) return x;
  const e = Math.min(x.exp, y.exp);
  const a = (x.sig << BigInt(x.exp - e)) * (x.neg ? -1n : 1n);
  const b = (y.sig << BigInt(y.exp - e)) * (y.neg ? -1n : 1n);
  const sum = a + b;
  if (sum === 0n) return { neg: false, sig: 0n, exp: 0 };
  return round(sum < 0n, sum < 0n ? -sum : sum, e, false);
}

/** printf("%.17Lf") of a finite value: exact decimal expansion rounded half-even at 17 places. */
export function formatFixed17(x: LongDouble): string {
  let digits: string;
  if (x.sig === 0n) {
    digits = '0';
  } else if (x.exp >= 0) {
    digits = ((x.sig << BigInt(x.exp)) * 10n ** 17n).toString();
  } else {
    const shift = BigInt(-x.exp);
    const num = x.sig * 10n ** 17n;
    let q = num >> shift;
    const rem = num & ((1n << shift) - 1n);
    const half = 1n << (shift - 1n);
    if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
    digits = q.toString();
  }
  if (digits.length < 18) digits = '0'.repeat(18 - digits.length) + digits;
  const cut = digits.length - 17;
  return (x.neg ? '-' : '') + digits.slice(0, cut) + '.' + digits.slice(cut);
}

/**
 * The text Redis stores for an INCRBYFLOAT result (ld2string in its human-friendly mode):
 * "%.17Lf", then trailing zeros and a trailing dot removed, and "-0" written as "0".
 */
export function formatLongDoubleHuman(x: LongDouble): string {
  if (x.special === 'inf') return x.neg ? '-inf' : 'inf';
  if (x.special === 'nan') return 'nan';
  let s = formatFixed17(x);
  let end = s.length;
  while (s.charCodeAt(end - 1) === 48) end--;
  if (s.charCodeAt(end - 1) === 46) end--;
  s = s.slice(0, end);
  return s === '-0' ? '0' : s;
}
