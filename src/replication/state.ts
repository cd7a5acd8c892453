// The server's replication state shared by both roles: replication ids, the shared buffer (the
// backlog; it exists only once something needed it), master_repl_offset, and the stream target
// that feeds the buffer while this server is a primary. replica.ts drives it on the replica side;
// the primary side (primary.ts) serves replicas from the same buffer and sets the two hooks.

import type { PropagationTarget, Propagator } from '../exec/propagate.js';
import { ReplIds } from './psync.js';
import { ReplBuffer, TRIM_BLOCKS_PER_SLEEP } from './repl-buffer.js';
import { ReplicationStream } from './stream.js';

export class ReplicationState {
  readonly ids = new ReplIds();
  /** The shared buffer / backlog, or null while none exists (repl_backlog_active:0). */
  buffer: ReplBuffer | null = null;
  /** Feeds the buffer from the propagator; registered only while this server is a primary. */
  private stream: ReplicationStream | null = null;
  /** master_repl_offset while there is no buffer (it moves then only through `counter`). */
  private bareOffset = 0;
  /**
   * Redis 7.2: a primary with AOF on and no backlog still moves master_repl_offset, by one per
   * propagated command, so that WAITAOF can tell which writes an fsync covered. This target does
   * that while it is registered (syncCounter decides).
   */
  private readonly counter: PropagationTarget = { feed: () => { this.bareOffset++; } };
  private counting = false;
  /** Set by the server: AOF is on (or being turned on). */
  aofOn: () => boolean = () => false;
  /** Set by the server: we follow a primary (its stream moves our offset, not our writes). */
  isReplica: () => boolean = () => false;

  /** Set by the primary side: bytes were appended (its replicas' readers have more to send). */
  appended: () => void = () => {};
  /**
   * Set by the primary side: drops every attached replica. Called before the history changes
   * under them (a new full sync from our primary, a new primary, a promotion), so that they
   * resynchronize and learn the new history.
   */
  dropReplicas: () => void = () => {};

  constructor(private readonly propagator: Propagator, private readonly backlogSize: () => number) {}

  /** master_repl_offset. */
  get offset(): number {
    return this.buffer?.offset ?? this.bareOffset;
  }

  /** Creates the backlog at the current offset if there is none (Redis's createReplicationBacklog). */
  ensureBacklog(): ReplBuffer {
    this.buffer ??= new ReplBuffer({ offset: this.bareOffset, backlogSize: this.backlogSize() });
    this.syncCounter();
    return this.buffer;
  }

  /** Registers or removes the offset counter (see `counter`); also run from the cron. */
  syncCounter(): void {
    const want = this.buffer === null && this.aofOn() && !this.isReplica();
    if (want === this.counting) return;
    this.counting = want;
    if (want) this.propagator.addTarget(this.counter);
    else this.propagator.removeTarget(this.counter);
  }

  /** A new history begins at `offset` (after a full sync): the backlog's old content is void. */
  restartAt(offset: number): void {
    this.dropReplicas();
    this.bareOffset = offset;
    if (this.buffer !== null) this.buffer.reset(offset);
  }

  /** A replica appends exactly the bytes it applied, so sub-replicas see the primary's stream. */
  proxy(bytes: Buffer): void {
    if (this.buffer !== null) {
      this.buffer.append(bytes);
      this.appended();
    }
  }

  /** Bytes for the replicas that are not a propagated command (REPLCONF GETACK), in no db. */
  appendRaw(bytes: string): void {
    if (this.buffer === null) return;
    this.buffer.append(bytes);
    this.appended();
  }

  /** The next propagated command emits SELECT (a full sync starts: replicas load into db 0). */
  forceSelect(): void {
    this.stream?.forceSelect();
  }

  /** The stream's current db (-1 when the next command selects), for the image's repl-stream-db. */
  get streamDb(): number {
    return this.stream?.streamDb ?? -1;
  }

  /** The replication cron's PING (only while we are a primary with a stream). */
  cronPing(period: number, replicas: number, paused: boolean): void {
    if (this.stream !== null && this.stream.cron(period, replicas, paused)) this.appended();
  }

  /** True while our own writes feed the buffer (a primary with a backlog). */
  get streaming(): boolean {
    return this.stream !== null;
  }

  /**
   * Frees the backlog after repl-backlog-ttl without replicas: a new history starts, since the
   * offsets we could continue from are gone.
   */
  freeBacklog(): void {
    if (this.buffer === null || this.buffer.readerCount > 0) return;
    this.ids.change();
    this.ids.clearSecond();
    this.bareOffset = this.buffer.offset;
    if (this.stream !== null) this.propagator.removeTarget(this.stream);
    this.stream = null;
    this.buffer = null;
    this.syncCounter();
  }

  /**
   * A primary restarted from an RDB that recorded its history (repl-id / repl-offset aux
   * fields): the old history stays reachable as replid2 up to that offset, a backlog is created
   * at it, so replicas of the previous run continue with a partial resync (Redis 7's behaviour).
   * Called by the startup load.
   */
  restoreFromRdb(replid: string, offset: number): void {
    this.ids.replid2 = replid;
    this.ids.secondOffset = offset + 1;
    this.ids.change();
    this.bareOffset = offset;
    if (this.buffer !== null && this.buffer.readerCount === 0) this.buffer.reset(offset);
    this.ensureBacklog();
    this.becomePrimary();
  }

  /** This server is a primary from now on: its own writes feed the backlog (when one exists). */
  becomePrimary(): void {
    this.syncCounter();
    if (this.buffer === null || this.stream !== null) return;
    this.stream = new ReplicationStream(this.buffer);
    const stream = this.stream;
    stream.onUnitEnd = () => this.appended();
    // Replicas that continue with us were in whatever db our primary's stream left them.
    this.stream.forceSelect();
    this.propagator.addTarget(this.stream);
  }

  /** This server follows a primary: its stream is the primary's (proxied), not its own. */
  becomeReplica(): void {
    this.syncCounter();
    if (this.stream === null) return;
    this.propagator.removeTarget(this.stream);
    this.bareOffset = this.stream.offset;
    this.stream = null;
  }

  /** repl-backlog-size changed. */
  resize(): void {
    this.buffer?.setBacklogSize(this.backlogSize());
  }

  /** Frees trimmed blocks a little at a time (from the cron). */
  trim(): void {
    if (this.buffer !== null && this.buffer.trimPending) this.buffer.trim(TRIM_BLOCKS_PER_SLEEP);
    // AOF turned on or off since: follow it within a cron tick.
    this.syncCounter();
  }
}
