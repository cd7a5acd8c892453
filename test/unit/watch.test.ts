// The WATCH registry (exec/watch.ts) on its own: bookkeeping that the wire cannot show (no
// leftovers after unwatching, dirty clients dropping their watches, disconnects through a real
// server), and Redis 7's rules for keys already expired when watched, flushed or swapped.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Watches } from '../../src/exec/watch.js';
import { Keyspace, type KeyspaceHooks } from '../../src/keyspace/keyspace.js';
import type { Client } from '../../src/session/client.js';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { TestClient } from '../helpers/resp-client.js';

function setup(): { ks: Keyspace; w: Watches } {
  let w: Watches | null = null;
  const hooks: KeyspaceHooks = {
    keyChanged: (db, key) => w!.keyChanged(db, key),
    notify: () => {},
    expired: () => {},
    expiryPolicy: () => 'delete',
    flushing: (db) => w!.flushing(db),
    swapped: (a, b) => w!.swapped(a, b),
  };
  const ks = new Keyspace(4, hooks, () => new Error('WRONGTYPE'));
  w = new Watches(ks);
  return { ks, w };
}

const fakeClient = () => ({ flagLetters: new Set<string>() }) as unknown as Client;
const dirty = (c: Client) => c.flagLetters.has('d');

describe('Watches', () => {
  it('counts watches once per client, db and key; unwatchAll leaves nothing behind', () => {
    const { ks, w } = setup();
    const a = fakeClient();
    const b = fakeClient();
    w.watch(a, ks.dbs[0]!, 'k');
    w.watch(a, ks.dbs[0]!, 'k');
    w.watch(a, ks.dbs[1]!, 'k');
    w.watch(b, ks.dbs[0]!, 'k');
    assert.equal(w.size, 3);
    assert.equal(w.countOf(a), 2);
    w.unwatchAll(a);
    assert.equal(w.size, 1);
    w.unwatchAll(a);
    w.unwatchAll(b);
    assert.equal(w.size, 0);
  });

  it('a change dirties every watcher of that db and key, and drops their other watches', () => {
    const { ks, w } = setup();
    const a = fakeClient();
    const b = fakeClient();
    w.watch(a, ks.dbs[0]!, 'k');
    w.watch(a, ks.dbs[0]!, 'other');
    w.watch(b, ks.dbs[1]!, 'k');
    ks.now = Date.now();
    ks.dbs[0]!.set('k', 'v');
    ks.dbs[0]!.changed('k', null);
    assert.ok(dirty(a));
    assert.ok(!dirty(b));
    assert.equal(w.countOf(a), 0);
    assert.equal(w.size, 1);
  });

  it('keys expired when watched: deletion is no change, a new value is', () => {
    const { ks, w } = setup();
    const db = ks.dbs[0]!;
    const a = fakeClient();
    ks.now = 1000;
    db.set('k', 'v');
    db.setExpire('k', 500);
    w.watch(a, db, 'k');
    assert.ok(!w.expiredSinceWatch(a), 'still expired at EXEC is fine');
    db.deleteExpired('k');
    assert.ok(!dirty(a));
    db.set('k', 'again');
    db.changed('k', null);
    assert.ok(dirty(a), 'after the deletion the watch is an ordinary one');
  });

  it('a key alive when watched and expired at EXEC counts as changed', () => {
    const { ks, w } = setup();
    const db = ks.dbs[0]!;
    const a = fakeClient();
    ks.now = 1000;
    db.set('k', 'v');
    db.setExpire('k', 2000);
    w.watch(a, db, 'k');
    assert.ok(!w.expiredSinceWatch(a));
    ks.now = 2000;
    assert.ok(w.expiredSinceWatch(a));
  });

  it('flushing touches existing keys only; swapping compares both sides', () => {
    const { ks, w } = setup();
    const [a, b, c] = [fakeClient(), fakeClient(), fakeClient()];
    ks.dbs[0]!.set('there', 'v');
    w.watch(a, ks.dbs[0]!, 'there');
    w.watch(b, ks.dbs[0]!, 'missing');
    ks.dbs[0]!.clear();
    assert.ok(dirty(a));
    assert.ok(!dirty(b));
    ks.dbs[2]!.set('missing', 'v');
    w.watch(c, ks.dbs[3]!, 'missing');
    ks.swap(1, 3);
    assert.ok(!dirty(b) && !dirty(c), 'neither db 1 nor db 3 has the key');
    ks.swap(0, 2);
    assert.ok(dirty(b), 'the key swapped into the watched db');
    assert.ok(!dirty(c));
  });
});

describe('Watches in a server', () => {
  it('disconnecting and RESET clients leave no watches or transactions behind', async () => {
    const cfg = new Config();
    cfg.load('bind', '127.0.0.1');
    const logger = new Logger();
    logger.file = null;
    const server = new Server(cfg, logger);
    await server.listen(0);
    try {
      const a = await TestClient.connect(server.port);
      const b = await TestClient.connect(server.port);
      await a.send('WATCH', 'x', 'y');
      await a.send('MULTI');
      await a.send('SET', 'x', '1');
      await b.send('WATCH', 'x');
      assert.equal(server.transactions.watches.size, 3);
      await b.send('RESET');
      assert.equal(server.transactions.watches.size, 2);
      a.close();
      const deadline = Date.now() + 5000;
      while (server.clients.size > 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
      assert.equal(server.transactions.watches.size, 0);
      b.close();
    } finally {
      await server.close();
    }
  });
});
