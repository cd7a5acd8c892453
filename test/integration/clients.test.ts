// Real client libraries and tools work against nodis unchanged: ioredis (RESP2), node-redis in
// RESP2 and RESP3, and redis-cli (RESP2 and -3). Each runs a small but varied workload:
// strings, expiry, collections, pipelines, transactions, pub/sub, errors.

import { strict as assert } from 'node:assert';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { createClient } from 'redis';
import { startServer, type RunningServer } from '../../src/index.js';

let server: RunningServer;

before(async () => {
  server = await startServer({ port: 0 });
});
after(async () => {
  await server.close();
});

describe('ioredis', () => {
  it('runs commands, pipelines, transactions and pub/sub', async () => {
    const r = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    const sub = new Redis({ port: server.port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      await r.connect();
      await sub.connect();
      assert.equal(await r.set('io:k', 'v', 'EX', 100), 'OK');
      assert.equal(await r.get('io:k'), 'v');
      assert.ok((await r.ttl('io:k')) > 90);
      assert.equal(await r.incrby('io:n', 5), 5);
      assert.equal(await r.rpush('io:l', 'a', 'b', 'c'), 3);
      assert.deepEqual(await r.lrange('io:l', 0, -1), ['a', 'b', 'c']);
      await r.hset('io:h', { f1: '1', f2: '2' });
      assert.deepEqual(await r.hgetall('io:h'), { f1: '1', f2: '2' });
      assert.equal(await r.zadd('io:z', 1, 'one', 2, 'two'), 2);
      assert.deepEqual(await r.zrange('io:z', '0', '-1', 'WITHSCORES'), ['one', '1', 'two', '2']);
      const piped = await r.pipeline().set('io:p', '1').incr('io:p').get('io:p').exec();
      assert.deepEqual(piped, [[null, 'OK'], [null, 2], [null, '2']]);
      const tx = await r.multi().set('io:t', 'x').get('io:t').exec();
      assert.deepEqual(tx, [[null, 'OK'], [null, 'x']]);
      await assert.rejects(r.lpush('io:k', 'x'), /WRONGTYPE/);
      const got = new Promise<[string, string]>((resolve) => sub.on('message', (ch, msg) => resolve([ch, msg])));
      await sub.subscribe('io:chan');
      assert.equal(await r.publish('io:chan', 'hello'), 1);
      assert.deepEqual(await got, ['io:chan', 'hello']);
      const buf = Buffer.from([0, 1, 2, 255, 254, 13, 10]);
      await r.set(Buffer.from([0xff, 0]), buf);
      assert.deepEqual(await r.getBuffer(Buffer.from([0xff, 0])), buf);
    } finally {
      r.disconnect();
      sub.disconnect();
    }
  });
});

for (const resp of [2, 3] as const) {
  describe(`node-redis, RESP${resp}`, () => {
    it('runs commands, pipelines, transactions and pub/sub', async () => {
      const c = createClient({ url: `redis://127.0.0.1:${server.port}`, RESP: resp, socket: { reconnectStrategy: false } });
      const sub = c.duplicate();
      c.on('error', () => {});
      sub.on('error', () => {});
      await c.connect();
      await sub.connect();
      try {
        const p = `nr${resp}:`;
        assert.equal(await c.set(`${p}k`, 'v', { PX: 100000 }), 'OK');
        assert.equal(await c.get(`${p}k`), 'v');
        assert.ok((await c.pTTL(`${p}k`)) > 90000);
        assert.equal(await c.incrByFloat(`${p}f`, 1.5), '1.5'); // a bulk string in RESP3 too, as in Redis
        await c.hSet(`${p}h`, { a: '1', b: '2' });
        const h = await c.hGetAll(`${p}h`);
        assert.deepEqual({ ...h }, { a: '1', b: '2' });
        assert.equal(await c.sAdd(`${p}s`, ['x', 'y']), 2);
        assert.deepEqual([...(await c.sMembers(`${p}s`))].sort(), ['x', 'y']);
        await c.zAdd(`${p}z`, [{ score: 1.5, value: 'a' }]);
        assert.equal(await c.zScore(`${p}z`, 'a'), 1.5);
        const multi = await c.multi().set(`${p}m`, '1').incr(`${p}m`).exec();
        assert.deepEqual(multi, ['OK', 2]);
        const [x, y] = await Promise.all([c.get(`${p}m`), c.exists(`${p}m`)]);
        assert.equal(x, '2');
        assert.equal(y, 1);
        await assert.rejects(c.sendCommand(['NOSUCHCOMMAND']), /unknown command/);
        const got = new Promise<string>((resolve) => {
          void sub.subscribe(`${p}chan`, (msg) => resolve(msg));
        });
        // The subscription is in place once a publish reaches one receiver.
        let receivers = 0;
        for (let i = 0; i < 50 && receivers === 0; i++) {
          receivers = Number(await c.publish(`${p}chan`, 'hi'));
          if (receivers === 0) await new Promise((r) => setTimeout(r, 20));
        }
        assert.equal(receivers, 1);
        assert.equal(await got, 'hi');
        const info = await c.info('server');
        assert.match(String(info), /redis_version:7\.2/);
      } finally {
        // destroy(): close at once, with no reconnect timer left to keep the process alive.
        c.destroy();
        sub.destroy();
      }
    });
  });
}

describe('redis-cli', () => {
  // Asynchronous on purpose: a synchronous child would block the event loop this server runs on.
  const run = promisify(execFile);
  const cli = async (...args: string[]) => (await run('redis-cli', ['-p', String(server.port), ...args], { encoding: 'latin1' })).stdout;
  it('talks RESP2 and RESP3', async () => {
    assert.equal((await cli('SET', 'cli:k', 'hello')).trim(), 'OK');
    assert.equal((await cli('GET', 'cli:k')).trim(), 'hello');
    assert.equal((await cli('-3', 'HSET', 'cli:h', 'f', 'v')).trim(), '1');
    assert.match(await cli('--no-raw', '-3', 'HGETALL', 'cli:h'), /1# "f" => "v"/);
    assert.match(await cli('-3', 'ZADD', 'cli:z', '1.5', 'a'), /1/);
    assert.match(await cli('-3', 'ZSCORE', 'cli:z', 'a'), /1\.5/);
    assert.match(await cli('INFO', 'keyspace'), /db0:keys=\d+/);
  });
});
