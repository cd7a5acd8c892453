// MONITOR: the feed's line format and quoting, what is left out, and the monitor's own limits.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;

before(async () => {
  target = await startTarget();
});
after(async () => {
  await target.close();
});

const LINE = /^(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)$/;

describe('MONITOR', () => {
  it('feeds executed commands with Redis quoting, skipping admin and rejected commands', async () => {
    const m = await target.client();
    const c = await target.client();
    try {
      assert.equal(await m.send('MONITOR'), 'OK');
      await c.send('SET', Buffer.from('k\x01"', 'latin1'), Buffer.from('a\n\\b\t\xff\r\x07\x08', 'latin1'));
      await c.send('CONFIG', 'GET', 'maxclients'); // admin: not shown
      await c.send('NOSUCHCOMMAND'); // rejected: not shown
      await c.send('GET'); // rejected (arity): not shown
      await c.send('SELECT', '3');
      await c.send('PING');
      const lines: string[] = [];
      for (let i = 0; i < 3; i++) lines.push((await m.nextPush()) as unknown as string);
      const parsed = lines.map((l) => LINE.exec(l));
      for (const p of parsed) assert.ok(p, 'line format');
      assert.ok(Math.abs(Number(parsed[0]![1]) - Date.now() / 1000) < 5);
      assert.equal(parsed[0]![3], '0');
      assert.match(parsed[0]![4]!, /^127\.0\.0\.1:\d+$/);
      assert.equal(parsed[0]![5], '"SET" "k\\x01\\"" "a\\n\\\\b\\t\\xff\\r\\a\\b"');
      // SELECT is shown in the database it switched to, as Redis feeds after running.
      assert.equal(parsed[1]![3], '3');
      assert.equal(parsed[1]![5], '"SELECT" "3"');
      assert.equal(parsed[2]![5], '"PING"');
    } finally {
      m.close();
      c.close();
    }
  });

  it('a monitor may run commands that do not touch the keyspace and sees its own', async () => {
    const m = await target.client();
    try {
      await m.send('MONITOR');
      assert.equal(await m.send('PING'), 'PONG');
      const line = (await m.nextPush()) as unknown as string;
      assert.match(line, /"PING"$/);
      const r = await m.send('GET', 'k');
      assert.ok(r instanceof RespError);
      assert.equal(r.message, "ERR Replica can't interact with the keyspace");
    } finally {
      m.close();
    }
  });
});
