// Sorted-set commands on single members and counts: ZADD, ZINCRBY, ZREM, ZCARD, ZSCORE, ZMSCORE,
// ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, ZSCAN, ZRANDMEMBER. Storage lives in keyspace/types/zset.ts.

import type { Ctx } from '../../exec/context.js';
import { ZSetValue } from '../../keyspace/types/zset.js';
import { Err } from '../../resp/errors.js';
import { formatDouble } from '../../util/numbers.js';
import { deleteIfEmpty, distinctIndexes, MAX_RANDOM_REPLY, parseScanCursor, parseScanOptions, signedCount } from '../set.js';
import { globMatch } from '../../util/glob.js';
import { beginPairs, pair, parseLexRange, parseScoreRange, scoreArg, zsetLimits } from './parse.js';

const NX = 1;
const XX = 2;
const GT = 4;
const LT = 8;
const INCR = 16;

export function zadd(ctx: Ctx): void {
  zaddGeneric(ctx, 0);
}

export function zincrby(ctx: Ctx): void {
  zaddGeneric(ctx, INCR);
}

function zaddGeneric(ctx: Ctx, baseFlags: number): void {
  const key = ctx.arg(1);
  let flags = baseFlags;
  let ch = false;
  let idx = 2;
  if (baseFlags === 0) {
    for (; idx < ctx.argc; idx++) {
      if (ctx.is(idx, 'NX')) flags |= NX;
      else if (ctx.is(idx, 'XX')) flags |= XX;
      else if (ctx.is(idx, 'CH')) ch = true;
      else if (ctx.is(idx, 'INCR')) flags |= INCR;
      else if (ctx.is(idx, 'GT')) flags |= GT;
      else if (ctx.is(idx, 'LT')) flags |= LT;
      else break;
    }
  }
  const rest = ctx.argc - idx;
  if (rest === 0 || rest % 2 !== 0) throw Err.syntax();
  const elements = rest / 2;
  if (flags & NX && flags & XX) throw Err.zaddXxNx();
  if ((flags & GT && flags & NX) || (flags & LT && flags & NX) || (flags & GT && flags & LT)) throw Err.zaddGtLtNx();
  const incr = (flags & INCR) !== 0;
  if (incr && elements > 1) throw Err.zaddIncrPair();
  // Every score is checked before anything changes: the command applies fully or not at all.
  const scores = new Array<number>(elements);
  let maxLen = 0;
  for (let j = 0; j < elements; j++) {
    scores[j] = scoreArg(ctx, idx + j * 2);
    const len = ctx.arg(idx + j * 2 + 1).length;
    if (len > maxLen) maxLen = len;
  }
  const lim = zsetLimits(ctx);
  let z = ctx.db.writeOfType<ZSetValue>(key, 'zset');
  let added = 0;
  let updated = 0;
  let processed = 0;
  let last = 0;
  if (z === undefined && !(flags & XX)) {
    z = ZSetValue.create(elements, maxLen, lim);
    ctx.db.add(key, z);
  }
  if (z !== undefined) {
    try {
      for (let j = 0; j < elements; j++) {
        const member = ctx.arg(idx + j * 2 + 1);
        let score = scores[j]!;
        // Without XX an absent member is inserted by the same lookup that finds a present one.
        const cur = flags & XX ? z.score(member) : z.scoreOrInsert(member, score, lim);
        if (cur === undefined) {
          if (!(flags & XX)) {
            last = score;
            added++;
            processed++;
          }
        } else {
          if (flags & NX) continue;
          if (incr) {
            score += cur;
            if (Number.isNaN(score)) throw Err.scoreNaN();
          }
          if ((flags & LT && score >= cur) || (flags & GT && score <= cur)) continue;
          last = score;
          processed++;
          if (score !== cur) {
            // Without XX, scoreOrInsert has just found the member: no second lookup.
            if (flags & XX) z.set(member, score, lim);
            else z.rescoreFound(member, cur, score, lim);
            updated++;
          }
        }
      }
    } finally {
      if (added + updated > 0) ctx.db.changed(key, incr ? 'zincr' : 'zadd', added + updated);
    }
  }
  if (incr) {
    if (processed > 0) ctx.reply.double(last);
    else ctx.reply.null();
  } else {
    ctx.reply.integer(ch ? added + updated : added);
  }
}

export function zrem(ctx: Ctx): void {
  const key = ctx.arg(1);
  const z = ctx.db.writeOfType<ZSetValue>(key, 'zset');
  if (z === undefined) return ctx.reply.integer(0);
  let removed = 0;
  for (let i = 2; i < ctx.argc && z.size > 0; i++) if (z.delete(ctx.arg(i))) removed++;
  if (removed > 0) {
    ctx.db.changed(key, 'zrem', removed);
    deleteIfEmpty(ctx, key, z);
  }
  ctx.reply.integer(removed);
}

export function zcard(ctx: Ctx): void {
  const z = ctx.db.readOfType<ZSetValue>(ctx.arg(1), 'zset');
  ctx.reply.integer(z === undefined ? 0 : z.size);
}

export function zscore(ctx: Ctx): void {
  const s = ctx.db.readOfType<ZSetValue>(ctx.arg(1), 'zset')?.score(ctx.arg(2));
  if (s === undefined) ctx.reply.null();
  else ctx.reply.double(s);
}

export function zmscore(ctx: Ctx): void {
  const z = ctx.db.readOfType<ZSetValue>(ctx.arg(1), 'zset');
  ctx.reply.array(ctx.argc - 2);
  for (let i = 2; i < ctx.argc; i++) {
    const s = z?.score(ctx.arg(i));
    if (s === undefined) ctx.reply.null();
    else ctx.reply.double(s);
  }
}

export function zrank(ctx: Ctx, rev: boolean): void {
  if (ctx.argc > 4 || (ctx.argc === 4 && !ctx.is(3, 'WITHSCORE'))) throw Err.syntax();
  const withScore = ctx.argc === 4;
  const z = ctx.db.readOfType<ZSetValue>(ctx.arg(1), 'zset');
  const member = ctx.arg(2);
  const r = z === undefined ? -1 : z.rank(member);
  if (r < 0) return withScore ? ctx.reply.nullArray() : ctx.reply.null();
  const rank = rev ? z!.size - 1 - r : r;
  if (!withScore) return ctx.reply.integer(rank);
  ctx.reply.array(2);
  ctx.reply.integer(rank);
  ctx.reply.double(z!.score(member)!);
}

export function zcount(ctx: Ctx): void {
  const range = parseScoreRange(ctx.arg(2), ctx.arg(3));
  const z = ctx.db.readOfType<ZSetValue>(ctx.arg(1), 'zset');
  if (z === undefined) return ctx.reply.integer(0);
  const [a, b] = z.scoreRanks(range);
  ctx.reply.integer(Math.max(0, b - a + 1));
}

export function zlexcount(ctx: Ctx): void {
  const range = parseLexRange(ctx.arg(2), ctx.arg(3));
  const z = ctx.db.readOfType<ZSetValue>(ctx.arg(1), 'zset');
  ctx.reply.integer(z === undefined ? 0 : Math.max(0, z.lexCount(range)));
}

export function zscan(ctx: Ctx): void {
  // Cursor, then key (missing: an empty scan whatever the options), then options, as Redis.
  const cursor = parseScanCursor(ctx, 2);
  const z = ctx.db.readOfType<ZSetValue>(ctx.arg(1), 'zset');
  const out: string[] = [];
  let next = 0;
  if (z !== undefined) {
    const args = parseScanOptions(ctx, 3);
    const pat = args.pattern;
    next = z.scan(cursor, args.count, (m, s) => {
      if (pat === null || globMatch(pat, m)) out.push(m, formatDouble(s));
    });
  }
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(out);
}

/** LONG_MAX / 2: the largest ZRANDMEMBER count whose WITHSCORES reply length still fits. */
const HALF_LONG_MAX = 4611686018427387903n;

export function zrandmember(ctx: Ctx): void {
  const key = ctx.arg(1);
  if (ctx.argc === 2) {
    const z = ctx.db.readOfType<ZSetValue>(key, 'zset');
    if (z === undefined) return ctx.reply.null();
    return z.randomAt(Math.random, (m) => ctx.reply.bulk(m));
  }
  // Redis parses the count before it looks at the rest, then bounds a WITHSCORES count so that
  // twice it still fits.
  const count = signedCount(ctx, 2);
  if (ctx.argc > 4 || (ctx.argc === 4 && !ctx.is(3, 'WITHSCORES'))) throw Err.syntax();
  const withScores = ctx.argc === 4;
  if (withScores) {
    const exact = BigInt(ctx.int64(2));
    if (exact > HALF_LONG_MAX || exact < -HALF_LONG_MAX) throw Err.valueOutOfRange();
  }
  const z = ctx.db.readOfType<ZSetValue>(key, 'zset');
  if (z === undefined || count === 0) return ctx.reply.array(0);
  const emit = (m: string, s: number) => pair(ctx, m, s, withScores);
  const size = z.size;
  if (count < 0) {
    if (-count > MAX_RANDOM_REPLY) throw Err.replyTooLarge();
    beginPairs(ctx, -count, withScores);
    for (let i = 0; i < -count; i++) z.randomAt(Math.random, emit);
    return;
  }
  if (count >= size) {
    beginPairs(ctx, size, withScores);
    z.each(0, size - 1, false, emit);
    return;
  }
  beginPairs(ctx, count, withScores);
  for (const i of distinctIndexes(size, count)) z.pairAt(i, emit);
}
