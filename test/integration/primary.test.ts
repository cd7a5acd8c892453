// nodis as the primary of a real redis-server replica (Debian's 7.0 oracle): full sync from disk
// and to sockets (a version-10 RDB, which 7.0 reads), the stream of every type afterwards, equal
// data sets (DEBUG DIGEST while no set or sorted set exists: nodis cannot digest them yet), INFO
// and ROLE of a primary, then a link break (CLIENT KILL TYPE replica) and a partial resync that
// sends only the missing bytes. Sets and sorted sets are written only after the full sync:
// nodis's RDB writer cannot encode them until their codecs land (collections2).

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { inSync, populate, sameData, streamWrites } from '../helpers/primary.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import type { RespValue, TestClient } from '../helpers/resp-client.js';

const skip = !redisAvailable();

for (const diskless of ['no', 'yes']) {
  describe(`redis-server replicating from nodis (repl-diskless-sync ${diskless})`, { skip }, () => {
    let nodis: ChildServer;
    let redis: ChildServer;
    let p: TestClient;
    let r: TestClient;

    before(async () => {
      nodis = await startNodis(['--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0',
        '--enable-debug-command', 'yes', '--repl-ping-replica-period', '1000']);
      redis = await startRedis(['--enable-debug-command', 'yes']);
      p = await nodis.client();
      r = await redis.client();
    });
    after(async () => {
      p?.close();
      r?.close();
      await redis?.stop();
      await nodis?.stop();
    });

    it('full sync, then the stream of every type, ends with equal data sets', async () => {
      await populate(p);
      assert.equal(await info(p, 'repl_backlog_active'), '0');
      assert.equal(await r.send('REPLICAOF', '127.0.0.1', nodis.port), 'OK');
      await waitInfo(r, 'master_link_status', 'up');
      await inSync(p, r);
      assert.equal(await r.send('DEBUG', 'DIGEST'), await p.send('DEBUG', 'DIGEST'));
      const out = nodis.output();
      assert.match(out, /Replica 127\.0\.0\.1:\d+ asks for synchronization/);
      assert.match(out, diskless === 'yes' ? /Starting BGSAVE for SYNC with target: replicas sockets/ : /Starting BGSAVE for SYNC with target: disk/);
      assert.match(redis.output(), diskless === 'yes'
        ? /MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF/
        : /MASTER <-> REPLICA sync: receiving \d+ bytes from master/);
      for (let round = 1; round <= 3; round++) await streamWrites(p, round);
      await inSync(p, r);
      await sameData(p, r);
      await p.send('DEL', 'set', 'intset', 'zset');
      await inSync(p, r);
      assert.equal(await r.send('DEBUG', 'DIGEST'), await p.send('DEBUG', 'DIGEST'));
      assert.equal(await info(r, 'master_replid'), await info(p, 'master_replid'));
      assert.equal(await info(p, 'sync_full'), '1');
      // No temp file of a disk image is left behind.
      assert.ok(await waitFor(async () => !/temp-repl-/.test(String(await p.send('CONFIG', 'GET', 'dir'))), 1000));
    });

    it('reports the replica in INFO, ROLE and CLIENT LIST', async () => {
      await p.send('SET', 'k', 'v');
      await inSync(p, r);
      // The replica acknowledges once a second: its ACKed offset reaches ours.
      const offset = await info(p, 'master_repl_offset');
      await waitInfo(p, 'slave0', (v) => {
        const m = /^ip=127\.0\.0\.1,port=(\d+),state=online,offset=(\d+),lag=(\d+)$/.exec(v ?? '');
        return m !== null && m[1] === String(redis.port) && Number(m[2]) >= Number(offset) && Number(m[3]) <= 1;
      }, 5000);
      assert.equal(await info(p, 'connected_slaves'), '1');
      assert.equal(await info(p, 'role'), 'master');
      assert.equal(await info(p, 'repl_backlog_active'), '1');
      assert.equal(await info(p, 'repl_backlog_first_byte_offset'), '1');
      const text = (await p.send('INFO', 'replication')) as string;
      assert.equal(/repl_backlog_histlen:(\d+)/.exec(text)![1], /master_repl_offset:(\d+)/.exec(text)![1]);
      assert.ok(Number(await info(p, 'mem_total_replication_buffers')) >= 16384);
      const role = (await p.send('ROLE')) as RespValue[];
      assert.equal(role[0], 'master');
      assert.ok((role[1] as number) >= Number(offset));
      assert.deepEqual((role[2] as RespValue[][]).map((x) => x.slice(0, 2)), [['127.0.0.1', String(redis.port)]]);
      const list = (await p.send('CLIENT', 'LIST', 'TYPE', 'replica')) as string;
      assert.match(list, /flags=S /);
      assert.match(list, /cmd=replconf /);
    });

    it('resumes with a partial resync after CLIENT KILL TYPE replica, sending only the missing bytes', async () => {
      await inSync(p, r);
      const before = await info(p, 'master_repl_offset');
      const okBefore = Number(await info(p, 'sync_partial_ok'));
      // The replica is stopped so that it cannot reconnect before the writes are done.
      redis.proc.kill('SIGSTOP');
      try {
        assert.equal(await p.send('CLIENT', 'KILL', 'TYPE', 'replica'), 1);
        await streamWrites(p, 4);
      } finally {
        redis.proc.kill('SIGCONT');
      }
      const afterWrites = Number(await info(p, 'master_repl_offset'));
      await waitInfo(p, 'sync_partial_ok', String(okBefore + 1));
      await inSync(p, r);
      assert.equal(await info(p, 'sync_full'), '1');
      const all = [...nodis.output().matchAll(/Partial resynchronization request from [^ ]+ accepted\. Sending (\d+) bytes of backlog starting from offset (\d+)\./g)];
      assert.equal(all.length, 1, nodis.output());
      const m = all[0]!;
      assert.equal(Number(m[2]), Number(before) + 1);
      // Only what the replica missed (at most what was written since, plus a PING or GETACK).
      assert.ok(Number(m[1]) >= afterWrites - Number(before) && Number(m[1]) <= afterWrites - Number(before) + 64, m[0]);
      assert.match(redis.output(), /Successful partial resynchronization with master/);
      await sameData(p, r);
    });
  });
}
