// WATCH / UNWATCH: which changes make EXEC fail (writes by anyone, expiry, FLUSHALL/FLUSHDB,
// SWAPDB), which do not (reads, failed writes, other dbs, keys already expired when watched),
// when watches end (EXEC, DISCARD, UNWATCH, RESET), the dirty flag in CLIENT LIST, and
// concurrent check-and-set clients. Runs against nodis and real Redis (Redis 7 semantics).

import { strict as assert } from 'node:assert';
import { after, afterEach, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;
let other: TestClient;

before(async () => {
  target = await startTarget({ 'enable-debug-command': 'local' });
  c = await target.client();
  other = await target.client();
});
afterEach(async () => {
  await c.send('DISCARD'); // in case a failed test left it in MULTI
  await c.send('UNWATCH');
  await c.send('SELECT', '0');
  await other.send('SELECT', '0');
  await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
  await other.send('FLUSHALL');
});
after(async () => {
  c.close();
  other.close();
  await target.close();
});

/** MULTI, PING, EXEC on `x`: ['PONG'] when the transaction ran, null when it was aborted. */
async function tryExec(x: TestClient = c): Promise<RespValue> {
  assert.equal(await x.send('MULTI'), 'OK');
  assert.equal(await x.send('PING'), 'QUEUED');
  return x.send('EXEC');
}

async function waitFor(cond: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('WATCH: modifications', () => {
  it('a write by another client makes EXEC reply null and run nothing', async () => {
    await c.send('SET', 'w', '1');
    assert.equal(await c.send('WATCH', 'w'), 'OK');
    await other.send('SET', 'w', '2');
    await c.send('MULTI');
    await c.send('SET', 'w', 'mine');
    assert.equal(await c.send('EXEC'), null);
    assert.equal(await c.send('GET', 'w'), '2');
  });

  it('RESP2 answers *-1 and RESP3 _', async () => {
    await c.send('WATCH', 'w');
    await other.send('SET', 'w', '1');
    await c.send('MULTI');
    assert.equal(await c.sendRaw('EXEC'), '*-1\r\n');
    const r3 = await target.client();
    await r3.send('HELLO', '3');
    await r3.send('WATCH', 'w');
    await other.send('SET', 'w', '2');
    await r3.send('MULTI');
    assert.equal(await r3.sendRaw('EXEC'), '_\r\n');
    r3.close();
  });

  it('the watching client\'s own write before MULTI counts too, even the same value', async () => {
    await c.send('SET', 'w', '1');
    await c.send('WATCH', 'w');
    await c.send('SET', 'w', '1');
    assert.equal(await tryExec(), null);
  });

  it('a key that does not exist yet: creating it counts, deleting nothing does not', async () => {
    await c.send('WATCH', 'w');
    assert.equal(await other.send('DEL', 'w'), 0);
    assert.deepEqual(await tryExec(), ['PONG']);
    await c.send('WATCH', 'w');
    await other.send('SET', 'w', 'x');
    assert.equal(await tryExec(), null);
  });

  it('reads and failed writes do not count', async () => {
    await c.send('SET', 'w', 'text');
    await c.send('WATCH', 'w');
    await other.send('GET', 'w');
    await other.send('EXISTS', 'w');
    assert.ok((await other.send('INCR', 'w')) instanceof RespError);
    assert.ok((await other.send('LPUSH', 'w', 'x')) instanceof RespError);
    assert.ok((await other.send('EXPIRE', 'w', 'abc')) instanceof RespError);
    assert.equal(await other.send('SET', 'w', 'y', 'NX'), null);
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  for (const [name, setup, touch] of [
    ['DEL', [['SET', 'w', '1']], ['DEL', 'w']],
    ['EXPIRE', [['SET', 'w', '1']], ['EXPIRE', 'w', '100']],
    ['PERSIST', [['SET', 'w', '1', 'EX', '100']], ['PERSIST', 'w']],
    ['APPEND', [['SET', 'w', '1']], ['APPEND', 'w', 'x']],
    ['INCRBY', [['SET', 'w', '1']], ['INCRBY', 'w', '0']],
    ['RPUSH', [], ['RPUSH', 'w', 'x']],
    ['HSET', [['HSET', 'w', 'f', 'v']], ['HSET', 'w', 'f', 'v']],
    ['GETDEL', [['SET', 'w', '1']], ['GETDEL', 'w']],
    ['RENAME (source)', [['SET', 'w', '1']], ['RENAME', 'w', 'w2']],
    ['RENAME (destination)', [['SET', 'w2', '1']], ['RENAME', 'w2', 'w']],
    ['MOVE', [['SET', 'w', '1']], ['MOVE', 'w', '3']],
    ['COPY (destination)', [['SET', 'w2', '1']], ['COPY', 'w2', 'w']],
  ] as const) {
    it(`${name} counts`, async () => {
      for (const s of setup) await other.send(...s);
      await c.send('WATCH', 'w');
      await other.send(...touch);
      assert.equal(await tryExec(), null);
    });
  }

  it('only the watched db: the same key name elsewhere does not count', async () => {
    await c.send('WATCH', 'w');
    await other.send('SELECT', '1');
    await other.send('SET', 'w', '1');
    assert.deepEqual(await tryExec(), ['PONG']);
    // The watch stays on the db it was made in, whatever the client selects afterwards.
    await c.send('WATCH', 'w');
    await c.send('SELECT', '1');
    await other.send('SELECT', '0');
    await other.send('SET', 'w', '2');
    assert.equal(await tryExec(), null);
  });

  it('one touched key among several is enough; WATCH can be called repeatedly', async () => {
    await c.send('WATCH', 'w1', 'w2');
    await c.send('WATCH', 'w3', 'w1');
    await other.send('SET', 'w3', 'x');
    assert.equal(await tryExec(), null);
  });

  it('two clients racing on one key: the first EXEC wins, the second fails', async () => {
    const a = await target.client();
    const b = await target.client();
    await a.send('SET', 'ctr', '10');
    for (const x of [a, b]) {
      await x.send('WATCH', 'ctr');
      assert.equal(await x.send('GET', 'ctr'), '10');
    }
    for (const x of [a, b]) {
      await x.send('MULTI');
      await x.send('SET', 'ctr', '11');
    }
    assert.deepEqual(await a.send('EXEC'), ['OK']);
    assert.equal(await b.send('EXEC'), null);
    a.close();
    b.close();
  });

  it('concurrent check-and-set increments lose no update', async () => {
    const clients = await Promise.all(Array.from({ length: 5 }, () => target.client()));
    await c.send('SET', 'cas', '0');
    let aborted = 0;
    await Promise.all(clients.map(async (x) => {
      for (let i = 0; i < 20; i++) {
        for (;;) {
          await x.send('WATCH', 'cas');
          const v = Number(await x.send('GET', 'cas'));
          const r = await x.pipeline([['MULTI'], ['SET', 'cas', String(v + 1)], ['EXEC']]);
          if (r[2] !== null) break;
          aborted++;
        }
      }
    }));
    assert.equal(await c.send('GET', 'cas'), '100');
    assert.ok(aborted >= 0);
    for (const x of clients) x.close();
  });
});

describe('WATCH: when watches end', () => {
  it('EXEC ends them: a later change does not affect the next transaction', async () => {
    await c.send('WATCH', 'w');
    assert.deepEqual(await tryExec(), ['PONG']);
    await other.send('SET', 'w', '1');
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  it('a failed EXEC ends them too', async () => {
    await c.send('WATCH', 'w');
    await other.send('SET', 'w', '1');
    assert.equal(await tryExec(), null);
    await other.send('SET', 'w', '2');
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  it('DISCARD, UNWATCH and RESET end them', async () => {
    for (const end of [['MULTI', 'DISCARD'], ['UNWATCH'], ['RESET']]) {
      await c.send('WATCH', 'w');
      for (const cmd of end) await c.send(cmd);
      await other.send('SET', 'w', String(Math.random()));
      assert.deepEqual(await tryExec(), ['PONG'], end.join(' '));
    }
  });

  it('UNWATCH clears the dirty flag (d in CLIENT LIST); WATCH while dirty changes nothing', async () => {
    await c.send('WATCH', 'w');
    await other.send('SET', 'w', '1');
    assert.match(String(await c.send('CLIENT', 'INFO')), / flags=d /);
    await c.send('WATCH', 'fresh');
    assert.equal(await tryExec(), null);
    assert.match(String(await c.send('CLIENT', 'INFO')), / flags=N /);
    await c.send('WATCH', 'w');
    await other.send('SET', 'w', '2');
    assert.equal(await c.send('UNWATCH'), 'OK');
    assert.match(String(await c.send('CLIENT', 'INFO')), / flags=N /);
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  it('a dirty transaction still answers QUEUED but keeps nothing', async () => {
    await c.send('WATCH', 'w');
    await other.send('SET', 'w', '1');
    await c.send('MULTI');
    assert.equal(await c.send('SET', 'w', 'mine'), 'QUEUED');
    assert.match(String(await other.send('CLIENT', 'LIST')), / flags=xd [^\n]* multi=0 /);
    assert.equal(await c.send('EXEC'), null);
    assert.equal(await c.send('GET', 'w'), '1');
  });

  it('a disconnecting watcher leaves the others alone', async () => {
    const a = await target.client();
    await a.send('WATCH', 'w');
    await c.send('WATCH', 'w');
    a.close();
    await a.waitClosed();
    assert.deepEqual(await tryExec(), ['PONG']);
  });
});

describe('WATCH: expiry (Redis 7 semantics)', () => {
  it('a watched key that expires before EXEC fails it, even if nothing deleted it yet', async () => {
    await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.send('SET', 'w', '1', 'PX', '50');
    await c.send('WATCH', 'w');
    await sleep(80);
    assert.equal(await tryExec(), null);
  });

  it('lazy deletion by another client\'s read fails it', async () => {
    await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.send('SET', 'w', '1', 'PX', '50');
    await c.send('WATCH', 'w');
    await sleep(80);
    assert.equal(await other.send('GET', 'w'), null);
    assert.equal(await tryExec(), null);
  });

  it('deletion by active expiry fails it', async () => {
    await c.send('SELECT', '5');
    await other.send('SELECT', '5');
    await c.send('SET', 'w', '1', 'PX', '30');
    await c.send('WATCH', 'w');
    await waitFor(async () => (await other.send('DBSIZE')) === 0, 'active expiry');
    assert.equal(await tryExec(), null);
  });

  it('a key already expired when watched: still expired, deleted lazily or actively, is no change', async () => {
    await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.send('SET', 'w', '1', 'PX', '20');
    await sleep(50);
    await c.send('WATCH', 'w');
    assert.deepEqual(await tryExec(), ['PONG']);

    await c.send('SET', 'w', '1', 'PX', '20');
    await sleep(50);
    await c.send('WATCH', 'w');
    assert.equal(await other.send('GET', 'w'), null); // lazily deleted now
    assert.deepEqual(await tryExec(), ['PONG']);

    await c.send('SELECT', '6');
    await other.send('SELECT', '6');
    await c.send('SET', 'w', '1', 'PX', '20');
    await sleep(50);
    await c.send('WATCH', 'w');
    await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1');
    await waitFor(async () => (await other.send('DBSIZE')) === 0, 'active expiry');
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  it('a key already expired when watched, then written, fails it', async () => {
    await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.send('SET', 'w', '1', 'PX', '20');
    await sleep(50);
    await c.send('WATCH', 'w');
    await other.send('SET', 'w', 'new');
    assert.equal(await tryExec(), null);
  });

  it('a key already expired when watched, then flushed, is no change', async () => {
    await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.send('SET', 'w', '1', 'PX', '20');
    await sleep(50);
    await c.send('WATCH', 'w');
    await other.send('FLUSHALL');
    assert.deepEqual(await tryExec(), ['PONG']);
  });
});

describe('WATCH: FLUSHALL, FLUSHDB, SWAPDB', () => {
  for (const flush of [['FLUSHALL'], ['FLUSHALL', 'ASYNC'], ['FLUSHDB'], ['FLUSHDB', 'SYNC']]) {
    it(`${flush.join(' ')} fails a transaction watching an existing key`, async () => {
      await c.send('SET', 'w', '1');
      await c.send('WATCH', 'w');
      await other.send(...flush);
      assert.equal(await tryExec(), null);
    });
  }

  it('emptying a db touches only keys that existed (Redis 7)', async () => {
    await c.send('SET', 'other', '1');
    await c.send('WATCH', 'w');
    await other.send('FLUSHALL');
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  it('FLUSHDB of another db does not count', async () => {
    await c.send('SET', 'w', '1');
    await c.send('WATCH', 'w');
    await other.send('SELECT', '1');
    await other.send('SET', 'w', '1');
    await other.send('FLUSHDB');
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  it('SWAPDB counts when the watched key is in either db', async () => {
    // Only in the db swapped in.
    await other.send('SELECT', '1');
    await other.send('SET', 'w', '1');
    await c.send('WATCH', 'w');
    await other.send('SWAPDB', '0', '1');
    assert.equal(await tryExec(), null);
    await other.send('FLUSHALL');
    // Only in the watched db (swapped out).
    await c.send('SET', 'w', '1');
    await c.send('WATCH', 'w');
    await other.send('SWAPDB', '1', '0');
    assert.equal(await tryExec(), null);
    await other.send('FLUSHALL');
    // In both.
    await c.send('SET', 'w', '1');
    await other.send('SET', 'w', '1');
    await c.send('WATCH', 'w');
    await other.send('SWAPDB', '0', '1');
    assert.equal(await tryExec(), null);
  });

  it('SWAPDB does not count when the key is in neither db, or the watched db is not swapped', async () => {
    await c.send('WATCH', 'w');
    await other.send('SWAPDB', '0', '1');
    assert.deepEqual(await tryExec(), ['PONG']);
    await c.send('SET', 'w', '1');
    await c.send('WATCH', 'w');
    await other.send('SWAPDB', '1', '2');
    assert.deepEqual(await tryExec(), ['PONG']);
    await c.send('WATCH', 'w');
    await other.send('SWAPDB', '0', '0');
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  it('SWAPDB bringing in an expired key for a missing watched key is no change', async () => {
    await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await other.send('SELECT', '1');
    await other.send('SET', 'w', '1', 'PX', '20');
    await sleep(50);
    await c.send('WATCH', 'w');
    await other.send('SWAPDB', '0', '1');
    assert.deepEqual(await tryExec(), ['PONG']);
  });

  it('SWAPDB replacing a watched expired key with another expired key is no change', async () => {
    await other.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0');
    await c.send('SET', 'w', '1', 'PX', '20');
    await other.send('SELECT', '1');
    await other.send('SET', 'w', '2', 'PX', '20');
    await sleep(50);
    await c.send('WATCH', 'w');
    await other.send('SWAPDB', '0', '1');
    assert.deepEqual(await tryExec(), ['PONG']);
  });
});
