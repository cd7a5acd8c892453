// WAIT and min-replicas-to-write: clients parked until enough replicas acknowledge an offset
// (or their timeout fires), the REPLCONF GETACK request that beforeSleep sends for them, and
// the good-replica count the NOREPLICAS gate reads. Parking uses the session's client.blocked and
// resume() with a timer per waiter; it is isolated here so it can move onto the blocking
// mechanism (parking on a replication offset) without touching the rest of replication.

import type { Gate } from '../exec/dispatcher.js';
import { Err } from '../resp/errors.js';
import type { Client } from '../session/client.js';

interface Waiter {
  client: Client;
  offset: number;
  numreplicas: number;
  timer: NodeJS.Timeout | null;
}

export interface WaitsPrimary {
  ackedAtLeast(offset: number): number;
  goodReplicas(now: number, maxLagSeconds: number): number;
}

export interface WaitsHost {
  readonly config: { num(name: string): number };
  readonly replication: { readonly isReplica: boolean };
  resume(client: Client): void;
  requestFlush(): void;
}

export class Waits {
  private readonly waiters = new Map<Client, Waiter>();
  /** Set when a client parked: beforeSleep sends one REPLCONF GETACK * for all of them. */
  getAckRequested = false;
  /** repl_good_slaves_count: online replicas with a recent enough ACK. */
  goodCount = 0;

  constructor(private readonly primary: WaitsPrimary, private readonly host: WaitsHost) {}

  get size(): number {
    return this.waiters.size;
  }

  /**
   * WAIT: the count at once when it suffices or the client may not block, else null (parked).
   * `offset` is the offset the client's writes reached (master_repl_offset when it asks).
   */
  wait(client: Client, numreplicas: number, timeoutMs: number, block: boolean, offset: number): number | null {
    const acked = this.primary.ackedAtLeast(offset);
    if (acked >= numreplicas || !block) return acked;
    const w: Waiter = { client, offset, numreplicas, timer: null };
    if (timeoutMs > 0) {
      w.timer = setTimeout(() => this.finish(w), timeoutMs);
    }
    this.waiters.set(client, w);
    client.blocked = true;
    this.getAckRequested = true;
    this.host.requestFlush();
    return null;
  }

  /** An ACK arrived: answer the waiters it satisfies. */
  acked(): void {
    if (this.waiters.size === 0) return;
    for (const w of [...this.waiters.values()]) {
      if (this.primary.ackedAtLeast(w.offset) >= w.numreplicas) this.finish(w);
    }
  }

  private finish(w: Waiter): void {
    if (this.waiters.get(w.client) !== w) return;
    this.waiters.delete(w.client);
    if (w.timer !== null) clearTimeout(w.timer);
    const c = w.client;
    c.blocked = false;
    if (c.closing) return;
    c.reply.integer(this.primary.ackedAtLeast(w.offset));
    this.host.resume(c);
  }

  clientGone(c: Client): void {
    const w = this.waiters.get(c);
    if (w === undefined) return;
    this.waiters.delete(c);
    if (w.timer !== null) clearTimeout(w.timer);
  }

  close(): void {
    for (const w of this.waiters.values()) if (w.timer !== null) clearTimeout(w.timer);
    this.waiters.clear();
  }

  /** Recounts good replicas (cron, and whenever a replica comes online or leaves). */
  refreshGood(): void {
    const lag = this.host.config.num('min-replicas-max-lag');
    this.goodCount = this.primary.goodReplicas(Date.now(), lag);
  }

  /** The NOREPLICAS gate: writes need min-replicas-to-write good replicas (on a primary). */
  gate(): Gate {
    const config = this.host.config;
    return {
      check: (_client, cmd) => {
        if (!cmd.isWrite) return null;
        const min = config.num('min-replicas-to-write');
        if (min === 0 || config.num('min-replicas-max-lag') === 0 || this.host.replication.isReplica) return null;
        return this.goodCount < min ? Err.noReplicas() : null;
      },
    };
  }
}
