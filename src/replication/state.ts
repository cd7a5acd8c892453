// The server's replication state shared by both roles: replication ids, the shared buffer (the
// backlog; it exists only once something needed it), master_repl_offset, and the stream target
// that feeds the buffer while this server is a primary. replica.ts drives it on the replica side;
// the primary side (SYNC/PSYNC serving) will read the same object.

import type { Propagator } from '../exec/propagate.js';
import { ReplIds } from './psync.js';
import { ReplBuffer, TRIM_BLOCKS_PER_SLEEP } from './repl-buffer.js';
import { ReplicationStream } from './stream.js';

export class ReplicationState {
  readonly ids = new ReplIds();
  /** The shared buffer / backlog, or null while none exists (repl_backlog_active:0). */
  buffer: ReplBuffer | null = null;
  /** Feeds the buffer from the propagator; registered only while this server is a primary. */
  private stream: ReplicationStream | null = null;
  /** master_repl_offset while there is no buffer (Redis does not count without a backlog). */
  private bareOffset = 0;

  constructor(private readonly propagator: Propagator, private readonly backlogSize: () => number) {}

  /** master_repl_offset. */
  get offset(): number {
    return this.buffer?.offset ?? this.bareOffset;
  }

  /** Creates the backlog at the current offset if there is none (Redis's createReplicationBacklog). */
  ensureBacklog(): ReplBuffer {
    this.buffer ??= new ReplBuffer({ offset: this.bareOffset, backlogSize: this.backlogSize() });
    return this.buffer;
  }

  /** A new history begins at `offset` (after a full sync): the backlog's old content is void. */
  restartAt(offset: number): void {
    this.bareOffset = offset;
    if (this.buffer !== null) this.buffer.reset(offset);
  }

  /** A replica appends exactly the bytes it applied, so sub-replicas see the primary's stream. */
  proxy(bytes: Buffer): void {
    if (this.buffer !== null) this.buffer.append(bytes);
  }

  /** This server is a primary from now on: its own writes feed the backlog (when one exists). */
  becomePrimary(): void {
    if (this.buffer === null || this.stream !== null) return;
    this.stream = new ReplicationStream(this.buffer);
    // Replicas that continue with us were in whatever db our primary's stream left them.
    this.stream.forceSelect();
    this.propagator.addTarget(this.stream);
  }

  /** This server follows a primary: its stream is the primary's (proxied), not its own. */
  becomeReplica(): void {
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
  }
}
