// What replication commands (REPLICAOF, SLAVEOF, ROLE) may ask of the server's replication
// module. replication/replica.ts implements it; commands reach it through
// ServerApi.replication and never see links, sockets or buffers.

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
