// Replication under load, redis-server and nodis side by side (not a test; prints Markdown for
// bench/RESULTS.md):
//   lag     replica offset lag under a sustained SET load (redis-benchmark -P 16 -r 1000000 against
//           the primary): master_repl_offset minus the replica's slave_repl_offset, sampled every
//           ~10 ms, max / p99 / median, and the primary's SETs/s;
//   memory  the primary's mem_total_replication_buffers, used_memory and RSS under the same load
//           with 1 and with 5 replicas (redis-server in both rows) and a 100 MB backlog;
//   sync    the primary's SETs/s and PING round trips while a replica (redis-server) full-syncs
//           1M keys, against the same load without a sync.
// Run: `npx tsc -p . && node dist/bench/repl-load.js` (NODIS_BENCH_PARTS=lag,memory,sync,
// NODIS_BENCH_SECONDS=10, NODIS_BENCH_KEYS=1000000, NODIS_BENCH_PAIRS=redis-nodis,nodis-nodis for
// some lag rows).

import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startNodis, startRedis, type ChildServer } from '../test/helpers/oracle.js';
import type { TestClient } from '../test/helpers/resp-client.js';
import { percentile, writeAndProbe } from './client-load.js';

type Kind = 'redis' | 'nodis';
const PARTS = (process.env.NODIS_BENCH_PARTS ?? 'lag,memory,sync').split(',');
const SECONDS = Number(process.env.NODIS_BENCH_SECONDS ?? 10);
const KEYS = Number(process.env.NODIS_BENCH_KEYS ?? 1_000_000);

const servers: ChildServer[] = [];
async function start(kind: Kind, args: string[] = []): Promise<ChildServer> {
  const s = kind === 'redis' ? await startRedis(args) : await startNodis(args);
  servers.push(s);
  return s;
}
async function stopAll(): Promise<void> {
  for (const s of servers.splice(0)) await s.stop();
}

async function field(c: TestClient, section: string, name: string): Promise<string> {
  const m = String(await c.send('INFO', section)).match(new RegExp(`^${name}:(.*)\\r$`, 'm'));
  return m === null ? '' : m[1]!;
}

function rssOf(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'latin1').match(/VmRSS:\s+(\d+) kB/);
  return m === null ? 0 : Number(m[1]) * 1024;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);

/** redis-benchmark SETs against a port until killed. */
function setLoad(port: number): ChildProcess {
  const p = spawn('redis-benchmark', ['-p', String(port), '-t', 'set', '-P', '16', '-r', '1000000', '-c', '50', '-n', '1000000000', '-q'], { stdio: 'ignore' });
  p.on('error', () => {});
  return p;
}

async function stopLoad(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null) return;
  await new Promise<void>((r) => { p.once('exit', () => r()); p.kill('SIGKILL'); });
}

async function waitUp(rc: TestClient): Promise<void> {
  while ((await field(rc, 'replication', 'master_link_status')) !== 'up') await sleep(5);
}

// ---- lag ----

async function lag(pk: Kind, rk: Kind): Promise<string> {
  const p = await start(pk);
  const r = await start(rk);
  const [pc, rc] = [await p.client(), await r.client()];
  await rc.send('REPLICAOF', '127.0.0.1', p.port);
  await waitUp(rc);
  const load = setLoad(p.port);
  await sleep(500);
  const lags: number[] = [];
  const cmd0 = Number(await field(pc, 'stats', 'total_commands_processed'));
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    const [po, ro] = await Promise.all([field(pc, 'replication', 'master_repl_offset'), field(rc, 'replication', 'slave_repl_offset')]);
    lags.push(Math.max(0, Number(po) - Number(ro)));
    await sleep(10);
  }
  const secs = (performance.now() - t0) / 1000;
  const cmds = Number(await field(pc, 'stats', 'total_commands_processed')) - cmd0;
  await stopLoad(load);
  // Time for the replica to apply what it still lacked once the load stops.
  const tc = performance.now();
  const target = Number(await field(pc, 'replication', 'master_repl_offset'));
  // At least the target: a PING from the primary may move both past it meanwhile.
  while (Number(await field(rc, 'replication', 'slave_repl_offset')) < target) await sleep(2);
  const catchUp = performance.now() - tc;
  pc.close();
  rc.close();
  await stopAll();
  return `| ${pk} → ${rk} | ${Math.round(cmds / secs).toLocaleString('en-US')} | ${lags.length} | ${mb(Math.max(...lags))} MB | ${mb(percentile(lags, 99))} MB | ${(percentile(lags, 50) / 1024).toFixed(1)} KB | ${catchUp.toFixed(0)} ms |`;
}

// ---- memory with 1 and 5 replicas ----

async function memory(pk: Kind, replicas: number): Promise<string> {
  const p = await start(pk, ['--repl-backlog-size', '100mb']);
  const pc = await p.client();
  const rss0 = rssOf(p.proc.pid!);
  const used0 = Number(await field(pc, 'memory', 'used_memory'));
  const rcs: TestClient[] = [];
  for (let i = 0; i < replicas; i++) {
    const r = await start('redis');
    const rc = await r.client();
    await rc.send('REPLICAOF', '127.0.0.1', p.port);
    rcs.push(rc);
  }
  for (const rc of rcs) await waitUp(rc);
  const load = setLoad(p.port);
  let maxBuf = 0;
  let maxUsed = 0;
  let maxRss = 0;
  const t0 = performance.now();
  while (performance.now() - t0 < SECONDS * 1000) {
    maxBuf = Math.max(maxBuf, Number(await field(pc, 'memory', 'mem_total_replication_buffers')));
    maxUsed = Math.max(maxUsed, Number(await field(pc, 'memory', 'used_memory')));
    maxRss = Math.max(maxRss, rssOf(p.proc.pid!));
    await sleep(100);
  }
  const histlen = Number(await field(pc, 'replication', 'repl_backlog_histlen'));
  const online = (String(await pc.send('INFO', 'replication')).match(/state=online/g) ?? []).length;
  await stopLoad(load);
  pc.close();
  for (const rc of rcs) rc.close();
  await stopAll();
  return `| ${pk} | ${replicas} (${online} online) | ${mb(histlen)} MB | ${mb(maxBuf)} MB | ${mb(maxUsed - used0)} MB | ${mb(maxRss - rss0)} MB |`;
}

// ---- throughput and latency during a full sync ----

async function duringSync(pk: Kind, diskless: 'yes' | 'no'): Promise<string> {
  const p = await start(pk, ['--enable-debug-command', 'yes', '--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0']);
  const r = await start('redis');
  const [admin, writer, prober, rc] = [await p.client(), await p.client(), await p.client(), await r.client()];
  await admin.send('DEBUG', 'POPULATE', KEYS, 'key', 16);
  await sleep(500);
  const base = writeAndProbe(writer, prober, KEYS);
  const tb = performance.now();
  await sleep(2000);
  const b = await base.stop();
  const baseSecs = (performance.now() - tb) / 1000;
  const l = writeAndProbe(writer, prober, KEYS);
  const t0 = performance.now();
  await rc.send('REPLICAOF', '127.0.0.1', p.port);
  await waitUp(rc);
  const syncMs = performance.now() - t0;
  const d = await l.stop();
  for (const c of [admin, writer, prober, rc]) c.close();
  await stopAll();
  return `| ${pk} | ${diskless} | ${(syncMs / 1000).toFixed(2)} s | ${Math.round(d.writes / (syncMs / 1000)).toLocaleString('en-US')} | ${Math.round(b.writes / baseSecs).toLocaleString('en-US')} | ${Math.max(...d.rtts).toFixed(1)} / ${percentile(d.rtts, 99).toFixed(1)} ms | ${Math.max(...b.rtts).toFixed(1)} / ${percentile(b.rtts, 99).toFixed(1)} ms |`;
}

try {
  if (PARTS.includes('lag')) {
    const rows: string[] = [];
    const all = [['redis', 'redis'], ['nodis', 'nodis'], ['nodis', 'redis'], ['redis', 'nodis']] as [Kind, Kind][];
    // NODIS_BENCH_PAIRS=redis-nodis,nodis-nodis runs only those rows.
    const pick = process.env.NODIS_BENCH_PAIRS?.split(',');
    for (const [pk, rk] of all.filter(([a, b]) => pick === undefined || pick.includes(`${a}-${b}`))) {
      rows.push(await lag(pk, rk));
      console.log(rows[rows.length - 1]);
    }
    console.log(`\nReplica lag under redis-benchmark -t set -P 16 -r 1000000 -c 50 for ${SECONDS} s\n`);
    console.log('| primary → replica | primary SETs/s | samples | lag max | lag p99 | lag median | catch-up after the load |');
    console.log('|---|---:|---:|---:|---:|---:|---:|');
    for (const row of rows) console.log(row);
  }
  if (PARTS.includes('memory')) {
    const rows: string[] = [];
    for (const pk of ['redis', 'nodis'] as Kind[]) {
      for (const n of [1, 5]) {
        rows.push(await memory(pk, n));
        console.log(rows[rows.length - 1]);
      }
    }
    console.log(`\nPrimary memory under the same load for ${SECONDS} s, repl-backlog-size 100mb, redis-server replicas (growth from before the replicas attached; maxima of 100 ms samples)\n`);
    console.log('| primary | replicas | backlog histlen at the end | mem_total_replication_buffers max | used_memory growth max | RSS growth max |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const row of rows) console.log(row);
  }
  if (PARTS.includes('sync')) {
    const rows: string[] = [];
    for (const diskless of ['yes', 'no'] as const) {
      for (const pk of ['redis', 'nodis'] as Kind[]) {
        rows.push(await duringSync(pk, diskless));
        console.log(rows[rows.length - 1]);
      }
    }
    console.log(`\nPrimary with ${KEYS} keys (DEBUG POPULATE ... 16) while a redis-server replica full-syncs; one client pipelines SETs (50 per round trip), another sends PING every ~1 ms\n`);
    console.log('| primary | repl-diskless-sync | REPLICAOF → link up | SETs/s during the sync | SETs/s without | PING max / p99 during | PING max / p99 without |');
    console.log('|---|---|---:|---:|---:|---:|---:|');
    for (const row of rows) console.log(row);
  }
  console.log(`\nload average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
} finally {
  await stopAll();
}
process.exit(0);
