// HashValue on its own: both encodings against a Map model under a seeded random mix, the
// conversion rules, long fields (length prefixes past 255), and the scan guarantee.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { HashValue } from '../../src/keyspace/types/hash.js';

function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SMALL = { entries: 128, value: 64 };

function contents(h: HashValue): Map<string, string> {
  const [fs, vs] = h.entries();
  return new Map(fs.map((f, i) => [f, vs[i]!]));
}

describe('HashValue', () => {
  it('matches a Map under random operations, in both encodings', () => {
    for (const limits of [SMALL, { entries: 16, value: 8 }, { entries: 100000, value: 100000 }]) {
      const r = rng(limits.entries);
      const h = new HashValue();
      const model = new Map<string, string>();
      for (let step = 0; step < 3000; step++) {
        const f = 'f' + Math.floor(r() * 40) + (r() < 0.05 ? 'x'.repeat(300) : '');
        const k = r();
        if (k < 0.55) {
          const v = r() < 0.1 ? '' : 'v'.repeat(Math.floor(r() * 20));
          assert.equal(h.set(f, v, limits), !model.has(f));
          model.set(f, v);
        } else if (k < 0.85) {
          assert.equal(h.delete(f), model.delete(f));
        } else {
          assert.equal(h.get(f), model.get(f));
          assert.equal(h.has(f), model.has(f));
        }
        assert.equal(h.size, model.size);
      }
      assert.deepEqual(contents(h), model);
    }
  });
  it('keeps insertion order while packed, with binary and empty fields', () => {
    const h = new HashValue();
    const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
    const lim = { entries: 128, value: 1000 };
    h.set('b', '1', lim);
    h.set('', '', lim);
    h.set(bin, bin, lim);
    h.set('b', '2', lim);
    assert.equal(h.encoding(), 'listpack');
    assert.deepEqual(h.entries(), [['b', '', bin], ['2', '', bin]]);
    assert.equal(h.delete(''), true);
    assert.deepEqual(h.entries(), [['b', bin], ['2', bin]]);
  });
  it('converts on entries or value length, never back; prepare converts up front', () => {
    const h = new HashValue();
    for (let i = 0; i < 128; i++) h.set(`f${i}`, 'v', SMALL);
    assert.equal(h.encoding(), 'listpack');
    h.set('one-more', 'v', SMALL);
    assert.equal(h.encoding(), 'hashtable');
    for (let i = 0; i < 128; i++) h.delete(`f${i}`);
    assert.equal(h.encoding(), 'hashtable');
    const v = new HashValue();
    v.set('f', 'x'.repeat(65), SMALL);
    assert.equal(v.encoding(), 'hashtable');
    const p = new HashValue();
    p.prepare(129, SMALL);
    assert.equal(p.encoding(), 'hashtable');
  });
  it('clone is deep', () => {
    for (const lim of [SMALL, { entries: 0, value: 0 }]) {
      const h = new HashValue();
      h.set('a', '1', lim);
      const c = h.clone();
      c.set('b', '2', lim);
      c.set('a', '9', lim);
      assert.deepEqual(contents(h), new Map([['a', '1']]));
      assert.deepEqual(contents(c), new Map([['a', '9'], ['b', '2']]));
    }
  });
  it('scan returns every field present throughout, despite deletes and inserts', () => {
    const r = rng(99);
    const h = new HashValue();
    for (let i = 0; i < 2000; i++) h.set(`f${i}`, 'v', SMALL);
    const stable = new Set<string>();
    for (let i = 0; i < 2000; i += 3) stable.add(`f${i}`);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    do {
      const [next, fs] = h.scan(cursor, 25);
      for (const f of fs) seen.add(f);
      cursor = next;
      calls++;
      // Churn: delete non-stable fields and add new ones between calls.
      for (let k = 0; k < 20; k++) {
        const i = Math.floor(r() * 2000);
        if (i % 3 !== 0) h.delete(`f${i}`);
        h.set(`n${calls}-${k}`, 'v', SMALL);
      }
    } while (cursor !== 0);
    for (const f of stable) assert.ok(seen.has(f), f);
    assert.ok(calls > 50);
  });
});
