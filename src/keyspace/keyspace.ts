// The set of databases and what every database shares: the clock a command sees, change
// counters, keyspace stats, and the hooks through which the rest of the server observes changes.
// This module imports only util/: the server wires the hooks in.

import { lfuNewWord, lfuTouch, lruClock } from './access.js';
import { Db } from './db.js';
import { ActiveExpire } from './expire.js';

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
  /** FLUSHDB (the db's index) or FLUSHALL (-1) emptied databases: WATCH must be told. */
  flushed?(dbIndex: number): void;
  /** SWAPDB exchanged two databases: WATCH and clients blocked on keys must be told. */
  swapped?(a: number, b: number): void;
  /** A database is about to be emptied (its keys are still there): WATCH must be told. */
  flushing?(db: Db): void;
}

/** Observes modifications for a point-in-time snapshot (see persistence/snapshot.ts). */
export interface ChangeObserver {
  beforeChange(db: Db, key: string, slot: number): void;
  beforeClear(db: Db): void;
  /** Two databases are about to exchange their contents (SWAPDB, async-loading swaps). */
  beforeSwap?(a: Db, b: Db): void;
}

export interface KeyspaceStats {
  keyspaceHits: number;
  keyspaceMisses: number;
  expiredKeys: number;
  evictedKeys: number;
  /** A moving average of the stale share of sampled keys, as a fraction (INFO prints ×100). */
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
  readonly stats: KeyspaceStats = {
    keyspaceHits: 0, keyspaceMisses: 0, expiredKeys: 0, evictedKeys: 0,
    expiredStalePerc: 0, expiredTimeCapReached: 0, expireCycleCpuMs: 0,
  };
  private observers: ChangeObserver[] = [];

  // ---- access tracking (OBJECT IDLETIME / FREQ, eviction); the server mirrors the config ----
  /** True under an LFU maxmemory-policy: access words hold LFU data instead of an LRU clock. */
  lfu = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /**
   * False while notify-keyspace-events selects nothing: modifications then skip classifying
   * and publishing their events altogether (the common case, on every write's path).
   */
  notifying = false;
  /** Set while the running command must not update access times (CLIENT NO-TOUCH). */
  noTouch = false;
  /** The random source of LFU increments (tests may make it deterministic). */
  random: () => number = Math.random;
  /** Active expiry runs from the cron while set (DEBUG SET-ACTIVE-EXPIRE clears it). */
  activeExpireEnabled = true;
  /** The active expire cycle and its state between calls. */
  readonly activeExpire: ActiveExpire = new ActiveExpire(this);

  /**
   * @param clusterSlots cluster mode (cluster-enabled yes): partition each db by cluster slot
   *   (CRC16) instead of by the keys' table hash (see Db.slotOf).
   */
  constructor(count: number, readonly hooks: KeyspaceHooks, readonly wrongTypeError: () => unknown,
    readonly clusterSlots = false) {
    this.dbs = Array.from({ length: count }, (_, i) => new Db(i, this));
  }

  /** The access word of a key created now. */
  newAccessWord(): number {
    return this.lfu ? lfuNewWord(this.now) : lruClock(this.now);
  }

  /** The access word after an access (LFU counters grow logarithmically). */
  touchedWord(word: number): number {
    return this.lfu ? lfuTouch(word, this.now, this.lfuLogFactor, this.lfuDecayTime, this.random()) : lruClock(this.now);
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
    this.hooks.flushing?.(db);
    for (const o of this.observers) o.beforeClear(db);
  }

  beforeSwap(a: Db, b: Db): void {
    for (const o of this.observers) o.beforeSwap?.(a, b);
  }

  /** FLUSHALL: empties every database, returns the number of keys removed. */
  clearAll(): number {
    let n = 0;
    for (const db of this.dbs) n += db.clear(false);
    this.hooks.flushed?.(-1);
    return n;
  }

  /** SWAPDB: exchanges the contents of two databases (clients stay on their db index). */
  swap(a: number, b: number): void {
    if (a !== b) this.dbs[a]!.swapContents(this.dbs[b]!);
    this.hooks.swapped?.(a, b);
  }
}
