// SET and its relatives (SETNX, SETEX, PSETEX, GETEX, GETSET, GETDEL): option parsing, expire
// arithmetic and the argv they propagate. Relative expiries always leave as absolute ones
// (SET ... PXAT ms, PEXPIREAT ms), as Redis 7 rewrites them, so replicas and the AOF agree.

import type { Ctx } from '../../exec/context.js';
import type { Db } from '../../keyspace/db.js';
import { storedString, stringOf, type StringValue } from '../../keyspace/types/string.js';
import { Err } from '../../resp/errors.js';
import { INT64_MAX, parseInt64 } from '../../util/numbers.js';

/** Option flags of SET and GETEX (Redis's OBJ_SET_* / OBJ_* bits). */
const NX = 1;
const XX = 2;
const GET = 4;
const KEEPTTL = 8;
const PERSIST = 16;
const EX = 32;
const PX = 64;
const EXAT = 128;
const PXAT = 256;
const ANY_EXPIRE = EX | PX | EXAT | PXAT;

/** Parsed options: flags, plus the argv index of the expire value (0 when none). */
interface Options { flags: number; expireAt: number }

/**
 * Parses SET (from argv[3]) or GETEX (from argv[2]) options exactly as Redis accepts them:
 * repeats of the same option are allowed, conflicting ones and unknown words are a syntax
 * error, and an expire option needs a following argument.
 */
function parseOptions(ctx: Ctx, forSet: boolean): Options {
  let flags = 0;
  let expireAt = 0;
  const argv = ctx.argv;
  for (let j = forSet ? 3 : 2; j < argv.length; j++) {
    const opt = argv[j]!.toUpperCase();
    const hasNext = j < argv.length - 1;
    if (opt === 'NX' && forSet && !(flags & XX)) flags |= NX;
    else if (opt === 'XX' && forSet && !(flags & NX)) flags |= XX;
    else if (opt === 'GET' && forSet) flags |= GET;
    else if (opt === 'KEEPTTL' && forSet && !(flags & (PERSIST | ANY_EXPIRE))) flags |= KEEPTTL;
    else if (opt === 'PERSIST' && !forSet && !(flags & (KEEPTTL | ANY_EXPIRE))) flags |= PERSIST;
    else if (hasNext && isExpireOption(opt) && !(flags & (KEEPTTL | PERSIST | (ANY_EXPIRE & ~EXPIRE_FLAG[opt]!)))) {
      flags |= EXPIRE_FLAG[opt]!;
      expireAt = ++j;
    } else {
      throw Err.syntax();
    }
  }
  return { flags, expireAt };
}

const EXPIRE_FLAG: Record<string, number> = { EX, PX, EXAT, PXAT };

function isExpireOption(opt: string): boolean {
  return opt === 'EX' || opt === 'PX' || opt === 'EXAT' || opt === 'PXAT';
}

/**
 * The absolute expire time in ms for an expire argument (Redis's getExpireMillisecondsOrReply):
 * positive, no overflow when scaled from seconds or when `now` is added for relative units.
 * Returned as a number when exact, else as a bigint (absurd but valid far-future times).
 */
function expireMs(ctx: Ctx, index: number, flags: number): number | bigint {
  const raw = parseInt64(ctx.arg(index));
  if (raw === null) throw Err.notInteger();
  const seconds = (flags & (EX | EXAT)) !== 0;
  const relative = (flags & (EX | PX)) !== 0;
  if (typeof raw === 'number') {
    const ms = (seconds ? raw * 1000 : raw) + (relative ? ctx.ks.now : 0);
    if (raw > 0 && Number.isSafeInteger(ms)) return ms;
  }
  let ms = BigInt(raw);
  if (ms <= 0n || (seconds && ms > INT64_MAX / 1000n)) throw Err.invalidExpire(ctx.cmd.fullName);
  if (seconds) ms *= 1000n;
  if (relative) ms += BigInt(ctx.ks.now);
  if (ms > INT64_MAX) throw Err.invalidExpire(ctx.cmd.fullName);
  return ms;
}

/** Replies with a string value or null, as GET does; WRONGTYPE for other types. */
function replyGet(ctx: Ctx, key: string): StringValue | undefined {
  const v = ctx.db.readOfType<StringValue>(key, 'string');
  if (v === undefined) ctx.reply.null();
  else ctx.reply.bulk(stringOf(v));
  return v;
}

/** Stores a string value as Redis's setKey does: a new key is added (the 'new' event). */
export function storeString(db: Db, key: string, value: StringValue, keepTtl: boolean): void {
  db.store(key, value, keepTtl);
}

/** What setGeneric replies when it stores, and when NX/XX stop it. */
const enum Replies { OkNull, OneZero }

/**
 * SET's core, shared with SETNX, SETEX and PSETEX (Redis's setGenericCommand). `valueAt` and
 * `expireAt` are argv indexes (expireAt 0: no expire).
 */
function setGeneric(ctx: Ctx, flags: number, valueAt: number, expireAt: number, replies: Replies): void {
  const key = ctx.arg(1);
  const db = ctx.db;
  const when = expireAt !== 0 ? expireMs(ctx, expireAt, flags) : 0;
  if (flags & GET) replyGet(ctx, key);
  const found = db.lookupWrite(key) !== undefined;
  if (((flags & NX) && found) || ((flags & XX) && !found)) {
    if (!(flags & GET)) {
      if (replies === Replies.OneZero) ctx.reply.integer(0);
      else ctx.reply.null();
    }
    return;
  }
  const text = ctx.arg(valueAt);
  const value = storedString(text);
  if (found) db.set(key, value, (flags & KEEPTTL) !== 0 || expireAt !== 0);
  else db.add(key, value);
  db.changed(key, 'set');
  if (expireAt !== 0) {
    db.setExpire(key, Number(when));
    if (!(flags & PXAT)) ctx.propagateAs(['SET', key, text, 'PXAT', String(when)]);
    db.notify('expire', key);
  }
  if (!(flags & GET)) {
    if (replies === Replies.OneZero) ctx.reply.integer(1);
    else ctx.reply.ok();
  } else if (expireAt === 0) {
    // Replicas need no GET: propagate the command without it (every GET after the value).
    ctx.propagateAs(ctx.argv.filter((a, j) => j < 3 || a.length !== 3 || a.toUpperCase() !== 'GET'));
  }
}

export function set(ctx: Ctx): void {
  if (ctx.argc === 3) {
    // The hot path: no options.
    const key = ctx.arg(1);
    storeString(ctx.db, key, storedString(ctx.arg(2)), false);
    ctx.db.changed(key, 'set');
    ctx.reply.ok();
    return;
  }
  const o = parseOptions(ctx, true);
  setGeneric(ctx, o.flags, 2, o.expireAt, Replies.OkNull);
}

export function setnx(ctx: Ctx): void {
  setGeneric(ctx, NX, 2, 0, Replies.OneZero);
}

export function setex(ctx: Ctx): void {
  setGeneric(ctx, EX, 3, 2, Replies.OkNull);
}

export function psetex(ctx: Ctx): void {
  setGeneric(ctx, PX, 3, 2, Replies.OkNull);
}

export function getset(ctx: Ctx): void {
  const key = ctx.arg(1);
  replyGet(ctx, key);
  storeString(ctx.db, key, storedString(ctx.arg(2)), false);
  ctx.db.changed(key, 'set');
  ctx.propagateAs(['SET', key, ctx.arg(2)]);
}

export function getdel(ctx: Ctx): void {
  const key = ctx.arg(1);
  if (replyGet(ctx, key) === undefined) return;
  ctx.db.delete(key);
  ctx.propagateAs(['DEL', key]);
  ctx.db.changed(key, 'del');
}

export function getex(ctx: Ctx): void {
  const { flags, expireAt } = parseOptions(ctx, false);
  const key = ctx.arg(1);
  const db = ctx.db;
  const v = db.readOfType<StringValue>(key, 'string');
  if (v === undefined) return ctx.reply.null();
  const when = expireAt !== 0 ? expireMs(ctx, expireAt, flags) : 0;
  ctx.reply.bulk(stringOf(v));
  if ((flags & (EXAT | PXAT)) && when <= ctx.ks.now && !ctx.ks.loading) {
    // An absolute time already past: the key goes now, and replicas are told to delete it.
    db.delete(key);
    ctx.propagateAs([lazyExpire(ctx) ? 'UNLINK' : 'DEL', key]);
    db.changed(key, 'del');
  } else if (expireAt !== 0) {
    db.setExpire(key, Number(when));
    ctx.propagateAs(['PEXPIREAT', key, String(when)]);
    db.changed(key, 'expire');
  } else if ((flags & PERSIST) && db.persist(key)) {
    ctx.propagateAs(['PERSIST', key]);
    db.changed(key, 'persist');
  }
}

/** lazyfree-lazy-expire: deletions caused by expiry are propagated as UNLINK. */
function lazyExpire(ctx: Ctx): boolean {
  return ctx.server.config.get('lazyfree-lazy-expire') === 'yes';
}
