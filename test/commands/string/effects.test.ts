// What STRING commands propagate (replicas, AOF) and which keyspace events they fire. Against
// nodis the stream is read from a PropagationTarget attached in-process; against Redis from a
// SYNC replication connection, so the same expectations are checked on both.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { againstRedis } from '../../helpers/server.js';
import { startStringTarget, type StringTarget } from './target.js';

let t: StringTarget;
before(async () => { t = await startStringTarget(); });
after(async () => { await t.close(); });

/**
 * Asserts an absolute ms time within [lo, hi] (give or take a second: servers may use a cached
 * clock) and returns argv with it replaced by 'T'.
 */
function absolute(argv: string[], at: number, lo: number, hi: number): string[] {
  const v = Number(argv[at]);
  lo -= 1000;
  hi += 1000;
  assert.ok(v >= lo && v <= hi, `${argv.join(' ')}: ${v} not in [${lo}, ${hi}]`);
  return argv.map((a, i) => (i === at ? 'T' : a));
}

describe('propagation', () => {
  it('relative and absolute expires leave as SET ... PXAT', async () => {
    const c = t.client;
    const before = Date.now();
    const exat = Math.floor(before / 1000) + 500;
    const out = await t.propagated(async () => {
      await c.send('SET', 'p1', 'v', 'EX', '100');
      await c.send('SET', 'p1', 'v', 'px', '5000', 'NX');
      await c.send('SET', 'p1', 'v', 'XX', 'PX', '5000', 'GET');
      await c.send('SET', 'p1', 'w', 'EXAT', String(exat));
      await c.send('set', 'p1', 'w', 'PXAT', '99999999999999', 'get');
      await c.send('SETEX', 'p2', '100', 'v');
      // A long TTL: a key expiring during a later test would add an 'expired' event and a DEL there.
      await c.send('PSETEX', 'p2', '100000', 'v');
    });
    const now = Date.now();
    assert.deepEqual(absolute(out[0]!, 4, before + 100000, now + 100000), ['SET', 'p1', 'v', 'PXAT', 'T']);
    // NX refused the second SET: nothing propagated for it.
    assert.deepEqual(absolute(out[1]!, 4, before + 5000, now + 5000), ['SET', 'p1', 'v', 'PXAT', 'T']);
    assert.deepEqual(out[2], ['SET', 'p1', 'w', 'PXAT', String(exat * 1000)]);
    // PXAT is already absolute. Redis 7.2 propagates it as received (GET included: it skips
    // the rewrite for PXAT); the 7.0 oracle still rewrote every expiring SET.
    assert.deepEqual(out[3], againstRedis
      ? ['SET', 'p1', 'w', 'PXAT', '99999999999999']
      : ['set', 'p1', 'w', 'PXAT', '99999999999999', 'get']);
    assert.deepEqual(absolute(out[4]!, 4, before + 100000, now + 100000), ['SET', 'p2', 'v', 'PXAT', 'T']);
    assert.deepEqual(absolute(out[5]!, 4, before + 100000, now + 100000), ['SET', 'p2', 'v', 'PXAT', 'T']);
    assert.equal(out.length, 6);
  });

  it('SET without expire drops every GET; other commands go as received', async () => {
    const c = t.client;
    const out = await t.propagated(async () => {
      await c.send('SET', 'p3', 'get', 'GET', 'KEEPTTL', 'get');
      await c.send('SET', 'p3', 'v', 'NX');
      await c.send('SETNX', 'p3', 'v');
      await c.send('MSET', 'p3', '1', 'p4', '2');
      await c.send('MSETNX', 'p3', '1', 'p5', '2');
      await c.send('APPEND', 'p3', 'x');
      await c.send('SETRANGE', 'p3', '0', 'y');
      await c.send('SETRANGE', 'p3', '0', '');
      await c.send('INCR', 'p6');
      await c.send('DECRBY', 'p6', '5');
    });
    assert.deepEqual(out, [
      ['SET', 'p3', 'get', 'KEEPTTL'],
      ['MSET', 'p3', '1', 'p4', '2'],
      ['APPEND', 'p3', 'x'],
      ['SETRANGE', 'p3', '0', 'y'],
      ['INCR', 'p6'],
      ['DECRBY', 'p6', '5'],
    ]);
  });

  it('GETSET, GETDEL, INCRBYFLOAT and GETEX are rewritten', async () => {
    const c = t.client;
    const before = Date.now();
    const out = await t.propagated(async () => {
      await c.send('GETSET', 'p7', 'a');
      await c.send('INCRBYFLOAT', 'p8', '10.5');
      await c.send('INCRBYFLOAT', 'p8', '0.1');
      await c.send('GETDEL', 'p7');
      await c.send('GETDEL', 'p7');
      await c.send('GETEX', 'p8');
      await c.send('GETEX', 'p8', 'EX', '100');
      await c.send('GETEX', 'p8', 'PXAT', '99999999999999');
      await c.send('GETEX', 'p8', 'PERSIST');
      await c.send('GETEX', 'p8', 'PERSIST');
      await c.send('GETEX', 'p8', 'EXAT', '1');
    });
    const now = Date.now();
    assert.deepEqual(out.slice(0, 4), [
      ['SET', 'p7', 'a'],
      ['SET', 'p8', '10.5', 'KEEPTTL'],
      ['SET', 'p8', '10.6', 'KEEPTTL'],
      ['DEL', 'p7'],
    ]);
    assert.deepEqual(absolute(out[4]!, 2, before + 100000, now + 100000), ['PEXPIREAT', 'p8', 'T']);
    assert.deepEqual(out.slice(5), [
      ['PEXPIREAT', 'p8', '99999999999999'],
      ['PERSIST', 'p8'],
      ['DEL', 'p8'],
    ]);
  });
});

describe('keyspace events', () => {
  it('fires the events Redis fires', async () => {
    const c = t.client;
    await t.del('e1', 'e2', 'e3');
    const events = await t.events(async () => {
      await c.send('SET', 'e1', 'v');
      await c.send('SET', 'e1', 'v', 'EX', '100');
      await c.send('SET', 'e1', 'v', 'NX');
      await c.send('GETEX', 'e1', 'PERSIST');
      await c.send('GETEX', 'e1', 'PX', '100000');
      await c.send('APPEND', 'e1', 'x');
      await c.send('SETRANGE', 'e1', '0', 'y');
      await c.send('INCR', 'e2');
      await c.send('DECR', 'e2');
      await c.send('INCRBYFLOAT', 'e2', '1.5');
      await c.send('MSET', 'e1', '1', 'e3', '2');
      await c.send('GETSET', 'e3', '3');
      await c.send('GETDEL', 'e3');
      await c.send('SETEX', 'e3', '10', 'v');
      await c.send('GETEX', 'e3', 'EXAT', '1');
    });
    assert.deepEqual(events, [
      'set e1', 'set e1', 'expire e1', 'persist e1', 'expire e1', 'append e1', 'setrange e1',
      'incrby e2', 'incrby e2', 'incrbyfloat e2', 'set e1', 'set e3', 'set e3', 'del e3',
      'set e3', 'expire e3', 'del e3',
    ]);
  });
});
