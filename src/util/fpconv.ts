// Shortest-ish double to text as Redis 7.2 prints doubles (its d2string: integers up to 2^62
// in plain digits, everything else through the Grisu2 algorithm of its bundled fpconv, with
// fpconv's own choice between plain and exponent notation). Grisu2 is not always the
// shortest or closest form, so JS's Number#toString cannot stand in for it; this is the same
// algorithm written over BigInt with explicit 64-bit wrap-around where C would wrap.

const M64 = (1n << 64n) - 1n;
const u64 = (x: bigint): bigint => x & M64;

const FRAC_MASK = (1n << 52n) - 1n;
const HIDDEN = 1n << 52n;
const EXP_BIAS = 1023 + 52;
const FIRST_POWER = -348;
const STEP_POWERS = 8;
const N_POWERS = 87;
const EXP_MIN = -60;
const EXP_MAX = -32;

interface Fp { f: bigint; e: number }

function bitLength(n: bigint): number {
  return n.toString(2).length;
}

/** 10^k as a 64-bit significand (top bit set) and binary exponent, rounded to nearest. */
function cachedPower(k: number): Fp {
  if (k >= 0) {
    const p = 10n ** BigInt(k);
    const len = bitLength(p);
    if (len <= 64) return { f: p << BigInt(64 - len), e: len - 64 };
    const shift = BigInt(len - 64);
    let f = p >> shift;
    if (((p >> (shift - 1n)) & 1n) === 1n) f++;
    let e = len - 64;
    if (f === 1n << 64n) { f >>= 1n; e++; }
    return { f, e };
  }
  // 2^s / 10^-k lies in (2^63, 2^64) for this s, since 10^-k is not a power of two.
  const d = 10n ** BigInt(-k);
  const s = bitLength(d) + 63;
  const num = 1n << BigInt(s);
  let f = num / d;
  let e = -s;
  if ((num - f * d) * 2n >= d) f++;
  if (f === 1n << 64n) { f >>= 1n; e++; }
  return { f, e };
}

/** The cached powers 10^-348, 10^-340, ..., 10^340 (constants, computed once at load). */
const POWERS: readonly Fp[] = Array.from({ length: N_POWERS }, (_, i) => cachedPower(FIRST_POWER + i * STEP_POWERS));
const powers = (): readonly Fp[] => POWERS;

/** Exposed for the unit test that checks the table against known Grisu constants. */
export function grisuCachedPower(index: number): Fp {
  return powers()[index]!;
}

function findCachedPow10(exp: number): { p: Fp; k: number } {
  const table = powers();
  const approx = Math.trunc(-(exp + N_POWERS) * 0.30102999566398114);
  let idx = Math.trunc((approx - FIRST_POWER) / STEP_POWERS);
  for (;;) {
    const current = exp + table[idx]!.e + 64;
    if (current < EXP_MIN) { idx++; continue; }
    if (current > EXP_MAX) { idx--; continue; }
    return { p: table[idx]!, k: FIRST_POWER + idx * STEP_POWERS };
  }
}

function multiply(a: Fp, b: Fp): Fp {
  return { f: (a.f * b.f + (1n << 63n)) >> 64n, e: a.e + b.e + 64 };
}

const TENS: bigint[] = [];
for (let i = 19; i >= 0; i--) TENS.push(10n ** BigInt(i));

const DV = new DataView(new ArrayBuffer(8));

function bitsOf(d: number): bigint {
  DV.setFloat64(0, d);
  return DV.getBigUint64(0);
}

/** The digits and decimal exponent K (value ≈ digits × 10^K) Grisu2 picks for |d| > 0. */
export function grisu2(d: number): { digits: number[]; K: number } {
  const bits = bitsOf(d);
  let f = bits & FRAC_MASK;
  let e = Number((bits >> 52n) & 0x7ffn);
  if (e !== 0) { f += HIDDEN; e -= EXP_BIAS; } else { e = -EXP_BIAS + 1; }
  // boundaries
  let uf = (f << 1n) + 1n;
  let ue = e - 1;
  while ((uf & (HIDDEN << 1n)) === 0n) { uf <<= 1n; ue--; }
  uf = u64(uf << 10n);
  ue -= 10;
  const lshift = f === HIDDEN ? 2 : 1;
  let lf = (f << BigInt(lshift)) - 1n;
  const le = e - lshift;
  lf = u64(lf << BigInt(le - ue));
  // normalize w
  let wf = f;
  let we = e;
  while ((wf & HIDDEN) === 0n) { wf <<= 1n; we--; }
  wf <<= 11n;
  we -= 11;

  const { p: cp, k } = findCachedPow10(ue);
  const w = multiply({ f: wf, e: we }, cp);
  const upper = multiply({ f: uf, e: ue }, cp);
  const lower = multiply({ f: lf, e: ue }, cp);
  lower.f = u64(lower.f + 1n);
  upper.f = u64(upper.f - 1n);
  let K = -k;

  // generate digits
  const wfrac = u64(upper.f - w.f);
  let delta = u64(upper.f - lower.f);
  const shift = BigInt(-upper.e);
  const one = 1n << shift;
  let part1 = upper.f >> shift;
  let part2 = upper.f & (one - 1n);
  const digits: number[] = [];
  let kappa = 10;
  for (let di = 10; kappa > 0; di++) {
    const div = TENS[di]!;
    const digit = part1 / div;
    if (digit !== 0n || digits.length > 0) digits.push(Number(digit));
    part1 -= digit * div;
    kappa--;
    const tmp = (part1 << shift) + part2;
    if (tmp <= delta) {
      K += kappa;
      roundDigit(digits, delta, tmp, u64(div << shift), wfrac);
      return { digits, K };
    }
  }
  let unit = 18;
  for (;;) {
    part2 = u64(part2 * 10n);
    delta = u64(delta * 10n);
    kappa--;
    const digit = part2 >> shift;
    if (digit !== 0n || digits.length > 0) digits.push(Number(digit));
    part2 &= one - 1n;
    if (part2 < delta) {
      K += kappa;
      roundDigit(digits, delta, part2, one, u64(wfrac * TENS[unit]!));
      return { digits, K };
    }
    unit--;
  }
}

function roundDigit(digits: number[], delta: bigint, rem: bigint, kappa: bigint, frac: bigint): void {
  while (rem < frac && u64(delta - rem) >= kappa &&
    (u64(rem + kappa) < frac || u64(frac - rem) > u64(u64(rem + kappa) - frac))) {
    digits[digits.length - 1]!--;
    rem = u64(rem + kappa);
  }
}

/** fpconv's layout of digits × 10^K: plain integer, plain decimal, or d.ddde±x. */
function emitDigits(digits: number[], K: number, neg: boolean): string {
  let nd = digits.length;
  const ds = digits.join('');
  let exp = Math.abs(K + nd - 1);
  if (K >= 0 && exp < nd + 7) return ds + '0'.repeat(K);
  if (K < 0 && (K > -7 || exp < 4)) {
    const offset = nd - Math.abs(K);
    if (offset <= 0) return '0.' + '0'.repeat(-offset) + ds;
    return ds.slice(0, offset) + '.' + ds.slice(offset);
  }
  nd = Math.min(nd, 18 - (neg ? 1 : 0));
  let out = ds[0]!;
  if (nd > 1) out += '.' + ds.slice(1, nd);
  out += 'e' + (K + nd - 1 < 0 ? '-' : '+');
  let cent = 0;
  if (exp > 99) {
    cent = Math.floor(exp / 100);
    out += String(cent);
    exp -= cent * 100;
  }
  if (exp > 9) {
    const dec = Math.floor(exp / 10);
    out += String(dec);
    exp -= dec * 10;
  } else if (cent !== 0) {
    out += '0';
  }
  return out + String(exp % 10);
}

/** fpconv_dtoa: finite non-zero doubles through Grisu2 (specials handled by the caller too). */
export function fpconvDtoa(d: number): string {
  const neg = d < 0 || Object.is(d, -0);
  if (d === 0) return neg ? '-0' : '0';
  if (Number.isNaN(d)) return 'nan';
  if (!Number.isFinite(d)) return neg ? '-inf' : 'inf';
  const { digits, K } = grisu2(d);
  return (neg ? '-' : '') + emitDigits(digits, K, neg);
}
