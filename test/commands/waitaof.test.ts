// WAITAOF's arguments, errors and immediate answers (Redis 7.2). The 7.0 oracle has no WAITAOF,
// so this file runs against nodis only; test/integration/waitaof.test.ts covers fsyncs and
// replicas with real processes.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let t: Target;
let c: TestClient;
before(async () => {
  if (againstRedis) return;
  t = await startTarget();
  c = await t.client();
});
after(async () => {
  if (againstRedis) return;
  c.close();
  await t.close();
});

const err = (v: unknown) => (v instanceof RespError ? v.message : `not an error: ${JSON.stringify(v)}`);

describe('WAITAOF (7.2; the 7.0 oracle lacks it)', { skip: againstRedis }, () => {
  it('checks its arguments in Redis order', async () => {
    assert.equal(err(await c.send('WAITAOF', 0, 0)), "ERR wrong number of arguments for 'waitaof' command");
    assert.equal(err(await c.send('WAITAOF', 'x', 0, 0)), 'ERR value is not an integer or out of range');
    assert.equal(err(await c.send('WAITAOF', 2, 0, 0)), 'ERR value is out of range, value must between 0 and 1');
    assert.equal(err(await c.send('WAITAOF', -1, 0, 0)), 'ERR value is out of range, value must between 0 and 1');
    assert.equal(err(await c.send('WAITAOF', 0, 'x', 0)), 'ERR value is not an integer or out of range');
    assert.equal(err(await c.send('WAITAOF', 0, -1, 100)), 'ERR value is out of range, must be positive');
    assert.equal(err(await c.send('WAITAOF', 0, 0, 'x')), 'ERR timeout is not an integer or out of range');
    assert.equal(err(await c.send('WAITAOF', 0, 0, -1)), 'ERR timeout is negative');
    assert.equal(err(await c.send('WAITAOF', 1, 0, 0)), 'ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.');
  });

  it('answers [0, 0] at once when nothing is asked, and inside MULTI without blocking', async () => {
    await c.send('SET', 'k', 'v');
    assert.deepEqual(await c.send('WAITAOF', 0, 0, 0), [0, 0]);
    assert.equal(await c.send('MULTI'), 'OK');
    assert.equal(await c.send('WAITAOF', 0, 1, 0), 'QUEUED');
    assert.deepEqual(await c.send('EXEC'), [[0, 0]]);
  });

  it('times out with the counts reached: no replica acknowledges anything', async () => {
    const start = Date.now();
    assert.deepEqual(await c.send('WAITAOF', 0, 1, 100), [0, 0]);
    assert.ok(Date.now() - start >= 90);
  });

  it('is refused on a replica', async () => {
    assert.equal(await c.send('REPLICAOF', '127.0.0.1', await freePort()), 'OK');
    assert.equal(err(await c.send('WAITAOF', 0, 0, 0)),
      'ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are just local and are not propagated.');
    assert.equal(await c.send('REPLICAOF', 'NO', 'ONE'), 'OK');
  });
});
