// The ZRANGE family (ZRANGE, ZRANGESTORE, ZREVRANGE, Z[REV]RANGEBYSCORE, Z[REV]RANGEBYLEX) and
// ZREMRANGEBYRANK/SCORE/LEX. Every range becomes an interval of ranks, so a query costs
// O(log n + m) on the tree. Options are parsed in full before the key is looked up, as Redis does.

import type { Ctx } from '../../exec/context.js';
import { ZSetValue, type LexRange, type ScoreRange } from '../../keyspace/types/zset.js';
import type { Value } from '../../keyspace/value.js';
import { Err } from '../../resp/errors.js';
import { formatDouble } from '../../util/numbers.js';
import { deleteIfEmpty } from '../set.js';
import { beginPairs, pair, parseLexRange, parseScoreRange, zsetLimits } from './parse.js';

export type RangeType = 'auto' | 'rank' | 'score' | 'lex';
export type Direction = 'auto' | 'forward' | 'reverse';

/**
 * ZRANGE and its variants. argStart is the index of the source key; with store, argv[1] is the
 * destination and WITHSCORES is not accepted.
 */
export function zrangeGeneric(ctx: Ctx, argStart: number, store: boolean, type0: RangeType, dir0: Direction): void {
  let type = type0;
  let dir = dir0;
  let withScores = false;
  let offset = 0;
  let limit = -1;
  for (let j = argStart + 3; j < ctx.argc; j++) {
    const left = ctx.argc - j - 1;
    if (!store && ctx.is(j, 'WITHSCORES')) withScores = true;
    else if (ctx.is(j, 'LIMIT') && left >= 2) {
      offset = ctx.int(j + 1);
      limit = ctx.int(j + 2);
      j += 2;
    } else if (dir === 'auto' && ctx.is(j, 'REV')) dir = 'reverse';
    else if (type === 'auto' && ctx.is(j, 'BYLEX')) type = 'lex';
    else if (type === 'auto' && ctx.is(j, 'BYSCORE')) type = 'score';
    else throw Err.syntax();
  }
  if (dir === 'auto') dir = 'forward';
  if (type === 'auto') type = 'rank';
  if (limit !== -1 && type === 'rank') throw Err.limitNeedsBy();
  if (withScores && type === 'lex') throw Err.withscoresByLex();
  const rev = dir === 'reverse';
  let minArg = ctx.arg(argStart + 1);
  let maxArg = ctx.arg(argStart + 2);
  if (rev && type !== 'rank') [minArg, maxArg] = [maxArg, minArg];

  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (type === 'rank') {
    start = ctx.int(argStart + 1);
    end = ctx.int(argStart + 2);
  } else if (type === 'score') {
    score = parseScoreRange(minArg, maxArg);
  } else {
    lex = parseLexRange(minArg, maxArg);
  }

  const z = ctx.db.readOfType<ZSetValue>(ctx.arg(argStart), 'zset');
  // The interval of ascending ranks to emit, walked downward for a reverse range.
  let first = 0;
  let last = -1;
  if (z !== undefined) {
    const size = z.size;
    if (type === 'rank') {
      [first, last] = rankInterval(start, end, size);
      if (rev && first <= last) [first, last] = [size - 1 - last, size - 1 - first];
    } else {
      [first, last] = score !== null ? z.scoreRanks(score) : z.lexRanks(lex!);
      if (first <= last) {
        if (offset < 0) last = first - 1;
        else {
          let n = last - first + 1 - offset;
          if (limit >= 0 && limit < n) n = limit;
          if (n <= 0) last = first - 1;
          else if (rev) [first, last] = [last - offset - n + 1, last - offset];
          else [first, last] = [first + offset, first + offset + n - 1];
        }
      }
    }
  }
  const n = Math.max(0, last - first + 1);

  if (store) {
    const members: string[] = [];
    const scores: number[] = [];
    if (z !== undefined) z.each(first, last, false, (m, s) => { members.push(m); scores.push(s); });
    storeZset(ctx, ctx.arg(1), members, scores, 'zrangestore');
    return;
  }
  if (!withScores) {
    // Members only: one array written in a single pass (see RespWriter.bulkArray).
    ctx.reply.bulkArray(z !== undefined ? z.members(first, last, rev) : []);
    return;
  }
  if (ctx.reply.resp === 2) {
    // RESP2 flattens the pairs, scores as bulk strings: again one array.
    const items: string[] = [];
    if (z !== undefined) z.each(first, last, rev, (m, s) => { items.push(m, formatDouble(s)); });
    ctx.reply.bulkArray(items);
    return;
  }
  beginPairs(ctx, n, withScores);
  if (z !== undefined) z.each(first, last, rev, (m, s) => pair(ctx, m, s, withScores));
}

/** Redis's rank normalization: negative from the end, clamped; [0, -1] when empty. */
export function rankInterval(start: number, end: number, size: number): [number, number] {
  if (start < 0) start += size;
  if (end < 0) end += size;
  if (start < 0) start = 0;
  if (start > end || start >= size) return [0, -1];
  if (end >= size) end = size - 1;
  return [start, end];
}

/**
 * Stores pairs sorted by (score, member) at dst, encoded by the result's size; an empty result
 * deletes dst. Replies with the number stored.
 */
export function storeZset(ctx: Ctx, dst: string, members: string[], scores: number[], event: string): void {
  if (members.length === 0) {
    if (ctx.db.lookupWrite(dst) !== undefined) {
      ctx.db.delete(dst);
      ctx.db.changed(dst, 'del');
    }
    return ctx.reply.integer(0);
  }
  const existed = ctx.db.lookupWrite(dst) !== undefined;
  ctx.db.set(dst, ZSetValue.fromSorted(members, scores, zsetLimits(ctx)) as Value);
  if (!existed) ctx.db.notify('new', dst);
  ctx.db.changed(dst, event);
  ctx.reply.integer(members.length);
}

export function zremrange(ctx: Ctx, type: 'rank' | 'score' | 'lex'): void {
  const key = ctx.arg(1);
  let start = 0;
  let end = 0;
  let score: ScoreRange | null = null;
  let lex: LexRange | null = null;
  if (type === 'rank') {
    start = ctx.int(2);
    end = ctx.int(3);
  } else if (type === 'score') score = parseScoreRange(ctx.arg(2), ctx.arg(3));
  else lex = parseLexRange(ctx.arg(2), ctx.arg(3));
  const z = ctx.db.writeOfType<ZSetValue>(key, 'zset');
  if (z === undefined) return ctx.reply.integer(0);
  const [first, last] = type === 'rank' ? rankInterval(start, end, z.size) : score !== null ? z.scoreRanks(score) : z.lexRanks(lex!);
  const removed = z.deleteRanks(first, last);
  if (removed > 0) {
    ctx.db.changed(key, type === 'rank' ? 'zremrangebyrank' : type === 'score' ? 'zremrangebyscore' : 'zremrangebylex', removed);
    deleteIfEmpty(ctx, key, z);
  }
  ctx.reply.integer(removed);
}
