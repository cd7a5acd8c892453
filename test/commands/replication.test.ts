// REPLICAOF / SLAVEOF / ROLE as commands, against nodis and real Redis alike: argument errors,
// the master form of ROLE, following an unreachable primary (ROLE's replica form, READONLY,
// MASTERDOWN with replica-serve-stale-data no, HELLO's role) and REPLICAOF NO ONE.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let t: Target;
let c: TestClient;
before(async () => {
  t = await startTarget();
  c = await t.client();
});
after(async () => {
  await c.send('REPLICAOF', 'NO', 'ONE');
  c.close();
  await t.close();
});

const err = (v: unknown) => (v instanceof RespError ? v.message : `not an error: ${String(v)}`);

describe('REPLICAOF arguments', () => {
  it('rejects wrong arity and bad ports', async () => {
    assert.equal(err(await c.send('REPLICAOF', 'a')), "ERR wrong number of arguments for 'replicaof' command");
    assert.equal(err(await c.send('SLAVEOF', 'a', 'b', 'c')), "ERR wrong number of arguments for 'slaveof' command");
    assert.equal(err(await c.send('REPLICAOF', '127.0.0.1', 'abc')), 'ERR Invalid master port');
    assert.equal(err(await c.send('REPLICAOF', '127.0.0.1', '70000')), 'ERR Invalid master port');
    assert.equal(err(await c.send('REPLICAOF', '127.0.0.1', '-1')), 'ERR Invalid master port');
    assert.equal(err(await c.send('ROLE', 'x')), "ERR wrong number of arguments for 'role' command");
  });

  it('NO ONE on a primary is a no-op OK; ROLE has the master form', async () => {
    assert.equal(await c.send('REPLICAOF', 'no', 'one'), 'OK');
    const role = (await c.send('ROLE')) as unknown[];
    assert.equal(role[0], 'master');
    assert.equal(typeof role[1], 'number');
    assert.deepEqual(role[2], []);
  });
});

describe('following a primary that is not there', () => {
  it('reports the replica state, refuses writes, and serves stale data as configured', async () => {
    const port = await freePort(); // nothing listens there
    assert.equal(await c.send('SET', 'k', 'v'), 'OK');
    assert.equal(await c.send('SLAVEOF', '127.0.0.1', port), 'OK');
    assert.equal(await c.send('REPLICAOF', '127.0.0.1', port), 'OK Already connected to specified master');
    const role = (await c.send('ROLE')) as unknown[];
    assert.deepEqual(role.slice(0, 3), ['slave', '127.0.0.1', port]);
    assert.ok(['connect', 'connecting'].includes(role[3] as string), String(role[3]));
    assert.equal(role[4], -1);
    assert.equal(err(await c.send('SET', 'k', 'w')), "READONLY You can't write against a read only replica.");
    assert.equal(await c.send('GET', 'k'), 'v');
    const hello = (await c.send('HELLO', '2')) as string[];
    assert.equal(hello[hello.indexOf('role') + 1], 'replica');
    assert.equal(await c.send('CONFIG', 'SET', 'replica-serve-stale-data', 'no'), 'OK');
    assert.equal(err(await c.send('GET', 'k')), "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
    assert.equal(err(await c.send('PING')), "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'.");
    assert.match((await c.send('INFO', 'replication')) as string, /role:slave\r\nmaster_host:127\.0\.0\.1\r\nmaster_port:\d+\r\nmaster_link_status:down\r\n/);
    assert.equal(await c.send('CONFIG', 'SET', 'replica-serve-stale-data', 'yes'), 'OK');
    assert.equal(await c.send('CONFIG', 'SET', 'replica-read-only', 'no'), 'OK');
    assert.equal(await c.send('SET', 'k', 'w'), 'OK');
    assert.equal(await c.send('CONFIG', 'SET', 'replica-read-only', 'yes'), 'OK');
    assert.equal(await c.send('REPLICAOF', 'NO', 'ONE'), 'OK');
    assert.equal(await c.send('SET', 'k', 'x'), 'OK');
    const info = (await c.send('INFO', 'replication')) as string;
    assert.match(info, /^# Replication\r\nrole:master\r\nconnected_slaves:0\r\n/);
    assert.match(info, /master_replid2:[0-9a-f]{40}\r\n/);
    assert.doesNotMatch(info, /master_replid2:0{40}/); // the old history is kept as replid2
    const hello2 = (await c.send('HELLO', '2')) as string[];
    assert.equal(hello2[hello2.indexOf('role') + 1], 'master');
  });
});
