// What an EXEC propagates to replicas and the AOF: its write effects as one unit, wrapped in
// MULTI/EXEC when there is more than one (a single write goes alone, as in Redis 7), nothing for
// read-only, aborted or failed transactions, expired-key deletions inside the unit. Against
// nodis the stream comes from an in-process PropagationTarget, against Redis from SYNC.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { startStringTarget, type StringTarget } from './string/target.js';

let t: StringTarget;
before(async () => { t = await startStringTarget({ 'enable-debug-command': 'local' }); });
after(async () => { await t.close(); });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('EXEC propagation', () => {
  it('a transaction with one write propagates that write alone', async () => {
    const c = t.client;
    const out = await t.propagated(async () => {
      await c.send('MULTI');
      await c.send('SET', 'pa', '1');
      await c.send('GET', 'pa');
      assert.deepEqual(await c.send('EXEC'), ['OK', '1']);
    });
    assert.deepEqual(out, [['SET', 'pa', '1']]);
  });

  it('several writes are wrapped in MULTI/EXEC; reads and failed commands are left out', async () => {
    const c = t.client;
    const out = await t.propagated(async () => {
      await c.send('MULTI');
      await c.send('SET', 'pb', 'x');
      await c.send('GET', 'pb');
      await c.send('INCR', 'pb'); // fails at runtime: nothing to propagate
      await c.send('APPEND', 'pb', 'y');
      await c.send('SELECT', '2');
      await c.send('SET', 'pb', 'in2');
      await c.send('SELECT', '0');
      await c.send('EXEC');
    });
    assert.deepEqual(out, [['MULTI'], ['SET', 'pb', 'x'], ['APPEND', 'pb', 'y'], ['SET', 'pb', 'in2'], ['EXEC']]);
  });

  it('read-only, empty, aborted and failed-WATCH transactions propagate nothing', async () => {
    const c = t.client;
    const other = await t.newClient();
    const out = await t.propagated(async () => {
      await c.send('MULTI');
      await c.send('GET', 'pc');
      await c.send('EXEC');
      await c.send('MULTI');
      await c.send('EXEC');
      await c.send('MULTI');
      await c.send('SET', 'pc', '1');
      await c.send('NOSUCHCMD');
      await c.send('EXEC');
      await c.send('MULTI');
      await c.send('SET', 'pc', '1');
      await c.send('DISCARD');
      await c.send('WATCH', 'pc');
      await other.send('GET', 'pc');
      await c.send('MULTI');
      await c.send('SET', 'pc', '2');
      await c.send('SET', 'pc2', '2');
      await other.send('SET', 'pc', 'theirs');
      assert.equal(await c.send('EXEC'), null);
    });
    assert.deepEqual(out, [['SET', 'pc', 'theirs']]);
    other.close();
  });

  it('a key found expired inside EXEC is deleted within the same unit', async () => {
    const c = t.client;
    await c.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.send('SET', 'pd', 'v', 'PX', '20');
    await sleep(50);
    const out = await t.propagated(async () => {
      await c.send('MULTI');
      await c.send('GET', 'pd');
      await c.send('SET', 'pd2', 'w');
      assert.deepEqual(await c.send('EXEC'), [null, 'OK']);
    });
    await c.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    assert.deepEqual(out, [['MULTI'], ['DEL', 'pd'], ['SET', 'pd2', 'w'], ['EXEC']]);
  });
});
