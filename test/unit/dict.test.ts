// The Dict behind big hashes, sets and sorted sets: random operations against a Map model
// through growth and shrinking (so lookups, deletes and position moves run while two indexes
// are live), big indexes zeroed ahead of their growth, the downward position walk that SCAN
// relies on, and rehash by time budget.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { Dict } from '../../src/keyspace/types/dict.js';

/** A small deterministic PRNG so that a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('Dict', () => {
  it('matches a Map under random sets, deletes and position removals, across resizes', () => {
    const r = rng(7);
    const d = new Dict<number>(true);
    const m = new Map<string, number>();
    let sawRehash = false;
    for (let round = 0; round < 3; round++) {
      // Grow to ~20k, then shrink to a few hundred: both directions rehash incrementally.
      for (let i = 0; i < 30000; i++) {
        const k = `k:${Math.floor(r() * 20000)}`;
        const v = Math.floor(r() * 1000);
        assert.equal(d.set(k, v), !m.has(k));
        m.set(k, v);
        if (d.rehashing) sawRehash = true;
        if (i % 997 === 0) d.verify();
      }
      assert.equal(d.size, m.size);
      for (const [k, v] of m) assert.equal(d.get(k), v);
      while (m.size > 300) {
        if (r() < 0.5) {
          const k = `k:${Math.floor(r() * 20000)}`;
          assert.equal(d.delete(k) !== -1, m.delete(k));
        } else {
          const i = Math.floor(r() * d.size);
          const k = d.keyAt(i);
          assert.equal(d.valueAt(i), m.get(k));
          d.removeAt(i);
          m.delete(k);
        }
        if (m.size % 499 === 0) d.verify();
      }
      d.verify();
      assert.equal(d.size, m.size);
      for (const [k, v] of m) assert.equal(d.get(k), v);
      assert.equal(d.get('absent'), undefined);
    }
    assert.ok(sawRehash);
  });

  it('grows big indexes through one zeroed ahead, over dirty memory, and drops it on a shrink', (t) => {
    // The prepared index's memory as malloc may hand it out: dirty.
    const clean = Dict.unzeroed;
    Dict.unzeroed = (bytes) => {
      const b = new ArrayBuffer(bytes);
      new Uint8Array(b).fill(0xff);
      return b;
    };
    t.after(() => { Dict.unzeroed = clean; });
    const d = new Dict<number>(true);
    // Past 5/8 of 2^17 buckets the 2^18-bucket index is prepared; past 5/8 of 2^18 the 2^19 one.
    for (let i = 0; i < 300_000; i++) {
      assert.equal(d.set(`k${i}`, i), true);
      if (i % 20_011 === 0) d.verify();
    }
    d.verify();
    for (let i = 0; i < 300_000; i += 7) assert.equal(d.get(`k${i}`), i);
    assert.equal(d.get('k300000'), undefined);
    // Preparing, then shrinking far below: the prepared index is dropped, growth starts over.
    const e = new Dict(false);
    for (let i = 0; i < 70_000; i++) e.add(`m${i}`);
    for (let i = 0; i < 66_000; i++) e.delete(`m${i}`);
    e.rehashFor(1000);
    e.verify();
    for (let i = 100_000; i < 220_000; i++) e.add(`m${i}`);
    e.verify();
    assert.equal(e.size, 4000 + 120_000);
    assert.ok(e.has('m66000') && e.has('m219999') && !e.has('m0'));
  });

  it('sorted-set scores stay unboxed doubles even after string-valued dicts exist', () => {
    // V8's element kinds are only visible through natives syntax: ask a child node.
    const dict = new URL('../../src/keyspace/types/dict.js', import.meta.url).href;
    const zset = new URL('../../src/keyspace/types/zset.js', import.meta.url).href;
    const script = `
      const { Dict } = await import(${JSON.stringify(dict)});
      const { ZSetValue } = await import(${JSON.stringify(zset)});
      const h = new Dict(true);
      for (let i = 0; i < 10000; i++) h.set('f' + i, 'v' + i);
      const lim = { listpackEntries: 128, listpackValue: 64 };
      const z = ZSetValue.create(10000, 10, lim);
      for (let i = 0; i < 10000; i++) z.set('m' + i, i + 0.5, lim);
      const c = z.clone();
      for (let i = 10000; i < 20000; i++) c.set('m' + i, i + 0.5, lim);
      console.log(JSON.stringify([%HasDoubleElements(z.dict.vals[1]), %HasDoubleElements(c.dict.vals[4])]));`;
    const out = execFileSync(process.execPath, ['--allow-natives-syntax', '--input-type=module', '-e', script], { encoding: 'utf8' });
    assert.deepEqual(JSON.parse(out), [true, true]);
  });

  it('value-less dicts add and test membership', () => {
    const d = new Dict(false);
    for (let i = 0; i < 5000; i++) assert.equal(d.add(`m${i}`), true);
    assert.equal(d.add('m1'), false);
    assert.equal(d.size, 5000);
    assert.ok(d.has('m4999'));
    assert.ok(!d.has('m5000'));
    assert.deepEqual(d.keyList().slice(0, 3), ['m0', 'm1', 'm2']);
    d.verify();
  });

  it('a downward walk by position sees every key present throughout, despite removals', () => {
    const r = rng(11);
    const d = new Dict(false);
    for (let i = 0; i < 10000; i++) d.add(`m${i}`);
    const stay = new Set<string>();
    for (let i = 0; i < 10000; i += 3) stay.add(`m${i}`);
    const seen = new Set<string>();
    let hi = d.size;
    while (hi > 0) {
      for (let n = 0; n < 10 && hi > 0; n++) seen.add(d.keyAt(--hi));
      // Remove random members not in `stay` between steps, as a client would between calls.
      for (let n = 0; n < 5 && d.size > stay.size; n++) {
        const i = Math.floor(r() * d.size);
        if (!stay.has(d.keyAt(i))) d.removeAt(i);
      }
      if (hi > d.size) hi = d.size;
    }
    for (const k of stay) assert.ok(seen.has(k), k);
  });

  it('clone is independent, also mid-rehash; rehashFor finishes a rehash', () => {
    const d = new Dict<string>(true);
    let i = 0;
    while (!d.rehashing) d.set(`f${i}`, `v${i++}`);
    const c = d.clone();
    d.set('only-in-d', 'x');
    assert.equal(c.get('only-in-d'), undefined);
    c.verify();
    assert.equal(c.size, i);
    while (c.rehashing) c.rehashFor(1);
    c.verify();
    for (let j = 0; j < i; j++) assert.equal(c.get(`f${j}`), `v${j}`);
  });
});
