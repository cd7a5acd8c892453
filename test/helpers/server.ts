// The server a command test talks to. By default an in-process nodis on an ephemeral port.
// NODIS_TEST_TARGET=redis runs the same tests against a fresh real redis-server per test file
// (a test that fails there is a wrong test); NODIS_TEST_TARGET=host:port uses a running server.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startServer, type StartOptions } from '../../src/index.js';
import { startRedis } from './oracle.js';
import { TestClient } from './resp-client.js';

export type TargetKind = 'nodis' | 'redis';

export interface Target {
  readonly kind: TargetKind;
  readonly port: number;
  readonly host: string;
  client(): Promise<TestClient>;
  close(): Promise<void>;
}

export const TARGET = process.env['NODIS_TEST_TARGET'] ?? '';

/** True when the tests run against real Redis (skip nodis-only checks there). */
export const againstRedis = TARGET !== '';

export async function startTarget(config: Record<string, string> = {}): Promise<Target> {
  if (TARGET === 'redis') {
    const args = Object.entries(config).flatMap(([k, v]) => [`--${k}`, v]);
    const r = await startRedis(args);
    return { kind: 'redis', port: r.port, host: '127.0.0.1', client: () => r.client(), close: () => r.stop() };
  }
  if (TARGET !== '') {
    const [host, port] = TARGET.split(':');
    const c = await TestClient.connect(Number(port), host);
    await c.send('FLUSHALL');
    c.close();
    return { kind: 'redis', port: Number(port), host: host!, client: () => TestClient.connect(Number(port), host), close: async () => {} };
  }
  // Its own directory: a FLUSHALL or SAVE with save points configured writes dump.rdb there,
  // never into the directory the tests run from.
  const dir = config['dir'] === undefined ? mkdtempSync(join(tmpdir(), 'nodis-target-')) : null;
  const opts: StartOptions = { port: 0, config: dir === null ? config : { ...config, dir } };
  const s = await startServer(opts);
  const close = async (): Promise<void> => {
    await s.close();
    if (dir !== null) rmSync(dir, { recursive: true, force: true });
  };
  return { kind: 'nodis', port: s.port, host: s.host, client: () => TestClient.connect(s.port, s.host), close };
}
