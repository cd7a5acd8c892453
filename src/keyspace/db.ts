// One logical database: its keys in one hash-ordered table (key-table.ts), and their expire
// times. Every modification passes through here so that the before-change hook (forkless
// snapshots), the change signal (WATCH, tracking, blocked clients) and notifications can never
// be skipped. A key's slot is the top 14 bits of its table hash, and the table keeps keys in hash
// order: that gives snapshots a stable walk order ("slot < cursor" means "already written"),
// SCAN exact cursors, and cluster mode its per-slot key sets. Outside cluster mode the table hash
// is the key's FNV hash, hashed once per lookup; in cluster mode its top 14 bits are the CRC16
// cluster slot (see tableHash).

import { keySlot } from '../util/crc16.js';
import { HASH_END, KeyTable, keyHash, SLOT_SHIFT } from './key-table.js';
import { eventClass } from './notify.js';
import { typeName, type TypeName, type Value } from './value.js';
import type { Keyspace } from './keyspace.js';

export { KeyTable };

/** The table hash in cluster mode: the cluster slot on top, 18 bits of the key's hash below. */
function clusterHash(key: string): number {
  return ((keySlot(key) << SLOT_SHIFT) | (keyHash(key) & ((1 << SLOT_SHIFT) - 1))) >>> 0;
}

/** Where the active expire cycle stands in one database (see expire.ts). */
export interface ExpireCursor {
  /** The expires map the iterator walks; a new map (flush, swap) restarts the walk. */
  map: Map<string, number> | null;
  iter: Iterator<[string, number]> | null;
}

export class Db {
  /** Every key of this database. */
  private keys: KeyTable;
  /** Absolute expire times in ms since the epoch. */
  expires = new Map<string, number>();
  /** Running average TTL of sampled volatile keys in ms, as INFO keyspace shows (avg_ttl). */
  avgTtl = 0;
  /** The active expire cycle's position. */
  expireCursor: ExpireCursor = { map: null, iter: null };

  /**
   * True in cluster mode (cluster-enabled, fixed at startup): keys are partitioned by their
   * cluster slot (CRC16), which CLUSTER commands and per-slot key sets need. Otherwise by hash.
   */
  private readonly clusterSlots: boolean;
  /** The table hash of a key (keyHash, or clusterHash in cluster mode). */
  readonly tableHash: (key: string) => number;

  constructor(readonly index: number, private readonly ks: Keyspace) {
    this.clusterSlots = ks.clusterSlots;
    this.tableHash = this.clusterSlots ? clusterHash : keyHash;
    this.keys = new KeyTable(this.tableHash);
  }

  get size(): number { return this.keys.size; }

  /**
   * A key's slot (what snapshots and the before-change hook mean by slot): the top 14 bits of
   * its table hash, which is the cluster slot in cluster mode. Not a cluster slot outside
   * cluster mode: use util/crc16 keySlot for that.
   */
  slotOf(key: string): number {
    return this.tableHash(key) >>> SLOT_SHIFT;
  }

  // ---- lookups ----

  /**
   * The value of a key that exists and is not logically expired; records an access (LRU clock
   * or LFU counter) unless the client asked for NO-TOUCH. No stats, no hooks.
   */
  lookup(key: string): Value | undefined {
    const t = this.keys;
    const i = t.find(key, this.clusterSlots ? clusterHash(key) : keyHash(key));
    if (i === -1) return undefined;
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return undefined;
    if (!this.ks.noTouch) {
      const word = t.metaAt(i);
      const touched = this.ks.touchedWord(word);
      // The LRU clock ticks once a second: most accesses leave the word (and the line) as is.
      if (touched !== word) t.setMetaAt(i, touched);
    }
    return t.valueAt(i);
  }

  /** Like lookup but never records an access (TYPE, EXISTS, TTL, OBJECT, internal readers). */
  peek(key: string): Value | undefined {
    const t = this.keys;
    const i = t.find(key, this.clusterSlots ? clusterHash(key) : keyHash(key));
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
    const t = this.keys;
    const i = t.find(key, this.tableHash(key));
    if (i === -1) return false;
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return false;
    t.setMetaAt(i, this.ks.touchedWord(t.metaAt(i)));
    return true;
  }

  /** The raw access word of a live key (OBJECT IDLETIME / FREQ, eviction sampling). */
  accessWord(key: string): number | undefined {
    const i = this.keys.find(key, this.tableHash(key));
    return i === -1 ? undefined : this.keys.metaAt(i);
  }

  /** Overwrites a key's access word (RESTORE IDLETIME/FREQ, replication of LFU data later). */
  setAccessWord(key: string, word: number): void {
    const i = this.keys.find(key, this.tableHash(key));
    if (i !== -1) this.keys.setMetaAt(i, word >>> 0);
  }

  /** The stored value of a key, expired or not, without expiring or touching it (DEBUG, MEMORY). */
  storedValue(key: string): Value | undefined {
    const i = this.keys.find(key, this.tableHash(key));
    return i === -1 ? undefined : this.keys.valueAt(i);
  }

  /** True when the key is stored, expired or not, without expiring it. */
  hasStored(key: string): boolean {
    return this.keys.find(key, this.tableHash(key)) !== -1;
  }

  // ---- modifications (callers signal with changed() once the command's change is complete) ----

  /** Stores a value, replacing any old one. Clears the TTL unless keepTtl (Redis's setKey). */
  set(key: string, value: Value, keepTtl = false): void {
    const h = this.clusterSlots ? clusterHash(key) : keyHash(key);
    this.ks.beforeChange(this, key, h >>> SLOT_SHIFT);
    const table = this.keys;
    const size = table.size;
    const i = table.set(key, value, this.ks.newAccessWord(), false, h);
    if (table.size !== size) {
      // a new key
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
    const h = this.clusterSlots ? clusterHash(key) : keyHash(key);
    this.ks.beforeChange(this, key, h >>> SLOT_SHIFT);
    const table = this.keys;
    const size = table.size;
    const i = table.set(key, value, this.ks.newAccessWord(), false, h);
    if (table.size !== size) {
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
    const h = this.clusterSlots ? clusterHash(key) : keyHash(key);
    const table = this.keys;
    const i = table.find(key, h);
    if (i === -1) return false;
    // Observers read the table with peekFind, which moves nothing: i stays valid.
    this.ks.beforeChange(this, key, h >>> SLOT_SHIFT);
    table.deleteAt(i);
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

  /** Iterates every stored key (including logically expired ones); the db must not change meanwhile. */
  entries(): IterableIterator<[string, Value]> {
    return this.keys.entries();
  }

  /** Every stored key (including logically expired ones), without a generator. */
  forEachKey(fn: (key: string) => void): void {
    this.keys.forEach((k) => { fn(k); });
  }

  /** The key table, for snapshots and introspection (read-only use: peekFind, walks). */
  get table(): KeyTable {
    return this.keys;
  }

  /** Sizes an empty db's table for n keys (RESIZEDB while loading). */
  reserve(n: number): void {
    this.keys.reserve(n);
  }

  /** Moves entries of a running table resize for about `ms` (the cron's activerehashing). */
  rehashFor(ms: number): boolean {
    return this.keys.rehashFor(ms);
  }

  /**
   * One step of SCAN. The cursor is a table hash (keys are kept in hash order, so a cursor means
   * the same at every table size): collects the keys of whole home buckets from there until
   * `count` keys or 10×count buckets; returns the next cursor, 0 at the end. A key present for
   * the whole scan is reported exactly once. Keys are returned as stored: the caller filters
   * expired ones.
   */
  scan(cursor: number, count: number, out: string[]): number {
    let c = cursor;
    let budget = count * 10;
    const push = (k: string) => { out.push(k); };
    while (c < HASH_END) {
      c = this.keys.scanStep(c, push);
      if (out.length >= count || --budget <= 0) break;
    }
    return c >= HASH_END ? 0 : c;
  }

  /** A random stored key or undefined when empty (expired keys included: see randomLiveKey). */
  randomKey(rand: () => number = Math.random): string | undefined {
    if (this.keys.size === 0) return undefined;
    const t = this.keys;
    return t.keyAt(t.randomPosition(rand));
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
      const allVolatile = this.expires.size === this.keys.size;
      if (allVolatile && this.ks.hooks.expiryPolicy() !== 'delete' && --tries === 0) return key;
      if (!this.expireIfNeeded(key)) return key;
    }
  }

  /**
   * Removes every key; returns how many there were. The snapshot hook keeps the old tables
   * alive. Dropping the references is all an async flush needs: the collector frees them later.
   */
  clear(notify = true): number {
    const n = this.keys.size;
    this.ks.beforeClear(this);
    this.keys = new KeyTable(this.tableHash);
    this.expires = new Map();
    this.avgTtl = 0;
    this.expireCursor = { map: null, iter: null };
    if (notify) this.ks.hooks.flushed?.(this.index);
    return n;
  }

  /** Exchanges the whole contents with another database (SWAPDB, async loading). */
  swapContents(other: Db): void {
    this.ks.beforeSwap(this, other);
    [this.keys, other.keys] = [other.keys, this.keys];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.avgTtl, other.avgTtl] = [other.avgTtl, this.avgTtl];
    [this.expireCursor, other.expireCursor] = [other.expireCursor, this.expireCursor];
  }
}
