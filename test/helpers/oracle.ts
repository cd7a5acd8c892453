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
  for (const s of live) killGroup(s.proc, 'SIGKILL');
});

/**
 * Signals the server's whole process group (each child leads its own): redis-server's forked
 * children (a BGSAVE, a disk-based sync's RDB) outlive a SIGKILL of their parent and would go on
 * writing into the directory being removed.
 */
function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid !== undefined) process.kill(-proc.pid, signal);
  } catch {
    proc.kill(signal);
  }
}

/** True while any process of the group led by pid is alive. */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}

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
  return startChild(process.execPath, [NODIS_MAIN], args, /Ready to accept connections/);
}

/**
 * Starts nodis-server again on the port and dir of a stopped one (stop(signal, true) kept the
 * dir): a restart, as replicas see it.
 */
export function restartNodis(old: ChildServer, args: string[] = []): Promise<ChildServer> {
  return startChild(process.execPath, [NODIS_MAIN], args, /Ready to accept connections/, { port: old.port, dir: old.dir });
}

async function startChild(cmd: string, pre: string[], args: string[], ready: RegExp, at?: { port: number; dir: string }): Promise<ChildServer> {
  for (let attempt = 0; ; attempt++) {
    const port = at?.port ?? await freePort();
    const dir = at?.dir ?? mkdtempSync(join(tmpdir(), 'nodis-test-'));
    const full = [...pre, '--port', String(port), '--bind', '127.0.0.1', '--dir', dir, '--save', '', '--appendonly', 'no', ...args];
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
          // Other signals go to the server alone: it stops its own children as part of the test.
          await new Promise<void>((r) => {
            proc.once('exit', () => r());
            if (signal === 'SIGKILL') killGroup(proc, signal);
            else proc.kill(signal);
          });
        }
        if (signal === 'SIGKILL' && proc.pid !== undefined) {
          // The forked children die with the group; wait (bounded: a reparented zombie may
          // linger until its new parent reaps it) before touching the files they wrote.
          const end = Date.now() + 2000;
          while (groupAlive(proc.pid) && Date.now() < end) await new Promise((r) => setTimeout(r, 10));
        }
        if (!keepDir) rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
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
