// BGSAVE side by side: redis-server (fork + copy-on-write) and nodis-server (forkless snapshot)
// each loaded with the same keys (DEBUG POPULATE), then BGSAVE while one client writes and another
// measures round trips. Reports the save's wall time, the worst and p99 round trip during it and
// during the same writes without a save, the server's resident memory growth while saving, and
// what each server says it copied (rdb_last_cow_size). Not a test; prints Markdown for RESULTS.md.
//
//   npx tsc -p . && node dist/bench/snapshot.js [keys=1000000]

import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { startNodis, startRedis, type ChildServer } from '../test/helpers/oracle.js';
import type { TestClient } from '../test/helpers/resp-client.js';
import { percentile, writeAndProbe } from './client-load.js';

const KEYS = Number(process.argv[2] ?? 1_000_000);

interface Run {
  kind: string;
  saveMs: number;
  maxRtt: number;
  p99Rtt: number;
  baseMax: number;
  baseP99: number;
  rssBefore: number;
  rssPeakDelta: number;
  cow: number;
  writes: number;
  baseRate: number;
  fileBytes: number;
}

function rssOf(pid: number): number {
  const m = readFileSync(`/proc/${pid}/status`, 'latin1').match(/VmRSS:\s+(\d+) kB/);
  return m === null ? 0 : Number(m[1]) * 1024;
}

/** Resident memory of a process and its children (Redis's saving child is a separate process). */
function treeRss(pid: number): number {
  let total = rssOf(pid);
  try {
    const kids = readFileSync(`/proc/${pid}/task/${pid}/children`, 'latin1').trim().split(/\s+/).filter(Boolean);
    for (const k of kids) total += rssOf(Number(k));
  } catch { /* no children file */ }
  return total;
}

async function field(c: TestClient, name: string): Promise<string> {
  const m = String(await c.send('INFO', 'persistence')).match(new RegExp(`^${name}:(.*)\\r$`, 'm'));
  return m === null ? '' : m[1]!;
}

async function measure(kind: 'redis' | 'nodis'): Promise<Run> {
  const args = ['--enable-debug-command', 'yes'];
  const s: ChildServer = kind === 'redis' ? await startRedis(args) : await startNodis(args);
  try {
    const admin = await s.client();
    const writer = await s.client();
    const prober = await s.client();
    await admin.send('DEBUG', 'POPULATE', String(KEYS));
    await new Promise((r) => setTimeout(r, 1000));

    // Baseline: the same load for two seconds without a save.
    const base = writeAndProbe(writer, prober, KEYS);
    const tb = performance.now();
    await new Promise((r) => setTimeout(r, 2000));
    const b = await base.stop();
    const baseRate = b.writes / ((performance.now() - tb) / 1000);

    const rssBefore = treeRss(s.proc.pid!);
    let rssPeak = rssBefore;
    const l = writeAndProbe(writer, prober, KEYS);
    const t0 = performance.now();
    await admin.send('BGSAVE');
    while ((await field(admin, 'rdb_bgsave_in_progress')) === '1') {
      rssPeak = Math.max(rssPeak, treeRss(s.proc.pid!));
      await new Promise((r) => setTimeout(r, 10));
    }
    const saveMs = performance.now() - t0;
    const r = await l.stop();
    const status = await field(admin, 'rdb_last_bgsave_status');
    if (status !== 'ok') throw new Error(`${kind}: bgsave status ${status}`);
    const cow = Number(await field(admin, 'rdb_last_cow_size'));
    const fileBytes = readFileSync(`${s.dir}/dump.rdb`).length;
    for (const c of [admin, writer, prober]) c.close();
    return {
      kind, saveMs, maxRtt: Math.max(...r.rtts), p99Rtt: percentile(r.rtts, 99),
      baseMax: Math.max(...b.rtts), baseP99: percentile(b.rtts, 99),
      rssBefore, rssPeakDelta: rssPeak - rssBefore, cow, writes: r.writes, baseRate, fileBytes,
    };
  } finally {
    await s.stop();
  }
}

const mb = (n: number) => (n / (1024 * 1024)).toFixed(1);

const runs = [await measure('redis'), await measure('nodis')];
console.log(`BGSAVE of ${KEYS} keys (DEBUG POPULATE) while one client pipelines SETs (50 per batch) and another sends PING every ~1 ms`);
console.log('');
console.log('| server | save wall time | PING max / p99 during save | PING max / p99 without save | RSS before | RSS growth while saving | rdb_last_cow_size | SETs/s during save | SETs/s without save | file |');
console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
for (const r of runs) {
  console.log(`| ${r.kind} | ${r.saveMs.toFixed(0)} ms | ${r.maxRtt.toFixed(1)} / ${r.p99Rtt.toFixed(1)} ms | ${r.baseMax.toFixed(1)} / ${r.baseP99.toFixed(1)} ms | ${mb(r.rssBefore)} MB | ${mb(r.rssPeakDelta)} MB | ${mb(r.cow)} MB | ${Math.round(r.writes / (r.saveMs / 1000))} | ${Math.round(r.baseRate)} | ${mb(r.fileBytes)} MB |`);
}
console.log('');
console.log(`load average at the end: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
