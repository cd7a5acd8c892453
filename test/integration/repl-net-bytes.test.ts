// INFO stats total_net_repl_input_bytes / total_net_repl_output_bytes, counted as Redis 7 does:
// a primary counts the image it writes to replicas (the `$<len>` or `$EOF:<mark>` line, the
// payload, the mark) and the stream; a replica counts what it reads from its primary from the
// transfer on (the +FULLRESYNC line and the handshake count nowhere). Both are also part of
// total_net_input_bytes / total_net_output_bytes. Every pairing of nodis and redis-server is
// checked: the two ends of a link must agree byte for byte, which pins nodis to Redis's rule.

import { strict as assert } from 'node:assert';
import { after, describe, it } from 'node:test';
import { redisAvailable, startNodis, startRedis, type ChildServer } from '../helpers/oracle.js';
import { inSync } from '../helpers/primary.js';
import { waitFor } from '../helpers/raw-socket.js';
import { info, waitInfo } from '../helpers/replication.js';
import type { TestClient } from '../helpers/resp-client.js';

const servers: ChildServer[] = [];
const clients: TestClient[] = [];
after(async () => {
  for (const c of clients) c.close();
  for (const s of servers) await s.stop();
});

type Kind = 'nodis' | 'redis';

async function start(kind: Kind, args: string[]): Promise<[ChildServer, TestClient]> {
  const s = kind === 'nodis' ? await startNodis(args) : await startRedis(args);
  servers.push(s);
  const c = await s.client();
  clients.push(c);
  return [s, c];
}

async function num(c: TestClient, field: string): Promise<number> {
  const v = await info(c, field);
  assert.ok(v !== undefined, `INFO has ${field}`);
  return Number(v);
}

const pairs: [Kind, Kind][] = [['nodis', 'nodis'], ['nodis', 'redis'], ['redis', 'nodis']];

for (const [pk, rk] of pairs) {
  for (const diskless of ['no', 'yes'] as const) {
    const skip = (pk === 'redis' || rk === 'redis') && !redisAvailable();
    describe(`${pk} primary → ${rk} replica, repl-diskless-sync ${diskless}`, { skip }, () => {
      it('both ends count the same replication bytes, and the totals include them', async () => {
        const [p, pc] = await start(pk, ['--enable-debug-command', 'yes', '--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0']);
        const [r, rc] = await start(rk, []);
        await pc.send('DEBUG', 'POPULATE', 5000, 'key', 20);
        assert.equal(await num(pc, 'total_net_repl_output_bytes'), 0);
        assert.equal(await num(rc, 'total_net_repl_input_bytes'), 0);
        await rc.send('REPLICAOF', '127.0.0.1', p.port);
        await waitInfo(rc, 'master_link_status', 'up');
        await inSync(pc, rc);
        // Quiet link (no write, no PING between the two readings): both ends agree, except that a
        // replica also counts the newlines a primary sends while it prepares a disk image (Redis
        // reads them with the payload; its primary counts them nowhere).
        let out = 0;
        let inp = 0;
        assert.ok(await waitFor(async () => {
          out = await num(pc, 'total_net_repl_output_bytes');
          inp = await num(rc, 'total_net_repl_input_bytes');
          return inp >= out && inp - out <= (diskless === 'no' ? 5 : 0);
        }, 10000, 50), `primary wrote ${out} replication bytes, replica read ${inp}`);
        const offset = await num(pc, 'master_repl_offset');
        const image = out - offset;
        const m = /receiving (\d+) bytes from master/.exec(r.output());
        if (m !== null) {
          // A disk image: `$<len>\r\n` and the payload.
          assert.equal(image, m[1]!.length + 3 + Number(m[1]));
        } else {
          // A socket image: `$EOF:<40 chars>\r\n`, the payload, the 40-char mark; an RDB of 5000 keys.
          assert.ok(image > 47 + 40 + 5000 * 20, `image of ${image} bytes`);
        }
        // The stream: the replication bytes move exactly as the offset does.
        const [o1, out1, in1] = [await num(pc, 'master_repl_offset'), await num(pc, 'total_net_repl_output_bytes'), await num(rc, 'total_net_repl_input_bytes')];
        await pc.send('SET', 'x', 'y'.repeat(1000));
        await pc.send('SELECT', 3);
        await pc.send('RPUSH', 'l', 'a', 'b');
        await inSync(pc, rc);
        const o2 = await num(pc, 'master_repl_offset');
        assert.ok(o2 - o1 > 1000);
        assert.ok(await waitFor(async () => await num(rc, 'total_net_repl_input_bytes') - in1 === o2 - o1, 5000, 25));
        assert.equal(await num(pc, 'total_net_repl_output_bytes') - out1, o2 - o1);
        // The totals include the replication bytes (Redis 7.0+): a 300 KB write moves the totals
        // at least as much as the replication counters (the rest is this test's few commands).
        const before = [await num(pc, 'total_net_output_bytes'), await num(pc, 'total_net_repl_output_bytes'),
          await num(rc, 'total_net_input_bytes'), await num(rc, 'total_net_repl_input_bytes')];
        await pc.send('SET', 'big', 'z'.repeat(300_000));
        const target = String(await num(pc, 'master_repl_offset'));
        await waitInfo(rc, 'slave_repl_offset', target);
        const now = [await num(pc, 'total_net_output_bytes'), await num(pc, 'total_net_repl_output_bytes'),
          await num(rc, 'total_net_input_bytes'), await num(rc, 'total_net_repl_input_bytes')];
        const d = now.map((v, i) => v - before[i]!);
        assert.ok(d[1]! > 300_000 && d[0]! >= d[1]!, `output total +${d[0]}, replication +${d[1]}`);
        assert.ok(d[3]! > 300_000 && d[2]! >= d[3]!, `input total +${d[2]}, replication +${d[3]}`);
        // Nothing counts in the other direction.
        assert.equal(await num(pc, 'total_net_repl_input_bytes'), 0);
        assert.equal(await num(rc, 'total_net_repl_output_bytes'), 0);
        // CONFIG RESETSTAT zeroes them.
        assert.equal(await rc.send('CONFIG', 'RESETSTAT'), 'OK');
        assert.ok(await num(rc, 'total_net_repl_input_bytes') < 200);
      });
    });
  }
}
