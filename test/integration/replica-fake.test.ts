// nodis as a replica of scripted fake primaries, for what a real primary will not do on cue:
// silence during the handshake and the PSYNC (repl-timeout, then a reconnect), a transfer that
// stalls half-way (timeout, temp file removed), and swapdb loading whose transfer breaks: the
// replica keeps its old data, serving reads throughout when the primary continues its history
// (async loading) and answering LOADING otherwise.

import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { after, describe, it } from 'node:test';
import { newKeyspace } from '../helpers/rdb.js';
import { rdbBuffer } from '../../src/persistence/rdb/writer.js';
import { startNodis, type ChildServer } from '../helpers/oracle.js';
import { waitFor } from '../helpers/raw-socket.js';
import { answerHandshake, fakePrimary, info, isError, waitInfo } from '../helpers/replication.js';
import type { RespValue, TestClient } from '../helpers/resp-client.js';

const ID_A = 'a'.repeat(40);
const ID_B = 'b'.repeat(40);
const MARK = 'c'.repeat(40);

function rdbWith(pairs: Record<string, string>): Buffer {
  const ks = newKeyspace();
  for (const [k, v] of Object.entries(pairs)) ks.dbs[0]!.set(k, v);
  return rdbBuffer({ dbs: ks.dbs, aux: { redisVer: '7.0.15', redisBits: 64, ctime: 0, usedMem: 0, aofBase: 0 } }, { compress: false, checksum: true, version: 10 });
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function replica(args: string[]): Promise<[ChildServer, TestClient]> {
  const n = await startNodis(args);
  const c = await n.client();
  cleanups.push(async () => { c.close(); await n.stop(); });
  return [n, c];
}

async function waitLog(n: ChildServer, re: RegExp, timeoutMs = 10000): Promise<void> {
  assert.ok(await waitFor(() => re.test(n.output()), timeoutMs, 20), `log never matched ${re}:\n${n.output()}`);
}

describe('repl-timeout at every stage', () => {
  it('a primary that never answers PING: timeout, then a new attempt', async () => {
    const fake = await fakePrimary(() => {});
    cleanups.push(() => fake.close());
    const [n, c] = await replica(['--repl-timeout', '1']);
    assert.equal(await c.send('REPLICAOF', '127.0.0.1', fake.port), 'OK');
    assert.ok(await waitFor(() => fake.links.length >= 1 && fake.links[0]!.commands.length > 0, 5000));
    assert.deepEqual(fake.links[0]!.commands[0], ['PING']);
    const role = (await c.send('ROLE')) as RespValue[];
    assert.deepEqual(role, ['slave', '127.0.0.1', fake.port, 'handshake', -1]);
    assert.equal(await info(c, 'master_link_status'), 'down');
    await waitLog(n, /# Timeout connecting to the MASTER\.\.\.\n.*Reconnecting to MASTER 127\.0\.0\.1:\d+ after failure/);
    assert.ok(await waitFor(() => fake.links.length >= 2, 5000));
  });

  it('a primary silent after PSYNC: timeout, then a new attempt', async () => {
    const fake = await fakePrimary((link) => { void answerHandshake(link).catch(() => {}); });
    cleanups.push(() => fake.close());
    const [n, c] = await replica(['--repl-timeout', '1', '--masterauth', 'secret', '--replica-announce-ip', '10.0.0.9']);
    await c.send('REPLICAOF', '127.0.0.1', fake.port);
    assert.ok(await waitFor(() => fake.links.length >= 1 && fake.links[0]!.commands.some((x) => x[0] === 'PSYNC'), 5000));
    const cmds = fake.links[0]!.commands;
    // The handshake as Redis sends it: PING, then AUTH and the REPLCONFs in one go, then PSYNC.
    assert.deepEqual(cmds.slice(0, 2), [['PING'], ['AUTH', 'secret']]);
    assert.deepEqual(cmds[2]!.slice(0, 2), ['REPLCONF', 'listening-port']);
    assert.deepEqual(cmds[3], ['REPLCONF', 'ip-address', '10.0.0.9']);
    assert.deepEqual(cmds[4], ['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
    // A fresh replica offers its own history (the cached primary synthesized from itself).
    assert.deepEqual(cmds[5]![0], 'PSYNC');
    assert.equal(cmds[5]![2], '1');
    await waitLog(n, /Trying a partial resynchronization \(request [0-9a-f]{40}:1\)\.[^]*Timeout connecting to the MASTER\.\.\./);
    assert.ok(await waitFor(() => fake.links.length >= 2, 5000));
  });

  it('a transfer that stalls half-way: timeout, the temp file is removed, a new attempt', async () => {
    const fake = await fakePrimary((link, nth) => {
      void answerHandshake(link).then(() => {
        if (nth === 1) link.write(`+FULLRESYNC ${ID_A} 0\r\n$1000\r\n${'x'.repeat(100)}`);
      }).catch(() => {});
    });
    cleanups.push(() => fake.close());
    const [n, c] = await replica(['--repl-timeout', '2']);
    await c.send('SET', 'mine', 'kept');
    await c.send('REPLICAOF', '127.0.0.1', fake.port);
    await waitInfo(c, 'master_sync_in_progress', '1');
    await waitInfo(c, 'master_sync_read_bytes', '100');
    assert.equal(await info(c, 'master_sync_total_bytes'), '1000');
    assert.equal(await info(c, 'master_sync_left_bytes'), '900');
    assert.equal(await info(c, 'master_sync_perc'), '10.00');
    assert.ok(readdirSync(n.dir).some((f) => /^temp-\d+\.\d+\.rdb$/.test(f)), 'payload goes to a temp file');
    // Disk-based loading keeps serving the old data during the transfer.
    assert.equal(await info(c, 'loading'), '0');
    assert.equal(await c.send('GET', 'mine'), 'kept');
    const roleDuring = (await c.send('ROLE')) as RespValue[];
    assert.equal(roleDuring[3], 'sync');
    await waitLog(n, /MASTER <-> REPLICA sync: receiving 1000 bytes from master to disk[^]*Timeout receiving bulk data from MASTER\.\.\. If the problem persists try to set the 'repl-timeout' parameter in redis\.conf to a larger value\./);
    assert.ok(await waitFor(() => fake.links.length >= 2, 5000));
    assert.ok(!readdirSync(n.dir).some((f) => f.startsWith('temp-')), 'the temp file is removed');
    assert.equal(await c.send('GET', 'mine'), 'kept');
  });
});

describe('repl-diskless-load swapdb', () => {
  /**
   * Connection 1 gets a full sync (k=old) and one streamed SET; connection 2 gets half of an RDB
   * and waits for the test to break it; connection 3 gets a complete RDB (k=new).
   */
  async function scenario(secondId: string) {
    let release!: () => void;
    const third = new Promise<void>((r) => { release = r; });
    const first = rdbWith({ k: 'old', other: '1' });
    const second = rdbWith({ k: 'new' });
    const fake = await fakePrimary((link, nth) => {
      void answerHandshake(link).then(async (psync) => {
        if (nth === 1) {
          link.write(Buffer.concat([Buffer.from(`+FULLRESYNC ${ID_A} 0\r\n$EOF:${MARK}\r\n`), first, Buffer.from(MARK)]));
          await link.waitCommand('replconf', 10000);
          await waitForAck(link);
          link.write('*3\r\n$3\r\nSET\r\n$6\r\nstream\r\n$1\r\n1\r\n');
        } else if (nth === 2) {
          psyncs.push(psync);
          link.write(Buffer.concat([Buffer.from(`+FULLRESYNC ${secondId} 500\r\n$EOF:${MARK}\r\n`), second.subarray(0, 20)]));
        } else {
          await third;
          link.write(Buffer.concat([Buffer.from(`+FULLRESYNC ${secondId} 500\r\n$EOF:${MARK}\r\n`), second, Buffer.from(MARK)]));
        }
      }).catch(() => {});
    });
    const psyncs: string[][] = [];
    cleanups.push(() => fake.close());
    const [n, c] = await replica(['--repl-diskless-load', 'swapdb', '--repl-timeout', '30']);
    await c.send('REPLICAOF', '127.0.0.1', fake.port);
    await waitInfo(c, 'master_link_status', 'up');
    assert.ok(await waitFor(async () => (await c.send('GET', 'stream')) === '1', 5000));
    assert.equal(await c.send('GET', 'k'), 'old');
    assert.equal(await info(c, 'master_replid'), ID_A);
    assert.equal(await info(c, 'slave_repl_offset'), '32'); // the SET's 32 bytes
    return { fake, n, c, psyncs, release };
  }

  async function waitForAck(link: { commands: string[][] }): Promise<void> {
    assert.ok(await waitFor(() => link.commands.some((x) => x[0] === 'REPLCONF' && x[1] === 'ACK'), 5000));
  }

  it('same history: async loading serves the old data, keeps it when the transfer breaks, swaps on success', async () => {
    const { fake, n, c, psyncs, release } = await scenario(ID_A);
    await c.send('CLIENT', 'KILL', 'TYPE', 'master');
    await waitInfo(c, 'async_loading', '1');
    // The PSYNC after the break asks to continue after the 32 bytes applied.
    assert.deepEqual(psyncs[0], ['PSYNC', ID_A, '33']);
    assert.equal(await info(c, 'loading'), '1');
    assert.equal(await c.send('GET', 'k'), 'old');
    assert.equal(await c.send('DBSIZE'), 3);
    assert.equal(await c.send('CONFIG', 'SET', 'maxmemory-samples', '6'), 'OK');
    assert.ok(isError(await c.send('REPLICAOF', 'NO', 'ONE'), 'LOADING'));
    fake.links[1]!.socket.destroy();
    await waitLog(n, /I\/O error trying to sync with MASTER: connection lost[^]*Reconnecting to MASTER/);
    await waitInfo(c, 'async_loading', '0');
    assert.equal(await c.send('GET', 'k'), 'old');
    assert.match(n.output(), /Discarding temporary DB in background|I\/O error/);
    release();
    await waitInfo(c, 'master_link_status', 'up');
    assert.equal(await info(c, 'async_loading'), '0');
    assert.equal(await c.send('GET', 'k'), 'new');
    assert.equal(await c.send('EXISTS', 'other'), 0);
    assert.match(n.output(), /Swapping active DB with loaded DB/);
    assert.equal(await info(c, 'master_repl_offset'), '500');
  });

  it('another history: LOADING during the transfer, the old data back after it breaks', async () => {
    const { fake, n, c, release } = await scenario(ID_B);
    await c.send('CLIENT', 'KILL', 'TYPE', 'master');
    await waitInfo(c, 'loading', '1');
    assert.equal(await info(c, 'async_loading'), '0');
    assert.ok(isError(await c.send('GET', 'k'), 'LOADING Redis is loading the dataset in memory'));
    assert.ok(isError(await c.send('DBSIZE'), 'LOADING'));
    // CONFIG SET and INFO keep working while loading (Redis 7).
    assert.equal(await c.send('CONFIG', 'SET', 'maxmemory-samples', '6'), 'OK');
    fake.links[1]!.socket.destroy();
    await waitLog(n, /I\/O error trying to sync with MASTER/);
    await waitInfo(c, 'loading', '0');
    assert.equal(await c.send('GET', 'k'), 'old');
    assert.equal(await c.send('DBSIZE'), 3);
    release();
    await waitInfo(c, 'master_link_status', 'up');
    assert.equal(await c.send('GET', 'k'), 'new');
    assert.equal(await info(c, 'master_replid'), ID_B);
    assert.doesNotMatch(n.output(), /Flushing old data/);
  });
});
