// The replication modules against a real redis-server (the oracle) acting as primary, with a raw
// socket acting as replica: the PSYNC reply and RDB transfer are read with our parsers, the
// stream it sends after the sync must be byte for byte what ReplicationStream produces for the
// same commands, and its PSYNC answers must be what decidePsync decides from its INFO.

import { strict as assert } from 'node:assert';
import { connect, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { encodeCommand } from '../../src/resp/encode.js';
import { decidePsync, parsePsyncReply } from '../../src/replication/psync.js';
import { RdbTransferReader } from '../../src/replication/rdb-transfer.js';
import { ReplBuffer } from '../../src/replication/repl-buffer.js';
import { ReplicationStream } from '../../src/replication/stream.js';
import { redisAvailable, startRedis, type ChildServer } from '../helpers/oracle.js';
import type { TestClient } from '../helpers/resp-client.js';

/** A raw connection that keeps every byte received. */
class RawLink {
  data = Buffer.alloc(0);
  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => { this.data = Buffer.concat([this.data, d]); });
    socket.on('error', () => {});
  }
  static open(port: number): Promise<RawLink> {
    return new Promise((res, rej) => {
      const s = connect({ port, host: '127.0.0.1' }, () => res(new RawLink(s)));
      s.once('error', rej);
    });
  }
  send(...argv: string[]): void {
    this.socket.write(Buffer.from(encodeCommand(argv), 'latin1'));
  }
  async until(cond: () => boolean, what: string): Promise<void> {
    const end = Date.now() + 10_000;
    while (!cond()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; got ${JSON.stringify(this.data.toString('latin1').slice(0, 300))}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }
  /** The first line (without CRLF), once complete. */
  async firstLine(): Promise<string> {
    await this.until(() => this.data.includes('\r\n'), 'a reply line');
    return this.data.toString('latin1', 0, this.data.indexOf('\r\n'));
  }
  close(): void {
    this.socket.destroy();
  }
}

const PING = encodeCommand(['PING']);

function infoField(info: string, name: string): string {
  const m = new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(info);
  assert.ok(m, `INFO has ${name}`);
  return m[1]!.trim();
}

describe('replication modules against redis-server', { skip: !redisAvailable() && 'redis-server not installed' }, () => {
  let primary: ChildServer;
  let cli: TestClient;
  const links: RawLink[] = [];

  before(async () => {
    // Disk-based sync so the transfer is the "$<len>" form; no PING during the test if possible.
    primary = await startRedis(['--repl-diskless-sync', 'no', '--repl-ping-replica-period', '3600']);
    cli = await primary.client();
  });
  after(async () => {
    for (const l of links) l.close();
    cli?.socket.destroy();
    await primary?.stop();
  });

  async function info(): Promise<string> {
    return String(await cli.send('INFO', 'replication'));
  }

  it('full sync: +FULLRESYNC, the RDB bulk, then exactly the stream ReplicationStream writes', async () => {
    await cli.send('SET', 'before', 'sync');
    const link = await RawLink.open(primary.port);
    links.push(link);
    link.send('REPLCONF', 'capa', 'psync2');
    await link.until(() => link.data.toString().startsWith('+OK\r\n'), 'REPLCONF reply');
    link.data = link.data.subarray(5);
    link.send('PSYNC', '?', '-1');
    const line = await link.firstLine();
    const reply = parsePsyncReply(line);
    assert.equal(reply.kind, 'full');
    assert.ok(reply.kind === 'full' && reply.replid !== null);
    assert.equal(reply.replid, infoField(await info(), 'master_replid'));
    link.data = link.data.subarray(line.length + 2);

    // The RDB, read incrementally with whatever chunking the socket gives.
    const transfer = new RdbTransferReader();
    const rdb: Buffer[] = [];
    let rest: Buffer | null = null;
    await link.until(() => {
      if (link.data.length > 0 && !transfer.finished) {
        const chunk = link.data;
        link.data = Buffer.alloc(0);
        for (const e of transfer.push(chunk)) {
          if (e.type === 'data') rdb.push(Buffer.from(e.chunk));
          else if (e.type === 'end') rest = e.rest;
          else if (e.type === 'error') throw new Error(e.message);
        }
      }
      return transfer.finished;
    }, 'the RDB transfer');
    assert.equal(Buffer.concat(rdb).toString('latin1', 0, 5), 'REDIS');
    link.data = Buffer.concat([rest ?? Buffer.alloc(0), link.data]);

    // Commands in several dbs, including binary values and a transaction.
    const ours = new ReplicationStream(new ReplBuffer({ offset: reply.offset }));
    const reader = ours.buffer.addReader(reply.offset)!;
    const big = 'v'.repeat(40_000);
    const script: [number, string[]][] = [
      [0, ['set', 'k', 'v']],
      [0, ['set', 'bin', '\x00\xff\r\n']],
      [3, ['lpush', 'l', 'a', 'b']],
      [3, ['set', 'big', big]],
      [0, ['del', 'k']],
    ];
    let db = 0;
    for (const [d, argv] of script) {
      if (d !== db) {
        await cli.send('SELECT', String(d));
        db = d;
      }
      await cli.send(...argv.map((a) => Buffer.from(a, 'latin1')));
      ours.feed(d, argv);
    }
    await cli.send('MULTI');
    await cli.send('incr', 'n');
    await cli.send('incr', 'n');
    await cli.send('EXEC');
    // Redis wraps the unit in its own MULTI/EXEC (upper case, as exec/propagate.ts does).
    for (const argv of [['MULTI'], ['incr', 'n'], ['incr', 'n'], ['EXEC']]) ours.feed(0, argv);
    const expected = Buffer.concat(reader.read()).toString('latin1');
    // A PING may slip in if the primary's cron ran its first loop with us attached.
    const strip = (s: string) => s.split(PING).join('');
    await link.until(() => strip(link.data.toString('latin1')).length >= expected.length, 'the stream');
    const got = link.data.toString('latin1');
    const mine = strip(got);
    let at = 0;
    while (at < mine.length && mine[at] === expected[at]) at++;
    assert.equal(at, expected.length, `differs at ${at}: ${JSON.stringify(mine.slice(at - 20, at + 40))} vs ${JSON.stringify(expected.slice(at - 20, at + 40))}`);
    assert.equal(mine.length, expected.length);
    const pings = (got.length - strip(got).length) / PING.length;
    assert.equal(Number(infoField(await info(), 'master_repl_offset')), ours.offset + pings * PING.length);
  });

  it('PSYNC answers match decidePsync on the live backlog', async () => {
    const i = await info();
    const replid = infoField(i, 'master_replid');
    const history = () => ({
      replid,
      replid2: infoField(i, 'master_replid2'),
      secondOffset: Number(infoField(i, 'second_repl_offset')),
      backlog: { firstByteOffset: Number(infoField(i, 'repl_backlog_first_byte_offset')), histlen: Number(infoField(i, 'repl_backlog_histlen')) },
    });
    const end = Number(infoField(i, 'master_repl_offset'));
    const first = history().backlog.firstByteOffset;
    const cases: [string, number, boolean][] = [
      [replid, end + 1, true],
      [replid, end + 1, false],
      [replid.toUpperCase(), end, true],
      [replid, first, true],
      [replid, first + 7, false],
      [replid, end + 2, true],
      [replid, first - 1, true],
      ['f'.repeat(40), end, true],
      ['?', -1, true],
      [infoField(i, 'master_replid2'), -1, true],
    ];
    for (const [id, offset, psync2] of cases) {
      const link = await RawLink.open(primary.port);
      links.push(link);
      if (psync2) {
        link.send('REPLCONF', 'capa', 'psync2');
        await link.until(() => link.data.length >= 5, 'REPLCONF reply');
        link.data = link.data.subarray(5);
      }
      link.send('PSYNC', id, String(offset));
      const line = await link.firstLine();
      const d = decidePsync(id, offset, psync2, history());
      const what = `PSYNC ${id} ${offset} psync2=${psync2}`;
      if (d.kind === 'continue') {
        assert.equal(line + '\r\n', d.reply, what);
        // The backlog bytes follow at once (none when the replica is caught up).
        if (d.backlogBytes > 0) await link.until(() => link.data.length >= line.length + 2 + d.backlogBytes, 'backlog bytes');
      } else {
        assert.match(line, /^\+FULLRESYNC [0-9a-f]{40} \d+$/, what);
      }
      link.close();
    }
  });
});
