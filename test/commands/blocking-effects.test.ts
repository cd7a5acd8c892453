// What blocking commands propagate (their non-blocking form, whether served at once or after
// waiting; nothing on timeout) and how they behave inside MULTI/EXEC (never block). Propagation
// is read from nodis's propagator or, against real Redis, from its replication stream (SYNC).

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

/** Starts a blocking command on a fresh client and resolves once the server parked it. */
async function parked(...args: (string | number)[]): Promise<{ reply: Promise<RespValue> }> {
  const x = await t.newClient();
  extra.push(x);
  const id = Number(await x.send('CLIENT', 'ID'));
  const reply = x.send(...args);
  const deadline = Date.now() + 5000;
  for (;;) {
    const line = String(await send('CLIENT', 'LIST', 'ID', id));
    if (/ flags=\S*b/.test(line)) return { reply };
    if (Date.now() > deadline) throw new Error(`never parked: ${line}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('propagation', () => {
  it('served at once: the non-blocking form', async () => {
    await send('RPUSH', 'pa', 'a', 'b', 'c', 'd', 'e', 'f');
    const seen = await t.propagated(async () => {
      await send('BLPOP', 'pa-none', 'pa', '0');
      await send('BRPOP', 'pa', '0');
      await send('BLMPOP', '0', '1', 'pa', 'LEFT', 'COUNT', '2');
      await send('BLMOVE', 'pa', 'pb', 'LEFT', 'RIGHT', '0');
      await send('BRPOPLPUSH', 'pa', 'pb', '0');
    });
    assert.deepEqual(seen, [
      ['LPOP', 'pa'],
      ['RPOP', 'pa'],
      ['LPOP', 'pa', '2'],
      ['LMOVE', 'pa', 'pb', 'LEFT', 'RIGHT'],
      ['RPOPLPUSH', 'pa', 'pb'],
    ]);
  });

  it('served after waiting: the push, then each served command in its own unit', async () => {
    const seen = await t.propagated(async () => {
      const { reply: a } = await parked('BLPOP', 'pw', '0');
      const { reply: b } = await parked('BLMPOP', '0', '2', 'pw-x', 'pw', 'RIGHT', 'COUNT', '5');
      const { reply: m } = await parked('BLMOVE', 'pw2', 'pw3', 'RIGHT', 'LEFT', '0');
      const { reply: r } = await parked('BRPOPLPUSH', 'pw3', 'pw4', '0');
      await send('RPUSH', 'pw', '1', '2', '3');
      assert.deepEqual(await a, ['pw', '1']);
      assert.deepEqual(await b, ['pw', ['3', '2']]);
      await send('LPUSH', 'pw2', 'x');
      assert.equal(await m, 'x');
      assert.equal(await r, 'x');
    });
    assert.deepEqual(seen, [
      ['RPUSH', 'pw', '1', '2', '3'],
      ['LPOP', 'pw'],
      ['RPOP', 'pw', '2'],
      ['LPUSH', 'pw2', 'x'],
      // Redis 7.0 served waiting clients on a separate path that spelt the directions itself;
      // 7.2 runs the command again, which propagates the client's own words.
      againstRedis ? ['LMOVE', 'pw2', 'pw3', 'right', 'left'] : ['LMOVE', 'pw2', 'pw3', 'RIGHT', 'LEFT'],
      ['RPOPLPUSH', 'pw3', 'pw4'],
    ]);
  });

  it('a timeout, CLIENT UNBLOCK and a WRONGTYPE propagate nothing', async () => {
    await send('SET', 'pn-s', 'x');
    const seen = await t.propagated(async () => {
      assert.equal(await send('BLPOP', 'pn', '0.01'), null);
      assert.equal(await send('BLMOVE', 'pn', 'pn2', 'LEFT', 'LEFT', '0.01'), null);
      assert.ok(await send('BLPOP', 'pn-s', '0') instanceof RespError);
    });
    assert.deepEqual(seen, []);
  });
});

describe('inside MULTI/EXEC', () => {
  let haveMulti = false;
  before(async () => {
    const r = await send('MULTI');
    haveMulti = r === 'OK';
    if (haveMulti) await send('DISCARD');
  });

  it('never blocks: answers as on timeout, except BLMOVE/BRPOPLPUSH\'s null bulk', async (ctx) => {
    if (!haveMulti) return ctx.skip('MULTI is not in this build');
    await send('SET', 'mx-s', 'x');
    const x = await t.newClient();
    extra.push(x);
    const replies = await x.pipeline([
      ['MULTI'],
      ['BLPOP', 'mx', '0'],
      ['BRPOP', 'mx', '0'],
      ['BLMPOP', '0', '1', 'mx', 'LEFT'],
      ['BLMOVE', 'mx', 'mx2', 'LEFT', 'LEFT', '0'],
      ['BRPOPLPUSH', 'mx', 'mx2', '0'],
      ['BLPOP', 'mx-s', '0'],
      ['RPUSH', 'mx', 'a', 'b'],
      ['BLPOP', 'mx', '0'],
      ['BLMOVE', 'mx', 'mx2', 'LEFT', 'LEFT', '0'],
      ['EXEC'],
    ]);
    const exec = replies[replies.length - 1] as RespValue[];
    assert.deepEqual(exec.slice(0, 5), [null, null, null, null, null]);
    assert.ok(exec[5] instanceof RespError);
    assert.deepEqual(exec.slice(6), [2, ['mx', 'a'], 'b']);
    const raw = await x.writeRaw('*1\r\n$5\r\nMULTI\r\n*6\r\n$6\r\nBLMOVE\r\n$2\r\nmx\r\n$3\r\nmx3\r\n$4\r\nLEFT\r\n$4\r\nLEFT\r\n$1\r\n0\r\n' +
      '*3\r\n$5\r\nBLPOP\r\n$2\r\nmx\r\n$1\r\n0\r\n*1\r\n$4\r\nEXEC\r\n', 4);
    assert.equal(raw[3], '*2\r\n$-1\r\n*-1\r\n');
  });

  it('a list filled inside the transaction serves parked clients after EXEC', async (ctx) => {
    if (!haveMulti) return ctx.skip('MULTI is not in this build');
    const { reply: a } = await parked('BLPOP', 'mw', '0');
    const { reply: b } = await parked('BLPOP', 'mw-gone', '0');
    const replies = await t.client.pipeline([
      ['MULTI'], ['RPUSH', 'mw', 'x'], ['RPUSH', 'mw-gone', 'y'], ['DEL', 'mw-gone'], ['SET', 'mw-gone', 's'], ['EXEC'],
    ]);
    assert.deepEqual(replies[5], [1, 1, 1, 'OK']);
    assert.deepEqual(await a, ['mw', 'x']);
    // The key held a list during the transaction but a string after it: nobody is served.
    let settled = false;
    void b.then(() => { settled = true; });
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(settled, false);
    await send('DEL', 'mw-gone');
    await send('RPUSH', 'mw-gone', 'z');
    assert.deepEqual(await b, ['mw-gone', 'z']);
  });
});
