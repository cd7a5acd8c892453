// Forkless snapshots on a bare Keyspace: the image a snapshot writes is exactly the dataset at
// its start, whatever changes run between its slices (overwrites, deletes, new keys, in-place
// list and hash changes, expires, FLUSHDB, SWAPDB, FLUSHALL, lazy expiry), on the whole-slot path,
// the key-by-key path (key delay, a slot with thousands of keys) and with several sinks; failing
// and cancelled snapshots leave no observer behind.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Db } from '../../src/keyspace/db.js';
import type { Keyspace } from '../../src/keyspace/keyspace.js';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { DEFAULT_LIMITS } from '../../src/persistence/rdb/codecs.js';
import { readRdb } from '../../src/persistence/rdb/reader.js';
import type { AuxFields } from '../../src/persistence/rdb/writer.js';
import { Snapshot, type SnapshotSink } from '../../src/persistence/snapshot.js';
import { assertSameImage, datasetImage, describeValue } from '../helpers/image.js';
import { newKeyspace, rng } from '../helpers/rdb.js';

const AUX: AuxFields = { redisVer: '7.2.4', redisBits: 64, ctime: 1700000000, usedMem: 1000000, aofBase: 0 };
const LIMITS = { entries: 128, value: 64 };

class MemorySink implements SnapshotSink {
  chunks: Buffer[] = [];
  error: Error | null = null;
  finished = false;
  aborted = false;
  get backlog(): number { return 0; }
  write(c: Buffer): void { this.chunks.push(c); }
  drained(): Promise<void> { return Promise.resolve(); }
  finish(): Promise<void> { this.finished = true; return Promise.resolve(); }
  abort(): void { this.aborted = true; }
  get bytes(): Buffer { return Buffer.concat(this.chunks); }
}

function image(ks: Keyspace): Map<string, string> {
  return datasetImage(ks);
}

function decode(file: Buffer): Map<string, string> {
  const out = new Map<string, string>();
  readRdb(file, {
    key: (e) => {
      const id = `${e.db}/${e.key}`;
      assert.ok(!out.has(id), `key written twice: ${id}`);
      out.set(id, describeValue(e.value, e.expireMs));
    },
  }, { limits: DEFAULT_LIMITS, verifyChecksum: true });
  return out;
}

function fill(ks: Keyspace, n: number, r: () => number, dbs: number[], tag = ''): void {
  for (let i = 0; i < n; i++) {
    const db = ks.dbs[dbs[i % dbs.length]!]!;
    const key = `${tag}k:${i}`;
    const t = r();
    if (t < 0.5) {
      db.set(key, r() < 0.3 ? i : `value:${i}`);
    } else if (t < 0.75) {
      const l = new ListValue();
      l.push([`a${i}`, `b${i}`, `c${i}`], 0, 'tail', -2);
      db.set(key, l);
    } else {
      const h = new HashValue();
      h.set('f1', `v${i}`, LIMITS);
      h.set('f2', String(i), LIMITS);
      db.set(key, h);
    }
    if (r() < 0.1) db.setExpire(key, Date.now() + 1_000_000 + i);
  }
}

/** One random change through the Db API, as commands make them. */
function mutate(ks: Keyspace, r: () => number, n: number, dbs: number[], step: number): void {
  const db: Db = ks.dbs[dbs[Math.floor(r() * dbs.length)]!]!;
  const key = `k:${Math.floor(r() * n * 1.2)}`;
  const op = r();
  if (op < 0.2) {
    db.set(key, `new:${step}`);
  } else if (op < 0.35) {
    db.delete(key);
  } else if (op < 0.5) {
    const v = db.lookupWrite(key);
    if (v instanceof ListValue) v.push([`x${step}`], 0, r() < 0.5 ? 'head' : 'tail', -2);
  } else if (op < 0.65) {
    const v = db.lookupWrite(key);
    if (v instanceof HashValue) v.set(`f${step % 7}`, `h${step}`, LIMITS);
  } else if (op < 0.75) {
    if (db.exists(key)) db.setExpire(key, Date.now() + 5_000_000);
  } else if (op < 0.8) {
    db.persist(key);
  } else if (op < 0.9) {
    // A key created after the start, in a slot the walk may not have reached.
    db.add(`fresh:${step}`, `f${step}`);
  } else if (op < 0.95) {
    const to = `k:${Math.floor(r() * n * 1.2)}`;
    const v = db.lookupWrite(key);
    if (v !== undefined && to !== key) {
      const exp = db.getExpire(key);
      db.delete(key);
      db.set(to, v);
      if (exp !== undefined) db.setExpire(to, exp);
    }
  } else {
    // An expired key deleted lazily: its start value must still be in the image.
    if (db.exists(key)) {
      db.setExpire(key, Date.now() - 1);
      db.deleteExpired(key);
    }
  }
}

async function runWhile(p: Promise<unknown>, fn: (step: number) => void, perTurn: number): Promise<void> {
  let done = false;
  void p.then(() => { done = true; }, () => { done = true; });
  let step = 0;
  while (!done) {
    for (let i = 0; i < perTurn; i++) fn(step++);
    await new Promise((res) => setImmediate(res));
  }
}

describe('Snapshot', () => {
  it('writes exactly the dataset at its start while random changes run between slices', async () => {
    const r = rng(7);
    const ks = newKeyspace(4);
    const n = 20000;
    fill(ks, n, r, [0, 1, 2]);
    const want = image(ks);
    const sink = new MemorySink();
    const snap = new Snapshot(ks, [sink], { rdb: { compress: true, checksum: true }, aux: AUX, sliceMs: 0.2 });
    const p = snap.start();
    await runWhile(p, (step) => mutate(ks, r, n, [0, 1, 2], step), 50);
    const res = await p;
    assert.ok(sink.finished);
    assert.ok(res.cowBytes > 0, 'some keys were written ahead of changes');
    assertSameImage(decode(sink.bytes), want);
  });

  it('survives FLUSHDB, SWAPDB and FLUSHALL in the middle of the walk', async () => {
    const r = rng(11);
    const ks = newKeyspace(4);
    const n = 12000;
    fill(ks, n, r, [0, 1, 2, 3]);
    const want = image(ks);
    const sink = new MemorySink();
    const snap = new Snapshot(ks, [sink], { rdb: { compress: false, checksum: true }, aux: AUX, sliceMs: 0.1 });
    const p = snap.start();
    let turn = 0;
    await runWhile(p, (step) => {
      mutate(ks, r, n, [0, 1, 2, 3], step);
      if (step % 40 === 0) {
        turn++;
        if (turn === 2) ks.swap(1, 2);
        else if (turn === 3) ks.dbs[3]!.clear();
        else if (turn === 4) ks.swap(0, 1);
        else if (turn === 6) ks.clearAll();
      }
    }, 40);
    await p;
    assert.ok(turn >= 6, `the walk took ${turn} turns`);
    assertSameImage(decode(sink.bytes), want);
  });

  it('walks key by key with rdb-key-save-delay and in slots holding thousands of keys', async () => {
    const r = rng(3);
    const ks = newKeyspace(2);
    fill(ks, 300, r, [0, 1]);
    // One hash tag: every key in the same slot, more than the whole-slot limit.
    fill(ks, 6000, r, [1], '{same}');
    const want = image(ks);
    const sink = new MemorySink();
    const snap = new Snapshot(ks, [sink], { rdb: { compress: true, checksum: true }, aux: AUX, sliceMs: 0.1, keyDelayUs: -20 });
    const p = snap.start();
    await runWhile(p, (step) => {
      mutate(ks, r, 300, [0, 1], step);
      const db = ks.dbs[1]!;
      const key = `{same}k:${Math.floor(r() * 6000)}`;
      if (step % 3 === 0) db.set(key, `over:${step}`);
      else if (step % 3 === 1) db.delete(key);
      else db.add(`{same}new:${step}`, 'n');
    }, 20);
    await p;
    assertSameImage(decode(sink.bytes), want);
  });

  it('feeds several sinks the same bytes, and writes nothing ahead when nothing changes', async () => {
    const ks = newKeyspace(2);
    fill(ks, 3000, rng(5), [0, 1]);
    const a = new MemorySink();
    const b = new MemorySink();
    const res = await new Snapshot(ks, [a, b], { rdb: { compress: true, checksum: true }, aux: AUX, sliceMs: 0.1 }).start();
    assert.ok(a.bytes.equals(b.bytes));
    assert.equal(res.cowBytes, 0);
    assert.equal(res.keys, 3000);
    assertSameImage(decode(a.bytes), image(ks));
  });

  it('fails with the sink error, aborts every sink and stops observing', async () => {
    const ks = newKeyspace(1);
    fill(ks, 5000, rng(9), [0]);
    const bad = new MemorySink();
    const good = new MemorySink();
    const snap = new Snapshot(ks, [good, bad], { rdb: { compress: true, checksum: true }, aux: AUX, sliceMs: 0.1 });
    const p = snap.start();
    bad.error = new Error('disk full');
    await assert.rejects(p, /disk full/);
    assert.ok(bad.aborted && good.aborted);
    assert.equal((ks as unknown as { observers: unknown[] }).observers.length, 0);
  });

  it('cancel() stops the walk and removes its observer', async () => {
    const ks = newKeyspace(1);
    fill(ks, 5000, rng(2), [0]);
    const sink = new MemorySink();
    const snap = new Snapshot(ks, [sink], { rdb: { compress: true, checksum: true }, aux: AUX, sliceMs: 0.05, keyDelayUs: 200 });
    const p = snap.start();
    await new Promise((res) => setTimeout(res, 5));
    snap.cancel('shutdown');
    await assert.rejects(p, /shutdown/);
    assert.ok(sink.aborted && !sink.finished);
    assert.equal((ks as unknown as { observers: unknown[] }).observers.length, 0);
  });
});
