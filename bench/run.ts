// `npm run bench`: redis-server and nodis-server side by side under redis-benchmark, alternating
// runs with identical flags and taking the median of several rounds, then memory after loading
// the same data into each: small string keys, and big/many collections (a 1M-field hash, a
// 1M-member set and sorted set, 100k small hashes). Prints a Markdown report for bench/RESULTS.md.
// Not part of the test suite: it is slow and its numbers depend on the machine.
//
// Environment: NODIS_BENCH_QUICK=1 (fewer requests and rounds), NODIS_BENCH_TESTS=set,get,...,
// NODIS_BENCH_ROUNDS (default 5), NODIS_BENCH_REQUESTS (per run at pipeline 1; pipeline 16 uses 10x),
// NODIS_BENCH_PIPELINES=1,16, NODIS_BENCH_KEYS (memory test; 0 skips it),
// NODIS_BENCH_COLLECTIONS=hash1m,set1m,zset1m,hash100k (collection memory tests; empty skips them;
// list1m, list1m100 and zset1mts are available too), NODIS_BENCH_IDLE_MS (memory tests read RSS again this
// long after the load; default 12000, 0 skips it).

import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { cpus, loadavg, totalmem } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { startServer } from '../src/index.js';
import { startNodis, startRedis, type ChildServer } from '../test/helpers/oracle.js';

const env = process.env;
const quick = env['NODIS_BENCH_QUICK'] === '1';
const TESTS = (env['NODIS_BENCH_TESTS'] ?? 'set,get,incr,mset,lpush,rpop,lrange_100,sadd,hset,zadd,zrangebyscore').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
const ROUNDS = Number(env['NODIS_BENCH_ROUNDS'] ?? (quick ? 1 : 5));
const REQUESTS = Number(env['NODIS_BENCH_REQUESTS'] ?? (quick ? 20_000 : 100_000));
const PIPELINES = (env['NODIS_BENCH_PIPELINES'] ?? '1,16').split(',').map(Number);
const KEYS = Number(env['NODIS_BENCH_KEYS'] ?? (quick ? 100_000 : 1_000_000));
/** How long after a memory test's load the idle RSS is read (0 skips it). */
const IDLE_MS = Number(env['NODIS_BENCH_IDLE_MS'] ?? 12_000);
const COLLECTIONS = (env['NODIS_BENCH_COLLECTIONS'] ?? 'hash1m,set1m,zset1m,hash100k').split(',').map((s) => s.trim()).filter(Boolean);
const CLIENTS = 50;
const KEYSPACE = 1_000_000;

/**
 * Tests that are not redis-benchmark `-t` names: a command line sent as is, after a setup that
 * loads the data it reads into both servers.
 */
const CUSTOM_TESTS: Record<string, { setup: string[][]; argv: string[] }> = {
  // ZRANGEBYSCORE over a 1000-member sorted set (scores 0..999) returning 101 members.
  zrangebyscore: {
    setup: Array.from({ length: 10 }, (_, b) => ['ZADD', 'bench:zset',
      ...Array.from({ length: 100 }, (_, i) => [String(b * 100 + i), `member:${b * 100 + i}`]).flat()]),
    argv: ['ZRANGEBYSCORE', 'bench:zset', '0', '100'],
  },
};

/** The command each redis-benchmark test sends: probed on nodis, a test it lacks is not run. */
const TEST_COMMAND: Record<string, string> = {
  ping_inline: 'PING', ping_mbulk: 'PING', set: 'SET', get: 'GET', incr: 'INCR', mset: 'MSET',
  lpush: 'LPUSH', rpush: 'RPUSH', lpop: 'LPOP', rpop: 'RPOP', sadd: 'SADD', hset: 'HSET',
  spop: 'SPOP', zadd: 'ZADD', zpopmin: 'ZPOPMIN', lrange: 'LRANGE', lrange_100: 'LRANGE',
  lrange_300: 'LRANGE', lrange_500: 'LRANGE', lrange_600: 'LRANGE', xadd: 'XADD', zrangebyscore: 'ZRANGEBYSCORE',
};

type Kind = 'redis' | 'nodis';

function benchmarkArgs(port: number, test: string, pipeline: number): string[] {
  const n = pipeline > 1 ? REQUESTS * 10 : REQUESTS;
  const what = CUSTOM_TESTS[test] !== undefined ? CUSTOM_TESTS[test].argv : ['-t', test];
  return ['-h', '127.0.0.1', '-p', String(port), '-c', String(CLIENTS), '-r', String(KEYSPACE),
    '-n', String(n), '-P', String(pipeline), '--csv', ...what];
}

/** Runs redis-benchmark; a failure to start it (a transient spawn error) is retried twice. */
async function runBenchmark(args: string[]): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await runBenchmarkOnce(args);
    } catch (e) {
      if (attempt >= 2 || !(e instanceof Error) || !('code' in e)) throw e;
      process.stderr.write(`redis-benchmark did not start (${e.message}); retrying\n`);
    }
  }
}

/** Runs redis-benchmark once; returns requests per second of its (single) test. */
function runBenchmarkOnce(args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const p = spawn('redis-benchmark', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    p.stderr.on('data', (d: Buffer) => { err += d.toString(); });
    p.on('error', reject);
    p.on('exit', (code) => {
      // LRANGE tests are preceded by an "LPUSH (needed to benchmark LRANGE)" row: not ours.
      const rows = out.split('\n').filter((l) => l.startsWith('"') && !l.startsWith('"test"') && !l.includes('needed to benchmark'));
      const rps = rows.length === 1 ? Number(rows[0]!.split(',')[1]!.replace(/"/g, '')) : NaN;
      if (code !== 0 || !Number.isFinite(rps)) reject(new Error(`redis-benchmark ${args.join(' ')} failed (${code}):\n${out}${err}`));
      else resolve(rps);
    });
  });
}

/** Sends one command and returns the raw reply (enough for probes and INFO). */
function query(port: number, argv: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    let data = '';
    s.on('error', reject);
    s.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      if (replyComplete(data)) {
        s.destroy();
        resolve(data);
      }
    });
    s.write(encode(argv));
  });
}

function replyComplete(s: string): boolean {
  const nl = s.indexOf('\r\n');
  if (nl === -1) return false;
  if (s[0] !== '$') return true;
  const len = Number(s.slice(1, nl));
  return len < 0 || s.length >= nl + 2 + len + 2;
}

function encode(argv: string[]): string {
  let out = `*${argv.length}\r\n`;
  for (const a of argv) out += `$${Buffer.byteLength(a, 'latin1')}\r\n${a}\r\n`;
  return out;
}

async function hasCommand(port: number, name: string): Promise<boolean> {
  const r = await query(port, [name]);
  return !r.startsWith('-ERR unknown command');
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

// ---- memory ----

/** Loads `n` keys "key:%012d" with 3-byte values over one pipelined connection. */
function loadKeys(port: number, n: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    const BATCH = 10_000;
    let sent = 0;
    let pending = 0;
    let received = 0;
    let tail = '';
    s.on('error', reject);
    const sendBatch = () => {
      let buf = '';
      const end = Math.min(n, sent + BATCH);
      for (let i = sent; i < end; i++) {
        const key = 'key:' + String(i).padStart(12, '0');
        buf += `*3\r\n$3\r\nSET\r\n$16\r\n${key}\r\n$3\r\nxxx\r\n`;
      }
      pending = end - sent;
      sent = end;
      s.write(buf, 'latin1');
    };
    s.on('data', (d: Buffer) => {
      const text = tail + d.toString('latin1');
      if (text.includes('-')) {
        s.destroy();
        reject(new Error(`loading keys failed: ${text.slice(0, 200)}`));
        return;
      }
      const count = Math.floor(text.length / 5); // every reply is "+OK\r\n"
      tail = text.slice(count * 5);
      received += count;
      pending -= count;
      if (pending > 0) return;
      if (received >= n) {
        s.destroy();
        resolve();
      } else sendBatch();
    });
    s.on('connect', sendBatch);
  });
}

/**
 * Sends commands over one pipelined connection, `batch` at a time, waiting for each batch's
 * replies; every reply must be one line (+OK or an integer), an error fails the load.
 */
function loadCommands(port: number, commands: Iterable<string[]>, batch = 1000): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host: '127.0.0.1' });
    const it = commands[Symbol.iterator]();
    let pending = 0;
    let done = false;
    let tail = '';
    s.on('error', reject);
    const sendBatch = () => {
      let buf = '';
      let n = 0;
      for (; n < batch; n++) {
        const next = it.next();
        if (next.done === true) { done = true; break; }
        buf += encode(next.value);
      }
      pending = n;
      if (n === 0) {
        s.destroy();
        resolve();
        return;
      }
      s.write(buf, 'latin1');
    };
    s.on('data', (d: Buffer) => {
      const text = tail + d.toString('latin1');
      if (text.startsWith('-') || text.includes('\r\n-')) {
        s.destroy();
        reject(new Error(`loading failed: ${text.slice(0, 200)}`));
        return;
      }
      const lines = text.split('\r\n');
      tail = lines.pop()!;
      pending -= lines.length;
      if (pending > 0) return;
      if (done) {
        s.destroy();
        resolve();
      } else sendBatch();
    });
    s.on('connect', sendBatch);
  });
}

/** The collection datasets of the memory test: name, what it holds, the commands that build it. */
const DATASETS: Record<string, { what: string; elements: number; commands: () => Iterable<string[]> }> = {
  hash1m: {
    what: 'one hash of 1,000,000 fields `f:N` → `v:N` (HSET, 100 fields per command)',
    elements: 1_000_000,
    *commands() {
      for (let b = 0; b < 10_000; b++) yield ['HSET', 'bench:hash', ...Array.from({ length: 100 }, (_, i) => [`f:${b * 100 + i}`, `v:${b * 100 + i}`]).flat()];
    },
  },
  set1m: {
    what: 'one set of 1,000,000 members `m:N` (SADD, 100 per command)',
    elements: 1_000_000,
    *commands() {
      for (let b = 0; b < 10_000; b++) yield ['SADD', 'bench:set', ...Array.from({ length: 100 }, (_, i) => `m:${b * 100 + i}`)];
    },
  },
  zset1m: {
    what: 'one sorted set of 1,000,000 members `m:N` with score N (ZADD, 100 per command)',
    elements: 1_000_000,
    *commands() {
      for (let b = 0; b < 10_000; b++) yield ['ZADD', 'bench:zset', ...Array.from({ length: 100 }, (_, i) => [String(b * 100 + i), `m:${b * 100 + i}`]).flat()];
    },
  },
  zset1mts: {
    what: 'one sorted set of 1,000,000 members `m:N` with millisecond-timestamp scores, in random order (ZADD, 100 per command)',
    elements: 1_000_000,
    *commands() {
      // Scores past the small-integer range, as timestamps are; a fixed shuffle of the order.
      const order = Array.from({ length: 1_000_000 }, (_, i) => i);
      let seed = 7;
      for (let i = order.length - 1; i > 0; i--) {
        seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
        const j = seed % (i + 1);
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let b = 0; b < 10_000; b++) {
        yield ['ZADD', 'bench:zts', ...order.slice(b * 100, b * 100 + 100).flatMap((n) => [String(1_700_000_000_000 + n * 1000.5), `m:${n}`])];
      }
    },
  },
  list1m: {
    what: 'one list of 1,000,000 elements `e:N` (RPUSH, 100 per command)',
    elements: 1_000_000,
    *commands() {
      for (let b = 0; b < 10_000; b++) yield ['RPUSH', 'bench:list', ...Array.from({ length: 100 }, (_, i) => `e:${b * 100 + i}`)];
    },
  },
  list1m100: {
    what: 'one list of 1,000,000 100-byte elements `v…vN` (RPUSH, 100 per command)',
    elements: 1_000_000,
    *commands() {
      for (let b = 0; b < 10_000; b++) {
        yield ['RPUSH', 'bench:list', ...Array.from({ length: 100 }, (_, i) => { const t = String(b * 100 + i); return 'v'.repeat(100 - t.length) + t; })];
      }
    },
  },
  hash100k: {
    what: '100,000 hashes `h:N` of 10 fields `f0..f9` → `value-N` (listpack encoded)',
    elements: 100_000,
    *commands() {
      for (let n = 0; n < 100_000; n++) yield ['HSET', `h:${n}`, ...Array.from({ length: 10 }, (_, i) => [`f${i}`, `value-${n}`]).flat()];
    },
  },
};

interface CollectionMemory {
  name: string;
  what: string;
  elements: number;
  redisUsed: number;
  redisRss: number;
  nodisRss: number;
  /** RSS deltas again IDLE_MS after the load (V8's memory reducer gives pages back by then). */
  redisRssIdle: number;
  nodisRssIdle: number;
  nodisHeap: number;
}

/** Memory of one dataset on redis, on a nodis child (RSS) and on an in-process nodis (heap). */
async function measureDataset(name: string): Promise<CollectionMemory> {
  const ds = DATASETS[name];
  if (ds === undefined) throw new Error(`unknown dataset ${name}`);
  const redis = await startRedis();
  let redisUsed: number;
  let redisRss: number;
  let redisRssIdle: number;
  try {
    const used0 = await usedMemory(redis.port);
    const rss0 = rssBytes(redis.proc.pid!);
    await loadCommands(redis.port, ds.commands());
    const loaded = Date.now();
    await settle();
    redisUsed = (await usedMemory(redis.port)) - used0;
    redisRss = rssBytes(redis.proc.pid!) - rss0;
    redisRssIdle = await idleRss(redis.proc.pid!, loaded) - rss0;
  } finally {
    await redis.stop();
  }
  const nodis = await startNodis();
  let nodisRss: number;
  let nodisRssIdle: number;
  try {
    const rss0 = rssBytes(nodis.proc.pid!);
    await loadCommands(nodis.port, ds.commands());
    const loaded = Date.now();
    await settle();
    nodisRss = rssBytes(nodis.proc.pid!) - rss0;
    nodisRssIdle = await idleRss(nodis.proc.pid!, loaded) - rss0;
  } finally {
    await nodis.stop();
  }
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const inproc = await startServer({ port: 0 });
  let nodisHeap: number;
  try {
    gc();
    // Heap plus ArrayBuffer memory: big collections keep their hash indexes in Int32Arrays.
    const heapAndBuffers = (): number => { const m = process.memoryUsage(); return m.heapUsed + m.arrayBuffers; };
    const heap0 = heapAndBuffers();
    await loadCommands(inproc.port, ds.commands());
    gc();
    gc();
    nodisHeap = heapAndBuffers() - heap0;
  } finally {
    await inproc.close();
  }
  return { name, what: ds.what, elements: ds.elements, redisUsed, redisRss, nodisRss, redisRssIdle, nodisRssIdle, nodisHeap };
}

function rssBytes(pid: number): number {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : NaN;
}

async function usedMemory(port: number): Promise<number> {
  const info = await query(port, ['INFO', 'memory']);
  const m = /used_memory:(\d+)/.exec(info);
  return m ? Number(m[1]) : NaN;
}

interface MemoryResult {
  keys: number;
  redisUsed: number;
  redisRss: number;
  nodisRss: number;
  redisRssIdle: number;
  nodisRssIdle: number;
  nodisHeap: number;
  nodisUsed: number;
}

async function settle(): Promise<void> {
  // Let a child's allocator and GC finish what the load started before reading RSS.
  await new Promise((r) => setTimeout(r, 1500));
}

/**
 * RSS once the server has been idle IDLE_MS since `loaded`. V8 keeps the pages the load's
 * garbage took until its memory reducer runs (8 s after allocation quiets down), so RSS right
 * after a load overstates what an idle nodis holds; both servers are read at the same moment.
 */
async function idleRss(pid: number, loaded: number): Promise<number> {
  if (IDLE_MS <= 0) return NaN;
  await new Promise((r) => setTimeout(r, Math.max(0, loaded + IDLE_MS - Date.now())));
  return rssBytes(pid);
}

async function measureMemory(n: number): Promise<MemoryResult> {
  const redis = await startRedis();
  let redisUsed: number;
  let redisRss: number;
  let redisRssIdle: number;
  try {
    const used0 = await usedMemory(redis.port);
    const rss0 = rssBytes(redis.proc.pid!);
    await loadKeys(redis.port, n);
    const loaded = Date.now();
    await settle();
    redisUsed = (await usedMemory(redis.port)) - used0;
    redisRss = rssBytes(redis.proc.pid!) - rss0;
    redisRssIdle = await idleRss(redis.proc.pid!, loaded) - rss0;
  } finally {
    await redis.stop();
  }
  const nodis = await startNodis();
  let nodisRss: number;
  let nodisRssIdle: number;
  let nodisUsed = NaN;
  try {
    const used0 = (await hasCommand(nodis.port, 'INFO')) ? await usedMemory(nodis.port) : NaN;
    const rss0 = rssBytes(nodis.proc.pid!);
    await loadKeys(nodis.port, n);
    const loaded = Date.now();
    await settle();
    nodisRss = rssBytes(nodis.proc.pid!) - rss0;
    if (Number.isFinite(used0)) nodisUsed = (await usedMemory(nodis.port)) - used0;
    nodisRssIdle = await idleRss(nodis.proc.pid!, loaded) - rss0;
  } finally {
    await nodis.stop();
  }
  // The V8 heap is only visible from inside the process: the same load into an in-process nodis,
  // measured after full collections (the loader's own garbage is collected too).
  setFlagsFromString('--expose-gc');
  const gc = runInNewContext('gc') as () => void;
  const inproc = await startServer({ port: 0 });
  let nodisHeap: number;
  try {
    gc();
    const heap0 = process.memoryUsage().heapUsed;
    await loadKeys(inproc.port, n);
    gc();
    gc();
    nodisHeap = process.memoryUsage().heapUsed - heap0;
  } finally {
    await inproc.close();
  }
  return { keys: n, redisUsed, redisRss, nodisRss, redisRssIdle, nodisRssIdle, nodisHeap, nodisUsed };
}

// ---- main ----

interface Row { test: string; pipeline: number; redis: number[]; nodis: number[]; skipped?: string }

async function main(): Promise<void> {
  const started = new Date();
  const servers: Record<Kind, ChildServer> = { redis: await startRedis(), nodis: await startNodis() };
  const rows: Row[] = [];
  try {
    for (const test of TESTS) {
      const cmd = TEST_COMMAND[test];
      const missing = cmd === undefined ? 'unknown test' : !(await hasCommand(servers.nodis.port, cmd)) ? `nodis has no ${cmd}` : undefined;
      for (const pipeline of PIPELINES) rows.push({ test, pipeline, redis: [], nodis: [], ...(missing ? { skipped: missing } : {}) });
    }
    for (const row of rows) {
      const custom = CUSTOM_TESTS[row.test];
      if (custom === undefined || row.skipped) continue;
      for (const kind of ['redis', 'nodis'] as const) await loadCommands(servers[kind].port, custom.setup);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (const row of rows) {
        if (row.skipped) continue;
        // Alternate which server goes first so that neither always runs on a warmer machine.
        const order: Kind[] = round % 2 === 0 ? ['redis', 'nodis'] : ['nodis', 'redis'];
        for (const kind of order) {
          const rps = await runBenchmark(benchmarkArgs(servers[kind].port, row.test, row.pipeline));
          row[kind].push(rps);
          process.stderr.write(`round ${round + 1}/${ROUNDS} ${row.test} -P ${row.pipeline} ${kind}: ${rps.toFixed(0)} rps\n`);
        }
      }
    }
  } finally {
    await servers.redis.stop();
    await servers.nodis.stop();
  }
  const mem = KEYS > 0 ? await measureMemory(KEYS) : null;
  const collections: CollectionMemory[] = [];
  for (const name of COLLECTIONS) {
    collections.push(await measureDataset(name));
    process.stderr.write(`memory: ${name} done\n`);
  }
  process.stdout.write(report(started, rows, mem, collections));
}

function report(started: Date, rows: Row[], mem: MemoryResult | null, collections: CollectionMemory[]): string {
  const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
  const lines: string[] = [];
  lines.push(`## ${started.toISOString().slice(0, 10)}${quick ? ' (quick mode)' : ''}`, '');
  lines.push(`- machine: ${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}`);
  lines.push(`- servers: redis-server ${redisVersion()} and nodis-server (node dist/src/main.js), both \`--save '' --appendonly no\`, on 127.0.0.1`);
  lines.push(`- load: \`redis-benchmark -c ${CLIENTS} -r ${KEYSPACE} -n <N> -P <P> --csv -t <test>\`, N = ${REQUESTS} at P=1 and ${REQUESTS * 10} at P=16;` +
    ` ${ROUNDS} round(s), servers alternating, median rps`);
  for (const [name, t] of Object.entries(CUSTOM_TESTS)) {
    if (rows.some((r) => r.test === name)) lines.push(`- ${name}: the command line \`${t.argv.join(' ')}\` instead of \`-t\`, after loading its data (${t.setup.length} setup commands) into both servers`);
  }
  lines.push(`- load average (1/5/15 min) at the end: ${loadavg().map((x) => x.toFixed(2)).join(' / ')}: other work on the machine shows up as spread`);
  lines.push('', '| test | pipeline | redis rps (median) | nodis rps (median) | nodis/redis | redis min–max | nodis min–max |',
    '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows) {
    if (r.skipped) {
      lines.push(`| ${r.test} | ${r.pipeline} | – | – | n/a (${r.skipped}) | | |`);
      continue;
    }
    const a = median(r.redis);
    const b = median(r.nodis);
    const range = (xs: number[]) => `${fmt(Math.min(...xs))}–${fmt(Math.max(...xs))}`;
    lines.push(`| ${r.test} | ${r.pipeline} | ${fmt(a)} | ${fmt(b)} | ${(b / a).toFixed(2)} | ${range(r.redis)} | ${range(r.nodis)} |`);
  }
  if (mem !== null) {
    const per = (x: number) => (Number.isFinite(x) ? (x / mem.keys).toFixed(1) : 'n/a');
    lines.push('', `Memory after loading ${fmt(mem.keys)} keys \`key:%012d\` with 3-byte values (pipelined SETs):`, '');
    lines.push('| measure | bytes/key | vs redis used_memory |', '| --- | ---: | ---: |');
    lines.push(`| redis used_memory delta | ${per(mem.redisUsed)} | 1.00 |`);
    lines.push(`| redis RSS delta | ${per(mem.redisRss)} | ${(mem.redisRss / mem.redisUsed).toFixed(2)} |`);
    lines.push(`| nodis RSS delta (child process) | ${per(mem.nodisRss)} | ${(mem.nodisRss / mem.redisUsed).toFixed(2)} |`);
    if (IDLE_MS > 0) {
      const idle = `${IDLE_MS / 1000} s after the load`;
      lines.push(`| redis RSS delta, ${idle} | ${per(mem.redisRssIdle)} | ${(mem.redisRssIdle / mem.redisUsed).toFixed(2)} |`);
      lines.push(`| nodis RSS delta, ${idle} | ${per(mem.nodisRssIdle)} | ${(mem.nodisRssIdle / mem.redisUsed).toFixed(2)} |`);
    }
    lines.push(`| nodis V8 heap delta (in-process, after GC) | ${per(mem.nodisHeap)} | ${(mem.nodisHeap / mem.redisUsed).toFixed(2)} |`);
    if (Number.isFinite(mem.nodisUsed)) lines.push(`| nodis used_memory delta (INFO) | ${per(mem.nodisUsed)} | ${(mem.nodisUsed / mem.redisUsed).toFixed(2)} |`);
  }
  if (collections.length > 0) {
    const mb = (x: number) => (x / 2 ** 20).toFixed(1);
    lines.push('', 'Memory of collections (MiB; bytes per element in brackets; ratio to redis used_memory):', '');
    const idle = `${IDLE_MS / 1000} s after`;
    lines.push(`RSS is read 1.5 s after the load and again ${IDLE_MS / 1000} s after it (when V8's memory reducer has given back the load's garbage pages).`, '');
    lines.push(`| dataset | redis used_memory | redis RSS | redis RSS, ${idle} | nodis RSS (child) | nodis RSS, ${idle} | nodis V8 heap + array buffers (in-process, after GC) |`,
      '| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const c of collections) {
      const cell = (x: number) => (Number.isFinite(x) ? `${mb(x)} (${(x / c.elements).toFixed(0)} B) ${(x / c.redisUsed).toFixed(2)}x` : 'n/a');
      lines.push(`| ${c.what} | ${mb(c.redisUsed)} (${(c.redisUsed / c.elements).toFixed(0)} B) | ${cell(c.redisRss)} | ${cell(c.redisRssIdle)} | ${cell(c.nodisRss)} | ${cell(c.nodisRssIdle)} | ${cell(c.nodisHeap)} |`);
    }
  }
  lines.push('');
  return lines.join('\n');
}

function redisVersion(): string {
  const out = spawnSync('redis-server', ['--version'], { encoding: 'utf8' }).stdout ?? '';
  return /v=(\S+)/.exec(out)?.[1] ?? '?';
}

main().catch((e: unknown) => {
  process.stderr.write(`bench failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
