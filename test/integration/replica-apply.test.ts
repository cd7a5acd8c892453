// A nodis replica applying a long stream at once: redis-server → nodis → redis-server, the nodis
// replica stopped (SIGSTOP) while the primary takes over 3 MB of pipelined writes (SELECTs,
// MULTI/EXEC, big values, DELs), then resumed. It must read the backlog in many reads over many
// event-loop turns (it yields after 256 KB per turn), answer its clients meanwhile, and end with
// the primary's offset and data; its sub-replica must have received exactly the primary's bytes
// (same offset, same digest).

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import type { TestClient } from '../helpers/resp-client.js';

const skip = !redisAvailable();

describe('a stopped nodis replica catching up on a long stream', { skip }, () => {
  const servers: ChildServer[] = [];
  const clients: TestClient[] = [];
  after(async () => {
    for (const c of clients) c.close();
    for (const s of servers) {
      s.proc.kill('SIGCONT');
      await s.stop();
    }
  });

  let p: TestClient;
  let r: TestClient;
  let s: TestClient;
  let replica: ChildServer;
  before(async () => {
    const primary = await startRedis(['--repl-backlog-size', '64mb', '--enable-debug-command', 'yes']);
    replica = await startNodis(['--enable-debug-command', 'yes', '--repl-backlog-size', '64mb']);
    const sub = await startRedis(['--enable-debug-command', 'yes']);
    servers.push(primary, replica, sub);
    [p, r, s] = [await primary.client(), await replica.client(), await sub.client()];
    clients.push(p, r, s);
    assert.equal(await r.send('REPLICAOF', '127.0.0.1', primary.port), 'OK');
    await waitInfo(r, 'master_link_status', 'up');
    assert.equal(await s.send('REPLICAOF', '127.0.0.1', replica.port), 'OK');
    await waitInfo(s, 'master_link_status', 'up');
  });

  it('applies it all, and its sub-replica gets the same bytes', async () => {
    replica.proc.kill('SIGSTOP');
    for (let round = 0; round < 12; round++) {
      const cmds: (string | number | Buffer)[][] = [];
      for (let i = 0; i < 4000; i++) cmds.push(['SET', `key:${round}:${i}`, `v${i}`]);
      cmds.push(['SELECT', 1], ['RPUSH', 'list', ...Array.from({ length: 50 }, (_, i) => `e${round}-${i}`)], ['SELECT', 0]);
      cmds.push(['MULTI'], ['INCR', 'tx'], ['SET', `big${round}`, 'b'.repeat(100_000 + round)], ['EXEC']);
      cmds.push(['DEL', `key:${round}:7`], ['HSET', 'h', `f${round}`, round]);
      const replies = await p.pipeline(cmds);
      assert.equal(replies.length, cmds.length);
    }
    const target = Number(await info(p, 'master_repl_offset'));
    const behind = target - Number(await info(s, 'master_repl_offset'));
    assert.ok(behind > 2_000_000, `only ${behind} bytes to apply`);
    replica.proc.kill('SIGCONT');
    // The replica answers its clients while it works through the backlog.
    assert.equal(await r.send('PING'), 'PONG');
    const caughtUp = async (c: TestClient, field: string) => Number(await info(c, field)) >= target;
    assert.ok(await waitFor(() => caughtUp(r, 'slave_repl_offset'), 30000, 10), 'the replica caught up');
    assert.ok(await waitFor(() => caughtUp(s, 'slave_repl_offset'), 30000, 10), 'the sub-replica caught up');
    // A PING from the primary may have moved all three since; wait until they agree.
    assert.ok(await waitFor(async () => {
      const offsets = [await info(p, 'master_repl_offset'), await info(r, 'master_repl_offset'), await info(s, 'master_repl_offset')];
      return offsets[0] === offsets[1] && offsets[1] === offsets[2];
    }, 10000, 10), 'offsets agree');
    const digest = await p.send('DEBUG', 'DIGEST');
    assert.equal(await r.send('DEBUG', 'DIGEST'), digest);
    assert.equal(await s.send('DEBUG', 'DIGEST'), digest);
    assert.equal(await r.send('GET', 'tx'), '12');
    assert.equal(await s.send('DBSIZE'), await p.send('DBSIZE'));
  });
});
