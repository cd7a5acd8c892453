// The HASH group: argument parsing, replies, change signals and propagation. Storage and the
// listpack/hashtable encodings live in keyspace/types/hash.ts. HINCRBYFLOAT is propagated as
// HSET with its result, so replicas and AOF never redo float arithmetic.

import type { Ctx } from '../exec/context.js';
import { HashValue, type HashLimits } from '../keyspace/types/hash.js';
import { Err } from '../resp/errors.js';
import { globMatch } from '../util/glob.js';
import { INT64_MAX, INT64_MIN, parseDouble, parseInt64 } from '../util/numbers.js';
import { defineFamily, keyAt, type KeySpec } from './table.js';

const RO = (i: number): KeySpec => keyAt(i, 'RO', 'access');
const ORDER = ['nondeterministic_output_order'];

export const hashFamily = defineFamily('hash', [
  { name: 'hset', arity: -4, flags: ['write', 'denyoom', 'fast'], keySpecs: [keyAt(1, 'RW', 'update')], run: (ctx) => hset(ctx, false) },
  { name: 'hmset', arity: -4, flags: ['write', 'denyoom', 'fast'], keySpecs: [keyAt(1, 'RW', 'update')], run: (ctx) => hset(ctx, true) },
  { name: 'hsetnx', arity: 4, flags: ['write', 'denyoom', 'fast'], keySpecs: [keyAt(1, 'RW', 'insert')], run: hsetnx },
  { name: 'hget', arity: 3, flags: ['readonly', 'fast'], keySpecs: [RO(1)], run: hget },
  { name: 'hmget', arity: -3, flags: ['readonly', 'fast'], keySpecs: [RO(1)], run: hmget },
  { name: 'hdel', arity: -3, flags: ['write', 'fast'], keySpecs: [keyAt(1, 'RW', 'delete')], run: hdel },
  { name: 'hexists', arity: 3, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO')], run: hexists },
  { name: 'hlen', arity: 2, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO')], run: hlen },
  { name: 'hstrlen', arity: 3, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO')], run: hstrlen },
  { name: 'hkeys', arity: 2, flags: ['readonly'], keySpecs: [keyAt(1, 'RO', 'access')], tips: ORDER, run: (ctx) => hgetall(ctx, true, false) },
  { name: 'hvals', arity: 2, flags: ['readonly'], keySpecs: [RO(1)], tips: ORDER, run: (ctx) => hgetall(ctx, false, true) },
  { name: 'hgetall', arity: 2, flags: ['readonly'], keySpecs: [RO(1)], tips: ORDER, run: (ctx) => hgetall(ctx, true, true) },
  { name: 'hincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], keySpecs: [keyAt(1, 'RW', 'access', 'update')], run: hincrby },
  { name: 'hincrbyfloat', arity: 4, flags: ['write', 'denyoom', 'fast'], keySpecs: [keyAt(1, 'RW', 'access', 'update')], run: hincrbyfloat },
  { name: 'hrandfield', arity: -2, flags: ['readonly'], keySpecs: [RO(1)], tips: ['nondeterministic_output'], run: hrandfield },
  { name: 'hscan', arity: -3, flags: ['readonly'], keySpecs: [RO(1)], tips: ['nondeterministic_output'], run: hscan },
]);

function limits(ctx: Ctx): HashLimits {
  const c = ctx.server.config;
  return { entries: c.num('hash-max-listpack-entries'), value: c.num('hash-max-listpack-value') };
}

/** The hash at key for writing, created (and added) when missing. */
function writeHash(ctx: Ctx, key: string): HashValue {
  let h = ctx.db.writeOfType<HashValue>(key, 'hash');
  if (h === undefined) {
    h = new HashValue();
    ctx.db.add(key, h);
  }
  return h;
}

// ---- writes ----

function hset(ctx: Ctx, legacy: boolean): void {
  if (ctx.argc % 2 === 1) throw Err.arity(ctx.cmd.fullName);
  const key = ctx.arg(1);
  const h = writeHash(ctx, key);
  const lim = limits(ctx);
  const pairs = (ctx.argc - 2) / 2;
  h.prepare(pairs, lim);
  let created = 0;
  const argv = ctx.argv;
  for (let i = 2; i < argv.length; i += 2) if (h.set(argv[i]!, argv[i + 1]!, lim)) created++;
  ctx.db.changed(key, 'hset', pairs);
  if (legacy) ctx.reply.ok();
  else ctx.reply.integer(created);
}

function hsetnx(ctx: Ctx): void {
  const key = ctx.arg(1);
  const h = writeHash(ctx, key);
  if (h.has(ctx.arg(2))) return ctx.reply.integer(0);
  h.set(ctx.arg(2), ctx.arg(3), limits(ctx));
  ctx.db.changed(key, 'hset');
  ctx.reply.integer(1);
}

function hdel(ctx: Ctx): void {
  const key = ctx.arg(1);
  const h = ctx.db.writeOfType<HashValue>(key, 'hash');
  if (h === undefined) return ctx.reply.integer(0);
  let deleted = 0;
  for (let i = 2; i < ctx.argc; i++) {
    if (h.delete(ctx.arg(i))) deleted++;
    if (h.size === 0) break;
  }
  if (deleted > 0) {
    ctx.db.changed(key, 'hdel', deleted);
    if (h.size === 0) {
      ctx.db.delete(key);
      ctx.db.changed(key, 'del', 0);
    }
  }
  ctx.reply.integer(deleted);
}

function hincrby(ctx: Ctx): void {
  const incr = ctx.int64(3);
  const key = ctx.arg(1);
  const h = writeHash(ctx, key);
  const field = ctx.arg(2);
  const old = h.get(field);
  let cur: number | bigint = 0;
  if (old !== undefined) {
    const v = parseInt64(old);
    if (v === null) throw Err.hashValueNotInteger();
    cur = v;
  }
  let next: number | bigint;
  if (typeof cur === 'number' && typeof incr === 'number' && Number.isSafeInteger(cur + incr)) {
    next = cur + incr;
  } else {
    const big = BigInt(cur) + BigInt(incr);
    if (big < INT64_MIN || big > INT64_MAX) throw Err.overflow();
    next = big;
  }
  const text = String(next);
  h.set(field, text, limits(ctx));
  ctx.db.changed(key, 'hincrby');
  ctx.reply.integer(next);
}

function hincrbyfloat(ctx: Ctx): void {
  const incr = parseLongDouble(ctx.arg(3));
  if (incr === null) throw Err.notFloat();
  if (incr === 'inf') throw Err.valueNanOrInfinity();
  const key = ctx.arg(1);
  const h = writeHash(ctx, key);
  const field = ctx.arg(2);
  const old = h.get(field);
  let cur: LongDouble | 'inf' = ZERO;
  if (old !== undefined) {
    const v = parseLongDouble(old);
    if (v === null) throw Err.hashValueNotFloat();
    cur = v;
  }
  if (cur === 'inf') throw Err.nanOrInfinity();
  const next = addLongDouble(cur, incr);
  if (next === null) throw Err.nanOrInfinity();
  const text = formatLongDouble(next);
  h.set(field, text, limits(ctx));
  ctx.db.changed(key, 'hincrbyfloat');
  ctx.reply.bulk(text);
  ctx.propagateAs(['HSET', key, field, text]);
}

// ---- long double emulation ----
// Redis does INCRBYFLOAT arithmetic in x87 long double (64-bit mantissa) and prints the result
// with "%.17Lf", trailing zeros removed: its rounding noise is visible past 2^64 (12345.678
// prints as 12345.67799999999999994). Emulated exactly with BigInt: a value is m * 2^e with a
// 64-bit m, every step rounded half-to-even. Kept apart so a shared emulation can replace it.

/** A finite long double: (-1)^neg * m * 2^e, m = 0 or 2^63 <= m < 2^64. */
export interface LongDouble { neg: boolean; m: bigint; e: number }

const ZERO: LongDouble = { neg: false, m: 0n, e: 0 };
const LD_BITS = 64;
/** 2^(MAX_EXP) is past the largest long double. */
const LD_MAX_EXP = 16384;
const LD_MIN_EXP = -16445;
const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;

function bitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}

/** Rounds num/den (positive) to a 64-bit mantissa; null on overflow, ZERO on underflow. */
function roundRational(neg: boolean, num: bigint, den: bigint): LongDouble | null {
  if (num === 0n) return { neg, m: 0n, e: 0 };
  let e = bitLength(num) - bitLength(den) - LD_BITS;
  for (;;) {
    const n = e >= 0 ? num : num << BigInt(-e);
    const d = e >= 0 ? den << BigInt(e) : den;
    let q = n / d;
    if (q >= 1n << 64n) { e++; continue; }
    if (q < 1n << 63n) { e--; continue; }
    const r2 = (n % d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    if (q === 1n << 64n) { q >>= 1n; e++; }
    if (e + LD_BITS > LD_MAX_EXP) return null;
    if (e < LD_MIN_EXP) return { neg, m: 0n, e: 0 };
    return { neg, m: q, e };
  }
}

/** strtold as Redis's string2ld accepts it; 'inf' for infinities, null when invalid. */
export function parseLongDouble(s: string): LongDouble | 'inf' | null {
  if (s.length === 0 || s.length > 5120) return null;
  const d = DECIMAL.exec(s);
  if (d === null) {
    const v = parseDouble(s); // infinities and hex floats
    if (v === null) return null;
    if (!Number.isFinite(v)) return 'inf';
    return fromDouble(v);
  }
  const int = d[2] ?? '';
  const frac = d[3] ?? '';
  if (int.length === 0 && frac.length === 0) return null;
  const digits = (int + frac).replace(/^0+/, '');
  const neg = d[1] === '-';
  if (digits.length === 0) return { neg, m: 0n, e: 0 };
  const exp = Number(d[4] ?? '0') - frac.length;
  const magnitude = exp + digits.length;
  // Out of the long double range: strtold reports ERANGE, which Redis refuses.
  if (magnitude > 4934 || magnitude < -4952) return null;
  const num = BigInt(digits) * (exp > 0 ? 10n ** BigInt(exp) : 1n);
  const den = exp < 0 ? 10n ** BigInt(-exp) : 1n;
  const r = roundRational(neg, num, den);
  return r === null || r.m === 0n ? null : r;
}

/** A double is exactly a long double (53 bits fit in 64). */
function fromDouble(v: number): LongDouble {
  if (v === 0) return { neg: Object.is(v, -0), m: 0n, e: 0 };
  const neg = v < 0;
  let x = Math.abs(v);
  let e = 0;
  while (x >= 2 ** 53) { x /= 2; e++; }
  while (!Number.isInteger(x)) { x *= 2; e--; }
  return normalize(neg, BigInt(x), e);
}

function normalize(neg: boolean, m: bigint, e: number): LongDouble {
  const shift = LD_BITS - bitLength(m);
  return { neg, m: shift >= 0 ? m << BigInt(shift) : m >> BigInt(-shift), e: e - shift };
}

/** a + b rounded to long double; null when it overflows. */
export function addLongDouble(a: LongDouble, b: LongDouble): LongDouble | null {
  if (a.m === 0n) return b.m === 0n ? { neg: a.neg && b.neg, m: 0n, e: 0 } : b;
  if (b.m === 0n) return a;
  const e = Math.min(a.e, b.e);
  const va = (a.neg ? -a.m : a.m) << BigInt(a.e - e);
  const vb = (b.neg ? -b.m : b.m) << BigInt(b.e - e);
  const sum = va + vb;
  if (sum === 0n) return { neg: false, m: 0n, e: 0 };
  const neg = sum < 0n;
  const abs = neg ? -sum : sum;
  return e >= 0 ? roundRational(neg, abs << BigInt(e), 1n) : roundRational(neg, abs, 1n << BigInt(-e));
}

/** "%.17Lf" with trailing zeros (and a bare point) removed, "-0" as "0". */
export function formatLongDouble(x: LongDouble): string {
  let int: bigint;
  let frac: bigint;
  const SCALE = 10n ** 17n;
  if (x.e >= 0) {
    int = x.m << BigInt(x.e);
    frac = 0n;
  } else {
    const n = x.m * SCALE;
    const d = 1n << BigInt(-x.e);
    let q = n / d;
    const r2 = (n % d) * 2n;
    if (r2 > d || (r2 === d && (q & 1n) === 1n)) q++;
    int = q / SCALE;
    frac = q % SCALE;
  }
  let s = int.toString();
  if (frac !== 0n) s += '.' + frac.toString().padStart(17, '0').replace(/0+$/, '');
  if (x.neg && s !== '0') s = '-' + s;
  return s;
}

// ---- reads ----

function hget(ctx: Ctx): void {
  const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
  const v = h?.get(ctx.arg(2));
  if (v === undefined) ctx.reply.null();
  else ctx.reply.bulk(v);
}

function hmget(ctx: Ctx): void {
  const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
  ctx.reply.array(ctx.argc - 2);
  for (let i = 2; i < ctx.argc; i++) {
    const v = h?.get(ctx.arg(i));
    if (v === undefined) ctx.reply.null();
    else ctx.reply.bulk(v);
  }
}

function hexists(ctx: Ctx): void {
  const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
  ctx.reply.integer(h !== undefined && h.has(ctx.arg(2)) ? 1 : 0);
}

function hlen(ctx: Ctx): void {
  const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
  ctx.reply.integer(h === undefined ? 0 : h.size);
}

function hstrlen(ctx: Ctx): void {
  const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
  ctx.reply.integer(h?.get(ctx.arg(2))?.length ?? 0);
}

function hgetall(ctx: Ctx, fields: boolean, values: boolean): void {
  const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
  const r = ctx.reply;
  if (h === undefined) {
    if (fields && values) r.map(0);
    else r.array(0);
    return;
  }
  const [fs, vs] = h.entries();
  if (fields && values) {
    r.map(fs.length);
    for (let i = 0; i < fs.length; i++) {
      r.bulk(fs[i]!);
      r.bulk(vs[i]!);
    }
  } else {
    r.bulkArray(fields ? fs : vs);
  }
}

// ---- random and scan ----

function hrandfield(ctx: Ctx): void {
  if (ctx.argc === 2) {
    const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
    if (h === undefined) return ctx.reply.null();
    const i = Math.floor(Math.random() * h.size);
    ctx.reply.bulk(h.isPacked ? h.entries()[0][i]! : h.fieldAt(i));
    return;
  }
  const s = ctx.arg(2);
  const l = parseInt64(s);
  if (l === null) throw Err.notInteger();
  if (l === INT64_MIN) throw Err.valueOutOfRangeBetween('-9223372036854775807', '9223372036854775807');
  let withValues = false;
  if (ctx.argc === 4 && ctx.is(3, 'WITHVALUES')) withValues = true;
  else if (ctx.argc >= 4) throw Err.syntax();
  // With values the reply holds count*2 items: Redis refuses counts whose double overflows.
  if (withValues && (l < -(INT64_MAX / 2n) || l > INT64_MAX / 2n)) throw Err.valueOutOfRange();
  const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
  if (h === undefined || l === 0 || l === 0n) return ctx.reply.array(0);
  // Positions index the packed pairs, or the hashtable's dense entries without copying them.
  const packed = h.isPacked ? h.entries() : null;
  const field = (i: number): string => (packed !== null ? packed[0][i]! : h.fieldAt(i));
  const value = (i: number): string => (packed !== null ? packed[1][i]! : h.valueAt(i));
  const size = h.size;
  const picked = l > 0 ? pickDistinct(size, Number(l)) : pickAny(size, -Number(l));
  const r = ctx.reply;
  if (withValues && r.resp === 3) {
    r.array(picked.length);
    for (const i of picked) {
      r.array(2);
      r.bulk(field(i));
      r.bulk(value(i));
    }
    return;
  }
  r.array(withValues ? picked.length * 2 : picked.length);
  for (const i of picked) {
    r.bulk(field(i));
    if (withValues) r.bulk(value(i));
  }
}

/** `count` random slots, repetitions allowed (negative HRANDFIELD counts). */
function pickAny(size: number, count: number): number[] {
  const out = new Array<number>(count);
  for (let i = 0; i < count; i++) out[i] = Math.floor(Math.random() * size);
  return out;
}

/** min(count, size) distinct random slots; all of them in order when count >= size (as Redis). */
function pickDistinct(size: number, count: number): number[] {
  if (count >= size) return Array.from({ length: size }, (_, i) => i);
  if (count * 3 > size) {
    // Many of them: a partial shuffle of every slot.
    const all = Array.from({ length: size }, (_, i) => i);
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(Math.random() * (size - i));
      const t = all[i]!;
      all[i] = all[j]!;
      all[j] = t;
    }
    all.length = count;
    return all;
  }
  const seen = new Set<number>();
  while (seen.size < count) seen.add(Math.floor(Math.random() * size));
  return [...seen];
}

function hscan(ctx: Ctx): void {
  const cursorText = ctx.arg(2);
  if (!/^\d{1,20}$/.test(cursorText) || BigInt(cursorText) > 0xffffffffffffffffn) throw Err.invalidCursor();
  const h = ctx.db.readOfType<HashValue>(ctx.arg(1), 'hash');
  const r = ctx.reply;
  if (h === undefined) {
    r.array(2);
    r.bulk('0');
    r.array(0);
    return;
  }
  let count = 10;
  let pattern: string | null = null;
  for (let j = 3; j < ctx.argc; j++) {
    const more = j + 1 < ctx.argc;
    if (more && ctx.is(j, 'COUNT')) {
      count = ctx.int(++j);
      if (count < 1) throw Err.syntax();
    } else if (more && ctx.is(j, 'MATCH')) {
      pattern = ctx.arg(++j);
      if (pattern === '*') pattern = null;
    } else {
      throw Err.syntax();
    }
  }
  const cursor = Math.min(Number(cursorText), Number.MAX_SAFE_INTEGER);
  const [next, fs, vs] = h.scan(cursor, count);
  r.array(2);
  r.bulk(String(next));
  if (pattern === null) {
    r.array(fs.length * 2);
    for (let i = 0; i < fs.length; i++) {
      r.bulk(fs[i]!);
      r.bulk(vs[i]!);
    }
    return;
  }
  const keep: number[] = [];
  for (let i = 0; i < fs.length; i++) if (globMatch(pattern, fs[i]!)) keep.push(i);
  r.array(keep.length * 2);
  for (const i of keep) {
    r.bulk(fs[i]!);
    r.bulk(vs[i]!);
  }
}
