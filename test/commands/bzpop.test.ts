// BZPOPMIN, BZPOPMAX and BZMPOP against the test target (nodis, or real Redis with
// NODIS_TEST_TARGET=redis): argument errors, serving at once, RESP2/RESP3 shapes, timeouts,
// parking and FIFO wake-ups on every kind of sorted-set write, MULTI, CLIENT UNBLOCK and what
// they propagate (read from nodis's propagator or Redis's SYNC stream).

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { againstRedis } from '../helpers/server.js';
import { startStringTarget, type StringTarget } from './string/target.js';

let t: StringTarget;
const extra: TestClient[] = [];

before(async () => {
  t = await startStringTarget();
});
after(async () => {
  for (const x of extra) x.close();
  await t.close();
});

const send = (...a: (string | number)[]): Promise<RespValue> => t.client.send(...a);

async function client(): Promise<TestClient> {
  const x = await t.newClient();
  extra.push(x);
  return x;
}

async function fails(args: (string | number)[], message: string): Promise<void> {
  const r = await send(...args);
  assert.ok(r instanceof RespError, `expected an error for ${args.join(' ')}, got ${String(r)}`);
  assert.equal(r.message, message);
}

const WRONGTYPE = 'WRONGTYPE Operation against a key holding the wrong kind of value';
const arity = (cmd: string) => `ERR wrong number of arguments for '${cmd}' command`;

/** Starts a blocking command on a fresh client (RESP3 if asked) and resolves once it is parked. */
async function parked(args: (string | number)[], opts: { resp3?: boolean; raw?: boolean } = {}):
Promise<{ reply: Promise<RespValue>; x: TestClient; id: number }> {
  const x = await client();
  if (opts.resp3 === true) await x.send('HELLO', '3');
  const id = Number(await x.send('CLIENT', 'ID'));
  const reply = opts.raw === true ? x.sendRaw(...args) : x.send(...args);
  const cmd = String(args[0]).toLowerCase();
  const deadline = Date.now() + 5000;
  for (;;) {
    const line = String(await send('CLIENT', 'LIST', 'ID', id));
    if (/ flags=\S*b/.test(line) && line.includes(` cmd=${cmd} `)) return { reply, x, id };
    if (Date.now() > deadline) throw new Error(`client ${id} never blocked in ${cmd}: ${line}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** True when the promise has not settled within ms. */
async function stillPending(p: Promise<unknown>, ms = 30): Promise<boolean> {
  let done = false;
  void p.then(() => { done = true; });
  await new Promise((r) => setTimeout(r, ms));
  return !done;
}

describe('argument errors', () => {
  it('checks arity', async () => {
    await fails(['BZPOPMIN', 'k'], arity('bzpopmin'));
    await fails(['BZPOPMAX', 'k'], arity('bzpopmax'));
    await fails(['BZMPOP', '0', '1', 'k'], arity('bzmpop'));
  });

  it('refuses bad timeouts with Redis\'s words', async () => {
    await fails(['BZPOPMIN', 'e1', '-1'], 'ERR timeout is negative');
    await fails(['BZPOPMAX', 'e1', 'e2', '-0.5'], 'ERR timeout is negative');
    await fails(['BZPOPMIN', 'e1', 'abc'], 'ERR timeout is not a float or out of range');
    await fails(['BZPOPMAX', 'e1', 'nan'], 'ERR timeout is not a float or out of range');
    await fails(['BZMPOP', 'x', '1', 'e1', 'MIN'], 'ERR timeout is not a float or out of range');
    await fails(['BZMPOP', '-1', '1', 'e1', 'MAX'], 'ERR timeout is negative');
    // 7.0 read an infinite timeout as negative; 7.2 says it is out of range.
    const inf = againstRedis ? 'ERR timeout is negative' : 'ERR timeout is out of range';
    await fails(['BZPOPMIN', 'e1', 'inf'], inf);
    await fails(['BZMPOP', 'inf', '1', 'e1', 'MIN'], inf);
  });

  it('BZPOPMIN reads the timeout before any key', async () => {
    await send('SET', 'ae-s', 'x');
    await fails(['BZPOPMIN', 'ae-s', 'x'], 'ERR timeout is not a float or out of range');
  });

  it('BZMPOP checks numkeys, the direction and COUNT before the timeout', async () => {
    await fails(['BZMPOP', 'x', '0', 'e1', 'MIN'], 'ERR numkeys should be greater than 0');
    await fails(['BZMPOP', 'x', 'x', 'e1', 'MIN'], 'ERR numkeys should be greater than 0');
    await fails(['BZMPOP', 'x', '1', 'e1', 'UP'], 'ERR syntax error');
    await fails(['BZMPOP', 'x', '3', 'e1', 'MIN'], 'ERR syntax error');
    await fails(['BZMPOP', 'x', '9223372036854775807', 'e1', 'MIN'], 'ERR syntax error');
    await fails(['BZMPOP', 'x', '1', 'e1', 'MIN', 'COUNT', '0'], 'ERR count should be greater than 0');
    await fails(['BZMPOP', 'x', '1', 'e1', 'MIN', 'COUNT', '-1'], 'ERR count should be greater than 0');
    await fails(['BZMPOP', 'x', '1', 'e1', 'max', 'count', '9223372036854775808'], 'ERR count should be greater than 0');
    await fails(['BZMPOP', 'x', '1', 'e1', 'MIN', 'COUNT', '1', 'COUNT', '2'], 'ERR syntax error');
    await fails(['BZMPOP', 'x', '1', 'e1', 'MIN', 'COUNT'], 'ERR syntax error');
    await fails(['BZMPOP', 'x', '1', 'e1', 'MIN', 'foo'], 'ERR syntax error');
  });

  it('answers WRONGTYPE for the first non-zset key met, in key order', async () => {
    await send('SET', 'wt-s', 'x');
    await send('ZADD', 'wt-z', '1', 'm');
    await fails(['BZPOPMIN', 'wt-s', '0'], WRONGTYPE);
    await fails(['BZPOPMAX', 'wt-missing', 'wt-s', '0'], WRONGTYPE);
    await fails(['BZMPOP', '0', '2', 'wt-missing', 'wt-s', 'MIN'], WRONGTYPE);
    await fails(['BZPOPMIN', 'wt-s', 'wt-z', '0'], WRONGTYPE);
    // A sorted set before the string is served without looking further.
    assert.deepEqual(await send('BZPOPMIN', 'wt-z', 'wt-s', '0'), ['wt-z', 'm', '1']);
  });
});

describe('serving without waiting', () => {
  it('BZPOPMIN / BZPOPMAX pop one member from the first non-empty sorted set', async () => {
    await send('ZADD', 'now-b', '1', 'a', '2', 'b', '3', 'c');
    assert.deepEqual(await send('BZPOPMIN', 'now-a', 'now-b', '0'), ['now-b', 'a', '1']);
    assert.deepEqual(await send('BZPOPMAX', 'now-a', 'now-b', '0'), ['now-b', 'c', '3']);
    assert.deepEqual(await send('BZPOPMAX', 'now-b', '0'), ['now-b', 'b', '2']);
    assert.equal(await send('EXISTS', 'now-b'), 0);
  });

  it('BZMPOP pops up to COUNT, [key, [[member, score], ...]]', async () => {
    await send('ZADD', 'now-m', '1', 'a', '2', 'b', '3', 'c');
    assert.deepEqual(await send('BZMPOP', '0', '2', 'now-x', 'now-m', 'MAX', 'COUNT', '2'), ['now-m', [['c', '3'], ['b', '2']]]);
    assert.deepEqual(await send('BZMPOP', '0', '1', 'now-m', 'min', 'count', '9'), ['now-m', [['a', '1']]]);
    assert.equal(await send('EXISTS', 'now-m'), 0);
    await send('ZADD', 'now-m', '5', 'x', '4', 'y');
    assert.deepEqual(await send('BZMPOP', '0', '1', 'now-m', 'MIN'), ['now-m', [['y', '4']]]);
  });

  it('equal scores pop in member order; infinities are spelt inf', async () => {
    await send('ZADD', 'now-e', '1', 'b', '1', 'a', '-inf', 'lo', 'inf', 'hi');
    assert.deepEqual(await send('BZPOPMIN', 'now-e', '0'), ['now-e', 'lo', '-inf']);
    assert.deepEqual(await send('BZPOPMAX', 'now-e', '0'), ['now-e', 'hi', 'inf']);
    assert.deepEqual(await send('BZPOPMIN', 'now-e', '0'), ['now-e', 'a', '1']);
    assert.deepEqual(await send('BZPOPMAX', 'now-e', '0'), ['now-e', 'b', '1']);
  });

  it('the score is a bulk string in RESP2 and a double in RESP3', async () => {
    const x = await client();
    await send('ZADD', 'r3', '1.5', 'a', '2', 'b', '3', 'c', '4', 'd');
    assert.equal(await x.sendRaw('BZPOPMIN', 'r3', '0'), '*3\r\n$2\r\nr3\r\n$1\r\na\r\n$3\r\n1.5\r\n');
    await x.send('HELLO', '3');
    assert.equal(await x.sendRaw('BZPOPMIN', 'r3', '0'), '*3\r\n$2\r\nr3\r\n$1\r\nb\r\n,2\r\n');
    assert.equal(await x.sendRaw('BZMPOP', '0', '1', 'r3', 'MAX', 'COUNT', '2'), '*2\r\n$2\r\nr3\r\n*2\r\n*2\r\n$1\r\nd\r\n,4\r\n*2\r\n$1\r\nc\r\n,3\r\n');
  });

  it('formats scores with the shortest round-trip text (Redis 7.2)', async () => {
    await send('ZADD', 'fmt', '1.1', 'a', '0.1', 'b');
    // 7.0 prints doubles with %.17g; 7.2 prints the shortest text that reads back the same.
    assert.deepEqual(await send('BZPOPMIN', 'fmt', '0'), ['fmt', 'b', againstRedis ? '0.10000000000000001' : '0.1']);
    assert.deepEqual(await send('BZMPOP', '0', '1', 'fmt', 'MIN'), ['fmt', [['a', againstRedis ? '1.1000000000000001' : '1.1']]]);
  });
});

describe('timeouts', () => {
  it('answer a null array after the fractional timeout (RESP2)', async () => {
    const x = await client();
    const cases: (string | number)[][] = [
      ['BZPOPMIN', 'to-1', 'to-2', '0.05'],
      ['BZPOPMAX', 'to-1', '0.05'],
      ['BZMPOP', '0.05', '2', 'to-1', 'to-2', 'MIN', 'COUNT', '3'],
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
    assert.equal(await x.sendRaw('BZPOPMIN', 'to3', '0.01'), '_\r\n');
    assert.equal(await x.sendRaw('BZPOPMAX', 'to3', '0.01'), '_\r\n');
    assert.equal(await x.sendRaw('BZMPOP', '0.01', '1', 'to3', 'MAX'), '_\r\n');
  });
});

describe('waking parked clients', () => {
  it('ZADD serves the first parked client first (FIFO per key)', async () => {
    const a = await parked(['BZPOPMIN', 'fifo', '0']);
    const b = await parked(['BZPOPMAX', 'fifo', '0']);
    await send('ZADD', 'fifo', '1', 'one');
    assert.deepEqual(await a.reply, ['fifo', 'one', '1']);
    assert.ok(await stillPending(b.reply));
    await send('ZADD', 'fifo', '2', 'two');
    assert.deepEqual(await b.reply, ['fifo', 'two', '2']);
  });

  it('one ZADD serves several clients in parking order, each from its own end', async () => {
    const a = await parked(['BZPOPMIN', 'many', '0']);
    const b = await parked(['BZPOPMAX', 'many', '0']);
    const m = await parked(['BZMPOP', '0', '1', 'many', 'MIN', 'COUNT', '5']);
    const d = await parked(['BZPOPMIN', 'many', '0']);
    assert.equal(await send('ZADD', 'many', '1', 'a', '2', 'b', '3', 'c', '4', 'd'), 4);
    assert.deepEqual(await a.reply, ['many', 'a', '1']);
    assert.deepEqual(await b.reply, ['many', 'd', '4']);
    assert.deepEqual(await m.reply, ['many', [['b', '2'], ['c', '3']]]);
    assert.ok(await stillPending(d.reply));
    assert.equal(await send('EXISTS', 'many'), 0);
    await send('ZADD', 'many', '9', 'z');
    assert.deepEqual(await d.reply, ['many', 'z', '9']);
  });

  it('a client parked on several keys is served by whichever gets members, once', async () => {
    const a = await parked(['BZPOPMAX', 'mk-1', 'mk-2', 'mk-1', '0']);
    await send('ZADD', 'mk-2', '1', 'x', '2', 'y');
    assert.deepEqual(await a.reply, ['mk-2', 'y', '2']);
    assert.deepEqual(await send('ZRANGE', 'mk-2', 0, -1), ['x']);
  });

  it('ZINCRBY, ZUNIONSTORE, ZRANGESTORE and RENAME wake it too', async () => {
    await send('ZADD', 'src', '1', 'u', '2', 'v');
    const a = await parked(['BZPOPMIN', 'w-incr', '0']);
    await send('ZINCRBY', 'w-incr', '2.5', 'm');
    assert.deepEqual(await a.reply, ['w-incr', 'm', '2.5']);
    const b = await parked(['BZMPOP', '0', '1', 'w-union', 'MAX', 'COUNT', '10']);
    await send('ZUNIONSTORE', 'w-union', '1', 'src');
    assert.deepEqual(await b.reply, ['w-union', [['v', '2'], ['u', '1']]]);
    const c = await parked(['BZPOPMAX', 'w-range', '0']);
    await send('ZRANGESTORE', 'w-range', 'src', '0', '0');
    assert.deepEqual(await c.reply, ['w-range', 'u', '1']);
    const d = await parked(['BZPOPMIN', 'w-ren', '0']);
    await send('RENAME', 'src', 'w-ren');
    assert.deepEqual(await d.reply, ['w-ren', 'u', '1']);
    assert.deepEqual(await send('ZRANGE', 'w-ren', 0, -1), ['v']);
  });

  it('a key that holds another type does not wake it; a later sorted set does', async () => {
    const a = await parked(['BZPOPMIN', 'ty', '0']);
    await send('RPUSH', 'ty', 'x');
    await send('SET', 'ty', 'str');
    assert.ok(await stillPending(a.reply));
    await send('DEL', 'ty');
    await send('ZADD', 'ty', '7', 'm');
    assert.deepEqual(await a.reply, ['ty', 'm', '7']);
  });

  it('sorted sets do not wake BLPOP, nor lists BZPOPMIN', async () => {
    const l = await parked(['BLPOP', 'cross', '0']);
    const z = await parked(['BZPOPMIN', 'cross2', '0']);
    await send('ZADD', 'cross', '1', 'm');
    await send('RPUSH', 'cross2', 'e');
    assert.ok(await stillPending(l.reply));
    assert.ok(await stillPending(z.reply));
    await send('DEL', 'cross', 'cross2');
    await send('RPUSH', 'cross', 'e');
    await send('ZADD', 'cross2', '1', 'm');
    assert.deepEqual(await l.reply, ['cross', 'e']);
    assert.deepEqual(await z.reply, ['cross2', 'm', '1']);
  });

  it('replies in RESP3 shapes when served after waiting', async () => {
    const a = await parked(['BZPOPMIN', 'w3', '0'], { resp3: true, raw: true });
    const m = await parked(['BZMPOP', '0', '1', 'w3', 'MAX'], { resp3: true, raw: true });
    await send('ZADD', 'w3', '1', 'a', '2', 'b');
    assert.equal(await a.reply, '*3\r\n$2\r\nw3\r\n$1\r\na\r\n,1\r\n');
    assert.equal(await m.reply, '*2\r\n$2\r\nw3\r\n*1\r\n*2\r\n$1\r\nb\r\n,2\r\n');
  });

  it('CLIENT UNBLOCK ends the wait with a null array or the UNBLOCKED error', async () => {
    const a = await parked(['BZPOPMIN', 'ub', '0']);
    assert.equal(await send('CLIENT', 'UNBLOCK', a.id), 1);
    assert.equal(await a.reply, null);
    const m = await parked(['BZMPOP', '0', '1', 'ub', 'MIN']);
    assert.equal(await send('CLIENT', 'UNBLOCK', m.id, 'ERROR'), 1);
    const r = await m.reply;
    assert.ok(r instanceof RespError);
    assert.equal(r.message, 'UNBLOCKED client unblocked via CLIENT UNBLOCK');
  });
});

describe('propagation', () => {
  it('served at once: ZPOPMIN/ZPOPMAX key, with how many went for BZMPOP and ZMPOP', async () => {
    await send('ZADD', 'pa', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e');
    const seen = await t.propagated(async () => {
      await send('BZPOPMIN', 'pa-none', 'pa', '0');
      await send('BZPOPMAX', 'pa', '0');
      await send('BZMPOP', '0', '1', 'pa', 'MAX', 'COUNT', '1');
      await send('BZMPOP', '0', '1', 'pa', 'MIN', 'COUNT', '5');
      await send('ZADD', 'pa', '1', 'a', '2', 'b');
      await send('ZMPOP', '1', 'pa', 'MAX', 'COUNT', '9');
    });
    assert.deepEqual(seen, [
      ['ZPOPMIN', 'pa'],
      ['ZPOPMAX', 'pa'],
      ['ZPOPMAX', 'pa', '1'],
      // COUNT is capped at the set's size in what is propagated.
      ['ZPOPMIN', 'pa', '2'],
      ['ZADD', 'pa', '1', 'a', '2', 'b'],
      ['ZPOPMAX', 'pa', '2'],
    ]);
  });

  it('served after waiting: the write, then each served command', async () => {
    const seen = await t.propagated(async () => {
      const a = await parked(['BZPOPMAX', 'pw', '0']);
      const b = await parked(['BZMPOP', '0', '2', 'pw-x', 'pw', 'MIN']);
      const c = await parked(['BZMPOP', '0', '1', 'pw', 'MIN', 'COUNT', '10']);
      await send('ZADD', 'pw', '1', 'a', '2', 'b', '3', 'c', '4', 'd');
      assert.deepEqual(await a.reply, ['pw', 'd', '4']);
      assert.deepEqual(await b.reply, ['pw', [['a', '1']]]);
      assert.deepEqual(await c.reply, ['pw', [['b', '2'], ['c', '3']]]);
    });
    assert.deepEqual(seen, [
      ['ZADD', 'pw', '1', 'a', '2', 'b', '3', 'c', '4', 'd'],
      ['ZPOPMAX', 'pw'],
      ['ZPOPMIN', 'pw', '1'],
      ['ZPOPMIN', 'pw', '2'],
    ]);
  });

  it('a timeout, CLIENT UNBLOCK and a WRONGTYPE propagate nothing', async () => {
    await send('SET', 'pn-s', 'x');
    const seen = await t.propagated(async () => {
      assert.equal(await send('BZPOPMIN', 'pn', '0.01'), null);
      assert.equal(await send('BZMPOP', '0.01', '1', 'pn', 'MAX'), null);
      const a = await parked(['BZPOPMAX', 'pn', '0']);
      await send('CLIENT', 'UNBLOCK', a.id);
      assert.equal(await a.reply, null);
      assert.ok(await send('BZPOPMIN', 'pn-s', '0') instanceof RespError);
    });
    assert.deepEqual(seen, []);
  });
});

describe('inside MULTI/EXEC', () => {
  it('never blocks: an empty wait answers the null array; a filled key is served', async () => {
    await send('SET', 'mx-s', 'x');
    const x = await client();
    const replies = await x.pipeline([
      ['MULTI'],
      ['BZPOPMIN', 'mx', '0'],
      ['BZPOPMAX', 'mx', '0'],
      ['BZMPOP', '0', '1', 'mx', 'MIN'],
      ['BZPOPMIN', 'mx-s', '0'],
      ['ZADD', 'mx', '1', 'a', '2', 'b'],
      ['BZPOPMAX', 'mx', '0'],
      ['BZMPOP', '0', '1', 'mx', 'MIN', 'COUNT', '3'],
      ['EXEC'],
    ]);
    const exec = replies[replies.length - 1] as RespValue[];
    assert.deepEqual(exec.slice(0, 3), [null, null, null]);
    assert.ok(exec[3] instanceof RespError && exec[3].message === WRONGTYPE);
    assert.deepEqual(exec.slice(4), [2, ['mx', 'b', '2'], ['mx', [['a', '1']]]]);
    const raw = await x.writeRaw('*1\r\n$5\r\nMULTI\r\n*3\r\n$8\r\nBZPOPMIN\r\n$2\r\nmx\r\n$1\r\n0\r\n*1\r\n$4\r\nEXEC\r\n', 3);
    assert.equal(raw[2], '*1\r\n*-1\r\n');
  });

  it('a sorted set written by a transaction serves parked clients after EXEC', async () => {
    const a = await parked(['BZPOPMIN', 'mw', '0']);
    const replies = await t.client.pipeline([['MULTI'], ['ZADD', 'mw', '1', 'x'], ['ZADD', 'mw', '0', 'y'], ['EXEC']]);
    assert.deepEqual(replies[3], [1, 1]);
    assert.deepEqual(await a.reply, ['mw', 'y', '0']);
    assert.deepEqual(await send('ZRANGE', 'mw', 0, -1), ['x']);
  });
});
