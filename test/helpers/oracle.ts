// Real redis-server (Debian's 7.0, the oracle) and nodis-server as child processes on free
// loopback ports, each in its own temp dir, always cleaned up.

import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './ports.js';
import { TestClient } from './resp-client.js';

export interface ChildServer {
  readonly port: number;
  readonly dir: string;
  readonly proc: ChildProcess;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  client(): Promise<TestClient>;
  /** Stops the process (SIGKILL unless told otherwise) and removes its dir unless keepDir. */
  stop(signal?: NodeJS.Signals, keepDir?: boolean): Promise<void>;
}

const live = new Set<ChildServer>();
process.on('exit', () => {
  for (const s of live) killGroup(s.proc);
});

/** Ends a server's whole process group (the server and any child it forked). */
function killGroup(proc: ChildProcess): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, 'SIGKILL');
  } catch {
    // The group is gone already.
  }
}

/**
 * Node flags nodis-server runs with: its shebang and `npm start` pass the same (a unit test
 * checks). A 4 MB young generation keeps the resident set near the heap in use; values live
 * outside the heap, so the extra scavenges cost nothing measurable.
 */
export const NODIS_NODE_FLAGS = ['--max-semi-space-size=4'];

/** Path of the built nodis-server entry (dist/src/main.js). */
export const NODIS_MAIN = resolve(fileURLToPath(import.meta.url), '../../../src/main.js');

export function redisAvailable(): boolean {
  try {
    const r = spawn('redis-server', ['--version']);
    r.on('error', () => {});
    return r.pid !== undefined;
  } catch {
    return false;
  }
}

/** Starts Debian's redis-server with no persistence unless args say otherwise. */
export function startRedis(args: string[] = []): Promise<ChildServer> {
  return startChild('redis-server', [], args, /Ready to accept connections/);
}

/** Starts nodis-server as a child process (the built dist/ entry). */
export function startNodis(args: string[] = []): Promise<ChildServer> {
  return startChild(process.execPath, [...NODIS_NODE_FLAGS, NODIS_MAIN], args, /Ready to accept connections/);
}

/**
 * Starts nodis-server again on the port and dir of a stopped one (stop(signal, true) kept the
 * dir): a restart, as replicas see it.
 */
export function restartNodis(old: ChildServer, args: string[] = []): Promise<ChildServer> {
  return startChild(process.execPath, [...NODIS_NODE_FLAGS, NODIS_MAIN], args, /Ready to accept connections/, { port: old.port, dir: old.dir });
}

/** Starts redis-server again on the port and dir of a stopped one (see restartNodis). */
export function restartRedis(old: ChildServer, args: string[] = []): Promise<ChildServer> {
  return startChild('redis-server', [], args, /Ready to accept connections/, { port: old.port, dir: old.dir });
}

async function startChild(cmd: string, pre: string[], args: string[], ready: RegExp, at?: { port: number; dir: string }): Promise<ChildServer> {
  for (let attempt = 0; ; attempt++) {
    const port = at?.port ?? await freePort();
    const dir = at?.dir ?? mkdtempSync(join(tmpdir(), 'nodis-test-'));
    const full = [...pre, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args];
    // Its own process group: a forked child (redis-server's BGSAVE for a full sync) can be ended
    // with it, instead of writing into the temp dir while that is being removed.
    const proc = spawn(cmd, full, { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let out = '';
    proc.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
    proc.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
    const ok = await new Promise<boolean>((res) => {
      const t = setTimeout(() => res(false), 15000);
      const check = () => { if (ready.test(out)) { clearTimeout(t); res(true); } };
      proc.stdout!.on('data', check);
      proc.stderr!.on('data', check);
      proc.on('exit', () => { clearTimeout(t); res(false); });
    });
    const server: ChildServer = {
      port, dir, proc,
      output: () => out,
      client: () => TestClient.connect(port),
      stop: async (signal = 'SIGKILL', keepDir = false) => {
        live.delete(server);
        if (proc.exitCode === null && proc.signalCode === null) {
          await new Promise<void>((r) => { proc.once('exit', () => r()); proc.kill(signal); });
        }
        killGroup(proc);
        if (!keepDir) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
      },
    };
    if (ok) {
      live.add(server);
      return server;
    }
    await server.stop('SIGKILL', at !== undefined);
    if (attempt >= 2) throw new Error(`${cmd} did not start:\n${out}`);
  }
}
