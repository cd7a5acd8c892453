// MGET, MSET, MSETNX, STRLEN, GETRANGE/SUBSTR, APPEND, SETRANGE, LCS, OBJECT ENCODING of string
// values. Runs against nodis and, with NODIS_TEST_TARGET=redis, against real Redis.

import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, it } from 'node:test';
import { RespError } from '../../helpers/resp-client.js';
import { arity, error, expectSteps, NOT_INTEGER, SYNTAX, WRONGTYPE } from './expect.js';
import { startStringTarget, type StringTarget } from './target.js';

let t: StringTarget;
before(async () => { t = await startStringTarget({ 'proto-max-bulk-len': '1048576' }); });
after(async () => { await t.close(); });
beforeEach(async () => { await t.del('a', 'b', 'c', 'd', 'l', 's', 'n', 'missing'); });

const TOO_BIG = error('ERR string exceeds maximum allowed size (proto-max-bulk-len)');
const OFFSET = error('ERR offset is out of range');

describe('MGET / MSET / MSETNX', () => {
  it('MGET answers null for missing keys and other types', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['MSET', 'a', '1', 'b', 'two'], 'OK'],
      [['MGET', 'a', 'missing', 'l', 'b'], ['1', null, null, 'two']],
      [['MGET'], arity('mget')],
    ]);
  });

  it('MSET arity: an even argument count is an arity error', async () => {
    await expectSteps(t.client, [
      [['MSET', 'a'], arity('mset')],
      [['MSET', 'a', '1', 'b'], arity('mset')],
      [['MSETNX', 'a', '1', 'b'], arity('msetnx')],
      [['MSET', 'a', '1', 'a', '2'], 'OK'],
      [['GET', 'a'], '2'],
    ]);
  });

  it('MSET overwrites other types and clears TTLs', async () => {
    await t.wrongType('l');
    await t.client.send('SET', 'a', 'x', 'EX', '100');
    await expectSteps(t.client, [[['MSET', 'l', 'v', 'a', 'y'], 'OK'], [['GET', 'l'], 'v']]);
    assert.equal(await t.pttl('a'), -1);
  });

  it('MSETNX sets all or nothing', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['MSETNX', 'a', '1', 'b', '2'], 1],
      [['MSETNX', 'c', '3', 'a', '9'], 0],
      [['MGET', 'a', 'b', 'c'], ['1', '2', null]],
      [['MSETNX', 'c', '3', 'l', '9'], 0],
      [['MSETNX', 'c', '1', 'd', '2', 'c', '3'], 1],
      [['MGET', 'c', 'd'], ['3', '2']],
    ]);
  });
});

describe('STRLEN', () => {
  it('counts bytes of every encoding', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SET', 'a', '-12345'], 'OK'],
      [['STRLEN', 'a'], 6],
      [['SET', 'b', Buffer.from([0, 255, 10, 13])], 'OK'],
      [['STRLEN', 'b'], 4],
      [['STRLEN', 'missing'], 0],
      [['STRLEN', 'l'], WRONGTYPE],
      [['STRLEN'], arity('strlen')],
    ]);
  });
});

describe('GETRANGE / SUBSTR', () => {
  it('handles negative and out-of-range indexes as Redis does', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SET', 's', 'Hello World'], 'OK'],
      [['GETRANGE', 's', '0', '-1'], 'Hello World'],
      [['GETRANGE', 's', '-5', '-1'], 'World'],
      [['GETRANGE', 's', '0', '4'], 'Hello'],
      [['GETRANGE', 's', '-1', '-5'], ''],
      [['GETRANGE', 's', '5', '3'], ''],
      [['GETRANGE', 's', '0', '100'], 'Hello World'],
      [['GETRANGE', 's', '-100', '-99'], 'H'],
      [['GETRANGE', 's', '-100', '2'], 'Hel'],
      [['GETRANGE', 's', '20', '30'], ''],
      [['GETRANGE', 's', '0', '9223372036854775807'], 'Hello World'],
      [['GETRANGE', 's', '-9223372036854775808', '1'], 'He'],
      [['GETRANGE', 's', '-9223372036854775807', '-9223372036854775808'], ''],
      [['SUBSTR', 's', '6', '-1'], 'World'],
      [['SET', 'n', '12345'], 'OK'],
      [['GETRANGE', 'n', '1', '-2'], '234'],
      [['SET', 'a', ''], 'OK'],
      [['GETRANGE', 'a', '0', '-1'], ''],
      [['GETRANGE', 'missing', '0', '-1'], ''],
      [['GETRANGE', 's', 'x', '1'], NOT_INTEGER],
      [['GETRANGE', 'missing', '0', '1.5'], NOT_INTEGER],
      [['GETRANGE', 's', '0', '9223372036854775808'], NOT_INTEGER],
      [['GETRANGE', 'l', '0', '1'], WRONGTYPE],
      [['GETRANGE', 's', '0'], arity('getrange')],
      [['SUBSTR', 's', '0'], arity('substr')],
    ]);
  });
});

describe('APPEND', () => {
  it('creates, appends, and refuses other types', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['APPEND', 'a', 'Hello'], 5],
      [['APPEND', 'a', ' World'], 11],
      [['GET', 'a'], 'Hello World'],
      [['APPEND', 'a', ''], 11],
      [['SET', 'n', '12'], 'OK'],
      [['APPEND', 'n', '34'], 4],
      [['GET', 'n'], '1234'],
      [['APPEND', 'l', 'x'], WRONGTYPE],
      [['APPEND', 'a'], arity('append')],
    ]);
  });

  it('is binary safe and grows in place over many appends', async () => {
    const chunk = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    let total = 0;
    for (let i = 0; i < 200; i++) {
      total += 256;
      assert.equal(await t.client.send('APPEND', 'b', chunk), total);
    }
    const got = (await t.client.send('GET', 'b')) as string;
    assert.equal(got.length, 256 * 200);
    assert.equal(got, chunk.toString('latin1').repeat(200));
  });

  it('refuses to grow past proto-max-bulk-len', async () => {
    const big = 'x'.repeat(600 * 1024);
    await expectSteps(t.client, [
      [['SET', 'a', big], 'OK'],
      [['APPEND', 'a', big], TOO_BIG],
      [['STRLEN', 'a'], big.length],
    ]);
  });

  it('keeps the TTL', async () => {
    await t.client.send('SET', 'a', 'x', 'EX', '100');
    await t.client.send('APPEND', 'a', 'y');
    assert.ok((await t.pttl('a')) > 90000);
  });
});

describe('SETRANGE', () => {
  it('overwrites, zero-pads and grows', async () => {
    await expectSteps(t.client, [
      [['SET', 's', 'Hello World'], 'OK'],
      [['SETRANGE', 's', '6', 'Redis'], 11],
      [['GET', 's'], 'Hello Redis'],
      [['SETRANGE', 's', '13', '!'], 14],
      [['GET', 's'], 'Hello Redis\0\0!'],
      [['SETRANGE', 'a', '3', 'ab'], 5],
      [['GET', 'a'], '\0\0\0ab'],
      [['SET', 'n', '12345'], 'OK'],
      [['SETRANGE', 'n', '1', 'x'], 5],
      [['GET', 'n'], '1x345'],
    ]);
  });

  it('an empty value changes nothing and creates no key', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SETRANGE', 'missing', '0', ''], 0],
      [['SETRANGE', 'missing', '100000000', ''], 0],
      [['SET', 's', 'abc'], 'OK'],
      [['SETRANGE', 's', '100000000', ''], 3],
      [['SETRANGE', 'l', '0', ''], WRONGTYPE],
    ]);
    assert.equal(await t.exists('missing'), false);
  });

  it('errors: offsets, size limit, types, arity', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SETRANGE', 's', '-1', 'x'], OFFSET],
      [['SETRANGE', 'l', '-1', 'x'], OFFSET],
      [['SETRANGE', 's', 'x', 'x'], NOT_INTEGER],
      [['SETRANGE', 's', '9223372036854775808', 'x'], NOT_INTEGER],
      [['SETRANGE', 's', String(1024 * 1024), 'x'], TOO_BIG],
      [['SETRANGE', 's', String(1024 * 1024 - 1), 'x'], 1024 * 1024],
      [['SETRANGE', 's', '9223372036854775807', 'x'], TOO_BIG],
      [['SETRANGE', 'l', '0', 'x'], WRONGTYPE],
      [['SETRANGE', 's', '0'], arity('setrange')],
    ]);
  });
});

describe('LCS', () => {
  it('returns the subsequence, its length and the matching ranges', async () => {
    await t.wrongType('l');
    const matches = [[[4, 7], [5, 8]], [[2, 3], [0, 1]]];
    await expectSteps(t.client, [
      [['MSET', 'a', 'ohmytext', 'b', 'mynewtext'], 'OK'],
      [['LCS', 'a', 'b'], 'mytext'],
      [['LCS', 'a', 'b', 'LEN'], 6],
      [['LCS', 'a', 'b', 'IDX'], ['matches', matches, 'len', 6]],
      [['LCS', 'a', 'b', 'idx', 'MINMATCHLEN', '4'], ['matches', [matches[0]!], 'len', 6]],
      [['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-5', 'WITHMATCHLEN'], ['matches', [[[4, 7], [5, 8], 4], [[2, 3], [0, 1], 2]], 'len', 6]],
      [['LCS', 'a', 'missing'], ''],
      [['LCS', 'missing', 'missing', 'IDX'], ['matches', [], 'len', 0]],
      [['MSET', 'c', 'abcabcabcxyzabc', 'd', 'cbaxyzabcabca'], 'OK'],
      [['LCS', 'c', 'd'], 'cbaxyzabc'],
      [['LCS', 'c', 'd', 'IDX', 'WITHMATCHLEN'], ['matches', [
        [[12, 14], [9, 11], 3], [[9, 11], [3, 5], 3], [[6, 6], [2, 2], 1], [[4, 4], [1, 1], 1], [[2, 2], [0, 0], 1],
      ], 'len', 9]],
    ]);
  });

  it('errors', async () => {
    await t.wrongType('l');
    await t.client.send('MSET', 'a', 'x', 'b', 'y');
    await expectSteps(t.client, [
      [['LCS', 'a', 'b', 'LEN', 'IDX'], error('ERR If you want both the length and indexes, please just use IDX.')],
      [['LCS', 'a', 'b', 'MINMATCHLEN'], SYNTAX],
      [['LCS', 'a', 'b', 'MINMATCHLEN', 'x'], NOT_INTEGER],
      [['LCS', 'a', 'b', 'FOO'], SYNTAX],
      [['LCS', 'a', 'l'], error('ERR The specified keys must contain string values')],
      [['LCS', 'l', 'a', 'FOO'], error('ERR The specified keys must contain string values')],
      [['LCS', 'a'], arity('lcs')],
    ]);
  });

  it('refuses a table larger than proto-max-bulk-len', async () => {
    const s = 'x'.repeat(600);
    await t.client.send('MSET', 'a', s, 'b', s);
    const r = await t.client.send('LCS', 'a', 'b', 'LEN');
    assert.ok(r instanceof RespError);
    assert.equal(r.message, 'ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len');
  });

  it('replies a map in RESP3', async () => {
    const c = await t.newClient();
    await t.resp3(c);
    await c.send('MSET', 'a', 'ohmytext', 'b', 'mynewtext');
    const r = await c.sendRaw('LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4');
    assert.equal(r, '%2\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n');
    c.close();
  });
});

describe('string encodings (OBJECT ENCODING)', () => {
  it('int, embstr and raw as Redis chooses them', async () => {
    const cases: [setup: (string | number)[][], key: string, encoding: string][] = [
      [[['SET', 'a', '12345']], 'a', 'int'],
      [[['SET', 'a', '-9223372036854775808']], 'a', 'int'],
      [[['SET', 'a', '9007199254740993']], 'a', 'int'],
      [[['SET', 'a', '012']], 'a', 'embstr'],
      [[['SET', 'a', '9223372036854775808']], 'a', 'embstr'],
      [[['SET', 'a', 'x'.repeat(44)]], 'a', 'embstr'],
      [[['SET', 'a', 'x'.repeat(45)]], 'a', 'raw'],
      [[['SET', 'a', 'abc'], ['APPEND', 'a', 'd']], 'a', 'raw'],
      [[['SET', 'a', '1'], ['APPEND', 'a', '']], 'a', 'raw'],
      [[['APPEND', 'a', '12']], 'a', 'int'],
      [[['SETRANGE', 'a', '0', 'ab']], 'a', 'raw'],
      [[['SET', 'a', 'abc'], ['SETRANGE', 'a', '0', 'x']], 'a', 'raw'],
      [[['SET', 'a', 'abc'], ['APPEND', 'a', 'd'], ['INCRBYFLOAT', 'b', '1']], 'b', 'embstr'],
      [[['INCR', 'a']], 'a', 'int'],
      [[['SET', 'a', '10'], ['APPEND', 'a', '0'], ['INCR', 'a']], 'a', 'int'],
      [[['INCRBY', 'a', '9223372036854775807']], 'a', 'int'],
      [[['INCRBYFLOAT', 'a', '1.5'], ['INCRBYFLOAT', 'a', '1.5']], 'a', 'embstr'],
      [[['INCRBYFLOAT', 'a', '1e100']], 'a', 'raw'],
      [[['INCRBYFLOAT', 'a', '3'], ['INCR', 'a']], 'a', 'int'],
      [[['INCRBYFLOAT', 'a', '3'], ['APPEND', 'a', '1']], 'a', 'raw'],
      [[['MSET', 'a', '7', 'b', 'x']], 'a', 'int'],
      [[['GETSET', 'a', '7']], 'a', 'int'],
      [[['SETEX', 'a', '100', '7']], 'a', 'int'],
    ];
    for (const [setup, key, encoding] of cases) {
      await t.del('a', 'b');
      for (const cmd of setup) await t.client.send(...cmd);
      assert.equal(await t.encoding(key), encoding, JSON.stringify(setup));
    }
  });
});
