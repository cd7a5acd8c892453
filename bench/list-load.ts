// In-process list benchmark, through the real parser, session driver, dispatcher and call() with
// a transport that discards output (no sockets, no load generator): (1) heap per element of one
// big list loaded with RPUSH (100 elements per command) and the slowest single command of that
// load, (2) the slowest LRANGE/LINDEX over it, (3) CPU per command of redis-benchmark's LPUSH,
// RPOP and LRANGE_100 commands (pipeline 16). Not a test; numbers depend on the machine.
//   node --expose-gc dist/bench/list-load.js [elements=1000000] [value bytes, 0 = `e:N`] [rounds=3]

import { performance, PerformanceObserver } from 'node:perf_hooks';
import { RespParser } from '../src/resp/parser.js';
import { Config } from '../src/server/config.js';
import { Logger } from '../src/server/log.js';
import { Server } from '../src/server/server.js';
import type { Transport } from '../src/session/client.js';
import { Client } from '../src/session/client.js';

const ELEMENTS = Number(process.argv[2] ?? 1_000_000);
const VALUE_BYTES = Number(process.argv[3] ?? 0);
const ROUNDS = Number(process.argv[4] ?? 3);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

const transport: Transport = {
  write: () => {},
  close: () => {}, closeAfterWrite: () => {}, pauseReading: () => {}, resumeReading: () => {},
  queuedBytes: 0, remoteAddress: '127.0.0.1:1', localAddress: '127.0.0.1:2', fd: -1, kind: 'tcp',
};
const logger = new Logger();
logger.file = null;
const server = new Server(new Config(), logger);
const client = new Client(server.clients.allocateId(), transport, (t) => server.countError(t));
client.authenticated = true;
server.clients.add(client);
const parser = new RespParser({ maxBulkLen: 512 * 1024 * 1024, authRequired: () => false });

function encode(args: readonly string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** Parses RESP into argv lists as a connection would (the stored strings are the parser's). */
function parse(text: string): string[][] {
  const batch: string[][] = [];
  parser.feed(Buffer.from(text, 'latin1'), batch);
  return batch;
}

interface Timing { wall: number[]; cpu: number[]; starts: number[] }

/**
 * Parses and runs each command's bytes in turn, as a connection would; records each one's wall
 * ms, its process CPU ms (all threads: GC helpers count too) and its start. On a shared machine
 * a command can be descheduled: wall far above CPU is that, not the server.
 */
function timed(chunks: readonly Buffer[], into: Timing = { wall: [], cpu: [], starts: [] }): Timing {
  const batch: string[][] = [];
  for (let i = 0; i < chunks.length; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    parser.feed(chunks[i]!, batch);
    server.sessions.receiveNow(client, batch.splice(0, batch.length));
    const t1 = performance.now();
    const c = process.cpuUsage(c0);
    into.wall.push(t1 - t0);
    into.cpu.push((c.user + c.system) / 1000);
    into.starts.push(t0);
  }
  return into;
}

/** GC pauses seen by a PerformanceObserver: [start, end] in performance.now() ms, and the kind. */
const gcPauses: [number, number, string][] = [];
const GC_KINDS: Record<number, string> = { 1: 'scavenge', 2: 'mark-compact', 4: 'incremental', 8: 'weak callbacks' };
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) {
    const kind = (e as unknown as { detail?: { kind?: number } }).detail?.kind ?? 0;
    gcPauses.push([e.startTime, e.startTime + e.duration, GC_KINDS[kind] ?? String(kind)]);
  }
}).observe({ entryTypes: ['gc'] });

/** Lets the observer deliver what the synchronous phase buffered. */
function drainObserver(): Promise<void> {
  return new Promise((r) => setTimeout(r, 50));
}

/** Describes a phase: wall and CPU quantiles, and how many slow commands overlapped a GC pause. */
function describe(t: Timing): string {
  const slow: number[] = [];
  for (let i = 0; i < t.wall.length; i++) if (t.wall[i]! > 2) slow.push(i);
  let withGc = 0;
  let worstGc = 0;
  let worstKind = '';
  for (const i of slow) {
    const a = t.starts[i]!;
    const b = a + t.wall[i]!;
    let hit = false;
    for (const [s, e, kind] of gcPauses) {
      if (s < b && e > a) {
        hit = true;
        if (e - s > worstGc) {
          worstGc = e - s;
          worstKind = kind;
        }
      }
    }
    if (hit) withGc++;
  }
  return `wall ${stats(t.wall)}; cpu max ${Math.max(...t.cpu).toFixed(2)} ms, cpu >2 ms: ${t.cpu.filter((x) => x > 2).length}; ` +
    `slow (>2 ms wall) during a GC pause: ${withGc}/${slow.length} (longest such pause ${worstGc.toFixed(1)} ms${worstKind ? `, ${worstKind}` : ''})`;
}

function stats(ms: number[]): string {
  const s = [...ms].sort((a, b) => a - b);
  const p = (q: number): string => s[Math.min(s.length - 1, Math.floor(q * s.length))]!.toFixed(3);
  const over = (t: number): number => ms.filter((x) => x > t).length;
  return `p50 ${p(0.5)} ms, p99 ${p(0.99)} ms, max ${s[s.length - 1]!.toFixed(2)} ms, >2 ms: ${over(2)}, >5 ms: ${over(5)}`;
}

function value(n: number): string {
  if (VALUE_BYTES === 0) return `e:${n}`;
  const tail = String(n);
  return 'v'.repeat(Math.max(0, VALUE_BYTES - tail.length)) + tail;
}

async function load(key: string): Promise<void> {
  // Commands are encoded (off the heap, as Buffers) before timing starts, a slice at a time;
  // the timed part is what a connection does per command: parse it, run it.
  const t: Timing = { wall: [], cpu: [], starts: [] };
  gc!();
  const heap0 = process.memoryUsage().heapUsed;
  for (let base = 0; base < ELEMENTS; base += 100_000) {
    const cmds: Buffer[] = [];
    for (let b = base; b < Math.min(ELEMENTS, base + 100_000); b += 100) {
      const args = ['RPUSH', key];
      for (let i = b; i < Math.min(ELEMENTS, b + 100); i++) args.push(value(i));
      cmds.push(Buffer.from(encode(args), 'latin1'));
    }
    timed(cmds, t);
  }
  gc!();
  gc!();
  const heap = process.memoryUsage().heapUsed - heap0;
  const enc = parse(encode(['OBJECT', 'ENCODING', key]));
  server.sessions.receiveNow(client, enc);
  await drainObserver();
  console.log(`load ${ELEMENTS} elements (${VALUE_BYTES === 0 ? 'e:N' : `${VALUE_BYTES} bytes`}) with RPUSH x100: ` +
    `${t.wall.length} commands, total ${t.wall.reduce((a, b) => a + b, 0).toFixed(0)} ms; ${describe(t)}`);
  console.log(`heap after full GC: ${(heap / 1048576).toFixed(1)} MiB, ${(heap / ELEMENTS).toFixed(1)} B/element`);
}

async function queries(key: string): Promise<void> {
  const rand = (): number => Math.floor(Math.random() * ELEMENTS);
  const kinds: [string, () => string[]][] = [
    ['LRANGE i i+99 (random i)', () => { const i = rand(); return ['LRANGE', key, String(i), String(i + 99)]; }],
    ['LRANGE i i+999 (random i)', () => { const i = rand(); return ['LRANGE', key, String(i), String(i + 999)]; }],
    ['LRANGE 0 99', () => ['LRANGE', key, '0', '99']],
    ['LRANGE -100 -1', () => ['LRANGE', key, '-100', '-1']],
    ['LINDEX random', () => ['LINDEX', key, String(rand())]],
  ];
  for (const [name, make] of kinds) {
    const cmds: Buffer[] = [];
    for (let i = 0; i < 2000; i++) cmds.push(Buffer.from(encode(make()), 'latin1'));
    const t = timed(cmds);
    await drainObserver();
    console.log(`${name}: ${describe(t)}`);
  }
}

/** CPU ns per command for batches of `pipeline` commands (redis-benchmark's command lines). */
function cpuPerCommand(make: (i: number) => string[], total: number, pipeline = 16): number {
  const chunks: Buffer[] = [];
  for (let i = 0; i < 4096; i++) {
    let s = '';
    for (let j = 0; j < pipeline; j++) s += encode(make(i * pipeline + j));
    chunks.push(Buffer.from(s, 'latin1'));
  }
  const batch: string[][] = [];
  const cpu0 = process.cpuUsage();
  let n = 0;
  while (n < total) {
    for (const c of chunks) {
      parser.feed(c, batch);
      server.sessions.receiveNow(client, batch.splice(0, batch.length));
    }
    n += chunks.length * pipeline;
  }
  const cpu = process.cpuUsage(cpu0);
  return (cpu.user + cpu.system) * 1000 / n;
}

if (ELEMENTS > 0) {
  await load('bench:list');
  await queries('bench:list');
  server.sessions.receiveNow(client, parse(encode(['DEL', 'bench:list'])));
}
// Each round pushes 1M elements into one list, pops them all, then reads the first 100 of a
// 1M list built the same way; the minimum over rounds is the least disturbed figure.
const cpu: Record<string, number[]> = {};
const record = (name: string, ns: number): void => { (cpu[name] ??= []).push(ns); };
for (let r = 0; r < ROUNDS; r++) {
  record('SET key:rand xxx', cpuPerCommand(() => ['SET', `key:${String(Math.floor(Math.random() * 1e6)).padStart(12, '0')}`, 'xxx'], 1_000_000));
  record('LPUSH mylist xxx', cpuPerCommand(() => ['LPUSH', 'mylist', 'xxx'], 1_000_000));
  record('RPOP mylist', cpuPerCommand(() => ['RPOP', 'mylist'], 1_000_000));
  cpuPerCommand(() => ['LPUSH', 'mylist', 'xxx'], 1_000_000);
  record('LRANGE mylist 0 99', cpuPerCommand(() => ['LRANGE', 'mylist', '0', '99'], 200_000));
  server.sessions.receiveNow(client, parse(encode(['FLUSHALL'])));
}
for (const [name, xs] of Object.entries(cpu)) {
  console.log(`${name} P16: cpu ${Math.min(...xs).toFixed(0)} ns/command (min of ${xs.length}; all: ${xs.map((x) => x.toFixed(0)).join(' ')})`);
}
process.exit(0);
