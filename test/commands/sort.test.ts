// SORT and SORT_RO against nodis or (NODIS_TEST_TARGET=redis) real Redis: numeric and ALPHA
// sorts of lists, sets and sorted sets, BY patterns (keys, hash fields, constant = no sorting),
// GET (#, several, missing → nil), LIMIT edge cases, STORE, tie rules, errors and key extraction.
// Propagation and events are checked on nodis internals in test/unit/sort-effects.test.ts.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;
let c3: TestClient;
let resp3 = false;

before(async () => {
  target = await startTarget();
  c = await target.client();
  c3 = await target.client();
  resp3 = !((await c3.send('HELLO', '3')) instanceof RespError);
});
after(async () => {
  c.close();
  c3.close();
  await target.close();
});

async function err(...args: string[]): Promise<string> {
  const r = await c.send(...args);
  assert.ok(r instanceof RespError, `expected an error from ${args.join(' ')}, got ${JSON.stringify(r)}`);
  return r.message;
}

const SCORES = "ERR One or more scores can't be converted into double";

describe('SORT numeric and ALPHA', () => {
  it('sorts lists, sets and sorted sets by their elements', async () => {
    await c.send('RPUSH', 'n:list', '3', '-1', '10', '2.5', '0x10', '1e2');
    assert.deepEqual(await c.send('SORT', 'n:list'), ['-1', '2.5', '3', '10', '0x10', '1e2']);
    assert.deepEqual(await c.send('SORT', 'n:list', 'DESC'), ['1e2', '0x10', '10', '3', '2.5', '-1']);
    assert.deepEqual(await c.send('SORT', 'n:list', 'ALPHA'), ['-1', '0x10', '10', '1e2', '2.5', '3']);
    assert.deepEqual(await c.send('SORT_RO', 'n:list', 'alpha', 'desc'), ['3', '2.5', '1e2', '10', '0x10', '-1']);
    await c.send('SADD', 'n:set', '5', '3', '100', '-7');
    assert.deepEqual(await c.send('SORT', 'n:set'), ['-7', '3', '5', '100']);
    await c.send('SADD', 'n:set2', 'b', 'a', 'c', 'B');
    assert.deepEqual(await c.send('SORT', 'n:set2', 'ALPHA'), ['B', 'a', 'b', 'c']);
    assert.equal(await err('SORT', 'n:set2'), SCORES);
    await c.send('ZADD', 'n:z', '1', 'x10', '2', 'x2', '3', 'x1');
    assert.deepEqual(await c.send('SORT', 'n:z', 'ALPHA'), ['x1', 'x10', 'x2']);
    assert.deepEqual(await c.send('SORT', 'n:z', 'BY', 'nosort'), ['x10', 'x2', 'x1']);
    assert.deepEqual(await c.send('SORT', 'nokey'), []);
    assert.deepEqual(await c.send('SORT', 'nokey', 'BY', 'nosort', 'GET', '#', 'LIMIT', '0', '5'), []);
  });

  it('breaks numeric ties by the elements\' bytes, in both directions', async () => {
    await c.send('RPUSH', 't:list', 'b', '1.0', '1', 'a', '01', '+1');
    // Non-numbers fail; numbers that are equal come out in byte order (reversed by DESC).
    assert.equal(await err('SORT', 't:list'), SCORES);
    await c.send('RPUSH', 't:nums', '1.0', '1', '01', '+1', '1e0', '0');
    assert.deepEqual(await c.send('SORT', 't:nums'), ['0', '+1', '01', '1', '1.0', '1e0']);
    assert.deepEqual(await c.send('SORT', 't:nums', 'DESC'), ['1e0', '1.0', '1', '01', '+1', '0']);
  });

  it('reads scores as strtod does', async () => {
    await c.send('RPUSH', 'st:l', 'a', 'b');
    // Texts strtod accepts come first: Redis does not clear errno before strtod, so after an
    // ERANGE a good score on the same connection can still be refused.
    const cases: [string, boolean][] = [['', true], [' 1', true], ['0x10', true], ['inf', true], ['-Infinity', true], ['+.5', true],
      ['\t7', true], ['  ', false], ['1 ', false], ['nan', false], ['.', false], ['1e', false], ['1e-310', false], ['1e400', false]];
    await c.send('SET', 'st:wb', '0');
    // The score text ends at a NUL byte, as a C string does.
    await c.send('SET', 'st:wa', '5\x00junk');
    assert.deepEqual(await c.send('SORT', 'st:l', 'BY', 'st:w*'), ['b', 'a']);
    for (const [text, ok] of cases) {
      await c.send('SET', 'st:wa', text);
      const r = await c.send('SORT', 'st:l', 'BY', 'st:w*');
      if (ok) assert.ok(Array.isArray(r), `${JSON.stringify(text)}: ${String(r)}`);
      else assert.ok(r instanceof RespError && r.message === SCORES, JSON.stringify(text));
    }
  });
});

describe('SORT BY and GET', () => {
  it('sorts by external keys and hash fields, missing ones as 0', async () => {
    await c.send('RPUSH', 'by:l', 'u1', 'u2', 'u3', 'u4');
    await c.send('MSET', 'w_u1', '30', 'w_u2', '10', 'w_u3', '20');
    assert.deepEqual(await c.send('SORT', 'by:l', 'BY', 'w_*'), ['u4', 'u2', 'u3', 'u1']);
    assert.deepEqual(await c.send('SORT', 'by:l', 'BY', 'w_*', 'DESC'), ['u1', 'u3', 'u2', 'u4']);
    await c.send('HSET', 'h_u1', 'age', '5', 'name', 'zed');
    await c.send('HSET', 'h_u2', 'age', '50', 'name', 'amy');
    await c.send('HSET', 'h_u3', 'age', '7');
    await c.send('SET', 'h_u4', 'not a hash');
    assert.deepEqual(await c.send('SORT', 'by:l', 'BY', 'h_*->age'), ['u4', 'u1', 'u3', 'u2']);
    // ALPHA with BY: elements without a BY value first, the others by value.
    assert.deepEqual(await c.send('SORT', 'by:l', 'BY', 'h_*->name', 'ALPHA'), ['u3', 'u4', 'u2', 'u1']);
    // A pattern whose "->" has no field name is a plain key pattern.
    assert.deepEqual(await c.send('SORT', 'by:l', 'BY', 'w_*->', 'GET', '#'), ['u1', 'u2', 'u3', 'u4']);
    // A wrong-typed BY key counts as missing.
    await c.send('RPUSH', 'w_u5', 'x');
    await c.send('RPUSH', 'by:l', 'u5');
    assert.deepEqual(await c.send('SORT', 'by:l', 'BY', 'w_*'), ['u4', 'u5', 'u2', 'u3', 'u1']);
  });

  it('GET fetches keys, fields and the element itself, nil when missing', async () => {
    await c.send('RPUSH', 'g:l', '2', '1', '3');
    await c.send('MSET', 'g_1', 'one', 'g_2', 'two');
    await c.send('HSET', 'gh_3', 'f', 'three');
    assert.deepEqual(await c.send('SORT', 'g:l', 'GET', 'g_*'), ['one', 'two', null]);
    assert.deepEqual(await c.send('SORT', 'g:l', 'GET', '#', 'GET', 'g_*', 'GET', 'gh_*->f'),
      ['1', 'one', null, '2', 'two', null, '3', null, 'three']);
    // A GET pattern without '*' names no key per element: always nil.
    assert.deepEqual(await c.send('SORT', 'g:l', 'GET', 'g_1'), [null, null, null]);
    assert.deepEqual(await c.send('SORT', 'g:l', 'LIMIT', '1', '1', 'GET', '#', 'GET', 'g_*'), ['2', 'two']);
    if (resp3) {
      await c3.send('RPUSH', 'g:l3', '1', '9');
      assert.deepEqual(await c3.send('SORT', 'g:l3', 'GET', 'g_*'), ['one', null]);
    }
  });

  it('BY a constant does not sort: lists and sorted sets keep their order, LIMIT and DESC apply', async () => {
    await c.send('RPUSH', 'ns:l', 'c', 'a', 'd', 'b', 'e');
    assert.deepEqual(await c.send('SORT', 'ns:l', 'BY', 'nosort'), ['c', 'a', 'd', 'b', 'e']);
    assert.deepEqual(await c.send('SORT', 'ns:l', 'BY', 'nosort', 'DESC'), ['e', 'b', 'd', 'a', 'c']);
    assert.deepEqual(await c.send('SORT', 'ns:l', 'BY', 'nosort', 'LIMIT', '1', '2'), ['a', 'd']);
    assert.deepEqual(await c.send('SORT', 'ns:l', 'BY', 'nosort', 'LIMIT', '1', '2', 'DESC'), ['b', 'd']);
    assert.deepEqual(await c.send('SORT', 'ns:l', 'BY', 'nosort', 'LIMIT', '3', '-1', 'DESC'), ['a', 'c']);
    // ALPHA and numbers do not matter when nothing is sorted.
    assert.deepEqual(await c.send('SORT', 'ns:l', 'BY', 'nosort', 'ALPHA', 'LIMIT', '4', '10'), ['e']);
    await c.send('ZADD', 'ns:z', '3', 'c', '1', 'a', '2', 'b', '4', 'd');
    assert.deepEqual(await c.send('SORT', 'ns:z', 'BY', 'nosort', 'LIMIT', '1', '2'), ['b', 'c']);
    assert.deepEqual(await c.send('SORT', 'ns:z', 'BY', 'nosort', 'DESC', 'LIMIT', '1', '2'), ['c', 'b']);
    assert.deepEqual(await c.send('SORT', 'ns:z', 'BY', 'nosort', 'DESC'), ['d', 'c', 'b', 'a']);
    // An intset comes out ascending, as Redis iterates it.
    await c.send('SADD', 'ns:s', '30', '10', '20');
    assert.deepEqual(await c.send('SORT', 'ns:s', 'BY', 'nosort'), ['10', '20', '30']);
    // With STORE an unsorted set is sorted bytewise, so copies agree.
    assert.equal(await c.send('SORT', 'ns:s', 'BY', 'nosort', 'STORE', 'ns:dst'), 3);
    assert.deepEqual(await c.send('LRANGE', 'ns:dst', '0', '-1'), ['10', '20', '30']);
    await c.send('SADD', 'ns:s2', '9', '10', '100');
    assert.equal(await c.send('SORT', 'ns:s2', 'BY', 'nosort', 'STORE', 'ns:dst'), 3);
    assert.deepEqual(await c.send('LRANGE', 'ns:dst', '0', '-1'), ['10', '100', '9']);
  });

  it('SORT converts a listpack sorted set to a skiplist', async () => {
    await c.send('ZADD', 'enc:z', '1', 'a', '2', 'b');
    assert.equal(await c.send('OBJECT', 'ENCODING', 'enc:z'), 'listpack');
    await c.send('SORT_RO', 'enc:z', 'ALPHA');
    assert.equal(await c.send('OBJECT', 'ENCODING', 'enc:z'), 'skiplist');
  });
});

describe('SORT LIMIT', () => {
  it('clamps offsets and counts like Redis', async () => {
    await c.send('RPUSH', 'lim:l', '5', '4', '3', '2', '1');
    const cases: [string, string, string[]][] = [
      ['0', '2', ['1', '2']], ['3', '10', ['4', '5']], ['-2', '2', ['1', '2']], ['2', '-1', ['3', '4', '5']],
      ['2', '-5', ['3', '4', '5']], ['5', '1', []], ['100', '-1', []], ['0', '0', []], ['4', '1', ['5']],
      ['1', '9223372036854775807', ['2', '3', '4', '5']], ['-9223372036854775808', '1', ['1']],
    ];
    for (const [off, count, want] of cases) {
      assert.deepEqual(await c.send('SORT', 'lim:l', 'LIMIT', off, count), want, `${off} ${count}`);
    }
    assert.deepEqual(await c.send('SORT', 'lim:l', 'LIMIT', '1', '2', 'DESC'), ['4', '3']);
    assert.deepEqual(await c.send('SORT', 'lim:l', 'LIMIT', '1', '2', 'GET', '#', 'GET', 'nokey*'), ['2', null, '3', null]);
  });
});

describe('SORT STORE', () => {
  it('stores the result as a list, replacing any value and its TTL', async () => {
    await c.send('RPUSH', 'so:l', '3', '1', '2');
    await c.send('SET', 'so:dst', 'string', 'EX', '100');
    assert.equal(await c.send('SORT', 'so:l', 'STORE', 'so:dst'), 3);
    assert.deepEqual(await c.send('LRANGE', 'so:dst', '0', '-1'), ['1', '2', '3']);
    assert.equal(await c.send('TTL', 'so:dst'), -1);
    // Redis 7.2 builds small lists as listpacks; 7.0 had only quicklists.
    assert.equal(await c.send('OBJECT', 'ENCODING', 'so:dst'), againstRedis ? 'quicklist' : 'listpack');
    // GET results are stored, missing ones as empty strings; the reply counts them.
    await c.send('SET', 'so_w_1', 'one');
    assert.equal(await c.send('SORT', 'so:l', 'GET', '#', 'GET', 'so_w_*', 'STORE', 'so:dst'), 6);
    assert.deepEqual(await c.send('LRANGE', 'so:dst', '0', '-1'), ['1', 'one', '2', '', '3', '']);
    // The last STORE wins; the source may be the destination.
    assert.equal(await c.send('SORT', 'so:l', 'DESC', 'STORE', 'so:x', 'STORE', 'so:l'), 3);
    assert.deepEqual(await c.send('LRANGE', 'so:l', '0', '-1'), ['3', '2', '1']);
    assert.equal(await c.send('EXISTS', 'so:x'), 0);
  });

  it('an empty result deletes the destination', async () => {
    await c.send('SET', 'so:gone', 'x');
    assert.equal(await c.send('SORT', 'nokey', 'STORE', 'so:gone'), 0);
    assert.equal(await c.send('EXISTS', 'so:gone'), 0);
    await c.send('RPUSH', 'so:l2', '1');
    await c.send('SET', 'so:gone', 'x');
    assert.equal(await c.send('SORT', 'so:l2', 'LIMIT', '5', '1', 'STORE', 'so:gone'), 0);
    assert.equal(await c.send('EXISTS', 'so:gone'), 0);
    // A big result is a quicklist.
    await c.send('RPUSH', 'so:big', ...Array.from({ length: 300 }, (_, i) => String(300 - i)));
    assert.equal(await c.send('SORT', 'so:big', 'STORE', 'so:bigdst'), 300);
    assert.equal(await c.send('OBJECT', 'ENCODING', 'so:bigdst'), againstRedis ? 'quicklist' : 'listpack');
    await c.send('RPUSH', 'so:big2', ...Array.from({ length: 300 }, (_, i) => 'v'.repeat(40) + String(i)));
    assert.equal(await c.send('SORT', 'so:big2', 'ALPHA', 'STORE', 'so:bigdst'), 300);
    assert.equal(await c.send('OBJECT', 'ENCODING', 'so:bigdst'), 'quicklist');
  });
});

describe('SORT errors and keys', () => {
  it('answers syntax, type, integer and arity errors in Redis\'s order', async () => {
    await c.send('RPUSH', 'e:l', '1');
    await c.send('SET', 'e:str', 'x');
    assert.equal(await err('SORT', 'e:l', 'BOGUS'), 'ERR syntax error');
    assert.equal(await err('SORT', 'e:l', 'LIMIT', '1'), 'ERR syntax error');
    assert.equal(await err('SORT', 'e:l', 'BY'), 'ERR syntax error');
    assert.equal(await err('SORT', 'e:l', 'GET'), 'ERR syntax error');
    assert.equal(await err('SORT', 'e:l', 'STORE'), 'ERR syntax error');
    assert.equal(await err('SORT', 'e:l', 'LIMIT', 'x', '1'), 'ERR value is not an integer or out of range');
    assert.equal(await err('SORT', 'e:l', 'LIMIT', '0', '1.5', 'BOGUS'), 'ERR value is not an integer or out of range');
    assert.equal(await err('SORT_RO', 'e:l', 'STORE', 'd'), 'ERR syntax error');
    // Options are parsed before the key is looked at.
    assert.equal(await err('SORT', 'e:str', 'BOGUS'), 'ERR syntax error');
    assert.equal(await err('SORT', 'e:str'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
    await c.send('HSET', 'e:h', 'f', 'v');
    assert.equal(await err('SORT_RO', 'e:h'), 'WRONGTYPE Operation against a key holding the wrong kind of value');
    assert.equal(await err('SORT'), "ERR wrong number of arguments for 'sort' command");
    assert.equal(await err('SORT_RO'), "ERR wrong number of arguments for 'sort_ro' command");
    // A score error leaves the destination alone.
    await c.send('RPUSH', 'e:bad', 'x');
    await c.send('SET', 'e:dst', 'keep');
    assert.equal(await err('SORT', 'e:bad', 'STORE', 'e:dst'), SCORES);
    assert.equal(await c.send('GET', 'e:dst'), 'keep');
  });

  it('COMMAND GETKEYSANDFLAGS finds the sorted key and the last STORE target', async () => {
    const cases: [string[], [string, string[]][]][] = [
      [['SORT', 'k'], [['k', ['RO', 'access']]]],
      [['SORT', 'k', 'STORE', 'd'], [['k', ['RO', 'access']], ['d', ['OW', 'update']]]],
      [['SORT', 'k', 'BY', 'x', 'GET', 'y', 'STORE', 'd', 'STORE', 'e'], [['k', ['RO', 'access']], ['e', ['OW', 'update']]]],
      [['SORT', 'k', 'STORE', 'LIMIT', '1', '2'], [['k', ['RO', 'access']], ['LIMIT', ['OW', 'update']]]],
      [['SORT', 'k', 'GET', 'STORE', 'd'], [['k', ['RO', 'access']]]],
      [['SORT', 'k', 'LIMIT', '0', '1', 'STORE', 'd'], [['k', ['RO', 'access']], ['d', ['OW', 'update']]]],
      [['SORT_RO', 'k', 'BY', 'x', 'GET', 'y'], [['k', ['RO', 'access']]]],
    ];
    for (const [argv, want] of cases) {
      assert.deepEqual(await c.send('COMMAND', 'GETKEYSANDFLAGS', ...argv), want, argv.join(' '));
    }
  });
});
