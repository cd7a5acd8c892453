// The FAILOVER state machine (replication/failover.ts) with a fake host: the order of the state
// checks, choosing the target, the deadline with and without FORCE, the target's answer, and the
// write pause it holds in ClientPause (which CLIENT UNPAUSE does not end).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Failover, type FailoverHost, type FailoverReplica } from '../../src/replication/failover.js';
import { ClientPause } from '../../src/session/pause.js';

function fake(replicas: FailoverReplica[], offset = 100) {
  const calls: string[] = [];
  let ended = 0;
  const pause = new ClientPause(() => { ended++; });
  const host: FailoverHost & { isReplica: boolean; offset: number } = {
    isReplica: false,
    offset,
    log: (_l, m) => calls.push(`log ${m}`),
    replicas: () => replicas,
    pause,
    followTarget: (h, p) => { calls.push(`follow ${h}:${p}`); host.isReplica = true; },
    unfollow: () => { calls.push('unfollow'); host.isReplica = false; },
  };
  return { host, calls, pause, f: new Failover(host), ended: () => ended };
}

const rep = (ip: string, port: number, ackOffset: number, online = true): FailoverReplica => ({ ip, listeningPort: port, ackOffset, online });
const noTarget = { target: null, timeoutMs: 0, force: false };

describe('Failover.start', () => {
  it('checks in Redis order and holds a write pause once started', () => {
    const { f, host, pause } = fake([]);
    assert.equal(f.start(noTarget, 0)?.text, 'ERR FAILOVER requires connected replicas.');
    host.isReplica = true;
    assert.equal(f.start(noTarget, 0)?.text, 'ERR FAILOVER is not valid when server is a replica.');
    const x = fake([rep('127.0.0.1', 7001, 0, false)]);
    assert.equal(x.f.start({ target: null, timeoutMs: 0, force: true }, 0)?.text,
      'ERR FAILOVER with force option requires both a timeout and target HOST and IP.');
    assert.equal(x.f.start({ target: { host: '127.0.0.1', port: 7002 }, timeoutMs: 0, force: false }, 0)?.text,
      'ERR FAILOVER target HOST and PORT is not a replica.');
    assert.equal(x.f.start({ target: { host: '127.0.0.1', port: 7001 }, timeoutMs: 0, force: false }, 0)?.text,
      'ERR FAILOVER target replica is not online.');
    assert.equal(pause.active, null);
    assert.equal(x.f.start(noTarget, 0), null);
    assert.equal(x.f.state, 'waiting-for-sync');
    assert.equal(x.pause.active, 'write');
    assert.equal(x.pause.expiryPolicy(), 'hide');
    assert.equal(x.f.start(noTarget, 0)?.text, 'ERR FAILOVER already in progress.');
  });

  it('matches the target address case-insensitively', () => {
    const { f } = fake([rep('LocalHost', 7001, 0)]);
    assert.equal(f.start({ target: { host: 'localhost', port: 7001 }, timeoutMs: 0, force: false }, 0), null);
  });
});

describe('Failover.update', () => {
  it('hands over to the named target once its ACK reaches the offset', () => {
    const r1 = rep('127.0.0.1', 7001, 100);
    const r2 = rep('127.0.0.1', 7002, 50);
    const { f, calls } = fake([r1, r2]);
    f.start({ target: { host: '127.0.0.1', port: 7002 }, timeoutMs: 0, force: false }, 0);
    f.update(10);
    assert.equal(f.state, 'waiting-for-sync');
    (r2 as { ackOffset: number }).ackOffset = 100;
    f.update(20);
    assert.equal(f.state, 'failover-in-progress');
    assert.ok(calls.includes('follow 127.0.0.1:7002'));
    assert.ok(calls.includes('log Failover target 127.0.0.1:7002 is synced, failing over.'));
  });

  it('without TO takes the first replica that caught up', () => {
    const { f, calls } = fake([rep('10.0.0.1', 1, 99), rep('10.0.0.2', 2, 100), rep('10.0.0.3', 3, 100)]);
    f.start(noTarget, 0);
    f.update(1);
    assert.ok(calls.includes('follow 10.0.0.2:2'));
  });

  it('a deadline aborts without FORCE and hands over with it', () => {
    const a = fake([rep('h', 1, 0)]);
    a.f.start({ target: { host: 'h', port: 1 }, timeoutMs: 50, force: false }, 1000);
    assert.equal(a.f.holdsPing, true);
    a.f.update(1049);
    assert.equal(a.f.state, 'waiting-for-sync');
    a.f.update(1050);
    assert.equal(a.f.state, 'no-failover');
    assert.ok(a.calls.includes('log FAILOVER to h:1 aborted: Replica never caught up before timeout'));
    assert.ok(!a.calls.includes('unfollow'));
    assert.equal(a.pause.active, null);
    assert.equal(a.ended(), 1);

    const b = fake([rep('h', 1, 0)]);
    b.f.start({ target: { host: 'h', port: 1 }, timeoutMs: 50, force: true }, 1000);
    b.f.update(1050);
    assert.equal(b.f.state, 'failover-in-progress');
    assert.ok(b.calls.includes('log FAILOVER to h:1 time out exceeded, failing over.'));
    assert.equal(b.pause.active, 'write');
  });
});

describe('Failover: the end', () => {
  it("the target's resync ends it and lifts the pause", () => {
    const { f, pause, ended } = fake([rep('h', 1, 100)]);
    f.start(noTarget, 0);
    f.update(0);
    f.psyncAnswered(true);
    assert.equal(f.state, 'no-failover');
    assert.equal(pause.active, null);
    assert.equal(ended(), 1);
  });

  it('a refusal aborts: we stop following and are a primary again', () => {
    const { f, calls, host } = fake([rep('h', 1, 100)]);
    f.start(noTarget, 0);
    f.update(0);
    f.psyncAnswered(false);
    assert.equal(f.state, 'no-failover');
    assert.equal(host.isReplica, false);
    assert.ok(calls.includes('log FAILOVER to h:1 aborted: Failover target rejected psync request'));
  });

  it('the pause survives CLIENT UNPAUSE and a shorter CLIENT PAUSE', () => {
    const { f, pause, ended } = fake([rep('h', 1, 0)]);
    f.start(noTarget, 0);
    pause.pause(10, 'all');
    assert.equal(pause.active, 'all');
    pause.unpause();
    assert.equal(pause.active, 'write');
    const before = ended();
    f.abort('Failover manually aborted');
    assert.equal(pause.active, null);
    assert.equal(ended(), before + 1);
    pause.close();
  });
});
