// ListValue on its own: operations against a plain array model under a seeded random mix,
// for count and byte fills, plus Redis 7.2's encoding rules and listpack entry sizes.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { ListValue, lpEntryBytes } from '../../src/keyspace/types/list.js';

/** A small deterministic PRNG (mulberry32) so failures replay. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('lpEntryBytes', () => {
  it('sizes integers and strings as listpack does', () => {
    assert.equal(lpEntryBytes('5'), 2);
    assert.equal(lpEntryBytes('127'), 2);
    assert.equal(lpEntryBytes('128'), 3);
    assert.equal(lpEntryBytes('-4096'), 3);
    assert.equal(lpEntryBytes('32767'), 4);
    assert.equal(lpEntryBytes('8388607'), 5);
    assert.equal(lpEntryBytes('2147483647'), 6);
    assert.equal(lpEntryBytes('9223372036854775807'), 10);
    assert.equal(lpEntryBytes('007'), 5); // not canonical: a string
    assert.equal(lpEntryBytes(''), 2);
    assert.equal(lpEntryBytes('a'.repeat(63)), 65);
    assert.equal(lpEntryBytes('a'.repeat(64)), 67);
    assert.equal(lpEntryBytes('a'.repeat(4096)), 4096 + 5 + 2);
  });
});

describe('encodings', () => {
  it('byte fill: quicklist past 8kb, back to listpack at half', () => {
    const l = new ListValue();
    const el = 'x'.repeat(100);
    for (let i = 0; i < 79; i++) l.pushOne(el, 'tail', -2);
    assert.equal(l.encoding(), 'listpack');
    l.push(new Array<string>(2).fill(el), 0, 'tail', -2);
    assert.equal(l.encoding(), 'quicklist');
    // Popping from the head leaves two nodes: still a quicklist.
    l.pop('head', -2);
    assert.equal(l.encoding(), 'quicklist');
    // From the tail the small node goes; one node of 40 x 103 bytes is still above half of 8kb.
    while (l.length > 40) l.pop('tail', -2);
    assert.equal(l.encoding(), 'quicklist');
    l.pop('tail', -2);
    assert.equal(l.encoding(), 'listpack');
    assert.equal(l.validate(-2), null);
  });
  it('an element larger than the node limit gets a plain node', () => {
    const l = new ListValue();
    l.push(['a', 'y'.repeat(9000), 'b'], 0, 'tail', -2);
    assert.equal(l.encoding(), 'quicklist');
    assert.equal(l.nodeCount, 3);
    l.pop('head', -2);
    l.pop('tail', -2);
    // A single plain node never goes back to listpack.
    assert.equal(l.encoding(), 'quicklist');
    assert.equal(l.validate(-2), null);
  });
  it('clone is deep', () => {
    const l = new ListValue();
    l.push(['a', 'b'], 0, 'tail', -2);
    const c = l.clone();
    c.pushOne('c', 'tail', -2);
    assert.deepEqual(l.toArray(), ['a', 'b']);
    assert.deepEqual(c.toArray(), ['a', 'b', 'c']);
  });
});

function fuzz(fill: number, seed: number, steps: number): void {
  const r = rng(seed);
  const l = new ListValue();
  let model: string[] = [];
  const pick = (): string => {
    const k = r();
    if (k < 0.4) return String(Math.floor(r() * 300) - 100);
    if (k < 0.85) return 'e' + Math.floor(r() * 50);
    // Bytes a packed node's length prefixes use (255 starts a long prefix) inside elements.
    if (k < 0.9) return String.fromCharCode(255, Math.floor(r() * 256), 0) + 'x'.repeat(Math.floor(r() * 300));
    return 'L'.repeat(Math.floor(r() * 12000));
  };
  for (let step = 0; step < steps; step++) {
    const op = Math.floor(r() * 9);
    const n = model.length;
    switch (op) {
      case 0: case 1: {
        const els = Array.from({ length: 1 + Math.floor(r() * 5) }, pick);
        const end = op === 0 ? 'head' : 'tail';
        l.push(els, 0, end, fill);
        for (const e of els) if (end === 'head') model.unshift(e); else model.push(e);
        break;
      }
      case 2: {
        const end = r() < 0.5 ? 'head' : 'tail';
        const c = Math.floor(r() * 4);
        const got = l.popMany(end, c, fill);
        const want = end === 'head' ? model.splice(0, c) : model.splice(Math.max(0, n - c)).reverse();
        assert.deepEqual(got, want);
        break;
      }
      case 3:
        if (n > 0) {
          const i = Math.floor(r() * n);
          const e = pick();
          l.set(i, e, fill);
          model[i] = e;
        }
        break;
      case 4:
        if (n > 0) {
          const i = Math.floor(r() * n);
          const e = pick();
          const after = r() < 0.5;
          l.insert(i, e, after, fill);
          model.splice(after ? i + 1 : i, 0, e);
        }
        break;
      case 5: {
        const e = 'e' + Math.floor(r() * 50);
        const count = Math.floor(r() * 3);
        const fromTail = r() < 0.5;
        let removed = 0;
        const limit = count === 0 ? Infinity : count;
        const drop = (x: string): boolean => {
          if (x !== e || removed >= limit) return true;
          removed++;
          return false;
        };
        if (!fromTail) model = model.filter(drop);
        else model = model.reverse().filter(drop).reverse();
        assert.equal(l.remove(e, count, fromTail, fill), removed);
        break;
      }
      case 6:
        if (n > 4 && r() < 0.3) {
          const s = Math.floor(r() * n);
          const e = s + Math.floor(r() * (n - s));
          l.trim(s, e, fill);
          model = model.slice(s, e + 1);
        }
        break;
      default:
        if (n > 0) {
          const i = Math.floor(r() * n);
          assert.equal(l.at(i), model[i]);
          const j = i + Math.floor(r() * (n - i));
          assert.deepEqual(l.range(i, j), model.slice(i, j + 1));
          const e = model[i]!;
          const fromTail = r() < 0.5;
          const skip = Math.floor(r() * 3);
          const want = 1 + Math.floor(r() * 4);
          const maxlen = r() < 0.5 ? 0 : Math.floor(r() * n);
          const expect: number[] = [];
          let skipped = 0;
          for (let k = 0; k < (maxlen === 0 ? n : Math.min(maxlen, n)) && expect.length < want; k++) {
            const idx = fromTail ? n - 1 - k : k;
            if (model[idx] !== e) continue;
            if (skipped++ < skip) continue;
            expect.push(idx);
          }
          assert.deepEqual(l.positions(e, fromTail, skip, want, maxlen), expect);
        }
    }
    assert.equal(l.length, model.length, `length at step ${step}`);
    const bad = l.validate(fill);
    assert.equal(bad, null, `step ${step} op ${op}: ${bad}`);
    if (l.length === 0) continue;
  }
  assert.deepEqual(l.toArray(), model);
}

describe('random operations match an array model', () => {
  for (const fill of [-1, -2, -5, 1, 4, 128]) {
    it(`fill ${fill}`, () => {
      for (let seed = 1; seed <= 6; seed++) fuzz(fill, seed * 7919 + fill, 600);
    });
  }
});

describe('packed nodes', () => {
  it('packs middle nodes and reads, changes and pops through them', () => {
    const l = new ListValue();
    const model: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const e = i % 7 === 0 ? `${'y'.repeat(260)}${i}` : i % 11 === 0 ? String.fromCharCode(255, 254, i % 256) : `e:${i}`;
      l.push([e], 0, 'tail', -1);
      model.push(e);
    }
    assert.ok(l.nodeCount > 10);
    assert.equal(l.validate(-1), null);
    assert.deepEqual(l.toArray(), model);
    assert.equal(l.at(2500), model[2500]);
    assert.deepEqual(l.range(1234, 3456), model.slice(1234, 3457));
    assert.deepEqual(l.positions(model[4200]!, false, 0, 1, 0), [4200]);
    assert.deepEqual(l.positions(model[7]!, true, 0, 1, 0), [7]);
    l.set(2500, 'changed', -1);
    model[2500] = 'changed';
    l.insert(3000, 'inserted', true, -1);
    model.splice(3001, 0, 'inserted');
    assert.equal(l.remove('e:1000', 0, false, -1), 1);
    model.splice(model.indexOf('e:1000'), 1);
    assert.equal(l.validate(-1), null);
    assert.deepEqual(l.toArray(), model);
    const c = l.clone();
    const popped: string[] = [];
    while (l.length > 0) popped.push(l.pop(popped.length % 2 === 0 ? 'head' : 'tail', -1)!);
    const expect: string[] = [];
    const m = model.slice();
    while (m.length > 0) expect.push((expect.length % 2 === 0 ? m.shift() : m.pop())!);
    assert.deepEqual(popped, expect);
    assert.deepEqual(c.toArray(), model);
    assert.equal(c.validate(-1), null);
  });

  it('adds and drops head nodes in O(1) with one element per node', () => {
    const l = new ListValue();
    const n = 50_000;
    for (let i = 0; i < n; i++) l.push([String(i)], 0, 'head', 1);
    assert.equal(l.nodeCount, n);
    assert.equal(l.at(0), String(n - 1));
    assert.equal(l.at(n - 1), '0');
    for (let i = 0; i < n - 10; i++) l.pop('head', 1);
    assert.deepEqual(l.toArray(), ['9', '8', '7', '6', '5', '4', '3', '2', '1', '0']);
    assert.equal(l.validate(1), null);
  });
});
