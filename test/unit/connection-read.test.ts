// Both ways a Connection reads: into the listener's shared buffer (the fast path) and through
// the socket's 'data' events (the fallback when Node lacks the fields the fast path uses). Each
// must deliver the same commands, split anywhere across reads, and pause and resume reading.

import { strict as assert } from 'node:assert';
import { once } from 'node:events';
import { createServer, connect, type Socket } from 'node:net';
import { describe, it } from 'node:test';
import { Connection, type SessionSink } from '../../src/net/connection.js';

async function pair(readBuffer: Buffer | null): Promise<{ conn: Connection; peer: Socket; close: () => void }> {
  const accepted: Connection[] = [];
  const srv = createServer({ pauseOnConnect: true }, (s) => accepted.push(new Connection(s, 'tcp', '', readBuffer)));
  srv.listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const addr = srv.address();
  const peer = connect({ host: '127.0.0.1', port: typeof addr === 'object' && addr !== null ? addr.port : 0 });
  await once(peer, 'connect');
  while (accepted.length === 0) await new Promise((r) => setTimeout(r, 5));
  return { conn: accepted[0]!, peer, close: () => { peer.destroy(); srv.close(); } };
}

function sink(got: string[][]): SessionSink {
  return {
    limits: { maxBulkLen: 512 * 1024 * 1024, authRequired: () => false },
    io: { netInputBytes: 0, netOutputBytes: 0 },
    commands: (batch) => { for (const c of batch) got.push(c); },
    protocolError: () => assert.fail('no protocol error expected'),
    queryBuffer: () => {},
    drained: () => {},
    closed: () => {},
  };
}

async function until(cond: () => boolean): Promise<void> {
  for (let i = 0; i < 400 && !cond(); i++) await new Promise((r) => setTimeout(r, 5));
  assert.ok(cond());
}

for (const mode of ['shared buffer', "'data' events"]) {
  describe(`Connection reading through ${mode}`, () => {
    it('delivers commands split across writes, and honours pause/resume', async () => {
      const { conn, peer, close } = await pair(mode === 'shared buffer' ? Buffer.alloc(16) : null);
      try {
        const got: string[][] = [];
        const s = sink(got);
        conn.attach(s);
        const big = 'v'.repeat(40_000);
        const text = `*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$${big.length}\r\n${big}\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n`;
        for (let i = 0; i < text.length; i += 7) peer.write(text.slice(i, i + 7));
        await until(() => got.length === 2);
        assert.deepEqual(got, [['SET', 'k', big], ['GET', 'k']]);
        assert.equal(s.io.netInputBytes, text.length);
        conn.pauseReading();
        await new Promise((r) => setTimeout(r, 20));
        peer.write('*1\r\n$4\r\nPING\r\n');
        await new Promise((r) => setTimeout(r, 50));
        assert.equal(got.length, 2, 'nothing read while paused');
        conn.resumeReading();
        await until(() => got.length === 3);
        assert.deepEqual(got[2], ['PING']);
      } finally {
        close();
      }
    });
  });
}
