// Shutdown paths of nodis-server: SIGTERM / SIGINT (with shutdown-on-sig* flags), SHUTDOWN and its
// options, the log lines Redis 7.2 writes, pidfile and unix socket removal, exit codes; and an
// embedded server stopped by SHUTDOWN. A final save that cannot be written (dbfilename names a
// directory) keeps the server running unless FORCE.

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServer } from '../../src/index.js';
import { NODIS_MAIN } from '../helpers/oracle.js';
import { freePort } from '../helpers/ports.js';
import { RespError, TestClient } from '../helpers/resp-client.js';

const tmp = mkdtempSync(join(tmpdir(), 'nodis-shutdown-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

interface Proc { port: number; out(): string; wait(re: RegExp): Promise<void>; exit: Promise<number | null>; kill(sig: NodeJS.Signals): void }

async function launch(args: string[]): Promise<Proc> {
  const port = await freePort();
  const p = spawn(process.execPath, [NODIS_MAIN, '--port', String(port), '--bind', '127.0.0.1', ...args], { cwd: tmp, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exit = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  after(() => { if (p.exitCode === null) p.kill('SIGKILL'); });
  const proc: Proc = {
    port,
    out: () => out,
    exit,
    kill: (sig) => p.kill(sig),
    async wait(re) {
      const start = Date.now();
      while (!re.test(out)) {
        if (Date.now() - start > 10000) throw new Error(`timed out waiting for ${re}:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
  await proc.wait(/Ready to accept connections tcp/);
  return proc;
}

/** The messages of the log lines after `from`, without pids and timestamps. */
function messages(out: string): string[] {
  return out.split('\n').filter((l) => l !== '').map((l) => l.replace(/^\d+:(signal-handler \(\d+\)|[MC] \d\d \w{3} \d{4} [\d:.]+ [.\-*#])\s/, ''));
}

function tail(out: string, from: string): string[] {
  const m = messages(out);
  return m.slice(m.indexOf(from));
}

describe('signals', () => {
  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    it(`${sig} shuts down gracefully, removing the pidfile and the unix socket`, async () => {
      const pidfile = join(tmp, `${sig}.pid`);
      const sock = join(tmp, `${sig}.sock`);
      const p = await launch(['--pidfile', pidfile, '--unixsocket', sock, '--dbfilename', `${sig}.rdb`]);
      // The unix line follows the tcp one in a separate write: wait for it rather than race it.
      await p.wait(/\* Ready to accept connections unix\n/);
      assert.ok(existsSync(pidfile) && existsSync(sock));
      p.kill(sig);
      assert.equal(await p.exit, 0);
      // The default save points ask for a final save.
      assert.deepEqual(tail(p.out(), `Received ${sig} scheduling shutdown...`), [
        `Received ${sig} scheduling shutdown...`,
        'User requested shutdown...',
        'Saving the final RDB snapshot before exiting.',
        'DB saved on disk',
        'Removing the pid file.',
        'Removing the unix socket file.',
        'Redis is now ready to exit, bye bye...',
      ]);
      assert.ok(!existsSync(pidfile), 'pidfile removed');
      assert.ok(!existsSync(sock), 'unix socket removed');
      assert.ok(existsSync(join(tmp, `${sig}.rdb`)), 'final snapshot written');
    });
  }

  it('keeps running when shutdown-on-sigterm asks for a save that cannot be made', async () => {
    // A directory where the dump should go: loading it at startup would fail, so it is named
    // only once the server runs.
    mkdirSync(join(tmp, 'is-a-dir.rdb'));
    const p = await launch(['--shutdown-on-sigterm', 'save', '--enable-protected-configs', 'yes']);
    const c0 = await TestClient.connect(p.port);
    assert.equal(await c0.send('CONFIG', 'SET', 'dbfilename', 'is-a-dir.rdb'), 'OK');
    c0.close();
    p.kill('SIGTERM');
    await p.wait(/SIGTERM received but errors trying to shut down the server/);
    const pid = p.out().match(/pid=(\d+)/)![1];
    assert.deepEqual(tail(p.out(), 'Received SIGTERM scheduling shutdown...').slice(1), [
      'User requested shutdown...',
      'Saving the final RDB snapshot before exiting.',
      `Error moving temp DB file temp-${pid}.rdb on the final destination is-a-dir.rdb (in server root dir ${tmp}): Is a directory`,
      "Error trying to save the DB, can't exit.",
      'Errors trying to shut down the server. Check the logs for more information.',
      'SIGTERM received but errors trying to shut down the server, check the logs for more information',
    ]);
    const c = await TestClient.connect(p.port);
    assert.equal(await c.send('PING'), 'PONG');
    assert.equal(await c.send('CONFIG', 'SET', 'shutdown-on-sigterm', 'save force'), 'OK');
    c.close();
    p.kill('SIGTERM');
    assert.equal(await p.exit, 0);
    assert.match(p.out(), /Error trying to save the DB\. Exit anyway\.\n.*Redis is now ready to exit, bye bye\.\.\./);
  });
});

describe('SHUTDOWN', () => {
  it('NOSAVE exits at once: the connection closes without a reply', async () => {
    const p = await launch([]);
    const c = await TestClient.connect(p.port);
    const r = await c.send('SHUTDOWN', 'NOSAVE');
    assert.ok(r instanceof RespError && r.message === 'connection closed');
    assert.equal(await p.exit, 0);
    assert.deepEqual(tail(p.out(), 'User requested shutdown...'), ['User requested shutdown...', 'Redis is now ready to exit, bye bye...']);
  });

  it('SAVE that cannot be written keeps the server serving; FORCE exits anyway', async () => {
    mkdirSync(join(tmp, 'dir2.rdb'));
    const p = await launch(['--enable-protected-configs', 'yes']);
    const c = await TestClient.connect(p.port);
    assert.equal(await c.send('CONFIG', 'SET', 'dbfilename', 'dir2.rdb'), 'OK');
    const r = await c.send('SHUTDOWN', 'SAVE');
    assert.ok(r instanceof RespError);
    assert.equal(r.message, 'ERR Errors trying to SHUTDOWN. Check logs.');
    assert.equal(await c.send('PING'), 'PONG');
    await c.send('SHUTDOWN', 'SAVE', 'FORCE');
    assert.equal(await p.exit, 0);
  });

  it('stops an embedded server without touching the process', async () => {
    const s = await startServer({ port: 0 });
    const c = await TestClient.connect(s.port);
    await c.send('SHUTDOWN', 'NOW', 'NOSAVE');
    await s.closed;
    await assert.rejects(new Promise((resolve, reject) => {
      const sock = connect(s.port, '127.0.0.1', () => { sock.destroy(); resolve(null); });
      sock.on('error', reject);
    }));
  });
});
