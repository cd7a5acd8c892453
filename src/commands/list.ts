// The LIST group: argument parsing, replies, change signals and propagation. Storage and
// encodings live in keyspace/types/list.ts. The blocking variants (BLPOP, BLMOVE, ...) belong to
// the blocking layer; they reuse popReply, moveElement and multiPop, which never block.

import type { Ctx } from '../exec/context.js';
import { ListValue, type End } from '../keyspace/types/list.js';
import { Err } from '../resp/errors.js';
import { parseIntNumber } from '../util/numbers.js';
import { defineFamily, keyAt, keyNum, type KeySpec } from './table.js';

const RO = (i: number): KeySpec => keyAt(i, 'RO', 'access');
const RW = (i: number, ...more: ('access' | 'insert' | 'delete' | 'update')[]): KeySpec => keyAt(i, 'RW', ...more);

export const listFamily = defineFamily('list', [
  { name: 'lpush', arity: -3, flags: ['write', 'denyoom', 'fast'], keySpecs: [RW(1, 'insert')], run: (ctx) => push(ctx, 'head', false) },
  { name: 'rpush', arity: -3, flags: ['write', 'denyoom', 'fast'], keySpecs: [RW(1, 'insert')], run: (ctx) => push(ctx, 'tail', false) },
  { name: 'lpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], keySpecs: [RW(1, 'insert')], run: (ctx) => push(ctx, 'head', true) },
  { name: 'rpushx', arity: -3, flags: ['write', 'denyoom', 'fast'], keySpecs: [RW(1, 'insert')], run: (ctx) => push(ctx, 'tail', true) },
  { name: 'lpop', arity: -2, flags: ['write', 'fast'], keySpecs: [RW(1, 'access', 'delete')], run: (ctx) => pop(ctx, 'head') },
  { name: 'rpop', arity: -2, flags: ['write', 'fast'], keySpecs: [RW(1, 'access', 'delete')], run: (ctx) => pop(ctx, 'tail') },
  { name: 'llen', arity: 2, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO')], run: llen },
  { name: 'lindex', arity: 3, flags: ['readonly'], keySpecs: [RO(1)], run: lindex },
  { name: 'lrange', arity: 4, flags: ['readonly'], keySpecs: [RO(1)], run: lrange },
  { name: 'lpos', arity: -3, flags: ['readonly'], keySpecs: [keyAt(1, 'RO', 'access')], run: lpos },
  { name: 'linsert', arity: 5, flags: ['write', 'denyoom'], keySpecs: [RW(1, 'insert')], run: linsert },
  { name: 'lset', arity: 4, flags: ['write', 'denyoom'], keySpecs: [RW(1, 'update')], run: lset },
  { name: 'lrem', arity: 4, flags: ['write'], keySpecs: [RW(1, 'delete')], run: lrem },
  { name: 'ltrim', arity: 4, flags: ['write'], keySpecs: [RW(1, 'delete')], run: ltrim },
  {
    name: 'lmove', arity: 5, flags: ['write', 'denyoom'], keySpecs: [RW(1, 'access', 'delete'), RW(2, 'insert')],
    run: lmove,
  },
  {
    name: 'rpoplpush', arity: 3, flags: ['write', 'denyoom'], keySpecs: [RW(1, 'access', 'delete'), RW(2, 'insert')],
    run: rpoplpush,
  },
  { name: 'lmpop', arity: -4, flags: ['write'], keySpecs: [keyNum(1, 'RW', 'access', 'delete')], getKeys: lmpopKeys, run: lmpop },
]);

/** list-max-listpack-size, read per command so CONFIG SET applies at once. */
function fill(ctx: Ctx): number {
  return ctx.server.config.num('list-max-listpack-size');
}

/** LEFT/RIGHT as an end, or a syntax error. */
export function parseEnd(ctx: Ctx, i: number): End {
  if (ctx.is(i, 'LEFT')) return 'head';
  if (ctx.is(i, 'RIGHT')) return 'tail';
  throw Err.syntax();
}

/** A count that must be >= 0; anything else answers Redis's "must be positive" error. */
function positiveCount(ctx: Ctx, i: number): number {
  const v = parseIntNumber(ctx.arg(i));
  if (v === null || v < 0) throw Err.outOfRangePositive('value');
  return v;
}

/** Signals elements removed from `key` (Redis's listElementsRemoved): pop event, then del if empty. */
function removed(ctx: Ctx, key: string, list: ListValue, event: string, count: number): void {
  ctx.db.changed(key, event, count);
  if (list.length === 0) {
    ctx.db.delete(key);
    ctx.db.changed(key, 'del', 0);
  }
}

// ---- push ----

function push(ctx: Ctx, end: End, onlyIfExists: boolean): void {
  const key = ctx.arg(1);
  let list = ctx.db.writeOfType<ListValue>(key, 'list');
  if (list === undefined) {
    if (onlyIfExists) return ctx.reply.integer(0);
    list = new ListValue();
    ctx.db.add(key, list);
  }
  list.push(ctx.argv, 2, end, fill(ctx));
  ctx.db.changed(key, end === 'head' ? 'lpush' : 'rpush', ctx.argc - 2);
  ctx.reply.integer(list.length);
}

// ---- pop ----

function pop(ctx: Ctx, end: End): void {
  if (ctx.argc > 3) throw Err.arity(ctx.cmd.fullName);
  const withCount = ctx.argc === 3;
  const count = withCount ? positiveCount(ctx, 2) : 1;
  const key = ctx.arg(1);
  const list = ctx.db.writeOfType<ListValue>(key, 'list');
  if (list === undefined) {
    if (withCount) ctx.reply.nullArray();
    else ctx.reply.null();
    return;
  }
  popReply(ctx, key, list, end, withCount ? count : -1);
}

/**
 * The non-blocking core of LPOP/RPOP (and of BLPOP/BRPOP once served): pops from a non-empty
 * list and replies one bulk (count -1) or an array of up to `count` elements.
 */
export function popReply(ctx: Ctx, key: string, list: ListValue, end: End, count: number): void {
  if (count === 0) return ctx.reply.array(0);
  const event = end === 'head' ? 'lpop' : 'rpop';
  if (count < 0) {
    ctx.reply.bulk(list.pop(end, fill(ctx))!);
    removed(ctx, key, list, event, 1);
    return;
  }
  const els = list.popMany(end, count, fill(ctx));
  ctx.reply.bulkArray(els);
  removed(ctx, key, list, event, els.length);
}

/**
 * The non-blocking core of LMPOP (and BLMPOP): pops up to `count` elements from the first
 * non-empty list among keys and replies [key, [elements]], propagated as LPOP/RPOP key n.
 * Returns false, replying nothing, when every list is empty (the caller replies or blocks).
 */
export function multiPop(ctx: Ctx, keys: readonly string[], end: End, count: number): boolean {
  for (const key of keys) {
    const list = ctx.db.writeOfType<ListValue>(key, 'list');
    if (list === undefined || list.length === 0) continue;
    const els = list.popMany(end, count, fill(ctx));
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.bulkArray(els);
    removed(ctx, key, list, end === 'head' ? 'lpop' : 'rpop', els.length);
    ctx.propagateAs([end === 'head' ? 'LPOP' : 'RPOP', key, String(els.length)]);
    return true;
  }
  return false;
}

function lmpopKeys(argv: readonly string[]): number[] {
  const n = parseIntNumber(argv[1] ?? '');
  if (n === null || n < 1 || n > argv.length - 2) return [];
  return Array.from({ length: n }, (_, i) => 2 + i);
}

/** LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]; BLMPOP parses the same way. */
export function parseMultiPop(ctx: Ctx, numkeysAt: number): { keys: string[]; end: End; count: number } {
  const n = parseIntNumber(ctx.arg(numkeysAt));
  if (n === null || n < 1) throw Err.numkeysPositive();
  const whereAt = numkeysAt + n + 1;
  if (whereAt >= ctx.argc) throw Err.syntax();
  const end = parseEnd(ctx, whereAt);
  let count = -1;
  for (let j = whereAt + 1; j < ctx.argc; j++) {
    if (count === -1 && ctx.is(j, 'COUNT') && j + 1 < ctx.argc) {
      j++;
      const c = parseIntNumber(ctx.arg(j));
      if (c === null || c < 1) throw Err.countPositive();
      count = c;
    } else {
      throw Err.syntax();
    }
  }
  return { keys: ctx.argv.slice(numkeysAt + 1, whereAt), end, count: count === -1 ? 1 : count };
}

function lmpop(ctx: Ctx): void {
  const { keys, end, count } = parseMultiPop(ctx, 1);
  if (!multiPop(ctx, keys, end, count)) ctx.reply.nullArray();
}

// ---- move ----

/**
 * The non-blocking core of LMOVE/RPOPLPUSH (and BLMOVE/BRPOPLPUSH): moves one element and
 * replies it. Returns false, replying nothing, when the source is missing or empty.
 */
export function moveElement(ctx: Ctx, src: string, dst: string, from: End, to: End): boolean {
  const slist = ctx.db.writeOfType<ListValue>(src, 'list');
  if (slist === undefined || slist.length === 0) return false;
  let dlist = src === dst ? slist : ctx.db.writeOfType<ListValue>(dst, 'list');
  const f = fill(ctx);
  const value = slist.pop(from, f)!;
  if (dlist === undefined) {
    dlist = new ListValue();
    ctx.db.add(dst, dlist);
  }
  dlist.push([value], 0, to, f);
  ctx.db.changed(dst, to === 'head' ? 'lpush' : 'rpush');
  removed(ctx, src, slist, from === 'head' ? 'lpop' : 'rpop', 1);
  ctx.reply.bulk(value);
  return true;
}

function lmove(ctx: Ctx): void {
  const from = parseEnd(ctx, 3);
  const to = parseEnd(ctx, 4);
  if (!moveElement(ctx, ctx.arg(1), ctx.arg(2), from, to)) ctx.reply.null();
}

function rpoplpush(ctx: Ctx): void {
  if (!moveElement(ctx, ctx.arg(1), ctx.arg(2), 'tail', 'head')) ctx.reply.null();
}

// ---- reads ----

function llen(ctx: Ctx): void {
  const list = ctx.db.readOfType<ListValue>(ctx.arg(1), 'list');
  ctx.reply.integer(list === undefined ? 0 : list.length);
}

function lindex(ctx: Ctx): void {
  // Redis looks the key up before it parses the index: a missing key answers nil either way.
  const list = ctx.db.readOfType<ListValue>(ctx.arg(1), 'list');
  if (list === undefined) return ctx.reply.null();
  const index = ctx.int(2);
  const i = list.normalize(index);
  if (i === -1) ctx.reply.null();
  else ctx.reply.bulk(list.at(i));
}

/** Redis's clamping of a start..end range over len elements; null when empty. */
function clampRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

/** LRANGE hands its elements to the reply writer this many at a time. */
const LRANGE_PIECE = 512;

function lrange(ctx: Ctx): void {
  const start = ctx.int(2);
  const end = ctx.int(3);
  const list = ctx.db.readOfType<ListValue>(ctx.arg(1), 'list');
  if (list === undefined) return ctx.reply.array(0);
  const r = clampRange(start, end, list.length);
  if (r === null) return ctx.reply.array(0);
  const reply = ctx.reply;
  reply.array(r[1] - r[0] + 1);
  // Through bulks() a few hundred at a time: one byte pass per piece instead of four string
  // concatenations per element, without holding a whole long range in one array.
  const piece: string[] = [];
  list.forRange(r[0], r[1], (s) => {
    if (piece.push(s) === LRANGE_PIECE) {
      reply.bulks(piece);
      piece.length = 0;
    }
  });
  if (piece.length > 0) reply.bulks(piece);
}

/** A RANK value: any int64 but LONG_MIN (7.2), and not zero. */
function parseRank(ctx: Ctx, i: number): number {
  const s = ctx.arg(i);
  const v = parseIntNumber(s);
  if (v === null) throw Err.notInteger();
  // Redis 7.2 refuses LONG_MIN, whose negation overflows (7.0 took it as -1).
  if (s === '-9223372036854775808') throw Err.valueOutOfRangeBetween('-9223372036854775807', '9223372036854775807');
  if (v === 0) throw Err.rankZero();
  return v;
}

function lpos(ctx: Ctx): void {
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  for (let j = 3; j < ctx.argc; j++) {
    const more = j + 1 < ctx.argc;
    if (more && ctx.is(j, 'RANK')) {
      rank = parseRank(ctx, ++j);
    } else if (more && ctx.is(j, 'COUNT')) {
      const v = parseIntNumber(ctx.arg(++j));
      if (v === null || v < 0) throw Err.cantBeNegative('COUNT');
      count = v;
    } else if (more && ctx.is(j, 'MAXLEN')) {
      const v = parseIntNumber(ctx.arg(++j));
      if (v === null || v < 0) throw Err.cantBeNegative('MAXLEN');
      maxlen = v;
    } else {
      throw Err.syntax();
    }
  }
  const list = ctx.db.readOfType<ListValue>(ctx.arg(1), 'list');
  if (list === undefined) {
    if (count !== -1) ctx.reply.array(0);
    else ctx.reply.null();
    return;
  }
  const want = count === -1 ? 1 : count === 0 ? Infinity : count;
  const found = list.positions(ctx.arg(2), rank < 0, Math.abs(rank) - 1, want, maxlen);
  if (count === -1) {
    if (found.length === 0) ctx.reply.null();
    else ctx.reply.integer(found[0]!);
    return;
  }
  ctx.reply.array(found.length);
  for (const i of found) ctx.reply.integer(i);
}

// ---- in-place changes ----

function linsert(ctx: Ctx): void {
  let after: boolean;
  if (ctx.is(2, 'AFTER')) after = true;
  else if (ctx.is(2, 'BEFORE')) after = false;
  else throw Err.syntax();
  const key = ctx.arg(1);
  const list = ctx.db.writeOfType<ListValue>(key, 'list');
  if (list === undefined) return ctx.reply.integer(0);
  const f = fill(ctx);
  const el = ctx.arg(4);
  // Redis converts before looking for the pivot, so a miss can still change the encoding.
  list.prepareGrow(ctx.argv, 4, 5, f);
  const at = list.positions(ctx.arg(3), false, 0, 1, 0)[0] ?? -1;
  if (at === -1) return ctx.reply.integer(-1);
  list.insert(at, el, after, f);
  ctx.db.changed(key, 'linsert');
  ctx.reply.integer(list.length);
}

function lset(ctx: Ctx): void {
  const key = ctx.arg(1);
  const list = ctx.db.writeOfType<ListValue>(key, 'list');
  if (list === undefined) throw Err.noSuchKey();
  const index = ctx.int(2);
  const i = list.normalize(index);
  if (i === -1) throw Err.indexOutOfRange();
  list.set(i, ctx.arg(3), fill(ctx));
  ctx.db.changed(key, 'lset');
  ctx.reply.ok();
}

function lrem(ctx: Ctx): void {
  const count = ctx.int(2);
  const key = ctx.arg(1);
  const list = ctx.db.writeOfType<ListValue>(key, 'list');
  if (list === undefined) return ctx.reply.integer(0);
  const n = list.remove(ctx.arg(3), Math.abs(count), count < 0, fill(ctx));
  if (n > 0) removed(ctx, key, list, 'lrem', n);
  ctx.reply.integer(n);
}

function ltrim(ctx: Ctx): void {
  const start = ctx.int(2);
  const end = ctx.int(3);
  const key = ctx.arg(1);
  const list = ctx.db.writeOfType<ListValue>(key, 'list');
  if (list === undefined) return ctx.reply.ok();
  const len = list.length;
  const r = clampRange(start, end, len);
  if (r === null) list.trim(1, 0, fill(ctx));
  else list.trim(r[0], r[1], fill(ctx));
  removed(ctx, key, list, 'ltrim', len - list.length);
  ctx.reply.ok();
}
