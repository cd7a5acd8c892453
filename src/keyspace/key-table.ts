// KeyTable: the keys of one cluster slot of one database, an open-addressing hash table with
// linear probing. Each bucket is three consecutive slots of one array: key, value, and the
// 24-bit access word (LRU clock or LFU time+counter, as Redis keeps in robj.lru) as a small
// integer, with 6 bits of the key's hash above it (a tag: a probe that meets another key
// rejects it without reading that key's string, usually a cache miss). A Map<string, Value>
// could only hold the word by wrapping every value in an object (~40 B/key more); a separate
// Uint32Array per table costs ~200 B of object overhead per slot.
// It knows nothing of expiry, hooks or notifications: Db owns those.

import type { Value } from './value.js';

const MIN_CAPACITY = 4;
/** The access word's bits; the bits above hold the hash tag. */
const WORD_MASK = 0xffffff;
/**
 * The tag: 6 hash bits (10..15) at bits 24..29 of the bucket's word, so that the word stays a
 * small integer (Smi) even where V8 has 31-bit Smis. Bits 10..15 are independent of the bucket
 * index (low bits) for tables up to 1024 buckets, and of the slot (high bits, see Db).
 */
const tagOf = (h: number): number => ((h >>> 10) & 0x3f) << 24;

/** A 32-bit FNV-1a hash of a latin1 string. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export class KeyTable {
  /** [key0, value0, word0, key1, ...]; an empty bucket holds undefined as its key. */
  private kv: unknown[];
  private mask: number;
  size = 0;

  constructor(capacity = MIN_CAPACITY) {
    this.kv = new Array<unknown>(capacity * 3).fill(undefined);
    this.mask = capacity - 1;
  }

  get capacity(): number {
    return this.mask + 1;
  }

  /** The bucket holding key, or -1. `h` is keyHash(key), when the caller has it already. */
  find(key: string, h = keyHash(key)): number {
    const kv = this.kv;
    const mask = this.mask;
    const tag = tagOf(h);
    let i = h & mask;
    for (;;) {
      const k = kv[i * 3];
      if (k === undefined) return -1;
      if (((kv[i * 3 + 2] as number) & ~WORD_MASK) === tag && k === key) return i;
      i = (i + 1) & mask;
    }
  }

  get(key: string): Value | undefined {
    const i = this.find(key);
    return i === -1 ? undefined : (this.kv[i * 3 + 1] as Value);
  }

  has(key: string): boolean {
    return this.find(key) !== -1;
  }

  /** The access word of the key in bucket i. */
  metaAt(i: number): number {
    return (this.kv[i * 3 + 2] as number) & WORD_MASK;
  }

  setMetaAt(i: number, word: number): void {
    const kv = this.kv;
    kv[i * 3 + 2] = ((kv[i * 3 + 2] as number) & ~WORD_MASK) | (word & WORD_MASK);
  }

  keyAt(i: number): string | undefined {
    return this.kv[i * 3] as string | undefined;
  }

  valueAt(i: number): Value {
    return this.kv[i * 3 + 1] as Value;
  }

  setValueAt(i: number, v: Value): void {
    this.kv[i * 3 + 1] = v;
  }

  /**
   * Inserts or overwrites; returns the bucket. `meta` is the access word for a new key; an
   * overwritten key keeps its word unless replaceMeta. `h` is keyHash(key).
   */
  set(key: string, value: Value, meta: number, replaceMeta: boolean, h = keyHash(key)): number {
    // Grow past 80% load: linear probing stays short, and the table stays compact.
    if ((this.size + 1) * 5 > this.capacity * 4) this.resize(this.capacity * 2);
    const kv = this.kv;
    const mask = this.mask;
    const tag = tagOf(h);
    let i = h & mask;
    for (;;) {
      const k = kv[i * 3];
      if (k === undefined) {
        kv[i * 3] = key;
        kv[i * 3 + 1] = value;
        kv[i * 3 + 2] = tag | (meta & WORD_MASK);
        this.size++;
        return i;
      }
      if (((kv[i * 3 + 2] as number) & ~WORD_MASK) === tag && k === key) {
        kv[i * 3 + 1] = value;
        if (replaceMeta) kv[i * 3 + 2] = tag | (meta & WORD_MASK);
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
    const mask = this.mask;
    let hole = i;
    let j = i;
    for (;;) {
      j = (j + 1) & mask;
      const k = kv[j * 3];
      if (k === undefined) break;
      const home = keyHash(k as string) & mask;
      // The entry at j may move into the hole only if its home bucket is not in (hole, j].
      const inRange = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (inRange) continue;
      kv[hole * 3] = k;
      kv[hole * 3 + 1] = kv[j * 3 + 1];
      kv[hole * 3 + 2] = kv[j * 3 + 2];
      hole = j;
    }
    kv[hole * 3] = undefined;
    kv[hole * 3 + 1] = undefined;
    kv[hole * 3 + 2] = undefined;
    this.size--;
    const cap = this.capacity;
    if (cap > MIN_CAPACITY && this.size * 8 < cap) this.resize(cap / 2);
  }

  private resize(capacity: number): void {
    const oldKv = this.kv;
    const oldCap = this.capacity;
    const kv = (this.kv = new Array<unknown>(capacity * 3).fill(undefined));
    const mask = (this.mask = capacity - 1);
    for (let b = 0; b < oldCap; b++) {
      const k = oldKv[b * 3];
      if (k === undefined) continue;
      let i = keyHash(k as string) & mask;
      while (kv[i * 3] !== undefined) i = (i + 1) & mask;
      kv[i * 3] = k;
      kv[i * 3 + 1] = oldKv[b * 3 + 1];
      kv[i * 3 + 2] = oldKv[b * 3 + 2];
    }
  }

  /** Every key in bucket order. */
  *keys(): IterableIterator<string> {
    const kv = this.kv;
    for (let b = 0; b < kv.length; b += 3) if (kv[b] !== undefined) yield kv[b] as string;
  }

  *entries(): IterableIterator<[string, Value]> {
    const kv = this.kv;
    for (let b = 0; b < kv.length; b += 3) if (kv[b] !== undefined) yield [kv[b] as string, kv[b + 1] as Value];
  }

  /** A random occupied bucket (the table must not be empty). */
  randomBucket(rand: () => number): number {
    const cap = this.capacity;
    // Load is at least 1/8 (tables shrink below that), so this ends quickly.
    for (;;) {
      const i = Math.floor(rand() * cap);
      if (this.kv[i * 3] !== undefined) return i;
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
      const k = kv[i * 3];
      if (k === undefined) break;
      if ((keyHash(k as string) & mask) === home) fn(k as string, kv[i * 3 + 1] as Value);
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
