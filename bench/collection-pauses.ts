// In-process pause benchmark for big collections: loads N members into one hash, one set and one
// sorted set, one command each (HSET h f:i v:i, SADD s m:i, ZADD z i m:i) through the session
// driver, dispatcher and call(), timing every command with performance.now(). GC pauses are
// recorded separately (PerformanceObserver 'gc'), and a slow command that overlaps a GC is
// counted as a GC pause; a slow command whose process CPU time (process.cpuUsage) is below half
// its wall time is counted as descheduled (the machine is shared). The rest are the data
// structure's own pauses (rehash, array growth), which this measures. Not a test.
//   node --expose-gc dist/bench/collection-pauses.js [members=1000000] [rounds=1] [types=hash,set,zset]
// Then runs ZRANGEBYSCORE z 0 100 and HRANDFIELD/SRANDMEMBER/ZRANDMEMBER 10 over the result.

import { PerformanceObserver, constants, performance } from 'node:perf_hooks';
import { Config } from '../src/server/config.js';
import { Logger } from '../src/server/log.js';
import { Server } from '../src/server/server.js';
import type { Transport } from '../src/session/client.js';
import { Client } from '../src/session/client.js';

const total = Number(process.argv[2] ?? 1_000_000);
const rounds = Number(process.argv[3] ?? 1);
const types = (process.argv[4] ?? 'hash,set,zset').split(',');

const transport: Transport = {
  write: () => {},
  close: () => {}, closeAfterWrite: () => {}, pauseReading: () => {}, resumeReading: () => {},
  queuedBytes: 0, remoteAddress: '127.0.0.1:1', localAddress: '127.0.0.1:2', fd: -1, kind: 'tcp',
};

const config = new Config();
const logger = new Logger();
logger.file = null;
const server = new Server(config, logger);
const client = new Client(server.clients.allocateId(), transport, (t) => server.countError(t));
client.authenticated = true;
server.clients.add(client);
// No save points: FLUSHALL between datasets must not write a dump.rdb into the working directory.
server.sessions.receiveNow(client, [['CONFIG', 'SET', 'save', '']]);

interface Gc { start: number; end: number; kind: string }
const gcs: Gc[] = [];
const GC_KINDS: Record<number, string> = {
  [constants.NODE_PERFORMANCE_GC_MINOR]: 'scavenge', [constants.NODE_PERFORMANCE_GC_MAJOR]: 'mark-compact',
  [constants.NODE_PERFORMANCE_GC_INCREMENTAL]: 'incremental', [constants.NODE_PERFORMANCE_GC_WEAKCB]: 'weak callbacks',
};
const obs = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const detail = (e as unknown as { detail?: { kind?: number } }).detail;
    const kind = GC_KINDS[detail?.kind ?? 0] ?? 'other';
    gcs.push({ start: e.startTime, end: e.startTime + e.duration, kind });
  }
});
obs.observe({ entryTypes: ['gc'] });

function command(type: string, i: number): string[] {
  if (type === 'hash') return ['HSET', 'h', `f:${i}`, `v:${i}`];
  if (type === 'set') return ['SADD', 's', `m:${i}`];
  return ['ZADD', 'z', String(i), `m:${i}`];
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

async function load(type: string): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  server.sessions.receiveNow(client, [['FLUSHALL']]);
  gc?.();
  await tick();
  gcs.length = 0;
  const slow: { i: number; start: number; ms: number; cpuMs: number }[] = [];
  let over1 = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < total; i++) {
    const argv = command(type, i);
    const c = process.cpuUsage();
    const s = performance.now();
    server.sessions.receiveNow(client, [argv]);
    const ms = performance.now() - s;
    if (ms > 1) {
      const cu = process.cpuUsage(c);
      over1++;
      slow.push({ i, start: s, ms, cpuMs: (cu.user + cu.system) / 1000 });
    }
  }
  const wall = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  await tick();
  await tick();
  const overlapsGc = (p: { start: number; ms: number }): boolean =>
    gcs.some((g) => g.start < p.start + p.ms && g.end > p.start);
  let worstOwn = { i: -1, ms: 0, cpuMs: 0 };
  let worstWithGc = { i: -1, ms: 0 };
  let worstDesched = { i: -1, ms: 0 };
  for (const p of slow) {
    if (overlapsGc(p)) {
      if (p.ms > worstWithGc.ms) worstWithGc = p;
    } else if (p.cpuMs < p.ms / 2) {
      if (p.ms > worstDesched.ms) worstDesched = p;
    } else if (p.ms > worstOwn.ms) worstOwn = p;
  }
  let worstGc = 0;
  const worstByKind = new Map<string, number>();
  // The forced collection before the load is reported asynchronously: leave it out.
  const loadGcs = gcs.filter((g) => g.start >= t0);
  for (const g of loadGcs) {
    worstGc = Math.max(worstGc, g.end - g.start);
    worstByKind.set(g.kind, Math.max(worstByKind.get(g.kind) ?? 0, g.end - g.start));
  }
  const kinds = [...worstByKind].map(([k, ms]) => `${k} ${ms.toFixed(1)}`).join(', ');
  const mem = process.memoryUsage();
  console.log(
    `${type} ${total}: ${wall.toFixed(0)} ms wall, ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms cpu; ` +
      `commands > 1 ms: ${over1}; worst own: ${worstOwn.ms.toFixed(2)} ms (cpu ${worstOwn.cpuMs.toFixed(2)}, #${worstOwn.i}); ` +
      `worst descheduled: ${worstDesched.ms.toFixed(2)} ms (#${worstDesched.i}); ` +
      `worst overlapping a GC: ${worstWithGc.ms.toFixed(2)} ms (#${worstWithGc.i}); ` +
      `GC pauses: ${loadGcs.length}, worst ${worstGc.toFixed(2)} ms (by kind: ${kinds}); heap ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB + ` +
      `${(mem.arrayBuffers / 2 ** 20).toFixed(0)} MiB array buffers`,
  );
  const reads: string[][] =
    type === 'hash' ? [['HRANDFIELD', 'h', '10'], ['HSCAN', 'h', '0']]
      : type === 'set' ? [['SRANDMEMBER', 's', '10'], ['SSCAN', 's', '0']]
        : [['ZRANGEBYSCORE', 'z', '0', '100'], ['ZRANDMEMBER', 'z', '10'], ['ZSCAN', 'z', '0']];
  for (const argv of reads) {
    gcs.length = 0;
    const times: { start: number; ms: number; cpuMs: number }[] = [];
    for (let k = 0; k < 1000; k++) {
      const c = process.cpuUsage();
      const s = performance.now();
      server.sessions.receiveNow(client, [argv]);
      const ms = performance.now() - s;
      const cu = process.cpuUsage(c);
      times.push({ start: s, ms, cpuMs: (cu.user + cu.system) / 1000 });
    }
    await tick();
    await tick();
    let worst = 0;
    let worstGc = 0;
    for (const p of times) {
      if (overlapsGc(p)) worstGc = Math.max(worstGc, p.ms);
      else if (p.cpuMs >= p.ms / 2) worst = Math.max(worst, p.ms);
    }
    const sorted = times.map((p) => p.ms).sort((x, y) => x - y);
    console.log(`  ${argv.join(' ')} x1000: median ${sorted[500]!.toFixed(3)} ms, worst own ${worst.toFixed(3)} ms, worst overlapping a GC ${worstGc.toFixed(3)} ms`);
  }
}

for (let r = 0; r < rounds; r++) for (const t of types) await load(t);
obs.disconnect();
process.exit(0);
