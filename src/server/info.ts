// INFO: one builder per section, in Redis 7.2's section order and field names. Fields of
// subsystems nodis does not have (replication links, RDB/AOF, Lua, active defrag, modules)
// report their true idle values, never invented activity. Memory fields map Node's
// process.memoryUsage() onto Redis's names (see the table in memorySection).

import { cpuUsage, memoryUsage } from 'node:process';
import { machine, release, totalmem, type } from 'node:os';
import { flatten } from '../commands/table.js';
import type { Introspection } from './introspection.js';

/** Sections of `INFO` / `INFO default`, in order. */
const DEFAULT_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
  'errorstats', 'cluster', 'keyspace',
];
/** Every section in output order ("all" and "everything"). */
const ALL_SECTIONS = [
  'server', 'clients', 'memory', 'persistence', 'stats', 'replication', 'cpu', 'modules',
  'commandstats', 'errorstats', 'latencystats', 'cluster', 'keyspace',
];

type Fields = [string, string | number][];

/** The INFO text for the requested (lowercase) section names; unknown names add nothing. */
export function buildInfo(intro: Introspection, requested: readonly string[]): string {
  const wanted = new Set<string>();
  if (requested.length === 0) for (const s of DEFAULT_SECTIONS) wanted.add(s);
  for (const r of requested) {
    if (r === 'default') for (const s of DEFAULT_SECTIONS) wanted.add(s);
    else if (r === 'all' || r === 'everything') for (const s of ALL_SECTIONS) wanted.add(s);
    else wanted.add(r);
  }
  let out = '';
  let n = 0;
  for (const name of ALL_SECTIONS) {
    if (!wanted.has(name)) continue;
    const [title, fields] = SECTIONS[name]!(intro);
    if (n++ > 0) out += '\r\n';
    out += `# ${title}\r\n`;
    for (const [k, v] of fields) out += `${k}:${v}\r\n`;
  }
  return out;
}

const SECTIONS: Record<string, (i: Introspection) => [string, Fields]> = {
  server: (i) => ['Server', serverSection(i)],
  clients: (i) => ['Clients', clientsSection(i)],
  memory: (i) => ['Memory', memorySection(i)],
  persistence: (i) => ['Persistence', persistenceSection(i)],
  stats: (i) => ['Stats', statsSection(i)],
  replication: (i) => ['Replication', replicationSection(i)],
  cpu: () => ['CPU', cpuSection()],
  modules: () => ['Modules', []],
  commandstats: (i) => ['Commandstats', commandStatsSection(i)],
  errorstats: (i) => ['Errorstats', errorStatsSection(i)],
  latencystats: (i) => ['Latencystats', latencyStatsSection(i)],
  cluster: (i) => ['Cluster', [['cluster_enabled', i.optionalNum('cluster-enabled', 0)]]],
  keyspace: (i) => ['Keyspace', keyspaceSection(i)],
};

function serverSection(i: Introspection): Fields {
  const h = i.host;
  const now = Date.now();
  const uptime = Math.floor((now - h.startTime) / 1000);
  const bind = h.config.str('bind').split(/\s+/).filter(Boolean).map((b) => `bind=${b}`).join(',');
  return [
    ['redis_version', i.redisVersion],
    ['redis_git_sha1', '00000000'],
    ['redis_git_dirty', 0],
    ['redis_build_id', '0'],
    ['redis_mode', 'standalone'],
    ['os', `${type()} ${release()} ${machine()}`],
    ['arch_bits', process.arch.endsWith('64') ? 64 : 32],
    ['monotonic_clock', 'POSIX clock_gettime'],
    ['multiplexing_api', MULTIPLEXING[process.platform] ?? 'libuv'],
    ['atomicvar_api', 'c11-builtin'],
    // Redis prints 0.0.0 when it was not built with GCC; nodis is not built with any C compiler.
    ['gcc_version', '0.0.0'],
    ['process_id', process.pid],
    ['process_supervised', 'no'],
    ['run_id', i.runId],
    ['tcp_port', h.port],
    ['server_time_usec', now * 1000],
    ['uptime_in_seconds', uptime],
    ['uptime_in_days', Math.floor(uptime / 86400)],
    ['hz', h.config.num('hz')],
    ['configured_hz', h.config.num('hz')],
    ['lru_clock', Math.floor(now / 1000) & 0xffffff],
    ['executable', i.executable],
    ['config_file', h.configFile],
    ['io_threads_active', 0],
    ['listener0', `name=tcp,${bind},port=${h.port}`],
    ['nodis_version', i.nodisVersion],
  ];
}

const MULTIPLEXING: Partial<Record<NodeJS.Platform, string>> = {
  linux: 'epoll', darwin: 'kqueue', freebsd: 'kqueue', openbsd: 'kqueue', sunos: 'evport', win32: 'iocp',
};

function clientsSection(i: Introspection): Fields {
  let maxIn = 0;
  let maxOut = 0;
  let blocked = 0;
  let tracking = 0;
  for (const c of i.host.clients) {
    const qb = (c.transport as { queryBufferBytes?: number }).queryBufferBytes ?? 0;
    if (qb > maxIn) maxIn = qb;
    const ob = c.reply.pendingBytes + c.transport.queuedBytes;
    if (ob > maxOut) maxOut = ob;
    // Redis counts clients held by a pause as blocked too.
    if (c.blocked || c.postponed) blocked++;
    if (c.flagLetters.has('t')) tracking++;
  }
  return [
    ['connected_clients', i.host.clients.size],
    ['cluster_connections', 0],
    ['maxclients', i.host.config.num('maxclients')],
    ['client_recent_max_input_buffer', maxIn],
    ['client_recent_max_output_buffer', maxOut],
    ['blocked_clients', blocked],
    ['tracking_clients', tracking],
    ['clients_in_timeout_table', i.host.blocking.clientsWithTimeout],
    ['total_blocking_keys', i.host.blocking.blockingKeys],
    ['total_blocking_keys_on_nokey', i.host.blocking.blockingKeysOnNoKey],
  ];
}

/** Redis's bytesToHuman: B below 1K, then two decimals with K/M/G/T/P. */
export function bytesToHuman(n: number): string {
  if (n < 1024) return `${n}B`;
  const units = ['K', 'M', 'G', 'T', 'P'];
  let d = n / 1024;
  let u = 0;
  while (d >= 1024 && u < units.length - 1) {
    d /= 1024;
    u++;
  }
  return `${d.toFixed(2)}${units[u]}`;
}

/** Memory figures shared by INFO memory and MEMORY STATS. */
export interface MemoryFigures {
  used: number;
  rss: number;
  peak: number;
  startup: number;
  clientsNormal: number;
  overhead: number;
  dataset: number;
  heapTotal: number;
  external: number;
}

/**
 * How Node's numbers map onto Redis's: used_memory = V8 heap in use + memory held outside the
 * heap (Buffers); allocator_allocated = the same; allocator_active = V8 heap reserved + external;
 * allocator_resident and used_memory_rss = the process's resident set. used_memory_startup is
 * used_memory when the server started; overhead = startup + client buffers; dataset = the rest.
 */
export function memoryFigures(i: Introspection): MemoryFigures {
  const m = memoryUsage();
  const used = m.heapUsed + m.external;
  if (used > i.peakMemory) i.peakMemory = used;
  let clientsNormal = 0;
  for (const c of i.host.clients) clientsNormal += c.reply.pendingBytes + c.transport.queuedBytes;
  const overhead = i.startupMemory + clientsNormal;
  return {
    used, rss: m.rss, peak: i.peakMemory, startup: i.startupMemory, clientsNormal, overhead,
    dataset: Math.max(0, used - overhead), heapTotal: m.heapTotal, external: m.external,
  };
}

function memorySection(i: Introspection): Fields {
  const f = memoryFigures(i);
  const maxmemory = i.optionalNum('maxmemory', 0);
  const active = f.heapTotal + f.external;
  const sys = totalmem();
  const pct = (a: number, b: number) => (b <= 0 ? '0.00' : ((a * 100) / b).toFixed(2));
  const ratio = (a: number, b: number) => (b <= 0 ? '0.00' : (a / b).toFixed(2));
  return [
    ['used_memory', f.used],
    ['used_memory_human', bytesToHuman(f.used)],
    ['used_memory_rss', f.rss],
    ['used_memory_rss_human', bytesToHuman(f.rss)],
    ['used_memory_peak', f.peak],
    ['used_memory_peak_human', bytesToHuman(f.peak)],
    ['used_memory_peak_perc', `${pct(f.used, f.peak)}%`],
    ['used_memory_overhead', f.overhead],
    ['used_memory_startup', f.startup],
    ['used_memory_dataset', f.dataset],
    ['used_memory_dataset_perc', `${pct(f.dataset, f.used - f.startup)}%`],
    ['allocator_allocated', f.used],
    ['allocator_active', active],
    ['allocator_resident', f.rss],
    ['total_system_memory', sys],
    ['total_system_memory_human', bytesToHuman(sys)],
    // No scripting engine: every Lua and function figure is truly zero.
    ['used_memory_lua', 0],
    ['used_memory_vm_eval', 0],
    ['used_memory_lua_human', '0B'],
    ['used_memory_scripts_eval', 0],
    ['number_of_cached_scripts', 0],
    ['number_of_functions', 0],
    ['number_of_libraries', 0],
    ['used_memory_vm_functions', 0],
    ['used_memory_vm_total', 0],
    ['used_memory_vm_total_human', '0B'],
    ['used_memory_functions', 0],
    ['used_memory_scripts', 0],
    ['used_memory_scripts_human', '0B'],
    ['maxmemory', maxmemory],
    ['maxmemory_human', bytesToHuman(maxmemory)],
    ['maxmemory_policy', i.optionalStr('maxmemory-policy', 'noeviction')],
    ['allocator_frag_ratio', ratio(active, f.used)],
    ['allocator_frag_bytes', active - f.used],
    ['allocator_rss_ratio', ratio(f.rss, active)],
    ['allocator_rss_bytes', f.rss - active],
    ['rss_overhead_ratio', '1.00'],
    ['rss_overhead_bytes', 0],
    ['mem_fragmentation_ratio', ratio(f.rss, f.used)],
    ['mem_fragmentation_bytes', f.rss - f.used],
    ['mem_not_counted_for_evict', 0],
    ['mem_replication_backlog', 0],
    ['mem_total_replication_buffers', i.host.replicationStats?.().buffers ?? 0],
    ['mem_clients_slaves', i.host.replicationStats?.().clientsSlaves ?? 0],
    ['mem_clients_normal', f.clientsNormal],
    ['mem_cluster_links', 0],
    ['mem_aof_buffer', 0],
    ['mem_allocator', `v8-${process.versions.v8}`],
    ['active_defrag_running', 0],
    ['lazyfree_pending_objects', 0],
    ['lazyfreed_objects', 0],
  ];
}

function persistenceSection(i: Introspection): Fields {
  const p = i.host.persistence;
  // A replica loading in the background (swapdb) reports loading:1 with async_loading:1.
  const asyncLoading = i.host.asyncLoading === true;
  const rdb: Fields = p !== undefined ? p.infoFields() : [['rdb_last_save_time', i.lastSave()]];
  return [
    ['loading', i.host.ks.loading || asyncLoading ? 1 : 0],
    ['async_loading', asyncLoading ? 1 : 0],
    ...rdb.filter(([k]) => k !== 'loading' && k !== 'async_loading'),
    ...i.host.aofInfo(),
    ...(p !== undefined ? p.loadingFields() : []),
  ];
}

function statsSection(i: Introspection): Fields {
  const s = i.stats;
  const ks = i.host.ks.stats;
  return [
    ['total_connections_received', i.host.clients.totalConnections],
    ['total_commands_processed', s.numCommands],
    ['instantaneous_ops_per_sec', Math.round(s.opsPerSec.rate)],
    ['total_net_input_bytes', s.netInputBytes],
    ['total_net_output_bytes', s.netOutputBytes],
    ['total_net_repl_input_bytes', s.netReplInputBytes],
    ['total_net_repl_output_bytes', s.netReplOutputBytes],
    ['instantaneous_input_kbps', s.netInputKbps.rate.toFixed(2)],
    ['instantaneous_output_kbps', s.netOutputKbps.rate.toFixed(2)],
    ['instantaneous_input_repl_kbps', s.netReplInputKbps.rate.toFixed(2)],
    ['instantaneous_output_repl_kbps', s.netReplOutputKbps.rate.toFixed(2)],
    ['rejected_connections', i.host.clients.rejectedConnections],
    ['sync_full', i.host.replicationStats?.().syncFull ?? 0],
    ['sync_partial_ok', i.host.replicationStats?.().syncPartialOk ?? 0],
    ['sync_partial_err', i.host.replicationStats?.().syncPartialErr ?? 0],
    ['expired_keys', ks.expiredKeys],
    ['expired_stale_perc', ks.expiredStalePerc.toFixed(2)],
    ['expired_time_cap_reached_count', ks.expiredTimeCapReached],
    ['expire_cycle_cpu_milliseconds', ks.expireCycleCpuMs],
    ['evicted_keys', ks.evictedKeys],
    ['evicted_clients', 0],
    ['total_eviction_exceeded_time', 0],
    ['current_eviction_exceeded_time', 0],
    ['keyspace_hits', ks.keyspaceHits],
    ['keyspace_misses', ks.keyspaceMisses],
    ['pubsub_channels', i.host.pubsub.channelCount],
    ['pubsub_patterns', i.host.pubsub.patternCount],
    ['pubsubshard_channels', i.host.pubsub.shardChannelCount],
    ['latest_fork_usec', 0],
    ['total_forks', 0],
    ['migrate_cached_sockets', 0],
    ['slave_expires_tracked_keys', 0],
    ['active_defrag_hits', 0],
    ['active_defrag_misses', 0],
    ['active_defrag_key_hits', 0],
    ['active_defrag_key_misses', 0],
    ['total_active_defrag_time', 0],
    ['current_active_defrag_time', 0],
    ['tracking_total_keys', i.host.tracking.totalKeys],
    ['tracking_total_items', i.host.tracking.totalItems],
    ['tracking_total_prefixes', i.host.tracking.totalPrefixes],
    ['unexpected_error_replies', 0],
    ['total_error_replies', s.totalErrorReplies],
    ['dump_payload_sanitizations', 0],
    ['total_reads_processed', s.eventLoopCycles],
    ['total_writes_processed', s.writes],
    ['io_threaded_reads_processed', 0],
    ['io_threaded_writes_processed', 0],
    // nodis's reply buffers grow as needed and are dropped once written: nothing to resize.
    ['reply_buffer_shrinks', 0],
    ['reply_buffer_expands', 0],
    ['eventloop_cycles', s.eventLoopCycles],
    ['eventloop_duration_sum', Math.round(s.eventLoopUsecSum)],
    ['eventloop_duration_cmd_sum', s.commandUsecSum],
    ['instantaneous_eventloop_cycles_per_sec', Math.round(s.cyclesPerSec.rate)],
    ['instantaneous_eventloop_duration_usec', Math.round(s.avgCycleUsec)],
    ['acl_access_denied_auth', s.errorCodes.get('WRONGPASS') ?? 0],
    ['acl_access_denied_cmd', 0],
    ['acl_access_denied_key', 0],
    ['acl_access_denied_channel', 0],
  ];
}

function replicationSection(i: Introspection): Fields {
  const wired = i.host.replicationInfo?.();
  if (wired !== undefined) return wired;
  return [
    ['role', 'master'],
    ['connected_slaves', 0],
    ['master_failover_state', 'no-failover'],
    ['master_replid', i.replId],
    ['master_replid2', '0'.repeat(40)],
    ['master_repl_offset', 0],
    ['second_repl_offset', -1],
    ['repl_backlog_active', 0],
    ['repl_backlog_size', i.optionalNum('repl-backlog-size', 1048576)],
    ['repl_backlog_first_byte_offset', 0],
    ['repl_backlog_histlen', 0],
  ];
}

function cpuSection(): Fields {
  const u = cpuUsage();
  const secs = (us: number) => (us / 1e6).toFixed(6);
  // Node runs commands on its main thread; its helper threads do file and DNS work only, so
  // the process figures stand for the main thread too.
  return [
    ['used_cpu_sys', secs(u.system)],
    ['used_cpu_user', secs(u.user)],
    ['used_cpu_sys_children', '0.000000'],
    ['used_cpu_user_children', '0.000000'],
    ['used_cpu_sys_main_thread', secs(u.system)],
    ['used_cpu_user_main_thread', secs(u.user)],
  ];
}

function commandStatsSection(i: Introspection): Fields {
  const out: Fields = [];
  for (const c of flatten(i.host.table.all())) {
    const s = c.stats;
    if (s.calls === 0 && s.failed === 0 && s.rejected === 0) continue;
    const perCall = s.calls === 0 ? 0 : s.usec / s.calls;
    out.push([`cmdstat_${c.fullName}`,
      `calls=${s.calls},usec=${s.usec},usec_per_call=${perCall.toFixed(2)},rejected_calls=${s.rejected},failed_calls=${s.failed}`]);
  }
  return out;
}

function errorStatsSection(i: Introspection): Fields {
  // Redis keeps error codes in a radix tree, so they come out in byte order.
  const codes = [...i.stats.errorCodes].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return codes.map(([code, n]) => [`errorstat_${code}`, `count=${n}`]);
}

/** "%f" with trailing zeros (and a trailing dot) removed, as Redis names percentiles. */
function percentileName(p: number): string {
  return p.toFixed(6).replace(/\.?0+$/, '');
}

function latencyStatsSection(i: Introspection): Fields {
  const out: Fields = [];
  const percentiles = i.settings.percentiles;
  for (const c of flatten(i.host.table.all())) {
    const h = i.commandHistogram(c);
    if (h === undefined || h.total === 0) continue;
    const parts = percentiles.map((p) => `p${percentileName(p)}=${(h.valueAtPercentile(p) / 1000).toFixed(3)}`);
    out.push([`latency_percentiles_usec_${c.fullName}`, parts.join(',')]);
  }
  return out;
}

function keyspaceSection(i: Introspection): Fields {
  const out: Fields = [];
  const now = Date.now();
  for (const db of i.host.ks.dbs) {
    const keys = db.size;
    const expires = db.expires.size;
    if (keys === 0 && expires === 0) continue;
    // An average over at most 16384 TTLs keeps INFO cheap on huge databases (Redis's own
    // avg_ttl is an estimate from expiry sampling, too).
    let sum = 0;
    let n = 0;
    for (const when of db.expires.values()) {
      if (when > now) { sum += when - now; n++; }
      if (n >= 16384) break;
    }
    out.push([`db${db.index}`, `keys=${keys},expires=${expires},avg_ttl=${n === 0 ? 0 : Math.floor(sum / n)}`]);
  }
  return out;
}
