// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD. Inputs may be sorted sets or plain
// sets (whose members score 1). Redis's arithmetic is kept exactly: inputs are visited from the
// smallest, weight * score that is NaN (0 * inf) counts as 0, and a SUM that gives NaN is 0.

import type { Ctx } from '../../exec/context.js';
import type { SetValue } from '../../keyspace/types/set.js';
import type { ZSetValue } from '../../keyspace/types/zset.js';
import { typeName } from '../../keyspace/value.js';
import { Err } from '../../resp/errors.js';
import { parseInt64 } from '../../util/numbers.js';
import { beginPairs, pair, strictDouble } from './parse.js';
import { storeZset } from './range.js';

type Op = 'union' | 'inter' | 'diff';
type Aggregate = 'sum' | 'min' | 'max';

/** One input: a sorted set, a set, or nothing (a missing key). */
interface Source {
  z: ZSetValue | null;
  s: SetValue | null;
  weight: number;
  size: number;
}

function scoreIn(src: Source, m: string): number | undefined {
  if (src.z !== null) return src.z.score(m);
  if (src.s !== null) return src.s.has(m) ? 1 : undefined;
  return undefined;
}

function forEach(src: Source, emit: (m: string, s: number) => void): void {
  if (src.z !== null) src.z.forEach(emit);
  else if (src.s !== null) for (let i = 0; i < src.s.size; i++) emit(src.s.at(i), 1);
}

/** Both inputs are the same stored value (a key given twice). */
function same(a: Source, b: Source): boolean {
  const x = a.z ?? a.s;
  return x !== null && x === (b.z ?? b.s);
}

function entriesOf(src: Source): { members: string[]; scores: number[] } {
  if (src.z !== null) return src.z.entries();
  if (src.s !== null) return { members: src.s.members(), scores: new Array<number>(src.s.size).fill(1) };
  return { members: [], scores: [] };
}

function aggregate(acc: number, v: number, how: Aggregate): number {
  if (how === 'sum') {
    const r = acc + v;
    return Number.isNaN(r) ? 0 : r;
  }
  return how === 'min' ? (v < acc ? v : acc) : v > acc ? v : acc;
}

/**
 * The shared body. numkeysIdx is where numkeys sits; dst is the destination key for the STORE
 * forms; cardOnly is ZINTERCARD.
 */
export function zsetOp(ctx: Ctx, op: Op, numkeysIdx: number, dst: string | null, cardOnly: boolean): void {
  const nk = parseInt64(ctx.arg(numkeysIdx));
  if (nk === null) throw Err.notInteger();
  if (nk < 1) throw Err.needInputKey(ctx.cmd.fullName);
  if (nk > ctx.argc - numkeysIdx - 1) throw Err.syntax();
  const n = Number(nk);
  const srcs: Source[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < n; i++, j++) {
    const v = ctx.db.lookupRead(ctx.arg(j));
    const src: Source = { z: null, s: null, weight: 1, size: 0 };
    if (v !== undefined) {
      const t = typeName(v);
      if (t === 'zset') src.z = v as ZSetValue;
      else if (t === 'set') src.s = v as SetValue;
      else throw Err.wrongType();
      src.size = (v as ZSetValue | SetValue).size;
    }
    srcs.push(src);
  }
  let how: Aggregate = 'sum';
  let withScores = false;
  let limit = 0;
  while (j < ctx.argc) {
    const remaining = ctx.argc - j;
    if (op !== 'diff' && !cardOnly && remaining > n && ctx.is(j, 'WEIGHTS')) {
      j++;
      for (let i = 0; i < n; i++, j++) {
        const w = strictDouble(ctx.arg(j));
        if (w === null) throw Err.weightNotFloat();
        srcs[i]!.weight = w;
      }
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && ctx.is(j, 'AGGREGATE')) {
      if (ctx.is(j + 1, 'SUM')) how = 'sum';
      else if (ctx.is(j + 1, 'MIN')) how = 'min';
      else if (ctx.is(j + 1, 'MAX')) how = 'max';
      else throw Err.syntax();
      j += 2;
    } else if (dst === null && !cardOnly && ctx.is(j, 'WITHSCORES')) {
      withScores = true;
      j++;
    } else if (cardOnly && remaining >= 2 && ctx.is(j, 'LIMIT')) {
      const l = parseInt64(ctx.arg(j + 1));
      if (l === null || l < 0) throw Err.limitNegative();
      limit = Number(l);
      j += 2;
    } else {
      throw Err.syntax();
    }
  }

  // Smallest first (the first input stays first for a difference).
  const order = op === 'diff' ? [srcs[0]!, ...srcs.slice(1).sort((a, b) => b.size - a.size)] : srcs.slice().sort((a, b) => a.size - b.size);
  const result = new Map<string, number>();
  if (op === 'union') {
    for (const src of order) {
      if (src.size === 0) continue;
      const w = src.weight;
      forEach(src, (m, s) => {
        let v = w * s;
        if (Number.isNaN(v)) v = 0;
        const cur = result.get(m);
        result.set(m, cur === undefined ? v : aggregate(cur, v, how));
      });
    }
  } else if (op === 'inter') {
    const head = order[0]!;
    const { members: hm, scores: hs } = entriesOf(head);
    let count = 0;
    for (let i = 0; i < hm.length; i++) {
      const m = hm[i]!;
      let v = head.weight * hs[i]!;
      if (Number.isNaN(v)) v = 0;
      let k = 1;
      for (; k < order.length; k++) {
        const other = order[k]!;
        const os = same(other, head) ? hs[i]! : scoreIn(other, m);
        if (os === undefined) break;
        v = aggregate(v, os * other.weight, how);
      }
      if (k < order.length) continue;
      if (!cardOnly) result.set(m, v);
      else if (++count === limit) break;
    }
    if (cardOnly) return ctx.reply.integer(count);
  } else {
    const head = order[0]!;
    forEach(head, (m, s) => {
      for (let k = 1; k < order.length; k++) {
        const other = order[k]!;
        if (other.size > 0 && (same(other, head) || scoreIn(other, m) !== undefined)) return;
      }
      result.set(m, s);
    });
  }

  const members = [...result.keys()];
  const scores = new Map(result);
  members.sort((a, b) => {
    const sa = scores.get(a)!;
    const sb = scores.get(b)!;
    return sa < sb ? -1 : sa > sb ? 1 : a < b ? -1 : a > b ? 1 : 0;
  });
  const sorted = members.map((m) => scores.get(m)!);
  if (dst !== null) {
    storeZset(ctx, dst, members, sorted, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore');
    return;
  }
  beginPairs(ctx, members.length, withScores);
  for (let i = 0; i < members.length; i++) pair(ctx, members[i]!, sorted[i]!, withScores);
}
