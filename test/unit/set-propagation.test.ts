// What the SET and SORTED SET commands propagate (the exact argv fed to the AOF/replication
// stream), keyspace events they emit, and the encodings OBJECT ENCODING would report, checked on
// an in-process Server with a recording propagation target (nodis internals: no oracle here).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { Client, type Transport } from '../../src/session/client.js';
import type { CollectionValue } from '../../src/keyspace/value.js';

function setup(config: Record<string, string> = {}) {
  const cfg = new Config();
  for (const [k, v] of Object.entries(config)) assert.equal(cfg.load(k, v), null);
  const server = new Server(cfg, new Logger());
  const fed: string[][] = [];
  server.propagator.addTarget({ feed: (_db, argv) => fed.push([...argv]) });
  const transport: Transport = {
    write: () => {}, close: () => {}, closeAfterWrite: () => {}, pauseReading: () => {}, resumeReading: () => {},
    queuedBytes: 0, remoteAddress: '', localAddress: '', fd: -1, kind: 'internal',
  };
  const client = new Client(1, transport, () => {});
  const run = (...argv: (string | number)[]): string => {
    fed.length = 0;
    server.callInternal(client, argv.map(String));
    return String(client.reply.take() ?? '');
  };
  const encoding = (key: string) => (server.ks.dbs[0]!.lookup(key) as CollectionValue | undefined)?.encoding();
  return { server, fed, run, encoding };
}

describe('propagation', () => {
  it('SPOP without count → SREM of the popped member', () => {
    const { fed, run } = setup();
    run('SADD', 's', 'a');
    const reply = run('SPOP', 's');
    assert.equal(reply, '$1\r\na\r\n');
    assert.deepEqual(fed, [['SREM', 's', 'a']]);
  });

  it('SPOP with a count → SREM batches in MULTI, or DEL when the whole set goes', () => {
    const { fed, run } = setup();
    run('SADD', 's', ...Array.from({ length: 3000 }, (_, i) => `m${i}`));
    run('SPOP', 's', 2000);
    assert.equal(fed[0]![0], 'MULTI');
    assert.equal(fed.at(-1)![0], 'EXEC');
    const srems = fed.slice(1, -1);
    assert.deepEqual(srems.map((a) => a.length - 2), [1024, 976]);
    assert.ok(srems.every((a) => a[0] === 'SREM' && a[1] === 's'));
    run('SPOP', 's', 1000);
    assert.deepEqual(fed, [['DEL', 's']]);
    run('SPOP', 's', 5);
    assert.deepEqual(fed, []);
  });

  it('SRANDMEMBER and reads propagate nothing; no-op writes propagate nothing', () => {
    const { fed, run } = setup();
    run('SADD', 's', 'a');
    run('SRANDMEMBER', 's', -3);
    run('SADD', 's', 'a');
    assert.deepEqual(fed, []);
    run('SREM', 's', 'zz');
    run('ZADD', 'z', 'XX', 1, 'a');
    run('ZREM', 'z', 'a');
    assert.deepEqual(fed, []);
  });

  it('ZMPOP → ZPOPMIN/ZPOPMAX key count; ZPOPMIN and ZADD INCR as received', () => {
    const { fed, run } = setup();
    run('ZADD', 'z', 1, 'a', 2, 'b', 3, 'c');
    run('ZMPOP', 2, 'nokey', 'z', 'MAX', 'COUNT', 5);
    // Redis propagates how many members went, not the COUNT asked for.
    assert.deepEqual(fed, [['ZPOPMAX', 'z', '3']]);
    run('ZADD', 'z', 1, 'a', 2, 'b');
    run('ZMPOP', 1, 'z', 'MIN');
    assert.deepEqual(fed, [['ZPOPMIN', 'z', '1']]);
    run('ZPOPMIN', 'z');
    assert.deepEqual(fed, [['ZPOPMIN', 'z']]);
    run('ZADD', 'z', 'INCR', 5, 'q');
    assert.deepEqual(fed, [['ZADD', 'z', 'INCR', '5', 'q']]);
  });
});

describe('encodings as OBJECT ENCODING would report them', () => {
  it('follows the configured thresholds, including the ziplist aliases', () => {
    const { run, encoding } = setup({ 'set-max-intset-entries': '4', 'set-max-listpack-entries': '3', 'zset-max-ziplist-entries': '2' });
    run('SADD', 'i', 1, 2, 3, 4);
    assert.equal(encoding('i'), 'intset');
    run('SADD', 'i', 5);
    assert.equal(encoding('i'), 'hashtable');
    run('SADD', 'l', 'a', 'b');
    assert.equal(encoding('l'), 'listpack');
    run('SADD', 'l', 'c', 'd');
    assert.equal(encoding('l'), 'hashtable');
    run('ZADD', 'z', 1, 'a', 2, 'b');
    assert.equal(encoding('z'), 'listpack');
    run('ZADD', 'z', 3, 'c');
    assert.equal(encoding('z'), 'skiplist');
    run('ZREM', 'z', 'a', 'b');
    assert.equal(encoding('z'), 'skiplist');
    run('ZUNIONSTORE', 'd', 1, 'z');
    assert.equal(encoding('d'), 'listpack');
    run('ZRANGESTORE', 'd2', 'z', 0, -1);
    assert.equal(encoding('d2'), 'listpack');
    run('SINTERSTORE', 'si', 'i', 'i');
    assert.equal(encoding('si'), 'hashtable');
    run('SDIFFSTORE', 'sd', 'i', 'nokey');
    assert.equal(encoding('sd'), 'hashtable');
    run('SADD', 'small', 1, 2);
    run('SUNIONSTORE', 'su', 'small');
    assert.equal(encoding('su'), 'intset');
  });

  it('SPOP leaving few members re-encodes the rest as Redis 7.2 does', () => {
    const { run, encoding } = setup();
    run('SADD', 's', ...Array.from({ length: 300 }, (_, i) => String(i)), 'x');
    assert.equal(encoding('s'), 'hashtable');
    run('SPOP', 's', 299);
    assert.equal(run('SCARD', 's'), ':2\r\n');
    assert.notEqual(encoding('s'), 'hashtable');
  });

  it('rejects a random reply too large to build instead of running out of memory', () => {
    const { run } = setup();
    run('SADD', 's', 'a');
    assert.equal(run('SRANDMEMBER', 's', '-9223372036854775807'), '-ERR reply would be too large\r\n');
    run('ZADD', 'z', 1, 'a');
    assert.equal(run('ZRANDMEMBER', 'z', '-9223372036854775807'), '-ERR reply would be too large\r\n');
  });
});
