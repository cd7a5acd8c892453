// WAIT and min-replicas-to-write on a nodis primary with real replicas (a nodis one and a
// redis-server one): WAIT answers as soon as enough replicas acknowledge (under a write load),
// waits out its timeout when there are not enough, cannot block inside MULTI, and refuses to run
// on a replica; its argument errors match redis-server's. NOREPLICAS gates writes only. WAIT waits
// for the client's own last write (a client that wrote nothing, or whose writes were acknowledged,
// answers at once), asks for ACKs once per parking rather than on every ACK, and CLIENT UNBLOCK
// ends it with the count reached.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { inSync, writeLoad } from '../helpers/primary.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, isError, waitInfo } from '../helpers/replication.js';
import type { TestClient } from '../helpers/resp-client.js';

const skip = !redisAvailable();

describe('WAIT and min-replicas on a nodis primary', { skip }, () => {
  let p: ChildServer;
  let r1: ChildServer;
  let r2: ChildServer;
  let pc: TestClient;
  let c1: TestClient;
  let c2: TestClient;

  before(async () => {
    p = await startNodis(['--repl-diskless-sync-delay', '0']);
    r1 = await startNodis([]);
    r2 = await startRedis([]);
    pc = await p.client();
    c1 = await r1.client();
    c2 = await r2.client();
    await c1.send('REPLICAOF', '127.0.0.1', p.port);
    await c2.send('REPLICAOF', '127.0.0.1', p.port);
    await waitInfo(c1, 'master_link_status', 'up');
    await waitInfo(c2, 'master_link_status', 'up');
  });
  after(async () => {
    for (const c of [pc, c1, c2]) c?.close();
    for (const s of [r1, r2, p]) await s?.stop();
  });

  it('answers once enough replicas acknowledged the writes, under a write load', async () => {
    const loader = await p.client();
    const w = writeLoad(loader, 'wl');
    try {
      for (let i = 0; i < 5; i++) {
        await pc.send('SET', `wait${i}`, 'v');
        const start = Date.now();
        assert.equal(await pc.send('WAIT', 2, 10000), 2);
        // GETACK makes the replicas answer at once, not at their next once-a-second ACK.
        assert.ok(Date.now() - start < 900, `WAIT took ${Date.now() - start} ms`);
        assert.equal(await c1.send('GET', `wait${i}`), 'v');
        assert.equal(await c2.send('GET', `wait${i}`), 'v');
      }
      // Answers as soon as one replica has the writes (the count it has then, 1 or 2).
      await pc.send('SET', 'one', 'v');
      assert.ok([1, 2].includes((await pc.send('WAIT', 1, 0)) as number));
    } finally {
      await w.stop();
      loader.close();
    }
  });

  it('waits out its timeout when there are not enough replicas', async () => {
    await pc.send('SET', 'k', 'v');
    const start = Date.now();
    assert.equal(await pc.send('WAIT', 3, 300), 2);
    assert.ok(Date.now() - start >= 280);
    // Other clients are served meanwhile.
    const other = await p.client();
    const parked = pc.send('WAIT', 3, 500);
    assert.equal(await other.send('PING'), 'PONG');
    assert.equal(await parked, 2);
    other.close();
  });

  it('does not block inside MULTI, and checks its arguments', async () => {
    await pc.send('MULTI');
    await pc.send('SET', 'm', '1');
    await pc.send('WAIT', 5, 0);
    const res = (await pc.send('EXEC')) as unknown[];
    assert.equal(res[0], 'OK');
    assert.equal(typeof res[1], 'number');
    assert.ok(isError(await pc.send('WAIT', 1, -1), 'ERR timeout is negative'));
    assert.ok(isError(await pc.send('WAIT', 'x', 0), 'ERR value is not an integer or out of range'));
    assert.ok(isError(await pc.send('WAIT', 1), "ERR wrong number of arguments for 'wait' command"));
    assert.ok(isError(await c1.send('WAIT', 1, 0), 'ERR WAIT cannot be used with replica instances.'));
    assert.ok(isError(await c2.send('WAIT', 1, 0), 'ERR WAIT cannot be used with replica instances.'));
  });

  it('refuses writes with NOREPLICAS below min-replicas-to-write', async () => {
    assert.equal(await pc.send('CONFIG', 'SET', 'min-replicas-to-write', '3'), 'OK');
    try {
      assert.ok(isError(await pc.send('SET', 'x', '1'), 'NOREPLICAS Not enough good replicas to write.'));
      assert.equal(await pc.send('GET', 'k'), 'v');
      assert.equal(await pc.send('CONFIG', 'SET', 'min-replicas-to-write', '2'), 'OK');
      // The good-replica count is refreshed by the cron: both replicas ACK each second.
      let reply: unknown;
      for (let i = 0; i < 40; i++) {
        reply = await pc.send('SET', 'x', '1');
        if (reply === 'OK') break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(reply, 'OK');
      await inSync(pc, c1);
      // A replica that stops acknowledging stops counting after min-replicas-max-lag.
      assert.equal(await pc.send('CONFIG', 'SET', 'min-replicas-max-lag', '1'), 'OK');
      r2.proc.kill('SIGSTOP');
      try {
        let refused = false;
        for (let i = 0; i < 100 && !refused; i++) {
          refused = isError(await pc.send('SET', 'y', '1'), 'NOREPLICAS');
          if (!refused) await new Promise((r) => setTimeout(r, 50));
        }
        assert.ok(refused);
        assert.equal(await info(pc, 'connected_slaves'), '2');
      } finally {
        r2.proc.kill('SIGCONT');
      }
    } finally {
      await pc.send('CONFIG', 'SET', 'min-replicas-to-write', '0');
      await pc.send('CONFIG', 'SET', 'min-replicas-max-lag', '10');
    }
  });

  it('waits for the offset of the client\'s own writes, not the latest one', async () => {
    const writer = await p.client();
    const early = await p.client();
    const fresh = await p.client();
    try {
      assert.equal(await early.send('SET', 'early', '1'), 'OK');
      assert.equal(await early.send('WAIT', 2, 0), 2);
      r2.proc.kill('SIGSTOP');
      try {
        assert.equal(await writer.send('SET', 'late', '1'), 'OK');
        const start = Date.now();
        assert.equal(await writer.send('WAIT', 2, 300), 1);
        assert.ok(Date.now() - start >= 280);
        // Their own writes were acknowledged by both (or they wrote nothing): no waiting.
        assert.equal(await early.send('WAIT', 2, 0), 2);
        assert.equal(await fresh.send('WAIT', 2, 0), 2);
      } finally {
        r2.proc.kill('SIGCONT');
      }
      await inSync(pc, c2);
    } finally {
      for (const c of [writer, early, fresh]) c.close();
    }
  });

  it('asks for ACKs once when it parks, not again on every ACK while parked', async () => {
    await pc.send('SET', 'getack', '1');
    await inSync(pc, c1);
    await inSync(pc, c2);
    const before = Number(await info(pc, 'master_repl_offset'));
    // Both replicas answer the GETACK at once; the WAIT runs again on each ACK and parks again.
    assert.equal(await pc.send('WAIT', 3, 400), 2);
    const grown = Number(await info(pc, 'master_repl_offset')) - before;
    // One REPLCONF GETACK * is 37 bytes; a PING from the cron may add one more command.
    assert.ok(grown >= 37 && grown < 3 * 37, `the stream grew by ${grown} bytes`);
  });

  it('ends on CLIENT UNBLOCK with the count reached, or -UNBLOCKED', async () => {
    const x = await p.client();
    try {
      const id = (await x.send('CLIENT', 'ID')) as number;
      await x.send('SET', 'ub', '1');
      // Both replicas have the write: the count at the unblock is then 2.
      assert.equal(await x.send('WAIT', 2, 0), 2);
      const parked = (): Promise<boolean> => waitFor(async () => String(await pc.send('CLIENT', 'LIST', 'ID', id)).includes('flags=b'));
      let reply = x.send('WAIT', 3, 0);
      assert.ok(await parked());
      assert.equal(await info(pc, 'blocked_clients'), '1');
      assert.equal(await pc.send('CLIENT', 'UNBLOCK', id), 1);
      assert.equal(await reply, 2);
      reply = x.send('WAIT', 3, 0);
      assert.ok(await parked());
      assert.equal(await pc.send('CLIENT', 'UNBLOCK', id, 'ERROR'), 1);
      assert.ok(isError(await reply, 'UNBLOCKED client unblocked via CLIENT UNBLOCK'));
      assert.equal(await info(pc, 'blocked_clients'), '0');
    } finally {
      x.close();
    }
  });
});
