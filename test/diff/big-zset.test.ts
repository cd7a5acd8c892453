// Sorted sets too big for the fuzzer's small keyspace, against the real redis-server: a few
// thousand members (over a hundred B+tree leaves under two inner levels), then seeded random
// writes (ZADD with its flags, ZINCRBY, ZREM, pops, rank and score range removals) with rank,
// score and range reads after each, and a drain that shrinks it to nothing through merges and
// borrows. Replies are compared as the fuzzer compares them (same-replies.ts).

import { describe, it } from 'node:test';
import { Rng } from './fuzz-grammar.js';
import type { Argv } from './runner.js';
import { pairSteps } from './same-replies.js';

const same = pairSteps();

/** Scores with ties (small integers), halves, and now and then an infinity or a long fraction. */
function score(r: Rng): string {
  const x = r.int(100);
  if (x < 60) return String(r.int(2000));
  if (x < 85) return String(r.int(4000) / 2 - 500);
  if (x < 95) return String(r.int(1e9) / 7);
  return r.pick(['inf', '-inf', '-0', '0']);
}

function member(r: Rng, space: number): string {
  return `m:${r.int(space)}`;
}

function bound(r: Rng): string {
  const b = r.pick(['', '', '', '(', '-inf', '+inf']);
  if (b === '-inf' || b === '+inf') return b;
  return b + String(r.int(2200) - 100);
}

describe('large sorted sets against redis-server', () => {
  it('random writes and reads on a set of a few thousand members, then a drain', async () => {
    const r = new Rng(20261122);
    const log: string[] = [];
    const space = 6000;
    for (let i = 0; i < space; i += 100) {
      const args: Argv = ['ZADD', 'z'];
      for (let k = i; k < i + 100; k++) args.push(score(r), `m:${k}`);
      await same(args, log);
    }
    await same(['OBJECT', 'ENCODING', 'z'], log);
    for (let step = 0; step < 1500; step++) {
      const op = r.int(20);
      switch (op) {
        case 0: case 1: case 2:
          await same(['ZADD', 'z', ...r.pick([[], ['CH'], ['GT', 'CH'], ['LT'], ['XX'], ['NX']]), score(r), member(r, space * 1.2)], log);
          break;
        case 3:
          await same(['ZADD', 'z', 'INCR', score(r), member(r, space)], log);
          break;
        case 4:
          await same(['ZINCRBY', 'z', String(r.int(100) - 50), member(r, space)], log);
          break;
        case 5:
          await same(['ZREM', 'z', member(r, space), member(r, space), member(r, space)], log);
          break;
        case 6:
          await same([r.pick(['ZPOPMIN', 'ZPOPMAX']), 'z', String(1 + r.int(5))], log);
          break;
        case 7: {
          const a = r.int(5000) - 2500;
          await same(['ZREMRANGEBYRANK', 'z', String(a), String(a + r.int(20))], log);
          break;
        }
        case 8:
          await same(['ZREMRANGEBYSCORE', 'z', bound(r), bound(r)], log);
          break;
        case 9: case 10: {
          const m = member(r, space);
          await same([r.pick(['ZRANK', 'ZREVRANK']), 'z', m], log);
          await same(['ZSCORE', 'z', m], log);
          break;
        }
        case 11: case 12: {
          const a = r.int(7000) - 3500;
          await same(['ZRANGE', 'z', String(a), String(a + r.int(30)), ...r.pick([[], ['REV'], ['WITHSCORES']])], log);
          break;
        }
        case 13: case 14:
          await same(['ZRANGEBYSCORE', 'z', bound(r), bound(r), 'WITHSCORES', 'LIMIT', String(r.int(20)), String(r.int(15))], log);
          break;
        case 15:
          await same(['ZREVRANGEBYSCORE', 'z', bound(r), bound(r), 'LIMIT', String(r.int(20)), String(r.int(15))], log);
          break;
        case 16:
          await same(['ZCOUNT', 'z', bound(r), bound(r)], log);
          break;
        case 17:
          await same(['ZCARD', 'z'], log);
          break;
        case 18:
          await same(['ZRANGESTORE', 'dst', 'z', bound(r), bound(r), 'BYSCORE', 'LIMIT', '0', String(r.int(300))], log);
          await same(['ZRANGE', 'dst', '0', '-1', 'WITHSCORES'], log);
          break;
        default:
          await same(['ZMSCORE', 'z', member(r, space), member(r, space)], log);
      }
    }
    await same(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], log);
    // Drain: big rank ranges and pops shrink it through every merge and borrow, down to nothing.
    for (let round = 0; round < 100; round++) {
      if ((await same(['ZCARD', 'z'], log)) === ':0\r\n') break;
      const a = r.int(3000);
      await same(r.chance(0.5) ? ['ZREMRANGEBYRANK', 'z', String(a), String(a + r.int(400))] : ['ZPOPMIN', 'z', String(1 + r.int(200))], log);
      await same(['ZRANGE', 'z', String(r.int(50)), String(r.int(50) + 40), 'WITHSCORES'], log);
      await same(['ZRANK', 'z', member(r, space)], log);
    }
    await same(['ZRANGE', 'z', '0', '-1', 'WITHSCORES'], log);
    await same(['EXISTS', 'z'], log);
  });

  it('lex ranges over a few thousand members of equal score', async () => {
    const r = new Rng(7);
    const log: string[] = [];
    const word = () => Array.from({ length: 1 + r.int(4) }, () => String.fromCharCode(97 + r.int(6))).join('');
    for (let i = 0; i < 40; i++) {
      const args: Argv = ['ZADD', 'lx'];
      for (let k = 0; k < 100; k++) args.push('0', word());
      await same(args, log);
    }
    const lb = () => r.pick(['-', '+', `[${word()}`, `(${word()}`]);
    for (let step = 0; step < 400; step++) {
      const op = r.int(5);
      if (op === 0) await same(['ZRANGEBYLEX', 'lx', lb(), lb(), 'LIMIT', String(r.int(10)), String(r.int(30))], log);
      else if (op === 1) await same(['ZLEXCOUNT', 'lx', lb(), lb()], log);
      else if (op === 2) await same(['ZREVRANGEBYLEX', 'lx', lb(), lb(), 'LIMIT', '0', String(r.int(30))], log);
      else if (op === 3) await same(['ZREMRANGEBYLEX', 'lx', lb(), lb()], log);
      else await same(['ZADD', 'lx', '0', word()], log);
    }
    await same(['ZRANGE', 'lx', '0', '-1'], log);
  });
});
