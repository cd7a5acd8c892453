// One logical database: its keys partitioned by cluster hash slot, and their expire times.
// Every modification passes through here so that the before-change hook (forkless snapshots),
// the change signal (WATCH, tracking, blocked clients) and notifications can never be skipped.
// Partitioning by slot gives snapshots a stable walk order ("slot < cursor" means "already
// written"), exact SCAN cursors, and cluster mode its per-slot key sets.

import { keySlot, SLOT_COUNT } from '../util/crc16.js';
import { eventClass } from './notify.js';
import { typeName, type TypeName, type Value } from './value.js';
import type { Keyspace } from './keyspace.js';

export type KeyTable = Map<string, Value>;

export class Db {
  /** Tables per slot, created on first use. */
  private tables: (KeyTable | undefined)[] = new Array<KeyTable | undefined>(SLOT_COUNT);
  /** Absolute expire times in ms since the epoch. */
  expires = new Map<string, number>();
  private count = 0;
  /** Slots that hold at least one key, maintained lazily for sampling. */
  private usedSlots = 0;

  constructor(readonly index: number, private readonly ks: Keyspace) {}

  get size(): number { return this.count; }

  // ---- lookups ----

  /** The value of a key that exists and is not logically expired; no stats, no hooks. */
  lookup(key: string): Value | undefined {
    const v = this.tables[keySlot(key)]?.get(key);
    if (v === undefined) return undefined;
    if (this.expires.size > 0 && this.expireIfNeeded(key)) return undefined;
    return v;
  }

  /** A lookup on behalf of a reading command: counts keyspace hits and misses. */
  lookupRead(key: string): Value | undefined {
    const v = this.lookup(key);
    if (v === undefined) {
      this.ks.stats.keyspaceMisses++;
      // Redis emits keymiss exactly where it counts a miss (lookupKeyRead).
      this.ks.hooks.notify('m', 'keymiss', key, this.index);
    } else {
      this.ks.stats.keyspaceHits++;
    }
    return v;
  }

  /** A lookup on behalf of a command that may modify the key: runs the before-change hook. */
  lookupWrite(key: string): Value | undefined {
    const v = this.lookup(key);
    if (v !== undefined) this.ks.beforeChange(this, key, keySlot(key));
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
    return this.lookup(key) !== undefined;
  }

  // ---- modifications (callers signal with changed() once the command's change is complete) ----

  /** Stores a value, replacing any old one. Clears the TTL unless keepTtl (Redis's setKey). */
  set(key: string, value: Value, keepTtl = false): void {
    const slot = keySlot(key);
    this.ks.beforeChange(this, key, slot);
    let table = this.tables[slot];
    if (table === undefined) table = this.tables[slot] = new Map();
    const size = table.size;
    table.set(key, value);
    if (table.size !== size) {
      this.count++;
      if (size === 0) this.usedSlots++;
    }
    if (!keepTtl && this.expires.size > 0) this.expires.delete(key);
  }

  /** Adds a key that does not exist yet; notifies the 'new' event. */
  add(key: string, value: Value): Value {
    this.set(key, value, true);
    this.ks.hooks.notify('n', 'new', key, this.index);
    return value;
  }

  /** Replaces the value of an existing key, keeping its TTL (in-place type changes). */
  replace(key: string, value: Value): void {
    this.set(key, value, true);
  }

  delete(key: string): boolean {
    const slot = keySlot(key);
    const table = this.tables[slot];
    if (table === undefined || !table.has(key)) return false;
    this.ks.beforeChange(this, key, slot);
    table.delete(key);
    this.count--;
    if (table.size === 0) this.usedSlots--;
    if (this.expires.size > 0) this.expires.delete(key);
    return true;
  }

  getExpire(key: string): number | undefined {
    return this.expires.size > 0 ? this.expires.get(key) : undefined;
  }

  setExpire(key: string, when: number): void {
    this.ks.beforeChange(this, key, keySlot(key));
    this.expires.set(key, when);
  }

  persist(key: string): boolean {
    if (!this.expires.has(key)) return false;
    this.ks.beforeChange(this, key, keySlot(key));
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
    if (event !== null) this.ks.hooks.notify(eventClass(event), event, key, this.index);
  }

  /** Emits a keyspace event without a modification (e.g. keymiss). */
  notify(event: string, key: string, cls = eventClass(event)): void {
    this.ks.hooks.notify(cls, event, key, this.index);
  }

  // ---- expiry ----

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
      if (t !== undefined && t.size > 0) yield* t;
    }
  }

  /** The table of one slot, for snapshots, SCAN and cluster commands (read-only use). */
  slotTable(slot: number): ReadonlyMap<string, Value> | undefined {
    return this.tables[slot];
  }

  /** A random stored key or undefined when empty (O(slots) worst case, O(1) typical). */
  randomKey(rand: () => number = Math.random): string | undefined {
    if (this.count === 0) return undefined;
    let start = Math.floor(rand() * SLOT_COUNT);
    for (let i = 0; i < SLOT_COUNT; i++, start = (start + 1) & (SLOT_COUNT - 1)) {
      const t = this.tables[start];
      if (t === undefined || t.size === 0) continue;
      let n = Math.floor(rand() * t.size);
      for (const k of t.keys()) if (n-- === 0) return k;
    }
    return undefined;
  }

  /** Removes every key; returns how many there were. The snapshot hook keeps the old tables alive. */
  clear(): number {
    const n = this.count;
    this.ks.beforeClear(this);
    this.tables = new Array<KeyTable | undefined>(SLOT_COUNT);
    this.expires = new Map();
    this.count = 0;
    this.usedSlots = 0;
    return n;
  }

  /** Exchanges the whole contents with another database (SWAPDB, async loading). */
  swapContents(other: Db): void {
    [this.tables, other.tables] = [other.tables, this.tables];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.count, other.count] = [other.count, this.count];
    [this.usedSlots, other.usedSlots] = [other.usedSlots, this.usedSlots];
  }
}
