// LIST commands against the test target (nodis, or real Redis with NODIS_TEST_TARGET=redis).
// Each test uses its own keys: the target is shared by the whole file.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;

before(async () => {
  target = await startTarget();
  c = await target.client();
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

describe('LPUSH / RPUSH / LPUSHX / RPUSHX', () => {
  it('pushes at both ends and returns the length', async () => {
    assert.equal(await send('RPUSH', 'p1', 'a', 'b'), 2);
    assert.equal(await send('LPUSH', 'p1', 'x', 'y'), 4);
    assert.deepEqual(await send('LRANGE', 'p1', 0, -1), ['y', 'x', 'a', 'b']);
  });
  it('the X variants only push to existing lists', async () => {
    assert.equal(await send('LPUSHX', 'p2', 'a'), 0);
    assert.equal(await send('RPUSHX', 'p2', 'a', 'b'), 0);
    assert.equal(await send('LLEN', 'p2'), 0);
    await send('RPUSH', 'p2', 'm');
    assert.equal(await send('LPUSHX', 'p2', 'a', 'b'), 3);
    assert.equal(await send('RPUSHX', 'p2', 'z'), 4);
    assert.deepEqual(await send('LRANGE', 'p2', 0, -1), ['b', 'a', 'm', 'z']);
  });
  it('keeps empty and binary elements intact', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    assert.equal(await send('RPUSH', 'p3', '', all, '\r\n'), 3);
    const r = (await send('LRANGE', 'p3', 0, -1)) as string[];
    assert.equal(r[0], '');
    assert.equal(r[1], all.toString('latin1'));
    assert.equal(r[2], '\r\n');
  });
  it('errors', async () => {
    await send('SET', 'pstr', 'v');
    await fails(['LPUSH', 'pstr', 'a'], WRONGTYPE);
    await fails(['RPUSHX', 'pstr', 'a'], WRONGTYPE);
    await fails(['LPUSH', 'p4'], arity('lpush'));
    await fails(['RPUSHX', 'p4'], arity('rpushx'));
  });
});

describe('LPOP / RPOP', () => {
  it('pops one element or nil', async () => {
    await send('RPUSH', 'o1', 'a', 'b', 'c');
    assert.equal(await send('LPOP', 'o1'), 'a');
    assert.equal(await send('RPOP', 'o1'), 'c');
    assert.equal(await send('LPOP', 'o1'), 'b');
    assert.equal(await send('LPOP', 'o1'), null);
    assert.equal(await send('RPOP', 'o1'), null);
    assert.equal(await c.sendRaw('LPOP', 'o1'), '$-1\r\n');
  });
  it('pops with a count', async () => {
    await send('RPUSH', 'o2', 'a', 'b', 'c', 'd', 'e');
    assert.deepEqual(await send('LPOP', 'o2', 2), ['a', 'b']);
    assert.deepEqual(await send('RPOP', 'o2', 2), ['e', 'd']);
    assert.deepEqual(await send('RPOP', 'o2', 0), []);
    assert.deepEqual(await send('LPOP', 'o2', 10), ['c']);
    assert.equal(await send('LLEN', 'o2'), 0);
  });
  it('count on a missing key is a null array, count 0 on an existing key an empty one', async () => {
    assert.equal(await c.sendRaw('LPOP', 'o3', 2), '*-1\r\n');
    assert.equal(await c.sendRaw('RPOP', 'o3', 0), '*-1\r\n');
    await send('RPUSH', 'o3', 'a');
    assert.equal(await c.sendRaw('LPOP', 'o3', 0), '*0\r\n');
  });
  it('errors', async () => {
    await send('RPUSH', 'o4', 'a');
    await fails(['LPOP', 'o4', -1], 'ERR value is out of range, must be positive');
    await fails(['RPOP', 'o4', 'x'], 'ERR value is out of range, must be positive');
    await fails(['LPOP', 'o4', 1, 2], arity('lpop'));
    await fails(['LPOP'], arity('lpop'));
    await send('SET', 'ostr', 'v');
    await fails(['LPOP', 'ostr'], WRONGTYPE);
    await fails(['RPOP', 'ostr', 1], WRONGTYPE);
    // The count is checked before the key.
    await fails(['RPOP', 'ostr', -1], 'ERR value is out of range, must be positive');
  });
});

describe('LLEN / LINDEX / LRANGE', () => {
  it('reads with negative indexes and clamps ranges', async () => {
    await send('RPUSH', 'r1', 'a', 'b', 'c', 'd');
    assert.equal(await send('LLEN', 'r1'), 4);
    assert.equal(await send('LINDEX', 'r1', 0), 'a');
    assert.equal(await send('LINDEX', 'r1', -1), 'd');
    assert.equal(await send('LINDEX', 'r1', -4), 'a');
    assert.equal(await send('LINDEX', 'r1', 4), null);
    assert.equal(await send('LINDEX', 'r1', -5), null);
    assert.deepEqual(await send('LRANGE', 'r1', 1, 2), ['b', 'c']);
    assert.deepEqual(await send('LRANGE', 'r1', -2, -1), ['c', 'd']);
    assert.deepEqual(await send('LRANGE', 'r1', -100, 100), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await send('LRANGE', 'r1', 0, 9999999999), ['a', 'b', 'c', 'd']);
    assert.deepEqual(await send('LRANGE', 'r1', 3, 1), []);
    assert.deepEqual(await send('LRANGE', 'r1', 5, 10), []);
    assert.deepEqual(await send('LRANGE', 'missing', 0, -1), []);
    assert.equal(await send('LINDEX', 'missing', 0), null);
    assert.equal(await send('LLEN', 'missing'), 0);
  });
  it('errors', async () => {
    await fails(['LINDEX', 'r1', 'x'], 'ERR value is not an integer or out of range');
    await fails(['LRANGE', 'r1', 0, '99999999999999999999'], 'ERR value is not an integer or out of range');
    await fails(['LRANGE', 'r1', '1.5', 2], 'ERR value is not an integer or out of range');
    await send('SET', 'rstr', 'v');
    await fails(['LLEN', 'rstr'], WRONGTYPE);
    await fails(['LINDEX', 'rstr', 0], WRONGTYPE);
    await fails(['LRANGE', 'rstr', 0, 1], WRONGTYPE);
    await fails(['LRANGE', 'r1', 0], arity('lrange'));
  });
});

describe('LPOS', () => {
  before(async () => {
    await send('RPUSH', 's1', 'a', 'b', 'c', 'b', 'd', 'b');
  });
  it('finds the first match, by rank, with counts and maxlen', async () => {
    assert.equal(await send('LPOS', 's1', 'b'), 1);
    assert.equal(await send('LPOS', 's1', 'z'), null);
    assert.equal(await send('LPOS', 's1', 'b', 'RANK', 2), 3);
    assert.equal(await send('LPOS', 's1', 'b', 'RANK', -1), 5);
    assert.equal(await send('LPOS', 's1', 'b', 'RANK', -3), 1);
    assert.equal(await send('LPOS', 's1', 'b', 'RANK', 4), null);
    assert.deepEqual(await send('LPOS', 's1', 'b', 'COUNT', 0), [1, 3, 5]);
    assert.deepEqual(await send('LPOS', 's1', 'b', 'COUNT', 2), [1, 3]);
    assert.deepEqual(await send('LPOS', 's1', 'b', 'COUNT', 2, 'RANK', -1), [5, 3]);
    assert.deepEqual(await send('LPOS', 's1', 'b', 'COUNT', 0, 'MAXLEN', 4), [1, 3]);
    assert.deepEqual(await send('LPOS', 's1', 'b', 'RANK', -1, 'COUNT', 0, 'MAXLEN', 2), [5]);
    assert.equal(await send('LPOS', 's1', 'd', 'MAXLEN', 4), null);
    assert.deepEqual(await send('LPOS', 's1', 'z', 'COUNT', 1), []);
    assert.equal(await send('LPOS', 'missing', 'a'), null);
    assert.deepEqual(await send('LPOS', 'missing', 'a', 'COUNT', 0), []);
  });
  it('errors', async () => {
    await fails(['LPOS', 's1', 'b', 'RANK', 0],
      "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list");
    await fails(['LPOS', 's1', 'b', 'COUNT', -1], "ERR COUNT can't be negative");
    await fails(['LPOS', 's1', 'b', 'MAXLEN', -1], "ERR MAXLEN can't be negative");
    await fails(['LPOS', 's1', 'b', 'RANK', 'x'], 'ERR value is not an integer or out of range');
    await fails(['LPOS', 's1', 'b', 'FOO'], 'ERR syntax error');
    await fails(['LPOS', 's1', 'b', 'RANK'], 'ERR syntax error');
    await fails(['LPOS', 's1'], arity('lpos'));
    await send('SET', 'sstr', 'v');
    await fails(['LPOS', 'sstr', 'a'], WRONGTYPE);
  });
  it('RANK LONG_MIN is refused (Redis 7.2; 7.0 took it as -1)', async () => {
    const r = await send('LPOS', 's1', 'b', 'RANK', '-9223372036854775808');
    if (againstRedis) assert.equal(r, 5); // 7.0 oracle
    else {
      assert.ok(r instanceof RespError);
      assert.equal(r.message, 'ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807');
    }
  });
});

describe('LINSERT', () => {
  it('inserts before and after a pivot', async () => {
    await send('RPUSH', 'i1', 'a', 'c');
    assert.equal(await send('LINSERT', 'i1', 'BEFORE', 'c', 'b'), 3);
    assert.equal(await send('LINSERT', 'i1', 'after', 'c', 'd'), 4);
    assert.equal(await send('LINSERT', 'i1', 'BEFORE', 'a', ''), 5);
    assert.deepEqual(await send('LRANGE', 'i1', 0, -1), ['', 'a', 'b', 'c', 'd']);
    assert.equal(await send('LINSERT', 'i1', 'BEFORE', 'zz', 'x'), -1);
    assert.equal(await send('LINSERT', 'missing', 'BEFORE', 'a', 'x'), 0);
  });
  it('errors', async () => {
    await fails(['LINSERT', 'i1', 'MIDDLE', 'a', 'x'], 'ERR syntax error');
    await send('SET', 'istr', 'v');
    await fails(['LINSERT', 'istr', 'BEFORE', 'a', 'x'], WRONGTYPE);
    await fails(['LINSERT', 'i1', 'BEFORE', 'a'], arity('linsert'));
  });
});

describe('LSET', () => {
  it('replaces by index', async () => {
    await send('RPUSH', 't1', 'a', 'b', 'c');
    assert.equal(await send('LSET', 't1', 0, 'A'), 'OK');
    assert.equal(await send('LSET', 't1', -1, 'C'), 'OK');
    assert.deepEqual(await send('LRANGE', 't1', 0, -1), ['A', 'b', 'C']);
  });
  it('errors', async () => {
    await fails(['LSET', 'missing', 0, 'a'], 'ERR no such key');
    await fails(['LSET', 't1', 3, 'a'], 'ERR index out of range');
    await fails(['LSET', 't1', -4, 'a'], 'ERR index out of range');
    await fails(['LSET', 't1', 'x', 'a'], 'ERR value is not an integer or out of range');
    await send('SET', 'tstr', 'v');
    await fails(['LSET', 'tstr', 0, 'a'], WRONGTYPE);
  });
});

describe('LREM', () => {
  it('removes from the head, the tail, or all', async () => {
    await send('RPUSH', 'm1', 'x', 'a', 'x', 'b', 'x', 'c', 'x');
    assert.equal(await send('LREM', 'm1', 2, 'x'), 2);
    assert.deepEqual(await send('LRANGE', 'm1', 0, -1), ['a', 'b', 'x', 'c', 'x']);
    assert.equal(await send('LREM', 'm1', -1, 'x'), 1);
    assert.deepEqual(await send('LRANGE', 'm1', 0, -1), ['a', 'b', 'x', 'c']);
    assert.equal(await send('LREM', 'm1', 0, 'x'), 1);
    assert.equal(await send('LREM', 'm1', 0, 'zz'), 0);
    assert.deepEqual(await send('LRANGE', 'm1', 0, -1), ['a', 'b', 'c']);
    assert.equal(await send('LREM', 'missing', 0, 'x'), 0);
  });
  it('deletes the key when the last element goes', async () => {
    await send('RPUSH', 'm2', 'x', 'x');
    assert.equal(await send('LREM', 'm2', 0, 'x'), 2);
    assert.equal(await send('LLEN', 'm2'), 0);
    await send('SET', 'm2', 'now a string');
    assert.equal(await send('GET', 'm2'), 'now a string');
  });
  it('errors', async () => {
    await fails(['LREM', 'm1', 'x', 'a'], 'ERR value is not an integer or out of range');
    await send('SET', 'mstr', 'v');
    await fails(['LREM', 'mstr', 0, 'a'], WRONGTYPE);
  });
});

describe('LTRIM', () => {
  it('keeps a range and deletes an emptied list', async () => {
    await send('RPUSH', 'n1', 'a', 'b', 'c', 'd', 'e');
    assert.equal(await send('LTRIM', 'n1', 1, -2), 'OK');
    assert.deepEqual(await send('LRANGE', 'n1', 0, -1), ['b', 'c', 'd']);
    assert.equal(await send('LTRIM', 'n1', -100, 100), 'OK');
    assert.deepEqual(await send('LRANGE', 'n1', 0, -1), ['b', 'c', 'd']);
    assert.equal(await send('LTRIM', 'n1', 2, 1), 'OK');
    assert.equal(await send('LLEN', 'n1'), 0);
    assert.equal(await send('LTRIM', 'missing', 0, 1), 'OK');
  });
  it('errors', async () => {
    await fails(['LTRIM', 'n1', 'a', 1], 'ERR value is not an integer or out of range');
    await send('SET', 'nstr', 'v');
    await fails(['LTRIM', 'nstr', 0, 1], WRONGTYPE);
  });
});

describe('LMOVE / RPOPLPUSH', () => {
  it('moves between lists in every direction', async () => {
    await send('RPUSH', 'v1', 'a', 'b', 'c');
    assert.equal(await send('LMOVE', 'v1', 'v2', 'LEFT', 'RIGHT'), 'a');
    assert.equal(await send('LMOVE', 'v1', 'v2', 'right', 'left'), 'c');
    assert.equal(await send('RPOPLPUSH', 'v1', 'v2'), 'b');
    assert.deepEqual(await send('LRANGE', 'v2', 0, -1), ['b', 'c', 'a']);
    assert.equal(await send('LLEN', 'v1'), 0);
    assert.equal(await send('LMOVE', 'v1', 'v2', 'LEFT', 'LEFT'), null);
    assert.equal(await send('RPOPLPUSH', 'v1', 'v2'), null);
  });
  it('rotates a list onto itself', async () => {
    await send('RPUSH', 'v3', 'a', 'b', 'c');
    assert.equal(await send('LMOVE', 'v3', 'v3', 'LEFT', 'RIGHT'), 'a');
    assert.deepEqual(await send('LRANGE', 'v3', 0, -1), ['b', 'c', 'a']);
    assert.equal(await send('RPOPLPUSH', 'v3', 'v3'), 'a');
    assert.deepEqual(await send('LRANGE', 'v3', 0, -1), ['a', 'b', 'c']);
    await send('RPUSH', 'v4', 'only');
    assert.equal(await send('LMOVE', 'v4', 'v4', 'RIGHT', 'LEFT'), 'only');
    assert.deepEqual(await send('LRANGE', 'v4', 0, -1), ['only']);
  });
  it('errors: syntax first, then source type, then destination type', async () => {
    await send('SET', 'vstr', 'v');
    await fails(['LMOVE', 'v3', 'v2', 'UP', 'LEFT'], 'ERR syntax error');
    await fails(['LMOVE', 'vstr', 'v2', 'LEFT', 'LEFT'], WRONGTYPE);
    await fails(['LMOVE', 'v3', 'vstr', 'LEFT', 'LEFT'], WRONGTYPE);
    assert.equal(await send('LLEN', 'v3'), 3); // nothing popped
    assert.equal(await send('LMOVE', 'missing', 'vstr', 'LEFT', 'LEFT'), null);
    await fails(['RPOPLPUSH', 'v3', 'vstr'], WRONGTYPE);
    await fails(['LMOVE', 'v3', 'v2', 'LEFT'], arity('lmove'));
  });
});

describe('LMPOP', () => {
  it('pops from the first non-empty list', async () => {
    await send('RPUSH', 'w2', 'a', 'b', 'c');
    assert.deepEqual(await send('LMPOP', 2, 'w1', 'w2', 'LEFT'), ['w2', ['a']]);
    assert.deepEqual(await send('LMPOP', 2, 'w1', 'w2', 'RIGHT', 'COUNT', 5), ['w2', ['c', 'b']]);
    assert.equal(await c.sendRaw('LMPOP', 2, 'w1', 'w2', 'LEFT'), '*-1\r\n');
  });
  it('errors', async () => {
    await fails(['LMPOP', 0, 'w1', 'LEFT'], 'ERR numkeys should be greater than 0');
    await fails(['LMPOP', -1, 'w1', 'LEFT'], 'ERR numkeys should be greater than 0');
    await fails(['LMPOP', 'x', 'w1', 'LEFT'], 'ERR numkeys should be greater than 0');
    await fails(['LMPOP', 2, 'w1', 'LEFT'], 'ERR syntax error');
    await fails(['LMPOP', '9223372036854775807', 'w1', 'LEFT'], 'ERR syntax error');
    await fails(['LMPOP', 1, 'w1', 'MIDDLE'], 'ERR syntax error');
    await fails(['LMPOP', 1, 'w1', 'LEFT', 'COUNT', 0], 'ERR count should be greater than 0');
    await fails(['LMPOP', 1, 'w1', 'LEFT', 'COUNT', 'x'], 'ERR count should be greater than 0');
    await fails(['LMPOP', 1, 'w1', 'LEFT', 'COUNT', 1, 'COUNT', 1], 'ERR syntax error');
    await fails(['LMPOP', 1, 'w1', 'LEFT', 'COUNT'], 'ERR syntax error');
    await fails(['LMPOP', 1, 'w1'], arity('lmpop'));
    await send('SET', 'wstr', 'v');
    await send('RPUSH', 'w3', 'a');
    await fails(['LMPOP', 2, 'wstr', 'w3', 'LEFT'], WRONGTYPE);
    // A wrong type after the list that was served is never looked at.
    assert.deepEqual(await send('LMPOP', 2, 'w3', 'wstr', 'LEFT'), ['w3', ['a']]);
  });
});

describe('big lists', () => {
  it('pushes and pops 20000 elements at both ends in order', async () => {
    const batch: (string | number)[][] = [];
    for (let i = 0; i < 200; i++) {
      const els = Array.from({ length: 50 }, (_, j) => `e${i * 50 + j}`);
      batch.push(['RPUSH', 'big1', ...els]);
      batch.push(['LPUSH', 'big1', ...els.map((e) => `h${e}`)]);
    }
    await c.pipeline(batch);
    assert.equal(await send('LLEN', 'big1'), 20000);
    assert.equal(await send('LINDEX', 'big1', 0), 'he9999');
    assert.equal(await send('LINDEX', 'big1', 10000), 'e0');
    assert.equal(await send('LINDEX', 'big1', -1), 'e9999');
    assert.deepEqual(await send('LRANGE', 'big1', 9998, 10001), ['he1', 'he0', 'e0', 'e1']);
    assert.equal(await send('LSET', 'big1', 10000, 'x'.repeat(10000)), 'OK');
    assert.equal(await send('LINDEX', 'big1', 10000), 'x'.repeat(10000));
    assert.equal(await send('LINSERT', 'big1', 'AFTER', 'e5000', 'ins'), 20001);
    assert.equal(await send('LINDEX', 'big1', 15001), 'ins');
    assert.equal(await send('LREM', 'big1', -1, 'ins'), 1);
    assert.deepEqual(await send('LPOS', 'big1', 'e5000'), 15000);
    assert.equal(await send('LTRIM', 'big1', 5000, 14999), 'OK');
    assert.deepEqual(await send('LRANGE', 'big1', 0, 0), ['he4999']);
    const popped = (await send('RPOP', 'big1', 6000)) as string[];
    assert.equal(popped.length, 6000);
    assert.equal(popped[0], 'e4999');
    assert.equal(await send('LLEN', 'big1'), 4000);
  });
});
