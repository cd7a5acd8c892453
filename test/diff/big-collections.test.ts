// Hashes and sets too big for the fuzzer's small keyspace, against the real redis-server: each
// grows past 100k entries in bulk commands (its dict index past 2^17 buckets, where the next
// index is prepared ahead of the growth), takes seeded random writes and reads, shrinks to a few
// hundred entries (a shrinking rehash) and grows again. Replies are compared as the fuzzer
// compares them (same-replies.ts: unordered replies sorted, random picks by shape, SCANs by what
// a full iteration returns).

import { describe, it } from 'node:test';
import { Rng } from './fuzz-grammar.js';
import type { Argv } from './runner.js';
import { pairSteps } from './same-replies.js';

const same = pairSteps();

/** Adds fields or members lo..hi-1 in commands of 500. */
async function bulk(cmd: 'HSET' | 'SADD', key: string, lo: number, hi: number, log: string[]): Promise<void> {
  for (let i = lo; i < hi; i += 500) {
    const args: Argv = [cmd, key];
    for (let k = i; k < Math.min(hi, i + 500); k++) {
      if (cmd === 'HSET') args.push(`f:${k}`, `v:${k}`);
      else args.push(`m:${k}`);
    }
    await same(args, log);
  }
}

/** Removes entries prefix0..prefix129999 but every keepEvery-th, in commands of 1000. */
async function removeMost(cmd: 'HDEL' | 'SREM', key: string, prefix: string, keepEvery: number, log: string[]): Promise<void> {
  for (let i = 0; i < 130_000; i += 1000) {
    const args: Argv = [cmd, key];
    for (let k = i; k < i + 1000; k++) if (k % keepEvery !== 0) args.push(`${prefix}${k}`);
    await same(args, log);
  }
}

describe('large hashes and sets against redis-server', () => {
  it('a hash grown past 100k fields, changed at random, shrunk and grown again', async () => {
    const r = new Rng(11);
    const log: string[] = [];
    const f = () => `f:${r.int(130_000)}`;
    await bulk('HSET', 'h', 0, 110_000, log);
    for (let step = 0; step < 600; step++) {
      const op = r.int(9);
      if (op === 0) await same(['HSET', 'h', f(), `w:${r.int(1000)}`, f(), 'x'], log);
      else if (op === 1) await same(['HDEL', 'h', f(), f(), f()], log);
      else if (op === 2) await same(['HGET', 'h', f()], log);
      else if (op === 3) await same(['HMGET', 'h', f(), f(), 'nope'], log);
      else if (op === 4) await same(['HEXISTS', 'h', f()], log);
      else if (op === 5) await same(['HSTRLEN', 'h', f()], log);
      else if (op === 6) await same(['HINCRBY', 'h', `n:${r.int(50)}`, String(r.int(100) - 50)], log);
      else if (op === 7) await same(['HSETNX', 'h', f(), 'nx'], log);
      else await same(['HLEN', 'h'], log);
    }
    await same(['HLEN', 'h'], log);
    await same(['HRANDFIELD', 'h', '5', 'WITHVALUES'], log);
    // Shrink to a few hundred: the index shrinks by an incremental rehash.
    await removeMost('HDEL', 'h', 'f:', 500, log);
    await same(['HGETALL', 'h'], log);
    await same(['HSCAN', 'h', '0', 'COUNT', '50'], log);
    // And grow again past the prepared size.
    await bulk('HSET', 'h', 200_000, 300_000, log);
    await same(['HLEN', 'h'], log);
    for (let step = 0; step < 200; step++) await same(['HGET', 'h', `f:${200_000 + r.int(110_000)}`], log);
    await same(['HKEYS', 'h'], log);
  });

  it('a set grown past 100k members, changed at random, shrunk and grown again', async () => {
    const r = new Rng(12);
    const log: string[] = [];
    const m = () => `m:${r.int(130_000)}`;
    await bulk('SADD', 's', 0, 110_000, log);
    await bulk('SADD', 't', 50_000, 60_000, log);
    for (let step = 0; step < 600; step++) {
      const op = r.int(8);
      if (op === 0) await same(['SADD', 's', m(), m()], log);
      else if (op === 1) await same(['SREM', 's', m(), m(), m()], log);
      else if (op === 2) await same(['SISMEMBER', 's', m()], log);
      else if (op === 3) await same(['SMISMEMBER', 's', m(), m(), 'nope'], log);
      else if (op === 4) await same(['SINTERCARD', '2', 's', 't', 'LIMIT', String(r.int(3000))], log);
      else if (op === 5) await same(['SMOVE', 's', 't', m()], log);
      else if (op === 6) await same(['SRANDMEMBER', 's', String(r.int(10) - 5)], log);
      else await same(['SCARD', 's'], log);
    }
    await same(['SINTER', 's', 't'], log);
    await same(['SCARD', 't'], log);
    await removeMost('SREM', 's', 'm:', 400, log);
    await same(['SMEMBERS', 's'], log);
    await same(['SSCAN', 's', '0', 'COUNT', '30'], log);
    await bulk('SADD', 's', 200_000, 300_000, log);
    await same(['SCARD', 's'], log);
    await same(['SDIFF', 't', 's'], log);
    for (let step = 0; step < 200; step++) await same(['SISMEMBER', 's', `m:${200_000 + r.int(110_000)}`], log);
  });
});
