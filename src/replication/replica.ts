// The replica side of replication: REPLICAOF, the link to the primary as a state machine
// (connect → PING → AUTH → REPLCONF → PSYNC → transfer → connected) with a repl-timeout at every
// stage, the full sync (payload to disk or memory, flush / swapdb / async loading), the
// primary's command stream run through the dispatcher as the 'M' client, offsets, ACKs, partial
// resync from the cached primary and reconnects. It writes only to its own link; clients see
// its state through the gates (replica-gates.ts), INFO and ROLE.

import type { ExecClock } from '../exec/clock.js';
import type { Dispatcher } from '../exec/dispatcher.js';
import type { LogLevel } from '../exec/context.js';
import type { Propagator } from '../exec/propagate.js';
import type { ReplicationApi, RoleInfo } from '../exec/replication-api.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { OutgoingConnection } from '../net/client-connection.js';
import { encodeCommand } from '../resp/encode.js';
import { Err } from '../resp/errors.js';
import { Client } from '../session/client.js';
import { clientInfoLine } from '../session/client-info.js';
import type { ClientRegistry } from '../session/client-registry.js';
import { NO_REPLID, parsePsyncReply, pingReplyOk, psyncRequest, randomHex40 } from './psync.js';
import { RdbTransferReader, type TransferEvent } from './rdb-transfer.js';
import { loadPayload, PayloadSink, planLoad, swapInDbs, tempDbs, type DisklessLoad } from './replica-load.js';
import type { ReplicationState } from './state.js';
import { PrimaryStreamParser } from './stream-parser.js';
import { StreamApplier } from './replica-stream.js';
import { PrimaryTransport, STATE_OF, type Cached, type LinkState, type Primary, type ReplyKind, type Transfer } from './replica-link.js';

export interface ReplicaHost {
  readonly config: {
    str(name: string): string;
    num(name: string): number;
    bool(name: string): boolean;
    load(name: string, args: readonly string[] | string): string | null;
  };
  readonly ks: Keyspace;
  readonly clients: ClientRegistry;
  readonly dispatcher: Dispatcher;
  readonly propagator: Propagator;
  /** The port clients reach us on (REPLCONF listening-port). */
  readonly port: number;
  log(level: LogLevel, message: string): void;
  /** The role letter of log lines: 'S' while a replica, 'M' otherwise. */
  logRole(role: 'M' | 'S'): void;
  /** Frees a client (runs the close hooks, closes its transport). */
  disconnect(client: Client): void;
  countError(text: string): void;
  /**
   * INFO stats counters. What the link reads during the transfer and the stream is replication
   * input, and counts in the total too (Redis 7); the handshake's replies count nowhere, our
   * ACKs count as ordinary output (Redis sends them as replies of the primary's client).
   */
  readonly stats: { netInputBytes: number; netReplInputBytes: number; netOutputBytes: number };
  /** Parked commands: ended with an error when we become a replica. */
  readonly blocking: { disconnectAll(errorText: string): number };
  /** The execution clock: the commands of one read share a batch's readings, as a client's do. */
  readonly clock: ExecClock;
}

/** Stream bytes a replica applies per event-loop turn before it lets other clients run. */
const TURN_BYTES = 256 * 1024;


export class ReplicaRole implements ReplicationApi {
  /** The primary we follow (null: we are a primary). */
  primaryHost: string | null = null;
  primaryPort = 0;
  state: LinkState = 'none';
  private link: OutgoingConnection | null = null;
  /** Last I/O on the link during the handshake and the transfer (ms). */
  private lastIo = 0;
  private lineBuf = '';
  /** Stream bytes applied in this event-loop turn, and whether the turn's end is scheduled. */
  private turnBytes = 0;
  private turnEndScheduled = false;
  private pausedLink: OutgoingConnection | null = null;
  private replies: ReplyKind[] = [];
  private cached: Cached | null = null;
  primary: Primary | null = null;
  private transfer: Transfer | null = null;
  /** The primary's answer to PSYNC: its id and offset for the full sync that follows. */
  private syncReplid: string | null = null;
  private syncOffset = 0;
  private prePsync = false;
  /** When the link went down (ms), 0 while up or never connected. */
  private downSince = 0;
  private lastSecondTick = 0;
  /** Applies the primary's command stream; `applying` keeps expired keys (expiryPolicy). */
  private readonly stream: StreamApplier;
  /** INFO async_loading: reads keep being served from the old data during the transfer. */
  asyncLoading = false;
  /**
   * Set by the primary side: the FAILOVER state machine. While it hands over, our PSYNC carries
   * FAILOVER and its answer ends (or aborts) the failover.
   */
  failover: { readonly state: string; psyncAnswered(accepted: boolean): void } | null = null;

  constructor(private readonly host: ReplicaHost, readonly repl: ReplicationState) {
    this.stream = new StreamApplier({
      host,
      proxy: (bytes) => repl.proxy(bytes),
      current: () => this.primary,
      sendAck: () => this.sendAck(),
    });
  }

  get isReplica(): boolean {
    return this.primaryHost !== null;
  }

  /** A FAILOVER is waiting for a replica or handing over (REPLICAOF and SYNC are refused). */
  get failingOver(): boolean {
    return this.failover !== null && this.failover.state !== 'no-failover';
  }

  /** We are the old primary handing over to the target we now follow. */
  private get handingOver(): boolean {
    return this.failover !== null && this.failover.state === 'failover-in-progress';
  }

  /** master_link_status:up. */
  get linkUp(): boolean {
    return this.state === 'connected';
  }

  // ---- REPLICAOF ----

  /** `replicaof` from the config file: follow it once listening, without a cached primary. */
  configure(hostPort: string): void {
    const [h, p] = hostPort.split(' ');
    if (h === undefined || p === undefined) return;
    this.primaryHost = h;
    this.primaryPort = Number(p);
    this.state = 'connect';
    this.host.logRole('S');
  }

  /** Starts connecting at once when configured as a replica (otherwise the cron would, within a second). */
  start(): void {
    if (this.state !== 'connect') return;
    this.host.logRole('S');
    this.host.log('notice', `Connecting to MASTER ${this.primaryHost}:${this.primaryPort}`);
    this.connect();
  }

  follow(host: string, port: number, caller: Client): boolean {
    if (this.primaryHost !== null && this.primaryHost.toLowerCase() === host.toLowerCase() && this.primaryPort === port) {
      this.host.log('notice', 'REPLICAOF would result into synchronization with the master we are already connected with. No operation performed.');
      return false;
    }
    this.setPrimary(host, port);
    this.host.log('notice', `REPLICAOF ${host}:${port} enabled (user request from '${clientInfoLine(caller, Date.now())}')`);
    return true;
  }

  /** Follows host:port from now on (Redis's replicationSetMaster; FAILOVER uses it too). */
  setPrimary(host: string, port: number): void {
    const wasPrimary = this.primaryHost === null;
    this.primaryHost = null;
    // The primary we leave becomes the cached one: the new primary may continue its history.
    if (this.primary !== null) this.dropPrimary(true);
    // Clients blocked while we were a primary (or blocked on a read here) are told and closed.
    this.host.blocking.disconnectAll(Err.unblockedRoleChange().text);
    this.primaryHost = host;
    this.primaryPort = port;
    this.cancelHandshake(false);
    // Our replicas must resync with us: they learn the new history that way.
    this.repl.dropReplicas();
    if (wasPrimary) {
      this.discardCached();
      this.host.log('notice', 'Before turning into a replica, using my own master parameters to synthesize a cached master: I may be able to synchronize with the new master with just a partial transfer.');
      this.repl.becomeReplica();
      this.cached = { replid: this.repl.ids.replid, offset: this.repl.offset, db: 0 };
    }
    this.host.logRole('S');
    this.host.config.load('replicaof', [host, String(port)]);
    this.state = 'connect';
    this.host.log('notice', `Connecting to MASTER ${host}:${port}`);
    this.connect();
  }

  /**
   * REPLICAOF NO ONE, or PSYNC ... FAILOVER from our primary (`why` 'failover request'): stop
   * following and become a primary.
   */
  promote(caller: Client, why = 'user request'): void {
    if (this.primaryHost === null) return;
    this.unsetPrimary();
    this.host.log('notice', `MASTER MODE enabled (${why} from '${clientInfoLine(caller, Date.now())}')`);
  }

  /** Stops following and becomes a primary (Redis's replicationUnsetMaster; FAILOVER's abort). */
  unsetPrimary(): void {
    if (this.primaryHost === null) return;
    this.primaryHost = null;
    if (this.primary !== null) this.dropPrimary(true);
    this.discardCached();
    this.cancelHandshake(false);
    const ids = this.repl.ids;
    ids.shift(this.repl.offset);
    // Sub-replicas reconnect and learn the new id (they can continue under replid2).
    this.repl.dropReplicas();
    this.host.log('notice', `Setting secondary replication ID to ${ids.replid2}, valid up to offset: ${ids.secondOffset}. New replication ID is ${ids.replid}`);
    this.repl.becomePrimary();
    this.state = 'none';
    this.downSince = 0;
    this.host.config.load('replicaof', ['no', 'one']);
    this.host.logRole('M');
  }

  role(): RoleInfo {
    if (this.primaryHost === null) return { role: 'master', offset: this.repl.offset, replicas: this.replicaList() };
    return {
      role: 'slave', host: this.primaryHost, port: this.primaryPort, state: roleState(this.state),
      offset: this.primary?.reploff ?? -1,
    };
  }

  /** ROLE's replica list; set by the primary side. */
  replicaList: () => [string, string, string][] = () => [];

  /** What a key found expired becomes: kept while the primary's stream runs, hidden otherwise. */
  expiryPolicy(): 'keep' | 'hide' | null {
    if (this.primaryHost === null) return null;
    return this.stream.applying ? 'keep' : 'hide';
  }

  // ---- the link ----

  private connect(): void {
    const host = this.primaryHost!;
    const port = this.primaryPort;
    this.state = 'connecting';
    this.lastIo = Date.now();
    this.lineBuf = '';
    const link: OutgoingConnection = new OutgoingConnection(host, port, {
      connected: () => {
        if (link !== this.link) return;
        this.host.log('notice', 'Non blocking connect for SYNC fired the event.');
        this.lastIo = Date.now();
        link.write(encodeCommand(['PING']));
        this.state = 'receive_ping_reply';
      },
      data: (chunk) => {
        if (link === this.link) this.onData(chunk);
      },
      closed: (error) => {
        if (link === this.link) this.linkClosed(error);
      },
    });
    this.link = link;
    this.host.log('notice', 'MASTER <-> REPLICA sync started');
  }

  private onData(chunk: Buffer): void {
    this.lastIo = Date.now();
    const link = this.link;
    let c = chunk;
    // A failure may replace the link (reconnect): the rest of this chunk belongs to the old one.
    while (c.length > 0 && this.link === link) {
      if (this.state === 'transfer') {
        const before = c.length;
        c = this.transferData(c);
        this.countInput(before - c.length);
        continue;
      }
      if (this.state === 'connected') {
        this.countInput(c.length);
        this.streamData(c);
        this.turnTook(c.length);
        return;
      }
      const nl = c.indexOf(10);
      if (nl === -1) {
        this.lineBuf += c.toString('latin1');
        if (this.lineBuf.length > 64 * 1024) this.handshakeFailed('Master sent an overlong line during the SYNC handshake');
        return;
      }
      let line = this.lineBuf + c.toString('latin1', 0, nl);
      this.lineBuf = '';
      c = c.subarray(nl + 1);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      this.handshakeLine(line);
    }
  }

  /**
   * A replica far behind reads its primary's stream in reads of 64 KB, up to 2 MB in one turn of
   * the event loop: tens of thousands of commands while its clients (INFO, reads) wait. Past
   * TURN_BYTES the link stops reading until the next turn, as Redis reads a bounded amount per
   * turn from its primary too.
   */
  private turnTook(bytes: number): void {
    if (this.turnBytes === 0 && !this.turnEndScheduled) {
      this.turnEndScheduled = true;
      setImmediate(() => {
        this.turnEndScheduled = false;
        this.turnBytes = 0;
        const paused = this.pausedLink;
        this.pausedLink = null;
        if (paused !== null && paused === this.link) paused.resumeReading();
      });
    }
    this.turnBytes += bytes;
    if (this.turnBytes >= TURN_BYTES && this.pausedLink === null && this.link !== null) {
      this.pausedLink = this.link;
      this.link.pauseReading();
    }
  }

  private countInput(bytes: number): void {
    const s = this.host.stats;
    s.netInputBytes += bytes;
    s.netReplInputBytes += bytes;
  }

  /** A handshake error: drop the link; the cron connects again within a second. */
  private handshakeFailed(message: string): void {
    this.host.log('warning', message);
    this.closeLink();
    this.state = 'connect';
  }

  private handshakeLine(line: string): void {
    const link = this.link!;
    if (this.state === 'receive_ping_reply') {
      if (!pingReplyOk(line)) return this.handshakeFailed(`Error reply to PING from master: '${line}'`);
      this.host.log('notice', 'Master replied to PING, replication can continue...');
      const c = this.host.config;
      // Sent in one go; the replies are read back in the same order.
      this.replies = [];
      let out = '';
      const auth = c.str('masterauth');
      if (auth !== '') {
        const user = c.str('masteruser');
        out += encodeCommand(user !== '' ? ['AUTH', user, auth] : ['AUTH', auth]);
        this.replies.push('auth');
      }
      const port = c.num('replica-announce-port') || this.host.port;
      out += encodeCommand(['REPLCONF', 'listening-port', String(port)]);
      this.replies.push('port');
      const ip = c.str('replica-announce-ip');
      if (ip !== '') {
        out += encodeCommand(['REPLCONF', 'ip-address', ip]);
        this.replies.push('ip');
      }
      out += encodeCommand(['REPLCONF', 'capa', 'eof', 'capa', 'psync2']);
      this.replies.push('capa');
      link.write(out);
      this.state = STATE_OF[this.replies[0]!];
      return;
    }
    if (this.state === 'receive_psync_reply') return this.psyncReply(line);
    const kind = this.replies.shift();
    if (kind === undefined) return;
    if (line.startsWith('-')) {
      if (kind === 'auth') return this.handshakeFailed(`Unable to AUTH to MASTER: ${line}`);
      const what = kind === 'port' ? 'listening-port' : kind === 'ip' ? 'ip-address' : 'capa';
      this.host.log('notice', `(Non critical) Master does not understand REPLCONF ${what}: ${line}`);
    }
    if (this.replies.length > 0) {
      this.state = STATE_OF[this.replies[0]!];
      return;
    }
    this.sendPsync();
  }

  private sendPsync(): void {
    const c = this.cached;
    if (c !== null) {
      this.host.log('notice', `Trying a partial resynchronization (request ${c.replid}:${c.offset + 1}).`);
    } else {
      this.host.log('notice', 'Partial resynchronization not possible (no cached master)');
    }
    // The old primary of a FAILOVER asks the target to take over (it promotes itself first).
    this.link!.write(encodeCommand(psyncRequest(c, this.handingOver)));
    this.state = 'receive_psync_reply';
  }

  private psyncReply(line: string): void {
    const r = parsePsyncReply(line);
    if (r.kind !== 'wait' && this.handingOver) {
      // The FAILOVER target took over when it answers with a resync; any other answer aborts
      // the failover (we become a primary again) instead of retrying or falling back to SYNC.
      if (r.kind === 'try-later' || r.kind === 'not-supported') {
        this.host.log('warning', `Unexpected reply to PSYNC FAILOVER from the target: ${r.line}`);
        this.failover!.psyncAnswered(false);
        return;
      }
      this.psyncOutcome(r);
      this.failover!.psyncAnswered(true);
      return;
    }
    this.psyncOutcome(r);
  }

  private psyncOutcome(r: ReturnType<typeof parsePsyncReply>): void {
    switch (r.kind) {
      case 'wait':
        return;
      case 'full':
        if (r.replid === null) {
          this.host.log('warning', 'Master replied with wrong +FULLRESYNC syntax.');
          this.syncReplid = NO_REPLID;
          this.syncOffset = 0;
        } else {
          this.host.log('notice', `Full resync from master: ${r.replid}:${r.offset}`);
          this.syncReplid = r.replid;
          this.syncOffset = r.offset;
        }
        this.prePsync = false;
        return this.beginTransfer();
      case 'continue':
        return this.continued(r.newReplid);
      case 'try-later':
        return this.handshakeFailed(`Master is currently unable to PSYNC but should be in the future: ${r.line}`);
      case 'not-supported':
        this.host.log('warning', `Unexpected reply to PSYNC from master: ${r.line}`);
        this.host.log('notice', 'Retrying with SYNC...');
        // A primary without PSYNC names no history: ours starts anew at offset 0.
        this.syncReplid = randomHex40();
        this.syncOffset = 0;
        this.prePsync = true;
        this.link!.write(encodeCommand(['SYNC']));
        return this.beginTransfer();
    }
  }

  private continued(newReplid: string | null): void {
    const c = this.cached;
    if (c === null) return this.handshakeFailed('Master accepted a partial resynchronization we did not ask for');
    this.host.log('notice', 'Successful partial resynchronization with master.');
    this.cached = null;
    if (newReplid !== null && newReplid !== c.replid) {
      // The primary's history was renamed (it was promoted): adopt the new name, keep the old.
      this.repl.ids.followPrimary(newReplid, c.offset);
      this.repl.dropReplicas();
      c.replid = newReplid;
      this.host.log('notice', `Master replication ID changed to ${newReplid}`);
    }
    this.host.log('notice', 'MASTER <-> REPLICA sync: Master accepted a Partial Resynchronization.');
    this.repl.ensureBacklog();
    this.attach(c.replid, c.offset, c.db, false);
  }

  /** The link is ready to stream: the primary's client exists and the link is up. */
  private attach(replid: string, offset: number, db: number, prePsync: boolean): void {
    const link = this.link!;
    const client = new Client(this.host.clients.allocateId(), new PrimaryTransport(link), (t) => this.host.countError(t));
    client.flagLetters.add('M');
    client.authenticated = true;
    client.user = '(superuser)';
    client.dbIndex = db;
    this.host.clients.add(client);
    // The link is not an accepted connection (INFO total_connections_received).
    this.host.clients.totalConnections--;
    const now = Date.now();
    this.primary = {
      client, link, replid, reploff: offset, readReploff: offset, lastInteraction: now, prePsync,
      parser: new PrimaryStreamParser(), multi: null,
    };
    this.state = 'connected';
    this.downSince = 0;
  }

  // ---- full sync ----

  private beginTransfer(): void {
    this.state = 'transfer';
    this.transfer = { reader: new RdbTransferReader(), sink: null, size: 0, read: 0 };
  }

  /** Feeds transfer bytes; returns what follows the payload (the start of the stream), if any. */
  private transferData(c: Buffer): Buffer {
    const t = this.transfer!;
    for (const e of t.reader.push(c)) {
      const rest = this.transferEvent(t, e);
      if (rest !== null) return rest;
      if (this.transfer !== t) return Buffer.alloc(0);
    }
    return Buffer.alloc(0);
  }

  private transferEvent(t: Transfer, e: TransferEvent): Buffer | null {
    switch (e.type) {
      case 'keepalive':
        return null;
      case 'header': {
        const c = this.host.config;
        const plan = planLoad(c.str('repl-diskless-load') as DisklessLoad, this.host.ks.keyCount, this.syncReplid, this.repl.ids.replid);
        t.size = e.mode === 'disk' ? e.size : -1;
        if (e.mode === 'disk') {
          this.host.log('notice', `MASTER <-> REPLICA sync: receiving ${e.size} bytes from master to ${plan.disk ? 'disk' : 'parser'}`);
        } else {
          this.host.log('notice', `MASTER <-> REPLICA sync: receiving streamed RDB from master with EOF to ${plan.disk ? 'disk' : 'parser'}`);
        }
        try {
          t.sink = new PayloadSink(plan, this.dir(), Date.now(), process.pid);
        } catch (err) {
          this.host.log('warning', `Opening the temp file needed for MASTER <-> REPLICA synchronization: ${(err as Error).message}`);
          this.cancelHandshake(true);
          return null;
        }
        if (!plan.disk) {
          if (plan.async) {
            this.asyncLoading = true;
          } else {
            if (!plan.swap) {
              this.host.log('notice', 'MASTER <-> REPLICA sync: Flushing old data');
              this.host.ks.clearAll();
            }
            this.host.ks.loading = true;
          }
          this.host.log('notice', 'MASTER <-> REPLICA sync: Loading DB in memory');
        }
        return null;
      }
      case 'data':
        t.read += e.chunk.length;
        t.sink!.write(e.chunk);
        return null;
      case 'error':
        this.host.log('warning', e.message);
        this.cancelHandshake(true);
        return null;
      case 'end':
        return this.finishTransfer(t) ? e.rest : Buffer.alloc(0);
    }
  }

  /** Loads the received RDB; true when the link is now streaming. */
  private finishTransfer(t: Transfer): boolean {
    const sink = t.sink!;
    const ks = this.host.ks;
    const c = this.host.config;
    const settings = { limits: (d: string) => c.num(d), verifyChecksum: c.bool('rdbchecksum') };
    let loaded;
    if (sink.plan.disk) {
      this.host.log('notice', 'MASTER <-> REPLICA sync: Flushing old data');
      ks.clearAll();
      const path = `${this.dir()}/${c.str('dbfilename')}`;
      let buf: Buffer;
      try {
        buf = sink.finishToFile(path);
      } catch (err) {
        this.host.log('warning', `Failed trying to rename the temp DB into ${c.str('dbfilename')} in MASTER <-> REPLICA synchronization: ${(err as Error).message}`);
        this.cancelHandshake(true);
        return false;
      }
      this.host.log('notice', 'MASTER <-> REPLICA sync: Loading DB in memory');
      ks.loading = true;
      loaded = loadPayload(buf, ks.dbs, settings);
      ks.loading = false;
      if (typeof loaded === 'string') {
        this.host.log('warning', `Error loading the RDB from MASTER: ${loaded}`);
        this.host.log('warning', 'Failed trying to load the MASTER synchronization DB from disk, check server logs.');
        ks.clearAll();
        this.cancelHandshake(true);
        return false;
      }
      if (c.bool('rdb-del-sync-files') && c.str('save') === '' && !c.bool('appendonly')) {
        this.host.log('notice', 'Removing the RDB file obtained from the master. This replica has persistence disabled');
        try { sink.abort(); } catch { /* nothing left */ }
      }
    } else {
      const buf = sink.finishInMemory();
      const target = sink.plan.swap ? tempDbs(ks) : ks.dbs;
      loaded = loadPayload(buf, target, settings);
      ks.loading = false;
      this.asyncLoading = false;
      if (typeof loaded === 'string') {
        this.host.log('warning', `Error loading the RDB from MASTER: ${loaded}`);
        this.host.log('warning', 'Failed trying to load the MASTER synchronization DB from socket, check server logs.');
        if (sink.plan.swap) this.host.log('notice', 'MASTER <-> REPLICA sync: Discarding temporary DB in background');
        else ks.clearAll();
        this.cancelHandshake(true);
        return false;
      }
      if (sink.plan.swap) {
        this.discardCached();
        this.host.log('notice', 'MASTER <-> REPLICA sync: Swapping active DB with loaded DB');
        swapInDbs(ks, target);
        this.host.log('notice', 'MASTER <-> REPLICA sync: Discarding old DB in background');
      }
    }
    this.host.log('notice', `Done loading RDB, keys loaded: ${loaded.keys}, keys expired: 0.`);
    this.discardCached();
    ks.dirty++;
    this.transfer = null;
    // A new history: ours is the primary's from its offset on; the backlog restarts there.
    const ids = this.repl.ids;
    ids.replid = this.syncReplid!;
    ids.clearSecond();
    this.repl.ensureBacklog();
    this.repl.restartAt(this.syncOffset);
    // The AOF held the old data set: it starts over from the loaded one (Redis does the same).
    this.restartAof();
    this.attach(this.syncReplid!, this.syncOffset, loaded.streamDb, this.prePsync);
    // The primary streams only after our first ACK (diskless), so send it at once.
    if (!this.prePsync) this.sendAck();
    this.host.log('notice', 'MASTER <-> REPLICA sync: Finished with success');
    return true;
  }

  private dir(): string {
    return this.host.config.str('dir') || process.cwd();
  }

  // ---- the stream ----

  /** Runs every complete command of a read (replica-stream.ts). */
  private streamData(chunk: Buffer): void {
    this.stream.apply(this.primary!, chunk);
  }

  /** Set by the server: rewrites the AOF from the data set a full sync loaded (when AOF is on). */
  restartAof: () => void = () => {};

  /** Set by the server: our AOF's fsynced offset, -1 while AOF is off (the FACK of our ACKs). */
  fsyncedOffset: () => number = () => -1;

  /** Our AOF fsynced more: tell the primary at once (a WAITAOF there may wait for it). */
  fsyncMoved(): void {
    if (this.state === 'connected' && !this.primary!.prePsync) this.sendAck();
  }

  private sendAck(): void {
    const p = this.primary;
    if (p === null) return;
    // Redis 7.2 adds FACK while its AOF is on; older primaries ignore what follows the offset.
    const fsynced = this.fsyncedOffset();
    const ack = encodeCommand(fsynced === -1 ? ['REPLCONF', 'ACK', String(p.reploff)] : ['REPLCONF', 'ACK', String(p.reploff), 'FACK', String(fsynced)]);
    this.host.stats.netOutputBytes += ack.length;
    p.link.write(ack);
  }

  // ---- losing the link ----

  private linkClosed(error: string | null): void {
    const state = this.state;
    if (state === 'connected') {
      this.host.log('notice', 'Connection with master lost.');
      this.dropPrimary(true);
      this.downSince = Date.now();
      if (this.primaryHost !== null) {
        this.state = 'connect';
        this.host.log('notice', `Reconnecting to MASTER ${this.primaryHost}:${this.primaryPort}`);
        this.connect();
      }
      return;
    }
    if (state === 'transfer') {
      this.host.log('warning', 'I/O error trying to sync with MASTER: connection lost');
      this.cancelHandshake(true);
      return;
    }
    this.link = null;
    this.host.log('warning', `Error condition on socket for SYNC: ${error ?? 'Connection lost'}`);
    this.state = 'connect';
  }

  /** Frees the primary's client; with `cache` its id and offset are kept for a partial resync. */
  private dropPrimary(cache: boolean): void {
    const p = this.primary!;
    this.primary = null;
    this.link = null;
    if (cache) {
      this.host.log('notice', 'Caching the disconnected master state.');
      this.cached = { replid: p.replid, offset: p.reploff, db: p.client.dbIndex };
    }
    this.host.disconnect(p.client);
    p.link.close();
    if (this.state === 'connected') this.state = this.primaryHost === null ? 'none' : 'connect';
  }

  private discardCached(): void {
    if (this.cached === null) return;
    this.host.log('notice', 'Discarding previously cached master state.');
    this.cached = null;
  }

  /** Abandons a handshake or transfer in progress; with `reconnect` tries again at once. */
  private cancelHandshake(reconnect: boolean): void {
    const t = this.transfer;
    if (t !== null) {
      this.transfer = null;
      t.sink?.abort();
      this.host.ks.loading = false;
      this.asyncLoading = false;
    }
    if (this.state === 'connected' || this.state === 'none') return;
    this.closeLink();
    this.state = this.primaryHost === null ? 'none' : 'connect';
    if (reconnect && this.primaryHost !== null) {
      this.host.log('notice', `Reconnecting to MASTER ${this.primaryHost}:${this.primaryPort} after failure`);
      this.connect();
    }
  }

  private closeLink(): void {
    const link = this.link;
    this.link = null;
    link?.close();
  }

  // ---- cron ----

  /** From the server cron (any hz): timeouts every call, reconnects and ACKs once a second. */
  cron(now: number): void {
    this.repl.trim();
    if (this.primaryHost === null) return;
    const timeout = this.host.config.num('repl-timeout') * 1000;
    const s = this.state;
    if (s !== 'connect' && s !== 'transfer' && s !== 'connected' && now - this.lastIo > timeout) {
      this.host.log('warning', 'Timeout connecting to the MASTER...');
      this.cancelHandshake(true);
    } else if (s === 'transfer' && now - this.lastIo > timeout) {
      this.host.log('warning', "Timeout receiving bulk data from MASTER... If the problem persists try to set the 'repl-timeout' parameter in redis.conf to a larger value.");
      this.cancelHandshake(true);
    } else if (s === 'connected' && now - this.primary!.lastInteraction > timeout) {
      this.host.log('warning', 'MASTER timeout: no data nor PING received...');
      this.host.disconnect(this.primary!.client);
    }
    if (now - this.lastSecondTick < 1000) return;
    this.lastSecondTick = now;
    if (this.state === 'connect') {
      this.host.log('notice', `Connecting to MASTER ${this.primaryHost}:${this.primaryPort}`);
      this.connect();
    } else if (this.state === 'connected' && !this.primary!.prePsync) {
      this.sendAck();
    }
  }

  close(): void {
    if (this.primary !== null) this.dropPrimary(false);
    this.cancelHandshake(false);
    this.closeLink();
  }

  // ---- INFO ----

  /** INFO replication, replica part (role:slave ... replica_announced). */
  infoFields(now: number): [string, string | number][] {
    const c = this.host.config;
    const p = this.primary;
    const f: [string, string | number][] = [
      ['role', 'slave'],
      ['master_host', this.primaryHost!],
      ['master_port', this.primaryPort],
      ['master_link_status', this.state === 'connected' ? 'up' : 'down'],
      ['master_last_io_seconds_ago', p !== null ? Math.floor((now - p.lastInteraction) / 1000) : -1],
      ['master_sync_in_progress', this.state === 'transfer' ? 1 : 0],
      ['slave_read_repl_offset', p?.readReploff ?? this.cached?.offset ?? 0],
      ['slave_repl_offset', p?.reploff ?? this.cached?.offset ?? 0],
    ];
    const t = this.transfer;
    if (t !== null) {
      const perc = t.size > 0 ? (t.read / t.size) * 100 : 0;
      f.push(
        ['master_sync_total_bytes', t.size],
        ['master_sync_read_bytes', t.read],
        ['master_sync_left_bytes', t.size - t.read],
        ['master_sync_perc', perc.toFixed(2)],
        ['master_sync_last_io_seconds_ago', Math.floor((now - this.lastIo) / 1000)],
      );
    }
    if (this.state !== 'connected') {
      f.push(['master_link_down_since_seconds', this.downSince !== 0 ? Math.floor((now - this.downSince) / 1000) : -1]);
    }
    f.push(
      ['slave_priority', c.num('replica-priority')],
      ['slave_read_only', c.bool('replica-read-only') ? 1 : 0],
      ['replica_announced', c.bool('replica-announced') ? 1 : 0],
    );
    return f;
  }
}

/** ROLE's name for a link state. */
function roleState(s: LinkState): string {
  switch (s) {
    case 'none': return 'none';
    case 'connect': return 'connect';
    case 'connecting': return 'connecting';
    case 'transfer': return 'sync';
    case 'connected': return 'connected';
    default: return 'handshake';
  }
}
