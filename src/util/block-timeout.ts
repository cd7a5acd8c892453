// Timeouts of blocking commands as Redis 7.2 reads them (getTimeoutFromObjectOrReply): seconds as
// a C long double scaled to ms and rounded up, or whole milliseconds; negative, unparsable and
// overflowing values refused. Pure: the caller maps the outcome to an error reply.

import { parseLongDouble } from './long-double.js';
import { parseInt64 } from './numbers.js';

export type TimeoutProblem = 'not-float' | 'not-integer' | 'negative' | 'out-of-range';

const LLONG_MAX = (1n << 63n) - 1n;
const TWO64 = 1n << 64n;

/**
 * The absolute deadline in ms for a timeout argument read at `now` (0: wait forever), or what is
 * wrong with it. Seconds are multiplied by 1000 in long double precision and rounded up, so a
 * tiny positive value waits 1 ms and a tiny negative one rounds to 0 (forever), as in Redis.
 */
export function parseBlockTimeout(text: string, unit: 'seconds' | 'ms', now: number): number | TimeoutProblem {
  let ms: bigint;
  if (unit === 'seconds') {
    const ld = parseLongDouble(text);
    if (ld === null || ld.special === 'nan') return 'not-float';
    if (ld.special === 'inf') {
      if (!ld.neg) return 'out-of-range';
      return 'negative';
    }
    const scaled = timesThousand(ld.sig, ld.exp);
    if (!ld.neg && greaterThan(scaled.sig, scaled.exp, LLONG_MAX)) return 'out-of-range';
    ms = ceilOf(ld.neg, scaled.sig, scaled.exp);
  } else {
    const v = parseInt64(text);
    if (v === null) return 'not-integer';
    ms = BigInt(v);
  }
  if (ms < 0n) return 'negative';
  if (ms === 0n) return 0;
  // 'ms + now' must not overflow a signed 64-bit integer.
  if (ms > LLONG_MAX - BigInt(now)) return 'out-of-range';
  return Number(ms) + now;
}

function bitLength(n: bigint): number {
  return n === 0n ? 0 : n.toString(2).length;
}

/** sig × 2^exp × 1000 rounded to a 64-bit significand (ties to even), as the x87 multiply does. */
function timesThousand(sig: bigint, exp: number): { sig: bigint; exp: number } {
  let p = sig * 1000n;
  const extra = bitLength(p) - 64;
  if (extra <= 0) return { sig: p, exp };
  const shift = BigInt(extra);
  let q = p >> shift;
  const rem = p & ((1n << shift) - 1n);
  const half = 1n << (shift - 1n);
  if (rem > half || (rem === half && (q & 1n) === 1n)) q++;
  let e = exp + extra;
  if (q === TWO64) {
    q >>= 1n;
    e++;
  }
  p = q;
  return { sig: p, exp: e };
}

/** Whether sig × 2^exp > limit, exactly. */
function greaterThan(sig: bigint, exp: number, limit: bigint): boolean {
  if (exp >= 0) return sig << BigInt(exp) > limit;
  return sig > limit << BigInt(-exp);
}

/** ceil(±sig × 2^exp) as an integer. */
function ceilOf(neg: boolean, sig: bigint, exp: number): bigint {
  if (exp >= 0) {
    const v = sig << BigInt(exp);
    return neg ? -v : v;
  }
  const shift = BigInt(-exp);
  const whole = sig >> shift;
  if (neg) return -whole;
  return (whole << shift) === sig ? whole : whole + 1n;
}
