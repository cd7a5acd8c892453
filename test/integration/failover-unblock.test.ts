// FAILOVER turns the primary into a replica of its target, which ends every blocked client's
// wait (BLPOP, WAIT) with the UNBLOCKED error and closes it, as REPLICAOF does; the clients held
// by the failover's own write pause are not blocked and run afterwards (READONLY). Run with a
// nodis and a redis-server primary, so the expectations are Redis's.

import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import { RespError, type TestClient } from '../helpers/resp-client.js';

const UNBLOCKED = 'UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)';
const servers: ChildServer[] = [];
const clients: TestClient[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop();
});

const msg = (v: unknown) => (v instanceof RespError ? v.message : JSON.stringify(v));

for (const kind of ['nodis', 'redis'] as const) {
  describe(`FAILOVER on a ${kind} primary with blocked clients`, { skip: kind === 'redis' && !redisAvailable() }, () => {
    it('answers UNBLOCKED to BLPOP and WAIT and closes them', async () => {
      const args = ['--repl-diskless-sync-delay', '0'];
      const p = kind === 'nodis' ? await startNodis(args) : await startRedis(args);
      const r = await startNodis(args);
      servers.push(p, r);
      const [pc, rc, b1, b2] = [await p.client(), await r.client(), await p.client(), await p.client()];
      clients.push(pc, rc, b1, b2);
      assert.equal(await rc.send('REPLICAOF', '127.0.0.1', p.port), 'OK');
      await waitInfo(rc, 'master_link_status', 'up');
      await waitInfo(pc, 'slave0', (v) => v !== undefined && v.includes('state=online'));
      const blpop = b1.send('BLPOP', 'nothing', 0);
      // Two replicas asked for, one exists: it waits forever.
      assert.equal(await b2.send('SET', 'k', 'v'), 'OK');
      const wait = b2.send('WAIT', 2, 0);
      await waitInfo(pc, 'blocked_clients', '2');
      assert.equal(await pc.send('FAILOVER'), 'OK');
      assert.equal(msg(await blpop), UNBLOCKED);
      assert.equal(msg(await wait), UNBLOCKED);
      assert.ok(await b1.waitClosed());
      assert.ok(await b2.waitClosed());
      await waitInfo(pc, 'master_link_status', 'up');
      await waitInfo(rc, 'role', 'master');
      assert.equal(await info(pc, 'blocked_clients'), '0');
      assert.ok(await waitFor(async () => (await rc.send('GET', 'k')) === 'v', 5000));
    });
  });
}
