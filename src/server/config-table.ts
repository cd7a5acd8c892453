// The directive table: every directive of Redis 7.2's redis.conf with its type, default, bounds,
// aliases and flags. Only data and the small builders that shape it live here; parsing and
// rendering are in config-types.ts, the runtime store in config.ts. Directives whose feature
// nodis does not have yet are still accepted, stored and reported: nothing here pretends to act.

export type DirectiveType = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'special';

export interface Directive {
  name: string;
  /** Old names (slaveof, hash-max-ziplist-*, ...): accepted everywhere, rewritten to `name`. */
  alias?: string;
  type: DirectiveType;
  /** The default as a config file would spell it. */
  default: string;
  /** Can only be set at startup (config file, command line). */
  immutable?: boolean;
  /** CONFIG SET needs enable-protected-configs (yes, or local for local clients). */
  protected?: boolean;
  /** Left out of CONFIG GET patterns: only an exact name reads it. */
  hidden?: boolean;
  /** Secrets: never written to logs. */
  sensitive?: boolean;
  /** Takes several arguments on a config file line; CONFIG SET splits its value on spaces. */
  multiArg?: boolean;
  min?: bigint;
  max?: bigint;
  /** Memory directives that also accept "N%" (stored negative, as Redis does). */
  percent?: boolean;
  /** Rendered and parsed in octal (unixsocketperm). */
  octal?: boolean;
  /** Enum choices; a choice may name the canonical choice it renders as ('relative=yes'). */
  values?: readonly string[];
  /** Extra validation of an already typed value: an error message or null. */
  check?: (v: string) => string | null;
}

const INT_MIN = -(2n ** 31n);
const INT_MAX = 2n ** 31n - 1n;
const UINT_MAX = 2n ** 32n - 1n;
const LONG_MAX = 2n ** 63n - 1n;
const ULLONG_MAX = 2n ** 64n - 1n;

type Opts = Omit<Partial<Directive>, 'name' | 'type' | 'default'>;

const bool = (name: string, def: 'yes' | 'no', o: Opts = {}): Directive => ({ name, type: 'bool', default: def, ...o });
const str = (name: string, def: string, o: Opts = {}): Directive => ({ name, type: 'string', default: def, ...o });
const enm = (name: string, def: string, values: string[], o: Opts = {}): Directive =>
  ({ name, type: 'enum', default: def, values, ...o });
const int = (name: string, def: number, min: bigint, max: bigint, o: Opts = {}): Directive =>
  ({ name, type: 'int', default: String(def), min, max, ...o });
const mem = (name: string, def: number, min: bigint, max: bigint, o: Opts = {}): Directive =>
  ({ name, type: 'memory', default: String(def), min, max, ...o });
const special = (name: string, def: string, o: Opts = {}): Directive => ({ name, type: 'special', default: def, ...o });

const I = { immutable: true } as const;

function baseName(what: string, kind: string) {
  return (v: string) => (v.includes('/') ? `${what} can't be a path, just a ${kind}` : null);
}

function hostname(v: string): string | null {
  if (v.length >= 256) return 'Hostnames must be less than 256 characters';
  if (!/^[A-Za-z0-9.-]*$/.test(v)) return 'Hostnames may only contain alphanumeric characters, hyphens or dots';
  return null;
}

const PROTECTED_ACTION = ['no', 'yes', 'local'];

export const DIRECTIVES: readonly Directive[] = [
  // ---- booleans ----
  bool('rdbchecksum', 'yes', I),
  bool('daemonize', 'no', I),
  bool('io-threads-do-reads', 'no', I),
  bool('always-show-logo', 'no', I),
  bool('protected-mode', 'yes'),
  bool('rdbcompression', 'yes'),
  bool('rdb-del-sync-files', 'no'),
  bool('activerehashing', 'yes'),
  bool('stop-writes-on-bgsave-error', 'yes'),
  bool('set-proc-title', 'yes', I),
  bool('dynamic-hz', 'yes'),
  bool('lazyfree-lazy-eviction', 'no'),
  bool('lazyfree-lazy-expire', 'no'),
  bool('lazyfree-lazy-server-del', 'no'),
  bool('lazyfree-lazy-user-del', 'no'),
  bool('lazyfree-lazy-user-flush', 'no'),
  bool('repl-disable-tcp-nodelay', 'no'),
  bool('repl-diskless-sync', 'yes'),
  bool('aof-rewrite-incremental-fsync', 'yes'),
  bool('no-appendfsync-on-rewrite', 'no'),
  bool('cluster-require-full-coverage', 'yes'),
  bool('rdb-save-incremental-fsync', 'yes'),
  bool('aof-load-truncated', 'yes'),
  bool('aof-use-rdb-preamble', 'yes'),
  bool('aof-timestamp-enabled', 'no'),
  bool('cluster-replica-no-failover', 'no', { alias: 'cluster-slave-no-failover' }),
  bool('replica-lazy-flush', 'no', { alias: 'slave-lazy-flush' }),
  bool('replica-serve-stale-data', 'yes', { alias: 'slave-serve-stale-data' }),
  bool('replica-read-only', 'yes', { alias: 'slave-read-only' }),
  bool('replica-ignore-maxmemory', 'yes', { alias: 'slave-ignore-maxmemory' }),
  bool('jemalloc-bg-thread', 'yes'),
  // nodis has no defragmenter: enabling it must fail rather than be silently ignored.
  bool('activedefrag', 'no', {
    check: (v) => (v === 'yes' ? 'Active defragmentation cannot be enabled: nodis has no active defragmenter' : null),
  }),
  bool('syslog-enabled', 'no', I),
  bool('cluster-enabled', 'no', I),
  bool('appendonly', 'no'),
  bool('cluster-allow-reads-when-down', 'no'),
  bool('cluster-allow-pubsubshard-when-down', 'yes'),
  bool('crash-log-enabled', 'yes'),
  bool('crash-memcheck-enabled', 'yes'),
  bool('use-exit-on-panic', 'no', { hidden: true }),
  bool('disable-thp', 'yes', I),
  bool('cluster-allow-replica-migration', 'yes'),
  bool('replica-announced', 'yes'),
  bool('latency-tracking', 'yes'),
  bool('aof-disable-auto-gc', 'no'),
  bool('replica-ignore-disk-write-errors', 'no'),
  bool('tls-cluster', 'no'),
  bool('tls-replication', 'no'),
  bool('tls-prefer-server-ciphers', 'no'),
  bool('tls-session-caching', 'yes'),

  // ---- strings ----
  str('aclfile', '', I),
  str('unixsocket', '', I),
  str('pidfile', '', I),
  str('replica-announce-ip', '', { alias: 'slave-announce-ip' }),
  str('masteruser', '', { sensitive: true }),
  str('cluster-announce-ip', ''),
  str('cluster-config-file', 'nodes.conf', I),
  str('cluster-announce-hostname', '', { check: hostname }),
  // 7.2: a free-form node name shown in CLUSTER NODES and logs.
  str('cluster-announce-human-nodename', ''),
  str('syslog-ident', 'redis', I),
  str('dbfilename', 'dump.rdb', { protected: true, check: baseName('dbfilename', 'filename') }),
  str('appendfilename', 'appendonly.aof', {
    ...I, check: (v) => (v === '' ? "appendfilename can't be empty" : baseName('appendfilename', 'filename')(v)),
  }),
  str('appenddirname', 'appendonlydir', {
    ...I, check: (v) => (v === '' ? "appenddirname can't be empty" : baseName('appenddirname', 'dirname')(v)),
  }),
  str('server_cpulist', '', I),
  str('bio_cpulist', '', I),
  str('aof_rewrite_cpulist', '', I),
  str('bgsave_cpulist', '', I),
  str('ignore-warnings', ''),
  str('proc-title-template', '{title} {listen-addr} {server-mode}'),
  str('bind-source-addr', ''),
  str('logfile', '', I),
  // 7.2: the collation locale for SORT and Lua string comparisons ("" = from the environment).
  str('locale-collate', ''),
  str('masterauth', '', { sensitive: true }),
  str('requirepass', '', { sensitive: true }),
  str('tls-cert-file', ''),
  str('tls-key-file', ''),
  str('tls-key-file-pass', '', { sensitive: true }),
  str('tls-client-cert-file', ''),
  str('tls-client-key-file', ''),
  str('tls-client-key-file-pass', '', { sensitive: true }),
  str('tls-dh-params-file', ''),
  str('tls-ca-cert-file', ''),
  str('tls-ca-cert-dir', ''),
  str('tls-protocols', ''),
  str('tls-ciphers', ''),
  str('tls-ciphersuites', ''),

  // ---- enums ----
  enm('supervised', 'no', ['upstart', 'systemd', 'auto', 'no'], I),
  enm('syslog-facility', 'local0', ['user', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7'], I),
  enm('repl-diskless-load', 'disabled', ['disabled', 'on-empty-db', 'swapdb']),
  // 7.2 added 'nothing' (7.0 stops at 'warning').
  enm('loglevel', 'notice', ['debug', 'verbose', 'notice', 'warning', 'nothing']),
  enm('maxmemory-policy', 'noeviction', [
    'volatile-lru', 'volatile-lfu', 'volatile-random', 'volatile-ttl',
    'allkeys-lru', 'allkeys-lfu', 'allkeys-random', 'noeviction',
  ]),
  enm('appendfsync', 'everysec', ['everysec', 'always', 'no']),
  enm('oom-score-adj', 'no', ['no', 'yes', 'relative=yes', 'absolute']),
  enm('acl-pubsub-default', 'resetchannels', ['allchannels', 'resetchannels']),
  enm('sanitize-dump-payload', 'no', ['no', 'yes', 'clients']),
  enm('enable-protected-configs', 'no', PROTECTED_ACTION, I),
  enm('enable-debug-command', 'no', PROTECTED_ACTION, I),
  enm('enable-module-command', 'no', PROTECTED_ACTION, I),
  enm('cluster-preferred-endpoint-type', 'ip', ['ip', 'hostname', 'unknown-endpoint']),
  enm('propagation-error-behavior', 'ignore', ['ignore', 'panic', 'panic-on-replicas']),
  enm('tls-auth-clients', 'yes', ['no', 'yes', 'optional']),

  // ---- integers ----
  int('databases', 16, 1n, INT_MAX, I),
  int('port', 6379, 0n, 65535n),
  int('io-threads', 1, 1n, 128n, I),
  int('auto-aof-rewrite-percentage', 100, 0n, INT_MAX),
  int('cluster-replica-validity-factor', 10, 0n, INT_MAX, { alias: 'cluster-slave-validity-factor' }),
  int('list-max-listpack-size', -2, INT_MIN, INT_MAX, { alias: 'list-max-ziplist-size' }),
  int('tcp-keepalive', 300, 0n, INT_MAX),
  int('cluster-migration-barrier', 1, 0n, INT_MAX),
  int('active-defrag-cycle-min', 1, 1n, 99n),
  int('active-defrag-cycle-max', 25, 1n, 99n),
  int('active-defrag-threshold-lower', 10, 0n, 1000n),
  int('active-defrag-threshold-upper', 100, 0n, 1000n),
  int('lfu-log-factor', 10, 0n, INT_MAX),
  int('lfu-decay-time', 1, 0n, INT_MAX),
  int('replica-priority', 100, 0n, INT_MAX, { alias: 'slave-priority' }),
  int('repl-diskless-sync-delay', 5, 0n, INT_MAX),
  int('maxmemory-samples', 5, 1n, INT_MAX),
  int('maxmemory-eviction-tenacity', 10, 0n, 100n),
  int('timeout', 0, 0n, INT_MAX),
  int('replica-announce-port', 0, 0n, 65535n, { alias: 'slave-announce-port' }),
  int('tcp-backlog', 511, 0n, INT_MAX, I),
  int('cluster-port', 0, 0n, 65535n, I),
  int('cluster-announce-bus-port', 0, 0n, 65535n),
  int('cluster-announce-port', 0, 0n, 65535n),
  int('cluster-announce-tls-port', 0, 0n, 65535n),
  int('repl-timeout', 60, 1n, INT_MAX),
  int('repl-ping-replica-period', 10, 1n, INT_MAX, { alias: 'repl-ping-slave-period' }),
  int('list-compress-depth', 0, 0n, INT_MAX),
  int('rdb-key-save-delay', 0, INT_MIN, INT_MAX, { hidden: true }),
  int('key-load-delay', 0, INT_MIN, INT_MAX, { hidden: true }),
  int('active-expire-effort', 1, 1n, 10n),
  int('hz', 10, 0n, INT_MAX),
  int('min-replicas-to-write', 0, 0n, INT_MAX, { alias: 'min-slaves-to-write' }),
  int('min-replicas-max-lag', 10, 0n, INT_MAX, { alias: 'min-slaves-max-lag' }),
  int('watchdog-period', 0, 0n, INT_MAX, { hidden: true }),
  int('shutdown-timeout', 10, 0n, INT_MAX),
  int('repl-diskless-sync-max-replicas', 0, 0n, INT_MAX),
  int('socket-mark-id', 0, 0n, UINT_MAX, I),
  int('maxclients', 10000, 1n, UINT_MAX),
  int('unixsocketperm', 0, 0n, 0o777n, { ...I, octal: true }),
  int('active-defrag-max-scan-fields', 1000, 1n, LONG_MAX),
  int('slowlog-max-len', 128, 0n, LONG_MAX),
  int('acllog-max-len', 128, 0n, LONG_MAX),
  int('busy-reply-threshold', 5000, 0n, LONG_MAX, { alias: 'lua-time-limit' }),
  int('cluster-node-timeout', 15000, 0n, LONG_MAX),
  int('slowlog-log-slower-than', 10000, -1n, LONG_MAX),
  int('latency-monitor-threshold', 0, 0n, LONG_MAX),
  int('stream-node-max-entries', 100, 0n, LONG_MAX),
  int('hash-max-listpack-entries', 512, 0n, LONG_MAX, { alias: 'hash-max-ziplist-entries' }),
  int('set-max-intset-entries', 512, 0n, LONG_MAX),
  // 7.2: small sets of strings are listpacks.
  int('set-max-listpack-entries', 128, 0n, LONG_MAX),
  int('zset-max-listpack-entries', 128, 0n, LONG_MAX, { alias: 'zset-max-ziplist-entries' }),
  int('tracking-table-max-keys', 1000000, 0n, LONG_MAX),
  int('repl-backlog-ttl', 3600, 0n, LONG_MAX),
  int('loading-process-events-interval-bytes', 2 * 1024 * 1024, 1024n, INT_MAX, { hidden: true }),
  int('tls-port', 0, 0n, 65535n),
  int('tls-session-cache-size', 20480, 0n, INT_MAX),
  int('tls-session-cache-timeout', 300, 0n, INT_MAX),

  // ---- memory sizes ----
  mem('proto-max-bulk-len', 512 * 1024 * 1024, 1024n * 1024n, LONG_MAX),
  mem('repl-backlog-size', 1024 * 1024, 1n, LONG_MAX),
  mem('maxmemory', 0, 0n, ULLONG_MAX),
  mem('cluster-link-sendbuf-limit', 0, 0n, ULLONG_MAX),
  mem('active-defrag-ignore-bytes', 100 * 1024 * 1024, 1n, LONG_MAX),
  mem('hash-max-listpack-value', 64, 0n, LONG_MAX, { alias: 'hash-max-ziplist-value' }),
  mem('set-max-listpack-value', 64, 0n, LONG_MAX),
  mem('stream-node-max-bytes', 4096, 0n, LONG_MAX),
  mem('zset-max-listpack-value', 64, 0n, LONG_MAX, { alias: 'zset-max-ziplist-value' }),
  mem('hll-sparse-max-bytes', 3000, 0n, LONG_MAX),
  mem('client-query-buffer-limit', 1024 * 1024 * 1024, 1024n * 1024n, LONG_MAX),
  mem('maxmemory-clients', 0, -100n, LONG_MAX, { percent: true }),
  mem('auto-aof-rewrite-min-size', 64 * 1024 * 1024, 0n, LONG_MAX),

  // ---- special forms (config-types.ts parses and renders them) ----
  special('dir', '', { protected: true }),
  special('save', '3600 1 300 100 60 10000', { multiArg: true }),
  special('client-output-buffer-limit', 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60', { multiArg: true }),
  special('oom-score-adj-values', '0 200 800', { multiArg: true }),
  special('notify-keyspace-events', ''),
  special('bind', '* -::*', { multiArg: true }),
  special('replicaof', '', { alias: 'slaveof', immutable: true, multiArg: true }),
  special('latency-tracking-info-percentiles', '50 99 99.9', { multiArg: true }),
  special('shutdown-on-sigint', 'default', { multiArg: true }),
  special('shutdown-on-sigterm', 'default', { multiArg: true }),
];

const BY_NAME = new Map<string, Directive>();
for (const d of DIRECTIVES) {
  BY_NAME.set(d.name, d);
  if (d.alias !== undefined) BY_NAME.set(d.alias, d);
}

/** A directive by any name or alias, case-insensitively. */
export function findDirective(name: string): Directive | undefined {
  return BY_NAME.get(name) ?? BY_NAME.get(name.toLowerCase());
}

/** Every name CONFIG GET may list (primary names and aliases), in table order. */
export function* directiveNames(): IterableIterator<[string, Directive]> {
  for (const d of DIRECTIVES) {
    yield [d.name, d];
    if (d.alias !== undefined) yield [d.alias, d];
  }
}
