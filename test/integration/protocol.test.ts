// Bad and unusual input over a raw socket: malformed headers of every kind, absurd lengths,
// inline quoting, binary arguments, huge pipelines, commands split at every byte, clients that
// vanish mid-command. Each case states the exact bytes Redis sends back and whether it closes;
// when redis-server is installed the same bytes are also sent to it, which keeps the
// expectations honest.

import { strict as assert } from 'node:assert';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../../src/index.js';
import { rawExchange, type RawResult } from '../helpers/raw-socket.js';
import { redisAvailable, startRedis, type ChildServer } from '../helpers/oracle.js';
import { TestClient } from '../helpers/resp-client.js';

let nodis: RunningServer;
let redis: ChildServer | null = null;

before(async () => {
  nodis = await startServer({ port: 0 });
  if (redisAvailable()) redis = await startRedis();
});
after(async () => {
  await nodis.close();
  await redis?.stop();
});

const perr = (what: string) => `-ERR Protocol error: ${what}\r\n`;

interface Case {
  name: string;
  send: (string | Buffer)[];
  reply: string;
  closed: boolean;
}

const LONG = 70 * 1024;

const CASES: Case[] = [
  { name: 'non-numeric multibulk count', send: ['*abc\r\n'], reply: perr('invalid multibulk length'), closed: true },
  { name: 'empty multibulk count', send: ['*\r\n'], reply: perr('invalid multibulk length'), closed: true },
  { name: 'multibulk count with a sign', send: ['*+1\r\n'], reply: perr('invalid multibulk length'), closed: true },
  { name: 'multibulk count past INT_MAX', send: ['*3000000000\r\n'], reply: perr('invalid multibulk length'), closed: true },
  { name: 'multibulk count overflowing 64 bits', send: ['*99999999999999999999999\r\n'], reply: perr('invalid multibulk length'), closed: true },
  { name: 'negative multibulk count is an empty command', send: ['*-1\r\n*0\r\nPING\r\n'], reply: '+PONG\r\n', closed: false },
  { name: 'non-numeric bulk length', send: ['*1\r\n$abc\r\n'], reply: perr('invalid bulk length'), closed: true },
  { name: 'empty bulk length', send: ['*1\r\n$\r\n'], reply: perr('invalid bulk length'), closed: true },
  { name: 'negative bulk length', send: ['*1\r\n$-1\r\n'], reply: perr('invalid bulk length'), closed: true },
  { name: 'bulk length past proto-max-bulk-len', send: ['*1\r\n$536870913\r\n'], reply: perr('invalid bulk length'), closed: true },
  { name: 'bulk length overflowing 64 bits', send: ['*1\r\n$99999999999999999999999\r\n'], reply: perr('invalid bulk length'), closed: true },
  { name: "argument without '$'", send: ['*2\r\n$3\r\nGET\r\nfoo\r\n'], reply: perr("expected '$', got 'f'"), closed: true },
  { name: "integer where '$' is due", send: ['*1\r\n:1\r\n'], reply: perr("expected '$', got ':'"), closed: true },
  { name: 'multibulk count line too long', send: ['*' + '1'.repeat(LONG)], reply: perr('too big mbulk count string'), closed: true },
  { name: 'bulk count line too long', send: ['*1\r\n$' + '1'.repeat(LONG)], reply: perr('too big bulk count string'), closed: true },
  { name: 'inline line too long', send: ['PING ' + 'a'.repeat(LONG)], reply: perr('too big inline request'), closed: true },
  { name: 'inline with unbalanced double quote', send: ['ECHO "abc\r\n'], reply: perr('unbalanced quotes in request'), closed: true },
  { name: 'inline with unbalanced single quote', send: ["ECHO 'abc\r\n"], reply: perr('unbalanced quotes in request'), closed: true },
  { name: 'inline closing quote not followed by space', send: ['ECHO "a"b\r\n'], reply: perr('unbalanced quotes in request'), closed: true },
  { name: 'commands before an error still run', send: ['PING\r\n*1\r\n$4\r\nPING\r\n*x\r\n'], reply: '+PONG\r\n+PONG\r\n' + perr('invalid multibulk length'), closed: true },
  { name: 'nothing after an error runs', send: ['*x\r\nPING\r\n'], reply: perr('invalid multibulk length'), closed: true },
  { name: 'incomplete command waits silently', send: ['*2\r\n$4\r\nECHO\r\n$5\r\nhel'], reply: '', closed: false },
  { name: 'inline quoting and escapes', send: ['ECHO "a\\x41\\n\\"q"\r\nECHO \'it\\\'s\'\r\n'], reply: '$5\r\naA\n"q\r\n$4\r\nit\'s\r\n', closed: false },
  { name: 'inline with only LF and with blank lines', send: ['\r\n\n  \r\nPING\nECHO x\r\n'], reply: '+PONG\r\n$1\r\nx\r\n', closed: false },
  { name: 'inline empty quoted argument', send: ['ECHO ""\r\n'], reply: '$0\r\n\r\n', closed: false },
  { name: 'unknown command inline keeps the connection', send: ['FOO bar\r\nPING\r\n'], reply: "-ERR unknown command 'FOO', with args beginning with: 'bar' \r\n+PONG\r\n", closed: false },
];

async function both(send: (string | Buffer)[], quietMs = 300): Promise<[RawResult, RawResult | null]> {
  const n = await rawExchange(nodis.port, send, quietMs);
  const r = redis ? await rawExchange(redis.port, send, quietMs) : null;
  return [n, r];
}

describe('malformed requests', () => {
  for (const tc of CASES) {
    it(tc.name, async () => {
      const [n, r] = await both(tc.send);
      if (r !== null) {
        assert.equal(r.data, tc.reply, 'the oracle agrees with the expectation');
        assert.equal(r.closed, tc.closed, 'the oracle closes (or not) as expected');
      }
      assert.equal(n.data, tc.reply);
      assert.equal(n.closed, tc.closed);
    });
  }

  it('the server keeps serving after every bad client', async () => {
    const c = await TestClient.connect(nodis.port);
    assert.equal(await c.send('PING'), 'PONG');
    c.close();
  });
});

describe('binary arguments', () => {
  it('every byte value survives as key, value and argument', async () => {
    const c = await TestClient.connect(nodis.port);
    const all = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    for (let b = 0; b < 256; b++) {
      const key = Buffer.from([b]);
      await c.send('SET', key, Buffer.concat([key, all]));
    }
    for (let b = 0; b < 256; b++) {
      const key = Buffer.from([b]);
      assert.equal(await c.send('GET', key), Buffer.concat([key, all]).toString('latin1'));
    }
    assert.equal(await c.send('ECHO', Buffer.from('\r\n$1\r\n*0\r\n', 'latin1')), '\r\n$1\r\n*0\r\n');
    c.close();
  });
});

describe('pipelines and fragmentation', () => {
  it('100k commands in one write get 100k replies in order', async () => {
    const n = 100_000;
    const one = '*2\r\n$4\r\nECHO\r\n';
    let text = '';
    for (let i = 0; i < n; i++) {
      const s = String(i);
      text += one + '$' + s.length + '\r\n' + s + '\r\n';
    }
    const got = await new Promise<string>((resolve, reject) => {
      const sock = connect({ port: nodis.port, host: '127.0.0.1' });
      const parts: Buffer[] = [];
      let seen = 0;
      sock.on('data', (d) => {
        parts.push(d);
        for (const byte of d) if (byte === 10) seen++;
        if (seen >= n * 2) {
          sock.destroy();
          resolve(Buffer.concat(parts).toString('latin1'));
        }
      });
      sock.on('error', reject);
      sock.write(text);
    });
    let expected = '';
    for (let i = 0; i < n; i++) {
      const s = String(i);
      expected += '$' + s.length + '\r\n' + s + '\r\n';
    }
    assert.equal(got.length, expected.length);
    assert.ok(got === expected, 'replies in order');
  });

  it('commands split at every byte boundary', async () => {
    const text = '*3\r\n$3\r\nSET\r\n$5\r\nsplit\r\n$4\r\na\r\nb\r\n*2\r\n$3\r\nGET\r\n$5\r\nsplit\r\nECHO "x y"\r\n';
    const chunks = [...text];
    const [n, r] = await (async () => {
      const a = await rawExchange(nodis.port, chunks, 300, 1);
      const b = redis ? await rawExchange(redis.port, chunks, 300, 1) : null;
      return [a, b] as const;
    })();
    const expected = '+OK\r\n$4\r\na\r\nb\r\n$3\r\nx y\r\n';
    if (r !== null) assert.equal(r.data, expected);
    assert.equal(n.data, expected);
    assert.equal(n.closed, false);
  });

  it('a big argument arriving in many pieces', async () => {
    const value = Buffer.alloc(3 * 1024 * 1024, 'z');
    const c = await TestClient.connect(nodis.port);
    const cmd = Buffer.concat([Buffer.from(`*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$${value.length}\r\n`), value, Buffer.from('\r\n')]);
    const pieces: Buffer[] = [];
    for (let i = 0; i < cmd.length; i += 100_000) pieces.push(cmd.subarray(i, i + 100_000));
    const done = c.writeRaw(Buffer.alloc(0), 1);
    for (const p of pieces) c.socket.write(p);
    assert.deepEqual(await done, ['+OK\r\n']);
    assert.equal(((await c.send('GET', 'big')) as string).length, value.length);
    c.close();
  });
});

describe('clients that vanish', () => {
  it('a client disconnecting mid-command does not disturb the server', async () => {
    for (const partial of ['*3\r\n$3\r\nSET\r\n$1\r\nk', '*2\r\n$4\r\nECHO\r\n$100000\r\nabc', 'PING', '*5\r\n']) {
      await new Promise<void>((resolve) => {
        const s = connect({ port: nodis.port, host: '127.0.0.1' }, () => {
          s.write(partial, () => {
            s.destroy();
            resolve();
          });
        });
        s.on('error', () => resolve());
      });
    }
    // A reset while the server has replies queued for the client.
    const s = connect({ port: nodis.port, host: '127.0.0.1' });
    await new Promise<void>((r) => s.once('connect', () => r()));
    s.write('*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\n'.repeat(1000));
    s.resetAndDestroy();
    const c = await TestClient.connect(nodis.port);
    assert.equal(await c.send('PING'), 'PONG');
    assert.equal(await c.send('SET', 'k', 'v'), 'OK');
    c.close();
  });
});
