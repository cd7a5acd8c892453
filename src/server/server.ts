// The Server wires every subsystem together and owns the lifecycle: config, keyspace, command
// table, dispatcher, propagation, clients, listeners and the cron. It is the only module that
// knows them all; each of them knows only the interfaces it is given.

import type { Command } from '../commands/table.js';
import { CommandTable } from '../commands/table.js';
import { ALL_FAMILIES } from '../commands/index.js';
import { call, type ExecHost } from '../exec/call.js';
import type { LogLevel } from '../exec/context.js';
import { Dispatcher } from '../exec/dispatcher.js';
import { Propagator } from '../exec/propagate.js';
import { Keyspace } from '../keyspace/keyspace.js';
import { Listener } from '../net/listener.js';
import { Err } from '../resp/errors.js';
import { Client } from '../session/client.js';
import { ClientRegistry } from '../session/client-registry.js';
import { Config } from './config.js';
import { Logger } from './log.js';
import { Sessions } from './sessions.js';

export const NODIS_VERSION = '0.1.0';
/** The Redis version nodis reports (redis_version): clients feature-detect on it. */
export const REDIS_COMPAT_VERSION = '7.2.4';

export interface ServerStats {
  numCommands: number;
  totalErrorReplies: number;
  errorCodes: Map<string, number>;
  netInputBytes: number;
  netOutputBytes: number;
}

export class Server implements ExecHost {
  readonly config: Config;
  readonly log_: Logger;
  readonly ks: Keyspace;
  readonly table: CommandTable;
  readonly clients = new ClientRegistry();
  readonly propagator = new Propagator();
  readonly dispatcher: Dispatcher;
  readonly sessions: Sessions;
  readonly redisVersion = REDIS_COMPAT_VERSION;
  readonly startTime = Date.now();
  readonly stats: ServerStats = {
    numCommands: 0, totalErrorReplies: 0, errorCodes: new Map(), netInputBytes: 0, netOutputBytes: 0,
  };
  private readonly listener: Listener;
  private cronTimer: NodeJS.Timeout | null = null;
  /** Clients with replies written outside their own read batch, flushed once per loop turn. */
  private readonly toFlush = new Set<Client>();
  private flushScheduled = false;
  private closed = false;

  constructor(config: Config, logger: Logger) {
    this.config = config;
    this.log_ = logger;
    this.table = new CommandTable(ALL_FAMILIES);
    this.ks = new Keyspace(
      config.num('databases'),
      {
        keyChanged: () => {},
        notify: () => {},
        expired: (db, key) => this.propagator.add(db.index, ['DEL', key]),
        expiryPolicy: () => this.sessions.pause.expiryPolicy(),
      },
      () => Err.wrongType(),
    );
    this.dispatcher = new Dispatcher(this);
    this.dispatcher.addGate({
      check: (client, cmd) =>
        !client.authenticated && !cmd.flags.has('no_auth') && this.authRequired() ? Err.noAuth() : null,
    });
    this.sessions = new Sessions(this);
    this.listener = new Listener((conn) => this.sessions.accept(conn));
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

  async listen(portOverride?: number): Promise<void> {
    const c = this.config;
    await this.listener.listen({
      bind: c.str('bind').split(/\s+/).filter(Boolean),
      port: portOverride ?? c.num('port'),
      backlog: c.num('tcp-backlog'),
      unixSocket: c.str('unixsocket'),
      unixSocketPerm: c.num('unixsocketperm'),
      tcpKeepAlive: c.num('tcp-keepalive'),
    });
    this.startCron();
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
    for (const c of this.toFlush) if (!c.closing) this.sessions.endBatch(c);
    this.toFlush.clear();
  }

  disconnect(client: Client): void {
    this.sessions.disconnect(client);
  }

  get closing(): boolean {
    return this.closed;
  }

  describeClient(c: Client): string {
    return this.sessions.describe(c);
  }

  // ---- ExecHost ----

  afterCall(_client: Client, _cmd: Command, _argv: readonly string[], _usec: number, _failed: boolean): void {}

  internalError(cmd: Command, e: unknown): string {
    const msg = e instanceof Error ? (e.stack ?? e.message) : String(e);
    this.log('warning', `Internal error in '${cmd.fullName}': ${msg}`);
    return `ERR internal error in '${cmd.fullName}'`;
  }

  countError(text: string): void {
    this.stats.totalErrorReplies++;
    const sp = text.indexOf(' ');
    const code = sp === -1 ? text : text.slice(0, sp);
    this.stats.errorCodes.set(code, (this.stats.errorCodes.get(code) ?? 0) + 1);
  }

  /** Runs a command as an internal client (tests, scripts later): exposed for embedding. */
  callInternal(client: Client, argv: string[]): void {
    const cmd = this.dispatcher.resolve(argv);
    call(this, client, cmd, argv);
  }

  // ---- cron ----

  private startCron(): void {
    const hz = Math.max(1, Math.min(500, this.config.num('hz')));
    this.cronTimer = setInterval(() => this.cron(), Math.floor(1000 / hz));
    this.cronTimer.unref();
  }

  private cron(): void {
    this.sessions.cron(Date.now());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.cronTimer) clearInterval(this.cronTimer);
    await this.listener.close();
    this.sessions.close();
  }
}
