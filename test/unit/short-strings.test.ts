// Short string values packed outside the JS heap: ShortStrings itself (every length and byte
// value, in-place and cross-size replacement, reuse of released slots, page boundaries, refusal
// of non-byte strings) and the KeyTable around it (a bucket switching between packed strings,
// long strings, numbers and objects; deletions, resizes and walks handing out the strings).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { KeyTable, keyHash } from '../../src/keyspace/key-table.js';
import { SHORT_MAX, ShortStrings } from '../../src/keyspace/short-strings.js';
import type { Value } from '../../src/keyspace/value.js';

const bytes = (len: number, seed: number): string =>
  String.fromCharCode(...Array.from({ length: len }, (_, i) => (seed + i * 97) & 0xff));

describe('ShortStrings', () => {
  it('keeps every length up to SHORT_MAX and every byte value', () => {
    const s = new ShortStrings();
    const stored: [number, string][] = [];
    for (let len = 0; len <= SHORT_MAX; len++) {
      for (let seed = 0; seed < 256; seed += 51) {
        const v = bytes(len, seed);
        const h = s.store(v);
        assert.ok(h >= 0 && h < 2 ** 30);
        stored.push([h, v]);
      }
    }
    for (const [h, v] of stored) {
      assert.equal(s.read(h), v);
      assert.equal(s.read(h).length, v.length);
    }
  });

  it('replaces in place within a slot size and moves across sizes', () => {
    const s = new ShortStrings();
    const h = s.store('abc');
    assert.equal(s.replace(h, 'abcdefg'), h, '3 and 7 bytes share the 8-byte slot');
    assert.equal(s.read(h), 'abcdefg');
    const moved = s.replace(h, 'abcdefgh');
    assert.notEqual(moved, h);
    assert.equal(s.read(moved), 'abcdefgh');
    // The released slot is the next one handed out for its size.
    assert.equal(s.store('x'), h);
  });

  it('fills pages to their end and starts new ones without overlap', () => {
    for (const len of [0, 7, 8, 30, SHORT_MAX]) {
      const s = new ShortStrings();
      const n = Math.ceil((3 * 65536) / (len + 1)) + 5;
      const hs: number[] = [];
      for (let i = 0; i < n; i++) hs.push(s.store(bytes(len, i)));
      assert.equal(new Set(hs).size, n);
      for (let i = 0; i < n; i++) assert.equal(s.read(hs[i]!), bytes(len, i), `length ${len} #${i}`);
      assert.ok(s.bytes >= 3 * 65536);
    }
  });

  it('refuses strings that are not byte strings, and leaves nothing allocated for them', () => {
    const s = new ShortStrings();
    assert.equal(s.store('a\u20ac'), -1);
    const h = s.store('ok');
    assert.equal(s.read(h), 'ok');
    assert.equal(s.replace(h, '\u20ac'), -1, 'h is released');
    assert.equal(s.store('no'), h, 'both refused slots were released and reused');
    assert.equal(s.store('\u00e9t\u00e9'), s.store('x') - 8, 'latin1 above 0x7f is a byte string');
  });
});

describe('KeyTable with packed values', () => {
  const set = (t: KeyTable, k: string, v: Value) => t.set(k, v, 0, false, keyHash(k));

  it('switches a key between packed, long, number and object values', () => {
    const t = new KeyTable(keyHash);
    const obj = { type: 'hash' } as unknown as Value;
    const values: Value[] = ['abc', 'x'.repeat(SHORT_MAX + 1), 42, '', 'y'.repeat(SHORT_MAX), obj, 'short', 'z'.repeat(100), 'end'];
    for (const v of values) {
      set(t, 'k', v);
      assert.equal(t.get('k'), v);
      const i = t.find('k', keyHash('k'));
      assert.equal(t.valueAt(i), v);
    }
    // setValueAt and a replaceMeta overwrite keep the packed flag with the value.
    const i = t.find('k', keyHash('k'));
    t.setValueAt(i, 'packed');
    t.setMetaAt(i, 123);
    assert.equal(t.get('k'), 'packed');
    assert.equal(t.metaAt(i), 123);
    t.set('k', 'other', 77, true, keyHash('k'));
    assert.equal(t.get('k'), 'other');
    assert.equal(t.metaAt(t.find('k', keyHash('k'))), 77);
  });

  it('keeps values through resizes, deletions and walks, and reuses released slots', () => {
    const t = new KeyTable(keyHash);
    const n = 20_000;
    const valueOf = (i: number): Value => (i % 5 === 0 ? i : i % 7 === 0 ? 'L'.repeat(60) + i : `v${i}`);
    for (let i = 0; i < n; i++) set(t, `key:${i}`, valueOf(i));
    const bytesFull = t.packedBytes;
    for (let i = 0; i < n; i += 2) assert.ok(t.delete(`key:${i}`));
    for (let i = 1; i < n; i += 2) assert.equal(t.get(`key:${i}`), valueOf(i));
    const seen = new Map<string, Value>();
    t.forEach((k, v) => seen.set(k, v));
    assert.equal(seen.size, n / 2);
    for (const [k, v] of seen) assert.equal(v, valueOf(Number(k.slice(4))));
    for (const [k, v] of t.entries()) assert.equal(v, valueOf(Number(k.slice(4))));
    let ranged = 0;
    t.forEachInRange(0, 2 ** 32, (k, v) => {
      ranged++;
      assert.equal(v, valueOf(Number(k.slice(4))));
    });
    assert.equal(ranged, n / 2);
    // Refilling the deleted half reuses the released slots: no new pages.
    for (let i = 0; i < n; i += 2) set(t, `key:${i}`, valueOf(i));
    assert.equal(t.packedBytes, bytesFull);
    for (let i = 0; i < n; i++) assert.equal(t.get(`key:${i}`), valueOf(i));
  });
});
