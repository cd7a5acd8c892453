// SORT / SORT_RO in an in-process Server: what they propagate (the command as sent, only when
// STORE changed something), the dirty counter, and the keyspace events of STORE. nodis-only.

import { strict as assert } from 'node:assert';
import { beforeEach, describe, it } from 'node:test';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { Client, type Transport } from '../../src/session/client.js';

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
  server.ks.hooks.notify = (cls, ev, key) => { if (ev !== 'keymiss') events.push(`${cls}:${ev}:${key}`); };
  server.ks.notifying = true;
  client = new Client(1, transport, () => {});
  client.authenticated = true;
}

function run(...argv: string[]): string {
  fed.length = 0;
  events.length = 0;
  server.dispatcher.execute(client, argv);
  const out = client.reply.take();
  return typeof out === 'string' ? out : out!.toString('latin1');
}

beforeEach(() => setup());

describe('SORT effects', () => {
  it('propagates SORT ... STORE as sent and counts every stored element as dirty', () => {
    run('RPUSH', 'l', '3', '1', '2');
    const before = server.ks.dirty;
    assert.equal(run('SORT', 'l', 'BY', 'w_*', 'GET', '#', 'STORE', 'dst'), ':3\r\n');
    assert.deepEqual(fed, [['SORT', 'l', 'BY', 'w_*', 'GET', '#', 'STORE', 'dst']]);
    assert.deepEqual(events, ['n:new:dst', 'l:sortstore:dst']);
    assert.equal(server.ks.dirty - before, 3);
  });

  it('propagates nothing for reads, nor for an empty result with no destination to delete', () => {
    run('RPUSH', 'l', '1');
    run('SORT', 'l');
    run('SORT_RO', 'l', 'ALPHA');
    run('SORT', 'nokey', 'STORE', 'dst');
    assert.deepEqual(fed, []);
    assert.deepEqual(events, []);
  });

  it('an empty result deletes the destination with a del event', () => {
    run('SET', 'dst', 'x');
    assert.equal(run('SORT', 'nokey', 'STORE', 'dst'), ':0\r\n');
    assert.deepEqual(fed, [['SORT', 'nokey', 'STORE', 'dst']]);
    assert.deepEqual(events, ['g:del:dst']);
  });

  it('refuses BY and GET patterns in cluster mode, as Redis 7.2 does', () => {
    setup({ 'cluster-enabled': 'yes' });
    run('RPUSH', 'l', '1');
    assert.equal(run('SORT', 'l', 'BY', 'w_*'), '-ERR BY option of SORT denied in Cluster mode.\r\n');
    assert.equal(run('SORT', 'l', 'GET', '#'), '-ERR GET option of SORT denied in Cluster mode.\r\n');
    // A constant BY is allowed: it names no key per element.
    assert.equal(run('SORT', 'l', 'BY', 'nosort'), '*1\r\n$1\r\n1\r\n');
  });
});
