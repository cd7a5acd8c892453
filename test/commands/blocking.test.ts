// Blocking LIST commands (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH) and CLIENT UNBLOCK against the
// test target (nodis, or real Redis with NODIS_TEST_TARGET=redis): serving at once, parking,
// FIFO wake-ups, chains, type changes, timeouts, disconnects, pipelines, RESP3, stats and INFO.
// Propagation and MULTI are in blocking-effects.test.ts; the many-clients run in blocking-stress.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;
const extra: TestClient[] = [];

before(async () => {
  target = await startTarget();
  c = await target.client();
});
after(async () => {
  for (const x of extra) x.close();
  c.close();
  await target.close();
});

const send = (...a: (string | number)[]): Promise<RespValue> => c.send(...a);

async function client(): Promise<TestClient> {
  const x = await target.client();
  extra.push(x);
  return x;
}

async function fails(args: (string | number)[], message: string): Promise<void> {
  const r = await c.send(...args);
  assert.ok(r instanceof RespError, `expected an error for ${args.join(' ')}, got ${String(r)}`);
  assert.equal(r.message, message);
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const arity = (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`;

async function idOf(x: TestClient): Promise<number> {
  return Number(await x.send('CLIENT', 'ID'));
}

/** Waits until the client with this id is blocked in `cmd` (CLIENT LIST flags b). */
async function waitBlocked(id: number, cmd: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const line = String(await c.send('CLIENT', 'LIST', 'ID', id));
    if (/ flags=\S*b/.test(line) && line.includes(` cmd=${cmd} `)) return;
    if (Date.now() > deadline) throw new Error(`client ${id} never blocked in ${cmd}: ${line}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Starts a blocking command on a fresh client and returns its pending reply once it is parked. */
async function parked(...args: (string | number)[]): Promise<{ reply: Promise<RespValue>; x: TestClient; id: number }> {
  const x = await client();
  const id = await idOf(x);
  const reply = x.send(...args);
  await waitBlocked(id, String(args[0]).toLowerCase());
  return { reply, x, id };
}

/** True when the promise has not settled within ms. */
async function stillPending(p: Promise<unknown>, ms = 30): Promise<boolean> {
  let done = false;
  void p.then(() => { done = true; });
  await new Promise((r) => setTimeout(r, ms));
  return !done;
}

async function infoField(section: string, field: string): Promise<string | undefined> {
  const text = String(await send('INFO', section));
  const m = new RegExp(`^${field}:(.*)$`, 'm').exec(text);
  return m?.[1]?.trim();
}

describe('argument errors', () => {
  it('checks arity', async () => {
    await fails(['BLPOP', 'k'], arity('blpop'));
    await fails(['BRPOP', 'k'], arity('brpop'));
    await fails(['BLMPOP', '0', '1', 'k'], arity('blmpop'));
    await fails(['BLMOVE', 'a', 'b', 'LEFT', 'LEFT'], arity('blmove'));
    await fails(['BRPOPLPUSH', 'a', 'b'], arity('brpoplpush'));
  });

  it('refuses bad timeouts with Redis\'s words', async () => {
    await fails(['BLPOP', 'e1', '-1'], 'ERR timeout is negative');
    await fails(['BRPOP', 'e1', '-0.5'], 'ERR timeout is negative');
    await fails(['BLPOP', 'e1', 'abc'], 'ERR timeout is not a float or out of range');
    await fails(['BLPOP', 'e1', 'nan'], 'ERR timeout is not a float or out of range');
    await fails(['BLPOP', 'e1', ' 1'], 'ERR timeout is not a float or out of range');
    await fails(['BLPOP', 'e1', ''], 'ERR timeout is not a float or out of range');
    await fails(['BLPOP', 'e1', '-inf'], 'ERR timeout is negative');
    await fails(['BRPOPLPUSH', 'e1', 'e2', 'x'], 'ERR timeout is not a float or out of range');
    await fails(['BLMOVE', 'e1', 'e2', 'LEFT', 'RIGHT', '-3'], 'ERR timeout is negative');
    await fails(['BLMPOP', '-1', '1', 'e1', 'LEFT'], 'ERR timeout is negative');
  });

  it('refuses timeouts whose deadline overflows (Redis 7.2)', async () => {
    // 7.0 converted these to a negative number ("negative") or overflowed into a wait;
    // 7.2 checks the range before and after adding the current time.
    const expected = againstRedis ? 'ERR timeout is negative' : 'ERR timeout is out of range';
    await fails(['BLPOP', 'e1', 'inf'], expected);
    await fails(['BLPOP', 'e1', '1e16'], expected);
    await fails(['BLPOP', 'e1', '1e400'], expected);
    if (!againstRedis) await fails(['BLPOP', 'e1', '9223372036854775'], 'ERR timeout is out of range');
  });

  it('parses the direction and options before the timeout', async () => {
    await fails(['BLMOVE', 'e1', 'e2', 'UP', 'LEFT', 'x'], 'ERR syntax error');
    await fails(['BLMOVE', 'e1', 'e2', 'LEFT', 'DOWN', 'x'], 'ERR syntax error');
    await fails(['BLMPOP', 'x', '0', 'e1', 'LEFT'], 'ERR numkeys should be greater than 0');
    await fails(['BLMPOP', 'x', '1', 'e1', 'UP'], 'ERR syntax error');
    await fails(['BLMPOP', 'x', '1', 'e1', 'LEFT', 'COUNT', '0'], 'ERR count should be greater than 0');
    await fails(['BLMPOP', 'x', '1', 'e1', 'LEFT', 'COUNT', '1', 'COUNT', '2'], 'ERR syntax error');
    await fails(['BLMPOP', 'x', '3', 'e1', 'LEFT'], 'ERR syntax error');
    await fails(['BLMPOP', 'x', '1', 'e1', 'LEFT'], 'ERR timeout is not a float or out of range');
  });

  it('answers WRONGTYPE at once, checking keys in order and the destination only when serving', async () => {
    await send('SET', 'wt-s', 'x');
    await fails(['BLPOP', 'wt-s', '0'], WRONGTYPE);
    await fails(['BLPOP', 'wt-missing', 'wt-s', '0'], WRONGTYPE);
    await fails(['BLMPOP', '0', '2', 'wt-missing', 'wt-s', 'LEFT'], WRONGTYPE);
    await fails(['BLMOVE', 'wt-s', 'wt-d', 'LEFT', 'LEFT', '0'], WRONGTYPE);
    await fails(['BRPOPLPUSH', 'wt-s', 'wt-d', '0'], WRONGTYPE);
    // An empty source parks whatever the destination holds.
    assert.equal(await send('BLMOVE', 'wt-missing', 'wt-s', 'LEFT', 'LEFT', '0.01'), null);
    await send('RPUSH', 'wt-l', 'a');
    await fails(['BLMOVE', 'wt-l', 'wt-s', 'LEFT', 'LEFT', '0'], WRONGTYPE);
    assert.deepEqual(await send('LRANGE', 'wt-l', 0, -1), ['a']);
  });
});

describe('serving without waiting', () => {
  it('BLPOP / BRPOP pop from the first non-empty list', async () => {
    await send('RPUSH', 'now-b', 'a', 'b', 'c');
    assert.deepEqual(await send('BLPOP', 'now-a', 'now-b', '0'), ['now-b', 'a']);
    assert.deepEqual(await send('BRPOP', 'now-a', 'now-b', '0'), ['now-b', 'c']);
    assert.deepEqual(await send('BLPOP', 'now-b', '0'), ['now-b', 'b']);
    assert.equal(await send('EXISTS', 'now-b'), 0);
  });

  it('BLMPOP pops up to COUNT from the first non-empty list', async () => {
    await send('RPUSH', 'now-m', 'a', 'b', 'c');
    assert.deepEqual(await send('BLMPOP', '0', '2', 'now-x', 'now-m', 'RIGHT', 'COUNT', '2'), ['now-m', ['c', 'b']]);
    assert.deepEqual(await send('BLMPOP', '0', '1', 'now-m', 'LEFT', 'COUNT', '9'), ['now-m', ['a']]);
    assert.equal(await send('EXISTS', 'now-m'), 0);
  });

  it('BLMOVE / BRPOPLPUSH move one element', async () => {
    await send('RPUSH', 'now-s', 'a', 'b', 'c');
    assert.equal(await send('BLMOVE', 'now-s', 'now-d', 'LEFT', 'RIGHT', '0'), 'a');
    assert.equal(await send('BRPOPLPUSH', 'now-s', 'now-d', '0'), 'c');
    assert.equal(await send('BLMOVE', 'now-s', 'now-s', 'RIGHT', 'LEFT', '0'), 'b');
    assert.deepEqual(await send('LRANGE', 'now-d', 0, -1), ['c', 'a']);
  });
});

describe('timeouts', () => {
  it('answer a null array after the fractional timeout, for every command (RESP2)', async () => {
    const x = await client();
    const cases: (string | number)[][] = [
      ['BLPOP', 'to-1', 'to-2', '0.05'],
      ['BRPOP', 'to-1', '0.05'],
      ['BLMPOP', '0.05', '1', 'to-1', 'LEFT'],
      ['BLMOVE', 'to-1', 'to-2', 'LEFT', 'LEFT', '0.05'],
      ['BRPOPLPUSH', 'to-1', 'to-2', '0.05'],
    ];
    for (const args of cases) {
      const start = Date.now();
      assert.equal(await x.sendRaw(...args), '*-1\r\n', args.join(' '));
      const took = Date.now() - start;
      assert.ok(took >= 45 && took < 1000, `${args[0]} waited ${took} ms`);
    }
  });

  it('answer _ in RESP3', async () => {
    const x = await client();
    await x.send('HELLO', '3');
    assert.equal(await x.sendRaw('BLPOP', 'to3', '0.01'), '_\r\n');
    assert.equal(await x.sendRaw('BLMOVE', 'to3', 'to4', 'LEFT', 'LEFT', '0.01'), '_\r\n');
    assert.equal(await x.sendRaw('BLMPOP', '0.01', '1', 'to3', 'LEFT'), '_\r\n');
  });

  it('a tiny timeout waits at least a millisecond; a tiny negative one means forever', async () => {
    assert.equal(await send('BLPOP', 'to-t', '0.0000001'), null);
    const { reply } = await parked('BLPOP', 'to-n', '-0.0000001');
    assert.ok(await stillPending(reply, 50));
    await send('RPUSH', 'to-n', 'v');
    assert.deepEqual(await reply, ['to-n', 'v']);
  });
});

describe('waking parked clients', () => {
  it('serves the first parked client first (FIFO per key)', async () => {
    const a = await parked('BLPOP', 'fifo', '0');
    const b = await parked('BRPOP', 'fifo', '0');
    await send('RPUSH', 'fifo', 'one');
    assert.deepEqual(await a.reply, ['fifo', 'one']);
    assert.ok(await stillPending(b.reply));
    await send('RPUSH', 'fifo', 'two');
    assert.deepEqual(await b.reply, ['fifo', 'two']);
  });

  it('one push serves several clients, in parking order', async () => {
    const a = await parked('BLPOP', 'multi3', '0');
    const b = await parked('BLPOP', 'multi3', '0');
    const m = await parked('BLMPOP', '0', '1', 'multi3', 'LEFT', 'COUNT', '2');
    const d = await parked('BLPOP', 'multi3', '0');
    assert.equal(await send('RPUSH', 'multi3', 'a', 'b', 'c', 'd'), 4);
    assert.deepEqual(await a.reply, ['multi3', 'a']);
    assert.deepEqual(await b.reply, ['multi3', 'b']);
    assert.deepEqual(await m.reply, ['multi3', ['c', 'd']]);
    assert.ok(await stillPending(d.reply));
    assert.equal(await send('EXISTS', 'multi3'), 0);
    await send('LPUSH', 'multi3', 'e');
    assert.deepEqual(await d.reply, ['multi3', 'e']);
  });

  it('a client parked on several keys is served by whichever is pushed, once', async () => {
    const a = await parked('BRPOP', 'mk-1', 'mk-2', 'mk-1', '0');
    await send('RPUSH', 'mk-2', 'x', 'y');
    assert.deepEqual(await a.reply, ['mk-2', 'y']);
    assert.deepEqual(await send('LRANGE', 'mk-2', 0, -1), ['x']);
  });

  it('BLMOVE chains: each move wakes the next list\'s client after the unit', async () => {
    const m1 = await parked('BLMOVE', 'ch-a', 'ch-b', 'LEFT', 'RIGHT', '0');
    const m2 = await parked('BRPOPLPUSH', 'ch-b', 'ch-c', '0');
    const last = await parked('BLPOP', 'ch-c', '0');
    await send('RPUSH', 'ch-a', 'x');
    assert.equal(await m1.reply, 'x');
    assert.equal(await m2.reply, 'x');
    assert.deepEqual(await last.reply, ['ch-c', 'x']);
    assert.equal(await send('EXISTS', 'ch-a', 'ch-b', 'ch-c'), 0);
  });

  it('BLMOVE onto its own source rotates the element it was woken for', async () => {
    const m = await parked('BLMOVE', 'rot', 'rot', 'RIGHT', 'LEFT', '0');
    await send('RPUSH', 'rot', 'a');
    assert.equal(await m.reply, 'a');
    assert.deepEqual(await send('LRANGE', 'rot', 0, -1), ['a']);
  });

  it('a key set to another type does not wake it; the type is checked again when woken', async () => {
    const a = await parked('BLPOP', 'ty-1', 'ty-2', '0');
    await send('SET', 'ty-1', 'str');
    assert.ok(await stillPending(a.reply));
    await send('RPUSH', 'ty-2', 'v');
    const r = await a.reply;
    if (againstRedis) {
      // Redis 7.0 served the woken key directly; 7.2 runs the command again, and its first key
      // now holds a string.
      assert.deepEqual(r, ['ty-2', 'v']);
      return;
    }
    assert.ok(r instanceof RespError && r.message === WRONGTYPE, String(r));
    assert.deepEqual(await send('LRANGE', 'ty-2', 0, -1), ['v']);
  });

  it('a key deleted or replaced while waiting leaves it parked until a list appears', async () => {
    const a = await parked('BLPOP', 'rep', '0');
    await send('SET', 'rep', 'str');
    await send('DEL', 'rep');
    await send('HSET', 'rep', 'f', 'v');
    assert.ok(await stillPending(a.reply));
    await send('DEL', 'rep');
    await send('LPUSH', 'rep', 'v');
    assert.deepEqual(await a.reply, ['rep', 'v']);
  });

  it('SWAPDB wakes a client whose key now holds a list', async () => {
    const x = await client();
    await x.send('SELECT', 9);
    const id = await idOf(x);
    const reply = x.send('BLPOP', 'sw', '0');
    await waitBlocked(id, 'blpop');
    await send('SELECT', 8);
    await send('RPUSH', 'sw', 'from-8');
    await send('SWAPDB', 8, 9);
    assert.deepEqual(await reply, ['sw', 'from-8']);
    await send('SELECT', 0);
  });

  it('a client that disconnects leaves the key to the next one', async () => {
    const gone = await parked('BLPOP', 'dc', '0');
    const next = await parked('BLPOP', 'dc', '0');
    gone.x.close();
    await gone.x.waitClosed();
    // Wait until the server saw the close (the client is no longer listed).
    for (let i = 0; i < 500 && String(await send('CLIENT', 'LIST', 'ID', gone.id)) !== ''; i++) {
      await new Promise((r) => setTimeout(r, 5));
    }
    await send('RPUSH', 'dc', 'v');
    assert.deepEqual(await next.reply, ['dc', 'v']);
    assert.equal(await send('EXISTS', 'dc'), 0);
  });

  it('commands pipelined behind a parked one wait, then run in order', async () => {
    const x = await client();
    const id = await idOf(x);
    const replies = x.pipeline([['BLPOP', 'pl', '0'], ['RPUSH', 'pl-after', 'z'], ['PING']]);
    await waitBlocked(id, 'blpop');
    assert.ok(await stillPending(replies));
    assert.equal(await send('EXISTS', 'pl-after'), 0);
    await send('RPUSH', 'pl', 'v');
    assert.deepEqual(await replies, [['pl', 'v'], 1, 'PONG']);
  });

  it('replies in RESP3 shapes when served after waiting', async () => {
    const x = await client();
    await x.send('HELLO', '3');
    const id = await idOf(x);
    const p = x.sendRaw('BLMPOP', '0', '1', 'r3', 'LEFT', 'COUNT', '2');
    await waitBlocked(id, 'blmpop');
    await send('RPUSH', 'r3', 'a');
    assert.equal(await p, '*2\r\n$2\r\nr3\r\n*1\r\n$1\r\na\r\n');
  });
});

describe('CLIENT UNBLOCK', () => {
  it('ends a wait with the timeout reply by default and with TIMEOUT', async () => {
    const a = await parked('BLPOP', 'ub', '0');
    assert.equal(await send('CLIENT', 'UNBLOCK', a.id), 1);
    assert.equal(await a.reply, null);
    const m = await parked('BLMOVE', 'ub', 'ub2', 'LEFT', 'LEFT', '0');
    assert.equal(await send('CLIENT', 'UNBLOCK', m.id, 'timeout'), 1);
    assert.equal(await m.reply, null);
  });

  it('ERROR answers -UNBLOCKED, and the client works afterwards', async () => {
    const a = await parked('BRPOP', 'ube', '0');
    assert.equal(await send('CLIENT', 'UNBLOCK', a.id, 'ERROR'), 1);
    const r = await a.reply;
    assert.ok(r instanceof RespError);
    assert.equal(r.message, 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
    const again = a.x.send('BLPOP', 'ube', '0');
    await waitBlocked(a.id, 'blpop');
    await send('RPUSH', 'ube', 'v');
    assert.deepEqual(await again, ['ube', 'v']);
  });

  it('runs what the unblocked client had pipelined', async () => {
    const x = await client();
    const id = await idOf(x);
    const replies = x.pipeline([['BLPOP', 'ubp', '0'], ['PING', 'after']]);
    await waitBlocked(id, 'blpop');
    assert.equal(await send('CLIENT', 'UNBLOCK', id), 1);
    assert.deepEqual(await replies, [null, 'after']);
  });

  it('answers 0 for a client that is not blocked or does not exist', async () => {
    assert.equal(await send('CLIENT', 'UNBLOCK', await send('CLIENT', 'ID') as number), 0);
    assert.equal(await send('CLIENT', 'UNBLOCK', 999999), 0);
    assert.equal(await send('CLIENT', 'UNBLOCK', -1, 'ERROR'), 0);
  });

  it('checks its arguments', async () => {
    await fails(['CLIENT', 'UNBLOCK'], arity('client|unblock'));
    await fails(['CLIENT', 'UNBLOCK', 'x'], 'ERR value is not an integer or out of range');
    // The reason is checked before the id.
    await fails(['CLIENT', 'UNBLOCK', 'x', 'later'], 'ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR');
    await fails(['CLIENT', 'UNBLOCK', '1', '2', '3'],
      "ERR unknown subcommand or wrong number of arguments for 'UNBLOCK'. Try CLIENT HELP.");
  });
});

describe('introspection', () => {
  it('CLIENT LIST shows flag b and the command; INFO counts blocked clients and keys', async () => {
    const before = Number(await infoField('clients', 'blocked_clients'));
    const a = await parked('BLPOP', 'in-1', 'in-2', '0');
    const b = await parked('BRPOP', 'in-2', '5');
    const line = String(await send('CLIENT', 'LIST', 'ID', a.id));
    assert.match(line, / flags=b /);
    assert.match(line, / cmd=blpop /);
    assert.equal(Number(await infoField('clients', 'blocked_clients')), before + 2);
    if (!againstRedis) {
      // total_blocking_keys and total_blocking_keys_on_nokey are Redis 7.2 fields.
      assert.equal(await infoField('clients', 'total_blocking_keys'), '2');
      assert.equal(await infoField('clients', 'total_blocking_keys_on_nokey'), '0');
      assert.equal(await infoField('clients', 'clients_in_timeout_table'), '1');
    }
    await send('RPUSH', 'in-2', 'x', 'y');
    await a.reply;
    await b.reply;
    assert.equal(Number(await infoField('clients', 'blocked_clients')), before);
    if (!againstRedis) assert.equal(await infoField('clients', 'total_blocking_keys'), '0');
    assert.match(String(await send('CLIENT', 'LIST', 'ID', a.id)), / flags=N .* cmd=blpop /);
  });

  it('counts a blocking command once, when it really runs', async () => {
    await send('CONFIG', 'RESETSTAT');
    const a = await parked('BLPOP', 'st', '0');
    const calls = async (cmd: string) => {
      const v = await infoField('commandstats', `cmdstat_${cmd}`);
      return v === undefined ? 0 : Number(/calls=(\d+)/.exec(v)![1]);
    };
    // Redis 7.2 counts nothing while the command is parked; 7.0 counted the parking run.
    assert.equal(await calls('blpop'), againstRedis ? 1 : 0);
    await send('RPUSH', 'st', 'v');
    await a.reply;
    assert.equal(await calls('blpop'), 1);
    await a.x.send('BLPOP', 'st', '0.01');
    assert.equal(await calls('blpop'), 2);
    const u = await parked('BRPOP', 'st', '0');
    await send('CLIENT', 'UNBLOCK', u.id, 'ERROR');
    await u.reply;
    assert.equal(await calls('brpop'), 1);
    const v = await infoField('commandstats', 'cmdstat_brpop');
    // 7.0 did not count an UNBLOCK ERROR as a failed call.
    if (!againstRedis) assert.match(String(v), /failed_calls=1/);
  });
});

describe('CLIENT PAUSE', () => {
  it('a parked client still times out and can be unblocked while writes are paused', async () => {
    const a = await parked('BLPOP', 'pz', '0.1');
    const b = await parked('BLPOP', 'pz', '0');
    await send('CLIENT', 'PAUSE', '2000', 'WRITE');
    try {
      const start = Date.now();
      assert.equal(await a.reply, null);
      assert.ok(Date.now() - start < 1500);
      assert.equal(await send('CLIENT', 'UNBLOCK', b.id), 1);
      assert.equal(await b.reply, null);
    } finally {
      await send('CLIENT', 'UNPAUSE');
    }
  });

  it('a blocking command sent during CLIENT PAUSE WRITE waits for the pause, then parks', async () => {
    const x = await client();
    await send('CLIENT', 'PAUSE', '150', 'WRITE');
    const start = Date.now();
    assert.equal(await x.send('BLPOP', 'pz2', '0.01'), null);
    assert.ok(Date.now() - start >= 100);
  });

  it('CLIENT UNBLOCK leaves a client held by a pause alone (Redis 7.2)', { skip: againstRedis && '7.0 crashes here' }, async () => {
    const x = await client();
    const id = Number(await x.send('CLIENT', 'ID'));
    await send('CLIENT', 'PAUSE', '200', 'WRITE');
    const held = x.send('SET', 'pz3', 'v');
    await new Promise((r) => setTimeout(r, 20));
    assert.equal(await send('CLIENT', 'UNBLOCK', id), 0);
    assert.equal(await held, 'OK');
  });
});
