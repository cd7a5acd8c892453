// WAIT on a primary without replicas, against nodis and real Redis alike: it parks like any
// blocking command (INFO blocked_clients, the timeout table, CLIENT LIST flag b), waits out its
// millisecond timeout and answers the count reached, ends early on CLIENT UNBLOCK (TIMEOUT: the
// count; ERROR: -UNBLOCKED), counts once in commandstats, answers at once inside MULTI, and reads
// its arguments as Redis does. Replicas acknowledging are in test/integration/primary-wait.test.ts.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { waitFor } from '../helpers/raw-socket.js';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let t: Target;
let c: TestClient;
const extra: TestClient[] = [];
before(async () => {
  t = await startTarget();
  c = await t.client();
});
after(async () => {
  for (const x of extra) x.close();
  c.close();
  await t.close();
});

const err = (v: unknown) => (v instanceof RespError ? v.message : `not an error: ${String(v)}`);

async function client(): Promise<TestClient> {
  const x = await t.client();
  extra.push(x);
  return x;
}

async function infoField(field: string): Promise<string> {
  const text = String(await c.send('INFO', 'everything'));
  const line = text.split('\r\n').find((l) => l.startsWith(`${field}:`));
  return line === undefined ? '' : line.slice(field.length + 1);
}

/** Sends WAIT on a fresh client (after a write of its own) and returns once it is parked. */
async function parkedWait(numreplicas: number, timeout: number): Promise<{ reply: Promise<unknown>; id: number; x: TestClient }> {
  const x = await client();
  const id = (await x.send('CLIENT', 'ID')) as number;
  assert.equal(await x.send('SET', `w${id}`, 'v'), 'OK');
  const reply = x.send('WAIT', numreplicas, timeout);
  const ok = await waitFor(async () => String(await c.send('CLIENT', 'LIST', 'ID', id)).includes('cmd=wait'));
  assert.ok(ok, 'WAIT never parked');
  return { reply, id, x };
}

describe('WAIT without replicas', () => {
  it('answers at once when the count is enough', async () => {
    assert.equal(await c.send('WAIT', 0, 0), 0);
    assert.equal(await c.send('SET', 'k', 'v'), 'OK');
    assert.equal(await c.send('WAIT', 0, 0), 0);
    assert.equal(await c.send('WAIT', -3, 100), 0);
  });

  it('waits out its timeout in milliseconds and answers the count, serving others meanwhile', async () => {
    const start = Date.now();
    const p = c.send('WAIT', 1, 250);
    const other = await client();
    assert.equal(await other.send('PING'), 'PONG');
    assert.equal(await p, 0);
    assert.ok(Date.now() - start >= 240, `WAIT returned after ${Date.now() - start} ms`);
  });

  it('counts as a blocked client, in the timeout table only with a timeout', async () => {
    const a = await parkedWait(1, 0);
    assert.equal(await infoField('blocked_clients'), '1');
    assert.equal(await infoField('clients_in_timeout_table'), '0');
    assert.match(String(await c.send('CLIENT', 'LIST', 'ID', a.id)), / flags=b /);
    const b = await parkedWait(1, 100000);
    assert.equal(await infoField('blocked_clients'), '2');
    assert.equal(await infoField('clients_in_timeout_table'), '1');
    assert.equal(await c.send('CLIENT', 'UNBLOCK', a.id), 1);
    assert.equal(await c.send('CLIENT', 'UNBLOCK', b.id), 1);
    assert.equal(await a.reply, 0);
    assert.equal(await b.reply, 0);
    assert.equal(await infoField('blocked_clients'), '0');
    assert.equal(await infoField('clients_in_timeout_table'), '0');
  });

  it('ends on CLIENT UNBLOCK: TIMEOUT answers the count, ERROR -UNBLOCKED; counted once', async () => {
    assert.equal(await c.send('CONFIG', 'RESETSTAT'), 'OK');
    const a = await parkedWait(1, 0);
    assert.equal(await c.send('CLIENT', 'UNBLOCK', a.id, 'TIMEOUT'), 1);
    assert.equal(await a.reply, 0);
    // The client goes on normally afterwards.
    assert.equal(await a.x.send('PING'), 'PONG');
    const b = await parkedWait(2, 60000);
    assert.equal(await c.send('CLIENT', 'UNBLOCK', b.id, 'ERROR'), 1);
    assert.equal(err(await b.reply), 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
    // A client that is not parked is not unblocked.
    assert.equal(await c.send('CLIENT', 'UNBLOCK', b.id), 0);
    const stats = String(await c.send('INFO', 'commandstats'));
    // Redis 7.2 counts an UNBLOCK TIMEOUT as a success; 7.0 counted every CLIENT UNBLOCK of a
    // WAIT as a failed call.
    const failed = againstRedis ? 2 : 1;
    assert.match(stats, new RegExp(`cmdstat_wait:calls=2,usec=\\d+,usec_per_call=[\\d.]+,rejected_calls=0,failed_calls=${failed}\r`));
  });

  it('runs what the client pipelined behind it once it ends', async () => {
    const x = await client();
    const id = (await x.send('CLIENT', 'ID')) as number;
    await x.send('SET', 'pipe', '1');
    const replies = x.pipeline([['WAIT', 1, 0], ['INCR', 'pipe']]);
    assert.ok(await waitFor(async () => String(await c.send('CLIENT', 'LIST', 'ID', id)).includes('cmd=wait')));
    assert.equal(await c.send('GET', 'pipe'), '1');
    assert.equal(await c.send('CLIENT', 'UNBLOCK', id), 1);
    assert.deepEqual(await replies, [0, 2]);
  });

  it('answers at once inside MULTI', async () => {
    assert.equal(await c.send('MULTI'), 'OK');
    assert.equal(await c.send('SET', 'm', '1'), 'QUEUED');
    assert.equal(await c.send('WAIT', 5, 0), 'QUEUED');
    assert.deepEqual(await c.send('EXEC'), ['OK', 0]);
  });

  it('checks its arguments as Redis does (timeout: whole milliseconds)', async () => {
    assert.equal(err(await c.send('WAIT', 1)), "ERR wrong number of arguments for 'wait' command");
    assert.equal(err(await c.send('WAIT', 1, 2, 3)), "ERR wrong number of arguments for 'wait' command");
    assert.equal(err(await c.send('WAIT', 'x', 0)), 'ERR value is not an integer or out of range');
    assert.equal(err(await c.send('WAIT', 'x', 'y')), 'ERR value is not an integer or out of range');
    assert.equal(err(await c.send('WAIT', 1, 'y')), 'ERR timeout is not an integer or out of range');
    assert.equal(err(await c.send('WAIT', 1, '1.5')), 'ERR timeout is not an integer or out of range');
    assert.equal(err(await c.send('WAIT', 1, '99999999999999999999')), 'ERR timeout is not an integer or out of range');
    assert.equal(err(await c.send('WAIT', 1, -1)), 'ERR timeout is negative');
    // Redis 7.2 refuses a deadline past LLONG_MAX; 7.0 overflowed into a wait.
    if (!againstRedis) assert.equal(err(await c.send('WAIT', 1, '9223372036854775807')), 'ERR timeout is out of range');
  });
});
