// KeyTable: the keys of one cluster slot of one database, an open-addressing hash table with
// linear probing. Keys and values sit interleaved in one array and each entry has a 32-bit
// access word (the LRU clock or the LFU time+counter, as Redis keeps in robj.lru), which a
// Map<string, Value> could only hold by wrapping every value in an object (~40 B/key more).
// It knows nothing of expiry, hooks or notifications: Db owns those.

import type { Value } from './value.js';

const MIN_CAPACITY = 4;

/** A 32-bit FNV-1a hash of a latin1 string. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class KeyTable {
  /** [key0, value0, key1, value1, ...]; an empty bucket holds undefined as its key. */
  private kv: unknown[];
  /** Per bucket: the access word (LRU clock or LFU data), meaningful only where a key is. */
  meta: Uint32Array;
  private mask: number;
  size = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.kv = new Array<unknown>(capacity * 2).fill(undefined);
    this.meta = new Uint32Array(capacity);
    this.mask = capacity - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** The bucket holding key, or -1. */
  find(key: string): number {
    const kv = this.kv;
    const mask = this.mask;
    let i = keyHash(key) & mask;
    for (;;) {
      const k = kv[i * 2];
      if (k === undefined) return -1;
      if (k === key) return i;
      i = (i + 1) & mask;
    }
  }

  get(key: string): Value | undefined {
    const i = this.find(key);
    return i === -1 ? undefined : (this.kv[i * 2 + 1] as Value);
  }

  has(key: string): boolean {
    return this.find(key) !== -1;
  }

  keyAt(i: number): string | undefined {
    return this.kv[i * 2] as string | undefined;
  }

  valueAt(i: number): Value {
    return this.kv[i * 2 + 1] as Value;
  }

  setValueAt(i: number, v: Value): void {
    this.kv[i * 2 + 1] = v;
  }

  /**
   * Inserts or overwrites; returns the bucket. `meta` is the access word for a new key; an
   * overwritten key keeps its word unless replaceMeta.
   */
  set(key: string, value: Value, meta: number, replaceMeta: boolean): number {
    if ((this.size + 1) * 4 > this.capacity * 3) this.resize(this.capacity * 2);
    const kv = this.kv;
    const mask = this.mask;
    let i = keyHash(key) & mask;
    for (;;) {
      const k = kv[i * 2];
      if (k === undefined) {
        kv[i * 2] = key;
        kv[i * 2 + 1] = value;
        this.meta[i] = meta;
        this.size++;
        return i;
      }
      if (k === key) {
        kv[i * 2 + 1] = value;
        if (replaceMeta) this.meta[i] = meta;
        return i;
      }
      i = (i + 1) & mask;
    }
  }

  /** Removes a key; returns false when absent. Backward-shift deletion: no tombstones. */
  delete(key: string): boolean {
    const i = this.find(key);
    if (i === -1) return false;
    this.deleteAt(i);
    return true;
  }

  deleteAt(i: number): void {
    const kv = this.kv;
    const meta = this.meta;
    const mask = this.mask;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = kv[j * 2];
      if (k === undefined) break;
      const home = keyHash(k as string) & mask;
      // The entry at j may move into the hole only if its home bucket is not in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (inRange) continue;
      kv[hole * 2] = k;
      kv[hole * 2 + 1] = kv[j * 2 + 1];
      meta[hole] = meta[j]!;
      hole = j;
    }
    kv[hole * 2] = undefined;
    kv[hole * 2 + 1] = undefined;
    this.size--;
    const cap = this.capacity;
    if (cap > MIN_CAPACITY && this.size * 8 < cap) this.resize(cap / 2);
  }

  private resize(capacity: number): void {
    const oldKv = this.kv;
    const oldMeta = this.meta;
    const oldCap = this.capacity;
    const kv = (this.kv = new Array<unknown>(capacity * 2).fill(undefined));
    const meta = (this.meta = new Uint32Array(capacity));
    const mask = (this.mask = capacity - 1);
    for (let b = 0; b < oldCap; b++) {
      const k = oldKv[b * 2];
      if (k === undefined) continue;
      let i = keyHash(k as string) & mask;
      while (kv[i * 2] !== undefined) i = (i + 1) & mask;
      kv[i * 2] = k;
      kv[i * 2 + 1] = oldKv[b * 2 + 1];
      meta[i] = oldMeta[b]!;
    }
  }

  /** Every key in bucket order. */
  *keys(): IterableIterator<string> {
    const kv = this.kv;
    for (let b = 0; b < kv.length; b += 2) if (kv[b] !== undefined) yield kv[b] as string;
  }

  *entries(): IterableIterator<[string, Value]> {
    const kv = this.kv;
    for (let b = 0; b < kv.length; b += 2) if (kv[b] !== undefined) yield [kv[b] as string, kv[b + 1] as Value];
  }

  /** A random occupied bucket (the table must not be empty). */
  randomBucket(rand: () => number): number {
    const cap = this.capacity;
    // Load is at least 1/8 (tables shrink below that), so this ends quickly.
    for (;;) {
      const i = Math.floor(rand() * cap);
      if (this.kv[i * 2] !== undefined) return i;
    }
  }

  /**
   * Calls fn for every key whose home bucket is `v` under the current mask, then returns the
   * next cursor in reverse-binary order (0 when the walk is complete). Visiting by home bucket
   * gives linear probing the guarantee Redis's chained dictScan has: a key present for the whole
   * walk is reported at least once, even across resizes.
   */
  scanBucket(v: number, fn: (key: string, value: Value) => void): number {
    const kv = this.kv;
    const mask = this.mask;
    const home = v & mask;
    let i = home;
    for (;;) {
      const k = kv[i * 2];
      if (k === undefined) break;
      if ((keyHash(k as string) & mask) === home) fn(k as string, kv[i * 2 + 1] as Value);
      i = (i + 1) & mask;
      if (i === home) break;
    }
    // Increment the reversed cursor: set the unmasked high bits, reverse, add one, reverse.
    let c = (v | ~mask) >>> 0;
    c = reverse32(c);
    c = (c + 1) >>> 0;
    return reverse32(c);
  }
}

function reverse32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  x = (x >>> 16) | (x << 16);
  return x >>> 0;
}
