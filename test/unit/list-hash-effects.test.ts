// LIST and HASH commands run in an in-process Server (no network): what they propagate, the
// keyspace events they emit, RESP3 reply shapes and encodings. nodis-only by nature.

import { strict as assert } from 'node:assert';
import { beforeEach, describe, it } from 'node:test';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { Client, type Transport } from '../../src/session/client.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { parseReply, type RespValue } from '../helpers/resp-client.js';

const transport: Transport = {
  write: () => {}, close: () => {}, closeAfterWrite: () => {}, pauseReading: () => {}, resumeReading: () => {},
  queuedBytes: 0, remoteAddress: 'internal', localAddress: 'internal', fd: -1, kind: 'internal',
};

let server: Server;
let client: Client;
let fed: string[][];
let events: string[];

function setup(config: Record<string, string> = {}): void {
  const cfg = new Config();
  for (const [k, v] of Object.entries(config)) assert.equal(cfg.load(k, v), null);
  const log = new Logger();
  log.file = null;
  server = new Server(cfg, log);
  fed = [];
  events = [];
  server.propagator.addTarget({ feed: (_db, argv) => { fed.push([...argv]); } });
  server.ks.hooks.notify = (_c, ev, key) => { events.push(`${ev}:${key}`); };
  server.ks.notifying = true;
  client = new Client(1, transport, () => {});
  client.authenticated = true;
}

/** Runs one command and returns its decoded reply. */
function run(...argv: (string | number)[]): RespValue {
  server.dispatcher.execute(client, argv.map(String));
  const out = client.reply.take();
  assert.ok(out !== null);
  const buf = typeof out === 'string' ? Buffer.from(out, 'latin1') : out;
  const r = parseReply(buf, 0);
  assert.ok(r !== null && r.end === buf.length, 'exactly one reply');
  return r.value;
}

function raw(...argv: (string | number)[]): string {
  server.dispatcher.execute(client, argv.map(String));
  const out = client.reply.take();
  return typeof out === 'string' ? out : out!.toString('latin1');
}

function value(key: string): unknown {
  return server.ks.dbs[0]!.lookup(key);
}

beforeEach(() => setup());

describe('propagation', () => {
  it('pushes, pops and moves propagate as received', () => {
    run('RPUSH', 'l', 'a', 'b', 'c');
    run('LPOP', 'l', 2);
    run('RPOPLPUSH', 'l', 'm');
    run('LMOVE', 'm', 'm', 'LEFT', 'RIGHT');
    assert.deepEqual(fed, [['RPUSH', 'l', 'a', 'b', 'c'], ['LPOP', 'l', '2'], ['RPOPLPUSH', 'l', 'm'], ['LMOVE', 'm', 'm', 'LEFT', 'RIGHT']]);
  });
  it('LMPOP propagates as LPOP/RPOP with the number popped', () => {
    run('RPUSH', 'l', 'a', 'b');
    fed.length = 0;
    run('LMPOP', 2, 'x', 'l', 'RIGHT', 'COUNT', 10);
    assert.deepEqual(fed, [['RPOP', 'l', '2']]);
  });
  it('commands that change nothing propagate nothing', () => {
    run('RPUSH', 'l', 'a');
    fed.length = 0;
    run('LPOP', 'missing');
    run('LREM', 'l', 0, 'zz');
    run('LTRIM', 'l', 0, -1);
    run('LINSERT', 'l', 'BEFORE', 'zz', 'x');
    run('HDEL', 'nohash', 'f');
    run('LMPOP', 1, 'missing', 'LEFT');
    assert.deepEqual(fed, []);
  });
  it('HINCRBYFLOAT propagates HSET with the result', () => {
    run('HINCRBYFLOAT', 'h', 'f', '10.5');
    run('HINCRBYFLOAT', 'h', 'f', '0.1');
    run('HINCRBY', 'h', 'n', 3);
    assert.deepEqual(fed, [['HSET', 'h', 'f', '10.5'], ['HSET', 'h', 'f', '10.6'], ['HINCRBY', 'h', 'n', '3']]);
  });
});

describe('keyspace events', () => {
  it('list events, with del when emptied', () => {
    run('RPUSH', 'l', 'a', 'b');
    run('LPUSH', 'l', 'z');
    run('LSET', 'l', 0, 'y');
    run('LINSERT', 'l', 'AFTER', 'y', 'x');
    run('LREM', 'l', 1, 'x');
    run('LTRIM', 'l', 0, 1);
    run('RPOP', 'l');
    run('LMOVE', 'l', 'd', 'LEFT', 'RIGHT');
    assert.deepEqual(events, ['new:l', 'rpush:l', 'lpush:l', 'lset:l', 'linsert:l', 'lrem:l', 'ltrim:l', 'rpop:l',
      'new:d', 'rpush:d', 'lpop:l', 'del:l']);
    assert.equal(value('l'), undefined);
  });
  it('hash events, with del when emptied', () => {
    run('HSET', 'h', 'a', '1');
    run('HINCRBY', 'h', 'a', 1);
    run('HINCRBYFLOAT', 'h', 'a', '1.5');
    run('HDEL', 'h', 'a');
    assert.deepEqual(events, ['new:h', 'hset:h', 'hincrby:h', 'hincrbyfloat:h', 'hdel:h', 'del:h']);
    assert.equal(value('h'), undefined);
  });
});

describe('RESP3 shapes', () => {
  beforeEach(() => { client.resp = 3; });
  it('LPOP with count on a missing key is null, LMPOP nests arrays', () => {
    assert.equal(raw('LPOP', 'missing', 1), '_\r\n');
    assert.equal(raw('LPOP', 'missing'), '_\r\n');
    run('RPUSH', 'l', 'a');
    assert.equal(raw('LMPOP', 1, 'l', 'LEFT'), '*2\r\n$1\r\nl\r\n*1\r\n$1\r\na\r\n');
    assert.equal(raw('LMPOP', 1, 'l', 'LEFT'), '_\r\n');
  });
  it('HGETALL is a map, HRANDFIELD WITHVALUES an array of pairs', () => {
    run('HSET', 'h', 'a', '1');
    assert.equal(raw('HGETALL', 'h'), '%1\r\n$1\r\na\r\n$1\r\n1\r\n');
    assert.equal(raw('HGETALL', 'missing'), '%0\r\n');
    assert.equal(raw('HRANDFIELD', 'h', 2, 'WITHVALUES'), '*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    assert.equal(raw('HRANDFIELD', 'h', -2, 'WITHVALUES'), '*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n');
    assert.equal(raw('HRANDFIELD', 'h', 1), '*1\r\n$1\r\na\r\n');
  });
});

describe('encodings through the commands', () => {
  it('hashes convert at hash-max-listpack-entries and -value, and never back', () => {
    setup({ 'hash-max-listpack-entries': '4', 'hash-max-listpack-value': '8' });
    run('HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4');
    assert.equal((value('h') as HashValue).encoding(), 'listpack');
    run('HSET', 'h', 'e', '5');
    assert.equal((value('h') as HashValue).encoding(), 'hashtable');
    run('HDEL', 'h', 'a', 'b', 'c', 'd');
    assert.equal((value('h') as HashValue).encoding(), 'hashtable');
    run('HSET', 'v', 'f', '12345678');
    assert.equal((value('v') as HashValue).encoding(), 'listpack');
    run('HSET', 'v', 'g', '123456789');
    assert.equal((value('v') as HashValue).encoding(), 'hashtable');
    run('HINCRBY', 'w', 'long-field-name', 1);
    assert.equal((value('w') as HashValue).encoding(), 'hashtable');
    // More pairs in one command than entries: converted up front, even with duplicates.
    run('HSET', 'x', 'a', '1', 'a', '2', 'a', '3', 'a', '4', 'a', '5');
    assert.equal((value('x') as HashValue).encoding(), 'hashtable');
  });
  it('the old ziplist names set the same directives', () => {
    setup({ 'hash-max-ziplist-entries': '1', 'list-max-ziplist-size': '2' });
    run('HSET', 'h', 'a', '1', 'b', '2');
    assert.equal((value('h') as HashValue).encoding(), 'hashtable');
    run('RPUSH', 'l', 'a', 'b', 'c');
    assert.equal((value('l') as ListValue).encoding(), 'quicklist');
    assert.equal(server.config.get('list-compress-depth'), '0');
  });
  it('lists go to quicklist past list-max-listpack-size and back when they shrink to half', () => {
    setup({ 'list-max-listpack-size': '4' });
    run('RPUSH', 'l', 'a', 'b', 'c', 'd');
    assert.equal((value('l') as ListValue).encoding(), 'listpack');
    run('RPUSH', 'l', 'e');
    assert.equal((value('l') as ListValue).encoding(), 'quicklist');
    run('RPOP', 'l');
    run('RPOP', 'l');
    // One node of 3 entries is more than half of 4: still a quicklist.
    assert.equal((value('l') as ListValue).encoding(), 'quicklist');
    run('RPOP', 'l');
    assert.equal((value('l') as ListValue).encoding(), 'listpack');
  });
  it('LINSERT converts before looking for the pivot, as Redis 7.2 does', () => {
    setup({ 'list-max-listpack-size': '2' });
    run('RPUSH', 'l', 'a', 'b');
    assert.equal(run('LINSERT', 'l', 'BEFORE', 'zz', 'x'), -1);
    assert.equal((value('l') as ListValue).encoding(), 'quicklist');
  });
});
