// The set of databases and what every database shares: the clock a command sees, change
// counters, keyspace stats, and the hooks through which the rest of the server observes changes.
// This module imports only util/: the server wires the hooks in.

import { Db } from './db.js';

export type ExpiryPolicy = 'delete' | 'hide' | 'keep';

export interface KeyspaceHooks {
  /** After a key changed: WATCH, client tracking and blocked clients are told. */
  keyChanged(db: Db, key: string): void;
  /** A keyspace notification, already classified. */
  notify(cls: string, event: string, key: string, dbIndex: number): void;
  /** A key was deleted because it expired: the deletion must be propagated. */
  expired(db: Db, key: string): void;
  /**
   * What to do with a key found expired: delete it (primary), hide it without deleting (replica
   * serving clients, or writes paused), or keep it (the primary's own stream on a replica).
   */
  expiryPolicy(): ExpiryPolicy;
}

/** Observes modifications for a point-in-time snapshot (see persistence/snapshot.ts). */
export interface ChangeObserver {
  beforeChange(db: Db, key: string, slot: number): void;
  beforeClear(db: Db): void;
}

export interface KeyspaceStats {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  evictedKeys: number;
  expiredStalePerc: number;
  expiredTimeCapReached: number;
  expireCycleCpuMs: number;
}

export class Keyspace {
  readonly dbs: Db[];
  /** The time commands see, in ms: fixed for the duration of one execution unit. */
  now = Date.now();
  /** Changes since the last save (Redis's server.dirty). */
  dirty = 0;
  /** True while a dataset is being loaded: nothing expires then. */
  loading = false;
  /** The active expiry cycle runs only while set (DEBUG SET-ACTIVE-EXPIRE). */
  activeExpireEnabled = true;
  readonly stats: KeyspaceStats = {
    keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0, evictedKeys: 0,
    expiredStalePerc: 0, expiredTimeCapReached: 0, expireCycleCpuMs: 0,
  };
  private observers: ChangeObserver[] = [];

  constructor(count: number, readonly hooks: KeyspaceHooks, readonly wrongTypeError: () => unknown) {
    this.dbs = Array.from({ length: count }, (_, i) => new Db(i, this));
  }

  get keyCount(): number {
    let n = 0;
    for (const db of this.dbs) n += db.size;
    return n;
  }

  addObserver(o: ChangeObserver): void { this.observers.push(o); }
  removeObserver(o: ChangeObserver): void { this.observers = this.observers.filter((x) => x !== o); }

  /** Called by Db before any key changes. Costs one length check when no snapshot runs. */
  beforeChange(db: Db, key: string, slot: number): void {
    if (this.observers.length === 0) return;
    for (const o of this.observers) o.beforeChange(db, key, slot);
  }

  beforeClear(db: Db): void {
    for (const o of this.observers) o.beforeClear(db);
  }

  /** FLUSHALL: empties every database, returns the number of keys removed. */
  clearAll(): number {
    let n = 0;
    for (const db of this.dbs) n += db.clear();
    return n;
  }
}
