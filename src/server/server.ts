// The Server wires every subsystem together and owns the lifecycle: config, keyspace, command
// table, dispatcher, propagation, clients, listeners and the cron. It is the only module that
// knows them all; each of them knows only the interfaces it is given.

import type { Command } from '../commands/table.js';
import { CommandTable } from '../commands/table.js';
import { ALL_FAMILIES } from '../commands/index.js';
import { Blocking } from '../exec/blocking.js';
import { call, type ExecHost } from '../exec/call.js';
import { ExecClock } from '../exec/clock.js';
import type { LogLevel, ShutdownRequest } from '../exec/context.js';
import { Dispatcher } from '../exec/dispatcher.js';
import { Transactions } from '../exec/multi.js';
import { Propagator } from '../exec/propagate.js';
import { Watches } from '../exec/watch.js';
import { Keyspace } from '../keyspace/keyspace.js';
import { Listener } from '../net/listener.js';
import { PubSub } from '../pubsub/registry.js';
import { Err, type CommandError } from '../resp/errors.js';
import { Client } from '../session/client.js';
import { ClientRegistry } from '../session/client-registry.js';
import { replicationInfoFields } from '../replication/info.js';
import { ReplicaRole } from '../replication/replica.js';
import { replicaGate } from '../replication/replica-gates.js';
import { ReplicationState } from '../replication/state.js';
import { PrimaryRole } from '../replication/primary.js';
import { Config } from './config.js';
import { Introspection } from './introspection.js';
import { resetServerStats, wireConfig } from './config-wiring.js';
import { Logger } from './log.js';
import { Persistence, type ReplSaveInfo } from './persistence.js';
import type { Snapshot, SnapshotSink } from '../persistence/snapshot.js';
import type { BaseEncoder } from '../persistence/aof/image.js';
import { Sessions } from './sessions.js';
import { AofService } from '../persistence/aof/service.js';
import { AofReplayer } from '../persistence/aof/replay.js';
import type { AuxFields } from '../persistence/rdb/writer.js';
import { resolve as resolvePath } from 'node:path';
import type { ServerStats } from './stats.js';
import { Tracking } from '../tracking/tracking.js';

export const NODIS_VERSION = '0.1.0';
/** The Redis version nodis reports (redis_version): clients feature-detect on it. */
export const REDIS_COMPAT_VERSION = '7.2.4';

export class Server implements ExecHost {
  readonly config: Config;
  readonly log_: Logger;
  readonly ks: Keyspace;
  readonly table: CommandTable;
  readonly clients = new ClientRegistry();
  readonly propagator = new Propagator();
  readonly dispatcher: Dispatcher;
  readonly sessions: Sessions;
  readonly pubsub: PubSub;
  /** The client whose command is running (Redis's current_client), set by call(). */
  currentClient: Client | null = null;
  /** Run after each client command once its reply is written; set only while needed. */
  afterCommand: ((c: Client) => void) | null = null;
  /** MULTI/EXEC and WATCH (exec/multi.ts, exec/watch.ts). */
  readonly transactions: Transactions;
  /** Clients parked by blocking commands (exec/blocking.ts). */
  readonly blocking: Blocking;
  readonly redisVersion = REDIS_COMPAT_VERSION;
  readonly startTime = Date.now();
  /** Path of the config file given at startup ('' when none); set by the config loader. */
  configFile = '';
  /** Stats, slowlog, latency, MONITOR and DEBUG services (INFO and friends). */
  readonly introspection: Introspection;
  private readonly listener: Listener;
  private cronTimer: NodeJS.Timeout | null = null;
  /** Clients with replies written outside their own read batch, flushed once per loop turn. */
  private readonly toFlush = new Set<Client>();
  private flushScheduled = false;
  private closed = false;
  /** Statistics of other subsystems that CONFIG RESETSTAT zeroes (they register a resetter). */
  readonly statResetters: (() => void)[] = [];
  /** The append-only file (persistence/aof/): loading, writing, rewrites. */
  readonly aof: AofService;
  /** Replication ids, backlog and offset, shared by the replica side and the primary side. */
  readonly repl: ReplicationState;
  /** REPLICAOF, the link to our primary, ROLE (replication/replica.ts). */
  readonly replication: ReplicaRole;
  /** RDB persistence: SAVE/BGSAVE, save points, startup loading (server/persistence.ts). */
  readonly persistence: Persistence;
  /** SYNC/PSYNC serving, replicas, WAIT, min-replicas (replication/primary.ts). */
  readonly primary: PrimaryRole;
  /** Set by the lifecycle (server/lifecycle.ts): carries out SHUTDOWN. */
  shutdownHandler: ((req: ShutdownRequest) => CommandError | null) | null = null;
  /** Client-side caching: tracked keys, BCAST prefixes, invalidations (tracking/tracking.ts). */
  readonly tracking: Tracking;
  /** Clock readings shared by the commands of a session batch (exec/clock.ts). */
  readonly clock = new ExecClock();

  constructor(config: Config, logger: Logger) {
    this.config = config;
    this.log_ = logger;
    this.table = new CommandTable(ALL_FAMILIES);
    this.ks = new Keyspace(
      config.num('databases'),
      {
        keyChanged: (db, key) => {
          this.transactions.watches.keyChanged(db, key);
          this.blocking.keyChanged(db.index, key);
          if (this.tracking.armed) this.tracking.keyChanged(key);
        },
        notify: (cls, event, key, db) => this.pubsub.notifyKeyspace(cls, event, key, db),
        expired: (db, key) => this.propagator.add(db.index, [this.config.bool('lazyfree-lazy-expire') ? 'UNLINK' : 'DEL', key]),
        expiryPolicy: () => this.replication.expiryPolicy() ?? this.sessions.pause.expiryPolicy(),
        flushing: (db) => this.transactions.watches.flushing(db),
        flushed: (dbIndex) => {
          this.blocking.flushed(dbIndex);
          this.tracking.flushed();
        },
        swapped: (a, b) => {
          this.transactions.watches.swapped(a, b);
          this.blocking.swapped(a, b);
        },
      },
      () => Err.wrongType(),
      config.bool('cluster-enabled'),
    );
    this.tracking = new Tracking(this);
    this.clients.onClose((c) => this.tracking.disable(c));
    this.clients.onReset((c) => this.tracking.disable(c));
    this.tracking.maxKeys = config.num('tracking-table-max-keys');
    config.onApply(['tracking-table-max-keys'], () => {
      this.tracking.maxKeys = config.num('tracking-table-max-keys');
      // Over the new limit: evict in the next beforeSleep, as Redis checks every turn.
      this.requestFlush();
    });
    this.introspection = new Introspection(this, REDIS_COMPAT_VERSION, NODIS_VERSION);
    this.statResetters.push(() => this.introspection.resetStats());
    this.syncKeyspaceConfig();
    config.onApply(['maxmemory-policy', 'lfu-log-factor', 'lfu-decay-time'], () => this.syncKeyspaceConfig());
    this.dispatcher = new Dispatcher(this);
    this.dispatcher.addGate(this.introspection.monitorGate);
    this.dispatcher.addGate({
      check: (client, cmd) =>
        !client.authenticated && !cmd.flags.has('no_auth') && this.authRequired() ? Err.noAuth() : null,
    });
    this.transactions = new Transactions(this, new Watches(this.ks), (c, argv) => {
      if (this.introspection.monitors.size > 0) this.introspection.monitors.feed(c, c.dbIndex, argv);
    });
    this.dispatcher.addGate(this.transactions.gate);
    this.dispatcher.transactions = this.transactions;
    this.clients.onReset((c) => this.transactions.forget(c));
    this.clients.onClose((c) => this.transactions.forget(c));
    this.pubsub = new PubSub(this);
    this.dispatcher.addGate(this.pubsub.subscribedModeGate);
    const syncNotifying = () => { this.ks.notifying = this.pubsub.notifying; };
    syncNotifying();
    config.onApply(['notify-keyspace-events'], syncNotifying);
    this.clients.onClose((c) => this.pubsub.forget(c));
    this.clients.onReset((c) => this.pubsub.forget(c));
    this.persistence = new Persistence(this);
    this.dispatcher.addGate(this.persistence.misconfGate);
    this.dispatcher.addGate(this.persistence.loadingGate);
    this.sessions = new Sessions(this);
    this.sessions.pause.execMayReplicate = (c) => this.transactions.mayReplicate(c);
    this.aof = new AofService(this, new AofReplayer(this, this.table));
    // One background job at a time, as Redis allows one child: BGSAVE waits for a rewrite.
    this.persistence.otherChildActive = () => this.aof.rewriting;
    // Writes (and PING) are refused while the AOF cannot be written, as Redis's MISCONF.
    this.dispatcher.addGate({
      check: (_client, cmd) => {
        const e = this.aof.writeError;
        return e !== null && (cmd.flags.has('write') || cmd.name === 'ping') ? Err.aofWriteError(e) : null;
      },
    });
    this.repl = new ReplicationState(this.propagator, () => config.num('repl-backlog-size'));
    this.replication = new ReplicaRole(this, this.repl);
    this.primary = new PrimaryRole(this, this.repl);
    // Snapshots (SAVE, BGSAVE, full syncs) record the history and offset of the moment they start;
    // a restart from dump.rdb continues that history, so replicas resync partially.
    this.persistence.replInfo = () => this.replSaveInfo();
    this.persistence.restoreReplication = (id, offset) => {
      if (!this.replication.isReplica) this.repl.restoreFromRdb(id, offset);
    };
    this.dispatcher.addGate(this.primary.waits.gate());
    this.dispatcher.addGate(replicaGate(this.replication, this.ks, config));
    config.onApply(['repl-backlog-size'], () => this.repl.resize());
    // WAITAOF (Redis 7.2): AOF fsyncs are tracked by replication offset, reported by replicas.
    this.repl.aofOn = () => this.aof.state !== 'off';
    this.repl.isReplica = () => this.replication.isReplica;
    config.onApply(['appendonly'], () => this.repl.syncCounter());
    this.aof.replOffset = () => this.repl.offset;
    this.aof.fsyncedMoved = () => {
      if (this.replication.isReplica) this.replication.fsyncMoved();
      else this.primary.localFsyncMoved();
    };
    this.primary.localFsynced = () => this.aof.fsyncedReploff;
    this.replication.fsyncedOffset = () => this.aof.fsyncedReploff;
    this.replication.restartAof = () => this.aof.restartAfterSync();
    if (config.str('replicaof') !== '') this.replication.configure(config.str('replicaof'));
    this.blocking = this.createBlocking();
    this.clients.onClose((c) => this.blocking.clientClosed(c));
    this.clients.onClose((c) => this.introspection.clientGone(c));
    this.listener = new Listener((conn) => this.sessions.accept(conn));
    wireConfig(this);
  }

  get stats(): ServerStats {
    return this.introspection.stats;
  }

  /** The bound TCP port (useful when started with port 0). */
  get port(): number {
    return this.listener.port;
  }

  log(level: LogLevel, message: string): void {
    this.log_.log(level, message);
  }

  authRequired(): boolean {
    return this.config.str('requirepass') !== '';
  }

  /** Listens on the configured addresses; `tcp: false` (port 0 in redis.conf) listens on none. */
  async listen(portOverride?: number, tcp = true): Promise<void> {
    const c = this.config;
    await this.listener.listen({
      bind: tcp ? c.str('bind').split(/\s+/).filter(Boolean) : [],
      port: portOverride ?? c.num('port'),
      backlog: c.num('tcp-backlog'),
      unixSocket: c.str('unixsocket'),
      unixSocketPerm: c.num('unixsocketperm'),
      tcpKeepAlive: c.num('tcp-keepalive'),
    });
    this.startCron();
    this.replication.start();
  }

  // ---- sessions (server/sessions.ts) ----

  /** Replies written to a client outside its own batch (pub/sub, unblocking) leave at turn end. */
  scheduleFlush(client: Client): void {
    this.toFlush.add(client);
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.beforeSleep());
  }

  /** Work Redis does in beforeSleep: one place, once per event-loop turn. */
  private beforeSleep(): void {
    this.flushScheduled = false;
    // The AOF is written before any reply of this turn leaves (Redis's beforeSleep order).
    this.aof.beforeSleep();
    // BCAST invalidations and tracking-table-max-keys evictions join this turn's output.
    this.tracking.beforeSleep();
    this.primary.beforeSleep();
    this.inBeforeSleep = true;
    for (const c of this.toFlush) if (!c.closing) this.sessions.endBatch(c);
    this.toFlush.clear();
    this.inBeforeSleep = false;
  }

  // ---- AOF (persistence/aof/service.ts) ----

  private inBeforeSleep = false;

  /**
   * Sessions ask before sending a client's replies: while AOF data of this turn is unwritten the
   * replies wait for beforeSleep, which writes (and with appendfsync always, fsyncs) it once for
   * every client of the turn.
   */
  holdReplies(client: Client): boolean {
    if (this.inBeforeSleep || !this.aof.holdsReplies) return false;
    this.scheduleFlush(client);
    return true;
  }

  /** Replies about to leave in the middle of a batch: write the AOF first. */
  settleReplies(): void {
    if (this.aof.holdsReplies) this.aof.beforeSleep();
  }

  /** The AOF writer buffered data: make sure beforeSleep runs this turn. */
  requestFlush(): void {
    if (this.flushScheduled) return;
    this.flushScheduled = true;
    setImmediate(() => this.beforeSleep());
  }

  aofInfo(): [string, string | number][] {
    return this.aof.infoFields();
  }

  /** `dir`, where relative persistence paths start. */
  workDir(): string {
    return resolvePath(this.config.str('dir') || this.config.cwd);
  }

  /**
   * Aux fields of RDB files this server writes. With a backlog (a primary that had replicas, or
   * a replica) they name the history and offset, so that a restart from the file can continue
   * it (ReplicationState.restoreFromRdb) and replicas of the previous run resync partially.
   */
  rdbAux(): AuxFields {
    const aux: AuxFields = {
      redisVer: REDIS_COMPAT_VERSION,
      redisBits: 64,
      ctime: Math.floor(Date.now() / 1000),
      usedMem: process.memoryUsage().heapUsed,
      aofBase: 0,
    };
    const p = this.replication.primary;
    if (this.repl.buffer !== null || p !== null) {
      aux.replStreamDb = p !== null ? p.client.dbIndex : Math.max(0, this.repl.streamDb);
      aux.replId = this.repl.ids.replid;
      aux.replOffset = this.repl.offset;
    }
    return aux;
  }

  /** What a snapshot taken now records of replication (as rdbAux), or null without a history. */
  private replSaveInfo(): ReplSaveInfo | null {
    const p = this.replication.primary;
    if (this.repl.buffer === null && p === null) return null;
    return { streamDb: p !== null ? p.client.dbIndex : Math.max(0, this.repl.streamDb), replId: this.repl.ids.replid, offset: this.repl.offset };
  }

  // ---- point-in-time images (persistence/snapshot.ts through server/persistence.ts) ----

  /** An AOF rewrite's image: a forkless snapshot into its temp file. */
  imageSnapshot(sinks: readonly SnapshotSink[], encoder: BaseEncoder): Snapshot {
    return this.persistence.snapshot(sinks, { encoder });
  }

  /** A BGSAVE or a socket image for replicas is running (an AOF rewrite waits for it). */
  rdbJobActive(): boolean {
    return this.persistence.rdbJobActive;
  }

  /** Any background job: the RDB job or an AOF rewrite (a new full-sync image waits). */
  backgroundJobActive(): boolean {
    return this.persistence.rdbJobActive || this.aof.rewriting;
  }

  startDiskImage(sinks: readonly SnapshotSink[], rdbVersion: number): boolean {
    return this.persistence.startBgsave(sinks, { rdbVersion });
  }

  startSocketImage(sinks: readonly SnapshotSink[], rdbVersion: number, withoutData: boolean): Snapshot {
    return this.persistence.startSocketImage(sinks, { rdbVersion, withoutData });
  }

  /** Runs a parked client's queued commands again (WAIT answered). */
  resume(client: Client): void {
    this.sessions.resume(client);
  }

  disconnect(client: Client): void {
    this.sessions.disconnect(client);
  }

  get closing(): boolean {
    return this.closed;
  }

  describeClient(c: Client): string {
    return `id=${c.id} addr=${c.transport.remoteAddress} laddr=${c.transport.localAddress} name=${c.name}`;
  }

  private createBlocking(): Blocking {
    const propagator = this.propagator;
    return new Blocking({
      ks: this.ks,
      get depth() { return propagator.depth; },
      rerun: (client, argv) => this.sessions.runParked(client, argv),
      resume: (client) => this.sessions.resume(client),
      commandEnded: (client, cmd, argv, usec) => this.introspection.afterCall(client, cmd, argv, usec, client.dbIndex, false),
      feedMonitor: (client, cmd, argv) => this.introspection.feedMonitor(client, cmd, argv, client.dbIndex),
    }, this.ks.dbs.length);
  }

  // ---- ExecHost ----

  afterCall(client: Client, cmd: Command, argv: readonly string[], usec: number, _failed: boolean): void {
    this.introspection.afterCall(client, cmd, argv, usec, client.dbIndex);
  }

  internalError(cmd: Command, e: unknown): string {
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.log('warning', `Internal error in '${cmd.fullName}': ${msg}`);
    return `ERR internal error in '${cmd.fullName}'`;
  }

  countError(text: string): void {
    this.stats.countError(text);
  }

  /** Runs a command as an internal client (tests, scripts later): exposed for embedding. */
  callInternal(client: Client, argv: string[]): void {
    const cmd = this.dispatcher.resolve(argv);
    call(this, client, cmd, argv);
  }

  // ---- replication (replication/replica.ts) ----

  logRole(role: 'M' | 'S'): void {
    this.log_.role = role;
  }

  /** INFO replication, from the replication state. */
  replicationInfo(): [string, string | number][] {
    return replicationInfoFields(this.replication, this.repl, this.config, Date.now(), this.primary);
  }

  get asyncLoading(): boolean {
    return this.replication.asyncLoading;
  }

  // ---- config area: CONFIG RESETSTAT, SHUTDOWN ----

  resetStats(): void {
    resetServerStats(this);
  }

  shutdown(req: ShutdownRequest): CommandError | null {
    return this.shutdownHandler === null ? Err.shutdownFailed() : this.shutdownHandler(req);
  }

  /** Nothing waits for replicas before exiting yet, so there is never a shutdown to abort. */
  abortShutdown(): boolean {
    return false;
  }

  // ---- cron ----

  /** Restarts the cron at the configured hz (CONFIG SET hz). */
  restartCron(): void {
    if (this.cronTimer === null) return;
    clearInterval(this.cronTimer);
    this.startCron();
  }

  private startCron(): void {
    const hz = Math.max(1, Math.min(500, this.config.num('hz')));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  /** Mirrors the directives the keyspace reads on its hot paths. */
  private syncKeyspaceConfig(): void {
    const ks = this.ks;
    ks.lfu = this.config.str('maxmemory-policy').endsWith('-lfu');
    ks.lfuLogFactor = this.config.num('lfu-log-factor');
    ks.lfuDecayTime = this.config.num('lfu-decay-time');
  }

  private cron(): void {
    if (this.introspection.debug.pauseCron) return;
    this.introspection.cron(Date.now());
    this.ks.activeExpire.cycle('slow', Math.max(1, this.config.num('hz')), this.config.num('active-expire-effort'));
    // activerehashing: a key table resize in progress advances by 1 ms per cron run, one db at a
    // time, as Redis does; commands move entries as well, this finishes it on an idle server.
    if (this.config.bool('activerehashing')) {
      for (const db of this.ks.dbs) if (db.rehashFor(1)) break;
    }
    this.sessions.cron(Date.now());
    this.aof.cron();
    this.replication.cron(Date.now());
    this.persistence.cron(Date.now());
    this.primary.cron(Date.now());
  }

  /** INFO stats sync_* and INFO memory's replication buffers. */
  replicationStats(): { syncFull: number; syncPartialOk: number; syncPartialErr: number; buffers: number; clientsSlaves: number } {
    const p = this.primary;
    return {
      syncFull: p.syncFull, syncPartialOk: p.syncPartialOk, syncPartialErr: p.syncPartialErr,
      buffers: this.repl.buffer?.memoryBytes ?? 0, clientsSlaves: p.clientsMemory,
    };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.cronTimer) clearInterval(this.cronTimer);
    this.persistence.close();
    // Listening sockets finish closing only once their connections are gone: drop clients first.
    const listenersClosed = this.listener.close();
    this.replication.close();
    this.primary.close();
    this.sessions.close();
    this.aof.close();
    this.blocking.close();
    await listenersClosed;
  }
}
