// WAITAOF between real processes (Redis 7.2; nodis only, the 7.0 oracle lacks the command): the
// local count follows our own fsyncs under each appendfsync policy, a parked local wait fails when
// AOF is turned off, replicas count once the FACK of their ACKs covers the write (not before
// their fsync, not while stopped), a replica without AOF never counts, a wait is released when a
// replica finishes a full sync (its AOF restarts from the loaded data), and with AOF on and no
// backlog every write still moves master_repl_offset. A redis-server 7.0 replica (no FACK) never
// counts, and a nodis replica with AOF on keeps following a redis-server primary.

import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { inSync } from '../helpers/primary.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import { RespError, type TestClient } from '../helpers/resp-client.js';

const servers: ChildServer[] = [];
const clients: TestClient[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) {
    try { s.proc.kill('SIGCONT'); } catch { /* gone */ }
    await s.stop();
  }
});

const AOF = ['--appendonly', 'yes', '--auto-aof-rewrite-percentage', '0'];

async function start(args: string[], kind: 'nodis' | 'redis' = 'nodis'): Promise<[ChildServer, TestClient]> {
  const s = kind === 'nodis' ? await startNodis(args) : await startRedis(args);
  servers.push(s);
  const c = await s.client();
  clients.push(c);
  return [s, c];
}

async function client(s: ChildServer): Promise<TestClient> {
  const c = await s.client();
  clients.push(c);
  return c;
}

const msg = (v: unknown) => (v instanceof RespError ? v.message : JSON.stringify(v));

describe('WAITAOF on a primary without replicas', () => {
  it('counts the local AOF once an fsync covers the write, per appendfsync policy', async () => {
    const [s, c] = await start(AOF);
    await waitInfo(c, 'aof_rewrite_in_progress', '0');
    // Redis 7.2: with AOF on and no backlog, each propagated command moves the offset by one.
    const o0 = Number(await info(c, 'master_repl_offset'));
    await c.send('INCR', 'foo');
    await c.send('INCR', 'foo');
    assert.equal(Number(await info(c, 'master_repl_offset')), o0 + 2);

    assert.equal(await c.send('CONFIG', 'SET', 'appendfsync', 'no'), 'OK');
    await c.send('INCR', 'foo');
    assert.deepEqual(await c.send('WAITAOF', 1, 0, 50), [0, 0]);

    assert.equal(await c.send('CONFIG', 'SET', 'appendfsync', 'everysec'), 'OK');
    await c.send('INCR', 'foo');
    assert.deepEqual(await c.send('WAITAOF', 1, 0, 0), [1, 0]);

    assert.equal(await c.send('CONFIG', 'SET', 'appendfsync', 'always'), 'OK');
    await c.send('INCR', 'foo');
    assert.deepEqual(await c.send('WAITAOF', 1, 0, 0), [1, 0]);
    // A client that wrote nothing waits for nothing.
    const other = await client(s);
    assert.deepEqual(await other.send('WAITAOF', 1, 0, 0), [1, 0]);
  });

  it('a parked local wait fails when AOF is turned off', async () => {
    const [s, c] = await start([...AOF, '--appendfsync', 'no']);
    await waitInfo(c, 'aof_rewrite_in_progress', '0');
    const w = await client(s);
    await w.send('INCR', 'foo');
    const reply = w.send('WAITAOF', 1, 0, 0);
    await waitInfo(c, 'blocked_clients', '1');
    assert.equal(await c.send('CONFIG', 'SET', 'appendonly', 'no'), 'OK');
    assert.equal(msg(await reply), 'ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.');
    assert.equal(msg(await c.send('WAITAOF', 1, 0, 0)), 'ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.');
  });
});

describe('WAITAOF with a nodis replica', () => {
  it('counts the replica once its FACK covers the write', async () => {
    const [p, pc] = await start([...AOF, '--appendfsync', 'always', '--repl-diskless-sync-delay', '0']);
    const [r, rc] = await start([...AOF, '--appendfsync', 'no']);
    await waitInfo(pc, 'aof_rewrite_in_progress', '0');

    // A wait for a replica that is not there yet is released when it finishes its full sync:
    // its AOF restarts from the loaded data, and the FACK of its ACKs covers the write.
    const w = await client(p);
    await w.send('INCR', 'foo');
    const early = w.send('WAITAOF', 0, 1, 0);
    await waitInfo(pc, 'blocked_clients', '1');
    assert.equal(await rc.send('REPLICAOF', '127.0.0.1', p.port), 'OK');
    assert.deepEqual(await early, [1, 1]);
    await waitInfo(rc, 'master_link_status', 'up');
    await waitInfo(rc, 'aof_rewrite_in_progress', '0');
    await inSync(pc, rc);

    // appendfsync no on the replica: received, never fsynced.
    await pc.send('INCR', 'foo');
    assert.deepEqual(await pc.send('WAITAOF', 0, 1, 100), [1, 0]);
    // WAIT counts it all the same (received is enough there).
    assert.equal(await pc.send('WAIT', 1, 1000), 1);

    assert.equal(await rc.send('CONFIG', 'SET', 'appendfsync', 'everysec'), 'OK');
    await pc.send('INCR', 'foo');
    assert.deepEqual(await pc.send('WAITAOF', 0, 1, 0), [1, 1]);

    assert.equal(await rc.send('CONFIG', 'SET', 'appendfsync', 'always'), 'OK');
    await pc.send('INCR', 'foo');
    assert.deepEqual(await pc.send('WAITAOF', 1, 1, 0), [1, 1]);

    // A stopped replica acknowledges nothing; resumed, it does.
    r.proc.kill('SIGSTOP');
    await pc.send('INCR', 'foo');
    assert.deepEqual(await pc.send('WAITAOF', 0, 1, 100), [1, 0]);
    r.proc.kill('SIGCONT');
    assert.deepEqual(await pc.send('WAITAOF', 0, 1, 0), [1, 1]);

    // Two clients parked on the same replica are both released by its ACK.
    const [a, b] = [await client(p), await client(p)];
    r.proc.kill('SIGSTOP');
    await a.send('INCR', 'foo');
    await b.send('INCR', 'foo');
    const ra = a.send('WAITAOF', 0, 1, 0);
    const rb = b.send('WAITAOF', 0, 1, 0);
    await waitInfo(pc, 'blocked_clients', '2');
    r.proc.kill('SIGCONT');
    assert.deepEqual(await ra, [1, 1]);
    assert.deepEqual(await rb, [1, 1]);

    // Without AOF the replica sends no FACK: it never counts.
    assert.equal(await rc.send('CONFIG', 'SET', 'appendonly', 'no'), 'OK');
    await pc.send('INCR', 'foo');
    assert.deepEqual(await pc.send('WAITAOF', 1, 1, 200), [1, 0]);
    // On the replica itself WAITAOF is refused.
    assert.match(msg(await rc.send('WAITAOF', 0, 0, 0)), /^ERR WAITAOF cannot be used with replica instances/);
    // Back on, it counts once its rewrite finished.
    assert.equal(await rc.send('CONFIG', 'SET', 'appendonly', 'yes'), 'OK');
    await waitInfo(rc, 'aof_rewrite_in_progress', '0');
    await pc.send('INCR', 'foo');
    assert.deepEqual(await pc.send('WAITAOF', 1, 1, 0), [1, 1]);
    assert.equal(await rc.send('GET', 'foo'), await pc.send('GET', 'foo'));
  });
});

describe('WAITAOF with redis-server 7.0 around', { skip: !redisAvailable() }, () => {
  it('a redis-server replica sends no FACK and never counts', async () => {
    const [p, pc] = await start([...AOF, '--appendfsync', 'always', '--repl-diskless-sync-delay', '0']);
    const [, rc] = await start(['--appendonly', 'yes'], 'redis');
    assert.equal(await rc.send('REPLICAOF', '127.0.0.1', p.port), 'OK');
    await waitInfo(rc, 'master_link_status', 'up');
    await pc.send('INCR', 'foo');
    assert.equal(await pc.send('WAIT', 1, 2000), 1);
    assert.deepEqual(await pc.send('WAITAOF', 1, 1, 200), [1, 0]);
  });

  it('a nodis replica with AOF on (its ACKs carry FACK) keeps following a redis-server primary', async () => {
    const [p, pc] = await start(['--repl-diskless-sync-delay', '0'], 'redis');
    const [r, rc] = await start([...AOF, '--appendfsync', 'always']);
    assert.equal(await rc.send('REPLICAOF', '127.0.0.1', p.port), 'OK');
    await waitInfo(rc, 'master_link_status', 'up');
    for (let i = 0; i < 20; i++) await pc.send('INCR', 'n');
    assert.equal(await pc.send('WAIT', 1, 2000), 1);
    await inSync(pc, rc);
    assert.equal(await rc.send('GET', 'n'), '20');
    assert.ok(await waitFor(async () => /state=online/.test(String(await info(pc, 'slave0'))), 5000));
    assert.ok(!/Protocol error|syntax error/i.test(p.output()), p.output());
    assert.equal(r.proc.exitCode, null);
  });
});
