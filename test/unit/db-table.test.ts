// KeyTable (the per-slot open-addressing table), the access words (LRU clock, LFU counter) and
// Db-level behaviour that the wire cannot show deterministically: SCAN's guarantee across
// resizes, RANDOMKEY on a replica whose keys all expired, the active expire cycle's bookkeeping.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  LFU_INIT_VAL, lfuCounter, lfuIncrement, lfuNewWord, lfuTouch, lruClock, lruIdleMs, LRU_CLOCK_MAX,
} from '../../src/keyspace/access.js';
import { KeyTable } from '../../src/keyspace/key-table.js';
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
  it('inserts, finds, overwrites and deletes through resizes', () => {
    const t = new KeyTable();
    const n = 5000;
    for (let i = 0; i < n; i++) t.set(`k${i}`, i, 7, false);
    assert.equal(t.size, n);
    assert.ok(t.capacity >= n / 0.75);
    for (let i = 0; i < n; i++) assert.equal(t.get(`k${i}`), i);
    assert.equal(t.get('nope'), undefined);
    t.set('k1', 'one', 9, false);
    assert.equal(t.get('k1'), 'one');
    assert.equal(t.metaAt(t.find('k1')), 7, 'overwrite keeps the access word unless asked');
    for (let i = 0; i < n; i += 2) assert.equal(t.delete(`k${i}`), true);
    assert.equal(t.delete('k0'), false);
    assert.equal(t.size, n / 2);
    for (let i = 1; i < n; i += 2) assert.equal(t.has(`k${i}`), true, `k${i} survives deletions`);
    for (let i = 1; i < n; i += 2) t.delete(`k${i}`);
    assert.equal(t.size, 0);
    assert.ok(t.capacity <= 8, 'shrinks when emptied');
  });

  it('keeps the access word of moved entries on backward-shift deletion', () => {
    const t = new KeyTable(64);
    for (let i = 0; i < 40; i++) t.set(`x${i}`, i, 1000 + i, false);
    for (let i = 0; i < 40; i += 3) t.delete(`x${i}`);
    for (let i = 0; i < 40; i++) {
      if (i % 3 === 0) continue;
      assert.equal(t.metaAt(t.find(`x${i}`)), 1000 + i);
    }
  });

  it('scan visits every key present for the whole walk, even while the table grows and shrinks', () => {
    const t = new KeyTable();
    for (let i = 0; i < 300; i++) t.set(`s${i}`, i, 0, false);
    const seen = new Set<string>();
    let v = 0;
    let step = 0;
    do {
      v = t.scanBucket(v, (k) => { seen.add(k); });
      step++;
      // Churn: grow with new keys, then delete them, forcing resizes mid-walk.
      if (step === 50) for (let i = 0; i < 2000; i++) t.set(`tmp${i}`, i, 0, false);
      if (step === 300) for (let i = 0; i < 2000; i++) t.delete(`tmp${i}`);
    } while (v !== 0);
    for (let i = 0; i < 300; i++) assert.ok(seen.has(`s${i}`), `s${i} reported`);
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
    do {
      const out: string[] = [];
      cursor = db.scan(cursor, 7, out);
      for (const k of out) seen.add(k);
      calls++;
      if (calls === 20) for (let i = 0; i < 3000; i++) db.set(`{tag}:extra${i}`, i);
      if (calls === 60) for (let i = 0; i < 3000; i++) db.delete(`{tag}:extra${i}`);
    } while (cursor !== 0);
    for (let i = 0; i < 2000; i++) assert.ok(seen.has(`key:${i}`));
    for (let i = 0; i < 500; i++) assert.ok(seen.has(`{tag}:${i}`));
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
