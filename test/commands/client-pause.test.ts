// CLIENT PAUSE / UNPAUSE: which commands wait, that a client's later commands queue behind a
// waiting one, resumption on timeout and on UNPAUSE, errors, and expiry during a pause.
// Runs against nodis and real Redis.

import { strict as assert } from 'node:assert';
import { after, afterEach, before, describe, it } from 'node:test';
import { ClientPause } from '../../src/session/pause.js';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;
let admin: TestClient;

before(async () => {
  target = await startTarget();
  admin = await target.client();
});
afterEach(async () => {
  await admin.send('CLIENT', 'UNPAUSE');
});
after(async () => {
  admin.close();
  await target.close();
});

function errText(v: RespValue): string {
  assert.ok(v instanceof RespError, `expected an error, got ${String(v)}`);
  return v.message;
}

/** Resolves with the reply and how long it took. */
async function timed(p: Promise<RespValue>): Promise<[RespValue, number]> {
  const start = Date.now();
  const r = await p;
  return [r, Date.now() - start];
}

describe('CLIENT PAUSE WRITE', () => {
  it('lets reads through and holds writes until the timeout', async () => {
    const a = await target.client();
    await a.send('SET', 'pw-k', 'before');
    assert.equal(await admin.send('CLIENT', 'PAUSE', '300', 'WRITE'), 'OK');
    const [get, tGet] = await timed(a.send('GET', 'pw-k'));
    assert.equal(get, 'before');
    assert.ok(tGet < 200, `a read is not paused (${tGet} ms)`);
    const [set, tSet] = await timed(a.send('SET', 'pw-k', 'after'));
    assert.equal(set, 'OK');
    assert.ok(tSet >= 200, `the write waited for the pause (${tSet} ms)`);
    assert.equal(await a.send('GET', 'pw-k'), 'after');
    a.close();
  });

  it('keeps a client\'s order: reads pipelined after a held write wait too', async () => {
    const a = await target.client();
    const b = await target.client();
    await a.send('SET', 'pw-o', '1');
    await admin.send('CLIENT', 'PAUSE', '250', 'WRITE');
    const start = Date.now();
    const replies = await a.pipeline([['SET', 'pw-o', '2'], ['GET', 'pw-o'], ['PING']]);
    const took = Date.now() - start;
    assert.deepEqual(replies, ['OK', '2', 'PONG']);
    assert.ok(took >= 150, `the pipeline waited (${took} ms)`);
    b.close();
    a.close();
  });

  it('holds commands that may replicate (PUBLISH) but not read-only ones', async () => {
    const a = await target.client();
    await admin.send('CLIENT', 'PAUSE', '250', 'WRITE');
    const [, tPing] = await timed(a.send('PING'));
    assert.ok(tPing < 150, `PING is not held (${tPing} ms)`);
    const [pub, tPub] = await timed(a.send('PUBLISH', 'chan', 'msg'));
    if (pub instanceof RespError) {
      // PUBLISH belongs to the pub/sub area: where it is not built yet it is an unknown command,
      // and the dispatcher rejects unknown commands at once.
      assert.match(pub.message, /^ERR unknown command 'PUBLISH'/);
    } else {
      assert.equal(pub, 0);
      assert.ok(tPub >= 150, `PUBLISH was held (${tPub} ms)`);
    }
    a.close();
  });

  it('UNPAUSE from another client releases held clients at once', async () => {
    const a = await target.client();
    const ia = await a.send('CLIENT', 'ID');
    await admin.send('CLIENT', 'PAUSE', '10000', 'WRITE');
    const held = timed(a.send('SET', 'pw-u', 'x'));
    await new Promise((r) => setTimeout(r, 50));
    // A held client shows as blocked, running the held command.
    const row = (await admin.send('CLIENT', 'LIST', 'ID', String(ia))) as string;
    assert.match(row, / flags=b /);
    assert.match(row, / cmd=set /);
    assert.equal(await admin.send('CLIENT', 'UNPAUSE'), 'OK');
    const [r, took] = await held;
    assert.equal(r, 'OK');
    assert.ok(took < 2000, `released by UNPAUSE (${took} ms)`);
    a.close();
  });

  it('rejections are not held: arity and unknown commands answer at once', async () => {
    // A fresh server: under ALL even UNPAUSE waits, so this pause must not outlive the test.
    const t = await startTarget();
    try {
      const p = await t.client();
      const a = await t.client();
      await p.send('CLIENT', 'PAUSE', '300', 'ALL');
      const [r1, t1] = await timed(a.send('SET', 'only-key'));
      assert.equal(errText(r1), "ERR wrong number of arguments for 'set' command");
      const [r2, t2] = await timed(a.send('NOSUCHCMD'));
      assert.match(errText(r2), /^ERR unknown command 'NOSUCHCMD'/);
      assert.ok(t1 < 200 && t2 < 200, `rejected at once (${t1}, ${t2} ms)`);
      const [r3, t3] = await timed(p.send('CLIENT', 'UNPAUSE'));
      assert.equal(r3, 'OK');
      assert.ok(t3 >= 150, `UNPAUSE itself waits under ALL (${t3} ms)`);
      p.close();
      a.close();
    } finally {
      await t.close();
    }
  });
});

describe('CLIENT PAUSE ALL', () => {
  it('holds every command, including the pausing client\'s own', async () => {
    const t = await startTarget();
    try {
      const a = await t.client();
      const b = await t.client();
      assert.equal(await a.send('CLIENT', 'PAUSE', '250'), 'OK');
      const [pong, took] = await timed(b.send('PING'));
      assert.equal(pong, 'PONG');
      assert.ok(took >= 150, `PING was held (${took} ms)`);
      await a.send('CLIENT', 'PAUSE', '200', 'ALL');
      const [own, tOwn] = await timed(a.send('PING'));
      assert.equal(own, 'PONG');
      assert.ok(tOwn >= 100, `the pausing client is held too (${tOwn} ms)`);
      a.close();
      b.close();
    } finally {
      await t.close();
    }
  });

  it('a later shorter pause does not shorten the first', async () => {
    const t = await startTarget();
    try {
      const a = await t.client();
      const b = await t.client();
      await a.pipeline([['CLIENT', 'PAUSE', '400', 'WRITE'], ['CLIENT', 'PAUSE', '10', 'WRITE']]);
      const [, took] = await timed(b.send('SET', 'k', 'v'));
      assert.ok(took >= 250, `the end time kept the longer pause (${took} ms)`);
      a.close();
      b.close();
    } finally {
      await t.close();
    }
  });
});

describe('CLIENT PAUSE errors', () => {
  it('validates timeout and mode', async () => {
    assert.equal(errText(await admin.send('CLIENT', 'PAUSE', 'abc')), 'ERR timeout is not an integer or out of range');
    assert.equal(errText(await admin.send('CLIENT', 'PAUSE', '1.5')), 'ERR timeout is not an integer or out of range');
    assert.equal(errText(await admin.send('CLIENT', 'PAUSE', '-1')), 'ERR timeout is negative');
    assert.equal(errText(await admin.send('CLIENT', 'PAUSE', '10', 'READ')), 'ERR CLIENT PAUSE mode must be WRITE or ALL');
    assert.equal(
      errText(await admin.send('CLIENT', 'PAUSE', '10', 'ALL', 'x')),
      "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.",
    );
    assert.equal(errText(await admin.send('CLIENT', 'PAUSE')), "ERR wrong number of arguments for 'client|pause' command");
    assert.equal(errText(await admin.send('CLIENT', 'UNPAUSE', 'x')), "ERR wrong number of arguments for 'client|unpause' command");
  });

  it('UNPAUSE without a pause is fine', async () => {
    assert.equal(await admin.send('CLIENT', 'UNPAUSE'), 'OK');
  });
});

describe('expiry during a pause', () => {
  it('an expired key reads as missing while paused', async (t) => {
    const a = await target.client();
    await a.send('SET', 'probe-k', 'v', 'PX', '5');
    await new Promise((r) => setTimeout(r, 20));
    if ((await a.send('GET', 'probe-k')) !== null) {
      a.close();
      return t.skip('SET PX is not built in this branch yet (strings area)');
    }
    await a.send('SET', 'pe-k', 'v', 'PX', '30');
    await admin.send('CLIENT', 'PAUSE', '300', 'WRITE');
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(await a.send('GET', 'pe-k'), null);
    a.close();
  });

  it('keys are hidden, not deleted, while a pause is active (no DEL may be propagated)', () => {
    let ended = 0;
    const p = new ClientPause(() => ended++);
    assert.equal(p.expiryPolicy(), 'delete');
    p.pause(10_000, 'write');
    assert.equal(p.expiryPolicy(), 'hide');
    p.pause(10_000, 'all');
    assert.equal(p.active, 'all', 'the newer mode replaces the older');
    p.unpause();
    assert.equal(p.expiryPolicy(), 'delete');
    assert.equal(ended, 1);
    p.close();
  });
});
