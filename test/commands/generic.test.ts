// The GENERIC (keyspace) commands and FLUSHDB/FLUSHALL/DBSIZE/SWAPDB over the wire. Runs
// against in-process nodis and, with NODIS_TEST_TARGET=redis, against real Redis.

import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

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
beforeEach(async () => {
  await c.send('SELECT', '0');
  await c.send('FLUSHALL');
});

function assertError(r: RespValue, text: string): void {
  assert.ok(r instanceof RespError, `expected error ${text}, got ${JSON.stringify(r)}`);
  assert.equal(r.message, text);
}

/** Plain SET and EXPIRE only: the string helpers' MSET and SET options may not be merged yet. */
async function setMany(...kv: string[]): Promise<void> {
  const cmds: string[][] = [];
  for (let i = 0; i < kv.length; i += 2) cmds.push(['SET', kv[i]!, kv[i + 1]!]);
  await c.pipeline(cmds);
}
async function setWithTtl(key: string, value: string, ms: number): Promise<void> {
  await c.send('SET', key, value);
  await c.send('PEXPIRE', key, String(ms));
}

const arity = (name: string) => `ERR wrong number of arguments for '${name}' command`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(cond: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > timeoutMs) throw new Error('condition not reached');
    await sleep(20);
  }
}

describe('DEL / UNLINK', () => {
  it('count deleted keys, duplicates once', async () => {
    await setMany('a', '1', 'b', '2', 'c', '3');
    assert.equal(await c.send('DEL', 'a', 'a', 'nokey'), 1);
    assert.equal(await c.send('UNLINK', 'b', 'c', 'b'), 2);
    assert.equal(await c.send('EXISTS', 'a', 'b', 'c'), 0);
    assert.equal(await c.send('DEL', 'nokey'), 0);
  });

  it('do not count a key that already expired', async () => {
    await setWithTtl('e', '1', 1);
    await sleep(10);
    assert.equal(await c.send('DEL', 'e'), 0);
  });

  it('reject wrong arity', async () => {
    assertError(await c.send('DEL'), arity('del'));
    assertError(await c.send('UNLINK'), arity('unlink'));
  });
});

describe('EXISTS / TOUCH / TYPE', () => {
  it('EXISTS counts every argument, duplicates included', async () => {
    await c.send('SET', 'k', 'v');
    assert.equal(await c.send('EXISTS', 'k', 'k', 'nokey', 'k'), 3);
    assertError(await c.send('EXISTS'), arity('exists'));
  });

  it('TOUCH counts existing keys', async () => {
    await setMany('a', '1', 'b', '2');
    assert.equal(await c.send('TOUCH', 'a', 'b', 'a', 'nokey'), 3);
    assertError(await c.send('TOUCH'), arity('touch'));
  });

  it('TYPE names the type or none', async () => {
    await c.send('SET', 's', 'v');
    assert.equal(await c.send('TYPE', 's'), 'string');
    assert.equal(await c.send('TYPE', 'nokey'), 'none');
    assertError(await c.send('TYPE'), arity('type'));
    assertError(await c.send('TYPE', 'a', 'b'), arity('type'));
  });
});

describe('RENAME / RENAMENX', () => {
  it('moves the value and keeps the TTL', async () => {
    await setWithTtl('src', 'v', 100000);
    assert.equal(await c.send('RENAME', 'src', 'dst'), 'OK');
    assert.equal(await c.send('GET', 'dst'), 'v');
    assert.equal(await c.send('EXISTS', 'src'), 0);
    const ttl = (await c.send('TTL', 'dst')) as number;
    assert.ok(ttl > 90 && ttl <= 100);
  });

  it('overwrites the destination, dropping its TTL for the source one', async () => {
    await c.send('SET', 'src', 'new');
    await setWithTtl('dst', 'old', 100000);
    assert.equal(await c.send('RENAME', 'src', 'dst'), 'OK');
    assert.equal(await c.send('GET', 'dst'), 'new');
    assert.equal(await c.send('TTL', 'dst'), -1);
  });

  it('errors on a missing source, even when both names are the same', async () => {
    assertError(await c.send('RENAME', 'nokey', 'x'), 'ERR no such key');
    assertError(await c.send('RENAME', 'nokey', 'nokey'), 'ERR no such key');
    assertError(await c.send('RENAMENX', 'nokey', 'nokey'), 'ERR no such key');
  });

  it('same name: OK for RENAME, 0 for RENAMENX, value untouched', async () => {
    await setWithTtl('k', 'v', 100000);
    assert.equal(await c.send('RENAME', 'k', 'k'), 'OK');
    assert.equal(await c.send('RENAMENX', 'k', 'k'), 0);
    assert.equal(await c.send('GET', 'k'), 'v');
    assert.ok(((await c.send('TTL', 'k')) as number) > 0);
  });

  it('RENAMENX refuses an existing destination', async () => {
    await setMany('a', '1', 'b', '2');
    assert.equal(await c.send('RENAMENX', 'a', 'b'), 0);
    assert.equal(await c.send('GET', 'b'), '2');
    assert.equal(await c.send('RENAMENX', 'a', 'c'), 1);
    assert.equal(await c.send('GET', 'c'), '1');
  });

  it('treats an expired source as missing', async () => {
    await setWithTtl('e', '1', 1);
    await sleep(10);
    assertError(await c.send('RENAME', 'e', 'f'), 'ERR no such key');
  });

  it('rejects wrong arity', async () => {
    assertError(await c.send('RENAME', 'a'), arity('rename'));
    assertError(await c.send('RENAMENX', 'a', 'b', 'c'), arity('renamenx'));
  });
});

describe('COPY', () => {
  it('copies value and TTL, refuses an existing destination unless REPLACE', async () => {
    await setWithTtl('src', 'v', 100000);
    assert.equal(await c.send('COPY', 'src', 'dst'), 1);
    assert.equal(await c.send('GET', 'dst'), 'v');
    assert.ok(((await c.send('TTL', 'dst')) as number) > 90);
    await c.send('SET', 'src', 'v2');
    assert.equal(await c.send('COPY', 'src', 'dst'), 0);
    assert.equal(await c.send('GET', 'dst'), 'v');
    assert.equal(await c.send('COPY', 'src', 'dst', 'replace'), 1);
    assert.equal(await c.send('GET', 'dst'), 'v2');
    assert.equal(await c.send('TTL', 'dst'), -1);
  });

  it('copies into another database', async () => {
    await c.send('SET', 'k', 'v');
    assert.equal(await c.send('COPY', 'k', 'k', 'DB', '1'), 1);
    assert.equal(await c.send('COPY', 'k', 'k', 'DB', '1'), 0);
    await c.send('SELECT', '1');
    assert.equal(await c.send('GET', 'k'), 'v');
    await c.send('SELECT', '0');
    assert.equal(await c.send('GET', 'k'), 'v');
  });

  it('returns 0 for a missing source', async () => {
    assert.equal(await c.send('COPY', 'nokey', 'dst'), 0);
  });

  it('errors', async () => {
    await c.send('SET', 'k', 'v');
    assertError(await c.send('COPY', 'k', 'k'), 'ERR source and destination objects are the same');
    assertError(await c.send('COPY', 'k', 'k', 'DB', '0'), 'ERR source and destination objects are the same');
    assertError(await c.send('COPY', 'k', 'x', 'DB', '16'), 'ERR DB index is out of range');
    assertError(await c.send('COPY', 'k', 'x', 'DB', '-1'), 'ERR DB index is out of range');
    assertError(await c.send('COPY', 'k', 'x', 'DB', 'x'), 'ERR value is not an integer or out of range');
    assertError(await c.send('COPY', 'k', 'x', 'DB', '99999999999'), 'ERR value is out of range, value must between -2147483648 and 2147483647');
    assertError(await c.send('COPY', 'k', 'x', 'DB'), 'ERR syntax error');
    assertError(await c.send('COPY', 'k', 'x', 'foo'), 'ERR syntax error');
    assertError(await c.send('COPY', 'k'), arity('copy'));
  });
});

describe('MOVE', () => {
  it('moves a key with its TTL to another database', async () => {
    await setWithTtl('k', 'v', 100000);
    assert.equal(await c.send('MOVE', 'k', '2'), 1);
    assert.equal(await c.send('EXISTS', 'k'), 0);
    await c.send('SELECT', '2');
    assert.equal(await c.send('GET', 'k'), 'v');
    assert.ok(((await c.send('TTL', 'k')) as number) > 90);
  });

  it('returns 0 when missing here or present there', async () => {
    assert.equal(await c.send('MOVE', 'nokey', '1'), 0);
    await c.send('SET', 'k', 'here');
    await c.send('SELECT', '1');
    await c.send('SET', 'k', 'there');
    await c.send('SELECT', '0');
    assert.equal(await c.send('MOVE', 'k', '1'), 0);
    assert.equal(await c.send('GET', 'k'), 'here');
  });

  it('errors', async () => {
    await c.send('SET', 'k', 'v');
    assertError(await c.send('MOVE', 'k', '0'), 'ERR source and destination objects are the same');
    assertError(await c.send('MOVE', 'nokey', '0'), 'ERR source and destination objects are the same');
    assertError(await c.send('MOVE', 'k', '16'), 'ERR DB index is out of range');
    assertError(await c.send('MOVE', 'k', 'x'), 'ERR value is not an integer or out of range');
    assertError(await c.send('MOVE', 'k', '99999999999'), 'ERR value is out of range, value must between -2147483648 and 2147483647');
    assertError(await c.send('MOVE', 'k'), arity('move'));
  });
});

describe('RANDOMKEY', () => {
  it('returns null on an empty db and a live key otherwise', async () => {
    assert.equal(await c.send('RANDOMKEY'), null);
    await setMany('a', '1', 'b', '2');
    const seen = new Set<RespValue>();
    for (let i = 0; i < 40; i++) seen.add(await c.send('RANDOMKEY'));
    assert.deepEqual([...seen].sort(), ['a', 'b']);
    assertError(await c.send('RANDOMKEY', 'x'), arity('randomkey'));
  });

  it('skips expired keys', async () => {
    for (let i = 0; i < 20; i++) await setWithTtl(`e${i}`, '1', 1);
    await c.send('SET', 'live', '1');
    await sleep(10);
    for (let i = 0; i < 5; i++) assert.equal(await c.send('RANDOMKEY'), 'live');
  });
});

describe('KEYS', () => {
  it('matches glob patterns and skips expired keys', async () => {
    await setMany('user:1', 'a', 'user:2', 'b', 'user:10', 'c', 'other', 'd', '', 'empty');
    await setWithTtl('user:3', 'x', 1);
    await sleep(10);
    const sorted = async (p: string) => ((await c.send('KEYS', p)) as string[]).sort();
    assert.deepEqual(await sorted('*'), ['', 'other', 'user:1', 'user:10', 'user:2']);
    assert.deepEqual(await sorted('user:?'), ['user:1', 'user:2']);
    assert.deepEqual(await sorted('user:*'), ['user:1', 'user:10', 'user:2']);
    assert.deepEqual(await sorted('user:[^1]'), ['user:2']);
    assert.deepEqual(await sorted('**'), ['other', 'user:1', 'user:10', 'user:2'], 'only "*" matches the empty key');
    assert.deepEqual(await sorted('nomatch*'), []);
    assertError(await c.send('KEYS'), arity('keys'));
  });
});

describe('SCAN', () => {
  async function scanAll(...opts: string[]): Promise<{ keys: string[]; calls: number }> {
    const keys: string[] = [];
    let cursor = '0';
    let calls = 0;
    do {
      const r = (await c.send('SCAN', cursor, ...opts)) as [string, string[]];
      cursor = r[0];
      keys.push(...r[1]);
      calls++;
    } while (cursor !== '0');
    return { keys, calls };
  }

  it('iterates every key exactly through cursors', async () => {
    const args: string[] = [];
    for (let i = 0; i < 1000; i++) args.push(`key:${i}`, String(i));
    await setMany(...args);
    const { keys, calls } = await scanAll('COUNT', '100');
    assert.equal(new Set(keys).size, 1000);
    assert.ok(calls >= 5, `COUNT bounds each call (${calls} calls)`);
  });

  it('MATCH and TYPE filter the keys', async () => {
    await setMany('a1', '1', 'a2', '2', 'b1', '3');
    assert.deepEqual((await scanAll('MATCH', 'a*')).keys.sort(), ['a1', 'a2']);
    assert.deepEqual((await scanAll('TYPE', 'string', 'MATCH', '*1')).keys.sort(), ['a1', 'b1']);
    assert.deepEqual((await scanAll('TYPE', 'STRING')).keys.length, 3);
    assert.deepEqual((await scanAll('TYPE', 'list')).keys, []);
    // Redis 7.2 accepts an unknown type name and matches nothing (an error only from 8.0).
    assert.deepEqual((await scanAll('TYPE', 'nosuchtype')).keys, []);
  });

  it('skips expired keys', async () => {
    await c.send('SET', 'live', '1');
    await setWithTtl('gone', '1', 1);
    await sleep(10);
    assert.deepEqual((await scanAll()).keys, ['live']);
  });

  it('cursor parsing follows strtoul', async () => {
    await c.send('SET', 'k', 'v');
    for (const bad of ['abc', ' 0', '0 ', '1.5', '18446744073709551616']) {
      assertError(await c.send('SCAN', bad), 'ERR invalid cursor');
    }
    for (const ok of ['-1', '+0', '18446744073709551615']) {
      const r = (await c.send('SCAN', ok)) as RespValue[];
      assert.ok(Array.isArray(r) && r.length === 2, `cursor ${ok} accepted`);
    }
  });

  it('option errors', async () => {
    assertError(await c.send('SCAN', '0', 'COUNT', '0'), 'ERR syntax error');
    assertError(await c.send('SCAN', '0', 'COUNT', '-1'), 'ERR syntax error');
    assertError(await c.send('SCAN', '0', 'COUNT', 'x'), 'ERR value is not an integer or out of range');
    assertError(await c.send('SCAN', '0', 'MATCH'), 'ERR syntax error');
    assertError(await c.send('SCAN', '0', 'FOO', 'bar'), 'ERR syntax error');
    assertError(await c.send('SCAN'), arity('scan'));
  });

  it('has the same shape in RESP3', async (t) => {
    const c3 = await target.client();
    // HELLO belongs to the connection helpers: skip until it is there.
    if ((await c3.send('HELLO', '3')) instanceof RespError) {
      c3.close();
      t.skip('HELLO not available');
      return;
    }
    await c.send('SET', 'k', 'v');
    assert.deepEqual(await c3.send('SCAN', '0', 'COUNT', '1000'), ['0', ['k']]);
    c3.close();
  });
});

describe('OBJECT', () => {
  it('ENCODING reports the string encodings', async () => {
    await c.send('SET', 'i', '12345');
    await c.send('SET', 'e', 'short');
    await c.send('SET', 'r', 'x'.repeat(45));
    assert.equal(await c.send('OBJECT', 'ENCODING', 'i'), 'int');
    assert.equal(await c.send('OBJECT', 'encoding', 'e'), 'embstr');
    assert.equal(await c.send('OBJECT', 'ENCODING', 'r'), 'raw');
    assert.equal(await c.send('OBJECT', 'ENCODING', 'nokey'), null);
  });

  it('REFCOUNT: shared small integers', async () => {
    await c.send('SET', 'small', '100');
    await c.send('SET', 'big', '100000');
    await c.send('SET', 's', 'text');
    assert.equal(await c.send('OBJECT', 'REFCOUNT', 'small'), 2147483647);
    assert.equal(await c.send('OBJECT', 'REFCOUNT', 'big'), 1);
    assert.equal(await c.send('OBJECT', 'REFCOUNT', 's'), 1);
    assert.equal(await c.send('OBJECT', 'REFCOUNT', 'nokey'), null);
  });

  it('FREQ needs an LFU policy', async () => {
    await c.send('SET', 'k', 'v');
    assertError(
      await c.send('OBJECT', 'FREQ', 'k'),
      'ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
    assert.equal(await c.send('OBJECT', 'FREQ', 'nokey'), null);
  });

  it('IDLETIME grows while untouched; reads reset it, TYPE/EXISTS/TTL/OBJECT do not', async () => {
    // Pipelines keep each check within one clock second (the LRU clock has 1 s resolution).
    const idle = async (...cmds: string[][]) => (await c.pipeline([...cmds, ['OBJECT', 'IDLETIME', 'k']])).at(-1) as number;
    assert.equal(await idle(['SET', 'k', 'v']), 0);
    await waitFor(async () => (await idle()) >= 1);
    assert.ok((await idle(['TYPE', 'k'], ['EXISTS', 'k'], ['TTL', 'k'], ['OBJECT', 'ENCODING', 'k'])) >= 1);
    assert.equal(await idle(['GET', 'k']), 0);
    await waitFor(async () => (await idle()) >= 1);
    assert.equal(await idle(['TOUCH', 'k']), 0);
    assert.equal(await c.send('OBJECT', 'IDLETIME', 'nokey'), null);
  });

  it('HELP and errors', async () => {
    const help = (await c.send('OBJECT', 'HELP')) as string[];
    assert.equal(help[0], 'OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.ok(help.includes('FREQ <key>'));
    assertError(await c.send('OBJECT', 'foo', 'k'), "ERR unknown subcommand 'foo'. Try OBJECT HELP.");
    assertError(await c.send('OBJECT', 'ENCODING'), arity('object|encoding'));
    assertError(await c.send('OBJECT', 'HELP', 'x'), arity('object|help'));
    assertError(await c.send('OBJECT'), arity('object'));
  });
});

describe('OBJECT under an LFU policy', () => {
  let lfu: Target;
  let l: TestClient;
  before(async () => {
    lfu = await startTarget({ 'maxmemory-policy': 'allkeys-lfu' });
    l = await lfu.client();
  });
  after(async () => {
    l.close();
    await lfu.close();
  });

  it('FREQ starts at 5 and counts accesses; IDLETIME is refused', async () => {
    await l.send('SET', 'k', 'v');
    assert.equal(await l.send('OBJECT', 'FREQ', 'k'), 5);
    await l.send('GET', 'k');
    assert.equal(await l.send('OBJECT', 'FREQ', 'k'), 6);
    await l.send('TYPE', 'k');
    assert.equal(await l.send('OBJECT', 'FREQ', 'k'), 6, 'TYPE does not count as an access');
    assertError(
      await l.send('OBJECT', 'IDLETIME', 'k'),
      'ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.',
    );
  });
});

describe('DBSIZE / FLUSHDB / FLUSHALL / SWAPDB', () => {
  it('DBSIZE counts the selected db', async () => {
    assert.equal(await c.send('DBSIZE'), 0);
    await setMany('a', '1', 'b', '2');
    assert.equal(await c.send('DBSIZE'), 2);
    await c.send('SELECT', '1');
    assert.equal(await c.send('DBSIZE'), 0);
    assertError(await c.send('DBSIZE', 'x'), arity('dbsize'));
  });

  it('FLUSHDB empties only the selected db, SYNC or ASYNC', async () => {
    for (const mode of [[], ['SYNC'], ['async']]) {
      await c.send('SELECT', '0');
      await setWithTtl('a', '1', 100000);
      await c.send('SELECT', '1');
      await c.send('SET', 'b', '1');
      assert.equal(await c.send('FLUSHDB', ...mode), 'OK');
      assert.equal(await c.send('DBSIZE'), 0);
      await c.send('SELECT', '0');
      assert.equal(await c.send('DBSIZE'), 1);
    }
  });

  it('FLUSHALL empties every db at once, even ASYNC', async () => {
    await c.send('SET', 'a', '1');
    await c.send('SELECT', '3');
    await c.send('SET', 'b', '1');
    assert.equal(await c.send('FLUSHALL', 'ASYNC'), 'OK');
    assert.equal(await c.send('DBSIZE'), 0);
    await c.send('SELECT', '0');
    assert.equal(await c.send('GET', 'a'), null);
  });

  it('flush syntax errors', async () => {
    assertError(await c.send('FLUSHALL', 'foo'), 'ERR syntax error');
    assertError(await c.send('FLUSHALL', 'SYNC', 'ASYNC'), 'ERR syntax error');
    assertError(await c.send('FLUSHDB', 'foo'), 'ERR syntax error');
  });

  it('SWAPDB exchanges contents; clients stay on their index', async () => {
    await setWithTtl('in0', '1', 100000);
    await c.send('SELECT', '1');
    await setMany('in1', '1', 'x', '2');
    assert.equal(await c.send('SWAPDB', '0', '1'), 'OK');
    assert.equal(await c.send('DBSIZE'), 1);
    assert.equal(await c.send('EXISTS', 'in0'), 1);
    assert.ok(((await c.send('TTL', 'in0')) as number) > 90);
    await c.send('SELECT', '0');
    assert.equal(await c.send('DBSIZE'), 2);
    assert.equal(await c.send('SWAPDB', '0', '0'), 'OK');
    assert.equal(await c.send('DBSIZE'), 2);
  });

  it('SWAPDB errors', async () => {
    assertError(await c.send('SWAPDB', '0', '16'), 'ERR DB index is out of range');
    assertError(await c.send('SWAPDB', '-1', '0'), 'ERR DB index is out of range');
    assertError(await c.send('SWAPDB', 'x', '1'), 'ERR invalid first DB index');
    assertError(await c.send('SWAPDB', '0', 'x'), 'ERR invalid second DB index');
    assertError(await c.send('SWAPDB', '99999999999', '0'), 'ERR invalid first DB index');
    assertError(await c.send('SWAPDB', '0'), arity('swapdb'));
  });
});
