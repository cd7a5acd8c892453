// Becoming a replica (REPLICAOF host port) ends every blocked client's wait with
// "-UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)"
// and closes its connection after that reply (Redis's disconnectAllBlockedClients): BLPOP & co,
// BZPOPMIN, WAIT; also when a replica is pointed at another primary. Clients held by a pause
// are not blocked: they run once it ends. Promotion (REPLICAOF NO ONE) unblocks nobody.
// FAILOVER goes through the same path (test/integration/failover-unblock.test.ts).

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

const UNBLOCKED = 'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)';

let t: Target;
let c: TestClient;
const extra: TestClient[] = [];
before(async () => {
  t = await startTarget();
  c = await t.client();
});
after(async () => {
  await c.send('REPLICAOF', 'NO', 'ONE');
  for (const x of extra) x.close();
  c.close();
  await t.close();
});

const err = (v: unknown) => (v instanceof RespError ? v.message : `not an error: ${JSON.stringify(v)}`);

/** Sends a blocking command on a fresh client and resolves once the server parked it. */
async function parked(...args: (string | number)[]): Promise<{ client: TestClient; reply: Promise<RespValue> }> {
  const x = await t.client();
  extra.push(x);
  const id = Number(await x.send('CLIENT', 'ID'));
  const reply = x.send(...args);
  const deadline = Date.now() + 5000;
  for (;;) {
    const line = String(await c.send('CLIENT', 'LIST', 'ID', id));
    if (/ flags=\S*b/.test(line)) return { client: x, reply };
    if (Date.now() > deadline) throw new Error(`never parked: ${line}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function infoField(section: string, field: string): Promise<string | undefined> {
  const text = String(await c.send('INFO', section));
  return new RegExp(`^${field}:(.*)\\r$`, 'm').exec(text)?.[1];
}

describe('REPLICAOF host port with blocked clients', () => {
  it('ends every blocked command with UNBLOCKED and closes those connections', async () => {
    await c.send('CONFIG', 'RESETSTAT');
    await c.send('SET', 'w', '1');
    const blpop = await parked('BLPOP', 'l', 0);
    const blmove = await parked('BLMOVE', 'l', 'm', 'LEFT', 'RIGHT', 0);
    const bzpop = await parked('BZPOPMIN', 'z', 0);
    const brpop = await parked('BRPOP', 'l3', 0);
    // WAIT for a replica that does not exist: it waits forever.
    const waiter = await t.client();
    extra.push(waiter);
    assert.equal(await waiter.send('SET', 'mine', 'x'), 'OK');
    const wid = Number(await waiter.send('CLIENT', 'ID'));
    const wait = waiter.send('WAIT', 1, 0);
    for (let i = 0; !/ flags=\S*b/.test(String(await c.send('CLIENT', 'LIST', 'ID', wid))); i++) {
      assert.ok(i < 500, 'WAIT never parked');
      await new Promise((r) => setTimeout(r, 5));
    }
    // A pipelined command behind a blocked one is dropped with the connection.
    const piped = await t.client();
    extra.push(piped);
    const pipedReplies = piped.pipeline([['BLPOP', 'l2', 0], ['SET', 'after', 'blpop']]);
    for (let i = 0; Number(await infoField('clients', 'blocked_clients')) < 6; i++) {
      assert.ok(i < 500, 'the pipelined BLPOP never parked');
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(await infoField('clients', 'blocked_clients'), '6');

    const port = await freePort(); // nothing listens there
    assert.equal(await c.send('REPLICAOF', '127.0.0.1', port), 'OK');
    for (const b of [blpop, blmove, bzpop, brpop]) {
      assert.equal(err(await b.reply), UNBLOCKED);
      assert.ok(await b.client.waitClosed(), 'the connection is closed after the reply');
    }
    assert.equal(err(await wait), UNBLOCKED);
    assert.ok(await waiter.waitClosed());
    assert.ok(await piped.waitClosed());
    const pr = await pipedReplies;
    assert.equal(err(pr[0]), UNBLOCKED);
    assert.equal(err(pr[1]), 'connection closed');
    assert.equal(await c.send('EXISTS', 'after'), 0);
    assert.equal(await infoField('clients', 'blocked_clients'), '0');
    assert.equal(await infoField('errorstats', 'errorstat_UNBLOCKED'), 'count=6');
    // Redis 7.2 counts each as a failed call (unblockClientOnError); 7.0 did not.
    const blpopStats = await infoField('commandstats', 'cmdstat_blpop');
    assert.match(blpopStats ?? '', againstRedis ? /calls=2,.*failed_calls=0/ : /calls=2,.*failed_calls=2/);
    // The server itself goes on, now a replica.
    assert.equal(await c.send('GET', 'w'), '1');
    assert.equal((await c.send('ROLE') as RespValue[])[0], 'slave');
  });

  it('a replica pointed at another primary also ends blocked commands; promotion does not', async () => {
    // We are a replica from the previous test; a writable replica lets BLPOP block here.
    assert.equal((await c.send('ROLE') as RespValue[])[0], 'slave');
    assert.equal(await c.send('CONFIG', 'SET', 'replica-read-only', 'no'), 'OK');
    const first = await parked('BLPOP', 'r1', 0);
    assert.equal(await c.send('REPLICAOF', 'NO', 'ONE'), 'OK');
    // Still parked after the promotion, served by a write.
    assert.equal(await infoField('clients', 'blocked_clients'), '1');
    await c.send('RPUSH', 'r1', 'v');
    assert.deepEqual(await first.reply, ['r1', 'v']);

    assert.equal(await c.send('REPLICAOF', '127.0.0.1', await freePort()), 'OK');
    const second = await parked('BLPOP', 'r2', 0);
    assert.equal(await c.send('REPLICAOF', '127.0.0.1', await freePort()), 'OK');
    assert.equal(err(await second.reply), UNBLOCKED);
    assert.ok(await second.client.waitClosed());
    assert.equal(await c.send('REPLICAOF', 'NO', 'ONE'), 'OK');
    assert.equal(await c.send('CONFIG', 'SET', 'replica-read-only', 'yes'), 'OK');
  });

  it('clients held by CLIENT PAUSE are not blocked: they run after it (and get READONLY)', async () => {
    assert.equal(await c.send('CLIENT', 'PAUSE', 100000, 'WRITE'), 'OK');
    const w = await t.client();
    extra.push(w);
    const wid = Number(await w.send('CLIENT', 'ID'));
    const set = w.send('SET', 'paused', 'write');
    // The SET arrived and waits (CLIENT LIST names it as the client's command).
    for (let i = 0; !/ cmd=set /.test(String(await c.send('CLIENT', 'LIST', 'ID', wid))); i++) {
      assert.ok(i < 500, 'never paused');
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.equal(await c.send('REPLICAOF', '127.0.0.1', await freePort()), 'OK');
    assert.equal(await c.send('CLIENT', 'UNPAUSE'), 'OK');
    assert.match(err(await set), /^READONLY /);
    // Still connected.
    assert.equal(await w.send('PING'), 'PONG');
    assert.equal(await c.send('REPLICAOF', 'NO', 'ONE'), 'OK');
  });
});
