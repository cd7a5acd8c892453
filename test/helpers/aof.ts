// Helpers of the AOF process tests: nodis-server runs on a directory the test owns (so that a
// restart, or real Redis, can open the same files), a run that must fail to start, and polling.

import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NODIS_MAIN, startNodis, startRedis, type ChildServer } from './oracle.js';
import { freePort } from './ports.js';
import type { TestClient } from './resp-client.js';

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'nodis-aof-'));
}

/** nodis-server with appendonly yes on `dir` (more directives in args). */
export function nodisOn(dir: string, args: string[] = []): Promise<ChildServer> {
  return startNodis(['--dir', dir, '--appendonly', 'yes', '--enable-debug-command', 'yes', ...args]);
}

export function redisOn(dir: string, args: string[] = []): Promise<ChildServer> {
  return startRedis(['--dir', dir, '--appendonly', 'yes', '--enable-debug-command', 'yes', ...args]);
}

/** Starts nodis-server expecting it to refuse to start: resolves with its exit code and output. */
export async function failedStart(dir: string, args: string[] = []): Promise<{ code: number | null; output: string }> {
  const port = await freePort();
  const proc = spawn(process.execPath, [NODIS_MAIN, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir,
    '--save', '', '--appendonly', 'yes', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (d: Buffer) => { output += d.toString(); });
  proc.stderr.on('data', (d: Buffer) => { output += d.toString(); });
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => {
      proc.kill('SIGKILL');
      reject(new Error(`nodis did not exit:\n${output}`));
    }, 15000);
    proc.on('exit', (code) => {
      clearTimeout(t);
      resolve({ code, output });
    });
  });
}

export async function until(what: string, cond: () => Promise<boolean> | boolean, timeoutMs = 10000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One field of INFO persistence. */
export async function infoField(c: TestClient, name: string): Promise<string> {
  const text = String(await c.send('INFO', 'persistence'));
  const m = new RegExp(`^${name}:(.*)\\r?$`, 'm').exec(text);
  return m === null ? '' : m[1]!.trim();
}

/**
 * Waits until everything the server acknowledged has been written to its AOF file (INFO's
 * aof_buffer_length is 0). Under appendfsync everysec, Redis and nodis alike hold writes back in
 * the buffer (up to two seconds) while a background fsync runs, and still send the replies: a
 * SIGKILL in that window loses acknowledged writes by design. Tests that kill a server and
 * compare what it reloads must wait for this first.
 */
export async function aofWritten(c: TestClient): Promise<void> {
  await until('the AOF buffer written', async () => (await infoField(c, 'aof_buffer_length')) === '0');
}
