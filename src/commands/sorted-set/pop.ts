// ZPOPMIN, ZPOPMAX and ZMPOP, built from two reusable cores that the blocking forms (BZPOPMIN,
// BZPOPMAX, BZMPOP) can call as well: zpopFind picks the first non-empty sorted set among keys
// (type-checking on the way), zpopFrom pops from it and writes the reply in the requested shape.

import type { Ctx } from '../../exec/context.js';
import type { ZSetValue } from '../../keyspace/types/zset.js';
import { typeName } from '../../keyspace/value.js';
import { Err } from '../../resp/errors.js';
import { parseInt64 } from '../../util/numbers.js';
import { deleteIfEmpty } from '../set.js';

export type PopEnd = 'min' | 'max';

/** How a pop replies (Redis's emitkey / use_nested_array). */
export interface PopShape {
  /** Put the key in the reply (ZMPOP, BZPOP*). */
  emitKey: boolean;
  /** Each member/score pair in its own array (ZMPOP always; ZPOP* with a count in RESP3). */
  nested: boolean;
}

/** The first key holding a sorted set, or null; WRONGTYPE for another type met first. */
export function zpopFind(ctx: Ctx, keys: readonly string[]): { key: string; z: ZSetValue } | null {
  for (const key of keys) {
    const v = ctx.db.lookupWrite(key);
    if (v === undefined) continue;
    if (typeName(v) !== 'zset') throw Err.wrongType();
    return { key, z: v as ZSetValue };
  }
  return null;
}

/**
 * Pops up to count members from one end of z and replies in the given shape; signals the change
 * (zpopmin/zpopmax event, 'del' when emptied). Propagation is the caller's business. Returns how
 * many members went.
 */
export function zpopFrom(ctx: Ctx, key: string, z: ZSetValue, end: PopEnd, count: number, shape: PopShape): number {
  const size = z.size;
  const n = count > size ? size : count;
  const r = ctx.reply;
  if (!shape.nested && !shape.emitKey) r.array(n * 2);
  else if (shape.nested && !shape.emitKey) r.array(n);
  else if (!shape.nested) {
    r.array(n * 2 + 1);
    r.bulk(key);
  } else {
    r.array(2);
    r.bulk(key);
    r.array(n);
  }
  const max = end === 'max';
  const first = max ? size - n : 0;
  const last = max ? size - 1 : n - 1;
  z.each(first, last, max, (m, s) => {
    if (shape.nested) r.array(2);
    r.bulk(m);
    r.double(s);
  });
  z.deleteRanks(first, last);
  if (n > 0) {
    ctx.db.changed(key, max ? 'zpopmax' : 'zpopmin', n);
    deleteIfEmpty(ctx, key, z);
  }
  return n;
}

/** ZPOPMIN / ZPOPMAX key [count]. */
export function zpopMinMax(ctx: Ctx, end: PopEnd): void {
  if (ctx.argc > 3) throw Err.syntax();
  let count = -1;
  if (ctx.argc === 3) {
    const v = parseInt64(ctx.arg(2));
    if (v === null || v < 0) throw Err.outOfRangePositive('value');
    count = Number(v);
  }
  const found = zpopFind(ctx, [ctx.arg(1)]);
  if (found === null || count === 0) return ctx.reply.array(0);
  zpopFrom(ctx, found.key, found.z, end, count === -1 ? 1 : count, { emitKey: false, nested: ctx.reply.resp === 3 && count !== -1 });
}

/** Parsed "numkeys key... MIN|MAX [COUNT count]" starting at argv[numkeysIdx]. */
export interface MpopArgs {
  keys: string[];
  end: PopEnd;
  count: number;
}

export function parseMpop(ctx: Ctx, numkeysIdx: number): MpopArgs {
  const nk = parseInt64(ctx.arg(numkeysIdx));
  if (nk === null || nk < 1) throw Err.numkeysNotPositive();
  const whereIdx = numkeysIdx + Number(nk) + 1;
  if (whereIdx >= ctx.argc) throw Err.syntax();
  let end: PopEnd;
  if (ctx.is(whereIdx, 'MIN')) end = 'min';
  else if (ctx.is(whereIdx, 'MAX')) end = 'max';
  else throw Err.syntax();
  let count = -1;
  for (let j = whereIdx + 1; j < ctx.argc; j++) {
    if (count === -1 && ctx.is(j, 'COUNT') && j + 1 < ctx.argc) {
      const v = parseInt64(ctx.arg(++j));
      if (v === null || v < 1) throw Err.countNotPositive();
      count = Number(v);
    } else {
      throw Err.syntax();
    }
  }
  return { keys: ctx.argv.slice(numkeysIdx + 1, whereIdx), end, count: count === -1 ? 1 : count };
}

/**
 * ZMPOP numkeys key... MIN|MAX [COUNT count]: propagated as ZPOPMIN/ZPOPMAX key n, n being how
 * many members went (COUNT capped at the set's size), as Redis does.
 */
export function zmpop(ctx: Ctx): void {
  const a = parseMpop(ctx, 1);
  const found = zpopFind(ctx, a.keys);
  if (found === null) return ctx.reply.nullArray();
  const n = zpopFrom(ctx, found.key, found.z, a.end, a.count, { emitKey: true, nested: true });
  ctx.propagateAs([a.end === 'max' ? 'ZPOPMAX' : 'ZPOPMIN', found.key, String(n)]);
}
