// The SORTED SET group's command table. Handlers live beside this file: basic.ts (members,
// counts, scan, random), range.ts (the ZRANGE family and range removals), store.ts (union,
// intersection, difference), pop.ts (ZPOPMIN/ZPOPMAX/ZMPOP and the cores the blocking forms reuse).
// BZPOPMIN, BZPOPMAX and BZMPOP live in ./blocking.ts, a family of their own registered in index.ts.

import { defineFamily, keyAt, keyNum, type CommandSpec } from '../table.js';
import { zadd, zcard, zcount, zincrby, zlexcount, zmscore, zrandmember, zrank, zrem, zscan, zscore } from './basic.js';
import { zmpop, zpopMinMax } from './pop.js';
import { zrangeGeneric, zremrange } from './range.js';
import { zsetOp } from './store.js';

const ro = (i: number) => keyAt(i, 'RO', 'access');
const doc = (summary: string, since: string, complexity: string) => ({ summary, since, complexity });
const LOGN_M = 'O(log(N)+M): N members, M returned.';

const specs: CommandSpec[] = [
  { name: 'zadd', arity: -4, flags: ['write', 'denyoom', 'fast'], keySpecs: [keyAt(1, 'RW', 'update')], run: zadd,
    doc: doc('Adds members with scores, or updates their scores; NX/XX/GT/LT/CH/INCR refine it.', '1.2.0', 'O(log(N)) per member.') },
  { name: 'zcard', arity: 2, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO')], run: zcard,
    doc: doc('Returns how many members a sorted set has.', '1.2.0', 'O(1)') },
  { name: 'zcount', arity: 4, flags: ['readonly', 'fast'], keySpecs: [ro(1)], run: zcount,
    doc: doc('Counts the members with scores in a range.', '2.0.0', 'O(log(N))') },
  { name: 'zdiff', arity: -3, flags: ['readonly'], keySpecs: [keyNum(1, 'RO', 'access')], run: (ctx) => zsetOp(ctx, 'diff', 1, null, false),
    doc: doc('Returns the members of the first sorted set missing from the others.', '6.2.0', 'O(L + (N-K)log(N))') },
  { name: 'zdiffstore', arity: -4, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'OW', 'update'), keyNum(2, 'RO', 'access')],
    run: (ctx) => zsetOp(ctx, 'diff', 2, ctx.arg(1), false), doc: doc('Stores the difference of sorted sets in a key.', '6.2.0', 'O(L + (N-K)log(N))') },
  { name: 'zincrby', arity: 4, flags: ['write', 'denyoom', 'fast'], keySpecs: [keyAt(1, 'RW', 'access', 'update')], run: zincrby,
    doc: doc('Adds to the score of a member, creating it when absent.', '1.2.0', 'O(log(N))') },
  { name: 'zinter', arity: -3, flags: ['readonly'], keySpecs: [keyNum(1, 'RO', 'access')], run: (ctx) => zsetOp(ctx, 'inter', 1, null, false),
    doc: doc('Returns the intersection of sorted sets.', '6.2.0', 'O(N*K)+O(M*log(M))') },
  { name: 'zintercard', arity: -3, flags: ['readonly'], keySpecs: [keyNum(1, 'RO', 'access')], run: (ctx) => zsetOp(ctx, 'inter', 1, null, true),
    doc: doc('Counts the members of the intersection of sorted sets, optionally up to a limit.', '7.0.0', 'O(N*K)') },
  { name: 'zinterstore', arity: -4, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'OW', 'update'), keyNum(2, 'RO', 'access')],
    run: (ctx) => zsetOp(ctx, 'inter', 2, ctx.arg(1), false), doc: doc('Stores the intersection of sorted sets in a key.', '2.0.0', 'O(N*K)+O(M*log(M))') },
  { name: 'zlexcount', arity: 4, flags: ['readonly', 'fast'], keySpecs: [ro(1)], run: zlexcount,
    doc: doc('Counts the members in a lexicographical range.', '2.8.9', 'O(log(N))') },
  { name: 'zmpop', arity: -4, flags: ['write'], keySpecs: [keyNum(1, 'RW', 'access', 'delete')], run: zmpop,
    doc: doc('Pops members with the lowest or highest scores from the first non-empty sorted set.', '7.0.0', 'O(K) + O(M*log(N))') },
  { name: 'zmscore', arity: -3, flags: ['readonly', 'fast'], keySpecs: [ro(1)], run: zmscore,
    doc: doc('Returns the scores of several members.', '6.2.0', 'O(N) in the members asked about.') },
  { name: 'zpopmax', arity: -2, flags: ['write', 'fast'], keySpecs: [keyAt(1, 'RW', 'access', 'delete')], run: (ctx) => zpopMinMax(ctx, 'max'),
    doc: doc('Removes and returns the members with the highest scores.', '5.0.0', 'O(log(N)*M)') },
  { name: 'zpopmin', arity: -2, flags: ['write', 'fast'], keySpecs: [keyAt(1, 'RW', 'access', 'delete')], run: (ctx) => zpopMinMax(ctx, 'min'),
    doc: doc('Removes and returns the members with the lowest scores.', '5.0.0', 'O(log(N)*M)') },
  { name: 'zrandmember', arity: -2, flags: ['readonly'], keySpecs: [ro(1)], tips: ['nondeterministic_output'], run: zrandmember,
    doc: doc('Returns random members of a sorted set, optionally with scores.', '6.2.0', 'O(N) in the count.') },
  { name: 'zrange', arity: -4, flags: ['readonly'], keySpecs: [ro(1)], run: (ctx) => zrangeGeneric(ctx, 1, false, 'auto', 'auto'),
    doc: { ...doc('Returns members by rank, score or lex range.', '1.2.0', LOGN_M), history: [['6.2.0', 'REV, BYSCORE, BYLEX and LIMIT.']] } },
  { name: 'zrangebylex', arity: -4, flags: ['readonly'], keySpecs: [ro(1)], run: (ctx) => zrangeGeneric(ctx, 1, false, 'lex', 'forward'),
    doc: { ...doc('Returns members in a lexicographical range.', '2.8.9', LOGN_M), docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `BYLEX`' } },
  { name: 'zrangebyscore', arity: -4, flags: ['readonly'], keySpecs: [ro(1)], run: (ctx) => zrangeGeneric(ctx, 1, false, 'score', 'forward'),
    doc: { ...doc('Returns members in a score range.', '1.0.5', LOGN_M), docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `BYSCORE`' } },
  { name: 'zrangestore', arity: -5, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'OW', 'update'), ro(2)], run: (ctx) => zrangeGeneric(ctx, 2, true, 'auto', 'auto'),
    doc: doc('Stores a range of a sorted set in a key.', '6.2.0', LOGN_M) },
  { name: 'zrank', arity: -3, flags: ['readonly', 'fast'], keySpecs: [ro(1)], run: (ctx) => zrank(ctx, false),
    doc: { ...doc('Returns the rank of a member, lowest score first.', '2.0.0', 'O(log(N))'), history: [['7.2.0', 'WITHSCORE.']] } },
  { name: 'zrem', arity: -3, flags: ['write', 'fast'], keySpecs: [keyAt(1, 'RW', 'delete')], run: zrem,
    doc: doc('Removes members, deleting the key when emptied.', '1.2.0', 'O(M*log(N))') },
  { name: 'zremrangebylex', arity: 4, flags: ['write'], keySpecs: [keyAt(1, 'RW', 'delete')], run: (ctx) => zremrange(ctx, 'lex'),
    doc: doc('Removes the members in a lexicographical range.', '2.8.9', LOGN_M) },
  { name: 'zremrangebyrank', arity: 4, flags: ['write'], keySpecs: [keyAt(1, 'RW', 'delete')], run: (ctx) => zremrange(ctx, 'rank'),
    doc: doc('Removes the members in a rank range.', '2.0.0', LOGN_M) },
  { name: 'zremrangebyscore', arity: 4, flags: ['write'], keySpecs: [keyAt(1, 'RW', 'delete')], run: (ctx) => zremrange(ctx, 'score'),
    doc: doc('Removes the members in a score range.', '1.2.0', LOGN_M) },
  { name: 'zrevrange', arity: -4, flags: ['readonly'], keySpecs: [ro(1)], run: (ctx) => zrangeGeneric(ctx, 1, false, 'rank', 'reverse'),
    doc: { ...doc('Returns members by rank, highest score first.', '1.2.0', LOGN_M), docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `REV`' } },
  { name: 'zrevrangebylex', arity: -4, flags: ['readonly'], keySpecs: [ro(1)], run: (ctx) => zrangeGeneric(ctx, 1, false, 'lex', 'reverse'),
    doc: { ...doc('Returns members in a lexicographical range, in reverse.', '2.8.9', LOGN_M), docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `REV` and `BYLEX`' } },
  { name: 'zrevrangebyscore', arity: -4, flags: ['readonly'], keySpecs: [ro(1)], run: (ctx) => zrangeGeneric(ctx, 1, false, 'score', 'reverse'),
    doc: { ...doc('Returns members in a score range, highest first.', '2.2.0', LOGN_M), docFlags: ['deprecated'], deprecatedSince: '6.2.0', replacedBy: '`ZRANGE` with `REV` and `BYSCORE`' } },
  { name: 'zrevrank', arity: -3, flags: ['readonly', 'fast'], keySpecs: [ro(1)], run: (ctx) => zrank(ctx, true),
    doc: { ...doc('Returns the rank of a member, highest score first.', '2.0.0', 'O(log(N))'), history: [['7.2.0', 'WITHSCORE.']] } },
  { name: 'zscan', arity: -3, flags: ['readonly'], keySpecs: [ro(1)], tips: ['nondeterministic_output'], run: zscan,
    doc: doc('Iterates over members and scores.', '2.8.0', 'O(1) per call, O(N) for a complete iteration.') },
  { name: 'zscore', arity: 3, flags: ['readonly', 'fast'], keySpecs: [ro(1)], run: zscore,
    doc: doc('Returns the score of a member.', '1.2.0', 'O(1)') },
  { name: 'zunion', arity: -3, flags: ['readonly'], keySpecs: [keyNum(1, 'RO', 'access')], run: (ctx) => zsetOp(ctx, 'union', 1, null, false),
    doc: doc('Returns the union of sorted sets.', '6.2.0', 'O(N)+O(M*log(M))') },
  { name: 'zunionstore', arity: -4, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'OW', 'update'), keyNum(2, 'RO', 'access')],
    run: (ctx) => zsetOp(ctx, 'union', 2, ctx.arg(1), false), doc: doc('Stores the union of sorted sets in a key.', '2.0.0', 'O(N)+O(M*log(M))') },
];

export const sortedSetFamily = defineFamily('sorted-set', specs);
