// What replication commands (REPLICAOF, SLAVEOF, ROLE, SYNC, PSYNC, REPLCONF, WAIT) may ask of the
// server's replication module. replication/replica.ts and replication/primary.ts implement it;
// commands reach them through ServerApi.replication / ServerApi.primary and never see links,
// sockets or buffers.

import type { CommandError } from '../resp/errors.js';
import type { Client } from '../session/client.js';

export type RoleInfo =
  | { role: 'master'; offset: number; replicas: readonly [ip: string, port: string, offset: string][] }
  | { role: 'slave'; host: string; port: number; state: string; offset: number };

export interface ReplicationApi {
  /** REPLICAOF host port: false when already following that primary (nothing changes). */
  follow(host: string, port: number, caller: Client): boolean;
  /** REPLICAOF NO ONE: stop following and become a primary (no-op when not a replica). */
  promote(caller: Client): void;
  role(): RoleInfo;
  /** A FAILOVER is in progress (REPLICAOF is refused then). */
  readonly failingOver: boolean;
}

/**
 * The blocking event (exec/blocking.ts) signalled on every REPLCONF ACK: WAIT parks on it and,
 * run again, checks the acknowledged offsets once more.
 */
export const REPLICATION_ACK_EVENT = 'replication-ack';

/** The primary side: serving replicas. */
export interface PrimaryApi {
  /**
   * SYNC / PSYNC: the client becomes a replica. Replies (+FULLRESYNC, +CONTINUE, the RDB) are
   * written by the replication module itself; an error is returned for the command to reply,
   * null when nothing is to be replied.
   */
  sync(client: Client, argv: readonly string[]): CommandError | null;
  /** REPLCONF: 'ok' to reply +OK, 'none' for no reply (ACK, GETACK), or the error to reply. */
  replconf(client: Client, argv: readonly string[]): 'ok' | 'none' | CommandError;
  /** master_repl_offset (call() records it as a client's woff after its writes propagate). */
  readonly offset: number;
  /** WAIT: online replicas whose acknowledged offset reached `offset`. */
  ackedAtLeast(offset: number): number;
  /** WAIT parked a client: one REPLCONF GETACK * goes to the replicas at the end of this turn. */
  requestAck(): void;
  /** WAITAOF: online replicas that reported `offset` fsynced to their AOF (REPLCONF ACK ... FACK). */
  aofAckedAtLeast(offset: number): number;
  /** WAITAOF: our AOF's fsynced replication offset, -1 while AOF is off. */
  localFsynced(): number;
  /** FAILOVER [TO host port [FORCE]] [TIMEOUT ms], parsed: null when it started, else the error. */
  startFailover(req: { target: { host: string; port: number } | null; timeoutMs: number; force: boolean }): CommandError | null;
  /** FAILOVER ABORT: false when no failover is in progress. */
  abortFailover(): boolean;
}
