// DUMP and RESTORE against nodis and real Redis: round trips of every type on one server,
// option parsing and errors in Redis's order, TTL handling (relative, ABSTTL, already past),
// propagation (a relative TTL goes out as an absolute one with ABSTTL) and keyspace events.
// Cross-server payloads (Redis → nodis and back) are in test/integration/rdb-interop.test.ts.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { crc64LE } from '../../src/persistence/rdb/crc64.js';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { againstRedis } from '../helpers/server.js';
import { startStringTarget, type StringTarget } from './string/target.js';

let t: StringTarget;
let c: TestClient;

before(async () => {
  t = await startStringTarget();
  c = t.client;
});
after(async () => {
  await t.close();
});

function errorOf(r: unknown): string {
  assert.ok(r instanceof RespError, `expected an error, got ${String(r)}`);
  return r.message;
}

/** A payload with a correct footer around any body (version 10 is valid on both servers). */
function payload(body: Buffer, version = 10): Buffer {
  const b = Buffer.concat([body, Buffer.from([version & 0xff, version >> 8])]);
  return Buffer.concat([b, crc64LE(b)]);
}

describe('DUMP', () => {
  it('returns null for a missing key and a checksummed payload otherwise', async () => {
    assert.equal(await c.send('DUMP', 'dump:none'), null);
    await c.send('SET', 'dump:s', 'v');
    const p = Buffer.from(String(await c.send('DUMP', 'dump:s')), 'latin1');
    // Type 0, length 1, "v", then the version and the CRC-64 of all that.
    assert.deepEqual(p.subarray(0, 3), Buffer.from([0, 1, 118]));
    assert.deepEqual(p.subarray(p.length - 8), crc64LE(p, 0, p.length - 8));
    assert.ok([10, 11].includes(p.readUInt16LE(3))); // 10 on the 7.0 oracle, 11 on 7.2
    assert.match(errorOf(await c.send('DUMP')), /wrong number of arguments for 'dump'/);
    assert.match(errorOf(await c.send('DUMP', 'a', 'b')), /wrong number of arguments/);
  });
});

describe('RESTORE round trips', () => {
  it('strings of every encoding, binary data included', async () => {
    const values = ['0', '-1', '127', '128', '-32769', '2147483648', '9223372036854775807', '007', '',
      'short', 'compressible '.repeat(100), '\x00\x01\xfe\xff\r\n'.repeat(50), 'x'.repeat(70000)];
    for (const [i, v] of values.entries()) {
      await c.send('SET', `rt:s${i}`, v);
      const p = await c.send('DUMP', `rt:s${i}`);
      assert.equal(await c.send('RESTORE', `rt:copy${i}`, '0', p as string), 'OK');
      assert.equal(await c.send('GET', `rt:copy${i}`), v);
      assert.equal(await t.pttl(`rt:copy${i}`), -1);
    }
  });

  it('lists (listpack and quicklist, with large elements) and hashes (listpack and hashtable)', async () => {
    const small = ['a', '1', '-5', 'b'.repeat(30)];
    const big = Array.from({ length: 2000 }, (_, i) => (i % 2 ? `element:${i}` : String(i * 1000)));
    const huge = ['x'.repeat(10000), 'y', 'z'.repeat(20000)];
    for (const [name, items] of [['small', small], ['big', big], ['huge', huge]] as const) {
      await c.send('RPUSH', `rt:l:${name}`, ...items);
      const p = await c.send('DUMP', `rt:l:${name}`);
      assert.equal(await c.send('RESTORE', `rt:l2:${name}`, '0', p as string), 'OK');
      assert.deepEqual(await c.send('LRANGE', `rt:l2:${name}`, '0', '-1'), items);
    }
    const pairs = (n: number, long = false) => Array.from({ length: n }, (_, i) => [`f${i}`, long ? 'v'.repeat(100) : String(i)]).flat();
    for (const [name, flat] of [['small', pairs(5)], ['big', pairs(1000)], ['long', pairs(3, true)]] as const) {
      await c.send('HSET', `rt:h:${name}`, ...flat);
      const p = await c.send('DUMP', `rt:h:${name}`);
      assert.equal(await c.send('RESTORE', `rt:h2:${name}`, '0', p as string), 'OK');
      const got = (await c.send('HGETALL', `rt:h2:${name}`)) as string[];
      const asMap = (a: readonly string[]) => new Map(Array.from({ length: a.length / 2 }, (_, i) => [a[2 * i], a[2 * i + 1]]));
      assert.deepEqual(asMap(got), asMap(flat));
    }
  });
});

describe('RESTORE options and errors', () => {
  let p: string;
  before(async () => {
    await c.send('SET', 'opt:src', 'value');
    p = (await c.send('DUMP', 'opt:src')) as string;
  });

  it('checks options, then the key, then the TTL, then the payload', async () => {
    assert.match(errorOf(await c.send('RESTORE', 'opt:k', '0')), /wrong number of arguments for 'restore'/);
    assert.equal(errorOf(await c.send('RESTORE', 'opt:src', '0', p)), 'BUSYKEY Target key name already exists.');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:src', '-1', 'x')), 'BUSYKEY Target key name already exists.');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:src', '0', 'x', 'FOO')), 'ERR syntax error');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '-1', p)), 'ERR Invalid TTL value, must be >= 0');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', 'abc', p)), 'ERR value is not an integer or out of range');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', p, 'IDLETIME', '-1')), 'ERR Invalid IDLETIME value, must be >= 0');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', p, 'IDLETIME', 'x')), 'ERR value is not an integer or out of range');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', p, 'FREQ', '256')), 'ERR Invalid FREQ value, must be >= 0 and <= 255');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', p, 'FREQ', '-1')), 'ERR Invalid FREQ value, must be >= 0 and <= 255');
    // IDLETIME and FREQ exclude each other; an option missing its value is a syntax error.
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', p, 'IDLETIME', '1', 'FREQ', '1')), 'ERR syntax error');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', p, 'FREQ', '1', 'IDLETIME', '1')), 'ERR syntax error');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', p, 'IDLETIME')), 'ERR syntax error');
    assert.equal(await t.exists('opt:k'), false);
  });

  it('refuses payloads with a wrong checksum, a newer version or a bad body', async () => {
    const wrong = 'ERR DUMP payload version or checksum are wrong';
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', '')), wrong);
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', 'short')), wrong);
    const flipped = Buffer.from(p, 'latin1');
    flipped[2]! ^= 1;
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', flipped)), wrong);
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', payload(Buffer.from([0, 1, 65]), 12))), wrong);
    const bad = 'ERR Bad data format';
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', payload(Buffer.from([0, 40, 65])))), bad);
    // Redis reads the body from the whole payload: a string running into the footer is taken.
    assert.equal(await c.send('RESTORE', 'opt:footer', '0', payload(Buffer.from([0, 5, 65]))), 'OK');
    assert.equal(((await c.send('GET', 'opt:footer')) as string).slice(0, 3), 'A\x0a\x00');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', payload(Buffer.from([99, 1, 65])))), bad);
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', payload(Buffer.from([18, 0])))), bad); // empty list
    // Duplicate hash fields: nodis always validates payloads fully; Redis finds this one only
    // with sanitize-dump-payload yes (by default it would create a corrupt hash).
    if (againstRedis) await c.send('CONFIG', 'SET', 'sanitize-dump-payload', 'yes');
    assert.equal(errorOf(await c.send('RESTORE', 'opt:k', '0', payload(Buffer.from([4, 2, 1, 97, 1, 49, 1, 97, 1, 50])))), bad);
    if (againstRedis) await c.send('CONFIG', 'SET', 'sanitize-dump-payload', 'no');
    assert.equal(await t.exists('opt:k'), false);
  });

  it('REPLACE, relative and absolute TTLs, already expired TTLs', async () => {
    assert.equal(await c.send('RESTORE', 'opt:src', '0', p, 'REPLACE'), 'OK');
    assert.equal(await c.send('RESTORE', 'opt:ttl', '5000', p), 'OK');
    const pttl = await t.pttl('opt:ttl');
    assert.ok(pttl > 3000 && pttl <= 5000, String(pttl));
    assert.equal(await c.send('RESTORE', 'opt:abs', String(Date.now() + 60000), p, 'ABSTTL'), 'OK');
    const abs = await t.pttl('opt:abs');
    assert.ok(abs > 50000 && abs <= 60000, String(abs));
    // A TTL already in the past: OK, but no key; with REPLACE the old key is deleted.
    assert.equal(await c.send('RESTORE', 'opt:past', '1', p, 'ABSTTL'), 'OK');
    assert.equal(await t.exists('opt:past'), false);
    assert.equal(await c.send('RESTORE', 'opt:abs', '1', p, 'ABSTTL', 'REPLACE'), 'OK');
    assert.equal(await t.exists('opt:abs'), false);
    // REPLACE drops the old TTL when the new one is 0.
    assert.equal(await c.send('RESTORE', 'opt:ttl', '0', p, 'REPLACE'), 'OK');
    assert.equal(await t.pttl('opt:ttl'), -1);
    assert.equal(await c.send('RESTORE', 'opt:idle', '0', p, 'IDLETIME', '1000'), 'OK');
    assert.equal(await c.send('RESTORE', 'opt:freq', '0', p, 'freq', '100', 'replace', 'absttl'), 'OK');
    assert.equal(await c.send('GET', 'opt:freq'), 'value');
  });

  it('propagates a relative TTL as an absolute one with ABSTTL, a vanished key as DEL', async () => {
    await t.del('prop:a', 'prop:b', 'prop:c', 'prop:d');
    const before = Date.now();
    const seen = await t.propagated(async () => {
      await c.send('RESTORE', 'prop:a', '0', p);
      await c.send('RESTORE', 'prop:b', '10000', p);
      await c.send('RESTORE', 'prop:c', String(before + 50000), p, 'ABSTTL');
      await c.send('RESTORE', 'prop:c', '1', p, 'ABSTTL', 'REPLACE');
      await c.send('RESTORE', 'prop:d', '1', p, 'ABSTTL');
      await c.send('RESTORE', 'prop:a', '0', p); // BUSYKEY: nothing
    });
    assert.equal(seen.length, 4, JSON.stringify(seen));
    assert.deepEqual(seen[0], ['RESTORE', 'prop:a', '0', p]);
    assert.equal(seen[1]![0], 'RESTORE');
    const when = Number(seen[1]![2]);
    assert.ok(when >= before + 10000 && when <= Date.now() + 10000, String(when));
    assert.deepEqual(seen[1]!.slice(3), [p, 'ABSTTL']);
    assert.deepEqual(seen[2], ['RESTORE', 'prop:c', String(before + 50000), p, 'ABSTTL']);
    assert.deepEqual(seen[3], ['DEL', 'prop:c']);
  });

  it('fires the restore event (and del for a replaced key that is already expired)', async () => {
    await t.del('ev:a');
    const events = await t.events(async () => {
      await c.send('RESTORE', 'ev:a', '0', p);
      await c.send('RESTORE', 'ev:a', '1', p, 'ABSTTL', 'REPLACE');
    });
    assert.deepEqual(events, ['restore ev:a', 'del ev:a']);
  });
});
