// The typed-array skiplist directly: order by (score, member bytes), ranks and spans after
// inserts, deletes and score updates against a sorted model, records reused from the free lists,
// -0 and infinite scores, score-bound searches, and growth past the first segment.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SkipList } from '../../src/keyspace/types/skiplist.js';

type Pair = [number, string];

function cmp(a: Pair, b: Pair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function contents(z: SkipList): Pair[] {
  const out: Pair[] = [];
  for (let n = z.first(); n !== 0; n = z.next(n)) out.push([z.scoreOf(n), z.eleOf(n)]);
  return out;
}

/** A small deterministic PRNG so that a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

describe('SkipList (typed-array records)', () => {
  it('orders equal scores by member bytes, latin1 included', () => {
    const z = new SkipList();
    for (const m of ['b', 'a', '\xff', 'ab', '', 'B']) z.insert(1, m);
    z.insert(0, 'zzz');
    z.insert(2, '');
    assert.deepEqual(contents(z), [[0, 'zzz'], [1, ''], [1, 'B'], [1, 'a'], [1, 'ab'], [1, 'b'], [1, '\xff'], [2, '']]);
    z.verify();
  });

  it('keeps -0, -inf and +inf scores; -0 ties with 0 and is ordered by member', () => {
    const z = new SkipList();
    z.insert(Infinity, 'i');
    z.insert(-Infinity, 'n');
    z.insert(-0, 'b');
    z.insert(0, 'a');
    z.insert(0, 'c');
    const c = contents(z);
    assert.deepEqual(c.map((p) => p[1]), ['n', 'a', 'b', 'c', 'i']);
    assert.ok(Object.is(c[2]![0], -0));
    assert.equal(z.rankOf(-0, 'b'), 3);
    assert.equal(z.rankOf(0, 'b'), 3);
    assert.equal(z.rankOf(Infinity, 'i'), 5);
    assert.equal(z.eleOf(z.byRank(1)), 'n');
    assert.ok(z.delete(-Infinity, 'n'));
    assert.ok(!z.delete(-Infinity, 'n'));
    z.verify();
    assert.equal(z.length, 4);
  });

  it('finds score bounds with their ranks', () => {
    const z = new SkipList();
    for (let i = 0; i < 300; i++) z.insert(Math.floor(i / 3), `m${i}`); // scores 0..99, three each
    let n = z.firstScore(10, false);
    assert.equal(z.scoreOf(n), 10);
    assert.equal(z.foundRank, 31);
    n = z.firstScore(10, true);
    assert.equal(z.scoreOf(n), 11);
    assert.equal(z.foundRank, 34);
    n = z.lastScore(10, false);
    assert.equal(z.scoreOf(n), 10);
    assert.equal(z.foundRank, 33);
    n = z.lastScore(10, true);
    assert.equal(z.scoreOf(n), 9);
    assert.equal(z.foundRank, 30);
    assert.equal(z.firstScore(100, false), 0);
    assert.equal(z.lastScore(0, true), 0);
    assert.equal(z.foundRank, 0);
    assert.equal(z.firstScore(-Infinity, false), z.first());
    assert.equal(z.lastScore(Infinity, false), z.tail);
    n = z.firstNotBelow((s, e) => s < 50 || (s === 50 && e < 'm151'));
    assert.equal(z.eleOf(n), 'm151');
    assert.equal(z.foundRank, 152);
    n = z.lastWithin((s) => s <= 0);
    assert.equal(z.eleOf(n), 'm2');
    assert.equal(z.foundRank, 3);
  });

  it('matches a sorted model under random inserts, deletes and score updates, across segments', () => {
    const rand = prng(7);
    const z = new SkipList();
    const ids = new Map<string, number>();
    const scores = new Map<string, number>();
    const N = 40_000; // records average ~4.7 slots: several 64 Ki-slot segments
    for (let i = 0; i < N; i++) {
      const m = `m${Math.floor(rand() * 60_000)}`;
      const op = rand();
      const s = Math.floor(rand() * 500) - 250; // many equal scores
      if (!ids.has(m)) {
        ids.set(m, z.insert(s, m));
        scores.set(m, s);
      } else if (op < 0.3) {
        assert.ok(z.delete(scores.get(m)!, m));
        ids.delete(m);
        scores.delete(m);
      } else if (op < 0.5) {
        const id = z.updateScore(ids.get(m)!, scores.get(m)!, s);
        ids.set(m, id);
        scores.set(m, s);
      }
    }
    z.verify();
    const model: Pair[] = [...scores].map(([m, s]) => [s, m] as Pair).sort(cmp);
    assert.deepEqual(contents(z), model);
    assert.equal(z.length, model.length);
    for (let k = 0; k < 500; k++) {
      const r = 1 + Math.floor(rand() * model.length);
      const [s, m] = model[r - 1]!;
      assert.equal(z.rankOf(s, m), r);
      assert.equal(z.byRank(r), ids.get(m));
      assert.equal(z.eleOf(ids.get(m)!), m);
    }
    assert.equal(z.byRank(0), 0);
    assert.equal(z.byRank(model.length + 1), 0);
    assert.equal(z.rankOf(1e9, 'absent'), 0);
    // Walk backward too.
    const back: string[] = [];
    for (let n = z.tail; n !== 0; n = z.prev(n)) back.push(z.eleOf(n));
    assert.deepEqual(back.reverse(), model.map((p) => p[1]));
  });

  it('reuses freed records and stays consistent when emptied and refilled', () => {
    const z = new SkipList();
    const seen: Set<number>[] = [];
    for (let round = 0; round < 3; round++) {
      const ids = new Set<number>();
      for (let i = 0; i < 5000; i++) ids.add(z.insert(i % 17, `k${i}`));
      seen.push(ids);
      z.verify();
      for (let i = 0; i < 5000; i += 2) assert.ok(z.delete(i % 17, `k${i}`));
      z.verify();
      for (let i = 1; i < 5000; i += 2) assert.ok(z.delete(i % 17, `k${i}`));
      assert.equal(z.length, 0);
      assert.equal(z.first(), 0);
      assert.equal(z.tail, 0);
      assert.equal(z.level, 1);
      z.verify();
    }
    // Records come back from the free lists of their level: later rounds mostly reuse the ids
    // of the first (a level drawn more often than before needs a few fresh records).
    let reused = 0;
    for (const id of seen[2]!) if (seen[0]!.has(id)) reused++;
    assert.ok(reused > 4500, `reused ${reused} of 5000`);
  });

  it('updates a score in place while the order holds, else moves the node', () => {
    const z = new SkipList();
    const ids = Array.from({ length: 1000 }, (_, i) => z.insert(i * 10, `m${i}`));
    // 500 → 505 keeps m50 between m49 (490) and m51 (510): same record, new score.
    assert.equal(z.updateScore(ids[50]!, 500, 505), ids[50]);
    assert.equal(z.scoreOf(ids[50]!), 505);
    // A tie with the next node's score still sorts before it by member ('m50' < 'm51').
    assert.equal(z.updateScore(ids[50]!, 505, 510), ids[50]);
    z.verify();
    // Past its neighbours: relinked elsewhere, with its rank.
    const moved = z.updateScore(ids[50]!, 510, 9999);
    assert.equal(z.eleOf(moved), 'm50');
    assert.equal(z.rankOf(9999, 'm50'), 1000);
    assert.equal(z.eleOf(z.tail), 'm50');
    const back = z.updateScore(moved, 9999, -1);
    assert.equal(z.rankOf(-1, 'm50'), 1);
    assert.equal(z.first(), back);
    z.verify();
    assert.equal(z.length, 1000);
  });

  it('levels: every node has at least one, and some have more', () => {
    const z = new SkipList();
    const ids: number[] = [];
    for (let i = 0; i < 2000; i++) ids.push(z.insert(i, 'm'));
    const levels = ids.map((id) => z.levelOf(id));
    assert.ok(levels.every((l) => l >= 1 && l <= 32));
    const high = levels.filter((l) => l > 1).length;
    // p = 1/4: about 500 of 2000; a generous window.
    assert.ok(high > 300 && high < 700, `nodes above level 1: ${high}`);
  });
});
