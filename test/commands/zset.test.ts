// SORTED SET commands against nodis or (NODIS_TEST_TARGET=redis) real Redis. Keys are unique per
// test (DEL belongs to another family); "the key is gone" is checked with GET. Where Redis 7.2
// (nodis's target) differs from the 7.0 oracle, the test branches on againstRedis and says why.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;
let c3: TestClient;
/** HELLO belongs to another family: RESP3 checks run once the server has it. */
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

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';

async function err(...args: (string | number | Buffer)[]): Promise<string> {
  const r = await c.send(...args);
  assert.ok(r instanceof RespError, `expected an error from ${args.join(' ')}, got ${JSON.stringify(r)}`);
  return r.message;
}

async function gone(key: string): Promise<boolean> {
  return (await c.send('GET', key)) === null;
}

describe('ZADD', () => {
  it('adds and updates, counting with CH', async () => {
    assert.equal(await c.send('ZADD', 'za', 1, 'a', 2, 'b'), 2);
    assert.equal(await c.send('ZADD', 'za', 3, 'a', 4, 'c'), 1);
    assert.equal(await c.send('ZADD', 'za', 'CH', 5, 'a', 4, 'c', 6, 'd'), 2);
    assert.deepEqual(await c.send('ZRANGE', 'za', 0, -1, 'WITHSCORES'), ['b', '2', 'c', '4', 'a', '5', 'd', '6']);
  });

  it('honours NX, XX, GT, LT', async () => {
    await c.send('ZADD', 'zb', 10, 'a');
    assert.equal(await c.send('ZADD', 'zb', 'NX', 1, 'a', 2, 'b'), 1);
    assert.equal(await c.send('ZSCORE', 'zb', 'a'), '10');
    assert.equal(await c.send('ZADD', 'zb', 'XX', 'CH', 3, 'a', 4, 'new'), 1);
    assert.equal(await c.send('ZSCORE', 'zb', 'new'), null);
    assert.equal(await c.send('ZADD', 'zb', 'GT', 'CH', 1, 'a', 9, 'b'), 1);
    assert.deepEqual(await c.send('ZMSCORE', 'zb', 'a', 'b'), ['3', '9']);
    assert.equal(await c.send('ZADD', 'zb', 'LT', 'CH', 5, 'a', 1, 'b', 7, 'c'), 2);
    assert.deepEqual(await c.send('ZMSCORE', 'zb', 'a', 'b', 'c'), ['3', '1', '7']);
    assert.equal(await c.send('ZADD', 'nokey-xx', 'XX', 1, 'a'), 0);
    assert.ok(await gone('nokey-xx'));
  });

  it('does INCR, with NX/XX/GT giving nil when nothing happened', async () => {
    assert.equal(await c.send('ZADD', 'zc', 'INCR', 1.5, 'a'), '1.5');
    assert.equal(await c.send('ZADD', 'zc', 'INCR', 2, 'a'), '3.5');
    assert.equal(await c.send('ZADD', 'zc', 'INCR', 'NX', 1, 'a'), null);
    assert.equal(await c.send('ZADD', 'zc', 'INCR', 'XX', 1, 'zz'), null);
    assert.equal(await c.send('ZADD', 'zc', 'INCR', 'GT', -1, 'a'), null);
    assert.equal(await c.send('ZADD', 'zc', 'INCR', 'LT', -1, 'a'), '2.5');
    assert.equal(await c.send('ZADD', 'zc', 'INCR', '+inf', 'a'), 'inf');
    assert.equal(await err('ZADD', 'zc', 'INCR', '-inf', 'a'), 'ERR resulting score is not a number (NaN)');
    assert.equal(await c.send('ZSCORE', 'zc', 'a'), 'inf');
  });

  it('rejects bad options and scores with Redis errors, changing nothing', async () => {
    assert.equal(await err('ZADD', 'zd', 'NX', 'XX', 1, 'a'), 'ERR XX and NX options at the same time are not compatible');
    assert.equal(await err('ZADD', 'zd', 'GT', 'LT', 1, 'a'), 'ERR GT, LT, and/or NX options at the same time are not compatible');
    assert.equal(await err('ZADD', 'zd', 'GT', 'NX', 1, 'a'), 'ERR GT, LT, and/or NX options at the same time are not compatible');
    assert.equal(await err('ZADD', 'zd', 'INCR', 1, 'a', 2, 'b'), 'ERR INCR option supports a single increment-element pair');
    assert.equal(await err('ZADD', 'zd', 1, 'a', 2), 'ERR syntax error');
    assert.equal(await err('ZADD', 'zd', 'CH', 1), 'ERR syntax error');
    for (const bad of ['abc', 'nan', 'NaN', '', ' 1', '1 ', '1e400', '--1']) {
      assert.equal(await err('ZADD', 'zd', 1, 'ok', bad, 'a'), 'ERR value is not a valid float', bad);
    }
    assert.ok(await gone('zd'));
    assert.equal(await err('ZADD', 'zd'), "ERR wrong number of arguments for 'zadd' command");
    await c.send('SET', 'zstr', 'x');
    assert.equal(await err('ZADD', 'zstr', 1, 'a'), WRONGTYPE);
  });

  it('parses scores as strtod does: inf spellings, exponents, hex', async () => {
    assert.equal(await c.send('ZADD', 'ze', '-inf', 'a', 'inf', 'b', '+inf', 'c', '1e3', 'd', '0x10', 'e', '-0', 'f'), 6);
    assert.deepEqual(await c.send('ZRANGE', 'ze', 0, -1, 'WITHSCORES'),
      ['a', '-inf', 'f', '0', 'e', '16', 'd', '1000', 'b', 'inf', 'c', 'inf']);
  });

  it('formats scores with the shortest round-trip text (Redis 7.2)', async () => {
    await c.send('ZADD', 'zf', '1.1', 'a', '0.1', 'b', '3.0', 'c', '1e20', 'd');
    const r = await c.send('ZRANGE', 'zf', 0, -1, 'WITHSCORES');
    // 7.0 prints doubles with %.17g; 7.2 prints the shortest text that reads back the same (fpconv),
    // with integers written out only up to 2^62: 1e20 stays in exponent form in both.
    if (againstRedis) assert.deepEqual(r, ['b', '0.10000000000000001', 'a', '1.1000000000000001', 'c', '3', 'd', '1e+20']);
    else assert.deepEqual(r, ['b', '0.1', 'a', '1.1', 'c', '3', 'd', '1e+20']);
  });

  it('orders equal scores by member bytes, binary safe', async () => {
    const bin = Buffer.from([0, 255, 10, 13]);
    await c.send('ZADD', 'zg', 1, 'b', 1, 'a', 1, '', 1, bin, 1, 'B');
    assert.deepEqual(await c.send('ZRANGE', 'zg', 0, -1), ['', bin.toString('latin1'), 'B', 'a', 'b']);
  });
});

describe('ZINCRBY / ZSCORE / ZMSCORE / ZCARD / ZREM', () => {
  it('increments, scores and removes', async () => {
    assert.equal(await c.send('ZINCRBY', 'zi', 2, 'a'), '2');
    assert.equal(await c.send('ZINCRBY', 'zi', '-0.5', 'a'), '1.5');
    assert.equal(await err('ZINCRBY', 'zi', 'nan', 'a'), 'ERR value is not a valid float');
    assert.equal(await c.send('ZINCRBY', 'zi', 'inf', 'a'), 'inf');
    assert.equal(await err('ZINCRBY', 'zi', '-inf', 'a'), 'ERR resulting score is not a number (NaN)');
    assert.equal(await c.send('ZCARD', 'zi'), 1);
    assert.equal(await c.send('ZCARD', 'nokey'), 0);
    assert.deepEqual(await c.send('ZMSCORE', 'nokey', 'a'), [null]);
    assert.equal(await c.send('ZREM', 'zi', 'x', 'a'), 1);
    assert.ok(await gone('zi'));
    assert.equal(await c.send('ZREM', 'zi', 'a'), 0);
    assert.equal(await err('ZINCRBY', 'zstr', 1, 'a'), WRONGTYPE);
    assert.equal(await err('ZSCORE', 'zstr', 'a'), WRONGTYPE);
    assert.equal(await err('ZREM', 'zstr', 'a'), WRONGTYPE);
  });

  it('replies with doubles in RESP3', async (t) => {
    if (!resp3) return t.skip('HELLO 3 not available');
    await c3.send('ZADD', 'zr3', '2.5', 'a');
    assert.equal(await c3.sendRaw('ZSCORE', 'zr3', 'a'), ',2.5\r\n');
    assert.equal(await c3.sendRaw('ZMSCORE', 'zr3', 'a', 'b'), '*2\r\n,2.5\r\n_\r\n');
    assert.equal(await c3.sendRaw('ZINCRBY', 'zr3', 1, 'a'), ',3.5\r\n');
  });
});

describe('ZRANK / ZREVRANK', () => {
  it('ranks members', async () => {
    await c.send('ZADD', 'zk', 1, 'a', 2, 'b', 3, 'c');
    assert.equal(await c.send('ZRANK', 'zk', 'a'), 0);
    assert.equal(await c.send('ZRANK', 'zk', 'c'), 2);
    assert.equal(await c.send('ZREVRANK', 'zk', 'c'), 0);
    assert.equal(await c.send('ZRANK', 'zk', 'x'), null);
    assert.equal(await c.send('ZRANK', 'nokey', 'x'), null);
  });

  it('takes WITHSCORE (new in Redis 7.2)', async () => {
    if (againstRedis) {
      // The 7.0 oracle has arity 3 for ZRANK.
      assert.equal(await err('ZRANK', 'zk', 'b', 'WITHSCORE'), "ERR wrong number of arguments for 'zrank' command");
      return;
    }
    assert.deepEqual(await c.send('ZRANK', 'zk', 'b', 'WITHSCORE'), [1, '2']);
    assert.deepEqual(await c.send('ZREVRANK', 'zk', 'b', 'withscore'), [1, '2']);
    assert.equal(await c.send('ZRANK', 'zk', 'x', 'WITHSCORE'), null);
    assert.equal(await err('ZRANK', 'zk', 'b', 'FOO'), 'ERR syntax error');
    assert.equal(await err('ZRANK', 'zk', 'b', 'WITHSCORE', 'x'), 'ERR syntax error');
  });
});

describe('ZRANGE family', () => {
  before(async () => {
    await c.send('ZADD', 'zr', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
    await c.send('ZADD', 'zl', 0, 'a', 0, 'b', 0, 'c', 0, 'd', 0, 'e');
  });

  it('ranges by rank, with negative indexes and REV', async () => {
    assert.deepEqual(await c.send('ZRANGE', 'zr', 1, 2), ['b', 'c']);
    assert.deepEqual(await c.send('ZRANGE', 'zr', -2, -1), ['d', 'e']);
    assert.deepEqual(await c.send('ZRANGE', 'zr', -100, 100), ['a', 'b', 'c', 'd', 'e']);
    assert.deepEqual(await c.send('ZRANGE', 'zr', 3, 1), []);
    assert.deepEqual(await c.send('ZRANGE', 'zr', 0, 1, 'REV'), ['e', 'd']);
    assert.deepEqual(await c.send('ZREVRANGE', 'zr', 0, 1, 'WITHSCORES'), ['e', '5', 'd', '4']);
    assert.deepEqual(await c.send('ZRANGE', 'nokey', 0, -1), []);
    assert.deepEqual(await c.send('ZRANGE', 'zr', 0, -1, 'LIMIT', 1, -1), ['a', 'b', 'c', 'd', 'e']);
  });

  it('ranges by score with exclusive and infinite bounds and LIMIT', async () => {
    assert.deepEqual(await c.send('ZRANGE', 'zr', '(1', 3, 'BYSCORE'), ['b', 'c']);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', '-inf', '(3'), ['a', 'b']);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', '(1', '(2'), []);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', 3, 1), []);
    assert.deepEqual(await c.send('ZRANGE', 'zr', '+inf', '(3', 'BYSCORE', 'REV', 'WITHSCORES'), ['e', '5', 'd', '4']);
    assert.deepEqual(await c.send('ZREVRANGEBYSCORE', 'zr', 5, 1, 'LIMIT', 1, 2), ['d', 'c']);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', '-inf', 'inf', 'LIMIT', 1, -5), ['b', 'c', 'd', 'e']);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', '-inf', 'inf', 'LIMIT', -1, 2), []);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', '-inf', 'inf', 'LIMIT', 1, 0), []);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', '-inf', 'inf', 'LIMIT', 10, 2), []);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', '', '(', 'WITHSCORES'), []);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zr', '(4', 'inf', 'WITHSCORES'), ['e', '5']);
  });

  it('ranges by lex', async () => {
    assert.deepEqual(await c.send('ZRANGE', 'zl', '[b', '(d', 'BYLEX'), ['b', 'c']);
    assert.deepEqual(await c.send('ZRANGEBYLEX', 'zl', '-', '+', 'LIMIT', 1, 2), ['b', 'c']);
    assert.deepEqual(await c.send('ZREVRANGEBYLEX', 'zl', '+', '(c'), ['e', 'd']);
    assert.deepEqual(await c.send('ZRANGE', 'zl', '[d', '[b', 'BYLEX', 'REV'), ['d', 'c', 'b']);
    assert.deepEqual(await c.send('ZRANGEBYLEX', 'zl', '[', '[c'), ['a', 'b', 'c']);
    assert.deepEqual(await c.send('ZRANGEBYLEX', 'zl', '+', '-'), []);
    assert.equal(await c.send('ZLEXCOUNT', 'zl', '(a', '[d'), 3);
    assert.equal(await c.send('ZLEXCOUNT', 'zl', '-', '+'), 5);
    assert.equal(await c.send('ZLEXCOUNT', 'nokey', '-', '+'), 0);
  });

  it('rejects bad ranges and options with Redis errors', async () => {
    assert.equal(await err('ZRANGE', 'zr', 0, -1, 'LIMIT', 0, 1), 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    assert.equal(await err('ZREVRANGE', 'zr', 0, -1, 'LIMIT', 0, 1), 'ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX');
    assert.equal(await err('ZRANGE', 'zl', '-', '+', 'BYLEX', 'WITHSCORES'), 'ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    assert.equal(await err('ZRANGEBYLEX', 'zl', '-', '+', 'WITHSCORES'), 'ERR syntax error, WITHSCORES not supported in combination with BYLEX');
    assert.equal(await err('ZRANGE', 'zr', 0, 1, 'BYSCORE', 'BYLEX'), 'ERR syntax error');
    assert.equal(await err('ZRANGEBYSCORE', 'zr', 0, 1, 'REV'), 'ERR syntax error');
    assert.equal(await err('ZRANGE', 'zr', 0, 1, 'BYSCORE', 'LIMIT', 0), 'ERR syntax error');
    assert.equal(await err('ZRANGE', 'zr', 'x', 1, 'BYSCORE'), 'ERR min or max is not a float');
    assert.equal(await err('ZRANGEBYSCORE', 'nokey', '(1', '(x'), 'ERR min or max is not a float');
    assert.equal(await err('ZRANGEBYSCORE', 'zr', 'nan', 1), 'ERR min or max is not a float');
    assert.equal(await err('ZRANGEBYSCORE', 'zr', '1 ', 2), 'ERR min or max is not a float');
    assert.equal(await err('ZCOUNT', 'zr', '((1', 2), 'ERR min or max is not a float');
    assert.equal(await err('ZRANGE', 'zl', 'a', 'b', 'BYLEX'), 'ERR min or max not valid string range item');
    assert.equal(await err('ZRANGEBYLEX', 'nokey', '', '+'), 'ERR min or max not valid string range item');
    assert.equal(await err('ZLEXCOUNT', 'zl', 'a', '+'), 'ERR min or max not valid string range item');
    assert.equal(await err('ZRANGE', 'zr', 'a', 'b'), 'ERR value is not an integer or out of range');
    assert.equal(await err('ZRANGEBYSCORE', 'zr', 1, 2, 'LIMIT', 0, 'x'), 'ERR value is not an integer or out of range');
    assert.equal(await err('ZRANGE', 'zstr', 0, 1), WRONGTYPE);
  });

  it('counts by score', async () => {
    assert.equal(await c.send('ZCOUNT', 'zr', '(1', 3), 2);
    assert.equal(await c.send('ZCOUNT', 'zr', '-inf', '+inf'), 5);
    assert.equal(await c.send('ZCOUNT', 'zr', 3, 2), 0);
    assert.equal(await c.send('ZCOUNT', 'nokey', 0, 1), 0);
  });

  it('uses nested pairs in RESP3', async (t) => {
    if (!resp3) return t.skip('HELLO 3 not available');
    assert.equal(await c3.sendRaw('ZRANGE', 'zr', 0, 0, 'WITHSCORES'), '*1\r\n*2\r\n$1\r\na\r\n,1\r\n');
  });
});

describe('ZRANGESTORE', () => {
  it('stores ranges and deletes dst for an empty one', async () => {
    await c.send('ZADD', 'zs', 1, 'a', 2, 'b', 3, 'c');
    assert.equal(await c.send('ZRANGESTORE', 'zsd', 'zs', 0, 1), 2);
    assert.deepEqual(await c.send('ZRANGE', 'zsd', 0, -1, 'WITHSCORES'), ['a', '1', 'b', '2']);
    assert.equal(await c.send('ZRANGESTORE', 'zsd', 'zs', 'inf', '(1', 'BYSCORE', 'REV', 'LIMIT', 0, 1), 1);
    assert.deepEqual(await c.send('ZRANGE', 'zsd', 0, -1), ['c']);
    await c.send('SET', 'zsstr', 'x');
    assert.equal(await c.send('ZRANGESTORE', 'zsstr', 'zs', 0, -1), 3);
    assert.equal(await c.send('ZCARD', 'zsstr'), 3);
    assert.equal(await c.send('ZRANGESTORE', 'zsd', 'zs', 5, 10), 0);
    assert.ok(await gone('zsd'));
    assert.equal(await c.send('ZRANGESTORE', 'zsd', 'nokey', 0, -1), 0);
    assert.equal(await err('ZRANGESTORE', 'zsd', 'zs', 0, -1, 'WITHSCORES'), 'ERR syntax error');
    assert.equal(await err('ZRANGESTORE', 'zsd', 'zstr', 0, -1), WRONGTYPE);
  });
});

describe('ZREMRANGEBYRANK / BYSCORE / BYLEX', () => {
  it('removes ranges and deletes an emptied key', async () => {
    await c.send('ZADD', 'zx', 1, 'a', 2, 'b', 3, 'c', 4, 'd', 5, 'e');
    assert.equal(await c.send('ZREMRANGEBYRANK', 'zx', 0, 1), 2);
    assert.equal(await c.send('ZREMRANGEBYSCORE', 'zx', '(3', 4), 1);
    assert.deepEqual(await c.send('ZRANGE', 'zx', 0, -1), ['c', 'e']);
    assert.equal(await c.send('ZREMRANGEBYRANK', 'zx', 5, 10), 0);
    assert.equal(await c.send('ZREMRANGEBYSCORE', 'zx', '-inf', 'inf'), 2);
    assert.ok(await gone('zx'));
    await c.send('ZADD', 'zy', 0, 'a', 0, 'b', 0, 'c');
    assert.equal(await c.send('ZREMRANGEBYLEX', 'zy', '(a', '+'), 2);
    assert.equal(await c.send('ZREMRANGEBYLEX', 'zy', '-', '+'), 1);
    assert.ok(await gone('zy'));
    assert.equal(await c.send('ZREMRANGEBYRANK', 'nokey', 0, 1), 0);
    assert.equal(await err('ZREMRANGEBYRANK', 'nokey', 'a', 1), 'ERR value is not an integer or out of range');
    assert.equal(await err('ZREMRANGEBYSCORE', 'nokey', 'a', 1), 'ERR min or max is not a float');
    assert.equal(await err('ZREMRANGEBYLEX', 'nokey', 'a', '+'), 'ERR min or max not valid string range item');
    assert.equal(await err('ZREMRANGEBYRANK', 'zstr', 0, 1), WRONGTYPE);
  });
});

describe('ZUNION / ZINTER / ZDIFF / STORE / ZINTERCARD', () => {
  before(async () => {
    await c.send('ZADD', 'u1', 1, 'a', 2, 'b', 3, 'c');
    await c.send('ZADD', 'u2', 10, 'b', 20, 'c', 30, 'd');
    await c.send('SADD', 'uset', 'a', 'd', 'x');
    await c.send('ZADD', 'uinf', 'inf', 'a', '-inf', 'b');
  });

  it('combines with WEIGHTS and AGGREGATE', async () => {
    assert.deepEqual(await c.send('ZUNION', 2, 'u1', 'u2', 'WITHSCORES'), ['a', '1', 'b', '12', 'c', '23', 'd', '30']);
    assert.deepEqual(await c.send('ZINTER', 2, 'u1', 'u2', 'WITHSCORES'), ['b', '12', 'c', '23']);
    assert.deepEqual(await c.send('ZINTER', 2, 'u1', 'u2', 'AGGREGATE', 'MAX', 'WITHSCORES'), ['b', '10', 'c', '20']);
    assert.deepEqual(await c.send('ZUNION', 2, 'u1', 'u2', 'WEIGHTS', 2, '0.5', 'AGGREGATE', 'MIN', 'WITHSCORES'),
      ['a', '2', 'b', '4', 'c', '6', 'd', '15']);
    assert.deepEqual(await c.send('ZDIFF', 2, 'u1', 'u2', 'WITHSCORES'), ['a', '1']);
    assert.deepEqual(await c.send('ZDIFF', 2, 'u1', 'u1'), []);
    assert.deepEqual(await c.send('ZINTER', 2, 'u1', 'u1', 'WITHSCORES'), ['a', '2', 'b', '4', 'c', '6']);
    assert.deepEqual(await c.send('ZUNION', 2, 'u1', 'nokey'), ['a', 'b', 'c']);
    assert.deepEqual(await c.send('ZINTER', 2, 'u1', 'nokey'), []);
  });

  it('accepts plain sets with score 1', async () => {
    assert.deepEqual(await c.send('ZUNION', 2, 'u1', 'uset', 'WITHSCORES'), ['d', '1', 'x', '1', 'a', '2', 'b', '2', 'c', '3']);
    assert.deepEqual(await c.send('ZINTER', 2, 'uset', 'u2', 'WEIGHTS', 3, 1, 'WITHSCORES'), ['d', '33']);
    assert.equal(await c.send('ZINTERCARD', 2, 'uset', 'u1'), 1);
  });

  it('turns NaN products and sums into 0', async () => {
    // 0 * inf is NaN, counted as 0; inf + -inf in a SUM is NaN, stored as 0.
    assert.deepEqual(await c.send('ZUNION', 1, 'uinf', 'WEIGHTS', 0, 'WITHSCORES'), ['a', '0', 'b', '0']);
    assert.deepEqual(await c.send('ZUNION', 2, 'uinf', 'uinf', 'WEIGHTS', 1, -1, 'WITHSCORES'), ['a', '0', 'b', '0']);
    assert.deepEqual(await c.send('ZINTER', 2, 'uinf', 'uinf', 'WEIGHTS', 1, -1, 'AGGREGATE', 'MAX', 'WITHSCORES'), ['a', 'inf', 'b', 'inf']);
  });

  it('stores, overwriting any type, and deletes dst for an empty result', async () => {
    await c.send('SET', 'ustr', 'x');
    assert.equal(await c.send('ZUNIONSTORE', 'ustr', 2, 'u1', 'u2'), 4);
    assert.deepEqual(await c.send('ZRANGE', 'ustr', 0, -1, 'WITHSCORES'), ['a', '1', 'b', '12', 'c', '23', 'd', '30']);
    assert.equal(await c.send('ZINTERSTORE', 'ud', 2, 'u1', 'u2', 'WEIGHTS', 1, 0), 2);
    assert.deepEqual(await c.send('ZRANGE', 'ud', 0, -1, 'WITHSCORES'), ['b', '2', 'c', '3']);
    assert.equal(await c.send('ZDIFFSTORE', 'ud', 2, 'u1', 'u1'), 0);
    assert.ok(await gone('ud'));
    assert.equal(await c.send('ZUNIONSTORE', 'u1copy', 1, 'u1'), 3);
    assert.equal(await c.send('ZINTERSTORE', 'u1copy', 2, 'u1copy', 'u2'), 2);
  });

  it('counts intersections with LIMIT', async () => {
    assert.equal(await c.send('ZINTERCARD', 2, 'u1', 'u2'), 2);
    assert.equal(await c.send('ZINTERCARD', 2, 'u1', 'u2', 'LIMIT', 1), 1);
    assert.equal(await c.send('ZINTERCARD', 2, 'u1', 'u2', 'LIMIT', 0), 2);
    assert.equal(await err('ZINTERCARD', 1, 'u1', 'LIMIT', -1), "ERR LIMIT can't be negative");
    assert.equal(await err('ZINTERCARD', 1, 'u1', 'WEIGHTS', 1), 'ERR syntax error');
  });

  it('rejects bad arguments with Redis errors', async () => {
    for (const cmd of ['zunion', 'zinter', 'zdiff', 'zintercard']) {
      assert.equal(await err(cmd, 0, 'u1'), `ERR at least 1 input key is needed for '${cmd}' command`);
    }
    for (const cmd of ['zunionstore', 'zinterstore', 'zdiffstore']) {
      assert.equal(await err(cmd, 'd', -1, 'u1'), `ERR at least 1 input key is needed for '${cmd}' command`);
    }
    assert.equal(await err('ZUNIONSTORE', 'd', 'abc', 'u1'), 'ERR value is not an integer or out of range');
    assert.equal(await err('ZUNIONSTORE', 'd', 3, 'u1'), 'ERR syntax error');
    assert.equal(await err('ZUNIONSTORE', 'd', 1, 'u1', 'WEIGHTS'), 'ERR syntax error');
    assert.equal(await err('ZUNIONSTORE', 'd', 1, 'u1', 'WEIGHTS', 1, 2), 'ERR syntax error');
    assert.equal(await err('ZUNIONSTORE', 'd', 1, 'u1', 'WEIGHTS', 'x'), 'ERR weight value is not a float');
    assert.equal(await err('ZUNIONSTORE', 'd', 1, 'u1', 'AGGREGATE', 'foo'), 'ERR syntax error');
    assert.equal(await err('ZUNIONSTORE', 'd', 1, 'u1', 'WITHSCORES'), 'ERR syntax error');
    assert.equal(await err('ZDIFF', 1, 'u1', 'WEIGHTS', 1), 'ERR syntax error');
    assert.equal(await err('ZUNION', 2, 'u1', 'zstr', 'WEIGHTS', 'x'), WRONGTYPE);
  });
});

describe('ZPOPMIN / ZPOPMAX / ZMPOP', () => {
  it('pops from either end and deletes the emptied key', async () => {
    await c.send('ZADD', 'zp', 1, 'a', 2, 'b', 3, 'c', 4, 'd');
    assert.deepEqual(await c.send('ZPOPMIN', 'zp'), ['a', '1']);
    assert.deepEqual(await c.send('ZPOPMAX', 'zp', 2), ['d', '4', 'c', '3']);
    assert.deepEqual(await c.send('ZPOPMIN', 'zp', 0), []);
    assert.deepEqual(await c.send('ZPOPMIN', 'zp', 10), ['b', '2']);
    assert.ok(await gone('zp'));
    assert.deepEqual(await c.send('ZPOPMIN', 'zp'), []);
    assert.equal(await err('ZPOPMIN', 'zp', -1), 'ERR value is out of range, must be positive');
    assert.equal(await err('ZPOPMIN', 'zp', 'x'), 'ERR value is out of range, must be positive');
    assert.equal(await err('ZPOPMIN', 'zp', 1, 2), 'ERR syntax error');
    assert.equal(await err('ZPOPMAX', 'zstr'), WRONGTYPE);
  });

  it('ZMPOP takes the first non-empty key', async () => {
    await c.send('ZADD', 'zm2', 1, 'a', 2, 'b', 3, 'c');
    assert.deepEqual(await c.send('ZMPOP', 2, 'nokey', 'zm2', 'MIN'), ['zm2', [['a', '1']]]);
    assert.deepEqual(await c.send('ZMPOP', 1, 'zm2', 'max', 'COUNT', 5), ['zm2', [['c', '3'], ['b', '2']]]);
    assert.equal(await c.send('ZMPOP', 1, 'zm2', 'MIN'), null);
    assert.equal(await err('ZMPOP', 0, 'zm2', 'MIN'), 'ERR numkeys should be greater than 0');
    assert.equal(await err('ZMPOP', 'x', 'zm2', 'MIN'), 'ERR numkeys should be greater than 0');
    assert.equal(await err('ZMPOP', 2, 'zm2', 'MIN'), 'ERR syntax error');
    assert.equal(await err('ZMPOP', 1, 'zm2', 'FOO'), 'ERR syntax error');
    assert.equal(await err('ZMPOP', 1, 'zm2', 'MIN', 'COUNT', 0), 'ERR count should be greater than 0');
    assert.equal(await err('ZMPOP', 1, 'zm2', 'MIN', 'COUNT', 1, 'COUNT', 2), 'ERR syntax error');
    assert.equal(await err('ZMPOP', 2, 'zstr', 'zm2', 'MIN'), WRONGTYPE);
  });

  it('uses the RESP3 shapes', async (t) => {
    if (!resp3) return t.skip('HELLO 3 not available');
    await c3.send('ZADD', 'zp3', 1, 'a', 2, 'b');
    assert.equal(await c3.sendRaw('ZPOPMIN', 'zp3'), '*2\r\n$1\r\na\r\n,1\r\n');
    assert.equal(await c3.sendRaw('ZPOPMIN', 'zp3', 1), '*1\r\n*2\r\n$1\r\nb\r\n,2\r\n');
    assert.equal(await c3.sendRaw('ZMPOP', 1, 'zp3', 'MIN'), '_\r\n');
  });
});

describe('ZRANDMEMBER', () => {
  it('returns random members, with scores and counts of either sign', async () => {
    await c.send('ZADD', 'zq', 1, 'a', 2, 'b', 3, 'c');
    assert.ok(['a', 'b', 'c'].includes((await c.send('ZRANDMEMBER', 'zq')) as string));
    const all = (await c.send('ZRANDMEMBER', 'zq', 5, 'WITHSCORES')) as string[];
    assert.deepEqual([0, 2, 4].map((i) => all[i]! + all[i + 1]!).sort(), ['a1', 'b2', 'c3']);
    const two = (await c.send('ZRANDMEMBER', 'zq', 2)) as string[];
    assert.equal(new Set(two).size, 2);
    const many = (await c.send('ZRANDMEMBER', 'zq', -7, 'WITHSCORES')) as string[];
    assert.equal(many.length, 14);
    for (let i = 0; i < many.length; i += 2) assert.equal(many[i + 1], String(' abc'.indexOf(many[i]!)));
    assert.deepEqual(await c.send('ZRANDMEMBER', 'zq', 0), []);
    assert.equal(await c.send('ZRANDMEMBER', 'nokey'), null);
    assert.deepEqual(await c.send('ZRANDMEMBER', 'nokey', 3), []);
    assert.equal(await err('ZRANDMEMBER', 'zq', 'x'), 'ERR value is not an integer or out of range');
    assert.equal(await err('ZRANDMEMBER', 'zq', 1, 'FOO'), 'ERR syntax error');
    assert.equal(await err('ZRANDMEMBER', 'zq', '-9223372036854775808'),
      'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
  });

  it('samples distinct members from a large sorted set', async () => {
    await c.send('ZADD', 'zq2', ...Array.from({ length: 500 }, (_, i) => [i, `m${i}`]).flat());
    for (const n of [5, 300, 499]) assert.equal(new Set((await c.send('ZRANDMEMBER', 'zq2', n)) as string[]).size, n);
  });

  it('nests pairs in RESP3', async (t) => {
    if (!resp3) return t.skip('HELLO 3 not available');
    await c3.send('ZADD', 'zq3', 1, 'a');
    assert.equal(await c3.sendRaw('ZRANDMEMBER', 'zq3', -1, 'WITHSCORES'), '*1\r\n*2\r\n$1\r\na\r\n,1\r\n');
  });
});

describe('ZSCAN', () => {
  it('returns a small sorted set in one call, scores as strings', async () => {
    await c.send('ZADD', 'zz', 1, 'a', '2.5', 'b', 3, 'hello');
    assert.deepEqual(await c.send('ZSCAN', 'zz', 0, 'COUNT', 1), ['0', ['a', '1', 'b', '2.5', 'hello', '3']]);
    assert.deepEqual(await c.send('ZSCAN', 'zz', 0, 'MATCH', 'h*'), ['0', ['hello', '3']]);
    assert.deepEqual(await c.send('ZSCAN', 'nokey', 0), ['0', []]);
    assert.equal(await err('ZSCAN', 'zz', 'x'), 'ERR invalid cursor');
    assert.equal(await err('ZSCAN', 'zz', 0, 'COUNT', 0), 'ERR syntax error');
    assert.equal(await err('ZSCAN', 'zstr', 0), WRONGTYPE);
  });

  it('iterates a large sorted set completely', async () => {
    const n = 700;
    await c.send('ZADD', 'zz2', ...Array.from({ length: n }, (_, i) => [i, `k${i}`]).flat());
    const seen = new Map<string, string>();
    let cursor = '0';
    let calls = 0;
    do {
      const [next, items] = (await c.send('ZSCAN', 'zz2', cursor, 'COUNT', 50)) as [string, string[]];
      for (let i = 0; i < items.length; i += 2) seen.set(items[i]!, items[i + 1]!);
      cursor = next;
      calls++;
    } while (cursor !== '0' && calls < 10000);
    assert.equal(seen.size, n);
    assert.equal(seen.get('k42'), '42');
  });
});

describe('ZRANGE family over a skiplist (replies written as one array)', () => {
  // 300 members: past zset-max-listpack-entries, so the skiplist encoding; scores with
  // fractions, infinities, -0 and ties ordered by member bytes (latin1 included).
  const n = 300;
  const score = (i: number): string => (i === 0 ? '-inf' : i === n - 1 ? '+inf' : i === 150 ? '-0' : String((i % 100) / 4 - 10));
  const member = (i: number): string => (i % 7 === 0 ? `m\xe9${i}` : `m${i}`);
  let sorted: [number, string][] = [];

  before(async () => {
    const args: string[] = [];
    for (let i = 0; i < n; i++) args.push(score(i), member(i));
    assert.equal(await c.send('ZADD', 'zbig', ...args), n);
    sorted = Array.from({ length: n }, (_, i) => [Number(score(i).replace('+inf', 'Infinity').replace('-inf', '-Infinity')), member(i)] as [number, string])
      .sort((a, b) => (a[0] !== b[0] ? a[0] - b[0] : Buffer.compare(Buffer.from(a[1], 'latin1'), Buffer.from(b[1], 'latin1'))));
  });

  const fmt = (s: number): string => (s === Infinity ? 'inf' : s === -Infinity ? '-inf' : String(s === 0 ? 0 : s));

  it('encodes as a skiplist', async () => {
    assert.equal(await c.send('OBJECT', 'ENCODING', 'zbig'), 'skiplist');
  });

  it('ZRANGE / ZREVRANGE with and without scores', async () => {
    const want = sorted.map((p) => p[1]);
    assert.deepEqual(await c.send('ZRANGE', 'zbig', 0, -1), want);
    assert.deepEqual(await c.send('ZREVRANGE', 'zbig', 10, 19), want.slice().reverse().slice(10, 20));
    const ws = sorted.slice(5, 25).flatMap((p) => [p[1], fmt(p[0])]);
    assert.deepEqual(await c.send('ZRANGE', 'zbig', 5, 24, 'WITHSCORES'), ws);
  });

  it('ZRANGEBYSCORE with bounds, LIMIT and WITHSCORES; ZREVRANGEBYSCORE', async () => {
    const inRange = sorted.filter((p) => p[0] > -5 && p[0] <= 5);
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zbig', '(-5', 5), inRange.map((p) => p[1]));
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zbig', '(-5', 5, 'WITHSCORES', 'LIMIT', 3, 10),
      inRange.slice(3, 13).flatMap((p) => [p[1], fmt(p[0])]));
    assert.deepEqual(await c.send('ZREVRANGEBYSCORE', 'zbig', '+inf', '-inf', 'LIMIT', 0, 3), sorted.slice(-3).reverse().map((p) => p[1]));
    assert.deepEqual(await c.send('ZRANGEBYSCORE', 'zbig', 100, 200), []);
  });
});
