// MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;

before(async () => {
  target = await startTarget();
  c = await target.client();
});
after(async () => {
  c.close();
  await target.close();
});

describe('MEMORY USAGE', () => {
  it('estimates a key and grows with the value; nil for a missing key', async () => {
    await c.send('SET', 'mem:small', 'v');
    await c.send('SET', 'mem:big', 'x'.repeat(10000));
    const small = (await c.send('MEMORY', 'USAGE', 'mem:small')) as number;
    const big = (await c.send('MEMORY', 'USAGE', 'mem:big')) as number;
    assert.ok(small > 0 && small < 200, `small ${small}`);
    assert.ok(big >= 10000 && big < 10300, `big ${big}`);
    assert.equal(await c.send('MEMORY', 'USAGE', 'mem:missing'), null);
    assert.equal(typeof (await c.send('MEMORY', 'USAGE', 'mem:small', 'SAMPLES', '0')), 'number');
    if (!againstRedis) {
      // nodis's model: 32 entry + 16+8 key string ("mem:small") + 16+8 value string.
      assert.equal(small, 32 + 16 + 16 + 16 + 8);
    }
  });

  it('a big list costs about its bytes (packed nodes), as in Redis', async () => {
    for (let b = 0; b < 100; b++) {
      await c.send('RPUSH', 'mem:list', ...Array.from({ length: 100 }, (_, i) => `e:${b * 100 + i}`));
    }
    const used = (await c.send('MEMORY', 'USAGE', 'mem:list')) as number;
    // 10,000 elements of 5-6 bytes: Redis's listpacks take ~8-9 bytes each, nodis's packed
    // nodes ~7 plus the two open end nodes.
    assert.ok(used > 60_000 && used < 250_000, `list ${used}`);
  });

  it('rejects bad SAMPLES and extra arguments', async () => {
    const cases: [string[], string][] = [
      [['SAMPLES', '-1'], 'ERR syntax error'],
      [['SAMPLES', 'x'], 'ERR value is not an integer or out of range'],
      [['SAMPLES'], 'ERR syntax error'],
      [['FOO', '1'], 'ERR syntax error'],
    ];
    for (const [args, text] of cases) {
      const r = await c.send('MEMORY', 'USAGE', 'mem:small', ...args);
      assert.ok(r instanceof RespError, args.join(' '));
      assert.equal(r.message, text);
    }
    const a = await c.send('MEMORY', 'USAGE');
    assert.ok(a instanceof RespError && a.message === "ERR wrong number of arguments for 'memory|usage' command");
  });
});

describe('MEMORY STATS and the rest', () => {
  it('STATS uses Redis field names with a db.N map', async () => {
    await c.send('SET', 'mem:small', 'v');
    const flat = (await c.send('MEMORY', 'STATS')) as RespValue[];
    const names = flat.filter((_, i) => i % 2 === 0);
    for (const n of ['peak.allocated', 'total.allocated', 'startup.allocated', 'replication.backlog', 'clients.slaves',
      'clients.normal', 'aof.buffer', 'overhead.total', 'keys.count', 'keys.bytes-per-key', 'dataset.bytes',
      'dataset.percentage', 'peak.percentage', 'allocator.allocated', 'allocator.active', 'allocator.resident',
      'allocator-fragmentation.ratio', 'allocator-rss.ratio', 'fragmentation', 'fragmentation.bytes', 'db.0']) {
      assert.ok(names.includes(n), n);
    }
    const db0 = flat[flat.indexOf('db.0') + 1] as RespValue[];
    assert.equal(db0[0], 'overhead.hashtable.main');
    assert.ok((flat[flat.indexOf('keys.count') + 1] as number) >= 1);
  });

  it('DOCTOR and MALLOC-STATS reply text; PURGE replies OK', async () => {
    assert.equal(typeof (await c.send('MEMORY', 'DOCTOR')), 'string');
    assert.equal(typeof (await c.send('MEMORY', 'MALLOC-STATS')), 'string');
    assert.equal(await c.send('MEMORY', 'PURGE'), 'OK');
    const h = (await c.send('MEMORY', 'HELP')) as string[];
    assert.match(h[0]!, /^MEMORY <subcommand>/);
    const u = await c.send('MEMORY', 'NOPE');
    assert.ok(u instanceof RespError && u.message === "ERR unknown subcommand 'NOPE'. Try MEMORY HELP.");
  });
});
