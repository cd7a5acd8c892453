// The primary side of replication: clients that became replicas (SYNC/PSYNC, flag S), their
// announced capabilities (REPLCONF), partial and full syncs (full-sync.ts), the stream after it
// (zero-copy chunks, per-socket backpressure), ACKs, timeouts, output limits, the backlog's
// lifetime, WAIT's ack counts and GETACK, min-replicas (waits.ts), INFO and ROLE. It writes only
// to replicas' own connections; a parked WAIT belongs to exec/blocking.ts (ACKs signal it).

import type { LogLevel } from '../exec/context.js';
import { REPLICATION_ACK_EVENT, type PrimaryApi } from '../exec/replication-api.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Snapshot, SnapshotSink } from '../persistence/snapshot.js';
import { encodeCommand } from '../resp/encode.js';
import type { CommandError } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import type { ClientRegistry } from '../session/client-registry.js';
import { parseOutputLimits, type BufferLimit } from '../session/output-limits.js';
import { Failover, type FailoverReplica, type FailoverRequest } from './failover.js';
import { DiskTransfer, HIGH_WATER, REPL_RDB_VERSION, SocketTransfer, type ImageReceiver, type ImageTransfer } from './full-sync.js';
import { replicaOverLimit, type SoftLimitState } from './output-limit.js';
import { decidePsync, fullResyncReply, syncGate } from './psync.js';
import type { ReplReader } from './repl-buffer.js';
import { parseReplconf } from './replconf.js';
import type { ReplicaRole } from './replica.js';
import type { ReplicationState } from './state.js';
import { Waits } from './waits.js';

export interface PrimaryHost {
  readonly config: {
    str(name: string): string;
    num(name: string): number;
    bool(name: string): boolean;
  };
  readonly ks: Keyspace;
  readonly clients: ClientRegistry;
  readonly replication: ReplicaRole;
  /** CLIENT PAUSE state; FAILOVER holds a write pause of its own there. */
  readonly sessions: { readonly pause: { readonly active: string | null; hold(purpose: string): void; release(purpose: string): void } };
  log(level: LogLevel, message: string): void;
  disconnect(client: Client): void;
  /**
   * INFO stats counters: the image and the stream written to replicas count as replication
   * output (they are already in the total, written through the client's connection).
   */
  readonly stats: { netReplOutputBytes: number };
  /** Parked commands (WAIT waits on REPLICATION_ACK_EVENT). */
  readonly blocking: { signalEvent(event: string): void };
  /** Makes sure beforeSleep runs at the end of this event-loop turn. */
  requestFlush(): void;
  workDir(): string;
  /**
   * True while a background job runs (a BGSAVE, an image for replicas, an AOF rewrite): as
   * with Redis's one child, a new image waits for it.
   */
  backgroundJobActive(): boolean;
  /**
   * Starts a BGSAVE whose snapshot also feeds `sinks` (a disk-based full sync shares the save,
   * as in Redis), in RDB version `rdbVersion`. False when it could not start (logged).
   */
  startDiskImage(sinks: readonly SnapshotSink[], rdbVersion: number): boolean;
  /** Starts a snapshot streamed to replicas' sockets (no save). Throws when it cannot start. */
  startSocketImage(sinks: readonly SnapshotSink[], rdbVersion: number, withoutData: boolean): Snapshot;
}

export type ReplicaState = 'wait_bgsave' | 'send_bulk' | 'online';

/** What a client announced with REPLCONF before (or after) it asked to sync. */
interface Announced {
  listeningPort: number;
  ipAddress: string;
  capaEof: boolean;
  capaPsync2: boolean;
  rdbOnly: boolean;
  filtered: boolean;
}

/** One replica: a client that sent SYNC or PSYNC. */
export class ReplicaLink implements ImageReceiver, FailoverReplica {
  state: ReplicaState = 'wait_bgsave';
  reader: ReplReader | null = null;
  /** Offset the replica acknowledged (REPLCONF ACK), and when (ms). */
  ackOffset = 0;
  /** Offset the replica reported fsynced to its AOF (REPLCONF ACK ... FACK; WAITAOF). */
  aofAckOffset = 0;
  ackTime: number;
  /** Sent plain SYNC: it gets no +FULLRESYNC, sends no ACKs and is never timed out for them. */
  readonly prePsync: boolean;
  /** The stream flows once this is set (at once after a disk image, at the first ACK after a socket one). */
  streaming = false;
  transfer: ImageTransfer<ReplicaLink> | null = null;
  /** Last time its socket took bytes or had nothing queued (a stalled transfer is dropped). */
  lastProgress: number;
  readonly soft: SoftLimitState = { softSince: null };
  readonly since: number;

  constructor(
    private readonly primary: PrimaryRole,
    readonly client: Client,
    readonly announced: Announced,
    prePsync: boolean,
    now: number,
  ) {
    this.prePsync = prePsync;
    this.ackTime = now;
    this.lastProgress = now;
    this.since = now;
  }

  /** Image bytes (preamble, payload, EOF mark): replication output. */
  write(data: string | Buffer): void {
    this.primary.countOutput(data.length);
    this.client.transport.write(data);
  }

  get queuedBytes(): number {
    return this.client.transport.queuedBytes;
  }

  transferDone(): void {
    this.primary.transferDone(this);
  }

  get listeningPort(): number {
    return this.announced.listeningPort;
  }

  get online(): boolean {
    return this.state === 'online';
  }

  /** The address shown by INFO and ROLE: the announced one, or the peer's. */
  get ip(): string {
    if (this.announced.ipAddress !== '') return this.announced.ipAddress;
    const a = this.client.transport.remoteAddress;
    const i = a.lastIndexOf(':');
    return i === -1 ? a : a.slice(0, i);
  }
}

export class PrimaryRole implements PrimaryApi {
  /** Replicas in the order they attached (INFO slaveN numbering). */
  readonly links: ReplicaLink[] = [];
  private readonly byClient = new Map<Client, ReplicaLink>();
  private readonly announced = new Map<Client, Announced>();
  /** Replicas waiting for an image to start, and since when the first of them waits (ms). */
  private readonly waiting: ReplicaLink[] = [];
  private waitingSince = 0;
  private socketImage: SocketTransfer<ReplicaLink> | null = null;
  private diskImage: DiskTransfer<ReplicaLink> | null = null;
  private imageSeq = 0;
  /** INFO stats. */
  syncFull = 0;
  syncPartialOk = 0;
  syncPartialErr = 0;
  /** When the last replica left (ms); 0 while replicas are attached. */
  private noReplicasSince = Date.now();
  private lastSecond = 0;
  private limitText = '';
  private limit: BufferLimit = { hard: 0, soft: 0, softSeconds: 0 };
  readonly waits: Waits;
  /** FAILOVER's state machine (failover.ts). */
  readonly failover: Failover;

  constructor(private readonly host: PrimaryHost, private readonly repl: ReplicationState) {
    this.waits = new Waits(this, host);
    const role = host.replication;
    this.failover = new Failover({
      log: (level, message) => host.log(level, message),
      get isReplica() { return role.isReplica; },
      get offset() { return repl.offset; },
      replicas: () => this.links,
      pause: host.sessions.pause,
      followTarget: (h, p) => role.setPrimary(h, p),
      unfollow: () => role.unsetPrimary(),
    });
    role.failover = this.failover;
    repl.appended = () => host.requestFlush();
    repl.dropReplicas = () => this.dropAll();
    host.replication.replicaList = () => this.roleList();
    host.clients.onClose((c) => this.clientGone(c));
  }

  // ---- REPLCONF ----

  replconf(client: Client, argv: readonly string[]): 'ok' | 'none' | CommandError {
    const { changes, outcome } = parseReplconf(argv);
    const a = this.announcedOf(client);
    if (changes.listeningPort !== undefined) a.listeningPort = changes.listeningPort;
    if (changes.ipAddress !== undefined) a.ipAddress = changes.ipAddress;
    if (changes.capaEof) a.capaEof = true;
    if (changes.capaPsync2) a.capaPsync2 = true;
    if (changes.rdbOnly !== undefined) a.rdbOnly = changes.rdbOnly;
    if (changes.rdbFilter !== undefined) a.filtered = true;
    switch (outcome.kind) {
      case 'ok': return 'ok';
      case 'error': return outcome.error;
      case 'getack': return 'none';
      case 'ack': {
        const link = this.byClient.get(client);
        if (link === undefined || outcome.offset === null) return 'none';
        if (outcome.offset > link.ackOffset) link.ackOffset = outcome.offset;
        if (outcome.fack !== null && outcome.fack > link.aofAckOffset) link.aofAckOffset = outcome.fack;
        if (outcome.fackValid) link.ackTime = Date.now();
        // A socket image's replica streams only from its first ACK: Redis replicas look for the
        // EOF mark only at the end of a read, so nothing may follow the mark before they answer.
        if (link.state === 'online' && !link.streaming) this.startStreaming(link);
        this.host.blocking.signalEvent(REPLICATION_ACK_EVENT);
        // A waiting FAILOVER looks at the ACKs in beforeSleep (it may drop this very client).
        if (this.failover.state === 'waiting-for-sync') this.host.requestFlush();
        return 'none';
      }
    }
  }

  private announcedOf(client: Client): Announced {
    let a = this.announced.get(client);
    if (a === undefined) {
      a = { listeningPort: 0, ipAddress: '', capaEof: false, capaPsync2: false, rdbOnly: false, filtered: false };
      this.announced.set(client, a);
    }
    return a;
  }

  // ---- SYNC / PSYNC ----

  sync(client: Client, argv: readonly string[]): CommandError | null {
    const role = this.host.replication;
    const a = this.announcedOf(client);
    const gate = syncGate({
      argv, clientIsReplica: this.byClient.has(client), myReplid: this.repl.ids.replid,
      isReplica: role.isReplica, primaryLinkUp: role.linkUp, failoverInProgress: role.failingOver,
      hasPendingOutput: client.reply.pendingBytes > 0, wantsFilteredRdb: a.filtered, capaEof: a.capaEof,
    });
    if (gate.kind === 'ignore') return null;
    if (gate.kind === 'error') return gate.error;
    if (gate.promote) role.promote(client, 'failover request');
    const who = this.describe(client, a);
    this.host.log('notice', `Replica ${who} asks for synchronization`);
    const now = Date.now();
    const link = new ReplicaLink(this, client, a, !gate.psync, now);
    if (gate.psync && this.tryPartial(link, argv[1]!, gate.offset)) return null;
    // A full sync. The first replica ever (or since the backlog was freed) starts a new history.
    if (this.repl.buffer === null) {
      this.repl.ids.change();
      this.repl.ids.clearSecond();
      this.repl.ensureBacklog();
      if (!role.isReplica) this.repl.becomePrimary();
      this.host.log('notice', `Replication backlog created, my new replication IDs are '${this.repl.ids.replid}' and '${this.repl.ids.replid2}'`);
    }
    this.syncFull++;
    this.attach(link);
    this.enqueue(link, now);
    return null;
  }

  private tryPartial(link: ReplicaLink, replid: string, offset: number | bigint): boolean {
    const buf = this.repl.buffer;
    const ids = this.repl.ids;
    const d = decidePsync(replid, offset, link.announced.capaPsync2, {
      replid: ids.replid, replid2: ids.replid2, secondOffset: ids.secondOffset,
      backlog: buf === null ? null : { firstByteOffset: buf.firstByteOffset, histlen: buf.histlen },
    });
    const who = this.describe(link.client, link.announced);
    if (d.kind === 'full') {
      if (d.partialError) this.syncPartialErr++;
      if (d.reason === 'requested') this.host.log('notice', `Full resync requested by replica ${who}`);
      else this.host.log('notice', `Partial resynchronization not accepted (${d.reason}) for replica ${who}`);
      return false;
    }
    const reader = buf!.addReader(d.readerOffset);
    if (reader === null) return false;
    link.reader = reader;
    link.client.transport.write(d.reply);
    this.attach(link);
    link.state = 'online';
    link.ackOffset = d.readerOffset;
    this.syncPartialOk++;
    this.host.log('notice', `Partial resynchronization request from ${who} accepted. Sending ${d.backlogBytes} bytes of backlog starting from offset ${d.readerOffset + 1}.`);
    this.startStreaming(link);
    this.waits.refreshGood();
    return true;
  }

  /** The client is a replica from now on (flag S; CLIENT KILL TYPE replica finds it). */
  private attach(link: ReplicaLink): void {
    const c = link.client;
    c.flagLetters.add('S');
    c.onDrained = () => this.drained(link);
    this.links.push(link);
    this.byClient.set(c, link);
    this.noReplicasSince = 0;
  }

  private enqueue(link: ReplicaLink, now: number): void {
    // A disk image being written or sent can take it while the backlog still holds its offset.
    const disk = this.diskImage;
    const useSocket = this.host.config.bool('repl-diskless-sync') && link.announced.capaEof && !link.announced.filtered;
    if (!useSocket && disk !== null && !disk.closed && this.repl.buffer!.canReadFrom(disk.offset)) {
      this.startImageFor(link, disk.offset);
      link.transfer = disk;
      disk.join(link);
      if (disk.ready) link.state = 'send_bulk';
      this.host.log('notice', 'Waiting for end of BGSAVE for SYNC');
      return;
    }
    if (this.waiting.length === 0) this.waitingSince = now;
    this.waiting.push(link);
    this.host.requestFlush();
  }

  /** Starts the images waiting replicas need, when it is time (beforeSleep and the cron). */
  private maybeStart(now: number): void {
    if (this.waiting.length === 0) return;
    const c = this.host.config;
    // Replicas that want no data (rdb-filter-only) get their own image, without keys; they
    // always announced capa eof (the sync gate refuses them otherwise) and always go diskless.
    const filtered = this.waiting[0]!.announced.filtered;
    const socket = filtered || (c.bool('repl-diskless-sync') && this.waiting.every((l) => l.announced.capaEof && !l.announced.filtered));
    // Replicas asking during a socket transfer wait for the next one.
    if (socket && this.socketImage !== null) return;
    // One background job at a time: a BGSAVE or an AOF rewrite in progress is waited for.
    if (this.host.backgroundJobActive()) return;
    if (socket) {
      const max = c.num('repl-diskless-sync-max-replicas');
      const due = now - this.waitingSince >= c.num('repl-diskless-sync-delay') * 1000;
      if (!due && !(max > 0 && this.waiting.length >= max)) return;
    }
    const group = this.waiting.filter((l) => l.announced.filtered === filtered);
    for (const l of group) this.waiting.splice(this.waiting.indexOf(l), 1);
    if (this.waiting.length > 0) this.waitingSince = now;
    // The offset of this moment is the image's: the snapshot below starts in this same step,
    // before any other command runs, and records the same offset in its repl-offset aux field.
    const offset = this.repl.buffer!.offset;
    for (const l of group) this.startImageFor(l, offset);
    const target = socket ? 'replicas sockets' : 'disk';
    this.host.log('notice', `Starting BGSAVE for SYNC with target: ${target}`);
    if (socket) {
      const t = new SocketTransfer<ReplicaLink>(offset, group);
      t.onFailed = (left, e) => this.imageFailed(t, left, e);
      this.socketImage = t;
      for (const l of group) {
        l.transfer = t;
        l.state = 'send_bulk';
      }
      try {
        t.snapshot = this.host.startSocketImage([t], REPL_RDB_VERSION, filtered);
      } catch (e) {
        t.close();
        this.imageFailed(t, group, e instanceof Error ? e : new Error(String(e)));
      }
      return;
    }
    let t: DiskTransfer<ReplicaLink>;
    try {
      t = new DiskTransfer<ReplicaLink>(offset, group, this.host.workDir(), String(++this.imageSeq), () => {
        for (const l of group) if (t.has(l) && l.state === 'wait_bgsave') l.state = 'send_bulk';
        this.host.log('notice', 'Background RDB transfer started');
      });
    } catch (e) {
      this.host.log('warning', `Can't produce the RDB for SYNC: ${(e as Error).message}`);
      for (const l of group) this.host.disconnect(l.client);
      return;
    }
    t.onFailed = (left, e) => this.imageFailed(t, left, e);
    this.diskImage = t;
    for (const l of group) l.transfer = t;
    if (!this.host.startDiskImage([t], REPL_RDB_VERSION)) t.abort();
  }

  /** The image could not be produced (a type the RDB writer cannot encode, a file error). */
  private imageFailed(t: ImageTransfer<ReplicaLink>, group: readonly ReplicaLink[], e: Error): void {
    this.host.log('warning', `Can't produce the RDB for SYNC: ${e.message}`);
    this.imageClosed(t);
    for (const l of group) {
      l.transfer = null;
      this.host.disconnect(l.client);
    }
  }

  /** The image's offset is the replica's: its reader starts there and +FULLRESYNC names it. */
  private startImageFor(link: ReplicaLink, offset: number): void {
    const buf = this.repl.buffer!;
    link.reader = buf.addReader(offset);
    // The replica loads the RDB into db 0 and follows the stream from there: select again.
    this.repl.forceSelect();
    if (!link.prePsync) link.client.transport.write(fullResyncReply(this.repl.ids.replid, offset));
    link.ackOffset = offset;
  }

  /** INFO total_net_repl_output_bytes. */
  countOutput(bytes: number): void {
    this.host.stats.netReplOutputBytes += bytes;
  }

  /** The payload (and for sockets the mark) was handed to the replica's socket. */
  transferDone(link: ReplicaLink): void {
    const t = link.transfer;
    link.transfer = null;
    if (t !== null && t.closed) this.imageClosed(t);
    if (link.announced.rdbOnly) {
      link.client.transport.closeAfterWrite();
      return;
    }
    link.state = 'online';
    link.ackTime = Date.now();
    this.host.log('notice', `Synchronization with replica ${this.describe(link.client, link.announced)} succeeded`);
    // After a file the stream may follow at once; after a socket image, at the first ACK.
    if (t?.kind === 'disk' || link.prePsync) this.startStreaming(link);
    this.waits.refreshGood();
  }

  private imageClosed(t: ImageTransfer<ReplicaLink>): void {
    if (this.socketImage === t) this.socketImage = null;
    if (this.diskImage === t) this.diskImage = null;
    // Replicas that waited for the socket image to end can start now.
    if (this.waiting.length > 0) this.host.requestFlush();
  }

  // ---- streaming ----

  private startStreaming(link: ReplicaLink): void {
    link.streaming = true;
    this.pumpStream(link);
  }

  /** Sends what the replica's reader has, while its socket takes it. */
  private pumpStream(link: ReplicaLink): void {
    const r = link.reader;
    if (r === null || r.removed) return;
    const t = link.client.transport;
    while (r.lag > 0 && t.queuedBytes < HIGH_WATER) {
      const chunks = r.read(HIGH_WATER);
      for (const c of chunks) {
        this.host.stats.netReplOutputBytes += c.length;
        t.write(c);
      }
    }
  }

  private drained(link: ReplicaLink): void {
    link.lastProgress = Date.now();
    if (link.client.closing) return;
    if (link.transfer !== null) link.transfer.pump(link);
    else if (link.streaming) this.pumpStream(link);
  }

  /** Once per event-loop turn (the server's beforeSleep). */
  beforeSleep(): void {
    if (this.failover.state === 'waiting-for-sync') this.failover.update(Date.now());
    if (this.links.length === 0 && !this.waits.getAckRequested) return;
    const now = Date.now();
    this.maybeStart(now);
    // No GETACK while clients are paused (CLIENT PAUSE, FAILOVER): it would move the offset the
    // replicas must reach; it goes out once the pause ends (as in Redis).
    if (this.waits.getAckRequested && this.host.sessions.pause.active === null) {
      this.waits.getAckRequested = false;
      this.repl.appendRaw(GETACK);
    }
    for (const link of this.links) {
      if (link.reader === null || link.client.closing) continue;
      if (this.overLimit(link, now)) continue;
      if (link.streaming) this.pumpStream(link);
    }
  }

  private overLimit(link: ReplicaLink, now: number): boolean {
    const text = this.host.config.str('client-output-buffer-limit');
    if (text !== this.limitText) {
      const parsed = parseOutputLimits(text);
      if (typeof parsed !== 'string') this.limit = parsed.replica;
      this.limitText = text;
    }
    const l = this.limit;
    const over = replicaOverLimit(link.reader!.memoryBytes, { hardBytes: l.hard, softBytes: l.soft, softSeconds: l.softSeconds },
      this.repl.buffer!.backlogSize, link.soft, now / 1000);
    if (!over) return false;
    this.host.log('warning', `Client ${this.describe(link.client, link.announced)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    this.host.disconnect(link.client);
    return true;
  }

  // ---- leaving ----

  private clientGone(c: Client): void {
    this.announced.delete(c);
    const link = this.byClient.get(c);
    if (link === undefined) return;
    this.byClient.delete(c);
    c.onDrained = null;
    const i = this.links.indexOf(link);
    if (i !== -1) this.links.splice(i, 1);
    const w = this.waiting.indexOf(link);
    if (w !== -1) this.waiting.splice(w, 1);
    const t = link.transfer;
    if (t !== null) {
      link.transfer = null;
      t.remove(link);
      if (t.closed) {
        if (t.size === 0) this.host.log('notice', 'Diskless rdb transfer, last replica dropped, killing fork child.');
        this.imageClosed(t);
      }
    }
    if (link.reader !== null) this.repl.buffer?.removeReader(link.reader);
    link.reader = null;
    if (this.links.length === 0) this.noReplicasSince = Date.now();
    this.host.log('notice', `Connection with replica ${this.describe(c, link.announced)} lost.`);
    this.waits.refreshGood();
  }

  /** Drops every replica (the history changes under them). */
  private dropAll(): void {
    for (const l of [...this.links]) this.host.disconnect(l.client);
  }

  // ---- cron ----

  /** From the server cron (any hz): timeouts and limits each call, once-a-second work once a second. */
  cron(now: number): void {
    this.failover.update(now);
    const timeoutMs = this.host.config.num('repl-timeout') * 1000;
    for (const link of [...this.links]) {
      if (link.client.closing) continue;
      if (link.queuedBytes === 0) link.lastProgress = now;
      if (link.state === 'send_bulk' && now - link.lastProgress > timeoutMs) {
        this.host.log('warning', `Disconnecting timedout replica (full sync): ${this.describe(link.client, link.announced)}`);
        this.host.disconnect(link.client);
      } else if (link.state === 'online' && !link.prePsync && now - link.ackTime > timeoutMs) {
        this.host.log('warning', `Disconnecting timedout replica (streaming sync): ${this.describe(link.client, link.announced)}`);
        this.host.disconnect(link.client);
      } else if (link.reader !== null) {
        this.overLimit(link, now);
      }
    }
    this.maybeStart(now);
    if (now - this.lastSecond < 1000) return;
    this.lastSecond = now;
    const c = this.host.config;
    // Replicas waiting for an image get a newline a second (they read it as "still preparing").
    // Like the +FULLRESYNC line, Redis does not count it as replication output.
    for (const l of this.links) if (l.state === 'wait_bgsave' && !l.client.closing) l.client.transport.write('\n');
    this.repl.cronPing(c.num('repl-ping-replica-period'), this.links.length, this.failover.holdsPing);
    const ttl = c.num('repl-backlog-ttl');
    if (this.links.length === 0 && this.noReplicasSince !== 0 && ttl > 0 && !this.host.replication.isReplica &&
        this.repl.buffer !== null && now - this.noReplicasSince > ttl * 1000) {
      this.repl.freeBacklog();
      this.host.log('notice', `Replication backlog freed after ${ttl} seconds without connected replicas.`);
    }
    this.waits.refreshGood();
  }

  close(): void {
    this.socketImage?.close();
    this.diskImage?.close();
  }

  // ---- FAILOVER ----

  startFailover(req: FailoverRequest): CommandError | null {
    return this.failover.start(req, Date.now());
  }

  abortFailover(): boolean {
    if (!this.failover.active) return false;
    this.failover.abort('Failover manually aborted');
    return true;
  }

  // ---- WAIT ----

  get offset(): number {
    return this.repl.offset;
  }

  requestAck(): void {
    this.waits.requestAck();
  }

  /** Replicas whose acknowledged offset reached `offset`. */
  ackedAtLeast(offset: number): number {
    let n = 0;
    for (const l of this.links) if (l.state === 'online' && l.ackOffset >= offset) n++;
    return n;
  }

  /** WAITAOF: online replicas that reported `offset` fsynced to their AOF. */
  aofAckedAtLeast(offset: number): number {
    let n = 0;
    for (const l of this.links) if (l.state === 'online' && l.aofAckOffset >= offset) n++;
    return n;
  }

  /** Set by the server: our own AOF's fsynced offset, -1 while AOF is off (WAITAOF's local count). */
  localFsynced: () => number = () => -1;

  /** Our AOF fsynced more: parked WAITAOFs check again. */
  localFsyncMoved(): void {
    this.host.blocking.signalEvent(REPLICATION_ACK_EVENT);
  }

  /** Online replicas whose last ACK is at most `maxLagSeconds` old (min-replicas-max-lag). */
  goodReplicas(now: number, maxLagSeconds: number): number {
    let n = 0;
    for (const l of this.links) if (l.state === 'online' && Math.floor((now - l.ackTime) / 1000) <= maxLagSeconds) n++;
    return n;
  }

  // ---- INFO and ROLE ----

  /** INFO replication's slaveN lines (after connected_slaves). */
  infoLines(now: number): [string, string][] {
    return this.links.map((l, i) => [
      `slave${i}`,
      `ip=${l.ip},port=${l.announced.listeningPort},state=${l.state},offset=${l.ackOffset},lag=${Math.floor((now - l.ackTime) / 1000)}`,
    ]);
  }

  roleList(): [string, string, string][] {
    return this.links.map((l) => [l.ip, String(l.announced.listeningPort), String(l.ackOffset)]);
  }

  /** INFO memory mem_clients_slaves: what the replicas' output adds (queued socket bytes). */
  get clientsMemory(): number {
    let n = 0;
    for (const l of this.links) n += l.queuedBytes;
    return n;
  }

  private describe(c: Client, a: Announced): string {
    const addr = c.transport.remoteAddress;
    const ip = a.ipAddress !== '' ? a.ipAddress : addr.slice(0, Math.max(0, addr.lastIndexOf(':')));
    return `${ip}:${a.listeningPort}`;
  }
}

const GETACK = encodeCommand(['REPLCONF', 'GETACK', '*']);
