// The sorted set's B+tree directly: order by (score, member bytes), ranks from subtree counts
// after inserts, deletes and score updates against a sorted model (deep enough for three inner
// levels, and emptied far enough to merge and borrow at every level), -0 and infinite scores,
// score and predicate searches with their ranks, cursors both ways, full leaves for ordered
// loads, and records reused after deletes.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ScoreTree } from '../../src/keyspace/types/score-tree.js';

type Pair = [number, string];

function cmp(a: Pair, b: Pair): number {
  if (a[0] !== b[0]) return a[0] < b[0] ? -1 : 1;
  return a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0;
}

function contents(z: ScoreTree): Pair[] {
  const out: Pair[] = [];
  for (let c = z.first(); c !== 0; c = z.next(c)) out.push([z.scoreOf(c), z.eleOf(c)]);
  return out;
}

function backward(z: ScoreTree): string[] {
  const out: string[] = [];
  for (let c = z.last(); c !== 0; c = z.prev(c)) out.push(z.eleOf(c));
  return out.reverse();
}

/** A small deterministic PRNG so that a failure reproduces. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Applies random operations to the tree and a model map; checks ranks and order at the end. */
function randomRun(seed: number, steps: number, members: number, scores: number, pDelete: number, pUpdate: number): void {
  const rand = prng(seed);
  const z = new ScoreTree();
  const model = new Map<string, number>();
  for (let i = 0; i < steps; i++) {
    const m = `m${Math.floor(rand() * members)}`;
    const op = rand();
    const s = Math.floor(rand() * scores) - scores / 2;
    const cur = model.get(m);
    if (cur === undefined) {
      z.insert(s, m);
      model.set(m, s);
    } else if (op < pDelete) {
      assert.ok(z.delete(cur, m));
      model.delete(m);
    } else if (op < pDelete + pUpdate) {
      z.updateScore(cur, m, s);
      model.set(m, s);
    }
  }
  z.verify();
  const sorted: Pair[] = [...model].map(([m, s]) => [s, m] as Pair).sort(cmp);
  assert.deepEqual(contents(z), sorted);
  assert.deepEqual(backward(z), sorted.map((p) => p[1]));
  assert.equal(z.length, sorted.length);
  for (let k = 0; k < 300 && sorted.length > 0; k++) {
    const r = 1 + Math.floor(rand() * sorted.length);
    const [s, m] = sorted[r - 1]!;
    assert.equal(z.rankOf(s, m), r);
    const c = z.byRank(r);
    assert.equal(z.eleOf(c), m);
    assert.equal(z.scoreOf(c), s);
  }
  assert.equal(z.byRank(0), 0);
  assert.equal(z.byRank(sorted.length + 1), 0);
  assert.equal(z.rankOf(1e9, 'absent'), 0);
}

describe('ScoreTree (B+tree with subtree counts)', () => {
  it('orders equal scores by member bytes, latin1 included', () => {
    const z = new ScoreTree();
    for (const m of ['b', 'a', '\xff', 'ab', '', 'B']) z.insert(1, m);
    z.insert(0, 'zzz');
    z.insert(2, '');
    assert.deepEqual(contents(z), [[0, 'zzz'], [1, ''], [1, 'B'], [1, 'a'], [1, 'ab'], [1, 'b'], [1, '\xff'], [2, '']]);
    z.verify();
  });

  it('keeps -0, -inf and +inf scores; -0 ties with 0 and is ordered by member', () => {
    const z = new ScoreTree();
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

  it('finds score bounds and predicate bounds with their ranks, across leaves', () => {
    const z = new ScoreTree();
    for (let i = 0; i < 3000; i++) z.insert(Math.floor(i / 3), `m${String(i).padStart(4, '0')}`); // scores 0..999, three each
    z.verify();
    let c = z.firstScore(10, false);
    assert.equal(z.scoreOf(c), 10);
    assert.equal(z.foundRank, 31);
    c = z.firstScore(10, true);
    assert.equal(z.scoreOf(c), 11);
    assert.equal(z.foundRank, 34);
    c = z.lastScore(10, false);
    assert.equal(z.scoreOf(c), 10);
    assert.equal(z.foundRank, 33);
    c = z.lastScore(10, true);
    assert.equal(z.scoreOf(c), 9);
    assert.equal(z.foundRank, 30);
    assert.equal(z.firstScore(1000, false), 0);
    assert.equal(z.firstScore(999, true), 0);
    assert.equal(z.lastScore(0, true), 0);
    assert.equal(z.foundRank, 0);
    assert.equal(z.firstScore(-Infinity, false), z.first());
    assert.equal(z.lastScore(Infinity, false), z.last());
    assert.equal(z.foundRank, 3000);
    // Every score bound agrees with a linear count, whichever leaf boundary it falls on.
    for (let b = -1; b <= 1000; b += 7) {
      const below = Math.max(0, Math.min(3000, 3 * Math.ceil(b)));
      z.firstScore(b, false);
      assert.equal(z.foundRank, below + 1, `firstScore ${b}`);
      z.lastScore(b, false);
      assert.equal(z.foundRank, Math.max(0, Math.min(3000, 3 * (b + 1))), `lastScore ${b}`);
    }
    c = z.firstNotBelow((s, e) => s < 500 || (s === 500 && e < 'm1501'));
    assert.equal(z.eleOf(c), 'm1501');
    assert.equal(z.foundRank, 1502);
    c = z.lastWithin((s) => s <= 0);
    assert.equal(z.eleOf(c), 'm0002');
    assert.equal(z.foundRank, 3);
    assert.equal(z.firstNotBelow(() => true), 0);
    assert.equal(z.lastWithin(() => false), 0);
  });

  it('matches a sorted model under random inserts, deletes and score updates (many equal scores)', () => {
    randomRun(7, 60_000, 50_000, 500, 0.3, 0.2);
  });

  it('matches a sorted model three inner levels deep, with distinct random scores', () => {
    const z = new ScoreTree();
    const rand = prng(11);
    for (let i = 0; i < 200_000; i++) z.insert(rand(), `k${i}`);
    assert.ok(z.stats().height >= 3, `height ${z.stats().height}`);
    z.verify();
    randomRun(12, 250_000, 200_000, 1e9, 0.2, 0.3);
  });

  it('merges and borrows at every level while emptying, and collapses to one leaf', () => {
    const z = new ScoreTree();
    const rand = prng(3);
    const live: Pair[] = [];
    for (let i = 0; i < 150_000; i++) {
      const p: Pair = [Math.floor(rand() * 1e6), `e${i}`];
      z.insert(p[0], p[1]);
      live.push(p);
    }
    assert.ok(z.stats().height >= 2);
    // Delete in random order, checking the structure as it shrinks.
    for (let i = live.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [live[i], live[j]] = [live[j]!, live[i]!];
    }
    for (let i = 0; i < live.length; i++) {
      assert.ok(z.delete(live[i]![0], live[i]![1]));
      if (i % 25_000 === 0 || live.length - i < 200) z.verify();
    }
    assert.equal(z.length, 0);
    assert.equal(z.first(), 0);
    assert.equal(z.last(), 0);
    assert.deepEqual([z.stats().height, z.stats().leaves], [0, 1]);
  });

  it('deletes runs of ranks, from the front and the middle', () => {
    const z = new ScoreTree();
    for (let i = 0; i < 10_000; i++) z.insert(i, `m${i}`);
    const gone: string[] = [];
    z.deleteRanks(1, 100, (m) => gone.push(m));
    assert.deepEqual(gone.slice(0, 3), ['m0', 'm1', 'm2']);
    assert.equal(gone.length, 100);
    z.deleteRanks(4001, 3000, () => {});
    z.verify();
    assert.equal(z.length, 6900);
    // Past the end: only what is there goes.
    z.deleteRanks(7000, 5, () => {});
    z.deleteRanks(6899, 10, () => {});
    z.verify();
    assert.equal(z.length, 6898);
    z.insert(20000, 'back');
    z.insert(20001, 'back2');
    assert.equal(z.eleOf(z.byRank(4000)), 'm4099');
    assert.equal(z.eleOf(z.byRank(4001)), 'm7100');
    // Random runs against a model, down to nothing.
    const rand = prng(5);
    const model = contents(z).map((p) => p[1]);
    while (model.length > 0) {
      const at = 1 + Math.floor(rand() * model.length);
      const n = Math.min(model.length - at + 1, 1 + Math.floor(rand() * 700));
      const out: string[] = [];
      z.deleteRanks(at, n, (m) => out.push(m));
      assert.deepEqual(out, model.splice(at - 1, n));
      z.verify();
      assert.deepEqual(contents(z).map((p) => p[1]), model);
    }
    assert.equal(z.length, 0);
  });

  it('ordered loads fill their leaves (ascending and descending)', () => {
    const up = new ScoreTree();
    for (let i = 0; i < 64 * 100; i++) up.insert(i, 'm');
    up.verify();
    assert.equal(up.stats().leaves, 100);
    // One more starts a leaf of its own at the right end; deleting it merges it back.
    up.insert(1e9, 'm');
    up.verify();
    assert.equal(up.stats().leaves, 101);
    up.delete(1e9, 'm');
    up.verify();
    assert.equal(up.stats().leaves, 100);
    const down = new ScoreTree();
    for (let i = 64 * 100; i > 0; i--) down.insert(i, 'm');
    down.verify();
    assert.equal(down.stats().leaves, 100);
    assert.deepEqual(contents(down).slice(0, 2), [[1, 'm'], [2, 'm']]);
  });

  it('reuses freed records when emptied and refilled', () => {
    const z = new ScoreTree();
    let first = { leafRecords: 0, innerRecords: 0 };
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 20_000; i++) z.insert(i % 17, `k${i}`);
      z.verify();
      if (round === 0) first = z.stats();
      for (let i = 0; i < 20_000; i += 2) assert.ok(z.delete(i % 17, `k${i}`));
      z.verify();
      for (let i = 1; i < 20_000; i += 2) assert.ok(z.delete(i % 17, `k${i}`));
      assert.equal(z.length, 0);
      z.verify();
    }
    const s = z.stats();
    assert.ok(s.leafRecords <= first.leafRecords + 2, `leaf records ${first.leafRecords} → ${s.leafRecords}`);
    assert.ok(s.innerRecords <= first.innerRecords + 2, `inner records ${first.innerRecords} → ${s.innerRecords}`);
  });

  it('updates a score in place while the order holds inside its leaf, else moves the entry', () => {
    const z = new ScoreTree();
    for (let i = 0; i < 1000; i++) z.insert(i * 10, `m${i}`);
    z.updateScore(500, 'm50', 505);
    assert.equal(z.rankOf(505, 'm50'), 51);
    // A tie with the next entry's score still sorts before it by member ('m50' < 'm51').
    z.updateScore(505, 'm50', 510);
    assert.equal(z.rankOf(510, 'm50'), 51);
    z.verify();
    z.updateScore(510, 'm50', 9999);
    assert.equal(z.rankOf(9999, 'm50'), 1000);
    assert.equal(z.eleOf(z.last()), 'm50');
    z.updateScore(9999, 'm50', -1);
    assert.equal(z.rankOf(-1, 'm50'), 1);
    assert.equal(z.eleOf(z.first()), 'm50');
    assert.throws(() => z.updateScore(1, 'absent', 2));
    z.verify();
    assert.equal(z.length, 1000);
  });
});
