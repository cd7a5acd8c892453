// RDB and DUMP interop with real Redis (Debian's 7.0 oracle, started with DEBUG enabled):
// payloads DUMPed by Redis RESTORE into nodis and the other way round, a dump.rdb written by
// Redis's SAVE loads through the reader, and files written by nodis pass redis-check-rdb and
// load into redis-server, each checked with DEBUG DIGEST / DIGEST-VALUE on both sides.
// Redis 7.0 refuses RDB version 11 (7.2 bumped it for set listpacks and stream v3): strings,
// lists, hashes, intsets and sorted sets are encoded identically in 10 and 11, so what goes to
// the oracle is stamped version 10, and listpack sets are written as plain SETs for it.

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
import { createDumpPayload } from '../../src/persistence/rdb/dump.js';
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
  // Sets: intsets of every width, a small listpack set (plain SET for the 7.0 oracle), big
  // hashtable sets, binary members. Sorted sets: listpack and skiplist with inf/-inf and
  // fractional scores chosen so that 7.0's "%.17g" and 7.2's fpconv print them alike (digests).
  { db: 0, cmd: ['SADD', 'set:int16', '1', '-5', '300'] },
  { db: 0, cmd: ['SADD', 'set:int32', '1', '-70000', '2147483647'] },
  { db: 0, cmd: ['SADD', 'set:int64', '1', '-9223372036854775808', '9223372036854775807'] },
  { db: 0, cmd: ['SADD', 'set:small', 'a', 'b', '12', 'x'.repeat(64)] },
  { db: 0, cmd: ['SADD', 'set:bin', binary.slice(0, 50), '\x00', '\xff\r\n', '007'] },
  { db: 0, cmd: ['SADD', 'set:big', ...Array.from({ length: 1000 }, (_, i) => `member:${i}`)], exp: far + 3 },
  { db: 0, cmd: ['SADD', 'set:bigints', ...Array.from({ length: 600 }, (_, i) => String(i * 7 - 2000))] },
  { db: 0, cmd: ['SADD', 'set:long', 'L'.repeat(65), 'short'] },
  { db: 0, cmd: ['ZADD', 'zset:small', '1.5', 'a', '-inf', 'b', 'inf', 'c', '3', 'd', '-0.25', 'e', '0', binary.slice(0, 40), '123456789', 'f'] },
  { db: 0, cmd: ['ZADD', 'zset:big', ...Array.from({ length: 300 }, (_, i) => [i % 50 === 0 ? 'inf' : String((i % 97) / 4 - 10), `m${i}`]).flat()] },
  { db: 0, cmd: ['ZADD', 'zset:long', '1', 'L'.repeat(65), '2', 'short'] },
  { db: 0, cmd: ['ZADD', 'zset:ties', '5', 'b', '5', 'a', '5', 'c', '-5', 'z'], exp: far + 4 },
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
      let p: Buffer = Buffer.from((await nc.send('DUMP', key)) as string, 'latin1');
      assert.equal(p.readUInt16LE(p.length - 10), 11);
      if (p[0] === 20) {
        // SET_LISTPACK is new in 7.2: the same set written for a version-10 reader is a plain SET.
        p = createDumpPayload(nodis.ks.dbs[0]!.lookup(key)!, { compress: true, version: 10 });
        assert.equal(p[0], 2, key);
      }
      const at = nodis.ks.dbs[0]!.getExpire(key) ?? 0;
      assert.equal(await rc.send('RESTORE', key, String(at), restamp(p, 10), 'ABSTTL'), 'OK', key);
      assert.deepEqual(await rc.send('DEBUG', 'DIGEST-VALUE', key), await nc.send('DEBUG', 'DIGEST-VALUE', key), key);
    }
    // Redis restores nodis's encodings as it would have built them itself.
    assert.equal(await rc.send('OBJECT', 'ENCODING', 'hash:small'), 'listpack');
    assert.equal(await rc.send('OBJECT', 'ENCODING', 'hash:big'), 'hashtable');
    assert.equal(await rc.send('OBJECT', 'ENCODING', 'int'), 'int');
    for (const [key, enc] of [['set:int64', 'intset'], ['set:big', 'hashtable'], ['set:bigints', 'hashtable'],
      ['zset:small', 'listpack'], ['zset:big', 'skiplist'], ['zset:long', 'skiplist']]) {
      assert.equal(await rc.send('OBJECT', 'ENCODING', key!), enc, key);
    }
    assert.deepEqual(await rc.send('ZRANGE', 'zset:small', '0', '-1', 'WITHSCORES'), await nc.send('ZRANGE', 'zset:small', '0', '-1', 'WITHSCORES'));
  });

  it('set and sorted set payloads of each encoding restore in nodis in the encoding Redis 7.2 gives them', async () => {
    await rc.send('FLUSHALL');
    await flushNodis();
    await fill(rc, redisExpire);
    // 7.0 has no listpack sets: its small sets come as plain SETs, which 7.2 loads as listpacks.
    const want: Record<string, string> = {
      'set:int16': 'intset', 'set:int64': 'intset', 'set:small': 'listpack', 'set:bin': 'listpack',
      'set:big': 'hashtable', 'set:bigints': 'hashtable', 'set:long': 'hashtable',
      'zset:small': 'listpack', 'zset:big': 'skiplist', 'zset:long': 'skiplist', 'zset:ties': 'listpack',
    };
    for (const [key, enc] of Object.entries(want)) {
      const p = await rc.send('DUMP', key);
      assert.equal(await nc.send('RESTORE', key, '0', p as string), 'OK', key);
      assert.equal(await nc.send('OBJECT', 'ENCODING', key), enc, key);
      if (key.startsWith('zset')) {
        assert.deepEqual(await nc.send('ZRANGE', key, '0', '-1', 'WITHSCORES'), await rc.send('ZRANGE', key, '0', '-1', 'WITHSCORES'), key);
      } else {
        assert.deepEqual(((await nc.send('SMEMBERS', key)) as string[]).sort(), ((await rc.send('SMEMBERS', key)) as string[]).sort(), key);
      }
    }
    // A listpack set DUMPed by nodis comes back as the same listpack (type 20, version 11).
    const own = await nc.send('DUMP', 'set:small');
    assert.equal(Buffer.from(own as string, 'latin1')[0], 20);
    assert.equal(await nc.send('RESTORE', 'set:copy', '0', own as string), 'OK');
    assert.equal(await nc.send('OBJECT', 'ENCODING', 'set:copy'), 'listpack');
    assert.deepEqual(await nc.send('DEBUG', 'DIGEST-VALUE', 'set:copy'), await nc.send('DEBUG', 'DIGEST-VALUE', 'set:small'));
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
