// The EXPIRE family (EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT with NX/XX/GT/LT), the TTL family
// (TTL, PTTL, EXPIRETIME, PEXPIRETIME) and PERSIST. Relative times are propagated as an absolute
// PEXPIREAT so replicas and the AOF expire at the same instant; a time already past deletes the
// key and is propagated as DEL (UNLINK with lazyfree-lazy-expire), as Redis 7.2 does.

import type { Ctx } from '../../exec/context.js';
import { Err } from '../../resp/errors.js';
import { INT64_MAX, INT64_MIN } from '../../util/numbers.js';

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;

/** Below this magnitude seconds→ms and adding the clock stay exact in doubles. */
const SAFE_FAST = 2 ** 40;

function parseFlags(ctx: Ctx): number {
  let flags = 0;
  for (let i = 3; i < ctx.argc; i++) {
    if (ctx.is(i, 'NX')) flags |= NX;
    else if (ctx.is(i, 'XX')) flags |= XX;
    else if (ctx.is(i, 'GT')) flags |= GT;
    else if (ctx.is(i, 'LT')) flags |= LT;
    else throw Err.unsupportedOption(ctx.arg(i));
  }
  if (flags & NX && flags & (XX | GT | LT)) throw Err.expireNxWithOthers();
  if (flags & GT && flags & LT) throw Err.expireGtLt();
  return flags;
}

/** The absolute expire time in ms, with Redis's overflow checks on unit conversion and base. */
function absoluteMs(ctx: Ctx, unitMs: boolean, absolute: boolean): number {
  const v = ctx.int64(2);
  const base = absolute ? 0 : ctx.ks.now;
  if (typeof v === 'number' && v < SAFE_FAST && v > -SAFE_FAST) return (unitMs ? v : v * 1000) + base;
  let when = BigInt(v);
  if (!unitMs) {
    if (when > INT64_MAX / 1000n || when < INT64_MIN / 1000n) throw Err.invalidExpire(ctx.cmd.fullName);
    when *= 1000n;
  }
  if (when > INT64_MAX - BigInt(base)) throw Err.invalidExpire(ctx.cmd.fullName);
  // Times past 2^53 ms (year 287396) are kept as the nearest double.
  return Number(when + BigInt(base));
}

export function expire(ctx: Ctx, unitMs: boolean, absolute: boolean): void {
  const flags = parseFlags(ctx);
  const when = absoluteMs(ctx, unitMs, absolute);
  const key = ctx.arg(1);
  const db = ctx.db;
  if (db.lookupWrite(key) === undefined) {
    ctx.reply.integer(0);
    return;
  }
  if (flags !== 0) {
    const current = db.getExpire(key);
    // No TTL counts as an infinite one: GT never beats it, LT always does.
    const refused =
      (flags & NX && current !== undefined) ||
      (flags & XX && current === undefined) ||
      (flags & GT && (current === undefined || when <= current)) ||
      (flags & LT && current !== undefined && when >= current);
    if (refused) {
      ctx.reply.integer(0);
      return;
    }
  }
  // A past time deletes the key, except where expiry belongs to the primary (a replica, or the
  // primary's own stream applied on a replica): there the time is stored and expiry follows.
  if (when <= ctx.ks.now && !ctx.ks.loading && ctx.ks.hooks.expiryPolicy() === 'delete') {
    db.delete(key);
    const lazy = ctx.server.config.get('lazyfree-lazy-expire') === 'yes';
    ctx.propagateAs([lazy ? 'UNLINK' : 'DEL', key]);
    db.changed(key, 'del');
    ctx.reply.integer(1);
    return;
  }
  db.setExpire(key, when);
  const argv = ctx.argv.slice();
  argv[0] = 'PEXPIREAT';
  argv[2] = String(when);
  ctx.propagateAs(argv);
  db.changed(key, 'expire');
  ctx.reply.integer(1);
}

export function ttl(ctx: Ctx, ms: boolean): void {
  const key = ctx.arg(1);
  const db = ctx.db;
  if (db.lookupRead(key, true) === undefined) {
    ctx.reply.integer(-2);
    return;
  }
  const when = db.getExpire(key);
  if (when === undefined) {
    ctx.reply.integer(-1);
    return;
  }
  const left = Math.max(0, when - ctx.ks.now);
  ctx.reply.integer(ms ? left : Math.floor((left + 500) / 1000));
}

export function expireTime(ctx: Ctx, ms: boolean): void {
  const key = ctx.arg(1);
  const db = ctx.db;
  if (db.lookupRead(key, true) === undefined) {
    ctx.reply.integer(-2);
    return;
  }
  const when = db.getExpire(key);
  if (when === undefined) ctx.reply.integer(-1);
  else ctx.reply.integer(ms ? when : Math.trunc(when / 1000));
}

export function persist(ctx: Ctx): void {
  const key = ctx.arg(1);
  const db = ctx.db;
  if (db.lookupWrite(key) === undefined || !db.persist(key)) {
    ctx.reply.integer(0);
    return;
  }
  db.changed(key, 'persist');
  ctx.reply.integer(1);
}
