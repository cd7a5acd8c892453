// Helpers of the primary-side replication tests: waiting until a replica has everything its
// primary produced, comparing data sets, writing every type, and a background write load.

import { strict as assert } from 'node:assert';
import { waitFor } from './raw-socket.js';
import { info, snapshot } from './replication.js';
import type { TestClient } from './resp-client.js';

/** Waits until the replica applied every byte the primary produced. */
export async function inSync(primary: TestClient, replica: TestClient, timeoutMs = 20000): Promise<void> {
  let p: string | undefined;
  let r: string | undefined;
  const ok = await waitFor(async () => {
    p = await info(primary, 'master_repl_offset');
    r = await info(replica, 'slave_repl_offset');
    return p !== undefined && p === r;
  }, timeoutMs, 25);
  assert.ok(ok, `replica offset ${r} never reached the primary's ${p}`);
}

/** The two data sets are equal (reports only the differing lines). */
export async function sameData(p: TestClient, r: TestClient, dbs: number[] = [0, 1]): Promise<void> {
  const a = await snapshot(p, dbs);
  const b = await snapshot(r, dbs);
  const short = (l: string) => (l.length > 120 ? `${l.slice(0, 120)}...` : l);
  const onlyP = a.filter((l) => !b.includes(l)).map(short);
  const onlyR = b.filter((l) => !a.includes(l)).map(short);
  assert.deepEqual({ onlyPrimary: onlyP, onlyReplica: onlyR }, { onlyPrimary: [], onlyReplica: [] });
  assert.ok(a.length > 0);
}

/** Data of the types nodis's RDB writer encodes (sets and sorted sets come with their codecs). */
export async function populate(c: TestClient): Promise<void> {
  await c.send('SET', 'str', 'hello');
  await c.send('SET', 'num', '12345');
  await c.send('SET', 'big', 'x'.repeat(50_000));
  await c.send('SET', 'bin', Buffer.from([0, 1, 2, 255, 13, 10]));
  await c.send('RPUSH', 'list', ...Array.from({ length: 300 }, (_, i) => `item${i}`));
  await c.send('RPUSH', 'small', 'a', 'b', 'c');
  await c.send('HSET', 'hash', 'f1', 'v1', 'f2', '2');
  await c.send('HSET', 'bighash', ...Array.from({ length: 1200 }, (_, i) => `k${i}`));
  await c.send('SET', 'ttl', 'v', 'PX', '500000');
  await c.send('SELECT', 1);
  await c.send('SET', 'db1key', 'one');
  await c.send('SELECT', 0);
}

/** Writes of every type, a transaction, a db switch and a large value. */
export async function streamWrites(c: TestClient, round: number): Promise<void> {
  await c.send('APPEND', 'str', `-${round}`);
  await c.send('INCRBY', 'num', 7);
  await c.send('SETRANGE', 'big', 10, 'yyy');
  await c.send('LPUSH', 'list', `head${round}`);
  await c.send('LPOP', 'small');
  await c.send('HSET', 'hash', `f${round}`, `v${round}`);
  await c.send('HINCRBY', 'hash', 'f2', 3);
  await c.send('SADD', 'set', 'a', 'b', `m${round}`, '10');
  await c.send('SREM', 'set', 'b');
  await c.send('SADD', 'intset', 1, 2, 3, round);
  await c.send('ZADD', 'zset', 1, 'a', 2.5, 'b', round, `z${round}`);
  await c.send('ZINCRBY', 'zset', 2, 'a');
  await c.send('EXPIRE', 'str', 1000);
  await c.send('MULTI');
  await c.send('SET', 'tx', `t${round}`);
  await c.send('INCR', 'txcount');
  await c.send('EXEC');
  await c.send('SELECT', 1);
  await c.send('RPUSH', 'db1list', `r${round}`);
  await c.send('SELECT', 0);
  await c.send('SET', 'large', Buffer.alloc(70_000, round % 256));
}

/** A client writing strings, lists and hashes as fast as it can until stopped. */
export function writeLoad(c: TestClient, prefix: string): { stop(): Promise<number> } {
  let running = true;
  let n = 0;
  const done = (async () => {
    while (running) {
      const batch: Promise<unknown>[] = [];
      for (let i = 0; i < 50; i++, n++) {
        batch.push(c.send('SET', `${prefix}:s:${n % 500}`, `v${n}`));
        batch.push(c.send('RPUSH', `${prefix}:l:${n % 20}`, `e${n}`));
        batch.push(c.send('HSET', `${prefix}:h:${n % 30}`, `f${n % 70}`, `${n}`));
      }
      await Promise.all(batch);
    }
  })();
  return {
    async stop() {
      running = false;
      await done;
      return n;
    },
  };
}
