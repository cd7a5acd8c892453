// Keyspace notifications: notify-keyspace-events parsed and printed as Redis does, the event
// each string, list and hash command emits (recorded from Redis and checked on both targets),
// the keyspace/keyevent channel forms, class filtering, 'new' only on request, keymiss and expiry.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { startPubSubTarget, subCommand, type PubSubTarget } from './pubsub/target.js';

let t: PubSubTarget;
let c: TestClient;
let sub: TestClient;
const MARK = '__notify_marker__';

before(async () => {
  t = await startPubSubTarget();
  c = await t.client();
  sub = await t.client();
  await subCommand(sub, ['PSUBSCRIBE', '__key*__:*']);
  await subCommand(sub, ['SUBSCRIBE', MARK]);
});
after(async () => { await t.close(); });

/** Runs commands and returns the notifications they caused, as "channel message" strings. */
async function notifications(cmds: (string | Buffer)[][]): Promise<string[]> {
  for (const cmd of cmds) await c.send(...cmd);
  await c.send('PUBLISH', MARK, '');
  const seen: string[] = [];
  for (;;) {
    const m = await sub.nextPush();
    if (m[0] === 'message' && m[1] === MARK) return seen;
    if (m[0] === 'pmessage') seen.push(`${String(m[2])} ${String(m[3])}`);
  }
}

/** The keyevent notifications only, as "event key" strings (keyspace ones dropped). */
async function events(cmds: (string | Buffer)[][]): Promise<string[]> {
  const prefix = /^__keyevent@\d+__:/;
  return (await notifications(cmds)).filter((s) => prefix.test(s)).map((s) => s.replace(prefix, ''));
}

async function setFlags(v: string): Promise<void> {
  assert.equal(await t.configSet('notify-keyspace-events', v), 'OK');
}

describe('notify-keyspace-events', () => {
  it('is off by default', async () => {
    assert.equal(await t.configGet('notify-keyspace-events'), '');
    assert.deepEqual(await notifications([['SET', 'off', '1'], ['GET', 'nothere']]), []);
  });

  it('CONFIG GET prints the canonical letters', async () => {
    const cases: [string, string][] = [
      ['KEA', 'AKE'], ['AKEn', 'AKE'], ['Kn', 'nK'], ['Ex', 'xE'], ['KEAm', 'AKEm'], ['nm', 'nm'],
      ['g$lshzxetd', 'A'], ['g$lshzxetdKE', 'AKE'], ['Kz', 'zK'], ['EzgtK', 'gztKE'], ['', ''],
      ['$$$E', '$E'], ['m', 'm'], ['Eeh', 'heE'],
    ];
    for (const [value, shown] of cases) {
      await setFlags(value);
      assert.equal(await t.configGet('notify-keyspace-events'), shown, value);
    }
    const r = await t.configSet('notify-keyspace-events', 'KEX');
    assert.ok(r instanceof RespError);
    assert.equal(r.message, "ERR CONFIG SET failed (possibly related to argument 'notify-keyspace-events') - Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
    assert.equal(await t.configGet('notify-keyspace-events'), 'heE', 'unchanged after an error');
    await setFlags('');
  });
});

describe('events of the string, list and hash commands', () => {
  it('match Redis command by command', async () => {
    await setFlags('KEA');
    const table: [string[], string[]][] = [
    [['SET', 's', '1'], ['set s']],
    [['SET', 's', '2', 'XX'], ['set s']],
    [['SET', 's', '3', 'NX'], []],
    [['SET', 's', '4', 'GET'], ['set s']],
    [['SET', 's2', 'v', 'EX', '100'], ['set s2', 'expire s2']],
    [['SET', 's2', 'v', 'KEEPTTL'], ['set s2']],
    [['SETNX', 's3', 'a'], ['set s3']],
    [['SETNX', 's3', 'b'], []],
    [['SETEX', 's4', '10', 'v'], ['set s4', 'expire s4']],
    [['PSETEX', 's5', '10000', 'v'], ['set s5', 'expire s5']],
    [['GETSET', 's', '5'], ['set s']],
    [['GETDEL', 's5'], ['del s5']],
    [['GETDEL', 'nokey'], []],
    [['GETEX', 's4', 'PERSIST'], ['persist s4']],
    [['GETEX', 's4', 'EX', '5'], ['expire s4']],
    [['GETEX', 's4', 'PX', '0'], []],
    [['GETEX', 's', 'EXAT', '1'], ['del s']],
    [['GET', 'nokey'], []],
    [['MGET', 's', 'nokey', 's3'], []],
    [['MSET', 'm1', 'a', 'm2', 'b'], ['set m1', 'set m2']],
    [['MSETNX', 'm3', 'a', 'm4', 'b'], ['set m3', 'set m4']],
    [['MSETNX', 'm3', 'a', 'm5', 'b'], []],
    [['STRLEN', 'nokey'], []],
    [['GETRANGE', 'nokey', '0', '1'], []],
    [['APPEND', 'ap', 'x'], ['append ap']],
    [['APPEND', 'ap', 'y'], ['append ap']],
    [['SETRANGE', 'sr', '2', 'x'], ['setrange sr']],
    [['SETRANGE', 'sr', '0', ''], []],
    [['SETRANGE', 'nokey', '0', ''], []],
    [['INCR', 'n'], ['incrby n']],
    [['DECR', 'n'], ['incrby n']],
    [['INCRBY', 'n', '5'], ['incrby n']],
    [['DECRBY', 'n', '2'], ['incrby n']],
    [['INCRBYFLOAT', 'n', '1.5'], ['incrbyfloat n']],
    [['LCS', 'm1', 'm2'], []],
    [['SET', 's', '7', 'EX', '0'], []],
    [['LPUSH', 'l', 'a', 'b'], ['lpush l']],
    [['RPUSH', 'l', 'c'], ['rpush l']],
    [['LPUSHX', 'l', 'd'], ['lpush l']],
    [['RPUSHX', 'nol', 'd'], []],
    [['LINSERT', 'l', 'BEFORE', 'a', 'z'], ['linsert l']],
    [['LSET', 'l', '0', 'q'], ['lset l']],
    [['LRANGE', 'nol', '0', '-1'], []],
    [['LINDEX', 'nol', '0'], []],
    [['LLEN', 'nol'], []],
    [['LPOP', 'l'], ['lpop l']],
    [['RPOP', 'l'], ['rpop l']],
    [['LPOP', 'l', '1'], ['lpop l']],
    [['LREM', 'l', '0', 'a'], ['lrem l']],
    [['LTRIM', 'l', '0', '0'], ['ltrim l']],
    [['RPUSH', 'l2', 'a', 'b', 'c'], ['rpush l2']],
    [['LMOVE', 'l2', 'l3', 'LEFT', 'RIGHT'], ['rpush l3', 'lpop l2']],
    [['LMOVE', 'l2', 'l2', 'LEFT', 'RIGHT'], ['rpush l2', 'lpop l2']],
    [['RPOPLPUSH', 'l2', 'l4'], ['lpush l4', 'rpop l2']],
    [['LMPOP', '2', 'nol', 'l3', 'LEFT'], ['lpop l3', 'del l3']],
    [['LPOS', 'nol', 'a'], []],
    [['LTRIM', 'l2', '5', '10'], ['ltrim l2', 'del l2']],
    [['RPUSH', 'l5', 'a'], ['rpush l5']],
    [['RPOP', 'l5'], ['rpop l5', 'del l5']],
    [['HSET', 'h', 'a', '1', 'b', '2'], ['hset h']],
    [['HSETNX', 'h', 'a', '3'], []],
    [['HSETNX', 'h', 'c', '3'], ['hset h']],
    [['HMSET', 'h', 'd', '4'], ['hset h']],
    [['HGET', 'noh', 'a'], []],
    [['HGET', 'h', 'zz'], []],
    [['HMGET', 'noh', 'a'], []],
    [['HGETALL', 'noh'], []],
    [['HLEN', 'noh'], []],
    [['HEXISTS', 'noh', 'a'], []],
    [['HINCRBY', 'h', 'a', '1'], ['hincrby h']],
    [['HINCRBYFLOAT', 'h', 'a', '1.5'], ['hincrbyfloat h']],
    [['HDEL', 'h', 'a'], ['hdel h']],
    [['HDEL', 'h', 'zz'], []],
    [['HDEL', 'h', 'b', 'c', 'd'], ['hdel h', 'del h']],
    [['HSTRLEN', 'noh', 'a'], []],
    [['HKEYS', 'noh'], []],
    [['HVALS', 'noh'], []],
    [['HRANDFIELD', 'noh'], []],
    [['HSCAN', 'noh', '0'], []],
    [['HSET', 'h2', 'f', 'v'], ['hset h2']],
    [['HDEL', 'h2', 'f'], ['hdel h2', 'del h2']],
    ];
    for (const [cmd, expected] of table) {
      assert.deepEqual(await events([cmd]), expected, cmd.join(' '));
    }
    await setFlags('');
  });
});

describe('channels and classes', () => {
  it('K publishes to __keyspace@<db>__:<key> with the event, E to __keyevent@<db>__:<event> with the key', async () => {
    await setFlags('KEA');
    assert.deepEqual(await notifications([['SET', 'kk', 'v']]), ['__keyspace@0__:kk set', '__keyevent@0__:set kk']);
    await setFlags('K$');
    assert.deepEqual(await notifications([['SET', 'kk', 'v']]), ['__keyspace@0__:kk set']);
    await setFlags('E$');
    assert.deepEqual(await notifications([['SELECT', '3'], ['SET', 'kk', 'v'], ['SELECT', '0']]), ['__keyevent@3__:set kk']);
    await setFlags('A');
    assert.deepEqual(await notifications([['SET', 'kk', 'v']]), [], 'neither K nor E');
    await setFlags('');
  });

  it('only the enabled classes are sent', async () => {
    await setFlags('El');
    assert.deepEqual(await events([['SET', 'cl', 'v'], ['RPUSH', 'cl-list', 'a'], ['HSET', 'cl-h', 'f', 'v']]), ['rpush cl-list']);
    await setFlags('Eh');
    assert.deepEqual(await events([['HSET', 'cl-h', 'f', 'v'], ['APPEND', 'cl', 'x']]), ['hset cl-h']);
    await setFlags('E$');
    assert.deepEqual(await events([['APPEND', 'cl', 'x'], ['LPOP', 'cl-list']]), ['append cl']);
    // del and expire belong to the generic class.
    await setFlags('Eg');
    assert.deepEqual(await events([['GETDEL', 'cl'], ['RPUSH', 'cl-list', 'b'], ['SET', 'cl', 'v', 'EX', '100']]), ['del cl', 'expire cl']);
    await setFlags('');
  });

  it("'new' is sent only when n is given, A does not include it", async () => {
    await setFlags('KEA');
    assert.deepEqual(await events([['SET', 'n1', 'v']]), ['set n1']);
    await setFlags('KEAn');
    assert.deepEqual(await events([['SET', 'n2', 'v'], ['SET', 'n2', 'w'], ['RPUSH', 'n3', 'a']]),
      ['new n2', 'set n2', 'set n2', 'new n3', 'rpush n3']);
    await setFlags('En');
    assert.deepEqual(await events([['HSET', 'n4', 'f', 'v'], ['HSET', 'n4', 'g', 'v']]), ['new n4']);
    await setFlags('');
  });

  it('keymiss (m) on reads of missing keys only, not part of A', async () => {
    await setFlags('KEA');
    assert.deepEqual(await events([['GET', 'miss'], ['HGET', 'miss', 'f'], ['LRANGE', 'miss', '0', '1']]), []);
    await setFlags('Em');
    await c.send('SET', 'hit', 'v');
    assert.deepEqual(await events([['GET', 'miss'], ['GET', 'hit'], ['MGET', 'hit', 'miss2'], ['HGET', 'miss3', 'f'], ['LLEN', 'miss4']]),
      ['keymiss miss', 'keymiss miss2', 'keymiss miss3', 'keymiss miss4']);
    // Writes do not look keys up as reads.
    assert.deepEqual(await events([['SETNX', 'w1', 'v'], ['RPUSHX', 'w2', 'a'], ['HDEL', 'w3', 'f']]), []);
    await setFlags('');
  });

  it('expired keys send expired (x), then a read misses', async () => {
    await setFlags('Exm');
    assert.deepEqual(await events([['SET', 'gone', 'v', 'PX', '20']]), [], 'set and expire are not in x');
    // Whether the key goes by itself (Redis's active expiry) or on the read, the order is the same.
    await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(await events([['GET', 'gone']]), ['expired gone', 'keymiss gone']);
    await setFlags('KEA');
    await c.send('SET', 'gone3', 'v', 'PX', '10');
    await new Promise((r) => setTimeout(r, 50));
    const seen = await notifications([['GET', 'gone3']]);
    assert.deepEqual(seen, [
      '__keyspace@0__:gone3 set', '__keyevent@0__:set gone3', '__keyspace@0__:gone3 expire', '__keyevent@0__:expire gone3',
      '__keyspace@0__:gone3 expired', '__keyevent@0__:expired gone3',
    ]);
    await setFlags('');
  });

  it('binary keys are carried unchanged in both channel forms', async () => {
    await setFlags('KE$');
    const key = Buffer.from([0x00, 0xff, 0x0d, 0x0a]);
    assert.deepEqual(await notifications([['SET', key, 'v']]),
      [`__keyspace@0__:${key.toString('latin1')} set`, `__keyevent@0__:set ${key.toString('latin1')}`]);
    await setFlags('');
  });
});
