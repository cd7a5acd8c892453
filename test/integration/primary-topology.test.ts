// Replication topologies with nodis as the primary: nodis → nodis and a chain nodis → nodis →
// redis-server under a write load (the middle replica proxies its primary's stream to its own
// replica), ending with equal DEBUG DIGESTs; several replicas sharing one socket image while one
// of them is stopped (SIGSTOP) and dropped after repl-timeout without stalling the others; a
// replica killed in the middle of its transfer (the image is abandoned, the primary goes on).

import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { inSync, writeLoad } from '../helpers/primary.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import type { TestClient } from '../helpers/resp-client.js';

const skip = !redisAvailable();

/** Stops servers and closes clients created by a test, whatever happens. */
function cleanup(): { servers: ChildServer[]; clients: TestClient[]; run(): Promise<void> } {
  const servers: ChildServer[] = [];
  const clients: TestClient[] = [];
  return {
    servers, clients,
    async run() {
      for (const c of clients) c.close();
      for (const s of servers) {
        try { s.proc.kill('SIGCONT'); } catch { /* gone */ }
        await s.stop();
      }
    },
  };
}

describe('nodis → nodis → redis-server chain under a write load', { skip }, () => {
  const env = cleanup();
  after(() => env.run());

  it('ends with equal digests on all three', async () => {
    const a = await startNodis(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '0']);
    const b = await startNodis(['--enable-debug-command', 'yes', '--repl-diskless-sync', 'no']);
    const c = await startRedis(['--enable-debug-command', 'yes']);
    env.servers.push(c, b, a);
    const [pa, pb, pc, load] = [await a.client(), await b.client(), await c.client(), await a.client()];
    env.clients.push(pa, pb, pc, load);
    await pa.send('DEBUG', 'POPULATE', 20000, 'pre', 50);
    const w = writeLoad(load, 'w');
    assert.equal(await pb.send('REPLICAOF', '127.0.0.1', a.port), 'OK');
    await waitInfo(pb, 'master_link_status', 'up');
    assert.equal(await pc.send('REPLICAOF', '127.0.0.1', b.port), 'OK');
    await waitInfo(pc, 'master_link_status', 'up');
    // The sub-replica shares the top primary's history.
    assert.equal(await info(pc, 'master_replid'), await info(pa, 'master_replid'));
    assert.ok(await waitFor(async () => Number(await info(pc, 'slave_repl_offset')) > Number(await info(pb, 'master_repl_offset')) - 1e6, 10000));
    const writes = await w.stop();
    assert.ok(writes > 0);
    await pa.send('SET', 'last', 'write');
    await inSync(pa, pb);
    await inSync(pa, pc);
    const digest = await pa.send('DEBUG', 'DIGEST');
    assert.equal(await pb.send('DEBUG', 'DIGEST'), digest);
    assert.equal(await pc.send('DEBUG', 'DIGEST'), digest);
    assert.equal(await pc.send('GET', 'last'), 'write');
    assert.match(await info(pb, 'slave0') ?? '', new RegExp(`port=${c.port},state=online`));
    assert.match(await info(pa, 'slave0') ?? '', new RegExp(`port=${b.port},state=online`));
    // The middle replica's sub-replica is dropped when it is promoted, then continues (PSYNC2).
    const partialBefore = Number(await info(pb, 'sync_partial_ok'));
    assert.equal(await pb.send('REPLICAOF', 'NO', 'ONE'), 'OK');
    await waitInfo(pb, 'sync_partial_ok', String(partialBefore + 1));
    await pb.send('SET', 'promoted', 'yes');
    await inSync(pb, pc);
    assert.equal(await pc.send('GET', 'promoted'), 'yes');
    assert.equal(await info(pc, 'master_replid'), await info(pb, 'master_replid'));
  });
});

describe('several replicas sharing a socket image, one of them stopped', { skip }, () => {
  const env = cleanup();
  after(() => env.run());

  it('drops the stopped replica after repl-timeout while the others complete', async () => {
    const p = await startNodis(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '2', '--repl-timeout', '2']);
    env.servers.push(p);
    const pc = await p.client();
    env.clients.push(pc);
    // Large enough that a replica that does not read fills the socket buffers.
    await pc.send('DEBUG', 'POPULATE', 200000, 'key', 200);
    const replicas: ChildServer[] = [];
    for (let i = 0; i < 3; i++) replicas.push(await startRedis(['--replicaof', '127.0.0.1', String(p.port)]));
    env.servers.push(...replicas);
    // All three wait for the same image; stop one of them before it starts.
    await waitInfo(pc, 'slave2', (v) => v !== undefined && v.includes('state=wait_bgsave'), 5000);
    replicas[2]!.proc.kill('SIGSTOP');
    const clients = [await replicas[0]!.client(), await replicas[1]!.client()];
    env.clients.push(...clients);
    for (const c of clients) await waitInfo(c, 'master_link_status', 'up', 15000);
    assert.equal((p.output().match(/Starting BGSAVE for SYNC with target: replicas sockets/g) ?? []).length, 1);
    assert.ok(await waitFor(() => /Disconnecting timedout replica \(full sync\)/.test(p.output()), 10000), p.output());
    await waitInfo(pc, 'connected_slaves', '2');
    await pc.send('SET', 'after', 'drop');
    for (const c of clients) await inSync(pc, c);
    // Resumed, the dropped replica syncs again.
    replicas[2]!.proc.kill('SIGCONT');
    const third = await replicas[2]!.client();
    env.clients.push(third);
    await waitInfo(third, 'master_link_status', 'up', 20000);
    await inSync(pc, third);
    assert.equal(await third.send('GET', 'after'), 'drop');
    assert.equal(await third.send('DBSIZE'), await pc.send('DBSIZE'));
  });
});

describe('a replica killed in the middle of its transfer', { skip }, () => {
  const env = cleanup();
  after(() => env.run());

  it('abandons the image and keeps serving; the next replica syncs', async () => {
    const p = await startNodis(['--enable-debug-command', 'yes', '--repl-diskless-sync-delay', '1']);
    env.servers.push(p);
    const pc = await p.client();
    env.clients.push(pc);
    await pc.send('DEBUG', 'POPULATE', 200000, 'key', 200);
    // Stopped once it asked for a sync: the transfer starts and then stalls on its socket.
    const victim = await startRedis(['--replicaof', '127.0.0.1', String(p.port)]);
    env.servers.push(victim);
    await waitInfo(pc, 'slave0', (v) => v !== undefined && v.includes('state=wait_bgsave'), 5000);
    victim.proc.kill('SIGSTOP');
    await waitInfo(pc, 'slave0', (v) => v !== undefined && v.includes('state=send_bulk'), 5000);
    victim.proc.kill('SIGKILL');
    await waitInfo(pc, 'connected_slaves', '0');
    assert.ok(await waitFor(() => /last replica dropped/.test(p.output()), 5000));
    assert.equal(await pc.send('SET', 'still', 'here'), 'OK');
    const next = await startRedis(['--replicaof', '127.0.0.1', String(p.port)]);
    env.servers.push(next);
    const nc = await next.client();
    env.clients.push(nc);
    await waitInfo(nc, 'master_link_status', 'up', 20000);
    await inSync(pc, nc);
    assert.equal(await nc.send('GET', 'still'), 'here');
  });
});
