// SET and its options, SETNX, SETEX, PSETEX, GETSET, GETDEL, GETEX, GET: replies, errors,
// TTL effects. Runs against nodis and, with NODIS_TEST_TARGET=redis, against real Redis.

import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, it } from 'node:test';
import { arity, error, expectSteps, NOT_INTEGER, SYNTAX, WRONGTYPE } from './expect.js';
import { startStringTarget, type StringTarget } from './target.js';

let t: StringTarget;
before(async () => { t = await startStringTarget(); });
after(async () => { await t.close(); });
beforeEach(async () => { await t.del('k', 'l', 'n', 'missing'); });

const invalidExpire = (cmd: string) => error(`ERR invalid expire time in '${cmd}' command`);

describe('GET', () => {
  it('returns values, null for missing keys, WRONGTYPE for other types', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SET', 'k', 'v'], 'OK'],
      [['GET', 'k'], 'v'],
      [['GET', 'missing'], null],
      [['GET', 'l'], WRONGTYPE],
      [['GET'], arity('get')],
      [['GET', 'a', 'b'], arity('get')],
    ]);
  });

  it('returns a RESP3 null for a missing key', async () => {
    const c = await t.newClient();
    await t.resp3(c);
    assert.equal(await c.sendRaw('GET', 'missing'), '_\r\n');
    c.close();
  });
});

describe('SET', () => {
  it('overwrites any type and clears the TTL', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SET', 'l', 'v'], 'OK'],
      [['GET', 'l'], 'v'],
      [['SET', 'k', 'v', 'EX', '100'], 'OK'],
      [['SET', 'k', 'w'], 'OK'],
    ]);
    assert.equal(await t.pttl('k'), -1);
  });

  it('NX and XX', async () => {
    await expectSteps(t.client, [
      [['SET', 'k', 'v', 'XX'], null],
      [['SET', 'k', 'v', 'NX'], 'OK'],
      [['SET', 'k', 'w', 'NX'], null],
      [['SET', 'k', 'w', 'xx'], 'OK'],
      [['GET', 'k'], 'w'],
      [['SET', 'k', 'v', 'NX', 'XX'], SYNTAX],
      [['SET', 'k', 'v', 'XX', 'NX'], SYNTAX],
      [['SET', 'k', 'v', 'NX', 'NX'], null],
    ]);
  });

  it('GET returns the old value, also with NX and XX (7.0+)', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SET', 'k', 'v1', 'GET'], null],
      [['SET', 'k', 'v2', 'GET'], 'v1'],
      [['SET', 'k', 'v3', 'NX', 'GET'], 'v2'],
      [['GET', 'k'], 'v2'],
      [['SET', 'missing', 'x', 'XX', 'GET'], null],
      [['SET', 'k', 'v4', 'get', 'GET'], 'v2'],
      [['SET', 'l', 'v', 'GET'], WRONGTYPE],
      [['SET', 'l', 'v', 'NX', 'GET'], WRONGTYPE],
    ]);
    assert.equal(await t.exists('missing'), false);
    assert.equal(await t.exists('l'), true);
  });

  it('expire options set the TTL', async () => {
    await t.client.send('SET', 'k', 'v', 'EX', '100');
    let ttl = await t.pttl('k');
    assert.ok(ttl > 98000 && ttl <= 100000, String(ttl));
    await t.client.send('SET', 'k', 'v', 'PX', '5000');
    ttl = await t.pttl('k');
    assert.ok(ttl > 3000 && ttl <= 5000, String(ttl));
    await t.client.send('SET', 'k', 'v', 'EXAT', String(Math.floor(Date.now() / 1000) + 200));
    ttl = await t.pttl('k');
    assert.ok(ttl > 190000 && ttl <= 200000, String(ttl));
    await t.client.send('SET', 'k', 'v', 'PXAT', String(Date.now() + 300000));
    ttl = await t.pttl('k');
    assert.ok(ttl > 290000 && ttl <= 300000, String(ttl));
    await t.client.send('SET', 'k', 'w', 'KEEPTTL');
    ttl = await t.pttl('k');
    assert.ok(ttl > 290000, String(ttl));
    assert.equal(await t.client.send('GET', 'k'), 'w');
  });

  it('an absolute time in the past stores a key that is already gone', async () => {
    assert.equal(await t.client.send('SET', 'k', 'v', 'PXAT', '1'), 'OK');
    assert.equal(await t.client.send('GET', 'k'), null);
  });

  it('rejects conflicting, unknown and incomplete options', async () => {
    await expectSteps(t.client, [
      [['SET', 'k', 'v', 'EX'], SYNTAX],
      [['SET', 'k', 'v', 'EX', '10', 'PX', '10'], SYNTAX],
      [['SET', 'k', 'v', 'EX', '10', 'EXAT', '10'], SYNTAX],
      [['SET', 'k', 'v', 'PXAT', '10', 'PX', '10'], SYNTAX],
      [['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'], SYNTAX],
      [['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'], SYNTAX],
      [['SET', 'k', 'v', 'PERSIST'], SYNTAX],
      [['SET', 'k', 'v', 'foo'], SYNTAX],
      [['SET', 'k', 'v', 'EX', '10', 'EX', '20'], 'OK'],
      [['SET', 'k'], arity('set')],
    ]);
    const ttl = await t.pttl('k');
    assert.ok(ttl > 18000 && ttl <= 20000, 'the last EX wins');
  });

  it('validates expire values', async () => {
    await expectSteps(t.client, [
      [['SET', 'k', 'v', 'EX', '0'], invalidExpire('set')],
      [['SET', 'k', 'v', 'EX', '-1'], invalidExpire('set')],
      [['SET', 'k', 'v', 'PX', '0'], invalidExpire('set')],
      [['SET', 'k', 'v', 'EXAT', '0'], invalidExpire('set')],
      [['SET', 'k', 'v', 'EX', 'abc'], NOT_INTEGER],
      [['SET', 'k', 'v', 'EX', '1.5'], NOT_INTEGER],
      [['SET', 'k', 'v', 'EX', '9223372036854775808'], NOT_INTEGER],
      // EX × 1000 would overflow; EX or PX plus now would overflow.
      [['SET', 'k', 'v', 'EX', '9223372036854776'], invalidExpire('set')],
      [['SET', 'k', 'v', 'EX', '9223372036854775'], invalidExpire('set')],
      [['SET', 'k', 'v', 'PX', '9223372036854775807'], invalidExpire('set')],
      [['SET', 'k', 'v', 'EXAT', '9223372036854776'], invalidExpire('set')],
      [['SET', 'k', 'v', 'PXAT', '9223372036854775807'], 'OK'],
    ]);
    assert.ok((await t.pttl('k')) > 1e15);
    // The expire value is checked before GET looks at the key.
    await t.wrongType('l');
    await expectSteps(t.client, [[['SET', 'l', 'v', 'EX', '0', 'GET'], invalidExpire('set')]]);
  });

  it('stores binary-safe keys and values (every byte 0-255)', async () => {
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const key = Buffer.concat([Buffer.from('bin:'), all]);
    assert.equal(await t.client.send('SET', key, all), 'OK');
    const got = await t.client.send('GET', key);
    assert.equal(got, all.toString('latin1'));
    assert.equal(await t.client.send('STRLEN', key), 256);
    await t.del(key);
  });
});

describe('SETNX / SETEX / PSETEX', () => {
  it('SETNX sets only missing keys', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SETNX', 'k', 'a'], 1],
      [['SETNX', 'k', 'b'], 0],
      [['SETNX', 'l', 'b'], 0],
      [['GET', 'k'], 'a'],
      [['SETNX', 'k'], arity('setnx')],
    ]);
  });

  it('SETEX and PSETEX set value and TTL, with their own error texts', async () => {
    await expectSteps(t.client, [
      [['SETEX', 'k', '100', 'v'], 'OK'],
      [['GET', 'k'], 'v'],
      [['SETEX', 'k', '0', 'v'], invalidExpire('setex')],
      [['SETEX', 'k', '-10', 'v'], invalidExpire('setex')],
      [['SETEX', 'k', 'x', 'v'], NOT_INTEGER],
      [['PSETEX', 'n', '0', 'v'], invalidExpire('psetex')],
      [['PSETEX', 'n', '100000', 'v'], 'OK'],
      [['SETEX', 'k', '100'], arity('setex')],
      [['PSETEX', 'k', '100'], arity('psetex')],
    ]);
    const a = await t.pttl('k');
    const b = await t.pttl('n');
    assert.ok(a > 98000 && a <= 100000);
    assert.ok(b > 98000 && b <= 100000);
  });
});

describe('GETSET / GETDEL', () => {
  it('GETSET returns the old value, sets the new one and clears the TTL', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['GETSET', 'k', 'a'], null],
      [['SETEX', 'k', '100', 'b'], 'OK'],
      [['GETSET', 'k', 'c'], 'b'],
      [['GET', 'k'], 'c'],
      [['GETSET', 'l', 'x'], WRONGTYPE],
      [['GETSET', 'k'], arity('getset')],
    ]);
    assert.equal(await t.pttl('k'), -1);
  });

  it('GETDEL returns and deletes', async () => {
    await t.wrongType('l');
    await expectSteps(t.client, [
      [['SET', 'k', 'v'], 'OK'],
      [['GETDEL', 'k'], 'v'],
      [['GETDEL', 'k'], null],
      [['GETDEL', 'l'], WRONGTYPE],
      [['GETDEL'], arity('getdel')],
    ]);
    assert.equal(await t.exists('k'), false);
    assert.equal(await t.exists('l'), true);
  });
});

describe('GETEX', () => {
  it('without options it is GET', async () => {
    await t.client.send('SET', 'k', 'v', 'EX', '100');
    await expectSteps(t.client, [[['GETEX', 'k'], 'v'], [['GETEX', 'missing'], null]]);
    assert.ok((await t.pttl('k')) > 90000);
  });

  it('sets, replaces and removes the TTL', async () => {
    await t.client.send('SET', 'k', 'v');
    assert.equal(await t.client.send('GETEX', 'k', 'EX', '100'), 'v');
    assert.ok((await t.pttl('k')) > 98000);
    assert.equal(await t.client.send('GETEX', 'k', 'PX', '5000'), 'v');
    assert.ok((await t.pttl('k')) <= 5000);
    assert.equal(await t.client.send('GETEX', 'k', 'EXAT', String(Math.floor(Date.now() / 1000) + 1000)), 'v');
    assert.ok((await t.pttl('k')) > 900000);
    assert.equal(await t.client.send('GETEX', 'k', 'PXAT', String(Date.now() + 50000)), 'v');
    assert.ok((await t.pttl('k')) <= 50000);
    assert.equal(await t.client.send('GETEX', 'k', 'PERSIST'), 'v');
    assert.equal(await t.pttl('k'), -1);
  });

  it('a past absolute time deletes the key after replying', async () => {
    await t.client.send('SET', 'k', 'v');
    assert.equal(await t.client.send('GETEX', 'k', 'PXAT', '1'), 'v');
    assert.equal(await t.exists('k'), false);
    await t.client.send('SET', 'k', 'v');
    assert.equal(await t.client.send('GETEX', 'k', 'EXAT', '1'), 'v');
    assert.equal(await t.exists('k'), false);
  });

  it('errors: syntax, expire values, WRONGTYPE; a missing key wins over a bad expire', async () => {
    await t.wrongType('l');
    await t.client.send('SET', 'k', 'v');
    await expectSteps(t.client, [
      [['GETEX', 'k', 'KEEPTTL'], SYNTAX],
      [['GETEX', 'k', 'NX'], SYNTAX],
      [['GETEX', 'k', 'GET'], SYNTAX],
      [['GETEX', 'k', 'EX'], SYNTAX],
      [['GETEX', 'k', 'EX', '10', 'PERSIST'], SYNTAX],
      [['GETEX', 'k', 'PERSIST', 'PX', '10'], SYNTAX],
      [['GETEX', 'k', 'EX', '10', 'PX', '10'], SYNTAX],
      [['GETEX', 'k', 'EX', '0'], invalidExpire('getex')],
      [['GETEX', 'k', 'PX', '-1'], invalidExpire('getex')],
      [['GETEX', 'k', 'EX', 'x'], NOT_INTEGER],
      [['GETEX', 'k', 'EX', '9223372036854775'], invalidExpire('getex')],
      [['GETEX', 'missing', 'EX', '0'], null],
      [['GETEX', 'l', 'EX', '0'], WRONGTYPE],
      [['GETEX', 'l'], WRONGTYPE],
      [['GETEX'], arity('getex')],
    ]);
    assert.equal(await t.pttl('k'), -1);
  });
});
