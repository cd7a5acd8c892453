// A nodis replica whose real primary process fails in the middle of the RDB transfer: killed
// (SIGKILL) or frozen (SIGSTOP). The transfer is made long with rdb-key-save-delay (a delay per
// key while the primary serializes, honoured by nodis and redis-server alike). The replica must
// notice (link down, the temp file removed), keep its old data and keep answering, then sync
// fully once a primary is back. Run with a nodis primary and with a redis-server primary.
// (replica-fake.test.ts covers the same stages against a scripted fake primary.)

import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { redisAvailable, restartNodis, restartRedis, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import type { TestClient } from '../helpers/resp-client.js';

const KEYS = 8000;
/** µs per key: the image takes KEYS * DELAY_US = ~2.4 s to produce. */
const DELAY_US = 300;

const servers: ChildServer[] = [];
const clients: TestClient[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) {
    try { s.proc.kill('SIGCONT'); } catch { /* gone */ }
    await s.stop();
  }
});

type Kind = 'nodis' | 'redis';

function primaryArgs(delayUs: number): string[] {
  return ['--enable-debug-command', 'yes', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0', '--rdb-key-save-delay', String(delayUs)];
}

async function startPrimary(kind: Kind): Promise<[ChildServer, TestClient]> {
  const p = kind === 'nodis' ? await startNodis(primaryArgs(DELAY_US)) : await startRedis(primaryArgs(DELAY_US));
  servers.push(p);
  const c = await p.client();
  clients.push(c);
  await c.send('DEBUG', 'POPULATE', KEYS, 'key', 64);
  return [p, c];
}

/** The replica with data of its own, following `primary`, once bytes of the RDB arrived. */
async function replicaMidTransfer(primary: ChildServer, extra: string[] = []): Promise<[ChildServer, TestClient]> {
  const r = await startNodis(extra);
  servers.push(r);
  const c = await r.client();
  clients.push(c);
  assert.equal(await c.send('SET', 'mine', 'kept'), 'OK');
  assert.equal(await c.send('REPLICAOF', '127.0.0.1', primary.port), 'OK');
  await waitInfo(c, 'master_sync_read_bytes', (v) => v !== undefined && Number(v) > 0, 10000);
  assert.equal(await info(c, 'master_sync_in_progress'), '1');
  assert.ok(tempFiles(r).length === 1, `the payload goes to a temp file: ${readdirSync(r.dir).join(' ')}`);
  return [r, c];
}

function tempFiles(s: ChildServer): string[] {
  return readdirSync(s.dir).filter((f) => /^temp-\d+\.\d+\.rdb$/.test(f));
}

/** The replica still has only its own data and answers. */
async function oldDataServed(c: TestClient): Promise<void> {
  assert.equal(await c.send('PING'), 'PONG');
  assert.equal(await c.send('GET', 'mine'), 'kept');
  assert.equal(await c.send('DBSIZE'), 1);
}

function restart(kind: Kind, old: ChildServer): Promise<ChildServer> {
  return kind === 'nodis' ? restartNodis(old, primaryArgs(0)) : restartRedis(old, primaryArgs(0));
}

for (const kind of ['nodis', 'redis'] as const) {
  const skip = kind === 'redis' && !redisAvailable();

  describe(`${kind} primary SIGKILLed during the transfer`, { skip }, () => {
    it('the replica drops the transfer, keeps its data, and syncs with the restarted primary', async () => {
      const [p] = await startPrimary(kind);
      const [r, rc] = await replicaMidTransfer(p);
      await p.stop('SIGKILL', true);
      servers.splice(servers.indexOf(p), 1);
      assert.ok(await waitFor(() => /I\/O error trying to sync with MASTER: connection lost/.test(r.output()), 10000), r.output());
      await waitInfo(rc, 'master_sync_in_progress', '0');
      assert.equal(await info(rc, 'master_link_status'), 'down');
      assert.deepEqual(tempFiles(r), []);
      await oldDataServed(rc);
      // With nobody on the port the replica keeps trying and keeps answering.
      assert.ok(await waitFor(() => /Error condition on socket for SYNC: Connection refused/.test(r.output()), 5000), r.output());
      await oldDataServed(rc);
      assert.equal(r.proc.exitCode, null);

      const p2 = await restart(kind, p);
      servers.push(p2);
      const pc = await p2.client();
      clients.push(pc);
      await pc.send('DEBUG', 'POPULATE', 500, 'new', 16);
      await pc.send('SET', 'after', 'restart');
      await waitInfo(rc, 'master_link_status', 'up');
      // A full sync replaces the replica's own data with the primary's.
      assert.equal(await rc.send('GET', 'after'), 'restart');
      assert.equal(await rc.send('GET', 'mine'), null);
      assert.equal(await rc.send('DBSIZE'), 501);
      assert.deepEqual(tempFiles(r), []);
    });
  });

  describe(`${kind} primary SIGSTOPped during the transfer`, { skip }, () => {
    it('the replica times out after repl-timeout, retries, and completes after SIGCONT', async () => {
      const [p, pc] = await startPrimary(kind);
      const [r, rc] = await replicaMidTransfer(p, ['--repl-timeout', '2']);
      p.proc.kill('SIGSTOP');
      // Data was flowing: no timeout so far (repl-timeout counts from the last byte read).
      assert.ok(!/Timeout receiving bulk data/.test(r.output()), r.output());
      assert.ok(await waitFor(() => /Timeout receiving bulk data from MASTER/.test(r.output()), 10000), r.output());
      await waitInfo(rc, 'master_sync_in_progress', '0');
      assert.deepEqual(tempFiles(r), []);
      await oldDataServed(rc);
      // The frozen primary's kernel still accepts connections: the retries time out in the handshake.
      assert.ok(await waitFor(() => /Timeout connecting to the MASTER/.test(r.output()), 10000), r.output());
      await oldDataServed(rc);
      assert.equal(await info(rc, 'master_link_status'), 'down');

      p.proc.kill('SIGCONT');
      await pc.send('CONFIG', 'SET', 'rdb-key-save-delay', '0');
      await pc.send('SET', 'after', 'resume');
      await waitInfo(rc, 'master_link_status', 'up', 30000);
      assert.equal(await rc.send('GET', 'after'), 'resume');
      assert.equal(await rc.send('GET', 'mine'), null);
      assert.equal(await rc.send('DBSIZE'), KEYS + 1);
      assert.deepEqual(tempFiles(r), []);
    });
  });
}
