// How a Db assigns keys to slots: the top bits of the table hash outside cluster mode (a key is
// hashed once per lookup), the CRC16 cluster slot in cluster mode; walking a slot finds exactly
// its keys; and the hash tag the key table keeps next to each access word, which must never
// leak into the word itself.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { KeyTable, keyHash } from '../../src/keyspace/key-table.js';
import type { Db } from '../../src/keyspace/db.js';
import { Keyspace, type KeyspaceHooks } from '../../src/keyspace/keyspace.js';
import { keySlot, SLOT_COUNT } from '../../src/util/crc16.js';

const hooks: KeyspaceHooks = {
  keyChanged: () => {}, notify: () => {}, expired: () => {}, expiryPolicy: () => 'delete',
};

function slotKeys(db: Db, slot: number): string[] {
  const out: string[] = [];
  db.table.forEachInSlot(slot, (k) => { out.push(k); });
  return out;
}

function fill(ks: Keyspace, n: number): string[] {
  const db = ks.dbs[0]!;
  const keys: string[] = [];
  for (let i = 0; i < n; i++) {
    const k = i % 7 === 0 ? `{tag}:${i}` : `key:${i}`;
    keys.push(k);
    db.set(k, i);
  }
  return keys;
}

describe('Db slots', () => {
  it('outside cluster mode, partitions by the top bits of the table hash', () => {
    const ks = new Keyspace(1, hooks, () => new Error('WRONGTYPE'));
    const db = ks.dbs[0]!;
    const keys = fill(ks, 3000);
    for (const k of keys) {
      const slot = db.slotOf(k);
      assert.equal(slot, keyHash(k) >>> 18);
      assert.ok(slot >= 0 && slot < SLOT_COUNT);
      assert.ok(slotKeys(db, slot).includes(k));
    }
    let total = 0;
    for (let s = 0; s < SLOT_COUNT; s++) total += slotKeys(db, s).length;
    assert.equal(total, keys.length);
  });

  it('in cluster mode, partitions by cluster slot (hash tags honoured)', () => {
    const ks = new Keyspace(1, hooks, () => new Error('WRONGTYPE'), true);
    const db = ks.dbs[0]!;
    const keys = fill(ks, 3000);
    for (const k of keys) {
      assert.equal(db.slotOf(k), keySlot(k));
      assert.ok(slotKeys(db, keySlot(k)).includes(k));
    }
    assert.deepEqual(slotKeys(db, keySlot('{tag}')).sort(), keys.filter((k) => k.startsWith('{tag}')).sort());
    for (const k of keys) assert.equal(db.lookup(k), keys.indexOf(k));
    for (const k of keys) assert.equal(db.delete(k), true);
    assert.equal(db.size, 0);
  });

  it('before-change observers see the slot whose table holds the key', () => {
    for (const cluster of [false, true]) {
      const ks = new Keyspace(1, hooks, () => new Error('WRONGTYPE'), cluster);
      const db = ks.dbs[0]!;
      const seen: [string, number][] = [];
      ks.addObserver({ beforeChange: (_db, key, slot) => { seen.push([key, slot]); }, beforeClear: () => {} });
      db.set('a{x}b', 1);
      db.setExpire('a{x}b', Date.now() + 100000);
      db.store('other', 2, false);
      db.delete('other');
      for (const [key, slot] of seen) {
        assert.equal(slot, db.slotOf(key));
        assert.equal(slot, cluster ? keySlot(key) : keyHash(key) >>> 18);
      }
      assert.equal(seen.length, 4);
    }
  });
});

describe('KeyTable hash tags', () => {
  it('keeps the access word exact whatever the tag bits', () => {
    const t = new KeyTable(keyHash);
    const find = (k: string) => t.find(k, keyHash(k));
    const n = 4000;
    for (let i = 0; i < n; i++) t.set(`w${i}`, i, (i * 4099) & 0xffffff, false, keyHash(`w${i}`));
    for (let i = 0; i < n; i++) assert.equal(t.metaAt(find(`w${i}`)), (i * 4099) & 0xffffff);
    for (let i = 0; i < n; i++) t.setMetaAt(find(`w${i}`), 0xffffff - i);
    for (let i = 0; i < n; i += 2) t.delete(`w${i}`);
    for (let i = 1; i < n; i += 2) {
      const b = find(`w${i}`);
      assert.notEqual(b, -1, `w${i} still found after its word changed and neighbours moved`);
      assert.equal(t.metaAt(b), 0xffffff - i);
    }
    // A word wider than 24 bits is cut to 24 bits rather than corrupting the tag.
    t.setMetaAt(find('w1'), 0x7fffffff);
    assert.equal(t.metaAt(find('w1')), 0xffffff);
    assert.equal(t.get('w1'), 1);
  });

  it('finds keys whose hashes share a tag and a home bucket', () => {
    // Collect keys with the same tag (hash bits 0..5) and the same home bucket (top 4 bits):
    // every probe then passes the tag check and must still compare the key itself.
    const tag = (k: string) => keyHash(k) & 0x3f;
    const keys: string[] = [];
    for (let i = 0; keys.length < 6; i++) {
      const k = `c${i}`;
      if (tag(k) === 5 && keyHash(k) >>> 28 === 3) keys.push(k);
    }
    const t = new KeyTable(keyHash, 4);
    keys.forEach((k, i) => t.set(k, i, i, false, keyHash(k)));
    keys.forEach((k, i) => assert.equal(t.get(k), i));
    assert.equal(t.has('absent'), false);
  });
});
