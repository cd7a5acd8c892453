// The primary's replication stream: a PropagationTarget that turns each propagated command into
// RESP (with SELECT when the db changes) and appends it to the shared buffer, plus the periodic
// PING. It owns the "last selected db" of the stream; it never touches sockets or replicas.

import type { PropagationTarget } from '../exec/propagate.js';
import { encodeCommand, encodeSelect } from '../resp/encode.js';
import type { ReplBuffer } from './repl-buffer.js';

const PING = encodeCommand(['PING']);

export class ReplicationStream implements PropagationTarget {
  /** Db the replicas are in after the stream so far; -1 forces a SELECT before the next command. */
  private selectedDb = -1;
  /** Calls of cron() so far: the PING goes out when this is a multiple of the period. */
  private cronLoops = 0;

  /** Runs after each propagated unit (the primary side schedules sending it to replicas). */
  onUnitEnd: () => void = () => {};

  constructor(readonly buffer: ReplBuffer) {}

  unitEnd(): void {
    this.onUnitEnd();
  }

  /** master_repl_offset. */
  get offset(): number {
    return this.buffer.offset;
  }

  /** The db of the last SELECT in the stream, or -1 when the next command will emit one. */
  get streamDb(): number {
    return this.selectedDb;
  }

  feed(dbIndex: number, argv: readonly string[]): void {
    if (dbIndex !== this.selectedDb) {
      this.buffer.append(encodeSelect(dbIndex));
      this.selectedDb = dbIndex;
    }
    this.buffer.append(encodeCommand(argv));
  }

  /**
   * The next command emits SELECT whatever its db. Needed whenever a replica may start reading
   * with another db selected: a full sync starts (the replica loads the RDB and sits in db 0),
   * or this server just became a primary (its replicas continue with the old primary's db).
   */
  forceSelect(): void {
    this.selectedDb = -1;
  }

  /**
   * The replication cron, called once a second. Every `pingPeriod` calls it appends a PING when
   * replicas are attached, so that replicas see traffic (their repl-timeout) and offsets move.
   * The PING carries no SELECT: it runs in whatever db the stream is in. It is skipped while a
   * failover has writes paused, since it would move the offset the failover waits for.
   * Returns true when a PING was appended.
   */
  cron(pingPeriod: number, replicasAttached: number, failoverPaused = false): boolean {
    const due = this.cronLoops % Math.max(1, pingPeriod) === 0;
    this.cronLoops++;
    if (!due || replicasAttached === 0 || failoverPaused) return false;
    this.buffer.append(PING);
    return true;
  }

  /**
   * A replica's own stream is its primary's, byte for byte, so that sub-replicas share the
   * primary's replication id and offsets: bytes applied from the primary are appended as they are.
   */
  proxy(bytes: Buffer): void {
    this.buffer.append(bytes);
  }
}
