// Connection limits and network configuration: idle timeout, maxclients, protected mode, unix
// sockets, query-buffer and bulk-length limits, output-buffer limits, clients that never read
// their replies, and the network byte counters. Servers are built in-process so that their
// stats and logs can be inspected.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { rawExchange, waitFor } from '../helpers/raw-socket.js';
import { TestClient } from '../helpers/resp-client.js';

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

interface Started {
  server: Server;
  logfile: string;
  dir: string;
  log(): string;
}

async function start(cfg: Record<string, string> = {}, bind = '127.0.0.1'): Promise<Started> {
  const dir = mkdtempSync(join(tmpdir(), 'nodis-net-'));
  dirs.push(dir);
  const config = new Config();
  const set = (k: string, v: string) => {
    const e = config.load(k, v);
    if (e !== null) throw new Error(`${k}: ${e}`);
  };
  set('bind', bind);
  set('loglevel', 'verbose');
  for (const [k, v] of Object.entries(cfg)) set(k, v);
  const logger = new Logger();
  const logfile = join(dir, 'log.txt');
  logger.file = logfile;
  const server = new Server(config, logger);
  await server.listen(0);
  return {
    server, logfile, dir,
    log: () => {
      try { return readFileSync(logfile, 'utf8'); } catch { return ''; }
    },
  };
}

function nonLoopbackIPv4(): string | null {
  for (const list of Object.values(networkInterfaces())) {
    for (const a of list ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return null;
}

describe('timeout', () => {
  it('closes idle clients, keeps active ones', async () => {
    const s = await start({ timeout: '1', hz: '50' });
    try {
      const idle = await TestClient.connect(s.server.port);
      const busy = await TestClient.connect(s.server.port);
      const end = Date.now() + 2500;
      while (Date.now() < end && !idle.closed) {
        assert.equal(await busy.send('PING'), 'PONG');
        await new Promise((r) => setTimeout(r, 200));
      }
      assert.equal(idle.closed, true, 'the idle client was closed');
      assert.equal(busy.closed, false);
      assert.match(s.log(), /Closing idle client/);
      busy.close();
    } finally {
      await s.server.close();
    }
  });

  it('a client held by a pause is not idle', async () => {
    const s = await start({ timeout: '1', hz: '50' });
    try {
      const a = await TestClient.connect(s.server.port);
      const b = await TestClient.connect(s.server.port);
      await a.send('CLIENT', 'PAUSE', '2200', 'ALL');
      const r = await b.send('PING');
      assert.equal(r, 'PONG', 'answered after the pause, not closed for idleness');
      a.close();
      b.close();
    } finally {
      await s.server.close();
    }
  });
});

describe('maxclients', () => {
  it('refuses connections past the limit with Redis\'s error', async () => {
    const s = await start({ maxclients: '2' });
    try {
      const a = await TestClient.connect(s.server.port);
      const b = await TestClient.connect(s.server.port);
      await a.send('PING');
      await b.send('PING');
      const r = await rawExchange(s.server.port, ['PING\r\n']);
      assert.deepEqual(r, { data: '-ERR max number of clients reached\r\n', closed: true });
      assert.equal(s.server.clients.rejectedConnections, 1);
      b.close();
      await waitFor(() => s.server.clients.size === 1);
      const again = await rawExchange(s.server.port, ['PING\r\n']);
      assert.equal(again.data, '+PONG\r\n');
      a.close();
    } finally {
      await s.server.close();
    }
  });
});

describe('protected-mode', () => {
  const ip = nonLoopbackIPv4();
  const skip = ip === null ? 'no non-loopback IPv4 address on this host' : false;
  // Redis 7.2's text ("4) Set up an ..."); the 7.0 oracle still says "Setup a an".
  const DENIED = /^-DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user\. .*4\) Set up an authentication password for the default user\. NOTE: .* from the outside\.\r\n$/;

  it('refuses non-loopback clients when no password is set', { skip }, async () => {
    const s = await start({}, `127.0.0.1 ${ip}`);
    try {
      const r = await rawExchange(s.server.port, ['PING\r\n'], 300, 0, ip!);
      assert.match(r.data, DENIED);
      assert.equal(r.closed, true);
      const local = await rawExchange(s.server.port, ['PING\r\n']);
      assert.equal(local.data, '+PONG\r\n', 'loopback clients are served');
    } finally {
      await s.server.close();
    }
  });

  it('serves them with a password or with protected-mode no', { skip }, async () => {
    const withPass = await start({ requirepass: 'pw' }, `127.0.0.1 ${ip}`);
    const off = await start({ 'protected-mode': 'no' }, `127.0.0.1 ${ip}`);
    try {
      const r1 = await rawExchange(withPass.server.port, ['PING\r\n'], 300, 0, ip!);
      assert.equal(r1.data, '-NOAUTH Authentication required.\r\n');
      const r2 = await rawExchange(off.server.port, ['PING\r\n'], 300, 0, ip!);
      assert.equal(r2.data, '+PONG\r\n');
    } finally {
      await withPass.server.close();
      await off.server.close();
    }
  });
});

describe('unixsocket', () => {
  it('listens with the given permissions; clients show flag U', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nodis-sock-'));
    dirs.push(dir);
    const path = join(dir, 'nodis.sock');
    const s = await start({ unixsocket: path, unixsocketperm: '700' });
    try {
      assert.equal(statSync(path).mode & 0o777, 0o700);
      const sock = connect({ path });
      const reply = await new Promise<string>((resolve) => {
        let out = '';
        sock.on('data', (d) => {
          out += d.toString('latin1');
          if (out.endsWith('\n\r\n')) resolve(out);
        });
        sock.write('CLIENT INFO\r\n');
      });
      sock.destroy();
      assert.match(reply, new RegExp(` addr=${path}:0 laddr=${path}:0 `));
      assert.match(reply, / flags=U /);
    } finally {
      await s.server.close();
    }
  });
});

describe('query and bulk limits', () => {
  it('client-query-buffer-limit closes the client and logs it', async () => {
    const s = await start({ 'client-query-buffer-limit': '1mb' });
    try {
      const chunk = Buffer.alloc(1536 * 1024, 'q');
      const r = await rawExchange(s.server.port, ['*2\r\n$4\r\nECHO\r\n$3000000\r\n', chunk], 500);
      assert.equal(r.closed, true);
      assert.equal(r.data, '');
      assert.match(s.log(), /Closing client that reached max query buffer length/);
      const ok = await rawExchange(s.server.port, ['PING\r\n']);
      assert.equal(ok.data, '+PONG\r\n');
    } finally {
      await s.server.close();
    }
  });

  it('proto-max-bulk-len bounds a bulk argument', async () => {
    const s = await start({ 'proto-max-bulk-len': '1mb' });
    try {
      const r = await rawExchange(s.server.port, ['*2\r\n$4\r\nECHO\r\n$1048577\r\n']);
      assert.deepEqual(r, { data: '-ERR Protocol error: invalid bulk length\r\n', closed: true });
      const big = Buffer.alloc(1048576, 'b');
      const c = await TestClient.connect(s.server.port);
      assert.equal(((await c.send('ECHO', big)) as string).length, big.length, 'exactly the limit is fine');
      c.close();
    } finally {
      await s.server.close();
    }
  });
});

/** Opens a socket that never reads and pipelines `n` GETs of `key`. */
function slowReader(port: number, key: string, n: number): Promise<Socket> {
  return new Promise((resolve) => {
    const sock = connect({ port, host: '127.0.0.1' }, () => {
      sock.pause();
      sock.write(`*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`.repeat(n));
      resolve(sock);
    });
    sock.on('error', () => {});
  });
}

describe('client-output-buffer-limit', () => {
  it('a normal client over the hard limit is closed; others are not disturbed', async () => {
    const s = await start({ 'client-output-buffer-limit': 'normal 1mb 0 0' });
    try {
      const c = await TestClient.connect(s.server.port);
      await c.send('SET', 'big', 'x'.repeat(256 * 1024));
      const slow = await slowReader(s.server.port, 'big', 200);
      const closed = await waitFor(() => s.server.clients.size === 1, 5000);
      assert.ok(closed, 'the slow client was closed');
      assert.match(s.log(), /scheduled to be closed ASAP for overcoming of output buffer limits/);
      assert.equal(await c.send('PING'), 'PONG');
      slow.destroy();
      c.close();
    } finally {
      await s.server.close();
    }
  });

  it('over the soft limit for longer than soft-seconds is closed by the cron', async () => {
    const s = await start({ 'client-output-buffer-limit': 'normal 0 1mb 1', hz: '50' });
    try {
      const c = await TestClient.connect(s.server.port);
      await c.send('SET', 'big', 'x'.repeat(1024 * 1024));
      const t0 = Date.now();
      const slow = await slowReader(s.server.port, 'big', 40);
      await waitFor(() => s.server.clients.size === 2, 2000);
      const closed = await waitFor(() => s.server.clients.size === 1, 6000);
      assert.ok(closed, 'closed after the soft period');
      assert.ok(Date.now() - t0 >= 900, 'not before soft-seconds passed');
      slow.destroy();
      c.close();
    } finally {
      await s.server.close();
    }
  });

  it('CONFIG-style values: units, replica spelling, errors', async () => {
    const { parseOutputLimits, formatOutputLimits } = await import('../../src/session/output-limits.js');
    const l = parseOutputLimits('normal 1mb 2kb 3 replica 1gb 0 0');
    assert.ok(typeof l !== 'string');
    assert.equal(formatOutputLimits(l), 'normal 1048576 2048 3 slave 1073741824 0 0 pubsub 0 0 0');
    assert.equal(parseOutputLimits('normal 1 2'), 'Wrong number of arguments in buffer limit configuration.');
    assert.equal(parseOutputLimits('foo 1 2 3'), 'Invalid client class specified in buffer limit configuration.');
    assert.equal(parseOutputLimits('normal x 2 3'), 'Error in hard, soft or soft_seconds setting in buffer limit configuration.');
  });
});

describe('a client that never reads', () => {
  it('does not grow server memory without bound, stall others, or lose replies', async () => {
    const s = await start();
    try {
      const c = await TestClient.connect(s.server.port);
      const value = 'v'.repeat(1024 * 1024);
      await c.send('SET', 'big', value);
      const n = 120;
      const slow = await slowReader(s.server.port, 'big', n);
      await new Promise((r) => setTimeout(r, 300));
      // The server stopped producing for it: its queued output stays near the read-pause mark.
      const slowClient = [...s.server.clients].find((x) => x.id !== 1 && x.pending.length > 0);
      assert.ok(slowClient, 'the slow client has commands waiting for the socket to drain');
      assert.ok(slowClient.waitingDrain);
      const queued = slowClient.transport.queuedBytes + slowClient.reply.pendingBytes;
      assert.ok(queued < 40 * 1024 * 1024, `output held to ${queued} bytes, not ${n} MB`);
      // Others are served promptly meanwhile.
      const t0 = Date.now();
      assert.equal(await c.send('PING'), 'PONG');
      assert.ok(Date.now() - t0 < 500);
      // When it finally reads, every reply arrives, in order.
      const expectedLen = n * (value.length + 2 + String(value.length).length + 3);
      const got = await new Promise<number>((resolve) => {
        let bytes = 0;
        slow.on('data', (d) => {
          bytes += d.length;
          if (bytes >= expectedLen) resolve(bytes);
        });
        slow.resume();
      });
      assert.equal(got, expectedLen);
      slow.destroy();
      c.close();
    } finally {
      await s.server.close();
    }
  });
});

describe('network byte counters', () => {
  it('count every byte read and written', async () => {
    const s = await start();
    try {
      const inBefore = s.server.stats.netInputBytes;
      const outBefore = s.server.stats.netOutputBytes;
      const request = '*2\r\n$4\r\nECHO\r\n$5\r\nhello\r\nPING\r\n';
      const r = await rawExchange(s.server.port, [request]);
      assert.equal(r.data, '$5\r\nhello\r\n+PONG\r\n');
      await waitFor(() => s.server.stats.netInputBytes > inBefore);
      assert.equal(s.server.stats.netInputBytes - inBefore, request.length);
      assert.equal(s.server.stats.netOutputBytes - outBefore, r.data.length);
    } finally {
      await s.server.close();
    }
  });
});
