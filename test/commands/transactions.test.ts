// MULTI / EXEC / DISCARD / UNWATCH: queueing and the checks made at queue time, EXECABORT,
// runtime errors inside EXEC, RESP3 shapes, CLIENT LIST fields, statistics, MONITOR, and EXEC
// under CLIENT PAUSE. Runs against nodis and real Redis (WATCH: transactions-watch.test.ts,
// propagation: transactions-propagation.test.ts).

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

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

function errText(v: RespValue): string {
  assert.ok(v instanceof RespError, `expected an error, got ${JSON.stringify(v)}`);
  return v.message;
}

/** One field of a CLIENT INFO / CLIENT LIST line. */
function field(line: RespValue, name: string): string {
  const m = new RegExp(`(?:^| )${name}=(\\S*)`).exec(String(line));
  assert.ok(m, `no ${name}= in ${String(line)}`);
  return m[1]!;
}

/** A fresh client of the target, closed by the caller. */
const fresh = () => target.client();

describe('MULTI / EXEC', () => {
  it('queues commands and runs them in order at EXEC', async () => {
    const other = await fresh();
    await c.send('DEL', 'tx-a', 'tx-b');
    assert.equal(await c.send('MULTI'), 'OK');
    assert.equal(await c.send('SET', 'tx-a', '1'), 'QUEUED');
    assert.equal(await c.send('INCR', 'tx-a'), 'QUEUED');
    assert.equal(await c.send('RPUSH', 'tx-b', 'x', 'y'), 'QUEUED');
    assert.equal(await c.send('GET', 'tx-a'), 'QUEUED');
    // Nothing ran yet: another client sees nothing.
    assert.equal(await other.send('EXISTS', 'tx-a', 'tx-b'), 0);
    assert.deepEqual(await c.send('EXEC'), ['OK', 2, 2, '2']);
    assert.equal(await other.send('GET', 'tx-a'), '2');
    other.close();
  });

  it('an empty transaction replies an empty array', async () => {
    assert.equal(await c.send('MULTI'), 'OK');
    assert.equal(await c.sendRaw('EXEC'), '*0\r\n');
  });

  it('works pipelined in one write', async () => {
    const r = await c.pipeline([['MULTI'], ['SET', 'tx-p', 'v'], ['GET', 'tx-p'], ['EXEC'], ['PING']]);
    assert.deepEqual(r, ['OK', 'QUEUED', 'QUEUED', ['OK', 'v'], 'PONG']);
  });

  it('runtime errors are replies inside the array and do not stop the rest', async () => {
    await c.send('SET', 'tx-s', 'notanumber');
    await c.send('MULTI');
    await c.send('INCR', 'tx-s');
    await c.send('LPUSH', 'tx-s', 'x');
    await c.send('SET', 'tx-s2', 'ok');
    await c.send('EXPIRE', 'tx-s2', 'abc');
    const r = (await c.send('EXEC')) as RespValue[];
    assert.equal(r.length, 4);
    assert.equal(errText(r[0]!), 'ERR value is not an integer or out of range');
    assert.match(errText(r[1]!), /^WRONGTYPE /);
    assert.equal(r[2], 'OK');
    assert.equal(errText(r[3]!), 'ERR value is not an integer or out of range');
    assert.equal(await c.send('GET', 'tx-s2'), 'ok');
  });

  it('SELECT inside a transaction applies to the rest of it and stays selected', async () => {
    await c.send('MULTI');
    await c.send('SELECT', '2');
    await c.send('SET', 'tx-db', 'two');
    await c.send('SELECT', '0');
    await c.send('GET', 'tx-db');
    await c.send('SELECT', '2');
    assert.deepEqual(await c.send('EXEC'), ['OK', 'OK', 'OK', null, 'OK']);
    assert.equal(await c.send('GET', 'tx-db'), 'two');
    await c.send('DEL', 'tx-db');
    await c.send('SELECT', '0');
  });

  it('commands run after EXEC see the effects, other clients never see a partial transaction', async () => {
    const other = await fresh();
    await c.send('SET', 'tx-at', '0');
    const cmds: string[][] = [['MULTI']];
    for (let i = 0; i < 50; i++) cmds.push(['INCR', 'tx-at']);
    cmds.push(['EXEC']);
    const [replies, seen] = await Promise.all([c.pipeline(cmds), other.send('GET', 'tx-at')]);
    assert.ok(seen === '0' || seen === '50', `saw ${String(seen)}`);
    assert.equal((replies.at(-1) as RespValue[]).at(-1), 50);
    other.close();
  });
});

describe('errors', () => {
  it('EXEC and DISCARD without MULTI', async () => {
    assert.equal(errText(await c.send('EXEC')), 'ERR EXEC without MULTI');
    assert.equal(errText(await c.send('DISCARD')), 'ERR DISCARD without MULTI');
  });

  it('nested MULTI is an error that does not abort the transaction', async () => {
    await c.send('MULTI');
    assert.equal(errText(await c.send('MULTI')), 'ERR MULTI calls can not be nested');
    await c.send('SET', 'tx-n', '1');
    assert.deepEqual(await c.send('EXEC'), ['OK']);
  });

  it('WATCH inside MULTI is an error that does not abort the transaction', async () => {
    await c.send('MULTI');
    assert.equal(errText(await c.send('WATCH', 'tx-w')), 'ERR WATCH inside MULTI is not allowed');
    await c.send('PING');
    assert.deepEqual(await c.send('EXEC'), ['PONG']);
  });

  it('arity errors of the transaction commands themselves', async () => {
    assert.equal(errText(await c.send('MULTI', 'x')), "ERR wrong number of arguments for 'multi' command");
    assert.equal(errText(await c.send('DISCARD', 'x')), "ERR wrong number of arguments for 'discard' command");
    assert.equal(errText(await c.send('WATCH')), "ERR wrong number of arguments for 'watch' command");
    assert.equal(errText(await c.send('UNWATCH', 'x')), "ERR wrong number of arguments for 'unwatch' command");
    // A rejected EXEC always answers EXECABORT, even outside MULTI.
    assert.equal(errText(await c.send('EXEC', 'x')),
      "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command");
  });

  for (const [what, bad, text] of [
    ['an unknown command', ['NOSUCHCMD', 'a'], "ERR unknown command 'NOSUCHCMD', with args beginning with: 'a' "],
    ['a wrong arity', ['SET', 'tx-e'], "ERR wrong number of arguments for 'set' command"],
    ['an unknown subcommand', ['CONFIG', 'NOPE'], "ERR unknown subcommand 'NOPE'. Try CONFIG HELP."],
    ['a container without subcommand', ['CONFIG'], "ERR wrong number of arguments for 'config' command"],
    ['a no_multi command', ['SHUTDOWN'], 'ERR Command not allowed inside a transaction'],
  ] as const) {
    it(`${what} at queue time aborts the whole transaction`, async () => {
      await c.send('DEL', 'tx-e');
      await c.send('MULTI');
      assert.equal(await c.send('SET', 'tx-e', 'before'), 'QUEUED');
      assert.equal(errText(await c.send(...bad)), text);
      assert.equal(await c.send('SET', 'tx-e', 'after'), 'QUEUED');
      assert.equal(errText(await c.send('EXEC')), 'EXECABORT Transaction discarded because of previous errors.');
      // Nothing ran and the client left MULTI.
      assert.equal(await c.send('EXISTS', 'tx-e'), 0);
      assert.equal(errText(await c.send('EXEC')), 'ERR EXEC without MULTI');
    });
  }

  it('EXEC with arguments inside MULTI discards the transaction', async () => {
    await c.send('MULTI');
    await c.send('SET', 'tx-x', '1');
    assert.equal(errText(await c.send('EXEC', 'now')),
      "EXECABORT Transaction discarded because of: wrong number of arguments for 'exec' command");
    assert.equal(errText(await c.send('EXEC')), 'ERR EXEC without MULTI');
    assert.equal(await c.send('EXISTS', 'tx-x'), 0);
  });

  it('a rejected DISCARD, MULTI or WATCH inside MULTI aborts it too', async () => {
    for (const bad of [['DISCARD', 'x'], ['MULTI', 'x'], ['WATCH']]) {
      await c.send('MULTI');
      errText(await c.send(...bad));
      assert.equal(errText(await c.send('EXEC')), 'EXECABORT Transaction discarded because of previous errors.', bad.join(' '));
    }
  });
});

describe('DISCARD, RESET, QUIT', () => {
  it('DISCARD drops the queue and leaves MULTI', async () => {
    await c.send('DEL', 'tx-d');
    await c.send('MULTI');
    await c.send('SET', 'tx-d', '1');
    assert.equal(await c.send('DISCARD'), 'OK');
    assert.equal(await c.send('EXISTS', 'tx-d'), 0);
    assert.equal(errText(await c.send('EXEC')), 'ERR EXEC without MULTI');
  });

  it('RESET runs at once inside MULTI and ends the transaction', async () => {
    const a = await fresh();
    await a.send('MULTI');
    await a.send('SET', 'tx-r', '1');
    assert.equal(await a.send('RESET'), 'RESET');
    assert.equal(errText(await a.send('EXEC')), 'ERR EXEC without MULTI');
    assert.equal(await a.send('EXISTS', 'tx-r'), 0);
    a.close();
  });

  it('QUIT runs at once inside MULTI', async () => {
    const a = await fresh();
    await a.send('MULTI');
    await a.send('SET', 'tx-q', '1');
    assert.equal(await a.send('QUIT'), 'OK');
    assert.ok(await a.waitClosed());
    assert.equal(await c.send('EXISTS', 'tx-q'), 0);
  });

  it('UNWATCH inside MULTI is queued like any command', async () => {
    await c.send('MULTI');
    assert.equal(await c.send('UNWATCH'), 'QUEUED');
    assert.deepEqual(await c.send('EXEC'), ['OK']);
  });
});

describe('RESP3', () => {
  it('replies keep their RESP3 types inside the EXEC array', async () => {
    const a = await fresh();
    await a.send('HELLO', '3');
    await a.send('DEL', 'tx-h');
    await a.send('MULTI');
    await a.send('HSET', 'tx-h', 'f', 'v');
    await a.send('HGETALL', 'tx-h');
    await a.send('GET', 'tx-nokey');
    assert.equal(await a.sendRaw('EXEC'), '*3\r\n:1\r\n%1\r\n$1\r\nf\r\n$1\r\nv\r\n_\r\n');
    a.close();
  });

  it('a transaction switching protocol answers in the new one after the switch', async () => {
    const a = await fresh();
    await a.send('HELLO', '3');
    await a.send('MULTI');
    await a.send('HELLO', '2');
    await a.send('GET', 'tx-nokey');
    const raw = await a.sendRaw('EXEC');
    assert.ok(raw.startsWith('*2\r\n*14\r\n$6\r\nserver\r\n'), raw);
    assert.ok(raw.endsWith('$-1\r\n'), raw);
    a.close();
  });
});

describe('CLIENT LIST and INFO', () => {
  it('flag x, multi= and multi-mem while queueing; back to normal after EXEC', async () => {
    const a = await fresh();
    const id = String(await clientId(a));
    assert.equal(field(await a.send('CLIENT', 'INFO'), 'multi'), '-1');
    await a.send('MULTI');
    const empty = await c.send('CLIENT', 'LIST', 'ID', id);
    assert.equal(field(empty, 'flags'), 'x');
    assert.equal(field(empty, 'multi'), '0');
    assert.equal(field(empty, 'multi-mem'), '0');
    await a.send('SET', 'k', 'vv');
    await a.send('CLIENT', 'INFO');
    const line = await c.send('CLIENT', 'LIST', 'ID', id);
    assert.equal(field(line, 'multi'), '2');
    // Argument bytes plus one pointer per argument, as Redis counts them.
    assert.equal(field(line, 'multi-mem'), String(3 + 1 + 2 + 3 * 8 + 6 + 4 + 2 * 8));
    assert.equal(field(line, 'cmd'), 'client|info');
    const r = (await a.send('EXEC')) as RespValue[];
    // Inside EXEC the client is still in its transaction and runs "exec".
    assert.equal(field(r[1]!, 'flags'), 'x');
    assert.equal(field(r[1]!, 'multi'), '2');
    assert.equal(field(r[1]!, 'cmd'), 'exec');
    const afterLine = await a.send('CLIENT', 'INFO');
    assert.equal(field(afterLine, 'flags'), 'N');
    assert.equal(field(afterLine, 'multi'), '-1');
    assert.equal(field(afterLine, 'multi-mem'), '0');
    a.close();
  });

  it('a doomed transaction stops counting what it queues', async () => {
    const a = await fresh();
    const id = await clientId(a);
    await a.send('MULTI');
    await a.send('SET', 'k', 'v');
    await a.send('NOSUCHCMD');
    assert.equal(await a.send('SET', 'k', 'v'), 'QUEUED');
    assert.equal(field(await c.send('CLIENT', 'LIST', 'ID', String(id)), 'multi'), '1');
    await a.send('DISCARD');
    a.close();
  });

  it('counts EXEC failures, rejections and error replies like Redis', async () => {
    const a = await fresh();
    await a.send('CONFIG', 'RESETSTAT');
    await a.send('MULTI');
    await a.send('NOSUCHCMD');
    await a.send('EXEC'); // EXECABORT: a failed call
    await a.send('EXEC'); // without MULTI: a failed call
    await a.send('EXEC', 'x'); // rejected
    await a.send('MULTI');
    await a.send('SET', 'tx-st', 'x');
    await a.send('INCR', 'tx-st');
    await a.send('EXEC'); // an inner error does not make EXEC fail
    const stats = String(await a.send('INFO', 'commandstats'));
    assert.match(stats, /cmdstat_exec:calls=3,[^\r\n]*rejected_calls=1,failed_calls=2/);
    assert.match(stats, /cmdstat_incr:calls=1,[^\r\n]*failed_calls=1/);
    const errs = String(await a.send('INFO', 'errorstats'));
    assert.match(errs, /errorstat_EXECABORT:count=2/);
    assert.match(errs, /errorstat_ERR:count=3/);
    a.close();
  });
});

describe('MONITOR', () => {
  it('shows MULTI, the commands as EXEC runs them, then EXEC; never the queueing', async () => {
    const m = await fresh();
    const a = await fresh();
    await m.send('MONITOR');
    await a.send('MULTI');
    await a.send('SET', 'tx-m', '1');
    await a.send('SELECT', '1');
    await a.send('GET', 'tx-m');
    await a.send('EXEC');
    await a.send('SELECT', '0');
    await a.send('MULTI');
    await a.send('NOSUCHCMD');
    await a.send('EXEC');
    await a.send('MULTI');
    await a.send('EXEC', 'x');
    await a.send('PING', 'end');
    const lines: string[] = [];
    while (!lines.some((l) => l.includes('"end"'))) {
      const push = await m.nextPush();
      lines.push(String(push));
    }
    const shown = lines.map((l) => l.replace(/^\S+ \[(\d+) [^\]]+\] /, '$1 '));
    assert.deepEqual(shown, [
      '0 "MULTI"', '0 "SET" "tx-m" "1"', '1 "SELECT" "1"', '1 "GET" "tx-m"', '1 "EXEC"',
      '0 "SELECT" "0"', '0 "MULTI"', '0 "EXEC"',
      '0 "MULTI"', '0 "EXEC" "x"', '0 "PING" "end"',
    ]);
    m.close();
    a.close();
  });
});

describe('CLIENT PAUSE', () => {
  it('EXEC of a transaction that writes waits for a WRITE pause; a read-only one does not', async () => {
    const admin = await fresh();
    const a = await fresh();
    const b = await fresh();
    await a.send('MULTI');
    await a.send('SET', 'tx-pause', '1');
    await b.send('MULTI');
    await b.send('GET', 'tx-pause');
    await admin.send('CLIENT', 'PAUSE', '300', 'WRITE');
    const start = Date.now();
    const readOnly = await b.send('EXEC');
    const readMs = Date.now() - start;
    const written = await a.send('EXEC');
    const writeMs = Date.now() - start;
    assert.deepEqual(readOnly, [null]);
    assert.ok(readMs < 200, `the read-only EXEC was not held (${readMs} ms)`);
    assert.deepEqual(written, ['OK']);
    assert.ok(writeMs >= 200, `the writing EXEC waited (${writeMs} ms)`);
    await admin.send('CLIENT', 'UNPAUSE');
    for (const x of [admin, a, b]) x.close();
  });

  it('queueing a write inside MULTI waits during a WRITE pause', async () => {
    const admin = await fresh();
    const a = await fresh();
    await a.send('MULTI');
    await admin.send('CLIENT', 'PAUSE', '250', 'WRITE');
    const start = Date.now();
    assert.equal(await a.send('SET', 'tx-pause2', '1'), 'QUEUED');
    assert.ok(Date.now() - start >= 150, 'the write was held before queueing');
    assert.deepEqual(await a.send('EXEC'), ['OK']);
    await admin.send('CLIENT', 'UNPAUSE');
    admin.close();
    a.close();
  });
});

async function clientId(x: TestClient): Promise<number> {
  return Number(await x.send('CLIENT', 'ID'));
}
