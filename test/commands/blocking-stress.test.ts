// Many parked clients: 1,000 connections blocked on 100 keys (BLPOP, BRPOP and BLMPOP mixed),
// then random pushes from several writers until every client is served. Every pushed element
// must reach exactly one client, and each client an element of a key it waited on.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { RespValue, TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

const CLIENTS = 1000;
const KEYS = 100;

let target: Target;
let admin: TestClient;
const clients: TestClient[] = [];

before(async () => {
  target = await startTarget();
  admin = await target.client();
});
after(async () => {
  for (const x of clients) x.close();
  admin.close();
  await target.close();
});

/** A small deterministic generator (xorshift32) so a failure can be replayed. */
function rng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 0x100000000;
  };
}

async function blockedClients(): Promise<number> {
  const text = String(await admin.send('INFO', 'clients'));
  return Number(/^blocked_clients:(\d+)/m.exec(text)![1]);
}

describe('1,000 clients blocked on 100 keys', () => {
  it('delivers every pushed element exactly once', { timeout: 20000 }, async () => {
    const rand = rng(0x5eed);
    const keyOf = (i: number) => `stress:k${i % KEYS}`;
    const replies: Promise<RespValue>[] = [];
    for (let i = 0; i < CLIENTS; i++) clients.push(await target.client());
    for (let i = 0; i < CLIENTS; i++) {
      const key = keyOf(i);
      const kind = i % 3;
      if (kind === 0) replies.push(clients[i]!.send('BLPOP', key, '0'));
      else if (kind === 1) replies.push(clients[i]!.send('BRPOP', `stress:never${i}`, key, '0'));
      else replies.push(clients[i]!.send('BLMPOP', '0', '1', key, 'LEFT'));
    }
    const deadline = Date.now() + 10000;
    while ((await blockedClients()) < CLIENTS) {
      assert.ok(Date.now() < deadline, 'clients did not all park');
      await new Promise((r) => setTimeout(r, 20));
    }

    // Each key gets exactly as many elements as clients wait on it, pushed in random batches
    // by several writers at once.
    const left = Array.from({ length: KEYS }, () => CLIENTS / KEYS);
    const pushed = new Set<string>();
    const writers = await Promise.all([0, 1, 2, 3].map(() => target.client()));
    clients.push(...writers);
    let next = 0;
    const pushes: Promise<RespValue>[] = [];
    while (pushed.size < CLIENTS) {
      const k = Math.floor(rand() * KEYS);
      if (left[k] === 0) continue;
      const n = Math.min(left[k]!, 1 + Math.floor(rand() * 3));
      left[k]! -= n;
      const els: string[] = [];
      for (let j = 0; j < n; j++) {
        const el = `e${next++}`;
        els.push(el);
        pushed.add(el);
      }
      const w = writers[Math.floor(rand() * writers.length)]!;
      pushes.push(w.send(rand() < 0.5 ? 'RPUSH' : 'LPUSH', keyOf(k), ...els));
    }
    await Promise.all(pushes);

    const got = await Promise.all(replies);
    const seen = new Set<string>();
    got.forEach((r, i) => {
      assert.ok(Array.isArray(r), `client ${i} got ${String(r)}`);
      assert.equal(r[0], keyOf(i), `client ${i} served from its key`);
      const el = Array.isArray(r[1]) ? r[1][0] : r[1];
      assert.equal(typeof el, 'string');
      assert.ok(!seen.has(el as string), `${String(el)} delivered twice`);
      seen.add(el as string);
    });
    assert.deepEqual([...seen].sort(), [...pushed].sort());
    assert.equal(await blockedClients(), 0);
    for (let k = 0; k < KEYS; k++) assert.equal(await admin.send('EXISTS', keyOf(k)), 0);
  });
});
