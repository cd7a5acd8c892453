// FAILOVER between real processes: a nodis primary handing over to a nodis replica and to a
// redis-server replica, and a redis-server primary handing over to a nodis replica, under a write
// load (every acknowledged write is on the new primary, nothing else is, the roles swap, writers
// are told READONLY); without TO (the first replica that catches up); ABORT, TIMEOUT and FORCE
// while the target is stopped (SIGSTOP), and a target that refuses the hand-over. Scenarios run
// with a redis-server primary too, so the expectations are Redis's.

import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { inSync, sameData } from '../helpers/primary.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import { RespError, type TestClient } from '../helpers/resp-client.js';

const skip = !redisAvailable();
type Kind = 'nodis' | 'redis';

/** Servers and clients of one test, always cleaned up (stopped servers are continued first). */
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

function start(kind: Kind): Promise<ChildServer> {
  const args = ['--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'];
  return kind === 'nodis' ? startNodis(args) : startRedis(args);
}

/** A primary with one replica streaming from it (online, link up). */
async function pair(env: ReturnType<typeof cleanup>, primaryKind: Kind, replicaKind: Kind) {
  const p = await start(primaryKind);
  const r = await start(replicaKind);
  env.servers.push(p, r);
  const pc = await p.client();
  const rc = await r.client();
  env.clients.push(pc, rc);
  assert.equal(await rc.send('REPLICAOF', '127.0.0.1', p.port), 'OK');
  await waitInfo(rc, 'master_link_status', 'up');
  await waitInfo(pc, 'slave0', (v) => v !== undefined && v.includes('state=online'));
  return { p, r, pc, rc };
}

const msg = (v: unknown) => (v instanceof RespError ? v.message : String(v));

/**
 * Writes unique keys and INCRs a counter until a write fails (the failover took effect), keeping
 * what was acknowledged and every error text.
 */
function ackedLoad(c: TestClient) {
  const ackedKeys: number[] = [];
  const errors = new Set<string>();
  let incrs = 0;
  let n = 0;
  let running = true;
  const done = (async () => {
    while (running && errors.size === 0) {
      const batch: Promise<void>[] = [];
      for (let i = 0; i < 25; i++, n++) {
        const id = n;
        batch.push(c.send('SET', `k:${id}`, `v${id}`).then((v) => { if (v === 'OK') ackedKeys.push(id); else errors.add(msg(v).split(' ')[0]!); }));
        batch.push(c.send('INCR', 'counter').then((v) => { if (typeof v === 'number') incrs++; else errors.add(msg(v).split(' ')[0]!); }));
      }
      await Promise.all(batch);
    }
  })();
  return {
    ackedKeys, errors, done,
    get incrs() { return incrs; },
    stop() { running = false; return done; },
  };
}

/** Resolves to true when the promise settles within ms. */
async function settles(p: Promise<unknown>, ms: number): Promise<boolean> {
  let settled = false;
  void p.then(() => { settled = true; });
  await new Promise((r) => setTimeout(r, ms));
  return settled;
}

for (const [primaryKind, replicaKind] of [['nodis', 'nodis'], ['nodis', 'redis'], ['redis', 'nodis']] as [Kind, Kind][]) {
  describe(`FAILOVER TO a ${replicaKind} replica of a ${primaryKind} primary under a write load`, { skip }, () => {
    const env = cleanup();
    after(() => env.run());

    it('loses no acknowledged write, swaps the roles and answers READONLY afterwards', async () => {
      const { p, r, pc, rc } = await pair(env, primaryKind, replicaKind);
      const writer = await p.client();
      env.clients.push(writer);
      const load = ackedLoad(writer);
      assert.ok(await waitFor(() => load.incrs > 2000, 15000), 'the load never got going');
      assert.equal(await pc.send('FAILOVER', 'TO', '127.0.0.1', r.port), 'OK');
      await load.done;
      // Writes sent during the hand-over waited, then were refused: only READONLY.
      assert.deepEqual([...load.errors], ['READONLY']);
      await waitInfo(pc, 'master_failover_state', 'no-failover');
      await waitInfo(pc, 'master_link_status', 'up');
      assert.equal(await info(pc, 'role'), 'slave');
      assert.equal(await info(pc, 'master_port'), String(r.port));
      assert.equal(await info(rc, 'role'), 'master');
      assert.match(await info(rc, 'slave0') ?? '', new RegExp(`port=${p.port},state=online`));
      // The old primary continued from the new one (no full sync).
      assert.equal(await info(rc, 'sync_full'), '0');
      // Exactly the acknowledged writes are on the new primary.
      assert.equal(await rc.send('GET', 'counter'), String(load.incrs));
      assert.equal(await rc.send('DBSIZE'), load.ackedKeys.length + 1);
      for (let i = 0; i < load.ackedKeys.length; i += 500) {
        const ids = load.ackedKeys.slice(i, i + 500);
        assert.deepEqual(await rc.send('MGET', ...ids.map((id) => `k:${id}`)), ids.map((id) => `v${id}`));
      }
      assert.match(msg(await writer.send('SET', 'after', 'x')), /^READONLY/);
      assert.equal(await rc.send('SET', 'after', 'new primary'), 'OK');
      await inSync(rc, pc);
      await sameData(rc, pc, [0]);
      assert.equal(await pc.send('GET', 'after'), 'new primary');
    });
  });
}

describe('FAILOVER without TO', { skip }, () => {
  const env = cleanup();
  after(() => env.run());

  it('hands over to the first replica that caught up; the other follows the old primary', async () => {
    const { p, r, pc, rc } = await pair(env, 'nodis', 'nodis');
    const third = await start('redis');
    env.servers.push(third);
    const tc = await third.client();
    env.clients.push(tc);
    assert.equal(await tc.send('REPLICAOF', '127.0.0.1', p.port), 'OK');
    await waitInfo(pc, 'connected_slaves', '2');
    await waitInfo(pc, 'slave1', (v) => v !== undefined && v.includes('state=online'));
    await pc.send('SET', 'before', '1');
    assert.equal(await pc.send('FAILOVER'), 'OK');
    await waitInfo(pc, 'master_failover_state', 'no-failover');
    assert.equal(await info(pc, 'role'), 'slave');
    const port = Number(await info(pc, 'master_port'));
    assert.ok(port === r.port || port === third.port, `new primary ${port}`);
    assert.match(p.output(), new RegExp(`Failover target 127\\.0\\.0\\.1:${port} is synced, failing over\\.`));
    const [np, other] = port === r.port ? [rc, tc] : [tc, rc];
    assert.equal(await info(np, 'role'), 'master');
    // The other replica stays with the old primary, which now replicates from the new one.
    await waitInfo(other, 'master_link_status', 'up');
    assert.equal(await info(other, 'master_port'), String(p.port));
    await np.send('SET', 'chain', 'ok');
    assert.ok(await waitFor(async () => (await other.send('GET', 'chain')) === 'ok', 10000));
    assert.equal(await other.send('GET', 'before'), '1');
  });
});

for (const primaryKind of ['nodis', 'redis'] as Kind[]) {
  describe(`FAILOVER on a ${primaryKind} primary whose target is stopped`, { skip }, () => {
    const env = cleanup();
    after(() => env.run());

    /** A pair whose replica is stopped and behind by one write. */
    async function stalled() {
      const x = await pair(env, primaryKind, 'nodis');
      x.r.proc.kill('SIGSTOP');
      assert.equal(await x.pc.send('SET', 'unacked', '1'), 'OK');
      const writer = await x.p.client();
      const reader = await x.p.client();
      env.clients.push(writer, reader);
      return { ...x, writer, reader };
    }

    it('pauses writes but not reads until ABORT; CLIENT UNPAUSE does not end it', async () => {
      const { p, r, pc, writer, reader } = await stalled();
      // Pipelined on one connection: the write surely arrives while the failover waits.
      const started = writer.send('FAILOVER', 'TO', '127.0.0.1', r.port);
      const parked = writer.send('SET', 'parked', 'yes');
      assert.equal(await started, 'OK');
      assert.equal(await info(pc, 'master_failover_state'), 'waiting-for-sync');
      assert.equal(msg(await pc.send('FAILOVER')), 'ERR FAILOVER already in progress.');
      assert.equal(msg(await pc.send('FAILOVER', 'TO', '127.0.0.1', r.port)), 'ERR FAILOVER already in progress.');
      assert.equal(msg(await pc.send('REPLICAOF', '127.0.0.1', r.port)), 'ERR REPLICAOF not allowed while failing over.');
      assert.equal(msg(await pc.send('REPLICAOF', 'NO', 'ONE')), 'ERR REPLICAOF not allowed while failing over.');
      assert.equal(await reader.send('GET', 'unacked'), '1');
      assert.equal(await settles(parked, 300), false, 'a write ran during the failover');
      assert.equal(await reader.send('CLIENT', 'UNPAUSE'), 'OK');
      assert.equal(await settles(parked, 200), false, 'CLIENT UNPAUSE ended the failover pause');
      assert.equal(await pc.send('FAILOVER', 'ABORT'), 'OK');
      assert.equal(await parked, 'OK');
      assert.equal(await info(pc, 'master_failover_state'), 'no-failover');
      assert.equal(await info(pc, 'role'), 'master');
      assert.equal(msg(await pc.send('FAILOVER', 'ABORT')), 'ERR No failover in progress.');
      assert.match(p.output(), new RegExp(`FAILOVER to 127\\.0\\.0\\.1:${r.port} aborted: Failover manually aborted`));
      r.proc.kill('SIGCONT');
    });

    it('TIMEOUT gives up when the target does not catch up in time', async () => {
      const { p, r, pc, writer } = await stalled();
      const t0 = Date.now();
      const started = writer.send('FAILOVER', 'TO', '127.0.0.1', r.port, 'TIMEOUT', 400);
      const parked = writer.send('SET', 'parked', 'yes');
      assert.equal(await started, 'OK');
      await waitInfo(pc, 'master_failover_state', 'no-failover', 5000);
      assert.ok(Date.now() - t0 >= 350, 'aborted before its timeout');
      assert.equal(await parked, 'OK');
      assert.equal(await info(pc, 'role'), 'master');
      assert.match(p.output(), /aborted: Replica never caught up before timeout/);
      r.proc.kill('SIGCONT');
    });

    it('FORCE hands over at the timeout anyway', async () => {
      const { p, r, pc, rc, writer } = await stalled();
      const started = writer.send('FAILOVER', 'TO', '127.0.0.1', r.port, 'FORCE', 'TIMEOUT', 300);
      const parked = writer.send('SET', 'parked', 'yes');
      assert.equal(await started, 'OK');
      await waitInfo(pc, 'master_failover_state', 'failover-in-progress', 5000);
      assert.equal(await info(pc, 'role'), 'slave');
      assert.match(p.output(), new RegExp(`FAILOVER to 127\\.0\\.0\\.1:${r.port} time out exceeded, failing over\\.`));
      // The stopped target cannot answer the hand-over yet: writes still wait.
      assert.equal(await settles(parked, 200), false);
      r.proc.kill('SIGCONT');
      await waitInfo(pc, 'master_failover_state', 'no-failover');
      assert.match(msg(await parked), /^READONLY/);
      await waitInfo(pc, 'master_link_status', 'up');
      assert.equal(await info(rc, 'role'), 'master');
      await rc.send('SET', 'forced', 'yes');
      await inSync(rc, pc);
      await sameData(rc, pc, [0]);
    });
  });
}

for (const primaryKind of ['nodis', 'redis'] as Kind[]) {
  describe(`FAILOVER on a ${primaryKind} primary to a target that refuses PSYNC`, { skip }, () => {
    const env = cleanup();
    after(() => env.run());

    it('aborts and is a primary again; the replica continues with it', async () => {
      const { p, r, pc, rc } = await pair(env, primaryKind, 'redis');
      assert.equal(await rc.send('ACL', 'SETUSER', 'default', '-psync'), 'OK');
      const writer = await p.client();
      env.clients.push(writer);
      const replid = await info(pc, 'master_replid');
      // Stopped and one write behind, the target keeps the failover waiting while a write is
      // parked (a write arriving once we follow the target would get READONLY at once, as in Redis).
      r.proc.kill('SIGSTOP');
      assert.equal(await pc.send('SET', 'unacked', '1'), 'OK');
      const started = writer.send('FAILOVER', 'TO', '127.0.0.1', r.port);
      const parked = writer.send('SET', 'parked', 'yes');
      assert.equal(await started, 'OK');
      assert.equal(await info(pc, 'master_failover_state'), 'waiting-for-sync');
      r.proc.kill('SIGCONT');
      await waitInfo(pc, 'master_failover_state', 'no-failover');
      assert.equal(await parked, 'OK', p.output());
      assert.equal(await info(pc, 'role'), 'master');
      assert.match(p.output(), /aborted: Failover target rejected psync request/);
      // As after REPLICAOF NO ONE: a new history, the old one reachable as replid2.
      assert.equal(await info(pc, 'master_replid2'), replid);
      assert.equal(await info(rc, 'role'), 'slave');
      await waitInfo(rc, 'master_link_status', 'up');
      await inSync(pc, rc);
      assert.equal(await rc.send('GET', 'parked'), 'yes');
      assert.equal(await rc.send('ACL', 'SETUSER', 'default', '+psync'), 'OK');
    });
  });
}
