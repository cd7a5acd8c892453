// What the primary keeps for WAIT and min-replicas-to-write: the REPLCONF GETACK request that
// beforeSleep sends once a WAIT parked, the good-replica count, and the NOREPLICAS gate. WAIT
// itself parks through exec/blocking.ts (on the replication-ack event); nothing here parks,
// times out or replies to a client.

import type { Gate } from '../exec/dispatcher.js';
import { Err } from '../resp/errors.js';

export interface WaitsPrimary {
  goodReplicas(now: number, maxLagSeconds: number): number;
}

export interface WaitsHost {
  readonly config: { num(name: string): number };
  readonly replication: { readonly isReplica: boolean };
  requestFlush(): void;
}

export class Waits {
  /** Set when a WAIT parked: beforeSleep sends one REPLCONF GETACK * for all of them. */
  getAckRequested = false;
  /** repl_good_slaves_count: online replicas with a recent enough ACK. */
  goodCount = 0;

  constructor(private readonly primary: WaitsPrimary, private readonly host: WaitsHost) {}

  /** A WAIT parked: ask the replicas for an ACK at the end of this event-loop turn. */
  requestAck(): void {
    this.getAckRequested = true;
    this.host.requestFlush();
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
