// The EXPIRE and TTL families and PERSIST over the wire, plus lazy and active expiry as a client
// sees them. Runs against in-process nodis and, with NODIS_TEST_TARGET=redis, real Redis.

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
  await c.send('FLUSHALL');
  await c.send('SET', 'k', 'v');
});

function assertError(r: RespValue, text: string): void {
  assert.ok(r instanceof RespError, `expected error ${text}, got ${JSON.stringify(r)}`);
  assert.equal(r.message, text);
}
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const num = async (...args: string[]) => (await c.send(...args)) as number;
/** Runs a command and TTL in one write, so no time passes between them. */
const thenTtl = async (...args: string[]) => (await c.pipeline([args, ['TTL', 'k']]))[1];

describe('EXPIRE / PEXPIRE / EXPIREAT / PEXPIREAT', () => {
  it('set a relative or absolute TTL', async () => {
    assert.equal(await thenTtl('EXPIRE', 'k', '100'), 100);
    assert.equal(await c.send('PEXPIRE', 'k', '50000'), 1);
    const pttl = await num('PTTL', 'k');
    assert.ok(pttl > 49000 && pttl <= 50000);
    const at = Math.floor(Date.now() / 1000) + 200;
    assert.equal(await c.send('EXPIREAT', 'k', String(at)), 1);
    assert.equal(await c.send('EXPIRETIME', 'k'), at);
    assert.equal(await c.send('PEXPIRETIME', 'k'), at * 1000);
    assert.equal(await c.send('PEXPIREAT', 'k', String(at * 1000 + 123)), 1);
    assert.equal(await c.send('PEXPIRETIME', 'k'), at * 1000 + 123);
    assert.equal(await c.send('EXPIRETIME', 'k'), at);
  });

  it('return 0 for a missing key', async () => {
    for (const cmd of ['EXPIRE', 'PEXPIRE', 'EXPIREAT', 'PEXPIREAT']) assert.equal(await c.send(cmd, 'nokey', '100'), 0);
  });

  it('a time in the past deletes the key', async () => {
    assert.equal(await c.send('EXPIRE', 'k', '-1'), 1);
    assert.equal(await c.send('EXISTS', 'k'), 0);
    await c.send('SET', 'k', 'v');
    assert.equal(await c.send('EXPIREAT', 'k', '1'), 1);
    assert.equal(await c.send('EXISTS', 'k'), 0);
    await c.send('SET', 'k', 'v');
    assert.equal(await c.send('PEXPIRE', 'k', '0'), 1);
    assert.equal(await c.send('EXISTS', 'k'), 0);
    await c.send('SET', 'k', 'v');
    assert.equal(await c.send('EXPIRE', 'k', '-9223372036854775'), 1);
    assert.equal(await c.send('EXISTS', 'k'), 0);
  });

  it('NX / XX', async () => {
    assert.equal(await c.send('EXPIRE', 'k', '100', 'XX'), 0);
    assert.equal(await c.send('TTL', 'k'), -1);
    assert.equal(await c.send('EXPIRE', 'k', '100', 'NX'), 1);
    assert.equal(await c.send('EXPIRE', 'k', '200', 'nx'), 0);
    assert.ok((await num('TTL', 'k')) <= 100);
    assert.equal(await thenTtl('EXPIRE', 'k', '200', 'XX'), 200);
  });

  it('GT / LT treat no TTL as infinite', async () => {
    assert.equal(await c.send('EXPIRE', 'k', '100', 'GT'), 0);
    assert.equal(await c.send('TTL', 'k'), -1);
    assert.equal(await c.send('EXPIRE', 'k', '100', 'LT'), 1);
    assert.equal(await c.send('EXPIRE', 'k', '200', 'LT'), 0);
    assert.equal(await c.send('EXPIRE', 'k', '50', 'LT'), 1);
    assert.equal(await c.send('EXPIRE', 'k', '10', 'GT'), 0);
    assert.equal(await thenTtl('EXPIRE', 'k', '300', 'GT'), 300);
    assert.equal(await c.send('EXPIRE', 'k', '400', 'XX', 'GT'), 1);
    assert.equal(await thenTtl('EXPIRE', 'k', '100', 'LT', 'XX'), 100);
  });

  it('option errors come before the number and the key', async () => {
    assertError(await c.send('EXPIRE', 'k', '10', 'NX', 'XX'), 'ERR NX and XX, GT or LT options at the same time are not compatible');
    assertError(await c.send('EXPIRE', 'k', '10', 'NX', 'GT'), 'ERR NX and XX, GT or LT options at the same time are not compatible');
    assertError(await c.send('EXPIRE', 'k', '10', 'GT', 'LT'), 'ERR GT and LT options at the same time are not compatible');
    assertError(await c.send('EXPIRE', 'k', '10', 'foo'), 'ERR Unsupported option foo');
    assertError(await c.send('EXPIRE', 'nokey', 'x', 'foo'), 'ERR Unsupported option foo');
    assertError(await c.send('EXPIRE', 'nokey', 'x'), 'ERR value is not an integer or out of range');
    assertError(await c.send('PEXPIRE', 'k', '1.5'), 'ERR value is not an integer or out of range');
    assert.equal(await c.send('EXPIRE', 'k', '10', 'nx', 'nx'), 1);
  });

  it('overflow checks name the command', async () => {
    assertError(await c.send('EXPIRE', 'k', '9223372036854776'), "ERR invalid expire time in 'expire' command");
    assertError(await c.send('EXPIRE', 'k', '-9223372036854776'), "ERR invalid expire time in 'expire' command");
    assertError(await c.send('PEXPIRE', 'k', '9223372036854775807'), "ERR invalid expire time in 'pexpire' command");
    assertError(await c.send('EXPIREAT', 'k', '9223372036854776'), "ERR invalid expire time in 'expireat' command");
    assertError(await c.send('EXPIRE', 'nokey', '9223372036854776'), "ERR invalid expire time in 'expire' command");
    // The largest absolute time is accepted.
    assert.equal(await c.send('PEXPIREAT', 'k', '9223372036854775807'), 1);
    assert.ok((await num('TTL', 'k')) > 9e15);
  });

  it('reject wrong arity', async () => {
    for (const cmd of ['expire', 'pexpire', 'expireat', 'pexpireat']) {
      assertError(await c.send(cmd, 'k'), `ERR wrong number of arguments for '${cmd}' command`);
    }
  });
});

describe('TTL / PTTL / EXPIRETIME / PEXPIRETIME', () => {
  it('-2 for a missing key, -1 without TTL', async () => {
    for (const cmd of ['TTL', 'PTTL', 'EXPIRETIME', 'PEXPIRETIME']) {
      assert.equal(await c.send(cmd, 'nokey'), -2);
      assert.equal(await c.send(cmd, 'k'), -1);
    }
  });

  it('TTL rounds to the nearest second', async () => {
    assert.equal(await thenTtl('PEXPIRE', 'k', '2600'), 3);
    assert.equal(await thenTtl('PEXPIRE', 'k', '2300'), 2);
  });

  it('an expired key is missing', async () => {
    await c.send('PEXPIRE', 'k', '1');
    await sleep(10);
    assert.equal(await c.send('TTL', 'k'), -2);
    assert.equal(await c.send('PEXPIRETIME', 'k'), -2);
  });

  it('reject wrong arity', async () => {
    for (const cmd of ['ttl', 'pttl', 'expiretime', 'pexpiretime']) {
      assertError(await c.send(cmd), `ERR wrong number of arguments for '${cmd}' command`);
      assertError(await c.send(cmd, 'a', 'b'), `ERR wrong number of arguments for '${cmd}' command`);
    }
  });
});

describe('PERSIST', () => {
  it('removes the TTL once', async () => {
    assert.equal(await c.send('PERSIST', 'k'), 0);
    await c.send('EXPIRE', 'k', '100');
    assert.equal(await c.send('PERSIST', 'k'), 1);
    assert.equal(await c.send('TTL', 'k'), -1);
    assert.equal(await c.send('PERSIST', 'k'), 0);
    assert.equal(await c.send('PERSIST', 'nokey'), 0);
    assertError(await c.send('PERSIST'), "ERR wrong number of arguments for 'persist' command");
  });

  it('a plain SET drops the TTL', async () => {
    await c.send('EXPIRE', 'k', '100');
    await c.send('SET', 'k', 'v2');
    assert.equal(await c.send('TTL', 'k'), -1);
  });
});

describe('expiry', () => {
  it('lazy: an expired key is gone on access', async () => {
    await c.send('PEXPIRE', 'k', '5');
    await sleep(20);
    assert.equal(await c.send('GET', 'k'), null);
    assert.equal(await c.send('DBSIZE'), 0);
  });

  it('active: expired keys disappear without being accessed', async () => {
    const cmds: string[][] = [];
    // 400 ms: long enough that none expire before the first DBSIZE on a loaded machine.
    for (let i = 0; i < 200; i++) cmds.push(['SET', `e${i}`, '1'], ['PEXPIRE', `e${i}`, '400']);
    for (let i = 0; i < 20; i++) cmds.push(['SET', `l${i}`, '1'], ['EXPIRE', `l${i}`, '100']);
    await c.pipeline(cmds);
    assert.equal(await c.send('DBSIZE'), 221);
    const start = Date.now();
    while ((await c.send('DBSIZE')) !== 21) {
      assert.ok(Date.now() - start < 5000, 'active expiry removed the keys');
      await sleep(50);
    }
  });
});
