// What the wire cannot show for the generic commands: the exact propagated argv, keyspace
// events, the flushed/swapped hooks, NO-TOUCH, and TYPE/OBJECT/COPY on every value kind. Runs an
// in-process Server without a listener (nodis only; skipped against real Redis).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { lfuCounter } from '../../src/keyspace/access.js';
import { MutableString } from '../../src/keyspace/types/string.js';
import { CollectionValue, type TypeName } from '../../src/keyspace/value.js';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { Client, type Transport } from '../../src/session/client.js';
import { parseReply, type RespValue } from '../helpers/resp-client.js';
import { againstRedis } from '../helpers/server.js';

/** A stand-in collection so TYPE/OBJECT/COPY can be checked for every type name. */
class FakeCollection extends CollectionValue {
  constructor(readonly type: TypeName, readonly items: string[] = ['x']) { super(); }
  encoding(): string { return `${this.type}-enc`; }
  get size(): number { return this.items.length; }
  clone(): FakeCollection { return new FakeCollection(this.type, [...this.items]); }
}

const transport: Transport = {
  write: () => {}, close: () => {}, closeAfterWrite: () => {}, pauseReading: () => {}, resumeReading: () => {},
  queuedBytes: 0, remoteAddress: '127.0.0.1:1', localAddress: '127.0.0.1:2', fd: -1, kind: 'internal',
};

function harness(conf: Record<string, string> = {}) {
  const config = new Config();
  // No save points: FLUSHALL would otherwise write dump.rdb into the directory tests run from.
  assert.equal(config.load('save', ''), null);
  for (const [k, v] of Object.entries(conf)) assert.equal(config.load(k, v), null);
  const logger = new Logger();
  logger.file = null;
  const server = new Server(config, logger);
  const props: string[] = [];
  server.propagator.addTarget({ feed: (db, argv) => { props.push(`${db}:${argv.join(' ')}`); } });
  const events: string[] = [];
  server.ks.hooks.notify = (_cls, event, key, db) => { if (event !== 'keymiss') events.push(`${db}:${event}:${key}`); };
  server.ks.notifying = true;
  const client = new Client(1, transport, () => {});
  client.authenticated = true;
  const run = (...argv: string[]): RespValue => {
    server.dispatcher.execute(client, argv);
    const out = client.reply.take();
    const buf = typeof out === 'string' ? Buffer.from(out, 'latin1') : out!;
    return parseReply(buf, 0)!.value;
  };
  const reset = () => { props.length = 0; events.length = 0; };
  return { server, client, run, props, events, reset };
}

describe('generic internals', { skip: againstRedis }, () => {
  it('EXPIRE propagates an absolute PEXPIREAT, options kept', () => {
    const h = harness();
    h.run('SET', 'k', 'v');
    h.reset();
    const before = Date.now();
    assert.equal(h.run('EXPIRE', 'k', '100', 'GT'), 0);
    assert.equal(h.run('EXPIRE', 'k', '100', 'NX'), 1);
    const [db, cmd, key, at, opt] = h.props[0]!.split(/[: ]/);
    assert.deepEqual([db, cmd, key, opt], ['0', 'PEXPIREAT', 'k', 'NX']);
    assert.ok(Number(at) >= before + 100_000 && Number(at) <= Date.now() + 100_000);
    assert.equal(h.props.length, 1, 'a refused EXPIRE propagates nothing');
    h.reset();
    h.run('PEXPIREAT', 'k', '99999999999999');
    assert.deepEqual(h.props, ['0:PEXPIREAT k 99999999999999']);
    assert.deepEqual(h.events, ['0:expire:k']);
  });

  it('a past time deletes: DEL, or UNLINK with lazyfree-lazy-expire', () => {
    for (const [lazy, verb] of [['no', 'DEL'], ['yes', 'UNLINK']] as const) {
      const h = harness({ 'lazyfree-lazy-expire': lazy });
      h.run('SET', 'k', 'v');
      h.reset();
      assert.equal(h.run('EXPIRE', 'k', '-5'), 1);
      assert.deepEqual(h.props, [`0:${verb} k`]);
      assert.deepEqual(h.events, ['0:del:k']);
      assert.equal(h.server.ks.stats.expiredKeys, 0, 'not counted as expired (7.2)');
    }
  });

  it('lazy expiry propagates DEL, notifies expired and counts it', () => {
    const h = harness();
    h.run('SET', 'k', 'v');
    h.server.ks.dbs[0]!.setExpire('k', Date.now() - 10);
    h.reset();
    assert.equal(h.run('GET', 'k'), null);
    assert.deepEqual(h.props, ['0:DEL k']);
    assert.deepEqual(h.events, ['0:expired:k']);
    assert.equal(h.server.ks.stats.expiredKeys, 1);
  });

  it('DEL of an expired key propagates only the expiry DEL before the command', () => {
    const h = harness();
    h.run('SET', 'a', '1');
    h.run('SET', 'b', '1');
    h.server.ks.dbs[0]!.setExpire('a', Date.now() - 10);
    h.reset();
    assert.equal(h.run('DEL', 'a', 'b'), 1);
    assert.deepEqual(h.props, ['0:MULTI', '0:DEL a', '0:DEL a b', '0:EXEC']);
    assert.deepEqual(h.events, ['0:expired:a', '0:del:b']);
  });

  it('events: rename, move, copy, persist, del', () => {
    const h = harness();
    h.run('SET', 'a', '1');
    h.reset();
    h.run('RENAME', 'a', 'b');
    assert.deepEqual(h.events, ['0:new:b', '0:rename_from:a', '0:rename_to:b']);
    h.reset();
    h.run('MOVE', 'b', '3');
    assert.deepEqual(h.events, ['3:new:b', '0:move_from:b', '3:move_to:b']);
    assert.deepEqual(h.props, ['0:MOVE b 3']);
    h.run('SELECT', '3');
    h.reset();
    h.run('COPY', 'b', 'c', 'DB', '5');
    assert.deepEqual(h.events, ['5:new:c', '5:copy_to:c']);
    assert.deepEqual(h.props, ['3:COPY b c DB 5']);
    h.reset();
    h.run('EXPIRE', 'b', '100');
    h.run('PERSIST', 'b');
    h.run('PERSIST', 'b');
    h.run('UNLINK', 'b', 'nokey');
    assert.deepEqual(h.events, ['3:expire:b', '3:persist:b', '3:del:b']);
  });

  it('FLUSHALL and FLUSHDB propagate even when empty and call the flushed hook', () => {
    const h = harness();
    const flushed: number[] = [];
    h.server.ks.hooks.flushed = (db) => { flushed.push(db); };
    h.run('FLUSHALL');
    h.run('SELECT', '2');
    h.run('FLUSHDB', 'ASYNC');
    assert.deepEqual(h.props, ['0:FLUSHALL', '2:FLUSHDB ASYNC']);
    assert.deepEqual(flushed, [-1, 2]);
  });

  it('SWAPDB calls the swapped hook and propagates', () => {
    const h = harness();
    const swaps: string[] = [];
    h.server.ks.hooks.swapped = (a, b) => { swaps.push(`${a}<->${b}`); };
    h.run('SWAPDB', '1', '4');
    assert.deepEqual(swaps, ['1<->4']);
    assert.deepEqual(h.props, ['0:SWAPDB 1 4']);
  });

  it('TYPE, OBJECT ENCODING and COPY for every kind of value', () => {
    const h = harness();
    const db = h.server.ks.dbs[0]!;
    for (const t of ['list', 'set', 'zset', 'hash', 'stream'] as const) {
      db.add(t, new FakeCollection(t));
      assert.equal(h.run('TYPE', t), t);
      assert.equal(h.run('OBJECT', 'ENCODING', t), `${t}-enc`);
      assert.equal(h.run('COPY', t, `${t}2`), 1);
      const a = db.peek(t) as FakeCollection;
      const b = db.peek(`${t}2`) as FakeCollection;
      assert.notEqual(a, b, 'COPY clones collections');
      assert.deepEqual(a.items, b.items);
    }
    db.add('raw', MutableString.from('abc', 10));
    assert.equal(h.run('OBJECT', 'ENCODING', 'raw'), 'raw');
    assert.equal(h.run('COPY', 'raw', 'raw2'), 1);
    (db.peek('raw') as MutableString).append('def');
    assert.equal(h.run('GET', 'raw2'), 'abc', 'a copied raw string is independent');
    assert.equal(h.run('TYPE', 'raw2'), 'string');
  });

  it('RENAME and MOVE keep the access data; NO-TOUCH clients leave it alone, TOUCH does not', () => {
    const h = harness({ 'maxmemory-policy': 'allkeys-lfu' });
    h.server.ks.random = () => 0;
    const freq = (k: string) => h.run('OBJECT', 'FREQ', k);
    h.run('SET', 'k', 'v');
    h.run('GET', 'k');
    h.run('GET', 'k');
    assert.equal(freq('k'), 7);
    h.run('RENAME', 'k', 'r');
    assert.equal(freq('r'), 8, 'RENAME keeps the counter (its lookup counts as an access)');
    h.client.noTouch = true;
    h.run('GET', 'r');
    h.run('EXISTS', 'r');
    assert.equal(freq('r'), 8);
    h.run('TOUCH', 'r');
    assert.equal(freq('r'), 9);
    h.client.noTouch = false;
    h.run('MOVE', 'r', '1');
    h.run('SELECT', '1');
    const word = h.server.ks.dbs[1]!.accessWord('r')!;
    assert.equal(lfuCounter(word, Date.now(), 1), 10);
  });

  it('CONFIG changes of maxmemory-policy switch OBJECT FREQ / IDLETIME at once', () => {
    const h = harness();
    h.run('SET', 'k', 'v');
    assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 0);
    assert.equal(h.server.config.set([['maxmemory-policy', 'volatile-lfu']]), null);
    assert.equal(typeof h.run('OBJECT', 'FREQ', 'k'), 'number');
    assert.equal(h.server.config.set([['maxmemory-policy', 'allkeys-lru']]), null);
    assert.equal(h.run('OBJECT', 'IDLETIME', 'k'), 0);
  });
});
