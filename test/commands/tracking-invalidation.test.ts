// Client-side caching invalidations: RESP3 pushes, RESP2 redirection through
// __redis__:invalidate, ordering against replies and EXEC, NOLOOP, OPTIN/OPTOUT with CLIENT
// CACHING, BCAST prefixes batched per event-loop turn, flushes (null), expiry,
// tracking-table-max-keys evictions and broken redirections.

import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, it } from 'node:test';
import { encodeCommand, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let t: Target;
let admin: TestClient;
const open: TestClient[] = [];

before(async () => {
  t = await startTarget();
  admin = await t.client();
});
after(async () => {
  admin.close();
  await t.close();
});
beforeEach(async () => {
  for (const c of open.splice(0)) c.close();
  await admin.send('FLUSHALL');
});

async function client(resp: 2 | 3 = 3): Promise<TestClient> {
  const c = await t.client();
  open.push(c);
  if (resp === 3) await c.send('HELLO', '3');
  return c;
}

const idOf = async (c: TestClient) => String(await c.send('CLIENT', 'ID'));

/**
 * Everything pushed to `c` so far. A PING round trip first: invalidations caused by earlier
 * commands (other clients' too, and BCAST ones sent at the end of the event-loop turn) are
 * written before the server reads the PING.
 */
async function drained(c: TestClient): Promise<RespValue[][]> {
  await c.send('PING');
  return c.pushes.splice(0);
}

const inv = (...keys: string[]) => ['invalidate', keys];

/** Records the raw bytes a client receives from now on. */
function recordRaw(c: TestClient): { text: string } {
  const rec = { text: '' };
  c.socket.on('data', (d: Buffer) => { rec.text += d.toString('latin1'); });
  return rec;
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function statsField(field: string): Promise<number> {
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(String(await admin.send('INFO', 'stats')));
  assert.ok(m, field);
  return Number(m[1]);
}

describe('default mode over RESP3', () => {
  it('a key read and then modified by another client is invalidated once', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    await c.send('GET', 'k');
    await c.send('MGET', 'a', 'b');
    await admin.send('SET', 'k', '1');
    assert.deepEqual(await drained(c), [inv('k')]);
    await admin.send('SET', 'k', '2');
    assert.deepEqual(await drained(c), [], 'forgotten until read again');
    await admin.send('MSET', 'a', '1', 'b', '2', 'zz', '3');
    assert.deepEqual(await drained(c), [inv('a'), inv('b')], 'one message per key');
    await admin.send('DEL', 'k', 'nope');
    assert.deepEqual(await drained(c), []);
  });

  it('tracks every key of a readonly command, a missing key or a failed read included', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    await admin.send('LPUSH', 'list', 'x');
    await c.send('GET', 'list'); // WRONGTYPE: still remembered, as Redis does
    await c.send('EXISTS', 'e1', 'e2');
    await c.send('SET', 'w', '1'); // a write is not a read
    await admin.send('RPUSH', 'list', 'y');
    await admin.send('SET', 'e2', '1');
    await admin.send('SET', 'w', '2');
    assert.deepEqual(await drained(c), [inv('list'), inv('e2')]);
  });

  it('keys are shared by all databases', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    await c.send('GET', 'k');
    await admin.send('SELECT', '3');
    await admin.send('SET', 'k', '1');
    await admin.send('SELECT', '0');
    assert.deepEqual(await drained(c), [inv('k')]);
  });

  it("the client's own write is invalidated after its reply", async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    await c.send('GET', 'k');
    const raw = recordRaw(c);
    assert.equal(await c.send('SET', 'k', 'v'), 'OK');
    await until(() => raw.text.length >= 35, 'reply and push');
    assert.equal(raw.text, '+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n');
  });

  it('invalidations caused by EXEC follow the whole EXEC reply, one per key', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    await c.send('MGET', 'k', 'k2');
    await c.send('MULTI');
    await c.send('GET', 'k');
    await c.send('SET', 'k', '1');
    await c.send('SET', 'k2', '1');
    await c.send('GET', 'k');
    const raw = recordRaw(c);
    c.pushes.length = 0;
    assert.deepEqual(await c.send('EXEC'), [null, 'OK', 'OK', '1']);
    await until(() => c.pushes.length === 2, 'two pushes');
    assert.equal(raw.text,
      '*4\r\n_\r\n+OK\r\n+OK\r\n$1\r\n1\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$2\r\nk2\r\n');
    // The last GET inside the transaction tracked k again.
    c.pushes.length = 0;
    await admin.send('SET', 'k', '2');
    assert.deepEqual(await drained(c), [inv('k')]);
  });

  it('a keyspace notification to the same client does not crowd out its invalidation', async () => {
    const c = await client();
    await admin.send('CONFIG', 'SET', 'notify-keyspace-events', 'KA');
    try {
      // RESP3 confirms a subscription with a push, not a reply.
      await c.writeRaw(encodeCommand(['SUBSCRIBE', '__keyspace@0__:k']));
      assert.deepEqual(await c.nextPush(), ['subscribe', '__keyspace@0__:k', 1]);
      await c.send('CLIENT', 'TRACKING', 'on');
      await c.send('GET', 'k');
      c.pushes.length = 0;
      assert.equal(await c.send('SET', 'k', '1'), 'OK');
      // Redis 7.0 writes the notification before the reply, 7.2 after it: compare as a set.
      const got = (await drained(c)).map((p) => JSON.stringify(p)).sort();
      assert.deepEqual(got, [JSON.stringify(['message', '__keyspace@0__:k', 'set']), JSON.stringify(inv('k'))].sort());
    } finally {
      await admin.send('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });

  it('NOLOOP skips the own writes', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on', 'noloop');
    await c.send('MGET', 'a', 'b');
    await c.send('SET', 'a', '1');
    assert.deepEqual(await drained(c), []);
    // The own write still removed a from the table for this client.
    await admin.send('SET', 'a', '2');
    await admin.send('SET', 'b', '2');
    assert.deepEqual(await drained(c), [inv('b')]);
  });

  it('a RESP2 client without redirect is tracked but told nothing', async () => {
    const c = await client(2);
    assert.equal(await c.send('CLIENT', 'TRACKING', 'on'), 'OK');
    await c.send('GET', 'k');
    await admin.send('SET', 'k', '1');
    assert.deepEqual(await drained(c), []);
    assert.equal(await c.send('GET', 'k'), '1', 'no stray bytes in the reply stream');
  });

  it('tracking off stops invalidations; keys read before stay remembered for a later ON', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    await c.send('MGET', 'a', 'b');
    await c.send('CLIENT', 'TRACKING', 'off');
    await admin.send('SET', 'a', '1');
    assert.deepEqual(await drained(c), []);
    await c.send('CLIENT', 'TRACKING', 'on');
    await admin.send('SET', 'b', '1');
    assert.deepEqual(await drained(c), [inv('b')]);
  });
});

describe('OPTIN and OPTOUT', () => {
  it('OPTIN tracks only the command (or transaction) after CLIENT CACHING YES', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on', 'optin');
    await c.send('GET', 'a');
    await c.send('CLIENT', 'CACHING', 'yes');
    await c.send('CLIENT', 'ID'); // CLIENT commands do not use it up
    await c.send('GET', 'b');
    await c.send('GET', 'c');
    await c.send('CLIENT', 'CACHING', 'yes');
    await c.send('MULTI');
    await c.send('GET', 'd');
    await c.send('GET', 'e');
    await c.send('EXEC');
    await c.send('GET', 'f');
    await admin.send('MSET', 'a', '1', 'b', '1', 'c', '1', 'd', '1', 'e', '1', 'f', '1');
    assert.deepEqual(await drained(c), [inv('b'), inv('d'), inv('e')]);
  });

  it('OPTOUT tracks everything except the command after CLIENT CACHING NO', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on', 'optout');
    await c.send('GET', 'a');
    await c.send('CLIENT', 'CACHING', 'no');
    await c.send('GET', 'b');
    await c.send('GET', 'c');
    await admin.send('MSET', 'a', '1', 'b', '1', 'c', '1');
    assert.deepEqual(await drained(c), [inv('a'), inv('c')]);
  });
});

describe('redirection', () => {
  it('RESP2: messages on __redis__:invalidate to a subscribed client', async () => {
    const sub = await client(2);
    const subId = await idOf(sub);
    assert.deepEqual(await sub.send('SUBSCRIBE', '__redis__:invalidate'), ['subscribe', '__redis__:invalidate', 1]);
    const c = await client(2);
    await c.send('CLIENT', 'TRACKING', 'on', 'redirect', subId);
    await c.send('MGET', 'a', 'b');
    await admin.send('MSET', 'a', '1', 'b', '2');
    await until(() => sub.pushes.length === 2, 'two messages');
    assert.deepEqual(sub.pushes.splice(0), [
      ['message', '__redis__:invalidate', ['a']],
      ['message', '__redis__:invalidate', ['b']],
    ]);
    await c.send('GET', 'a');
    await admin.send('FLUSHALL');
    await until(() => sub.pushes.length === 1, 'flush message');
    assert.deepEqual(sub.pushes.splice(0), [['message', '__redis__:invalidate', null]]);
    assert.deepEqual(await drained(c), [], 'nothing to the tracking client itself');
    // In subscribed mode PING answers [pong, ''] and no other message came meanwhile.
    assert.deepEqual(await sub.send('PING'), ['pong', '']);
    assert.deepEqual(sub.pushes, []);
  });

  it('RESP2: any subscription will do; without one nothing is sent', async () => {
    const sub = await client(2);
    const subId = await idOf(sub);
    await sub.send('SUBSCRIBE', 'some-other-channel');
    const plain = await client(2);
    const c = await client(2);
    const d = await client(2);
    await c.send('CLIENT', 'TRACKING', 'on', 'redirect', subId);
    await d.send('CLIENT', 'TRACKING', 'on', 'redirect', await idOf(plain));
    await c.send('GET', 'k');
    await d.send('GET', 'k');
    await admin.send('SET', 'k', '1');
    await until(() => sub.pushes.length === 1, 'message');
    assert.deepEqual(sub.pushes.splice(0), [['message', '__redis__:invalidate', ['k']]]);
    assert.equal(await plain.send('PING'), 'PONG');
    assert.deepEqual(plain.pushes, []);
  });

  it('RESP3 target: pushes, even for a RESP2 tracking client', async () => {
    const target = await client(3);
    const c = await client(2);
    await c.send('CLIENT', 'TRACKING', 'on', 'redirect', await idOf(target));
    await c.send('GET', 'k');
    await c.send('SET', 'k', '1');
    assert.deepEqual(await drained(target), [inv('k')]);
  });

  it('a write by the redirect target itself: Redis writes the push before its reply', async () => {
    const target = await client(3);
    const c = await client(3);
    await c.send('CLIENT', 'TRACKING', 'on', 'redirect', await idOf(target));
    await c.send('GET', 'k');
    const raw = recordRaw(target);
    assert.equal(await target.send('SET', 'k', '1'), 'OK');
    await until(() => raw.text.length >= 35, 'push and reply');
    assert.equal(raw.text, '>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nk\r\n+OK\r\n');
  });

  it('a target that went away: tracking-redir-broken over RESP3, flag R and broken_redirect', async () => {
    const target = await client(2);
    const targetId = await idOf(target);
    const c = await client(3);
    await c.send('CLIENT', 'TRACKING', 'on', 'redirect', targetId);
    await c.send('MGET', 'a', 'b');
    target.close();
    await until(async () => String(await admin.send('CLIENT', 'LIST', 'ID', targetId)) === '', 'target gone');
    // Nothing is said until an invalidation is due.
    assert.deepEqual(await drained(c), []);
    const cid = await idOf(c);
    assert.match(String(await admin.send('CLIENT', 'LIST', 'ID', cid)), / flags=t /);
    await admin.send('SET', 'a', '1');
    assert.deepEqual(await drained(c), [['tracking-redir-broken', Number(targetId)]]);
    assert.match(String(await admin.send('CLIENT', 'LIST', 'ID', cid)), new RegExp(` flags=tR .* redir=${targetId} `));
    const info = (await c.send('CLIENT', 'TRACKINGINFO')) as Map<RespValue, RespValue>;
    assert.deepEqual(info.get('flags'), ['on', 'broken_redirect']);
    assert.equal(info.get('redirect'), Number(targetId));
    assert.equal(await c.send('CLIENT', 'GETREDIR'), Number(targetId));
    await admin.send('SET', 'b', '1');
    assert.deepEqual(await drained(c), [['tracking-redir-broken', Number(targetId)]], 'each time');
    // A new ON clears the broken state.
    await c.send('CLIENT', 'TRACKING', 'on');
    assert.deepEqual(((await c.send('CLIENT', 'TRACKINGINFO')) as Map<RespValue, RespValue>).get('flags'), ['on']);
  });

  it('a RESP2 client with a broken redirect gets the flag and no push', async () => {
    const target = await client(2);
    const targetId = await idOf(target);
    const c = await client(2);
    await c.send('CLIENT', 'TRACKING', 'on', 'redirect', targetId);
    await c.send('GET', 'a');
    target.close();
    await until(async () => String(await admin.send('CLIENT', 'LIST', 'ID', targetId)) === '', 'target gone');
    await admin.send('SET', 'a', '1');
    assert.deepEqual(await drained(c), []);
    assert.match(String(await admin.send('CLIENT', 'LIST', 'ID', await idOf(c))), / flags=tR /);
  });
});

describe('flushes, expiry and the table limit', () => {
  it('FLUSHALL and FLUSHDB send a null to every tracking client, BCAST ones too', async () => {
    const c = await client();
    const b = await client();
    const off = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    await b.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'zz');
    await admin.send('FLUSHALL');
    assert.deepEqual(await drained(c), [['invalidate', null]], 'even with nothing read');
    assert.deepEqual(await drained(b), [['invalidate', null]]);
    await c.send('GET', 'k');
    await admin.send('SELECT', '5');
    await admin.send('FLUSHDB', 'ASYNC');
    await admin.send('SELECT', '0');
    assert.deepEqual(await drained(c), [['invalidate', null]]);
    assert.deepEqual(await drained(off), []);
    // The table was emptied: k is no longer remembered.
    await admin.send('SET', 'k', '1');
    assert.deepEqual(await drained(c), []);
  });

  it("a client's own FLUSHALL: the null follows its reply", async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    const raw = recordRaw(c);
    assert.equal(await c.send('FLUSHALL'), 'OK');
    await until(() => raw.text.length >= 25, 'reply and push');
    assert.equal(raw.text, '+OK\r\n>2\r\n$10\r\ninvalidate\r\n_\r\n');
  });

  it('SWAPDB invalidates nothing', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    await admin.send('SET', 'k', '1');
    await c.send('GET', 'k');
    await admin.send('SWAPDB', '0', '1');
    assert.deepEqual(await drained(c), []);
    await admin.send('SWAPDB', '0', '1');
  });

  it('an expired key is invalidated, even for a NOLOOP client that set it', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on', 'noloop');
    await c.send('SET', 'e', '1', 'PX', '30');
    await c.send('GET', 'e');
    const push = await c.nextPush(5000);
    assert.deepEqual(push, inv('e'));
  });

  it('tracking-table-max-keys: keys over the limit are invalidated at random', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on');
    try {
      assert.equal(await admin.send('CONFIG', 'SET', 'tracking-table-max-keys', '2'), 'OK');
      const keys = ['m1', 'm2', 'm3', 'm4', 'm5'];
      for (const k of keys) await c.send('GET', k);
      await until(async () => (await statsField('tracking_total_keys')) === 2, 'table back at its limit');
      const pushes = await drained(c);
      assert.equal(pushes.length, 3);
      const evicted = pushes.map((p) => {
        assert.equal(p[0], 'invalidate');
        assert.equal((p[1] as string[]).length, 1);
        return (p[1] as string[])[0]!;
      });
      assert.equal(new Set(evicted).size, 3);
      for (const k of evicted) assert.ok(keys.includes(k), k);
      // Lowering the limit evicts at once.
      assert.equal(await admin.send('CONFIG', 'SET', 'tracking-table-max-keys', '1'), 'OK');
      await until(async () => (await statsField('tracking_total_keys')) === 1, 'table at the lower limit');
      assert.equal((await drained(c)).length, 1);
    } finally {
      await admin.send('CONFIG', 'SET', 'tracking-table-max-keys', '1000000');
    }
  });
});

describe('BCAST', () => {
  it('announces modified keys under the prefixes, batched per event-loop turn in byte order', async () => {
    const a = await client();
    const all = await client();
    await a.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'a', 'prefix', 'b');
    await all.send('CLIENT', 'TRACKING', 'on', 'bcast');
    await admin.send('SET', 'a1', '1');
    await admin.send('SET', 'c1', '1');
    assert.deepEqual(await drained(a), [inv('a1')]);
    assert.deepEqual(await drained(all), [inv('a1'), inv('c1')]);
    // One transaction: one message per prefix, keys sorted and deduplicated.
    await admin.send('MULTI');
    await admin.send('SET', 'a2', 'x');
    await admin.send('SET', 'a1', 'x');
    await admin.send('SET', 'b0', 'x');
    await admin.send('DEL', 'b0');
    await admin.send('SET', 'a0', 'x');
    await admin.send('EXEC');
    assert.deepEqual(await drained(a), [inv('a0', 'a1', 'a2'), inv('b0')]);
    assert.deepEqual(await drained(all), [inv('a0', 'a1', 'a2', 'b0')]);
    // Reads are not needed, and reads are not tracked.
    await a.send('GET', 'zzz');
    await admin.send('SET', 'zzz', '1');
    assert.deepEqual(await drained(a), []);
  });

  it("own writes come after the writer's reply; NOLOOP leaves them out", async () => {
    const c = await client();
    const quiet = await client();
    await c.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'p:');
    await quiet.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'p:', 'noloop');
    const raw = recordRaw(c);
    assert.equal(await c.send('SET', 'p:1', 'v'), 'OK');
    await until(() => raw.text.length >= 37, 'reply and push');
    assert.equal(raw.text, '+OK\r\n>2\r\n$10\r\ninvalidate\r\n*1\r\n$3\r\np:1\r\n');
    c.pushes.length = 0;
    assert.deepEqual(await drained(quiet), [inv('p:1')]);
    await quiet.send('MSET', 'p:2', '1', 'p:3', '1');
    assert.deepEqual(await drained(quiet), [], 'only own keys: no message at all');
    await quiet.send('SET', 'p:4', '1');
    await admin.send('SET', 'p:5', '1');
    assert.deepEqual(await drained(quiet), [inv('p:5')]);
    // Each command ran in its own event-loop turn: one message each.
    assert.deepEqual(await drained(c), [inv('p:2', 'p:3'), inv('p:4'), inv('p:5')]);
  });

  it('flush and expiry reach BCAST clients too', async () => {
    const c = await client();
    await c.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'x');
    await admin.send('SET', 'xe', '1', 'PX', '30');
    assert.deepEqual(await drained(c), [inv('xe')]);
    assert.deepEqual(await c.nextPush(5000), inv('xe'), 'expired');
  });
});
