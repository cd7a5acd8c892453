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
import type { Connection, SessionSink } from '../net/connection.js';
import { Listener } from '../net/listener.js';
import { PubSub } from '../pubsub/registry.js';
import { Err } from '../resp/errors.js';
import { Client } from '../session/client.js';
import { ClientRegistry } from '../session/client-registry.js';
import { Config } from './config.js';
import { Introspection } from './introspection.js';
import { Logger } from './log.js';
import type { ServerStats } from './stats.js';

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
  readonly startTime = Date.now();
  /** Path of the config file given at startup ('' when none); set by the config loader. */
  configFile = '';
  /** Stats, slowlog, latency, MONITOR and DEBUG services (INFO and friends). */
  readonly introspection: Introspection;
  /** Pub/sub registry and keyspace notifications. */
  readonly pubsub: PubSub;
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
        notify: (cls, event, key, db) => this.pubsub.notifyKeyspace(cls, event, key, db),
        expired: (db, key) => this.propagator.add(db.index, ['DEL', key]),
        expiryPolicy: () => 'delete',
      },
      () => Err.wrongType(),
    );
    this.introspection = new Introspection(this, REDIS_COMPAT_VERSION, NODIS_VERSION);
    this.dispatcher = new Dispatcher(this);
    this.dispatcher.addGate(this.introspection.monitorGate);
    this.dispatcher.addGate({
      check: (client, cmd) =>
        !client.authenticated && !cmd.flags.has('no_auth') && this.authRequired() ? Err.noAuth() : null,
    });
    this.pubsub = new PubSub(this);
    this.dispatcher.addGate(this.pubsub.subscribedModeGate);
    this.listener = new Listener((conn) => this.accept(conn));
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

  // ---- sessions ----

  private accept(conn: Connection): void {
    if (this.closed) {
      conn.close();
      return;
    }
    const client = new Client(this.clients.allocateId(), conn, (text) => this.countError(text));
    if (this.clients.size >= this.config.num('maxclients')) {
      this.clients.rejectedConnections++;
      conn.write(`-${Err.maxClients().text}\r\n`);
      conn.closeAfterWrite();
      return;
    }
    client.authenticated = !this.authRequired();
    this.clients.add(client);
    const sink: SessionSink = {
      limits: {
        maxBulkLen: this.config.num('proto-max-bulk-len'),
        authRequired: () => !client.authenticated && this.authRequired(),
      },
      commands: (batch) => this.receive(client, batch),
      received: (bytes) => { this.stats.netInputBytes += bytes; },
      protocolError: (what) => {
        client.reply.error(Err.protocol(what).text);
        this.log('verbose', `Protocol error (${what}) from client: ${this.describeClient(client)}`);
        client.closeAfterReply = true;
        this.endBatch(client);
      },
      queryBuffer: (bytes) => {
        if (bytes > this.config.num('client-query-buffer-limit')) {
          this.log('warning', `Closing client that reached max query buffer length: ${this.describeClient(client)}`);
          this.disconnect(client);
        }
      },
      closed: () => this.disconnect(client),
    };
    conn.attach(sink);
  }

  /** A batch of commands from one read: run them in order, then write the replies once. */
  private receive(client: Client, batch: string[][]): void {
    if (client.closing) return;
    client.lastInteraction = Date.now();
    const start = performance.now();
    for (let i = 0; i < batch.length; i++) {
      if (client.closing || client.closeAfterReply) break;
      this.runOne(client, batch[i]!);
    }
    this.endBatch(client);
    this.stats.eventLoopCycles++;
    this.stats.eventLoopUsecSum += (performance.now() - start) * 1000;
  }

  private runOne(client: Client, argv: string[]): void {
    const mark = client.replyMode === 'on' ? 0 : client.reply.mark();
    const modeBefore = client.replyMode;
    this.pubsub.current = client;
    this.dispatcher.execute(client, argv);
    if (modeBefore !== 'on') {
      client.reply.rewind(mark);
      if (modeBefore === 'skip' && client.replyMode === 'skip') client.replyMode = 'on';
    }
    this.pubsub.afterCommand(client);
  }

  private endBatch(client: Client): void {
    const out = client.reply.pendingBytes;
    if (out > 0) {
      this.stats.netOutputBytes += out;
      this.stats.writes++;
    }
    client.flush();
    if (client.closeAfterReply && !client.closing) {
      client.closing = true;
      client.transport.closeAfterWrite();
    }
  }

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
    for (const c of this.toFlush) if (!c.closing) this.endBatch(c);
    this.toFlush.clear();
  }

  disconnect(client: Client): void {
    if (!this.clients.get(client.id)) return;
    client.closing = true;
    this.clients.remove(client);
    this.introspection.clientGone(client);
    this.pubsub.forget(client);
    client.transport.close();
  }

  describeClient(c: Client): string {
    return `id=${c.id} addr=${c.transport.remoteAddress} laddr=${c.transport.localAddress} name=${c.name}`;
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

  private countError(text: string): void {
    this.stats.countError(text);
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
    if (this.introspection.debug.pauseCron) return;
    this.introspection.cron(Date.now());
    const timeout = this.config.num('timeout');
    if (timeout > 0) {
      const now = Date.now();
      for (const c of this.clients) {
        if (now - c.lastInteraction > timeout * 1000) {
          this.log('verbose', 'Closing idle client');
          this.disconnect(c);
        }
      }
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.cronTimer) clearInterval(this.cronTimer);
    await this.listener.close();
    for (const c of [...this.clients]) this.disconnect(c);
  }
}
