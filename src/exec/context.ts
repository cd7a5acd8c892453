// What a command handler sees: its arguments, its client's session, the keyspace, a reply
// writer, the server services it may use, and the three ways to shape propagation.
// ServerApi is an interface so that commands never import server/ (the import rule).

import type { Command, CommandTable } from '../commands/table.js';
import type { Db } from '../keyspace/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { Err, type CommandError } from '../resp/errors.js';
import type { Reply } from '../resp/reply.js';
import type { Client } from '../session/client.js';
import type { PubSub } from '../pubsub/registry.js';
import type { ClientRegistry } from '../session/client-registry.js';
import type { SessionControl } from '../session/control.js';
import { parseDouble, parseInt64, parseIntNumber } from '../util/numbers.js';
import type { Blocking } from './blocking.js';
import type { Propagator } from './propagate.js';
import type { IntrospectionApi } from './introspection.js';
import type { PrimaryApi, ReplicationApi } from './replication-api.js';
import type { PersistenceApi } from './persistence-api.js';
import type { Tracking } from '../tracking/tracking.js';

/** Configuration as commands see it (server/config.ts implements it). */
export interface ConfigApi {
  /** The current value of a directive as CONFIG GET prints it, or undefined if unknown. */
  get(name: string): string | undefined;
  /** A numeric directive's value (memory sizes already in bytes, booleans as 0/1). */
  num(name: string): number;
  bool(name: string): boolean;
  /** Name/value pairs of every directive matching any of the glob patterns (CONFIG GET). */
  match(patterns: readonly string[]): [string, string][];
  /** Sets several directives atomically; returns the full error reply text or null. */
  set(pairs: readonly [string, string][], context?: ConfigSetContext): string | null;
  /** Writes the configuration back to its file (CONFIG REWRITE); returns the error to reply or null. */
  rewrite(): string | null;
  /** True when the server was started with a config file (CONFIG REWRITE needs one). */
  readonly configFile: string | null;
  /** Whether a protected action is allowed: enable-protected-configs / -debug- / -module-command. */
  allows(directive: string, local: boolean): boolean;
}

/** Who is asking for a CONFIG SET: protected configs may be allowed for local clients only. */
export interface ConfigSetContext {
  local: boolean;
}

/** SHUTDOWN's options (shutdown-on-sigterm / -sigint use the same flags). */
export interface ShutdownRequest {
  save: boolean;
  nosave: boolean;
  now: boolean;
  force: boolean;
}

export type LogLevel = 'debug' | 'verbose' | 'notice' | 'warning';

/** The append-only file as commands see it (persistence/aof/service.ts implements it). */
export interface AofApi {
  /** BGREWRITEAOF: starts a rewrite now, or says why not. */
  bgrewrite(): 'started' | 'scheduled' | 'in-progress' | 'error';
}

/** The server services available to commands. */
export interface ServerApi {
  readonly ks: Keyspace;
  readonly table: CommandTable;
  readonly clients: ClientRegistry;
  readonly config: ConfigApi;
  readonly propagator: Propagator;
  log(level: LogLevel, message: string): void;
  /** INFO, SLOWLOG, LATENCY, MEMORY, MONITOR and DEBUG services (server/introspection.ts). */
  readonly introspection: IntrospectionApi;
  /** CONFIG RESETSTAT: zeroes every statistic INFO reports (not the slowlog). */
  resetStats(): void;
  /**
   * SHUTDOWN: returns null when the server is going down (the caller's connection closes with
   * it), or the error to reply when it refused (a final save that could not be written).
   */
  shutdown(req: ShutdownRequest): CommandError | null;
  /** SHUTDOWN ABORT: cancels a shutdown waiting for replicas; false when none is in progress. */
  abortShutdown(): boolean;
  /** CLIENT KILL / PAUSE and the other session services (server/sessions.ts). */
  readonly sessions: SessionControl;
  /** The Redis version nodis reports (HELLO, INFO redis_version). */
  readonly redisVersion: string;
  /** Pub/sub subscriptions and publishing (pubsub/registry.ts). */
  readonly pubsub: PubSub;
  /** MULTI / EXEC / DISCARD / WATCH / UNWATCH (exec/multi.ts). */
  readonly transactions: TransactionsApi;
  /** BGREWRITEAOF and the other append-only file services. */
  readonly aof: AofApi;
  /** REPLICAOF, ROLE and the other replication services (replication/replica.ts). */
  readonly replication: ReplicationApi;
  /** Parking of blocking commands and CLIENT UNBLOCK (exec/blocking.ts). */
  readonly blocking: Blocking;
  /** SAVE, BGSAVE, LASTSAVE and DEBUG RELOAD (server/persistence.ts). */
  readonly persistence: PersistenceApi;
  /** Client-side caching: CLIENT TRACKING state and invalidations (tracking/tracking.ts). */
  readonly tracking: Tracking;
  /** SYNC, PSYNC, REPLCONF and WAIT: serving replicas (replication/primary.ts). */
  readonly primary: PrimaryApi;
}

/** The transaction services commands use (exec/multi.ts implements them). */
export interface TransactionsApi {
  /** True while the commands queued by MULTI run inside EXEC. */
  readonly inExec: boolean;
  multi(ctx: Ctx): void;
  exec(ctx: Ctx): void;
  discard(ctx: Ctx): void;
  watch(ctx: Ctx): void;
  unwatch(ctx: Ctx): void;
}

export class Ctx {
  private propagateOverride: readonly string[] | null = null;
  private propagationPrevented = false;

  constructor(
    readonly server: ServerApi,
    readonly client: Client,
    readonly cmd: Command,
    readonly argv: string[],
    readonly reply: Reply,
  ) {}

  get ks(): Keyspace {
    return this.server.ks;
  }

  /** True inside MULTI/EXEC (or a script): a nested call, where a command may never block. */
  get inTransaction(): boolean {
    return this.server.propagator.depth > 1;
  }

  /** The client's selected database. */
  get db(): Db {
    return this.server.ks.dbs[this.client.dbIndex]!;
  }

  get argc(): number {
    return this.argv.length;
  }

  arg(i: number): string {
    return this.argv[i]!;
  }

  /** The arguments from index i on. */
  argsFrom(i: number): string[] {
    return this.argv.slice(i);
  }

  /** An integer argument in the int64 range, as a number (ERR not an integer otherwise). */
  int(i: number): number {
    const v = parseIntNumber(this.argv[i]!);
    if (v === null) throw Err.notInteger();
    return v;
  }

  /** An exact int64 argument (bigint past 2^53). */
  int64(i: number): number | bigint {
    const v = parseInt64(this.argv[i]!);
    if (v === null) throw Err.notInteger();
    return v;
  }

  /** A double argument (ERR not a valid float otherwise). */
  double(i: number): number {
    const v = parseDouble(this.argv[i]!);
    if (v === null) throw Err.notFloat();
    return v;
  }

  /** Case-insensitive comparison of argument i with an (uppercase) keyword. */
  is(i: number, keyword: string): boolean {
    const a = this.argv[i];
    return a !== undefined && a.length === keyword.length && a.toUpperCase() === keyword;
  }

  // ---- effects ----

  /** Propagate this argv instead of the command as received. */
  propagateAs(argv: readonly string[]): void {
    this.propagateOverride = argv;
  }

  /** Propagate an additional command (before the command's own effect). */
  alsoPropagate(argv: readonly string[], dbIndex = this.client.dbIndex): void {
    this.server.propagator.add(dbIndex, argv);
  }

  /** Do not propagate the command itself (its alsoPropagate effects still go). */
  noPropagate(): void {
    this.propagationPrevented = true;
  }

  /** Argument positions to hide from MONITOR and SLOWLOG (passwords), or null. */
  private redactedArgs: number[] | null = null;

  /** Shows argument i as "(redacted)" in MONITOR and SLOWLOG (AUTH, HELLO AUTH, MIGRATE AUTH). */
  redact(i: number): void {
    (this.redactedArgs ??= []).push(i);
  }

  /** The arguments as MONITOR and SLOWLOG show them (read by call()). */
  shownArgv(): readonly string[] {
    if (this.redactedArgs === null) return this.argv;
    const shown = this.argv.slice();
    for (const i of this.redactedArgs) if (i < shown.length) shown[i] = '(redacted)';
    return shown;
  }

  /** The command's own effect, or null (read by call() after the handler returns). */
  ownEffect(): readonly string[] | null {
    if (this.propagationPrevented) return null;
    return this.propagateOverride ?? this.argv;
  }
}
