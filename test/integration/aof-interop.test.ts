// Multi-part AOF directories shared with real Redis (Debian's 7.0 oracle), both ways: what
// redis-server writes (RDB base, incr files, after a rewrite) loads into nodis, and what nodis
// writes loads into redis-server, each compared with DEBUG DIGEST. Redis 7.0 refuses RDB
// version 11, so nodis's files for it use an AOF-format base (aof-use-rdb-preamble no), or a
// version-10 RDB base built with the same encoder nodis uses.

import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { encodeImageSync, RdbBaseEncoder } from '../../src/persistence/aof/image.js';
import { addNewBase, addNewIncr, emptyManifest, writeManifestFile } from '../../src/persistence/aof/manifest.js';
import { encodeCommand } from '../../src/persistence/aof/writer.js';
import { aofWritten, infoField, nodisOn, redisOn, tempDir, until } from '../helpers/aof.js';
import type { ChildServer } from '../helpers/oracle.js';
import { newKeyspace } from '../helpers/rdb.js';
import type { TestClient } from '../helpers/resp-client.js';

const dirs: string[] = [];
const servers: ChildServer[] = [];
after(async () => {
  for (const s of servers) await s.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function newDir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

async function track(p: Promise<ChildServer>): Promise<ChildServer> {
  const s = await p;
  servers.push(s);
  return s;
}

/** Strings, lists, hashes, expires and several dbs, with a MULTI/EXEC unit in the stream. */
async function writeData(c: TestClient, tag: string): Promise<void> {
  await c.send('SET', `${tag}:s`, 'value');
  await c.send('SET', `${tag}:n`, '12345');
  await c.send('SET', `${tag}:bin`, Buffer.from([0, 1, 255, 13, 10]));
  await c.send('SET', `${tag}:ttl`, 'x', 'PX', '900000');
  await c.send('RPUSH', `${tag}:l`, ...Array.from({ length: 200 }, (_, i) => `item${i}`));
  await c.send('HSET', `${tag}:h`, 'a', '1', 'b', '2');
  await c.send('HSET', `${tag}:bigh`, ...Array.from({ length: 300 }, (_, i) => [`f${i}`, `v${i}`]).flat());
  await c.send('INCRBYFLOAT', `${tag}:f`, '3.25');
  await c.send('APPEND', `${tag}:s`, '-more');
  await c.send('LPOP', `${tag}:l`);
  await c.send('SELECT', '3');
  await c.send('SET', `${tag}:db3`, 'three');
  await c.send('DEL', `${tag}:nothing`);
  await c.send('SELECT', '0');
}

async function rewrite(c: TestClient): Promise<void> {
  const before = Number(await infoField(c, 'aof_rewrites'));
  await c.send('BGREWRITEAOF');
  await until('the rewrite', async () =>
    Number(await infoField(c, 'aof_rewrites')) > before && (await infoField(c, 'aof_rewrite_in_progress')) === '0');
}

describe('BGREWRITEAOF replies, nodis and redis-server alike', () => {
  for (const target of ['nodis', 'redis'] as const) {
    it(`${target}: started, already in progress, arity`, async () => {
      const dir = newDir();
      const s = await track(target === 'nodis' ? nodisOn(dir) : redisOn(dir));
      const c = await s.client();
      await c.send('SET', 'k', 'v');
      const [first, second] = await c.pipeline([['BGREWRITEAOF'], ['BGREWRITEAOF']]);
      assert.equal(first, 'Background append only file rewriting started');
      assert.equal(String(second), 'RespError(ERR Background append only file rewriting already in progress)');
      assert.equal(String(await c.send('BGREWRITEAOF', 'x')), "RespError(ERR wrong number of arguments for 'bgrewriteaof' command)");
      await until('the rewrite', async () => (await infoField(c, 'aof_rewrite_in_progress')) === '0');
      assert.equal(await infoField(c, 'aof_last_bgrewrite_status'), 'ok');
      assert.equal(await infoField(c, 'aof_rewrites'), '1');
      c.close();
    });
  }
});

describe('AOF interop with redis-server 7.0', () => {
  it('a directory written by Redis loads into nodis', async () => {
    const dir = newDir();
    const redis = await track(redisOn(dir));
    const rc = await redis.client();
    await writeData(rc, 'before');
    await rewrite(rc);
    await writeData(rc, 'after');
    const digest = await rc.send('DEBUG', 'DIGEST');
    // A write held back behind a background fsync (everysec) is lost to a SIGKILL: wait for it.
    await aofWritten(rc);
    rc.close();
    await redis.stop('SIGKILL', true);
    assert.ok(readdirSync(join(dir, 'appendonlydir')).includes('appendonly.aof.2.base.rdb'));

    const nodis = await track(nodisOn(dir));
    const nc = await nodis.client();
    assert.equal(await nc.send('DEBUG', 'DIGEST'), digest);
    assert.match(nodis.output(), /Loading RDB produced by version 7\.0\.\d+/);
    assert.match(nodis.output(), /DB loaded from incr file appendonly\.aof\.2\.incr\.aof/);
    // nodis goes on appending to Redis's incr file.
    await nc.send('SET', 'from', 'nodis');
    const digest2 = await nc.send('DEBUG', 'DIGEST');
    await aofWritten(nc);
    nc.close();
    await nodis.stop('SIGKILL', true);
    const back = await track(redisOn(dir));
    const rc2 = await back.client();
    assert.equal(await rc2.send('DEBUG', 'DIGEST'), digest2);
    rc2.close();
  });

  it('a directory written by nodis (AOF-format base) loads into Redis', async () => {
    const dir = newDir();
    const nodis = await track(nodisOn(dir, ['--aof-use-rdb-preamble', 'no']));
    const nc = await nodis.client();
    await writeData(nc, 'before');
    await rewrite(nc);
    await writeData(nc, 'after');
    const digest = await nc.send('DEBUG', 'DIGEST');
    await aofWritten(nc);
    nc.close();
    await nodis.stop('SIGKILL', true);

    const redis = await track(redisOn(dir, ['--aof-use-rdb-preamble', 'no']));
    const rc = await redis.client();
    assert.equal(await rc.send('DEBUG', 'DIGEST'), digest);
    assert.match(redis.output(), /DB loaded from base file appendonly\.aof\.2\.base\.aof/);
    rc.close();
  });

  it('an RDB base (version 10) with an incr file, laid out by nodis, loads into Redis', async () => {
    const dir = newDir();
    const ks = newKeyspace();
    ks.dbs[0]!.set('s', 'v', true);
    ks.dbs[0]!.set('n', 42, true);
    ks.dbs[0]!.setExpire('s', Date.now() + 600000);
    const l = new ListValue();
    l.push(['a', 'b', 'c'], 0, 'tail', -2);
    ks.dbs[2]!.set('l', l, true);
    const h = new HashValue();
    h.set('f', 'v', { entries: 128, value: 64 });
    ks.dbs[2]!.set('h', h, true);
    const aofDir = join(dir, 'appendonlydir');
    mkdirSync(aofDir);
    const m = emptyManifest();
    const baseName = addNewBase(m, 'appendonly.aof', true);
    const incrName = addNewIncr(m, 'appendonly.aof');
    const enc = new RdbBaseEncoder({ compress: true, checksum: true, version: 10 },
      { redisVer: '7.2.4', redisBits: 64, ctime: Math.floor(Date.now() / 1000), usedMem: 1 << 20, aofBase: 1 });
    const parts = encodeImageSync(ks.dbs, enc);
    writeFileSync(join(aofDir, baseName), Buffer.concat(parts));
    writeFileSync(join(aofDir, incrName), encodeCommand(['SELECT', '2']) + encodeCommand(['RPUSH', 'l', 'd']), 'latin1');
    writeManifestFile(aofDir, 'appendonly.aof', m);

    const redis = await track(redisOn(dir));
    const rc = await redis.client();
    assert.deepEqual(await rc.send('LRANGE', 'l', '0', '-1'), []);
    await rc.send('SELECT', '2');
    assert.deepEqual(await rc.send('LRANGE', 'l', '0', '-1'), ['a', 'b', 'c', 'd']);
    assert.equal(await rc.send('HGET', 'h', 'f'), 'v');
    await rc.send('SELECT', '0');
    assert.equal(await rc.send('GET', 's'), 'v');
    assert.equal(await rc.send('GET', 'n'), '42');
    assert.ok(Number(await rc.send('TTL', 's')) > 500);
    assert.match(redis.output(), /RDB is base AOF/);
    const digest = await rc.send('DEBUG', 'DIGEST');
    rc.close();
    await redis.stop('SIGKILL', true);
    // And back into nodis, now with Redis's own appends.
    const nodis = await track(nodisOn(dir));
    const nc = await nodis.client();
    assert.equal(await nc.send('DEBUG', 'DIGEST'), digest);
    nc.close();
  });
});
