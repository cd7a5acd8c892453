// The session layer's driver: accepting connections (maxclients, protected mode), running each
// client's commands in order, parking a client whose next command must wait (CLIENT PAUSE, a
// socket that does not drain) and resuming it later from the same place, reply suppression
// (CLIENT REPLY), output-buffer and query-buffer limits, idle timeouts and disconnects.
// It runs commands only through the dispatcher and knows none of them.

import type { ExecClock } from '../exec/clock.js';
import type { Dispatcher } from '../exec/dispatcher.js';
import type { LogLevel } from '../exec/context.js';
import { PAUSE_READING_AT, type Connection, type IoStats, type SessionSink } from '../net/connection.js';
import type { ParserLimits } from '../resp/parser.js';
import { Err } from '../resp/errors.js';
import { Client } from '../session/client.js';
import type { ClientRegistry } from '../session/client-registry.js';
import type { SessionControl } from '../session/control.js';
import { DEFAULT_OUTPUT_LIMITS, overOutputLimit, parseOutputLimits, type OutputLimits } from '../session/output-limits.js';
import { ClientPause } from '../session/pause.js';
import type { Config } from './config.js';

export interface SessionHost {
  readonly config: Config;
  readonly clients: ClientRegistry;
  readonly dispatcher: Dispatcher;
  /** Byte counters, plus the per-batch counters INFO reports (eventloop cycles, writes). */
  readonly stats: IoStats & { eventLoopCycles: number; eventLoopUsecSum: number; writes: number };
  log(level: LogLevel, message: string): void;
  /** Set while something must run after a client's command and its reply (held pub/sub messages). */
  readonly afterCommand: ((c: Client) => void) | null;
  /** Counts an error reply (INFO errorstats). */
  countError(text: string): void;
  /** True while the server accepts no new clients (shutting down). */
  readonly closing: boolean;
  /** True when a client's replies must wait (unwritten AOF data); the host flushes them later. */
  holdReplies?(client: Client): boolean;
  /** Makes pending replies safe to send now (writes the AOF) before an early flush. */
  settleReplies?(): void;
  /** Writes a client's replies at the end of this event-loop turn (endBatch then). */
  scheduleFlush(client: Client): void;
  /** The clock a batch's commands share (one reading per command). */
  readonly clock: ExecClock;
}

/** Reply bytes accumulated in one batch past which they are handed to the socket early. */
const FLUSH_AT = 1024 * 1024;
/** Queued commands of a waiting client past which we stop reading from it. */
const MAX_PENDING = 4096;

export class Sessions implements SessionControl {
  readonly pause: ClientPause;
  /** Clients parked by a pause, in the order they were parked (resumed in that order). */
  private readonly postponed = new Set<Client>();
  /** proto-max-bulk-len, refreshed by accept and the cron rather than looked up per argument. */
  private maxBulkLen = 0;
  /** Each connected client's parser limits, to refresh maxBulkLen in. */
  private readonly parserLimits = new Map<Client, ParserLimits>();
  private limitsText = '';
  private limits: OutputLimits | null = null;

  constructor(private readonly host: SessionHost) {
    this.pause = new ClientPause(() => this.resumePostponed());
    host.dispatcher.postpone = (client, cmd) => this.pause.mustWait(client, cmd);
  }

  // ---- accepting ----

  accept(conn: Connection): void {
    const host = this.host;
    if (host.closing) {
      conn.close();
      return;
    }
    const config = host.config;
    this.refreshMaxBulkLen();
    if (host.clients.size >= config.num('maxclients')) {
      host.clients.rejectedConnections++;
      conn.write(`-${Err.maxClients().text}\r\n`);
      conn.closeAfterWrite();
      return;
    }
    // Without a password only this host may talk to us (Redis 7's protected-mode, any bind).
    if (config.bool('protected-mode') && config.str('requirepass') === '' && !conn.isLocal) {
      conn.write(`-${Err.protectedMode().text}\r\n`);
      conn.closeAfterWrite();
      return;
    }
    const client = new Client(host.clients.allocateId(), conn, (text) => host.countError(text));
    client.authenticated = config.str('requirepass') === '';
    host.clients.add(client);
    const limits: ParserLimits = {
      // Read at every bulk header; the cron refreshes it, so a CONFIG SET applies to connected
      // clients too (a plain field: a getter here cost about 1% of a GET).
      maxBulkLen: this.maxBulkLen,
      authRequired: () => !client.authenticated && config.str('requirepass') !== '',
    };
    this.parserLimits.set(client, limits);
    const sink: SessionSink = {
      limits,
      io: host.stats,
      commands: (batch) => this.receive(client, batch),
      protocolError: (what) => {
        if (client.closing) return;
        client.reply.error(Err.protocol(what).text);
        host.log('verbose', `Protocol error (${what}) from client: ${this.describe(client)}`);
        client.closeAfterReply = true;
        this.endBatch(client);
      },
      queryBuffer: (bytes) => {
        if (bytes > config.num('client-query-buffer-limit')) {
          host.log('warning', `Closing client that reached max query buffer length: ${this.describe(client)} (qbuf initial bytes: ${bytes})`);
          this.disconnect(client);
        }
      },
      drained: () => {
        if (client.onDrained !== null) client.onDrained();
        if (client.waitingDrain) {
          client.waitingDrain = false;
          this.resume(client);
        }
      },
      closed: () => this.disconnect(client),
    };
    conn.attach(sink);
  }

  // ---- running commands ----

  /**
   * receive() for in-process drivers that never yield to the event loop (benchmarks, unit
   * tests): the batch's replies are written before it returns.
   */
  receiveNow(client: Client, batch: string[][]): void {
    this.receive(client, batch);
    if (!client.closing) this.endBatch(client);
  }

  /** A batch of commands from one read: run them in order, then write the replies once. */
  receive(client: Client, batch: string[][]): void {
    if (client.closing) return;
    const wall = Date.now();
    client.lastInteraction = wall;
    const pending = client.pending;
    if (client.pendingIndex < pending.length || client.blocked || client.postponed || client.waitingDrain) {
      // Parked: later commands queue behind the waiting one, in order.
      for (let i = 0; i < batch.length; i++) pending.push(batch[i]!);
      if (pending.length - client.pendingIndex > MAX_PENDING) client.transport.pauseReading();
      return;
    }
    const clock = this.host.clock;
    const start = clock.begin(wall);
    let stop: number;
    try {
      stop = this.process(client, batch, 0);
    } finally {
      clock.end();
    }
    if (stop < batch.length) {
      for (let i = stop; i < batch.length; i++) pending.push(batch[i]!);
    }
    // The replies leave at the end of the loop turn with every other client's (as Redis writes
    // in beforeSleep): the peers are woken once for many replies instead of once per read.
    this.host.scheduleFlush(client);
    const stats = this.host.stats;
    stats.eventLoopCycles++;
    stats.eventLoopUsecSum += (performance.now() - start) * 1000;
  }

  /** Resumes a parked client from its next queued command. */
  resume(client: Client): void {
    if (client.closing || client.postponed || client.waitingDrain || client.blocked) return;
    const pending = client.pending;
    const stop = this.process(client, pending, client.pendingIndex);
    if (stop >= pending.length) {
      pending.length = 0;
      client.pendingIndex = 0;
      client.transport.resumeReading();
    } else {
      client.pendingIndex = stop;
    }
    this.endBatch(client);
  }

  /**
   * Runs a parked client's blocking command once more (exec/blocking.ts), as the next command of
   * its queue. False when it must wait for a pause to end: it is then queued first again.
   */
  runParked(client: Client, argv: string[]): boolean {
    if (client.closing) return false;
    if (this.runOne(client, argv)) return true;
    const pending = client.pending;
    if (client.pendingIndex > 0) pending[--client.pendingIndex] = argv;
    else pending.unshift(argv);
    client.postponed = true;
    this.postponed.add(client);
    return false;
  }

  /** Runs list[start..] until done or the client must wait; returns where it stopped. */
  private process(client: Client, list: readonly string[][], start: number): number {
    for (let i = start; i < list.length; i++) {
      // After QUIT, a protocol error or a kill, the rest of the pipeline is dropped.
      if (client.closing || client.closeAfterReply) return list.length;
      if (!this.runOne(client, list[i]!)) {
        client.postponed = true;
        this.postponed.add(client);
        return i;
      }
      if (client.blocked) return i + 1;
      if (client.reply.pendingBytes > FLUSH_AT) {
        this.host.settleReplies?.();
        client.flush();
        // The write is nobody's command time: the next command starts after it.
        if (this.host.clock.last >= 0) this.host.clock.last = performance.now();
        if (this.checkOutputLimit(client)) return list.length;
        if (client.transport.queuedBytes > PAUSE_READING_AT) {
          // The peer is not reading: go on when the socket drains, not into unbounded memory.
          client.waitingDrain = true;
          return i + 1;
        }
      }
    }
    return list.length;
  }

  /** Runs one command with CLIENT REPLY OFF/SKIP applied; false when it must wait. */
  runOne(client: Client, argv: string[]): boolean {
    const mode = client.replyMode;
    if (mode === 'on') {
      if (!this.host.dispatcher.execute(client, argv)) return false;
      if (this.host.afterCommand !== null) this.host.afterCommand(client);
      return true;
    }
    const mark = client.reply.mark();
    // SKIP applies to exactly one command; the command itself may set a new mode.
    if (mode === 'skip') client.replyMode = 'on';
    if (!this.host.dispatcher.execute(client, argv)) {
      client.replyMode = mode;
      return false;
    }
    if (mode === 'skip' || client.replyMode === 'off') client.reply.rewind(mark);
    if (this.host.afterCommand !== null) this.host.afterCommand(client);
    return true;
  }

  /** Writes the pending replies; closes the client if it asked to or broke a limit. */
  endBatch(client: Client): void {
    if (this.host.holdReplies?.(client) === true) return;
    if (client.reply.pendingBytes > 0) this.host.stats.writes++;
    client.flush();
    if (client.closing) return;
    if (this.checkOutputLimit(client)) return;
    if (client.closeAfterReply) {
      client.closing = true;
      this.release(client);
      client.transport.closeAfterWrite();
    }
  }

  // ---- pause ----

  private resumePostponed(): void {
    const parked = [...this.postponed];
    this.postponed.clear();
    for (const c of parked) {
      c.postponed = false;
      this.resume(c);
    }
  }

  // ---- closing ----

  kill(client: Client, caller: Client | null): void {
    if (client === caller) client.closeAfterReply = true;
    else this.disconnect(client);
  }

  disconnect(client: Client): void {
    if (client.closing && !this.host.clients.get(client.id)) return;
    client.closing = true;
    this.release(client);
    client.transport.close();
  }

  /** Forgets a client everywhere (once). */
  private release(client: Client): void {
    if (!this.host.clients.get(client.id)) return;
    this.host.clients.remove(client);
    this.parserLimits.delete(client);
    this.postponed.delete(client);
    client.pending.length = 0;
    client.pendingIndex = 0;
    this.host.clients.runCloseHooks(client);
  }

  /** Closes a client over its output-buffer limit; true when it did. */
  private checkOutputLimit(client: Client): boolean {
    // Nothing waiting and no soft-limit timer running (every batch that was written at once):
    // no limit can be broken and nothing to reset, so skip the lookups and the clock read.
    if (client.obufSoftLimitSince === 0 && client.reply.pendingBytes === 0 && client.transport.queuedBytes === 0) return false;
    const limits = this.outputLimits();
    if (!overOutputLimit(client, limits, Date.now())) return false;
    this.host.log('warning', `Client ${this.describe(client)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    this.disconnect(client);
    return true;
  }

  private outputLimits(): OutputLimits {
    const text = this.host.config.str('client-output-buffer-limit');
    if (this.limits === null || text !== this.limitsText) {
      // The directive is validated when set; an unparsable value keeps the previous limits.
      const parsed = parseOutputLimits(text);
      if (typeof parsed !== 'string') this.limits = parsed;
      else this.limits ??= parseOutputLimits(DEFAULT_OUTPUT_LIMITS) as OutputLimits;
      this.limitsText = text;
    }
    return this.limits;
  }

  // ---- cron ----

  /** Idle timeouts and soft output limits, from the server cron. */
  cron(now: number): void {
    this.refreshMaxBulkLen();
    const timeout = this.host.config.num('timeout') * 1000;
    for (const c of this.host.clients) {
      if (c.closing) continue;
      const f = c.flagLetters;
      // Replicas, the primary's link, pub/sub and blocked or paused clients are never idle.
      if (timeout > 0 && now - c.lastInteraction > timeout && !f.has('S') && !f.has('M') && !f.has('P') &&
          !c.blocked && !c.postponed) {
        this.host.log('verbose', 'Closing idle client');
        this.disconnect(c);
        continue;
      }
      if (c.obufSoftLimitSince !== 0) this.checkOutputLimit(c);
    }
  }

  /** proto-max-bulk-len into every connected client's parser limits, when it changed. */
  private refreshMaxBulkLen(): void {
    const maxBulkLen = this.host.config.num('proto-max-bulk-len');
    if (maxBulkLen === this.maxBulkLen) return;
    this.maxBulkLen = maxBulkLen;
    for (const limits of this.parserLimits.values()) limits.maxBulkLen = maxBulkLen;
  }

  close(): void {
    this.pause.close();
    for (const c of [...this.host.clients]) this.disconnect(c);
  }

  describe(c: Client): string {
    return `id=${c.id} addr=${c.transport.remoteAddress} laddr=${c.transport.localAddress} name=${c.name}`;
  }
}
