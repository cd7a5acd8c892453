// BZPOPMIN, BZPOPMAX and BZMPOP: the blocking forms of ZPOPMIN/ZPOPMAX/ZMPOP. Each handler serves
// through pop.ts's cores when a sorted set is there, and otherwise parks the client on its keys
// through commands/blocking.ts; a parked command is simply run again when a key holds a zset.
// Nothing here waits, schedules or replies later itself.

import type { Ctx } from '../../exec/context.js';
import { parseIntNumber } from '../../util/numbers.js';
import { blockTimeout, parkOnKeys } from '../blocking.js';
import { defineFamily, keyNum, keyRange } from '../table.js';
import { parseMpop, zpopFind, zpopFrom, type PopEnd } from './pop.js';

const doc = (summary: string, since: string, complexity: string) => ({ summary, since, complexity });

export const blockingSortedSetFamily = defineFamily('sorted-set', [
  {
    name: 'bzpopmin', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'],
    keySpecs: [keyRange(1, -2, 1, 'RW', 'access', 'delete')], run: (ctx) => bzpop(ctx, 'min'),
    doc: { ...doc('Removes and returns the member with the lowest score from the first non-empty sorted set, waiting for one if none.',
      '5.0.0', 'O(log(N))'), history: [['6.0.0', 'The timeout may be a fraction of a second.']] },
  },
  {
    name: 'bzpopmax', arity: -3, flags: ['write', 'noscript', 'blocking', 'fast'],
    keySpecs: [keyRange(1, -2, 1, 'RW', 'access', 'delete')], run: (ctx) => bzpop(ctx, 'max'),
    doc: { ...doc('Removes and returns the member with the highest score from the first non-empty sorted set, waiting for one if none.',
      '5.0.0', 'O(log(N))'), history: [['6.0.0', 'The timeout may be a fraction of a second.']] },
  },
  {
    name: 'bzmpop', arity: -5, flags: ['write', 'blocking'],
    keySpecs: [keyNum(2, 'RW', 'access', 'delete')], getKeys: bzmpopKeys, run: bzmpop,
    doc: doc('Pops members with the lowest or highest scores from the first non-empty sorted set, waiting for one if none.',
      '7.0.0', 'O(K) + O(M*log(N))'),
  },
]);

/**
 * BZPOPMIN / BZPOPMAX key [key ...] timeout: replies [key, member, score] and propagates
 * ZPOPMIN/ZPOPMAX key; inside MULTI an empty wait answers the timeout's null array.
 */
function bzpop(ctx: Ctx, end: PopEnd): void {
  // Redis reads the timeout before looking at any key.
  const deadline = blockTimeout(ctx, ctx.argc - 1);
  const keys = ctx.argv.slice(1, ctx.argc - 1);
  const found = zpopFind(ctx, keys);
  if (found !== null) {
    zpopFrom(ctx, found.key, found.z, end, 1, { emitKey: true, nested: false });
    ctx.propagateAs([end === 'max' ? 'ZPOPMAX' : 'ZPOPMIN', found.key]);
    return;
  }
  if (!parkOnKeys(ctx, keys, 'zset', deadline)) ctx.reply.nullArray();
}

function bzmpopKeys(argv: readonly string[]): number[] {
  const n = parseIntNumber(argv[2] ?? '');
  if (n === null || n < 1 || n > argv.length - 3) return [];
  return Array.from({ length: n }, (_, i) => 3 + i);
}

/**
 * BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]: ZMPOP's reply, propagated like
 * ZMPOP as ZPOPMIN/ZPOPMAX key n, n being how many members went.
 */
function bzmpop(ctx: Ctx): void {
  // Redis checks numkeys, the direction and COUNT before the timeout.
  const a = parseMpop(ctx, 2);
  const deadline = blockTimeout(ctx, 1);
  const found = zpopFind(ctx, a.keys);
  if (found !== null) {
    const n = zpopFrom(ctx, found.key, found.z, a.end, a.count, { emitKey: true, nested: true });
    ctx.propagateAs([a.end === 'max' ? 'ZPOPMAX' : 'ZPOPMIN', found.key, String(n)]);
    return;
  }
  if (!parkOnKeys(ctx, a.keys, 'zset', deadline)) ctx.reply.nullArray();
}
