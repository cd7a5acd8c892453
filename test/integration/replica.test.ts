// nodis as a replica of a real redis-server (Debian's 7.0 oracle): full sync from disk and
// diskless primaries, every data type streamed afterwards, equal data sets (DEBUG DIGEST where
// nodis can digest every type present, a command-level snapshot everywhere), READONLY, the
// M client, partial resync after a link break on either side, PSYNC2 continuing after the
// primary restarts, and REPLICAOF NO ONE. Sets and sorted sets are written only after the
// full sync: nodis's RDB loader does not read them yet (their codecs come with collections2).

import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, isError, snapshot, waitInfo } from '../helpers/replication.js';
import { TestClient, type RespValue } from '../helpers/resp-client.js';

const skip = !redisAvailable();

async function inSync(primary: TestClient, replica: TestClient): Promise<void> {
  let p: string | undefined;
  let r: string | undefined;
  const ok = await waitFor(async () => {
    p = await info(primary, 'master_repl_offset');
    r = await info(replica, 'slave_repl_offset');
    return p !== undefined && p === r;
  }, 15000, 25);
  assert.ok(ok, `replica offset ${r} never reached the primary's ${p}`);
}

async function populate(c: TestClient): Promise<void> {
  await c.send('SET', 'str', 'hello');
  await c.send('SET', 'num', '12345');
  await c.send('SET', 'big', 'x'.repeat(50_000));
  await c.send('SET', 'bin', Buffer.from([0, 1, 2, 255, 13, 10]));
  await c.send('RPUSH', 'list', ...Array.from({ length: 300 }, (_, i) => `item${i}`));
  await c.send('RPUSH', 'small', 'a', 'b');
  await c.send('HSET', 'hash', 'f1', 'v1', 'f2', '2');
  await c.send('HSET', 'bighash', ...Array.from({ length: 1200 }, (_, i) => `k${i}`));
  await c.send('SET', 'ttl', 'v', 'PX', '500000');
  await c.send('SELECT', 1);
  await c.send('SET', 'db1key', 'one');
  await c.send('SELECT', 0);
}

/** Writes of every type after the sync, including a MULTI, a db switch and an expiring key. */
async function streamWrites(c: TestClient, round: number): Promise<void> {
  await c.send('APPEND', 'str', `-${round}`);
  await c.send('INCRBY', 'num', 7);
  await c.send('SETRANGE', 'big', 10, 'yyy');
  await c.send('LPUSH', 'list', `head${round}`);
  await c.send('LPOP', 'small');
  await c.send('HSET', 'hash', `f${round}`, `v${round}`);
  await c.send('HINCRBY', 'hash', 'f2', 3);
  await c.send('SADD', 'set', 'a', 'b', `m${round}`, '10', '20');
  await c.send('SREM', 'set', 'b');
  await c.send('SADD', 'intset', 1, 2, 3, round);
  await c.send('ZADD', 'zset', 1, 'a', 2.5, 'b', round, `z${round}`);
  await c.send('ZINCRBY', 'zset', 2, 'a');
  await c.send('EXPIRE', 'str', 1000);
  await c.send('SET', `gone${round}`, 'x', 'PX', '30');
  await c.send('MULTI');
  await c.send('SET', 'tx', `t${round}`);
  await c.send('INCR', 'txcount');
  await c.send('EXEC');
  await c.send('SELECT', 1);
  await c.send('RPUSH', 'db1list', `r${round}`);
  await c.send('SELECT', 0);
  await c.send('SET', 'large', Buffer.alloc(70_000, round % 256));
  await c.send('DEL', 'ttl');
}

/** Waits for the short-lived keys of the given rounds to expire on both sides. */
async function expired(p: TestClient, r: TestClient, rounds: number[]): Promise<void> {
  for (const c of [p, r]) {
    for (const n of rounds) assert.ok(await waitFor(async () => (await c.send('EXISTS', `gone${n}`)) === 0, 5000));
  }
}

/** The two data sets are equal (reports only the differing lines). */
async function sameData(p: TestClient, r: TestClient): Promise<void> {
  const a = await snapshot(p);
  const b = await snapshot(r);
  const short = (l: string) => (l.length > 120 ? `${l.slice(0, 120)}...` : l);
  const onlyP = a.filter((l) => !b.includes(l)).map(short);
  const onlyR = b.filter((l) => !a.includes(l)).map(short);
  assert.deepEqual({ onlyPrimary: onlyP, onlyReplica: onlyR }, { onlyPrimary: [], onlyReplica: [] });
  assert.ok(a.length > 0);
}

async function digests(p: TestClient, r: TestClient): Promise<[RespValue, RespValue]> {
  return [await p.send('DEBUG', 'DIGEST'), await r.send('DEBUG', 'DIGEST')];
}

for (const diskless of ['no', 'yes']) {
  describe(`nodis replicating from redis-server (repl-diskless-sync ${diskless})`, { skip }, () => {
    let redis: ChildServer;
    let nodis: ChildServer;
    let p: TestClient;
    let r: TestClient;

    before(async () => {
      redis = await startRedis(['--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes']);
      nodis = await startNodis(['--enable-debug-command', 'yes']);
      p = await redis.client();
      r = await nodis.client();
    });
    after(async () => {
      p?.close();
      r?.close();
      await nodis?.stop();
      await redis?.stop();
    });

    it('full sync, then the stream of every type, ends with equal data sets', async () => {
      await populate(p);
      assert.deepEqual(await r.send('ROLE'), ['master', 0, []]);
      assert.equal(await r.send('REPLICAOF', '127.0.0.1', redis.port), 'OK');
      assert.equal(await r.send('REPLICAOF', '127.0.0.1', redis.port), 'OK Already connected to specified master');
      await waitInfo(r, 'master_link_status', 'up');
      await inSync(p, r);
      const [dp, dr] = await digests(p, r);
      assert.equal(dr, dp);
      const replid = await info(p, 'master_replid');
      const out = nodis.output();
      assert.match(out, new RegExp(`Full resync from master: ${replid}:\\d+`));
      assert.match(out, diskless === 'yes'
        ? /MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to disk/
        : /MASTER <-> REPLICA sync: receiving \d+ bytes from master to disk/);
      assert.match(out, /MASTER <-> REPLICA sync: Flushing old data[^]*Loading DB in memory[^]*Finished with success/);
      for (let round = 1; round <= 3; round++) await streamWrites(p, round);
      await expired(p, r, [1, 2, 3]);
      await inSync(p, r);
      await sameData(p, r);
      // The primary's DELs of expired keys reached the replica.
      assert.equal(await r.send('EXISTS', 'gone1'), 0);
      // Without sets and sorted sets, nodis can digest everything: the digests must agree.
      await p.send('DEL', 'set', 'intset', 'zset');
      await inSync(p, r);
      const [dp2, dr2] = await digests(p, r);
      assert.equal(dr2, dp2);
      assert.equal(await info(r, 'master_replid'), replid);
      assert.equal(await info(r, 'master_repl_offset'), await info(p, 'master_repl_offset'));
      assert.equal(await info(r, 'repl_backlog_active'), '1');
    });

    it('is a read-only replica with an M client, and reports itself in ROLE and INFO', async () => {
      assert.ok(isError(await r.send('SET', 'x', '1'), "READONLY You can't write against a read only replica."));
      assert.equal(await r.send('GET', 'tx'), 't3');
      const role = (await r.send('ROLE')) as RespValue[];
      assert.deepEqual(role.slice(0, 4), ['slave', '127.0.0.1', redis.port, 'connected']);
      assert.equal(String(role[4]), await info(r, 'slave_repl_offset'));
      const masters = (await r.send('CLIENT', 'LIST', 'TYPE', 'master')) as string;
      assert.match(masters, /flags=M /);
      assert.equal(await info(r, 'role'), 'slave');
      assert.equal(await info(r, 'master_port'), String(redis.port));
      assert.equal(await info(r, 'master_sync_in_progress'), '0');
      assert.equal(await info(r, 'slave_read_only'), '1');
      assert.equal(await info(r, 'master_link_down_since_seconds'), undefined);
      // A replica may be made writable.
      assert.equal(await r.send('CONFIG', 'SET', 'replica-read-only', 'no'), 'OK');
      assert.equal(await r.send('SET', 'local', '1'), 'OK');
      await r.send('CONFIG', 'SET', 'replica-read-only', 'yes');
      await r.send('DEL', 'local');
      // The primary's own keys are replaced when it writes them again.
      await p.send('SET', 'local', 'p');
      await inSync(p, r);
      assert.equal(await r.send('GET', 'local'), 'p');
    });

    it('resumes with a partial resync after the link breaks, from either side', async () => {
      const before = Number(await info(p, 'sync_partial_ok'));
      const fullBefore = Number(await info(p, 'sync_full'));
      await r.send('CLIENT', 'KILL', 'TYPE', 'master');
      await waitInfo(p, 'sync_partial_ok', String(before + 1));
      await waitInfo(r, 'master_link_status', 'up');
      await streamWrites(p, 4);
      await p.send('CLIENT', 'KILL', 'TYPE', 'replica');
      await streamWrites(p, 5);
      await waitInfo(p, 'sync_partial_ok', String(before + 2));
      await inSync(p, r);
      assert.equal(Number(await info(p, 'sync_full')), fullBefore);
      await expired(p, r, [4, 5]);
      await inSync(p, r);
      await sameData(p, r);
      assert.match(nodis.output(), /Caching the disconnected master state\.[^]*Trying a partial resynchronization \(request [0-9a-f]{40}:\d+\)\.[^]*Successful partial resynchronization with master\./);
    });
  });
}

describe('PSYNC2 across a primary restart, then promotion', { skip }, () => {
  let redis: ChildServer;
  let restarted: ChildProcess | null = null;
  let nodis: ChildServer;
  let r: TestClient;

  before(async () => {
    redis = await startRedis(['--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0']);
    nodis = await startNodis(['--repl-timeout', '5']);
    r = await nodis.client();
  });
  after(async () => {
    r?.close();
    await nodis?.stop();
    if (restarted !== null && restarted.exitCode === null) {
      await new Promise<void>((res) => { restarted!.once('exit', () => res()); restarted!.kill('SIGKILL'); });
    }
    await redis?.stop();
  });

  it('continues from the same history when the primary comes back from its RDB', async () => {
    let p = await redis.client();
    await p.send('SET', 'before', '1');
    await r.send('REPLICAOF', '127.0.0.1', redis.port);
    await waitInfo(r, 'master_link_status', 'up');
    await p.send('RPUSH', 'l', 'a', 'b');
    await p.send('SADD', 's', 'x');
    await inSync(p, r);
    const replid = await info(p, 'master_replid');
    const exited = new Promise<void>((res) => redis.proc.once('exit', () => res()));
    await p.send('SHUTDOWN', 'SAVE');
    p.close();
    await exited;
    await waitInfo(r, 'master_link_status', 'down');
    // Stale reads are served by default; with replica-serve-stale-data no they are refused.
    assert.equal(await r.send('GET', 'before'), '1');
    await r.send('CONFIG', 'SET', 'replica-serve-stale-data', 'no');
    assert.ok(isError(await r.send('GET', 'before'), "MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."));
    assert.ok(isError(await r.send('PING'), 'MASTERDOWN')); // PING is not flagged stale
    assert.match((await r.send('INFO', 'server')) as string, /redis_version/); // INFO is
    await r.send('CONFIG', 'SET', 'replica-serve-stale-data', 'yes');
    const role = (await r.send('ROLE')) as RespValue[];
    assert.ok(['connect', 'connecting', 'handshake'].includes(role[3] as string), `state ${String(role[3])}`);
    // The same port and dir: redis-server loads its RDB with the replication id and offset.
    restarted = spawn('redis-server', ['--port', String(redis.port), '--bind', '127.0.0.1', '--dir', redis.dir, '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    let p2: TestClient | null = null;
    assert.ok(await waitFor(async () => {
      try { p2 = await TestClient.connect(redis.port); return true; } catch { return false; }
    }, 10000, 50));
    p = p2!;
    await waitInfo(p, 'sync_partial_ok', '1');
    assert.equal(await info(p, 'sync_full'), '0');
    // Redis 7 restarts with a new id and keeps the loaded one as replid2: the replica's
    // PSYNC names replid2, gets +CONTINUE <new id> and adopts it.
    assert.equal(await info(p, 'master_replid2'), replid);
    await p.send('SET', 'after', '2');
    await inSync(p, r);
    assert.equal(await info(r, 'master_replid'), await info(p, 'master_replid'));
    assert.equal(await info(r, 'master_replid2'), replid);
    assert.match(nodis.output(), /Master replication ID changed to [0-9a-f]{40}/);
    await sameData(p, r);
    p.close();
  });

  it('REPLICAOF NO ONE promotes: the old history becomes replid2, writes are accepted', async () => {
    const oldId = await info(r, 'master_replid');
    const offset = Number(await info(r, 'master_repl_offset'));
    assert.equal(await r.send('REPLICAOF', 'NO', 'ONE'), 'OK');
    assert.equal(await info(r, 'role'), 'master');
    assert.equal(await info(r, 'master_replid2'), oldId);
    assert.equal(await info(r, 'second_repl_offset'), String(offset + 1));
    assert.notEqual(await info(r, 'master_replid'), oldId);
    assert.equal(await r.send('SET', 'mine', '1'), 'OK');
    const role = (await r.send('ROLE')) as RespValue[];
    assert.equal(role[0], 'master');
    assert.deepEqual(role[2], []);
    assert.match(nodis.output(), /Setting secondary replication ID to [0-9a-f]{40}, valid up to offset: \d+\. New replication ID is [0-9a-f]{40}[^]*MASTER MODE enabled \(user request from 'id=/);
  });
});
