// HASH commands against the test target (nodis, or real Redis with NODIS_TEST_TARGET=redis).
// Each test uses its own keys: the target is shared by the whole file.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;

before(async () => {
  target = await startTarget();
  c = await target.client();
  await c.send('SET', 'str', 'v');
});
after(async () => {
  c.close();
  await target.close();
});

const send = (...a: (string | number | Buffer)[]): Promise<RespValue> => c.send(...a);

async function fails(args: (string | number)[], message: string): Promise<void> {
  const r = await c.send(...args);
  assert.ok(r instanceof RespError, `expected an error for ${args.join(' ')}, got ${String(r)}`);
  assert.equal(r.message, message);
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const arity = (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`;

/** HGETALL as a plain object (RESP2 flat array). */
async function all(key: string): Promise<Record<string, string>> {
  const r = (await send('HGETALL', key)) as string[];
  const o: Record<string, string> = {};
  for (let i = 0; i < r.length; i += 2) o[r[i]!] = r[i + 1]!;
  return o;
}

describe('HSET / HMSET / HSETNX / HGET / HMGET', () => {
  it('sets several pairs and counts new fields', async () => {
    assert.equal(await send('HSET', 'a1', 'f1', 'v1', 'f2', 'v2'), 2);
    assert.equal(await send('HSET', 'a1', 'f1', 'x', 'f3', 'v3'), 1);
    assert.equal(await send('HSET', 'a1', 'f4', 'a', 'f4', 'b'), 1);
    assert.equal(await send('HMSET', 'a1', 'f5', 'v5', 'f1', 'y'), 'OK');
    assert.deepEqual(await all('a1'), { f1: 'y', f2: 'v2', f3: 'v3', f4: 'b', f5: 'v5' });
    assert.equal(await send('HGET', 'a1', 'f2'), 'v2');
    assert.equal(await send('HGET', 'a1', 'nope'), null);
    assert.equal(await send('HGET', 'missing', 'f'), null);
    assert.deepEqual(await send('HMGET', 'a1', 'f1', 'nope', 'f3'), ['y', null, 'v3']);
    assert.deepEqual(await send('HMGET', 'missing', 'a', 'b'), [null, null]);
  });
  it('HSETNX sets only new fields', async () => {
    assert.equal(await send('HSETNX', 'a2', 'f', 'v'), 1);
    assert.equal(await send('HSETNX', 'a2', 'f', 'w'), 0);
    assert.equal(await send('HGET', 'a2', 'f'), 'v');
  });
  it('keeps empty and binary fields and values', async () => {
    const bin = Buffer.from(Array.from({ length: 256 }, (_, i) => i)).toString('latin1');
    const long = 'x'.repeat(300);
    assert.equal(await send('HSET', 'a3', '', '', bin, bin, long, 'v'), 3);
    assert.equal(await send('HGET', 'a3', ''), '');
    assert.equal(await send('HGET', 'a3', bin), bin);
    assert.equal(await send('HSTRLEN', 'a3', bin), 256);
    assert.equal(await send('HGET', 'a3', long), 'v');
    assert.equal(await send('HSET', 'a4', '', 'empty', 'a', long), 2);
    assert.deepEqual(await all('a4'), { '': 'empty', a: long });
  });
  it('errors', async () => {
    await fails(['HSET', 'a1', 'f'], arity('hset'));
    await fails(['HSET', 'a1', 'f', 'v', 'g'], arity('hset'));
    await fails(['HMSET', 'a1', 'f', 'v', 'g'], arity('hmset'));
    await fails(['HSET', 'str', 'f', 'v'], WRONGTYPE);
    await fails(['HMSET', 'str', 'f', 'v'], WRONGTYPE);
    await fails(['HSETNX', 'str', 'f', 'v'], WRONGTYPE);
    await fails(['HGET', 'str', 'f'], WRONGTYPE);
    await fails(['HMGET', 'str', 'f'], WRONGTYPE);
    await fails(['HSETNX', 'a1', 'f'], arity('hsetnx'));
  });
});

describe('HDEL / HEXISTS / HLEN / HSTRLEN / HKEYS / HVALS / HGETALL', () => {
  it('reads and deletes', async () => {
    await send('HSET', 'b1', 'x', '1', 'y', 'hello', 'z', '3');
    assert.equal(await send('HLEN', 'b1'), 3);
    assert.equal(await send('HEXISTS', 'b1', 'y'), 1);
    assert.equal(await send('HEXISTS', 'b1', 'q'), 0);
    assert.equal(await send('HSTRLEN', 'b1', 'y'), 5);
    assert.equal(await send('HSTRLEN', 'b1', 'q'), 0);
    assert.deepEqual(((await send('HKEYS', 'b1')) as string[]).sort(), ['x', 'y', 'z']);
    assert.deepEqual(((await send('HVALS', 'b1')) as string[]).sort(), ['1', '3', 'hello']);
    assert.equal(await send('HDEL', 'b1', 'x', 'q', 'x'), 1);
    assert.equal(await send('HLEN', 'b1'), 2);
    assert.equal(await send('HDEL', 'b1', 'y', 'z'), 2);
    assert.equal(await send('HLEN', 'b1'), 0);
    assert.equal(await send('HEXISTS', 'b1', 'y'), 0);
    // The emptied key is gone: it can hold another type now.
    assert.equal(await send('SET', 'b1', 'v'), 'OK');
    assert.equal(await send('HDEL', 'missing', 'f'), 0);
    assert.equal(await send('HLEN', 'missing'), 0);
    assert.deepEqual(await send('HKEYS', 'missing'), []);
    assert.deepEqual(await send('HVALS', 'missing'), []);
    assert.deepEqual(await send('HGETALL', 'missing'), []);
  });
  it('errors', async () => {
    for (const cmd of [['HDEL', 'str', 'f'], ['HEXISTS', 'str', 'f'], ['HLEN', 'str'], ['HSTRLEN', 'str', 'f'],
      ['HKEYS', 'str'], ['HVALS', 'str'], ['HGETALL', 'str']]) {
      await fails(cmd, WRONGTYPE);
    }
    await fails(['HDEL', 'b1'], arity('hdel'));
    await fails(['HGETALL'], arity('hgetall'));
  });
});

describe('HINCRBY / HINCRBYFLOAT', () => {
  it('increments integers within int64', async () => {
    assert.equal(await send('HINCRBY', 'c1', 'n', 5), 5);
    assert.equal(await send('HINCRBY', 'c1', 'n', -7), -2);
    assert.equal(await send('HSET', 'c1', 'big', '9223372036854775806'), 1);
    assert.equal(await send('HINCRBY', 'c1', 'big', 1), 9223372036854775807n);
    await fails(['HINCRBY', 'c1', 'big', 1], 'ERR increment or decrement would overflow');
    await send('HSET', 'c1', 'low', '-9223372036854775807');
    await fails(['HINCRBY', 'c1', 'low', -2], 'ERR increment or decrement would overflow');
    await send('HSET', 'c1', 's', 'abc', 'f', '1.5', 'sp', ' 1');
    await fails(['HINCRBY', 'c1', 's', 1], 'ERR hash value is not an integer');
    await fails(['HINCRBY', 'c1', 'f', 1], 'ERR hash value is not an integer');
    await fails(['HINCRBY', 'c1', 'sp', 1], 'ERR hash value is not an integer');
    await fails(['HINCRBY', 'c1', 'n', 'x'], 'ERR value is not an integer or out of range');
    await fails(['HINCRBY', 'c1', 'n', '9223372036854775808'], 'ERR value is not an integer or out of range');
    await fails(['HINCRBY', 'str', 'n', 1], WRONGTYPE);
  });
  it('increments floats with Redis formatting', async () => {
    assert.equal(await send('HSET', 'c2', 'f', '10.50'), 1);
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'f', '0.1'), '10.6');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'f', '-5'), '5.6');
    assert.equal(await send('HGET', 'c2', 'f'), '5.6');
    await send('HSET', 'c2', 'e', '5.0e3');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'e', '2.0e2'), '5200');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'z', '0.1'), '0.1');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'z', '0.2'), '0.3');
    // Redis computes in long double and prints 17 decimals: its noise shows past 2^64.
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'l', '12345.678'), '12345.67799999999999994');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'l', '0.1'), '12345.77799999999999958');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'g', '1e15'), '1000000000000000');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'g', '0.3'), '1000000000000000.29998779296875');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'w', '1.23456789012345678'), '1.23456789012345678');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'w', '-1.23456789012345678'), '0');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'x', '1e21'), '1000000000000000000000');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'y', '1e-20'), '0');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'u', '-0.0'), '0');
    assert.equal(await send('HINCRBYFLOAT', 'c2', 'i', '3'), '3');
    assert.equal(await send('HINCRBY', 'c2', 'i', 1), 4);
  });
  it('float errors', async () => {
    await send('HSET', 'c3', 's', 'abc', 'big', '1.7e308');
    await fails(['HINCRBYFLOAT', 'c3', 's', '1'], 'ERR hash value is not a float');
    await fails(['HINCRBYFLOAT', 'c3', 'n', 'x'], 'ERR value is not a valid float');
    await fails(['HINCRBYFLOAT', 'c3', 'n', 'nan'], 'ERR value is not a valid float');
    await fails(['HINCRBYFLOAT', 'c3', 'n', 'inf'], 'ERR value is NaN or Infinity');
    await fails(['HINCRBYFLOAT', 'str', 'n', '1'], WRONGTYPE);
    await fails(['HINCRBYFLOAT', 'c3', 'n'], arity('hincrbyfloat'));
  });
});

describe('HRANDFIELD', () => {
  before(async () => {
    await send('HSET', 'd1', 'a', '1', 'b', '2', 'c', '3');
  });
  it('returns one field, or nil for a missing key', async () => {
    assert.ok(['a', 'b', 'c'].includes((await send('HRANDFIELD', 'd1')) as string));
    assert.equal(await send('HRANDFIELD', 'missing'), null);
    assert.deepEqual(await send('HRANDFIELD', 'missing', 3), []);
  });
  it('positive counts give distinct fields, at most all of them', async () => {
    const two = (await send('HRANDFIELD', 'd1', 2)) as string[];
    assert.equal(new Set(two).size, 2);
    assert.deepEqual(((await send('HRANDFIELD', 'd1', 10)) as string[]).sort(), ['a', 'b', 'c']);
    assert.deepEqual(await send('HRANDFIELD', 'd1', 0), []);
    const wv = (await send('HRANDFIELD', 'd1', 5, 'WITHVALUES')) as string[];
    assert.equal(wv.length, 6);
    for (let i = 0; i < 6; i += 2) assert.equal(wv[i + 1], { a: '1', b: '2', c: '3' }[wv[i]!]);
  });
  it('negative counts may repeat and give exactly |count|', async () => {
    const r = (await send('HRANDFIELD', 'd1', -20)) as string[];
    assert.equal(r.length, 20);
    for (const f of r) assert.ok(['a', 'b', 'c'].includes(f));
    const wv = (await send('HRANDFIELD', 'd1', -4, 'withvalues')) as string[];
    assert.equal(wv.length, 8);
  });
  it('works on big hashes', async () => {
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(`f${i}`, `v${i}`);
    await send('HSET', 'd2', ...args);
    for (const n of [10, 400, 999, 1000, 2000]) {
      const r = (await send('HRANDFIELD', 'd2', n)) as string[];
      assert.equal(r.length, Math.min(n, 1000));
      assert.equal(new Set(r).size, r.length);
    }
    assert.equal(((await send('HRANDFIELD', 'd2', -3000)) as string[]).length, 3000);
  });
  it('errors', async () => {
    await fails(['HRANDFIELD', 'd1', 'x'], 'ERR value is not an integer or out of range');
    await fails(['HRANDFIELD', 'd1', 5, 'FOO'], 'ERR syntax error');
    await fails(['HRANDFIELD', 'd1', 5, 'WITHVALUES', 'x'], 'ERR syntax error');
    await fails(['HRANDFIELD', 'd1', '-9223372036854775808'],
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    await fails(['HRANDFIELD', 'd1', '-9223372036854775807', 'WITHVALUES'], 'ERR value is out of range');
    await fails(['HRANDFIELD', 'str'], WRONGTYPE);
    await fails(['HRANDFIELD', 'str', 2], WRONGTYPE);
  });
});

describe('HSCAN', () => {
  it('returns a small hash whole, with cursor 0', async () => {
    await send('HSET', 'e1', 'a', '1', 'b', '2', 'bb', '3');
    assert.deepEqual(await send('HSCAN', 'e1', 0), ['0', ['a', '1', 'b', '2', 'bb', '3']]);
    assert.deepEqual(await send('HSCAN', 'e1', 0, 'COUNT', 1), ['0', ['a', '1', 'b', '2', 'bb', '3']]);
    assert.deepEqual(await send('HSCAN', 'e1', 0, 'MATCH', 'b*'), ['0', ['b', '2', 'bb', '3']]);
    assert.deepEqual(await send('HSCAN', 'missing', 0), ['0', []]);
  });
  it('walks a big hash to the end, returning every field', async () => {
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(`f${i}`, `v${i}`);
    await send('HSET', 'e2', ...args);
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await send('HSCAN', 'e2', cursor, 'COUNT', 50)) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
      calls++;
      // Deleting visited fields mid-scan must not hide the others.
      if (calls === 3) await send('HDEL', 'e2', 'f0', 'f999', 'f500');
    } while (cursor !== '0' && calls < 1000);
    assert.equal(cursor, '0');
    assert.ok(calls > 2);
    for (let i = 1; i < 999; i++) if (i !== 500) assert.equal(seen.get(`f${i}`), `v${i}`, `f${i}`);
  });
  it('MATCH filters a big hash', async () => {
    let cursor = '0';
    const found: string[] = [];
    do {
      const [next, items] = (await send('HSCAN', 'e2', cursor, 'MATCH', 'f1?', 'COUNT', 100)) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) found.push(items[i]!);
      cursor = next;
    } while (cursor !== '0');
    assert.deepEqual(found.sort(), ['f10', 'f11', 'f12', 'f13', 'f14', 'f15', 'f16', 'f17', 'f18', 'f19']);
    const [, items] = (await send('HSCAN', 'e2', 0, 'MATCH', 'nothing*', 'COUNT', 5)) as [string, string[]];
    assert.deepEqual(items, []);
  });
  it('errors', async () => {
    await fails(['HSCAN', 'e1', 'x'], 'ERR invalid cursor');
    await fails(['HSCAN', 'e1', '18446744073709551616'], 'ERR invalid cursor');
    await fails(['HSCAN', 'e1', 0, 'COUNT', 0], 'ERR syntax error');
    await fails(['HSCAN', 'e1', 0, 'COUNT', 'x'], 'ERR value is not an integer or out of range');
    await fails(['HSCAN', 'e1', 0, 'TYPE', 'string'], 'ERR syntax error');
    await fails(['HSCAN', 'e1', 0, 'MATCH'], 'ERR syntax error');
    await fails(['HSCAN', 'str', 0], WRONGTYPE);
    await fails(['HSCAN', 'e1'], arity('hscan'));
  });
});
