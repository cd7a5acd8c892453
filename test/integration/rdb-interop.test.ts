// RDB and DUMP interop with real Redis (Debian's 7.0 oracle, started with DEBUG enabled):
// payloads DUMPed by Redis RESTORE into nodis and the other way round, a dump.rdb written by
// Redis's SAVE loads through the reader, and files written by nodis pass redis-check-rdb and
// load into redis-server, each checked with DEBUG DIGEST / DIGEST-VALUE on both sides.
// Redis 7.0 refuses RDB version 11 (7.2 bumped it for set listpacks and stream v3): strings,
// lists and hashes are encoded identically in 10 and 11, so what goes to the oracle is stamped
// version 10.

import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { datasetDigest } from '../../src/commands/server/debug.js';
import type { Keyspace } from '../../src/keyspace/keyspace.js';
import { DEFAULT_LIMITS } from '../../src/persistence/rdb/codecs.js';
import { crc64LE } from '../../src/persistence/rdb/crc64.js';
import { loadRdb } from '../../src/persistence/rdb/load.js';
import { rdbBuffer } from '../../src/persistence/rdb/writer.js';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { startRedis, type ChildServer } from '../helpers/oracle.js';
import { newKeyspace, rng } from '../helpers/rdb.js';
import { TestClient } from '../helpers/resp-client.js';

let redis: ChildServer;
let rc: TestClient;
let nodis: Server;
let nc: TestClient;
const tmp = mkdtempSync(join(tmpdir(), 'nodis-rdb-'));

before(async () => {
  redis = await startRedis(['--enable-debug-command', 'yes']);
  rc = await redis.client();
  const cfg = new Config();
  cfg.load('bind', '127.0.0.1');
  cfg.load('enable-debug-command', 'yes');
  const logger = new Logger();
  logger.file = null;
  nodis = new Server(cfg, logger);
  await nodis.listen(0);
  nc = await TestClient.connect(nodis.port);
});
after(async () => {
  rc.close();
  nc.close();
  await nodis.close();
  await redis.stop();
  rmSync(tmp, { recursive: true, force: true });
});

/** The same payload with another version in its footer and the checksum recomputed. */
function restamp(p: Buffer, version: number): Buffer {
  const b = Buffer.from(p.subarray(0, p.length - 8));
  b.writeUInt16LE(version, b.length - 2);
  return Buffer.concat([b, crc64LE(b)]);
}

const r = rng(2024);
const binary = Buffer.from(Array.from({ length: 3000 }, () => Math.floor(r() * 256))).toString('latin1');
const far = Date.now() + 3600_000;

/** Commands that build the test dataset; `exp` entries get an absolute expire time. */
const DATA: { db: number; cmd: string[]; exp?: number }[] = [
  { db: 0, cmd: ['SET', 'int', '12345'] },
  { db: 0, cmd: ['SET', 'neg', '-2147483648'] },
  { db: 0, cmd: ['SET', 'int64', '9223372036854775807'] },
  { db: 0, cmd: ['SET', 'short', 'hello'] },
  { db: 0, cmd: ['SET', 'compressible', 'abcdefgh'.repeat(500)] },
  { db: 0, cmd: ['SET', 'binary', binary] },
  { db: 0, cmd: ['SET', '\x00bin\xffkey\r\n', 'v'] },
  { db: 0, cmd: ['SET', '42', 'numeric key'] },
  { db: 0, cmd: ['SET', 'big', 'B'.repeat(3 * 1024 * 1024) + binary] },
  { db: 0, cmd: ['SET', 'ttl', 'expires'], exp: far },
  { db: 0, cmd: ['RPUSH', 'list:small', 'a', '1', '-70000', '9223372036854775807', 'x'.repeat(100)] },
  { db: 0, cmd: ['RPUSH', 'list:big', ...Array.from({ length: 5000 }, (_, i) => (i % 3 ? `e${i}` : String(i)))], exp: far + 1 },
  { db: 0, cmd: ['RPUSH', 'list:plain', 'p'.repeat(20000), 'small', binary.repeat(4)] },
  { db: 0, cmd: ['HSET', 'hash:small', 'f', 'v', 'n', '12', 'bin', binary.slice(0, 60)] },
  { db: 0, cmd: ['HSET', 'hash:big', ...Array.from({ length: 1200 }, (_, i) => [`field${i}`, `value${i}`]).flat()], exp: far + 2 },
  { db: 0, cmd: ['HSET', 'hash:long', 'f', 'L'.repeat(200)] },
  { db: 5, cmd: ['SET', 'db5', 'five'] },
  { db: 5, cmd: ['RPUSH', 'db5:list', 'a', 'b'] },
];
const KEYS0 = DATA.filter((d) => d.db === 0).map((d) => d.cmd[1]!);

/** Fills a server through commands; expire times are set by `expire` (commands differ). */
async function fill(c: TestClient, expire: (db: number, key: string, at: number) => Promise<void>): Promise<void> {
  for (const d of DATA) {
    await c.send('SELECT', String(d.db));
    await c.send(...d.cmd);
    if (d.exp !== undefined) await expire(d.db, d.cmd[1]!, d.exp);
  }
  await c.send('SELECT', '0');
}

const redisExpire = async (_db: number, key: string, at: number) => { await rc.send('PEXPIREAT', key, String(at)); };
const nodisExpire = async (db: number, key: string, at: number) => { nodis.ks.dbs[db]!.setExpire(key, at); };

async function flushNodis(): Promise<void> {
  nodis.ks.clearAll();
}

describe('DUMP payloads across servers', () => {
  it('Redis → nodis: every string, list and hash payload restores with the same digest', async () => {
    await rc.send('FLUSHALL');
    await flushNodis();
    await fill(rc, redisExpire);
    for (const key of KEYS0) {
      const p = await rc.send('DUMP', key);
      assert.equal(typeof p, 'string', key);
      const at = Number(await rc.send('PEXPIRETIME', key));
      assert.equal(await nc.send('RESTORE', key, at > 0 ? String(at) : '0', p as string, 'ABSTTL'), 'OK', key);
      assert.deepEqual(await nc.send('DEBUG', 'DIGEST-VALUE', key), await rc.send('DEBUG', 'DIGEST-VALUE', key), key);
    }
    assert.equal(await nc.send('GET', 'big'), await rc.send('GET', 'big'));
    assert.deepEqual(await nc.send('LRANGE', 'list:big', '0', '-1'), await rc.send('LRANGE', 'list:big', '0', '-1'));
  });

  it('nodis → Redis: payloads DUMPed by nodis restore in Redis with the same digest', async () => {
    await rc.send('FLUSHALL');
    await flushNodis();
    await fill(nc, nodisExpire);
    for (const key of KEYS0) {
      const p = Buffer.from((await nc.send('DUMP', key)) as string, 'latin1');
      assert.equal(p.readUInt16LE(p.length - 10), 11);
      const at = nodis.ks.dbs[0]!.getExpire(key) ?? 0;
      assert.equal(await rc.send('RESTORE', key, String(at), restamp(p, 10), 'ABSTTL'), 'OK', key);
      assert.deepEqual(await rc.send('DEBUG', 'DIGEST-VALUE', key), await nc.send('DEBUG', 'DIGEST-VALUE', key), key);
    }
    // Redis restores nodis's encodings as it would have built them itself.
    assert.equal(await rc.send('OBJECT', 'ENCODING', 'hash:small'), 'listpack');
    assert.equal(await rc.send('OBJECT', 'ENCODING', 'hash:big'), 'hashtable');
    assert.equal(await rc.send('OBJECT', 'ENCODING', 'int'), 'int');
  });
});

function digestOf(ks: Keyspace): string {
  return datasetDigest(ks);
}

describe('RDB files across servers', () => {
  it('a dump.rdb saved by Redis loads into nodis with identical data and expire times', async () => {
    await rc.send('FLUSHALL');
    await fill(rc, redisExpire);
    assert.equal(await rc.send('SAVE'), 'OK');
    const file = readFileSync(join(redis.dir, 'dump.rdb'));
    const ks = newKeyspace();
    const res = loadRdb(file, ks.dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true, dropExpiredBefore: Date.now() });
    assert.equal(res.checksum, 'ok');
    assert.equal(res.keys, DATA.length);
    assert.equal(res.aux.get('redis-ver'), '7.0.15');
    assert.equal(digestOf(ks), await rc.send('DEBUG', 'DIGEST'));
    for (const d of DATA.filter((x) => x.exp !== undefined)) {
      assert.equal(ks.dbs[d.db]!.getExpire(d.cmd[1]!), Number(await rc.send('PEXPIRETIME', d.cmd[1]!)));
    }
  });

  for (const compress of [true, false]) {
    it(`a file written by nodis passes redis-check-rdb and loads into Redis (rdbcompression ${compress ? 'yes' : 'no'})`, async () => {
      await flushNodis();
      await fill(nc, nodisExpire);
      const digest = digestOf(nodis.ks);
      const aux = { redisVer: '7.2.4', redisBits: 64, ctime: Math.floor(Date.now() / 1000), usedMem: 1 << 20, aofBase: 0 };
      const file = rdbBuffer({ dbs: nodis.ks.dbs, aux }, { compress, checksum: true, version: 10 });
      const dir = mkdtempSync(join(tmp, 'w-'));
      const path = join(dir, 'nodis.rdb');
      writeFileSync(path, file);
      const check = execFileSync('redis-check-rdb', [path], { encoding: 'utf8' });
      assert.match(check, /RDB looks OK!/);
      assert.match(check, new RegExp(`${DATA.length} keys read`));
      const loaded = await startRedis(['--dir', dir, '--dbfilename', 'nodis.rdb', '--enable-debug-command', 'yes']);
      try {
        const c = await loaded.client();
        assert.equal(await c.send('DEBUG', 'DIGEST'), digest);
        assert.equal(await c.send('DBSIZE'), DATA.filter((d) => d.db === 0).length);
        const pexp = Number(await c.send('PEXPIRETIME', 'hash:big'));
        assert.equal(pexp, far + 2);
        assert.equal(await c.send('GET', 'big'), await nc.send('GET', 'big'));
        c.close();
      } finally {
        await loaded.stop();
      }
      // And back: nodis reads its own file with the same result.
      const back = newKeyspace();
      loadRdb(file, back.dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true });
      assert.equal(digestOf(back), digest);
    });
  }
});
