// The SET and SORTED SET data structures directly: Redis 7.2's encoding transitions, the
// skiplist's spans and order against a naive model under random operations, and the SCAN
// guarantee (a member present for the whole scan is returned) under concurrent removals.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { SetValue, setFrom } from '../../src/keyspace/types/set.js';
import { ZSetValue } from '../../src/keyspace/types/zset.js';

const SL = { intsetEntries: 512, listpackEntries: 128, listpackValue: 64 };
const ZL = { listpackEntries: 128, listpackValue: 64 };

describe('SetValue encodings (Redis 7.2 rules)', () => {
  it('intset while all members are int64 and few enough', () => {
    const s = SetValue.create('1', 1, SL);
    for (let i = 0; i < 512; i++) s.add(String(i * 7 - 1000), SL);
    assert.equal(s.encoding(), 'intset');
    s.add('99999', SL);
    assert.equal(s.encoding(), 'hashtable');
    assert.equal(s.size, 513);
  });

  it('intset → listpack on a string member while under the listpack limits', () => {
    const s = SetValue.create('1', 1, SL);
    s.add('1', SL);
    s.add('9223372036854775807', SL);
    assert.equal(s.encoding(), 'intset');
    assert.ok(!s.has('9223372036854775808'));
    s.add('abc', SL);
    assert.equal(s.encoding(), 'listpack');
    assert.deepEqual(s.members(), ['1', '9223372036854775807', 'abc']);
  });

  it('intset → hashtable when too big for a listpack', () => {
    const s = SetValue.create('1', 1, SL);
    for (let i = 0; i < 200; i++) s.add(String(i), SL);
    s.add('x', SL);
    assert.equal(s.encoding(), 'hashtable');
    assert.equal(s.size, 201);
  });

  it('listpack → hashtable past 128 entries or a 65-byte member; never back', () => {
    const s = SetValue.create('a', 1, SL);
    assert.equal(s.encoding(), 'listpack');
    for (let i = 0; i < 128; i++) s.add(`m${i}`, SL);
    assert.equal(s.encoding(), 'listpack');
    s.add('one-more', SL);
    assert.equal(s.encoding(), 'hashtable');
    for (let i = 0; i < 128; i++) s.delete(`m${i}`);
    assert.equal(s.encoding(), 'hashtable');
    const t = SetValue.create('a', 1, SL);
    t.add('x'.repeat(64), SL);
    assert.equal(t.encoding(), 'listpack');
    t.add('x'.repeat(65), SL);
    assert.equal(t.encoding(), 'hashtable');
  });

  it('SADD with many members creates a hashtable at once (size hint)', () => {
    assert.equal(SetValue.create('1', 600, SL).encoding(), 'hashtable');
    assert.equal(SetValue.create('a', 129, SL).encoding(), 'hashtable');
    assert.equal(SetValue.create('a', 128, SL).encoding(), 'listpack');
    assert.equal(SetValue.create('1', 300, SL).encoding(), 'intset');
  });

  it('store results are encoded as they are built', () => {
    assert.equal(setFrom(['3', '1', '2'], SL).encoding(), 'intset');
    assert.deepEqual(setFrom(['3', '1', '2'], SL).members(), ['1', '2', '3']);
    assert.equal(setFrom(['1', 'a'], SL).encoding(), 'listpack');
  });

  it('clone is deep', () => {
    const s = SetValue.create('a', 1, SL);
    s.add('a', SL);
    const c = s.clone();
    c.add('b', SL);
    assert.equal(s.size, 1);
    assert.equal(c.size, 2);
  });

  it('a hashtable scan returns every member present throughout, despite removals', () => {
    const s = SetValue.create('x', 1000, SL);
    for (let i = 0; i < 1000; i++) s.add(`k${i}`, SL);
    const stable = new Set<string>();
    for (let i = 0; i < 1000; i += 2) stable.add(`k${i}`);
    const seen = new Set<string>();
    let cursor = 0;
    let step = 0;
    do {
      cursor = s.scan(cursor, 10, (m) => seen.add(m));
      // Remove some odd members and add new ones between calls.
      s.delete(`k${(step * 37) % 1000 | 1}`);
      s.add(`new${step}`, SL);
      step++;
    } while (cursor !== 0 && step < 10000);
    for (const m of stable) assert.ok(seen.has(m), m);
  });

  it('pop and random stay within the set', () => {
    const s = SetValue.create('x', 300, SL);
    for (let i = 0; i < 300; i++) s.add(`k${i}`, SL);
    const popped = new Set<string>();
    for (let i = 0; i < 300; i++) popped.add(s.pop());
    assert.equal(popped.size, 300);
    assert.equal(s.size, 0);
  });
});

describe('ZSetValue', () => {
  it('listpack → skiplist past 128 entries or a 65-byte member; never back', () => {
    const z = ZSetValue.create(1, 1, ZL);
    for (let i = 0; i < 128; i++) z.set(`m${i}`, i, ZL);
    assert.equal(z.encoding(), 'listpack');
    z.set('extra', 1, ZL);
    assert.equal(z.encoding(), 'skiplist');
    z.deleteRanks(0, 100);
    assert.equal(z.encoding(), 'skiplist');
    const y = ZSetValue.create(1, 1, ZL);
    y.set('x'.repeat(65), 1, ZL);
    assert.equal(y.encoding(), 'skiplist');
    assert.equal(ZSetValue.create(129, 1, ZL).encoding(), 'skiplist');
    assert.equal(ZSetValue.create(2, 65, ZL).encoding(), 'skiplist');
    assert.equal(ZSetValue.fromSorted(['a'], [1], ZL).encoding(), 'listpack');
  });

  it('matches a naive model under random operations, in both encodings', () => {
    for (const lim of [ZL, { listpackEntries: 0, listpackValue: 0 }]) {
      const z = ZSetValue.create(0, 0, lim);
      const model = new Map<string, number>();
      let seed = 42;
      const rnd = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
      for (let step = 0; step < 4000; step++) {
        const m = `m${Math.floor(rnd() * 300)}`;
        const op = rnd();
        if (op < 0.3) {
          const s = Math.floor(rnd() * 50);
          z.set(m, s, lim);
          model.set(m, s);
        } else if (op < 0.6) {
          // ZADD's way: one lookup that inserts or finds, then a rescore of what it found.
          const s = Math.floor(rnd() * 50);
          const cur = z.scoreOrInsert(m, s, lim);
          assert.equal(cur, model.get(m));
          if (cur !== undefined && cur !== s) z.rescoreFound(m, cur, s, lim);
          model.set(m, s);
        } else {
          assert.equal(z.delete(m), model.delete(m));
        }
        if (step % 500 === 0) z.verify();
      }
      z.verify();
      const want = [...model].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const got: [string, number][] = [];
      z.each(0, z.size - 1, false, (m, s) => got.push([m, s]));
      assert.deepEqual(got, want);
      want.forEach(([m], i) => assert.equal(z.rank(m), i));
      const [a, b] = z.scoreRanks({ min: 10, max: 20, minEx: true, maxEx: false });
      assert.deepEqual(want.slice(a, b + 1).map((e) => e[0]), want.filter((e) => e[1] > 10 && e[1] <= 20).map((e) => e[0]));
      const rev: string[] = [];
      z.each(2, 6, true, (m) => rev.push(m));
      assert.deepEqual(rev, want.slice(2, 7).map((e) => e[0]).reverse());
      assert.deepEqual(z.members(2, 6, true), rev);
      assert.deepEqual(z.members(0, z.size - 1, false), want.map((e) => e[0]));
      assert.deepEqual(z.members(5, 4, false), []);
    }
  });

  it('removes rank ranges clamped to the set, in both encodings', () => {
    for (const [lim, enc] of [[{ listpackEntries: 1000, listpackValue: 64 }, 'listpack'], [{ listpackEntries: 0, listpackValue: 0 }, 'skiplist']] as const) {
      const z = ZSetValue.create(0, 0, lim);
      for (let i = 0; i < 300; i++) z.set(`m${i}`, i, lim);
      assert.equal(z.encoding(), enc);
      assert.equal(z.deleteRanks(290, 1000), 10);
      assert.equal(z.deleteRanks(-5, 1), 2);
      assert.equal(z.deleteRanks(500, 600), 0);
      assert.equal(z.size, 288);
      assert.deepEqual(z.members(0, 1, false), ['m2', 'm3']);
      assert.equal(z.score('m289'), 289);
      assert.equal(z.score('m290'), undefined);
      z.verify();
    }
  });

  it('counts lex ranges in both encodings', () => {
    for (const lim of [ZL, { listpackEntries: 0, listpackValue: 0 }]) {
      const z = ZSetValue.create(0, 0, lim);
      for (const m of ['a', 'b', 'c', 'd', 'e']) z.set(m, 0, lim);
      assert.equal(z.lexCount({ min: 'b', minEx: true, max: Infinity, maxEx: false }), 3);
      assert.deepEqual(z.lexRanks({ min: -Infinity, minEx: false, max: 'c', maxEx: true }), [0, 1]);
    }
  });
});
