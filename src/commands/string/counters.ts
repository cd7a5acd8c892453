// INCR, INCRBY, DECR, DECRBY and INCRBYFLOAT. Integers are exact int64 (numbers while safe,
// bigints beyond 2^53); INCRBYFLOAT computes in an emulated x87 long double and stores the
// "%.17Lf" text Redis stores, then propagates SET ... KEEPTTL with that exact text.

import type { Ctx } from '../../exec/context.js';
import { integerOf, stringOf, storedInteger, storedPlainText, type StringValue } from '../../keyspace/types/string.js';
import { Err } from '../../resp/errors.js';
import {
  addLongDouble, formatLongDoubleHuman, isFinite, longDoubleFromInt, parseLongDouble, type LongDouble,
} from '../../util/long-double.js';
import { INT64_MAX, INT64_MIN, parseInt64 } from '../../util/numbers.js';

export function incr(ctx: Ctx): void {
  incrDecr(ctx, 1);
}

export function decr(ctx: Ctx): void {
  incrDecr(ctx, -1);
}

export function incrby(ctx: Ctx): void {
  incrDecr(ctx, ctx.int64(2));
}

export function decrby(ctx: Ctx): void {
  const by = ctx.int64(2);
  // -INT64_MIN does not exist: Redis refuses before looking at the key.
  if (by === INT64_MIN) throw Err.decrementOverflow();
  incrDecr(ctx, typeof by === 'number' ? -by : -by);
}

function incrDecr(ctx: Ctx, by: number | bigint): void {
  const key = ctx.arg(1);
  const db = ctx.db;
  const v = db.writeOfType<StringValue>(key, 'string');
  const old = v === undefined ? 0 : integerOf(v);
  if (old === null) throw Err.notInteger();
  let result: number | bigint;
  if (typeof old === 'number' && typeof by === 'number' && Number.isSafeInteger(old + by)) {
    result = old + by;
  } else {
    const big = BigInt(old) + BigInt(by);
    if (big > INT64_MAX || big < INT64_MIN) throw Err.overflow();
    result = Number.isSafeInteger(Number(big)) ? Number(big) : big;
  }
  const stored = storedInteger(result);
  if (v === undefined) db.add(key, stored);
  else db.replace(key, stored);
  db.changed(key, 'incrby');
  ctx.reply.integer(result);
}

export function incrbyfloat(ctx: Ctx): void {
  const key = ctx.arg(1);
  const db = ctx.db;
  const v = db.writeOfType<StringValue>(key, 'string');
  const current = v === undefined ? longDoubleFromInt(0) : longDoubleOf(v);
  if (current === null) throw Err.notFloat();
  const by = parseLongDouble(ctx.arg(2));
  if (by === null) throw Err.notFloat();
  const sum = addLongDouble(current, by);
  if (!isFinite(sum)) throw Err.nanOrInfinity();
  const text = formatLongDoubleHuman(sum);
  const stored = storedPlainText(text);
  if (v === undefined) db.add(key, stored);
  else db.replace(key, stored);
  db.changed(key, 'incrbyfloat');
  ctx.reply.bulk(text);
  // Replicas and the AOF get the result, never the float arithmetic.
  ctx.propagateAs(['SET', key, text, 'KEEPTTL']);
}

/** A stored value as a long double (getLongDoubleFromObject): ints exactly, texts by strtold. */
function longDoubleOf(v: StringValue): LongDouble | null {
  if (typeof v === 'number') return longDoubleFromInt(v);
  const s = stringOf(v);
  const asInt = s.length <= 20 ? parseInt64(s) : null;
  return asInt !== null ? longDoubleFromInt(asInt) : parseLongDouble(s);
}
