// Every point-in-time image of a running nodis is a forkless snapshot taken while clients keep
// writing: an AOF rewrite under a write load restarts into exactly the data written, a full sync
// to a redis-server replica under a hard write load ends with equal digests (disk and socket),
// PING stays fast while BGSAVE, BGREWRITEAOF and a full sync image 200k keys, the one-job rule
// (BGREWRITEAOF behind a BGSAVE is scheduled), and a primary restarted from its dump.rdb lets its
// redis-server replica continue with a partial resync (PSYNC2 after restart).

import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { redisAvailable, restartNodis, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { inSync } from '../helpers/primary.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import type { TestClient } from '../helpers/resp-client.js';

const skip = !redisAvailable();

/** Overwrites, deletes, appends and creates keys of a DEBUG POPULATE data set until stopped. */
function hardLoad(c: TestClient, keys: number): { readonly count: number; stop(): Promise<number> } {
  let running = true;
  let n = 0;
  const done = (async () => {
    while (running) {
      const batch: Promise<unknown>[] = [];
      for (let i = 0; i < 100; i++, n++) {
        const k = (n * 7919) % keys;
        batch.push(c.send('SET', `key:${k}`, `new:${n}`));
        batch.push(c.send('DEL', `key:${(k + 13) % keys}`));
        batch.push(c.send('RPUSH', `list:${n % 50}`, `e${n}`));
        batch.push(c.send('HSET', `hash:${n % 40}`, `f${n % 90}`, `${n}`));
        batch.push(c.send('SET', `fresh:${n}`, 'x'));
        if (n % 10 === 0) batch.push(c.send('EXPIRE', `key:${(k + 29) % keys}`, '100000'));
      }
      await Promise.all(batch);
    }
  })();
  return {
    get count() {
      return n;
    },
    async stop() {
      running = false;
      await done;
      return n;
    },
  };
}

/** Sends PING back to back until stopped; reports the slowest round trip in ms. */
function pingProbe(c: TestClient): { stop(): Promise<{ max: number; count: number }> } {
  let running = true;
  let max = 0;
  let count = 0;
  const done = (async () => {
    while (running) {
      const t0 = performance.now();
      assert.equal(await c.send('PING'), 'PONG');
      max = Math.max(max, performance.now() - t0);
      count++;
      await new Promise((r) => setTimeout(r, 2));
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return { max, count };
    },
  };
}

const servers: ChildServer[] = [];
const clients: TestClient[] = [];
async function nodisWith(args: string[]): Promise<[ChildServer, TestClient]> {
  const s = await startNodis(['--enable-debug-command', 'yes', ...args]);
  servers.push(s);
  const c = await s.client();
  clients.push(c);
  return [s, c];
}
async function redisReplica(): Promise<[ChildServer, TestClient]> {
  const s = await startRedis(['--enable-debug-command', 'yes']);
  servers.push(s);
  const c = await s.client();
  clients.push(c);
  return [s, c];
}

after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop();
});

describe('forkless images while clients write', { skip }, () => {
  it('an AOF rewrite under a write load restarts into exactly the data written', async () => {
    const [s, c] = await nodisWith(['--appendonly', 'yes', '--appendfsync', 'always']);
    await c.send('DEBUG', 'POPULATE', '30000');
    // A key delay stretches the walk so that the load runs through all of it.
    await c.send('CONFIG', 'SET', 'rdb-key-save-delay', '20');
    const load = hardLoad(await s.client(), 30000);
    const rewrites = Number(await info(c, 'aof_rewrites'));
    const atStart = load.count;
    assert.equal(await c.send('BGREWRITEAOF'), 'Background append only file rewriting started');
    await waitInfo(c, 'aof_rewrite_in_progress', '0', 30000);
    const during = load.count - atStart;
    const writes = await load.stop();
    assert.equal(Number(await info(c, 'aof_rewrites')), rewrites + 1);
    assert.equal(await info(c, 'aof_last_bgrewrite_status'), 'ok');
    assert.match(s.output(), /Background AOF rewrite finished successfully/);
    // Batches of the load ran while the snapshot walked (it takes a second or more here).
    assert.ok(during >= 500, `only ${during} load iterations during the rewrite`);
    assert.ok(writes > 1000, `only ${writes} writes ran`);
    const digest = await c.send('DEBUG', 'DIGEST');
    const size = await c.send('DBSIZE');
    await s.stop('SIGKILL', true);
    servers.splice(servers.indexOf(s), 1);
    const again = await restartNodis(s, ['--appendonly', 'yes', '--enable-debug-command', 'yes']);
    servers.push(again);
    const c2 = await again.client();
    clients.push(c2);
    assert.equal(await c2.send('DBSIZE'), size);
    assert.equal(await c2.send('DEBUG', 'DIGEST'), digest);
  });

  for (const diskless of ['no', 'yes']) {
    it(`a full sync to redis-server while a client writes hard ends with equal digests (diskless ${diskless})`, async () => {
      const [s, p] = await nodisWith(['--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0']);
      const [, r] = await redisReplica();
      await p.send('DEBUG', 'POPULATE', '50000');
      await p.send('CONFIG', 'SET', 'rdb-key-save-delay', '20');
      const load = hardLoad(await s.client(), 50000);
      await new Promise((res) => setTimeout(res, 50));
      assert.equal(await r.send('REPLICAOF', '127.0.0.1', s.port), 'OK');
      await waitInfo(r, 'master_link_status', 'up', 30000);
      // Keep writing a little after the image was loaded: the stream covers that part.
      await new Promise((res) => setTimeout(res, 200));
      const writes = await load.stop();
      assert.ok(writes > 1000, `only ${writes} writes ran`);
      await inSync(p, r, 30000);
      assert.equal(await r.send('DBSIZE'), await p.send('DBSIZE'));
      assert.equal(await r.send('DEBUG', 'DIGEST'), await p.send('DEBUG', 'DIGEST'));
      assert.equal(await info(p, 'sync_full'), '1');
      assert.match(s.output(), diskless === 'yes' ? /target: replicas sockets/ : /target: disk/);
      if (diskless === 'no') {
        // A disk-based sync is a BGSAVE, as in Redis: dump.rdb was written by the same walk.
        assert.match(s.output(), /DB saved on disk/);
      }
    });
  }

  it('PING stays fast while BGSAVE, BGREWRITEAOF and a full sync image 200k keys', async () => {
    const [s, c] = await nodisWith(['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0']);
    await c.send('DEBUG', 'POPULATE', '200000', 'key', '100');
    const probeClient = await s.client();
    clients.push(probeClient);
    // The cost of a whole image at once, for comparison: SAVE is synchronous.
    const t0 = performance.now();
    assert.equal(await c.send('SAVE'), 'OK');
    const saveMs = performance.now() - t0;

    const probe1 = pingProbe(probeClient);
    assert.equal(await c.send('BGSAVE'), 'Background saving started');
    await waitInfo(c, 'rdb_bgsave_in_progress', '0', 30000);
    const bg = await probe1.stop();

    const probe2 = pingProbe(probeClient);
    assert.equal(await c.send('BGREWRITEAOF'), 'Background append only file rewriting started');
    await waitInfo(c, 'aof_rewrite_in_progress', '0', 30000);
    const aof = await probe2.stop();

    const [, r] = await redisReplica();
    const probe3 = pingProbe(probeClient);
    assert.equal(await r.send('REPLICAOF', '127.0.0.1', s.port), 'OK');
    await waitInfo(r, 'master_link_status', 'up', 30000);
    const sync = await probe3.stop();
    assert.equal(await r.send('DBSIZE'), 200000);

    // A whole image at once stalls one PING for about the SAVE time; slices keep every PING far
    // below it. The floor absorbs scheduling noise of a busy machine.
    const limit = Math.max(150, saveMs / 2);
    for (const [what, m] of [['BGSAVE', bg], ['BGREWRITEAOF', aof], ['full sync', sync]] as const) {
      assert.ok(m.count >= 3, `${what}: only ${m.count} PINGs`);
      assert.ok(m.max < limit, `${what}: a PING took ${m.max.toFixed(1)} ms (SAVE of the same data: ${saveMs.toFixed(0)} ms)`);
    }
  });

  it('BGREWRITEAOF while a BGSAVE runs is scheduled, and runs after it', async () => {
    const [s, c] = await nodisWith([]);
    await c.send('DEBUG', 'POPULATE', '20000');
    await c.send('CONFIG', 'SET', 'rdb-key-save-delay', '50');
    assert.equal(await c.send('BGSAVE'), 'Background saving started');
    assert.equal(await c.send('BGREWRITEAOF'), 'Background append only file rewriting scheduled');
    assert.equal(await info(c, 'aof_rewrite_scheduled'), '1');
    assert.equal(await info(c, 'aof_rewrite_in_progress'), '0');
    await c.send('CONFIG', 'SET', 'rdb-key-save-delay', '0');
    await waitInfo(c, 'rdb_bgsave_in_progress', '0', 30000);
    await waitInfo(c, 'aof_rewrites', '1', 10000);
    await waitInfo(c, 'aof_rewrite_in_progress', '0', 10000);
    assert.equal(await info(c, 'aof_rewrite_scheduled'), '0');
    assert.equal(await info(c, 'aof_last_bgrewrite_status'), 'ok');
    assert.match(s.output(), /Background saving terminated with success[\s\S]*Background append only file rewriting started/);
  });

  it('a primary restarted from dump.rdb lets its replica continue with a partial resync', async () => {
    const [s, p] = await nodisWith(['--repl-ping-replica-period', '1000']);
    const [, r] = await redisReplica();
    await p.send('DEBUG', 'POPULATE', '1000');
    await p.send('RPUSH', 'list', 'a', 'b');
    assert.equal(await r.send('REPLICAOF', '127.0.0.1', s.port), 'OK');
    await waitInfo(r, 'master_link_status', 'up', 15000);
    await p.send('SET', 'after-sync', '1');
    await inSync(p, r);
    const replid = await info(p, 'master_replid');
    const offset = await info(p, 'master_repl_offset');
    // SHUTDOWN SAVE writes dump.rdb with the history and offset of this moment.
    await p.send('SHUTDOWN', 'SAVE').catch(() => {});
    await waitFor(() => s.proc.exitCode !== null, 10000);
    servers.splice(servers.indexOf(s), 1);
    const again = await restartNodis(s, ['--repl-ping-replica-period', '1000', '--enable-debug-command', 'yes']);
    servers.push(again);
    const p2 = await again.client();
    clients.push(p2);
    // The old history is reachable as replid2 up to the saved offset; a new one starts there.
    assert.equal(await info(p2, 'master_replid2'), replid);
    assert.equal(await info(p2, 'second_repl_offset'), String(Number(offset) + 1));
    assert.equal(await info(p2, 'master_repl_offset'), offset);
    await waitInfo(r, 'master_link_status', 'up', 20000);
    await waitInfo(p2, 'connected_slaves', '1', 10000);
    assert.equal(await info(p2, 'sync_partial_ok'), '1');
    assert.equal(await info(p2, 'sync_full'), '0');
    assert.match(again.output(), /Partial resynchronization request from .* accepted/);
    // The replica follows the new history, and what is written now reaches it.
    await p2.send('SET', 'after-restart', 'yes');
    await inSync(p2, r);
    assert.equal(await r.send('GET', 'after-restart'), 'yes');
    assert.equal(await info(r, 'master_replid'), await info(p2, 'master_replid'));
    assert.equal(await r.send('DEBUG', 'DIGEST'), await p2.send('DEBUG', 'DIGEST'));
  });
});
