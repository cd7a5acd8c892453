// SLOWLOG GET/LEN/RESET/HELP with slowlog-log-slower-than 0 (every command is logged).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;

before(async () => {
  target = await startTarget({ 'slowlog-log-slower-than': '0', 'slowlog-max-len': '5' });
  c = await target.client();
});
after(async () => {
  c.close();
  await target.close();
});

type Entry = [number, number, number, string[], string, string];

describe('SLOWLOG', () => {
  it('records entries newest first with id, time, duration, argv, peer and name', async () => {
    assert.equal(await c.send('SLOWLOG', 'RESET'), 'OK');
    await c.send('SET', 'sl:k', 'value');
    const entries = (await c.send('SLOWLOG', 'GET')) as Entry[];
    // The RESET itself is logged too, after it ran.
    assert.equal(entries.length, 2);
    const [id, time, usec, argv, peer, name] = entries[0]!;
    assert.deepEqual(argv, ['SET', 'sl:k', 'value']);
    assert.ok(id > entries[1]![0]);
    assert.ok(Math.abs(time - Date.now() / 1000) < 5);
    assert.ok(usec >= 0);
    assert.match(peer, /^127\.0\.0\.1:\d+$/);
    assert.equal(name, '');
    assert.deepEqual(entries[1]![3], ['SLOWLOG', 'RESET']);
  });

  it('trims long argument lists and long strings', async () => {
    await c.send('SLOWLOG', 'RESET');
    const many = Array.from({ length: 40 }, (_, i) => String(i));
    await c.send('ECHO', 'x'.repeat(200));
    await c.send('PING', ...many);
    const entries = (await c.send('SLOWLOG', 'GET', '2')) as Entry[];
    const pingArgs = entries[0]![3];
    assert.equal(pingArgs.length, 32);
    assert.equal(pingArgs[31], '... (10 more arguments)');
    assert.equal(pingArgs[30], '29');
    assert.equal(entries[1]![3][1], 'x'.repeat(128) + '... (72 more bytes)');
  });

  it('keeps at most slowlog-max-len entries; GET count and -1', async () => {
    for (let i = 0; i < 8; i++) await c.send('PING');
    assert.equal(await c.send('SLOWLOG', 'LEN'), 5);
    assert.equal(((await c.send('SLOWLOG', 'GET', '-1')) as Entry[]).length, 5);
    assert.equal(((await c.send('SLOWLOG', 'GET', '2')) as Entry[]).length, 2);
    assert.equal(((await c.send('SLOWLOG', 'GET', '0')) as Entry[]).length, 0);
  });

  it('rejects bad counts and arities with Redis texts', async () => {
    for (const bad of ['-2', 'abc']) {
      const r = await c.send('SLOWLOG', 'GET', bad);
      assert.ok(r instanceof RespError);
      assert.equal(r.message, 'ERR count should be greater than or equal to -1');
    }
    const r = await c.send('SLOWLOG', 'LEN', 'x');
    assert.ok(r instanceof RespError && r.message === "ERR wrong number of arguments for 'slowlog|len' command");
    const u = await c.send('SLOWLOG', 'NOPE');
    assert.ok(u instanceof RespError && u.message === "ERR unknown subcommand 'NOPE'. Try SLOWLOG HELP.");
    const g = await c.send('SLOWLOG', 'GET', '1', '2');
    assert.ok(g instanceof RespError && g.message === "ERR unknown subcommand or wrong number of arguments for 'GET'. Try SLOWLOG HELP.");
  });

  it('HELP lists the subcommands', async () => {
    const h = (await c.send('SLOWLOG', 'HELP')) as string[];
    assert.match(h[0]!, /^SLOWLOG <subcommand>/);
    assert.ok(h.some((l) => l.startsWith('GET')));
    assert.ok(h.some((l) => l === 'HELP'));
  });
});

describe('SLOWLOG disabled', () => {
  it('a negative threshold logs nothing', async () => {
    const t = await startTarget({ 'slowlog-log-slower-than': '-1' });
    const d = await t.client();
    try {
      await d.send('PING');
      assert.equal(await d.send('SLOWLOG', 'LEN'), 0);
    } finally {
      d.close();
      await t.close();
    }
  });
});
