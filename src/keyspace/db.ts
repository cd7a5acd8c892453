// One logical database: its keys partitioned by cluster hash slot, and their expire times.
// Every modification passes through here so that the before-change hook (forkless snapshots),
// the change signal (WATCH, tracking, blocked clients) and notifications can never be skipped.
// Partitioning by slot gives snapshots a stable walk order ("slot < cursor" means "already
// written"), exact SCAN cursors, and cluster mode its per-slot key sets.
// Outside cluster mode the slot is the top 14 bits of the key's table hash rather than its
// CRC16 cluster slot, so that a lookup hashes the key once (see slotOf).

import { keySlot, SLOT_COUNT } from '../util/crc16.js';
import { KeyTable, keyHash } from './key-table.js';
import { eventClass } from './notify.js';
import { typeName, type TypeName, type Value } from './value.js';
import type { Keyspace } from './keyspace.js';

export { KeyTable };

/** Outside cluster mode a key's slot is its table hash shifted right by this (top 14 bits). */
const HASH_SLOT_SHIFT = 32 - 14;

/** Where the active expire cycle stands in one database (see expire.ts). */
export interface ExpireCursor {
  /** The expires map the iterator walks; a new map (flush, swap) restarts the walk. */
  map: Map<string, number> | null;
  iter: Iterator<[string, number]> | null;
}

export class Db {
  /** Tables per slot, created on first use. */
  private tables: (KeyTable | undefined)[] = new Array<KeyTable | undefined>(SLOT_COUNT);
  /** Absolute expire times in ms since the epoch. */
  expires = new Map<string, number>();
  private count = 0;
  /** Running average TTL of sampled volatile keys in ms, as INFO keyspace shows (avg_ttl). */
  avgTtl = 0;
  /** The active expire cycle's position. */
  expireCursor: ExpireCursor = { map: null, iter: null };

  /**
   * True in cluster mode (cluster-enabled, fixed at startup): keys are partitioned by their
   * cluster slot (CRC16), which CLUSTER commands and per-slot key sets need. Otherwise by hash.
   */
  private readonly clusterSlots: boolean;

  constructor(readonly index: number, private readonly ks: Keyspace) {
    this.clusterSlots = ks.clusterSlots;
  }

  get size(): number { return this.count; }

  /**
   * The slot whose table holds a key (what slotTable, SCAN cursors and the before-change hook
   * mean by slot): the cluster slot in cluster mode, else the top bits of the table hash. Not a
   * cluster slot outside cluster mode: use util/crc16 keySlot for that.
   */
  slotOf(key: string): number {
    return this.clusterSlots ? keySlot(key) : keyHash(key) >>> HASH_SLOT_SHIFT;
  }

  // ---- lookups ----

  /**
   * The value of a key that exists and is not logically expired; records an access (LRU clock
   * or LFU counter) unless the client asked for NO-TOUCH. No stats, no hooks.
   */
  lookup(key: string): Value | undefined {
    const h = keyHash(key);
    const t = this.tables[this.clusterSlots ? keySlot(key) : h >>> HASH_SLOT_SHIFT];
    if (t === undefined) return undefined;
    const i = t.find(key, h);
    if (i === -1) return undefined;
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return undefined;
    if (!this.ks.noTouch) t.setMetaAt(i, this.ks.touchedWord(t.metaAt(i)));
    return t.valueAt(i);
  }

  /** Like lookup but never records an access (TYPE, EXISTS, TTL, OBJECT, internal readers). */
  peek(key: string): Value | undefined {
    const h = keyHash(key);
    const t = this.tables[this.clusterSlots ? keySlot(key) : h >>> HASH_SLOT_SHIFT];
    if (t === undefined) return undefined;
    const i = t.find(key, h);
    if (i === -1) return undefined;
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return undefined;
    return t.valueAt(i);
  }

  /** A lookup on behalf of a reading command: counts keyspace hits and misses. */
  lookupRead(key: string, noTouch = false): Value | undefined {
    const v = noTouch ? this.peek(key) : this.lookup(key);
    if (v === undefined) {
      this.ks.stats.keyspaceMisses++;
      // Redis emits keymiss exactly where it counts a miss (lookupKeyRead).
      if (this.ks.notifying) this.ks.hooks.notify('m', 'keymiss', key, this.index);
    } else {
      this.ks.stats.keyspaceHits++;
    }
    return v;
  }

  /** A lookup on behalf of a command that may modify the key: runs the before-change hook. */
  lookupWrite(key: string): Value | undefined {
    const v = this.lookup(key);
    if (v !== undefined) this.ks.beforeChange(this, key, this.slotOf(key));
    return v;
  }

  /** Typed read lookup: undefined when missing, WRONGTYPE error when of another type. */
  readOfType<T extends Value>(key: string, type: TypeName): T | undefined {
    const v = this.lookupRead(key);
    if (v !== undefined && typeName(v) !== type) throw this.ks.wrongTypeError();
    return v as T | undefined;
  }

  writeOfType<T extends Value>(key: string, type: TypeName): T | undefined {
    const v = this.lookupWrite(key);
    if (v !== undefined && typeName(v) !== type) throw this.ks.wrongTypeError();
    return v as T | undefined;
  }

  exists(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** Records an access even for a NO-TOUCH client (the TOUCH command); false when missing. */
  touch(key: string): boolean {
    const t = this.tables[this.slotOf(key)];
    if (t === undefined) return false;
    const i = t.find(key);
    if (i === -1) return false;
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return false;
    t.setMetaAt(i, this.ks.touchedWord(t.metaAt(i)));
    return true;
  }

  /** The raw access word of a live key (OBJECT IDLETIME / FREQ, eviction sampling). */
  accessWord(key: string): number | undefined {
    const t = this.tables[this.slotOf(key)];
    const i = t === undefined ? -1 : t.find(key);
    return i === -1 ? undefined : t!.metaAt(i);
  }

  /** Overwrites a key's access word (RESTORE IDLETIME/FREQ, replication of LFU data later). */
  setAccessWord(key: string, word: number): void {
    const t = this.tables[this.slotOf(key)];
    const i = t === undefined ? -1 : t.find(key);
    if (i !== -1) t!.setMetaAt(i, word >>> 0);
  }

  // ---- modifications (callers signal with changed() once the command's change is complete) ----

  /** Stores a value, replacing any old one. Clears the TTL unless keepTtl (Redis's setKey). */
  set(key: string, value: Value, keepTtl = false): void {
    const h = keyHash(key);
    const slot = this.clusterSlots ? keySlot(key) : h >>> HASH_SLOT_SHIFT;
    this.ks.beforeChange(this, key, slot);
    let table = this.tables[slot];
    if (table === undefined) table = this.tables[slot] = new KeyTable();
    const size = table.size;
    const i = table.set(key, value, this.ks.newAccessWord(), false, h);
    if (table.size !== size) {
      this.count++;
    } else if (!this.ks.lfu) {
      // A new value object starts a fresh LRU clock; under LFU the counter carries over and
      // counts this write as an access (Redis's lookupKeyWrite + dbSetValue).
      table.setMetaAt(i, this.ks.newAccessWord());
    } else if (!this.ks.noTouch) {
      table.setMetaAt(i, this.ks.touchedWord(table.metaAt(i)));
    }
    if (!keepTtl && this.expires.size > 0) this.expires.delete(key);
  }

  /**
   * SET's store: lazily expires the old value as a write lookup would, then adds or overwrites in
   * one probe of the table. Returns true when the key is new (the 'new' event was emitted).
   */
  store(key: string, value: Value, keepTtl: boolean): boolean {
    if (this.expires.size > 0) this.expireIfNeeded(key);
    const h = keyHash(key);
    const slot = this.clusterSlots ? keySlot(key) : h >>> HASH_SLOT_SHIFT;
    this.ks.beforeChange(this, key, slot);
    let table = this.tables[slot];
    if (table === undefined) table = this.tables[slot] = new KeyTable();
    const size = table.size;
    const i = table.set(key, value, this.ks.newAccessWord(), false, h);
    if (table.size !== size) {
      this.count++;
      if (this.ks.notifying) this.ks.hooks.notify('n', 'new', key, this.index);
      return true;
    }
    if (!this.ks.lfu) table.setMetaAt(i, this.ks.newAccessWord());
    else if (!this.ks.noTouch) table.setMetaAt(i, this.ks.touchedWord(table.metaAt(i)));
    if (!keepTtl && this.expires.size > 0) this.expires.delete(key);
    return false;
  }

  /** Adds a key that does not exist yet; notifies the 'new' event. */
  add<T extends Value>(key: string, value: T): T {
    this.set(key, value, true);
    if (this.ks.notifying) this.ks.hooks.notify('n', 'new', key, this.index);
    return value;
  }

  /** Replaces the value of an existing key, keeping its TTL (in-place type changes). */
  replace(key: string, value: Value): void {
    this.set(key, value, true);
  }

  delete(key: string): boolean {
    const h = keyHash(key);
    const slot = this.clusterSlots ? keySlot(key) : h >>> HASH_SLOT_SHIFT;
    const table = this.tables[slot];
    if (table === undefined) return false;
    const i = table.find(key, h);
    if (i === -1) return false;
    this.ks.beforeChange(this, key, slot);
    table.deleteAt(i);
    this.count--;
    if (this.expires.size > 0) this.expires.delete(key);
    return true;
  }

  getExpire(key: string): number | undefined {
    return this.expires.size > 0 ? this.expires.get(key) : undefined;
  }

  setExpire(key: string, when: number): void {
    this.ks.beforeChange(this, key, this.slotOf(key));
    this.expires.set(key, when);
  }

  persist(key: string): boolean {
    if (!this.expires.has(key)) return false;
    this.ks.beforeChange(this, key, this.slotOf(key));
    this.expires.delete(key);
    return true;
  }

  /**
   * Signals that a key changed: counts `dirty` changes, invalidates WATCH and tracking, wakes
   * clients blocked on it, and emits the keyspace event (class derived from the event name).
   */
  changed(key: string, event: string | null, dirty = 1): void {
    this.ks.dirty += dirty;
    this.ks.hooks.keyChanged(this, key);
    if (event !== null && this.ks.notifying) this.ks.hooks.notify(eventClass(event), event, key, this.index);
  }

  /** Emits a keyspace event without a modification (e.g. keymiss). */
  notify(event: string, key: string, cls = eventClass(event)): void {
    this.ks.hooks.notify(cls, event, key, this.index);
  }

  // ---- expiry ----

  /** True when the key's expire time has passed (whatever the expiry policy). */
  isExpired(key: string): boolean {
    if (this.expires.size === 0 || this.ks.loading) return false;
    const when = this.expires.get(key);
    return when !== undefined && when <= this.ks.now;
  }

  /** True when the key is logically expired for this command (deleted too when allowed). */
  private expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.ks.now || this.ks.loading) return false;
    const policy = this.ks.hooks.expiryPolicy();
    if (policy === 'keep') return false;
    if (policy === 'delete') this.deleteExpired(key);
    return true;
  }

  /** Deletes a key whose time has come, with its notification and propagation. */
  deleteExpired(key: string): void {
    this.delete(key);
    this.ks.stats.expiredKeys++;
    this.ks.hooks.expired(this, key);
    this.changed(key, 'expired', 0);
  }

  // ---- whole-database operations ----

  /** Iterates every stored key (including logically expired ones) in slot order. */
  *entries(): IterableIterator<[string, Value]> {
    for (let s = 0; s < SLOT_COUNT; s++) {
      const t = this.tables[s];
      if (t !== undefined && t.size > 0) yield* t.entries();
    }
  }

  /** Every stored key (including logically expired ones), slot by slot, without a generator. */
  forEachKey(fn: (key: string) => void): void {
    for (let s = 0; s < SLOT_COUNT; s++) {
      const t = this.tables[s];
      if (t === undefined || t.size === 0) continue;
      const cap = t.capacity;
      for (let b = 0; b < cap; b++) {
        const k = t.keyAt(b);
        if (k !== undefined) fn(k);
      }
    }
  }

  /** The table of one slot, for snapshots, SCAN and cluster commands (read-only use). */
  slotTable(slot: number): KeyTable | undefined {
    return this.tables[slot];
  }

  /**
   * One step of SCAN. The cursor packs the slot in its low 14 bits and the position inside the
   * slot's table above them (reverse-binary, so resizes never skip a key). Collects the keys of
   * whole buckets until `count` keys or 10×count empty buckets; returns the next cursor, 0 at
   * the end. Keys are returned as stored: the caller filters expired ones.
   */
  scan(cursor: number, count: number, out: string[]): number {
    let slot = cursor % SLOT_COUNT;
    let v = Math.floor(cursor / SLOT_COUNT);
    let budget = count * 10;
    const push = (k: string) => { out.push(k); };
    while (slot < SLOT_COUNT) {
      const t = this.tables[slot];
      if (t === undefined || t.size === 0) {
        slot++;
        v = 0;
        continue;
      }
      v = t.scanBucket(v, push);
      if (v === 0) slot++;
      if (out.length >= count || --budget <= 0) break;
    }
    return slot >= SLOT_COUNT ? 0 : v * SLOT_COUNT + slot;
  }

  /** A random stored key or undefined when empty (expired keys included: see randomLiveKey). */
  randomKey(rand: () => number = Math.random): string | undefined {
    if (this.count === 0) return undefined;
    // A random slot, drawn again while empty: every non-empty slot is equally likely (and its
    // keys nearly so, hashing spreads them evenly). Taking the next non-empty slot instead would
    // favour keys that follow long runs of empty slots.
    for (let tries = 0; tries < 32; tries++) {
      const t = this.tables[Math.floor(rand() * SLOT_COUNT)];
      if (t !== undefined && t.size > 0) return t.keyAt(t.randomBucket(rand));
    }
    // Few slots in use (a small db): pick the n-th key, uniformly.
    let n = Math.floor(rand() * this.count);
    for (let s = 0; s < SLOT_COUNT; s++) {
      const t = this.tables[s];
      if (t === undefined || t.size === 0) continue;
      if (n >= t.size) {
        n -= t.size;
        continue;
      }
      for (let b = 0; b < t.capacity; b++) {
        const k = t.keyAt(b);
        if (k !== undefined && n-- === 0) return k;
      }
    }
    return undefined;
  }

  /**
   * RANDOMKEY: a random key that is not expired, deleting expired ones met on the way. When
   * expired keys cannot be deleted (a replica) and every key is volatile, all may be logically
   * expired: like Redis, give up after 100 tries and return one of them rather than loop forever.
   */
  randomLiveKey(rand: () => number = Math.random): string | undefined {
    let tries = 100;
    for (;;) {
      const key = this.randomKey(rand);
      if (key === undefined) return undefined;
      if (!this.isExpired(key)) return key;
      const allVolatile = this.expires.size === this.count;
      if (allVolatile && this.ks.hooks.expiryPolicy() !== 'delete' && --tries === 0) return key;
      if (!this.expireIfNeeded(key)) return key;
    }
  }

  /**
   * Removes every key; returns how many there were. The snapshot hook keeps the old tables
   * alive. Dropping the references is all an async flush needs: the collector frees them later.
   */
  clear(notify = true): number {
    const n = this.count;
    this.ks.beforeClear(this);
    this.tables = new Array<KeyTable | undefined>(SLOT_COUNT);
    this.expires = new Map();
    this.count = 0;
    this.avgTtl = 0;
    this.expireCursor = { map: null, iter: null };
    if (notify) this.ks.hooks.flushed?.(this.index);
    return n;
  }

  /** Exchanges the whole contents with another database (SWAPDB, async loading). */
  swapContents(other: Db): void {
    this.ks.beforeSwap(this, other);
    [this.tables, other.tables] = [other.tables, this.tables];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.count, other.count] = [other.count, this.count];
    [this.avgTtl, other.avgTtl] = [other.avgTtl, this.avgTtl];
    [this.expireCursor, other.expireCursor] = [other.expireCursor, this.expireCursor];
  }
}
