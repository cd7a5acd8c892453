// The server side of the introspection commands: owns the stats counters, slow log, latency
// monitor, per-command latency histograms and MONITOR feed, and the bookkeeping run after every
// command (afterCall). server.ts only forwards to it; INFO text is built in info.ts.

import { randomBytes } from 'node:crypto';
import { getHeapStatistics, getHeapSpaceStatistics } from 'node:v8';
import { resolve } from 'node:path';
import { flatten, type Command, type CommandTable } from '../commands/table.js';
import type { ConfigApi, LogLevel } from '../exec/context.js';
import type { Gate } from '../exec/dispatcher.js';
import type {
  DebugKnobs, IntrospectionApi, LatencyEventSummary, MemoryStat, SlowlogEntry,
} from '../exec/introspection.js';
import type { KeyTable } from '../keyspace/key-table.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { Err } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import type { ClientRegistry } from '../session/client-registry.js';
import { HdrHistogram } from '../util/hdr-histogram.js';
import { buildInfo, memoryFigures } from './info.js';
import { LatencyMonitor } from './latency-monitor.js';
import { MonitorFeed } from './monitor-feed.js';
import { SlowLog } from './slowlog.js';
import { ServerStats } from './stats.js';

/** What the introspection services need from the server. */
export interface IntrospectionHost {
  readonly config: ConfigApi & {
    str(name: string): string;
    onApply(names: readonly string[], hook: () => void): void;
  };
  readonly ks: Keyspace;
  readonly table: CommandTable;
  readonly clients: ClientRegistry;
  readonly startTime: number;
  readonly port: number;
  /** Path of the config file the server was started with ('' when none). */
  readonly configFile: string;
  log(level: LogLevel, message: string): void;
  scheduleFlush(c: Client): void;
  /** Pub/sub counts for INFO stats. */
  readonly pubsub: { readonly channelCount: number; readonly patternCount: number; readonly shardChannelCount: number };
  /** INFO persistence's aof_* fields (persistence/aof/service.ts). */
  aofInfo(): [string, string | number][];
  /** INFO replication's fields, when replication is wired (replication/info.ts). */
  replicationInfo?(): [string, string | number][];
  /** INFO stats sync_* and INFO memory's replication buffers (replication/primary.ts). */
  replicationStats?(): { syncFull: number; syncPartialOk: number; syncPartialErr: number; buffers: number; clientsSlaves: number };
  /** INFO async_loading: a replica loads while serving reads from its old data. */
  readonly asyncLoading?: boolean;
  /** INFO clients reads the blocking layer's counts. */
  readonly blocking: {
    readonly clientsWithTimeout: number;
    readonly blockingKeys: number;
    readonly blockingKeysOnNoKey: number;
  };
  /** INFO persistence and LASTSAVE come from RDB persistence when the server has it. */
  readonly persistence?: {
    infoFields(): [string, string | number][];
    loadingFields(): [string, string | number][];
    lastSave(): number;
  };
  /** Client-side caching table sizes for INFO stats. */
  readonly tracking: { readonly totalKeys: number; readonly totalItems: number; readonly totalPrefixes: number };
}

/** Directive values read on every command, cached and refreshed when CONFIG SET changes them. */
export interface HotSettings {
  slowlogSlowerThan: number;
  slowlogMaxLen: number;
  latencyThreshold: number;
  latencyTracking: boolean;
  percentiles: number[];
}

export class Introspection implements IntrospectionApi {
  readonly stats = new ServerStats();
  readonly slowlog = new SlowLog();
  readonly latency = new LatencyMonitor();
  readonly monitors: MonitorFeed;
  readonly runId = randomBytes(20).toString('hex');
  readonly replId = randomBytes(20).toString('hex');
  readonly executable = resolve(process.argv[1] ?? process.execPath);
  readonly startupMemory: number;
  peakMemory = 0;
  readonly debug: DebugKnobs = { pauseCron: false, replyBufferPeakResetTime: 5000, replyBufferResizing: true };
  readonly settings: HotSettings = {
    slowlogSlowerThan: 10000, slowlogMaxLen: 128, latencyThreshold: 0, latencyTracking: true, percentiles: [50, 99, 99.9],
  };

  constructor(readonly host: IntrospectionHost, readonly redisVersion: string, readonly nodisVersion: string) {
    this.monitors = new MonitorFeed((c) => host.scheduleFlush(c), () => host.config.str('unixsocket'));
    const m = process.memoryUsage();
    this.startupMemory = m.heapUsed + m.external;
    this.peakMemory = this.startupMemory;
    this.refreshSettings();
    host.config.onApply(
      ['slowlog-log-slower-than', 'slowlog-max-len', 'latency-monitor-threshold', 'latency-tracking', 'latency-tracking-info-percentiles'],
      () => this.refreshSettings(),
    );
  }

  /** CONFIG RESETSTAT: counters and per-command latency histograms start again from zero. */
  resetStats(): void {
    const s = this.stats;
    s.resetErrors();
    s.writes = 0;
    s.eventLoopCycles = 0;
    s.commandUsecSum = 0;
    s.eventLoopUsecSum = 0;
    for (const cmd of flatten(this.host.table.all())) cmd.stats.histogram = null;
  }

  /** Reads a numeric directive that another area may not have declared yet. */
  optionalNum(name: string, fallback: number): number {
    const v = this.host.config.get(name);
    if (v === undefined) return fallback;
    if (v === 'yes' || v === 'no') return v === 'yes' ? 1 : 0;
    return this.host.config.num(name);
  }

  optionalStr(name: string, fallback: string): string {
    return this.host.config.get(name) ?? fallback;
  }

  private refreshSettings(): void {
    const c = this.host.config;
    const s = this.settings;
    s.slowlogSlowerThan = this.optionalNum('slowlog-log-slower-than', 10000);
    s.slowlogMaxLen = this.optionalNum('slowlog-max-len', 128);
    s.latencyThreshold = this.optionalNum('latency-monitor-threshold', 0);
    s.latencyTracking = this.optionalNum('latency-tracking', 1) === 1;
    const p = c.get('latency-tracking-info-percentiles');
    if (p !== undefined) s.percentiles = p.split(/\s+/).filter(Boolean).map(Number);
  }

  // ---- per-command bookkeeping ----

  /**
   * After every executed command: stats, latency tracking, latency monitor, slowlog, MONITOR.
   * A blocking command that ends after parking passes monitor=false: MONITOR saw its first run.
   */
  afterCall(client: Client, cmd: Command, argv: readonly string[], usec: number, dbIndex: number, monitor = true): void {
    const s = this.settings;
    this.stats.numCommands++;
    this.stats.commandUsecSum += usec;
    if (s.latencyTracking) {
      const st = cmd.stats;
      (st.histogram ??= new HdrHistogram()).record(usec * 1000);
    }
    if (s.latencyThreshold > 0) {
      const ms = Math.floor(usec / 1000);
      if (ms >= s.latencyThreshold) this.latency.add(cmd.isFast ? 'fast-command' : 'command', ms);
    }
    if (s.slowlogSlowerThan >= 0 && usec >= s.slowlogSlowerThan && !cmd.skipSlowlog) {
      this.slowlog.push(argv, usec, client.transport.remoteAddress, client.name, s.slowlogSlowerThan, s.slowlogMaxLen);
    }
    if (monitor) this.feedMonitor(client, cmd, argv, dbIndex);
  }

  /** The MONITOR line of a command, unless the command is hidden from MONITOR. */
  feedMonitor(client: Client, cmd: Command, argv: readonly string[], dbIndex: number): void {
    if (this.monitors.size > 0 && !cmd.hiddenFromMonitor) {
      this.monitors.feed(client, dbIndex, argv);
    }
  }

  /** Periodic work from the server cron. */
  cron(nowMs: number): void {
    this.stats.sample(nowMs);
    const m = process.memoryUsage();
    const used = m.heapUsed + m.external;
    if (used > this.peakMemory) this.peakMemory = used;
  }

  /** A MONITOR client may not touch the keyspace (Redis treats it as a replica link). */
  readonly monitorGate: Gate = {
    check: (client, cmd) =>
      this.monitors.size > 0 && this.monitors.has(client) &&
      (cmd.flags.has('readonly') || cmd.flags.has('write') || cmd.flags.has('may_replicate'))
        ? Err.replicaKeyspace()
        : null,
  };

  clientGone(c: Client): void {
    this.monitors.remove(c);
  }

  // ---- IntrospectionApi ----

  info(sections: readonly string[]): string {
    return buildInfo(this, sections);
  }

  lastSave(): number {
    if (this.host.persistence !== undefined) return this.host.persistence.lastSave();
    return Math.floor(this.host.startTime / 1000);
  }

  slowlogGet(count: number): readonly SlowlogEntry[] {
    return this.slowlog.get(count);
  }

  slowlogLength(): number {
    return this.slowlog.length;
  }

  slowlogReset(): void {
    this.slowlog.reset();
  }

  latencyLatest(): readonly LatencyEventSummary[] {
    return this.latency.latest();
  }

  latencyHistory(event: string): readonly [number, number][] {
    return this.latency.history(event);
  }

  latencyReset(events: readonly string[]): number {
    return this.latency.reset(events);
  }

  latencyDoctor(): string {
    return this.latency.doctor(this.settings.latencyThreshold);
  }

  latencyGraph(event: string): string | null {
    return this.latency.graph(event);
  }

  latencySample(event: string, ms: number): void {
    const t = this.settings.latencyThreshold;
    if (t > 0 && ms >= t) this.latency.add(event, ms);
  }

  commandHistogram(cmd: Command): HdrHistogram | undefined {
    return cmd.stats.histogram ?? undefined;
  }

  memoryStats(): readonly MemoryStat[] {
    const f = memoryFigures(this);
    const keys = this.host.ks.keyCount;
    const dbs: MemoryStat[] = [];
    for (const db of this.host.ks.dbs) {
      if (db.size === 0 && db.expires.size === 0) continue;
      // Per key a Map entry (key, value, chain link: 3 words) plus the bucket array share.
      dbs.push({ name: `db.${db.index}`, map: [
        { name: 'overhead.hashtable.main', int: db.size * MAP_ENTRY_BYTES },
        { name: 'overhead.hashtable.expires', int: db.expires.size * MAP_ENTRY_BYTES },
        { name: 'overhead.hashtable.slot-to-keys', int: 0 },
      ] });
    }
    const active = f.heapTotal + f.external;
    return [
      { name: 'peak.allocated', int: f.peak },
      { name: 'total.allocated', int: f.used },
      { name: 'startup.allocated', int: f.startup },
      { name: 'replication.backlog', int: 0 },
      { name: 'clients.slaves', int: 0 },
      { name: 'clients.normal', int: f.clientsNormal },
      { name: 'cluster.links', int: 0 },
      { name: 'aof.buffer', int: 0 },
      { name: 'lua.caches', int: 0 },
      { name: 'functions.caches', int: 0 },
      ...dbs,
      { name: 'overhead.total', int: f.overhead },
      { name: 'keys.count', int: keys },
      { name: 'keys.bytes-per-key', int: keys === 0 ? 0 : Math.floor((f.used - f.startup) / keys) },
      { name: 'dataset.bytes', int: f.dataset },
      { name: 'dataset.percentage', double: f.used - f.startup <= 0 ? 0 : (f.dataset * 100) / (f.used - f.startup) },
      { name: 'peak.percentage', double: f.peak === 0 ? 0 : (f.used * 100) / f.peak },
      { name: 'allocator.allocated', int: f.used },
      { name: 'allocator.active', int: active },
      { name: 'allocator.resident', int: f.rss },
      { name: 'allocator-fragmentation.ratio', double: f.used === 0 ? 0 : active / f.used },
      { name: 'allocator-fragmentation.bytes', int: active - f.used },
      { name: 'allocator-rss.ratio', double: active === 0 ? 0 : f.rss / active },
      { name: 'allocator-rss.bytes', int: f.rss - active },
      { name: 'rss-overhead.ratio', double: 1 },
      { name: 'rss-overhead.bytes', int: 0 },
      { name: 'fragmentation', double: f.used === 0 ? 0 : f.rss / f.used },
      { name: 'fragmentation.bytes', int: f.rss - f.used },
    ];
  }

  memoryDoctor(): string {
    const f = memoryFigures(this);
    if (f.used - f.startup < 5 * 1024 * 1024) {
      return 'This instance holds very little data (under 5 MB beyond what it used at startup), ' +
        'so there is nothing meaningful to diagnose yet.\n';
    }
    const issues: string[] = [];
    if (f.peak > f.used * 1.5) {
      issues.push(`Memory use peaked at ${fmtMb(f.peak)}, well above the current ${fmtMb(f.used)}: ` +
        'V8 keeps freed heap pages for reuse, so the resident size may stay high.');
    }
    if (f.rss > f.used * 1.4 && f.rss - f.used > 10 * 1024 * 1024) {
      issues.push(`The resident set (${fmtMb(f.rss)}) is much larger than the memory in use ` +
        `(${fmtMb(f.used)}): this is heap reserve and fragmentation rather than data.`);
    }
    if (f.clientsNormal > 200 * 1024) {
      issues.push(`Client output buffers hold ${fmtMb(f.clientsNormal)}: some clients read their replies slowly.`);
    }
    if (issues.length === 0) return 'No memory problems found: in use, peak and resident sizes look healthy.\n';
    return issues.map((s, n) => `${n + 1}. ${s}`).join('\n') + '\n';
  }

  mallocStats(): string {
    // nodis's allocator is V8's garbage-collected heap: report its own statistics.
    const h = getHeapStatistics();
    const lines = ['___ V8 heap statistics ___'];
    for (const [k, v] of Object.entries(h)) lines.push(`${k}: ${v}`);
    for (const s of getHeapSpaceStatistics()) {
      lines.push(`space ${s.space_name}: size=${s.space_size} used=${s.space_used_size} available=${s.space_available_size} physical=${s.physical_space_size}`);
    }
    return lines.join('\n') + '\n';
  }

  purge(): void {
    // Only possible when Node runs with --expose-gc; otherwise V8 decides when to collect.
    const gc = (globalThis as { gc?: () => void }).gc;
    if (typeof gc === 'function') gc();
  }

  startMonitor(client: Client): boolean {
    if (this.monitors.has(client)) return false;
    this.monitors.add(client);
    return true;
  }

  htStats(dbIndex: number, full: boolean): string {
    const db = this.host.ks.dbs[dbIndex]!;
    let out = '[Dictionary HT]\n';
    out += describeTable(db.size, db.table, full);
    out += '[Expires HT]\n';
    out += describeMap(db.expires.size, full);
    return out;
  }
}

/** Bytes per entry of a V8 hash Map (3 pointers in the entry table + a bucket share). */
export const MAP_ENTRY_BYTES = 32;

function fmtMb(n: number): string {
  return `${(n / 1024 / 1024).toFixed(2)} MB`;
}

/**
 * The main table as nodis keeps it: one open-addressing table per db (keyspace/key-table.ts).
 * "Chains" are the runs of keys sharing a home bucket; a resize in progress shows its old table
 * as Redis shows its rehashing target.
 */
function describeTable(total: number, t: KeyTable, full: boolean): string {
  if (total === 0) return 'Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n';
  const st = t.stats();
  let out = 'Hash table 0 stats (main hash table):\n' +
    ` table size: ${st.buckets}\n` +
    ` number of elements: ${total - st.oldEntries}\n`;
  if (full) {
    const counted = total - st.oldEntries;
    let largest = 0;
    for (const len of st.homeRuns.keys()) if (len > largest) largest = len;
    out += ` different slots: ${st.usedHomes}\n` +
      ` max chain length: ${largest}\n` +
      ` avg chain length (counted): ${st.usedHomes === 0 ? '0.00' : (counted / st.usedHomes).toFixed(2)}\n` +
      ` avg chain length (computed): ${(counted / st.buckets).toFixed(2)}\n` +
      ' Chain length distribution:\n';
    const empty = st.buckets - st.usedHomes;
    if (empty > 0) out += `   0: ${empty} (${((empty * 100) / st.buckets).toFixed(2)}%)\n`;
    for (const [len, count] of [...st.homeRuns].sort((a, b) => a[0] - b[0])) {
      out += `   ${len}: ${count} (${((count * 100) / st.buckets).toFixed(2)}%)\n`;
    }
  }
  if (st.oldBuckets > 0) {
    out += 'Hash table 1 stats (rehashing target):\n' +
      ` table size: ${st.oldBuckets}\n` +
      ` number of elements: ${st.oldEntries}\n`;
  }
  return out;
}

/** A single V8 Map: its capacity is the next power of two holding size entries at load 2. */
function describeMap(size: number, full: boolean): string {
  if (size === 0) return 'Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n';
  let buckets = 2;
  while (buckets * 2 < size) buckets *= 2;
  let out = 'Hash table 0 stats (main hash table):\n' +
    ` table size: ${buckets}\n` +
    ` number of elements: ${size}\n`;
  if (full) out += ` avg chain length (computed): ${(size / buckets).toFixed(2)}\n`;
  return out;
}
