// The parking mechanism (exec/blocking.ts) in-process: commands never block inside a transaction,
// parked commands run again after the unit that readied their key (with propagation), event waits
// (what WAIT will use) keep their place and first deadline when parked again, type filtering,
// wake-on-deletion, disconnects, CLIENT UNBLOCK's deferred resume; and timeout parsing.

import { strict as assert } from 'node:assert';
import { afterEach, beforeEach, describe, it } from 'node:test';
import type { Command } from '../../src/commands/table.js';
import { Blocking, type BlockingHost, type WaitSpec } from '../../src/exec/blocking.js';
import type { Ctx } from '../../src/exec/context.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { Client, type Transport } from '../../src/session/client.js';
import { parseBlockTimeout } from '../../src/util/block-timeout.js';

/** A transport that keeps what was written. */
function capture(): Transport & { out: string } {
  const t = {
    out: '',
    write(d: string | Buffer) { t.out += typeof d === 'string' ? d : d.toString('latin1'); },
    close: () => {}, closeAfterWrite: () => {}, pauseReading: () => {}, resumeReading: () => {},
    queuedBytes: 0, remoteAddress: 'internal', localAddress: 'internal', fd: -1, kind: 'internal' as const,
  };
  return t;
}

describe('parseBlockTimeout', () => {
  const now = 1_700_000_000_000;
  it('reads seconds as a long double, rounding the milliseconds up', () => {
    assert.equal(parseBlockTimeout('0', 'seconds', now), 0);
    assert.equal(parseBlockTimeout('1', 'seconds', now), now + 1000);
    assert.equal(parseBlockTimeout('0.1', 'seconds', now), now + 100);
    assert.equal(parseBlockTimeout('0.0001', 'seconds', now), now + 1);
    assert.equal(parseBlockTimeout('1.0005', 'seconds', now), now + 1001);
    assert.equal(parseBlockTimeout('0x10', 'seconds', now), now + 16000);
    assert.equal(parseBlockTimeout('1e3', 'seconds', now), now + 1_000_000);
    // A tiny negative value rounds up to zero: wait forever.
    assert.equal(parseBlockTimeout('-0.0001', 'seconds', now), 0);
    assert.equal(parseBlockTimeout('-0', 'seconds', now), 0);
  });
  it('refuses what Redis 7.2 refuses', () => {
    assert.equal(parseBlockTimeout('-1', 'seconds', now), 'negative');
    assert.equal(parseBlockTimeout('-inf', 'seconds', now), 'negative');
    assert.equal(parseBlockTimeout('-1e30', 'seconds', now), 'negative');
    assert.equal(parseBlockTimeout('inf', 'seconds', now), 'out-of-range');
    assert.equal(parseBlockTimeout('1e400', 'seconds', now), 'out-of-range');
    assert.equal(parseBlockTimeout('9223372036854776', 'seconds', now), 'out-of-range');
    // Fits in a long long as ms, but not once the current time is added.
    assert.equal(parseBlockTimeout('9223372036854775', 'seconds', now), 'out-of-range');
    assert.equal(parseBlockTimeout('9223372036854775', 'seconds', 0), 9223372036854775000);
    for (const bad of ['', 'x', 'nan', ' 1', '1 ', '1e', '0x']) assert.equal(parseBlockTimeout(bad, 'seconds', now), 'not-float', bad);
  });
  it('reads whole milliseconds for XREAD BLOCK and WAIT', () => {
    assert.equal(parseBlockTimeout('0', 'ms', now), 0);
    assert.equal(parseBlockTimeout('250', 'ms', now), now + 250);
    assert.equal(parseBlockTimeout('1.5', 'ms', now), 'not-integer');
    assert.equal(parseBlockTimeout('-1', 'ms', now), 'negative');
    assert.equal(parseBlockTimeout('9223372036854775807', 'ms', now), 'out-of-range');
    assert.equal(parseBlockTimeout('9223372036854775808', 'ms', now), 'not-integer');
  });
});

describe('blocking commands in a Server', () => {
  let server: Server;
  let fed: string[][];

  beforeEach(() => {
    const log = new Logger();
    log.file = null;
    server = new Server(new Config(), log);
    fed = [];
    server.propagator.addTarget({ feed: (_db, argv) => { fed.push([...argv]); } });
  });
  afterEach(async () => {
    await server.close();
  });

  function newClient(id: number): Client & { transport: Transport & { out: string } } {
    const c = new Client(id, capture(), () => {});
    c.authenticated = true;
    return c as Client & { transport: Transport & { out: string } };
  }

  /** Runs a command the way the session layer does, then writes the client's replies. */
  function run(c: Client, ...argv: string[]): void {
    server.sessions.receiveNow(c, [argv]);
  }

  it('never parks inside a transaction (ctx.inTransaction), answering as Redis does there', () => {
    const c = newClient(1);
    server.propagator.depth++;
    try {
      server.dispatcher.execute(c, ['BLPOP', 'k', '0']);
      server.dispatcher.execute(c, ['BLMOVE', 'k', 'd', 'LEFT', 'LEFT', '0']);
      server.dispatcher.execute(c, ['BLMPOP', '0', '1', 'k', 'LEFT']);
    } finally {
      server.propagator.depth--;
    }
    assert.equal(c.blocked, false);
    assert.equal(c.reply.take(), '*-1\r\n$-1\r\n*-1\r\n');
    assert.equal(server.blocking.blockedClients, 0);
  });

  it('serves a parked client after the unit that pushed, propagating the pop after the push', () => {
    const a = newClient(1);
    const b = newClient(2);
    run(a, 'BLPOP', 'k', '0');
    assert.equal(a.blocked, true);
    assert.equal(a.transport.out, '');
    assert.equal(server.blocking.blockingKeys, 1);
    run(b, 'RPUSH', 'k', 'x', 'y');
    assert.equal(a.blocked, false);
    assert.equal(a.transport.out, '*2\r\n$1\r\nk\r\n$1\r\nx\r\n');
    assert.equal(b.transport.out, ':2\r\n');
    assert.deepEqual(fed, [['RPUSH', 'k', 'x', 'y'], ['LPOP', 'k']]);
    assert.equal(server.blocking.blockingKeys, 0);
    assert.equal(server.table.get('blpop')!.stats.calls, 1);
  });

  it('runs a parked client\'s queued commands after serving it', () => {
    const a = newClient(1);
    const b = newClient(2);
    server.sessions.receive(a, [['BLPOP', 'q', '0'], ['RPUSH', 'q2', 'z'], ['PING']]);
    assert.equal(a.pending.length - a.pendingIndex, 2);
    run(b, 'LPUSH', 'q', 'v');
    assert.equal(a.transport.out, '*2\r\n$1\r\nq\r\n$1\r\nv\r\n:1\r\n+PONG\r\n');
  });

  it('a disconnect removes the client from its keys', () => {
    const a = newClient(1);
    server.clients.add(a);
    run(a, 'BLPOP', 'k1', 'k2', '5');
    assert.equal(server.blocking.blockingKeys, 2);
    assert.equal(server.blocking.clientsWithTimeout, 1);
    server.sessions.disconnect(a);
    assert.equal(server.blocking.blockingKeys, 0);
    assert.equal(server.blocking.blockedClients, 0);
    assert.equal(server.blocking.clientsWithTimeout, 0);
  });

  it('a key holding another type wakes nobody; a list in another db neither', () => {
    const a = newClient(1);
    const b = newClient(2);
    run(a, 'BLPOP', 'k', '0');
    run(b, 'SET', 'k', 'str');
    b.dbIndex = 1;
    run(b, 'RPUSH', 'k', 'x');
    assert.equal(a.blocked, true);
    assert.equal(a.transport.out, '');
  });
});

describe('the Blocking mechanism with event waits', () => {
  let ks: Keyspace;
  let blocking: Blocking;
  let reruns: number[];
  let resumed: number[];
  /** What a re-run does: park again (true) or end with a reply (false), per client id. */
  let parkAgain: Set<number>;
  const cmd = { fullName: 'wait', stats: { calls: 0, usec: 0, rejected: 0, failed: 0, histogram: null } } as unknown as Command;

  function ctxFor(client: Client, inTransaction = false): Ctx {
    return { client, cmd, argv: ['WAIT'], inTransaction } as unknown as Ctx;
  }

  function spec(over: Partial<WaitSpec> = {}): WaitSpec {
    return { keys: [], type: null, event: 'acks', deadline: 0, timedOut: (r) => r.integer(0), ...over };
  }

  beforeEach(() => {
    reruns = [];
    resumed = [];
    parkAgain = new Set();
    cmd.stats.calls = 0;
    cmd.stats.failed = 0;
    ks = new Keyspace(2, {
      keyChanged: (db, key) => blocking.keyChanged(db.index, key),
      notify: () => {}, expired: () => {}, expiryPolicy: () => 'delete',
    }, () => new Error('WRONGTYPE'));
    const host: BlockingHost = {
      ks,
      depth: 1,
      rerun: (client) => {
        reruns.push(client.id);
        if (parkAgain.has(client.id)) assert.equal(blocking.park(ctxFor(client), spec()), true);
        else client.reply.integer(1);
        return true;
      },
      resume: (client) => { resumed.push(client.id); },
      commandEnded: () => {},
      feedMonitor: () => {},
    };
    blocking = new Blocking(host, 2);
  });
  afterEach(() => blocking.close());

  const mk = (id: number) => new Client(id, capture(), () => {});

  it('wakes every waiter of the event in parking order; one parked again keeps its place', () => {
    const a = mk(1);
    const b = mk(2);
    assert.equal(blocking.park(ctxFor(a), spec()), true);
    assert.equal(blocking.park(ctxFor(b), spec()), true);
    assert.equal(a.blocked && b.blocked, true);
    assert.equal(blocking.park(ctxFor(mk(3), true), spec()), false, 'never inside a transaction');
    parkAgain.add(1);
    blocking.signalEvent('acks');
    assert.equal(blocking.pendingWork, true);
    blocking.afterUnit();
    assert.deepEqual(reruns, [1, 2]);
    assert.deepEqual(resumed, [2]);
    assert.equal(a.blocked, true);
    assert.equal(b.blocked, false);
    assert.equal(b.reply.take(), ':1\r\n');
    parkAgain.clear();
    blocking.signalEvent('acks');
    blocking.afterUnit();
    assert.deepEqual(reruns, [1, 2, 1]);
    assert.equal(blocking.blockedClients, 0);
  });

  it('a waiter parked again keeps its first deadline and times out with its own reply', async () => {
    const a = mk(1);
    const start = Date.now();
    blocking.park(ctxFor(a), spec({ deadline: start + 40 }));
    assert.equal(blocking.clientsWithTimeout, 1);
    parkAgain.add(1);
    await new Promise((r) => setTimeout(r, 20));
    blocking.signalEvent('acks');
    blocking.afterUnit();
    assert.equal(a.blocked, true);
    while (a.blocked) await new Promise((r) => setTimeout(r, 5));
    const took = Date.now() - start;
    assert.ok(took >= 40 && took < 200, `timed out after ${took} ms`);
    assert.equal(a.reply.take(), ':0\r\n');
    assert.deepEqual(resumed, [1]);
    assert.equal(cmd.stats.calls, 1);
    assert.equal(blocking.clientsWithTimeout, 0);
  });

  it('times clients out in deadline order whatever the parking order', async () => {
    const now = Date.now();
    const ids = [5, 1, 4, 2, 3];
    for (const id of ids) blocking.park(ctxFor(mk(id)), spec({ deadline: now + id * 10 }));
    while (resumed.length < ids.length) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(resumed, [1, 2, 3, 4, 5]);
  });

  it('key waits filter on the type; wake-on-deletion waiters wake on FLUSHALL', () => {
    const a = mk(1);
    const x = mk(2);
    blocking.park(ctxFor(a), spec({ event: undefined, keys: ['k', 'k'], type: 'list' }));
    blocking.park(ctxFor(x), spec({ event: undefined, keys: ['g'], type: 'stream', wakeOnNoKey: true }));
    assert.equal(blocking.blockingKeys, 2);
    assert.equal(blocking.blockingKeysOnNoKey, 1);
    const db = ks.dbs[0]!;
    db.set('k', 'string');
    db.changed('k', null);
    blocking.afterUnit();
    assert.deepEqual(reruns, []);
    db.set('k', new ListValue());
    db.changed('k', null);
    db.changed('k', null);
    blocking.afterUnit();
    assert.deepEqual(reruns, [1]);
    blocking.flushed(-1);
    blocking.afterUnit();
    assert.deepEqual(reruns, [1, 2]);
    assert.equal(blocking.blockingKeys, 0);
    assert.equal(blocking.blockingKeysOnNoKey, 0);
  });

  it('CLIENT UNBLOCK replies at once and resumes the client after the unit', () => {
    const a = mk(1);
    const b = mk(2);
    blocking.park(ctxFor(a), spec());
    blocking.park(ctxFor(b), spec());
    assert.equal(blocking.unblock(a, null), true);
    assert.equal(blocking.unblock(b, 'UNBLOCKED client unblocked via CLIENT UNBLOCK'), true);
    assert.equal(blocking.unblock(b, null), false);
    assert.equal(a.reply.take(), ':0\r\n');
    assert.equal(b.reply.take(), '-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n');
    assert.deepEqual(resumed, []);
    blocking.afterUnit();
    assert.deepEqual(resumed, [1, 2]);
    assert.equal(cmd.stats.calls, 2);
    assert.equal(cmd.stats.failed, 1);
  });
});
