// KeyTable (the per-slot open-addressing table), the access words (LRU clock, LFU counter) and
// Db-level behaviour that the wire cannot show deterministically: SCAN's guarantee across
// resizes, RANDOMKEY on a replica whose keys all expired, the active expire cycle's bookkeeping.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  LFU_INIT_VAL, lfuCounter, lfuIncrement, lfuNewWord, lfuTouch, lruClock, lruIdleMs, LRU_CLOCK_MAX,
} from '../../src/keyspace/access.js';
import { HASH_END, KeyTable, keyHash, SLOT_SHIFT, TABLE_SLOTS } from '../../src/keyspace/key-table.js';
import { Keyspace, type ExpiryPolicy, type KeyspaceHooks } from '../../src/keyspace/keyspace.js';

function makeKs(policy: ExpiryPolicy = 'delete', events: string[] = []): Keyspace {
  const hooks: KeyspaceHooks = {
    keyChanged: () => {},
    notify: (_cls, event, key, db) => { events.push(`${db}:${event}:${key}`); },
    expired: (db, key) => { events.push(`${db.index}:propagate-del:${key}`); },
    expiryPolicy: () => policy,
  };
  const ks = new Keyspace(4, hooks, () => new Error('WRONGTYPE'));
  ks.notifying = true;
  return ks;
}

describe('KeyTable', () => {
  const set = (t: KeyTable, k: string, v: unknown, word = 0) => t.set(k, v as never, word, false, keyHash(k));
  const find = (t: KeyTable, k: string) => t.find(k, keyHash(k));

  it('inserts, finds, overwrites and deletes through incremental resizes', () => {
    const t = new KeyTable(keyHash);
    const n = 5000;
    let sawResize = false;
    for (let i = 0; i < n; i++) {
      set(t, `k${i}`, i, 7);
      if (t.rehashing) sawResize = true;
      // Every key inserted so far is found, whichever table holds it.
      if (i % 97 === 0) for (let j = 0; j <= i; j += 13) assert.equal(t.get(`k${j}`), j);
    }
    assert.ok(sawResize, 'the table resized incrementally');
    assert.equal(t.size, n);
    while (t.rehash(100));
    assert.ok(t.capacity * 0.8 >= n);
    for (let i = 0; i < n; i++) assert.equal(t.get(`k${i}`), i);
    assert.equal(t.get('nope'), undefined);
    set(t, 'k1', 'one', 9);
    assert.equal(t.get('k1'), 'one');
    assert.equal(t.metaAt(find(t, 'k1')), 7, 'overwrite keeps the access word unless asked');
    for (let i = 0; i < n; i += 2) assert.equal(t.delete(`k${i}`), true);
    assert.equal(t.delete('k0'), false);
    assert.equal(t.size, n / 2);
    for (let i = 1; i < n; i += 2) assert.equal(t.has(`k${i}`), true, `k${i} survives deletions`);
    for (let i = 1; i < n; i += 2) t.delete(`k${i}`);
    assert.equal(t.size, 0);
    while (t.rehash(100));
    assert.ok(t.capacity <= 8, 'shrinks when emptied');
  });

  it('keeps the access word of moved entries on backward-shift deletion and on resize', () => {
    const t = new KeyTable(keyHash, 6);
    for (let i = 0; i < 400; i++) set(t, `x${i}`, i, 1000 + i);
    for (let i = 0; i < 400; i += 3) t.delete(`x${i}`);
    for (let i = 0; i < 400; i++) {
      if (i % 3 === 0) assert.equal(find(t, `x${i}`), -1);
      else assert.equal(t.metaAt(find(t, `x${i}`)), 1000 + i);
    }
  });

  it('a key being moved by a resize can be read, overwritten and deleted from either table', () => {
    const t = new KeyTable(keyHash);
    let i = 0;
    while (!t.rehashing) set(t, `m${i}`, i++);
    const before = i;
    // Mid-resize: overwrite and delete keys that may still be in the old table.
    for (let j = 0; j < before; j += 2) set(t, `m${j}`, `new${j}`);
    for (let j = 1; j < before; j += 4) assert.equal(t.delete(`m${j}`), true);
    for (let j = 0; j < before; j++) {
      const want = j % 2 === 0 ? `new${j}` : j % 4 === 1 ? undefined : j;
      assert.equal(t.get(`m${j}`), want, `m${j}`);
    }
    let n = 0;
    t.forEach(() => { n++; });
    assert.equal(n, t.size);
  });

  it('walks a hash range and a slot exactly, during a resize too', () => {
    const t = new KeyTable(keyHash);
    const keys: string[] = [];
    for (let i = 0; i < 3000; i++) {
      keys.push(`r${i}`);
      set(t, `r${i}`, i);
    }
    for (const resizing of [true, false]) {
      if (!resizing) while (t.rehash(100));
      const seen = new Map<string, number>();
      for (let slot = 0; slot < TABLE_SLOTS; slot++) {
        t.forEachInSlot(slot, (k) => {
          assert.equal(keyHash(k) >>> SLOT_SHIFT, slot);
          seen.set(k, (seen.get(k) ?? 0) + 1);
        });
      }
      assert.equal(seen.size, keys.length);
      for (const c of seen.values()) assert.equal(c, 1);
    }
  });

  it('scan reports every key present for the whole walk exactly once, across growth and shrinking', () => {
    const t = new KeyTable(keyHash);
    for (let i = 0; i < 300; i++) set(t, `s${i}`, i);
    const seen = new Map<string, number>();
    let c = 0;
    let step = 0;
    while (c < HASH_END) {
      c = t.scanStep(c, (k) => { seen.set(k, (seen.get(k) ?? 0) + 1); });
      step++;
      // Churn: grow with new keys, then delete them, forcing resizes mid-walk.
      if (step === 5) for (let i = 0; i < 4000; i++) set(t, `tmp${i}`, i);
      if (step === 300) for (let i = 0; i < 4000; i++) t.delete(`tmp${i}`);
    }
    for (let i = 0; i < 300; i++) assert.equal(seen.get(`s${i}`), 1, `s${i} reported once`);
  });

  it('random positions reach every key', () => {
    const t = new KeyTable(keyHash);
    for (let i = 0; i < 50; i++) set(t, `p${i}`, i);
    const seen = new Set<string>();
    for (let i = 0; i < 5000; i++) seen.add(t.keyAt(t.randomPosition(Math.random)));
    assert.equal(seen.size, 50);
  });
});

describe('access words', () => {
  it('LRU clock has 1 s resolution and wraps at 2^24', () => {
    const t0 = 1_700_000_000_000;
    assert.equal(lruClock(t0), Math.floor(t0 / 1000) & LRU_CLOCK_MAX);
    assert.equal(lruIdleMs(lruClock(t0), t0 + 12_345), 12_000);
    // An access just before the clock wrapped.
    const before = LRU_CLOCK_MAX - 1;
    const now = (LRU_CLOCK_MAX + 5) * 1000;
    assert.equal(lruIdleMs(before, now), 5000);
  });

  it('LFU: new keys start at 5, the counter grows logarithmically and decays per minute', () => {
    const t0 = 1_700_000_000_000;
    const w = lfuNewWord(t0);
    assert.equal(lfuCounter(w, t0, 1), LFU_INIT_VAL);
    // At or below the initial value the increment is certain.
    assert.equal(lfuIncrement(5, 10, 0.999), 6);
    // Above it the probability is 1/((c-5)*factor+1).
    assert.equal(lfuIncrement(6, 10, 1 / 11 - 1e-9), 7);
    assert.equal(lfuIncrement(6, 10, 1 / 11 + 1e-9), 6);
    assert.equal(lfuIncrement(255, 0, 0), 255);
    const touched = lfuTouch(w, t0, 10, 1, 0.5);
    assert.equal(lfuCounter(touched, t0, 1), 6);
    assert.equal(lfuCounter(touched, t0 + 3 * 60_000, 1), 3, 'one step per decay period');
    assert.equal(lfuCounter(touched, t0 + 3 * 60_000, 2), 5);
    assert.equal(lfuCounter(touched, t0 + 3 * 60_000, 0), 6, 'decay time 0 never decays');
    assert.equal(lfuCounter(touched, t0 + 100 * 60_000, 1), 0);
  });
});

describe('Db', () => {
  it('records accesses, except for NO-TOUCH lookups', () => {
    const ks = makeKs();
    const db = ks.dbs[0]!;
    ks.now = 1_000_000;
    db.set('a', 'x');
    assert.equal(db.accessWord('a'), lruClock(1_000_000));
    ks.now = 1_010_000;
    db.peek('a');
    assert.equal(db.accessWord('a'), lruClock(1_000_000), 'peek does not touch');
    ks.noTouch = true;
    db.lookup('a');
    assert.equal(db.accessWord('a'), lruClock(1_000_000), 'NO-TOUCH client does not touch');
    assert.equal(db.touch('a'), true);
    assert.equal(db.accessWord('a'), lruClock(1_010_000), 'TOUCH always touches');
    ks.noTouch = false;
    ks.now = 1_020_000;
    db.lookup('a');
    assert.equal(db.accessWord('a'), lruClock(1_020_000));
  });

  it('under LFU an overwrite keeps and bumps the counter', () => {
    const ks = makeKs();
    ks.lfu = true;
    ks.random = () => 0;
    const db = ks.dbs[0]!;
    ks.now = 1_700_000_000_000;
    db.set('f', 'x');
    assert.equal(lfuCounter(db.accessWord('f')!, ks.now, 1), 5);
    db.set('f', 'y');
    db.lookup('f');
    assert.equal(lfuCounter(db.accessWord('f')!, ks.now, 1), 7);
  });

  it('SCAN cursors return every key present for the whole scan', () => {
    const ks = makeKs();
    const db = ks.dbs[0]!;
    for (let i = 0; i < 2000; i++) db.set(`key:${i}`, i);
    // Everything lands in one slot too: a hash tag forces a big table.
    for (let i = 0; i < 500; i++) db.set(`{tag}:${i}`, i);
    const seen = new Set<string>();
    let cursor = 0;
    let calls = 0;
    const times = new Map<string, number>();
    do {
      const out: string[] = [];
      cursor = db.scan(cursor, 7, out);
      for (const k of out) {
        seen.add(k);
        times.set(k, (times.get(k) ?? 0) + 1);
      }
      calls++;
      if (calls === 20) for (let i = 0; i < 3000; i++) db.set(`{tag}:extra${i}`, i);
      if (calls === 60) for (let i = 0; i < 3000; i++) db.delete(`{tag}:extra${i}`);
    } while (cursor !== 0);
    for (let i = 0; i < 2000; i++) assert.equal(times.get(`key:${i}`), 1);
    for (let i = 0; i < 500; i++) assert.equal(times.get(`{tag}:${i}`), 1);
    assert.ok(calls > 100, 'COUNT bounds each call');
  });

  it('RANDOMKEY gives up on a replica whose keys are all logically expired', () => {
    const ks = makeKs('hide');
    const db = ks.dbs[0]!;
    ks.now = 10_000;
    for (let i = 0; i < 5; i++) {
      db.set(`v${i}`, i);
      db.setExpire(`v${i}`, 5_000);
    }
    const k = db.randomLiveKey();
    assert.ok(k !== undefined && k.startsWith('v'), 'returns a key instead of looping forever');
    assert.equal(db.size, 5, 'nothing deleted on a replica');
  });

  it('RANDOMKEY on a primary deletes expired keys it meets and returns a live one', () => {
    const events: string[] = [];
    const ks = makeKs('delete', events);
    const db = ks.dbs[0]!;
    ks.now = 10_000;
    for (let i = 0; i < 50; i++) {
      db.set(`v${i}`, i);
      db.setExpire(`v${i}`, 5_000);
    }
    db.set('live', 1);
    assert.equal(db.randomLiveKey(), 'live');
    for (let i = 0; i < 50; i++) {
      db.set(`w${i}`, i);
      db.setExpire(`w${i}`, 5_000);
    }
    db.delete('live');
    assert.equal(db.randomLiveKey(), undefined);
    assert.equal(db.size, 0);
    assert.ok(events.includes('0:expired:w3'));
  });
});

describe('active expire cycle', () => {
  it('deletes expired keys without access and keeps the stats', () => {
    const events: string[] = [];
    const ks = makeKs('delete', events);
    const db = ks.dbs[1]!;
    const now = Date.now();
    for (let i = 0; i < 1000; i++) {
      db.set(`e${i}`, i);
      db.setExpire(`e${i}`, now - 1);
    }
    for (let i = 0; i < 100; i++) {
      db.set(`l${i}`, i);
      db.setExpire(`l${i}`, now + 100_000);
    }
    db.set('plain', 1);
    let rounds = 0;
    while (db.size > 101 && rounds++ < 100) ks.activeExpire.cycle('slow', 10, 1);
    assert.equal(db.size, 101);
    assert.equal(ks.stats.expiredKeys, 1000);
    assert.ok(events.includes('1:propagate-del:e0'));
    assert.ok(events.includes('1:expired:e999'));
    assert.ok(db.avgTtl > 90_000 && db.avgTtl <= 100_000, `avg_ttl ${db.avgTtl}`);
    assert.ok(ks.stats.expiredStalePerc > 0);
  });

  it('stops at its time budget and counts it', () => {
    const ks = makeKs();
    const db = ks.dbs[0]!;
    const now = Date.now();
    for (let i = 0; i < 20000; i++) {
      db.set(`e${i}`, i);
      db.setExpire(`e${i}`, now - 1);
    }
    // A fake clock that advances 1 ms per reading exhausts any budget quickly.
    let t = 0;
    ks.activeExpire.cycle('slow', 10, 1, () => (t += 1000));
    assert.equal(ks.stats.expiredTimeCapReached, 1);
    assert.ok(db.size > 0);
    assert.ok(ks.stats.expireCycleCpuMs > 0);
  });

  it('does nothing when disabled or on a replica', () => {
    for (const disable of [true, false]) {
      const ks = makeKs(disable ? 'delete' : 'hide');
      ks.activeExpireEnabled = !disable;
      const db = ks.dbs[0]!;
      db.set('e', 1);
      db.setExpire('e', Date.now() - 1);
      ks.activeExpire.cycle('slow', 10, 1);
      assert.equal(db.size, 1);
    }
  });

  it('a fast cycle runs only after a slow cycle ran out of time', () => {
    const ks = makeKs();
    const db = ks.dbs[0]!;
    const now = Date.now();
    for (let i = 0; i < 20000; i++) {
      db.set(`e${i}`, i);
      db.setExpire(`e${i}`, now - 1);
    }
    assert.equal(ks.activeExpire.cycle('fast', 10, 1), 0);
    let t = 0;
    ks.activeExpire.cycle('slow', 10, 1, () => (t += 1000));
    const left = db.size;
    assert.ok(ks.activeExpire.cycle('fast', 10, 1, () => (t += 1)) > 0);
    assert.ok(db.size < left);
  });
});
