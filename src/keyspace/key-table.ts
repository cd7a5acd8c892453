// KeyTable: every key of one database in one open-addressing hash table with linear probing,
// kept in hash order: a key's home bucket is the top bits of its 32-bit table hash, so bucket
// order is hash order at every size. Slots (the top 14 hash bits), SCAN cursors and snapshot
// walks rest on that order. A lookup is two dependent loads past the table: the bucket and the
// key's string (per-slot tables cost two more, which was a third of a GET at a million keys).
// Buckets are three array slots, key, value and word: the 24-bit access word (LRU clock or LFU
// counter, as Redis's robj.lru) with 6 hash bits above it as a tag, so a probe rejects most
// other keys without reading their strings. Buckets live in fixed-size segments allocated on
// first use, and a resize is incremental as in Redis's dict: the old table stays live while
// each operation moves a few buckets into the new one, so neither an allocation nor a rehash
// ever touches the whole table at once. Probing never wraps: it runs on past the last home
// bucket, so a key always sits at or after its home (what the walks and the rehash rely on).
// A short string value is packed outside the JS heap (short-strings.ts) and its bucket holds a
// handle, flagged in the word; every accessor hands out the string. It knows nothing of
// expiry, hooks or notifications: Db owns those.

import { SHORT_MAX, ShortStrings } from './short-strings.js';
import type { Value } from './value.js';

/** Buckets per segment: 1024 buckets (24 KB) is allocated in a few microseconds. */
const SEG_SHIFT = 10;
const SEG_BUCKETS = 1 << SEG_SHIFT;
const SEG_MASK = SEG_BUCKETS - 1;
const MIN_BITS = 2;
const MAX_BITS = 30;
/** The access word's bits; the bits above hold the hash tag and the packed-value flag. */
const WORD_MASK = 0xffffff;
const TAG_MASK = 0x3f << 24;
/** Set when the bucket's value is a handle into the table's ShortStrings, not the value. */
const PACKED = 1 << 30;
/** Slot of a table hash: its top 14 bits. */
export const SLOT_SHIFT = 18;
export const TABLE_SLOTS = 1 << (32 - SLOT_SHIFT);
/** Entries moved per write (and per read) while a resize is running. */
const WRITE_STEP = 16;
const READ_STEP = 2;
/** 2^32, the end of the hash space (SCAN's last cursor bound). */
export const HASH_END = 0x100000000;

/**
 * The tag: the 6 low hash bits at bits 24..29 of the word, so the word stays a small integer
 * (Smi) even where V8 has 31-bit Smis. The home bucket uses the top bits: independent of these
 * up to 2^26 buckets.
 */
const tagOf = (h: number): number => (h & 0x3f) << 24;

/** A 32-bit FNV-1a hash of a latin1 string. */
export function keyHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

type Segment = unknown[];
type Segments = (Segment | undefined)[];

function newSegment(): Segment {
  return new Array<unknown>(SEG_BUCKETS * 3).fill(undefined);
}

/** A segment list long enough for the home buckets of a table of 2^bits, plus one for overflow. */
function newSegments(bits: number): Segments {
  return new Array<Segment | undefined>(Math.max(1, (2 ** bits) / SEG_BUCKETS) + 1).fill(undefined);
}

/** Receives one entry of a walk. */
export type EntryFn = (key: string, value: Value, word: number) => void;

/**
 * Positions: a bucket of the current table is its index p >= 0; a bucket of the old table
 * (during a resize) is -2 - p. -1 means none. Valid until the next modification.
 */
export class KeyTable {
  private segs: Segments;
  private bits = MIN_BITS;
  private shift = 32 - MIN_BITS;
  /** 2^bits, kept as a field: `2 ** bits` with a variable exponent is a call to pow(). */
  private cap = 2 ** MIN_BITS;
  /** The table being emptied into segs during a resize, else null. */
  private old: Segments | null = null;
  private oldBits = 0;
  private oldShift = 0;
  /** Buckets of the old table below this were moved (or were empty). */
  private rehashPos = 0;
  /** Entries still in the old table. */
  private oldCount = 0;
  /** One past the highest bucket ever filled in each table (random picks stay inside). */
  private end = 0;
  private oldEnd = 0;
  size = 0;
  /** Short string values, packed outside the JS heap (see short-strings.ts). */
  private readonly shorts = new ShortStrings();

  /** `hashOf` gives a key's table hash, for entries moved by a resize or a deletion. */
  constructor(private readonly hashOf: (key: string) => number, bits = MIN_BITS) {
    this.bits = Math.max(MIN_BITS, Math.min(MAX_BITS, bits));
    this.shift = 32 - this.bits;
    this.cap = 2 ** this.bits;
    this.segs = newSegments(this.bits);
  }

  /** Home buckets of the current table. */
  get capacity(): number {
    return this.cap;
  }

  /** True while a resize is moving entries from the old table. */
  get rehashing(): boolean {
    return this.old !== null;
  }

  // ---- lookups ----

  /**
   * The position of key, or -1. `h` is the key's table hash. During a resize it first moves a
   * few entries, which invalidates positions found before: see peekFind.
   */
  find(key: string, h: number): number {
    if (this.old !== null) this.rehash(READ_STEP);
    return this.peekFind(key, h);
  }

  /** Like find, but never moves entries (for observers called between a find and its use). */
  peekFind(key: string, h: number): number {
    const tag = tagOf(h);
    const segs = this.segs;
    let p = h >>> this.shift;
    for (;;) {
      const seg = segs[p >>> SEG_SHIFT];
      if (seg === undefined) break;
      const o = (p & SEG_MASK) * 3;
      const k = seg[o];
      if (k === undefined) break;
      if (((seg[o + 2] as number) & TAG_MASK) === tag && k === key) return p;
      p++;
    }
    return this.old === null ? -1 : this.locateOld(key, h);
  }

  private locateOld(key: string, h: number): number {
    const tag = tagOf(h);
    const old = this.old!;
    // Buckets below rehashPos are moved: a key still here sits at or after it.
    let p = Math.max(h >>> this.oldShift, this.rehashPos);
    for (;;) {
      const seg = old[p >>> SEG_SHIFT];
      if (seg === undefined) return -1;
      const o = (p & SEG_MASK) * 3;
      const k = seg[o];
      if (k === undefined) return -1;
      if (((seg[o + 2] as number) & TAG_MASK) === tag && k === key) return -2 - p;
      p++;
    }
  }

  get(key: string): Value | undefined {
    const i = this.find(key, this.hashOf(key));
    return i === -1 ? undefined : this.valueAt(i);
  }

  has(key: string): boolean {
    return this.find(key, this.hashOf(key)) !== -1;
  }

  keyAt(i: number): string {
    return (i >= 0 ? this.segs[i >>> SEG_SHIFT]![(i & SEG_MASK) * 3] : this.oldCell(i, 0)) as string;
  }

  valueAt(i: number): Value {
    if (i >= 0) return bucketValue(this.segs[i >>> SEG_SHIFT]!, (i & SEG_MASK) * 3, this.shorts);
    const [seg, o] = this.oldPlace(i);
    return bucketValue(seg, o, this.shorts);
  }

  /** Bytes held by packed short values (allocated pages). */
  get packedBytes(): number {
    return this.shorts.bytes;
  }

  /**
   * Stores a value into an occupied bucket, packing a short string and releasing the packed
   * slot the bucket held; the word's PACKED flag follows.
   */
  private putValue(seg: Segment, o: number, value: Value): void {
    const word = seg[o + 2] as number;
    const held = (word & PACKED) !== 0;
    if (typeof value === 'string' && value.length <= SHORT_MAX) {
      const h = held ? this.shorts.replace(seg[o + 1] as number, value) : this.shorts.store(value);
      if (h >= 0) {
        seg[o + 1] = h;
        if (!held) seg[o + 2] = word | PACKED;
        return;
      }
    } else if (held) {
      this.shorts.release(seg[o + 1] as number);
    }
    seg[o + 1] = value;
    if (held) seg[o + 2] = word & ~PACKED;
  }

  /** The access word of the key at position i. */
  metaAt(i: number): number {
    return ((i >= 0 ? this.segs[i >>> SEG_SHIFT]![(i & SEG_MASK) * 3 + 2] : this.oldCell(i, 2)) as number) & WORD_MASK;
  }

  setValueAt(i: number, v: Value): void {
    if (i >= 0) {
      this.putValue(this.segs[i >>> SEG_SHIFT]!, (i & SEG_MASK) * 3, v);
      return;
    }
    const [seg, o] = this.oldPlace(i);
    this.putValue(seg, o, v);
  }

  setMetaAt(i: number, word: number): void {
    if (i >= 0) {
      const seg = this.segs[i >>> SEG_SHIFT]!;
      const o = (i & SEG_MASK) * 3 + 2;
      seg[o] = ((seg[o] as number) & ~WORD_MASK) | (word & WORD_MASK);
      return;
    }
    const [seg, o] = this.oldPlace(i);
    seg[o + 2] = ((seg[o + 2] as number) & ~WORD_MASK) | (word & WORD_MASK);
  }

  private oldCell(i: number, field: number): unknown {
    const p = -2 - i;
    return this.old![p >>> SEG_SHIFT]![(p & SEG_MASK) * 3 + field];
  }

  private oldPlace(i: number): [Segment, number] {
    const p = -2 - i;
    return [this.old![p >>> SEG_SHIFT]!, (p & SEG_MASK) * 3];
  }

  // ---- modifications ----

  /**
   * Inserts or overwrites; returns the position. `meta` is the access word for a new key; an
   * overwritten key keeps its word unless replaceMeta. `h` is the key's table hash.
   */
  set(key: string, value: Value, meta: number, replaceMeta: boolean, h: number): number {
    if (this.old !== null) this.rehash(WRITE_STEP);
    // Grow past 80% load: linear probing stays short, and the table stays compact.
    else if ((this.size + 1) * 5 > this.capacity * 4 && this.bits < MAX_BITS) this.startResize(this.bits + 1);
    const tag = tagOf(h);
    const segs = this.segs;
    let p = h >>> this.shift;
    let seg: Segment;
    let o: number;
    for (;;) {
      const s = segs[p >>> SEG_SHIFT];
      seg = s === undefined ? this.allocate(segs, p >>> SEG_SHIFT) : s;
      o = (p & SEG_MASK) * 3;
      const k = seg[o];
      if (k === undefined) break;
      if (((seg[o + 2] as number) & TAG_MASK) === tag && k === key) {
        this.putValue(seg, o, value);
        if (replaceMeta) seg[o + 2] = ((seg[o + 2] as number) & ~WORD_MASK) | (meta & WORD_MASK);
        return p;
      }
      p++;
    }
    if (this.old !== null) {
      const i = this.locateOld(key, h);
      if (i !== -1) {
        this.setValueAt(i, value);
        if (replaceMeta) this.setMetaAt(i, meta);
        return i;
      }
    }
    seg[o] = key;
    seg[o + 2] = tag | (meta & WORD_MASK);
    seg[o + 1] = undefined;
    this.putValue(seg, o, value);
    this.size++;
    if (p >= this.end) this.end = p + 1;
    return p;
  }

  /** Removes a key; returns false when absent. */
  delete(key: string): boolean {
    const i = this.find(key, this.hashOf(key));
    if (i === -1) return false;
    this.deleteAt(i);
    return true;
  }

  /** Removes the entry at position i (from find). Backward-shift deletion: no tombstones. */
  deleteAt(i: number): void {
    const p = i >= 0 ? i : -2 - i;
    const seg = (i >= 0 ? this.segs : this.old!)[p >>> SEG_SHIFT]!;
    const o = (p & SEG_MASK) * 3;
    if (((seg[o + 2] as number) & PACKED) !== 0) this.shorts.release(seg[o + 1] as number);
    if (i >= 0) {
      this.shiftDelete(this.segs, this.shift, i);
    } else {
      this.shiftDelete(this.old!, this.oldShift, -2 - i);
      this.oldCount--;
    }
    this.size--;
    if (this.old !== null) this.rehash(WRITE_STEP);
    else if (this.bits > MIN_BITS && this.size * 8 < this.capacity) this.startResize(this.bits - 1);
  }

  /**
   * Fills the hole at `hole` with a later entry of its run that may move there (its home is not
   * after the hole), repeatedly. Without wrap-around that is the whole condition; in the old
   * table the probe starts at max(home, rehashPos) <= hole, so it holds there too.
   */
  private shiftDelete(segs: Segments, shift: number, hole: number): void {
    let j = hole;
    for (;;) {
      j++;
      const seg = segs[j >>> SEG_SHIFT];
      if (seg === undefined) break;
      const o = (j & SEG_MASK) * 3;
      const k = seg[o];
      if (k === undefined) break;
      if (this.hashOf(k as string) >>> shift > hole) continue;
      const hs = segs[hole >>> SEG_SHIFT]!;
      const ho = (hole & SEG_MASK) * 3;
      hs[ho] = k;
      hs[ho + 1] = seg[o + 1];
      hs[ho + 2] = seg[o + 2];
      hole = j;
    }
    const hs = segs[hole >>> SEG_SHIFT]!;
    const ho = (hole & SEG_MASK) * 3;
    hs[ho] = undefined;
    hs[ho + 1] = undefined;
    hs[ho + 2] = undefined;
  }

  private allocate(segs: Segments, index: number): Segment {
    while (segs.length <= index) segs.push(undefined);
    const seg = newSegment();
    segs[index] = seg;
    return seg;
  }

  // ---- resizing ----

  private startResize(bits: number): void {
    if (this.size === 0) {
      this.bits = bits;
      this.shift = 32 - bits;
      this.cap = 2 ** bits;
      this.segs = newSegments(bits);
      this.end = 0;
      return;
    }
    this.old = this.segs;
    this.oldEnd = this.end;
    this.end = 0;
    this.oldBits = this.bits;
    this.oldShift = this.shift;
    this.rehashPos = 0;
    this.oldCount = this.size;
    this.bits = bits;
    this.shift = 32 - bits;
    this.cap = 2 ** bits;
    this.segs = newSegments(bits);
  }

  /**
   * Sizes an empty table for n keys at once (an RDB's RESIZEDB hint), so that loading it needs
   * no resizes. Does nothing to a table holding keys.
   */
  reserve(n: number): void {
    if (this.size !== 0 || this.old !== null) return;
    let bits = MIN_BITS;
    while (bits < MAX_BITS && n * 5 > 2 ** bits * 4) bits++;
    if (bits > this.bits) this.startResize(bits);
  }

  /**
   * Moves up to `n` entries (visiting at most 8n buckets) from the old table. Returns true
   * while a resize remains in progress.
   */
  rehash(n: number): boolean {
    const old = this.old;
    if (old === null) return false;
    const end = this.oldEnd;
    let p = this.rehashPos;
    let visits = n * 8;
    while (p < end && n > 0 && visits-- > 0) {
      const si = p >>> SEG_SHIFT;
      const seg = old[si];
      if (seg === undefined) {
        p = (si + 1) * SEG_BUCKETS;
        continue;
      }
      const o = (p & SEG_MASK) * 3;
      const k = seg[o];
      if (k !== undefined) {
        this.place(k as string, seg[o + 1], seg[o + 2] as number);
        this.oldCount--;
        n--;
      }
      p++;
      // A segment fully moved is released at once.
      if ((p & SEG_MASK) === 0) old[si] = undefined;
    }
    this.rehashPos = p;
    if (p >= end || this.oldCount === 0) {
      this.old = null;
      this.oldCount = 0;
      return false;
    }
    return true;
  }

  /** Moves entries for about `ms` milliseconds (the server cron, as Redis's activerehashing). */
  rehashFor(ms: number): boolean {
    if (this.old === null) return false;
    const deadline = performance.now() + ms;
    while (this.rehash(100)) if (performance.now() > deadline) return true;
    return false;
  }

  /** Puts a moved entry into the current table (it is known to be absent there). */
  private place(key: string, value: unknown, word: number): void {
    const segs = this.segs;
    let p = this.hashOf(key) >>> this.shift;
    for (;;) {
      const s = segs[p >>> SEG_SHIFT];
      const seg = s === undefined ? this.allocate(segs, p >>> SEG_SHIFT) : s;
      const o = (p & SEG_MASK) * 3;
      if (seg[o] === undefined) {
        seg[o] = key;
        seg[o + 1] = value;
        seg[o + 2] = word;
        if (p >= this.end) this.end = p + 1;
        return;
      }
      p++;
    }
  }

  // ---- walks ----

  /** Every entry (order unspecified). Nothing may modify the table during the walk. */
  forEach(fn: EntryFn): void {
    walkAll(this.segs, 0, this.shorts, fn);
    if (this.old !== null) walkAll(this.old, this.rehashPos, this.shorts, fn);
  }

  /** Every entry; the table must not change while the iterator is in use. */
  *entries(): IterableIterator<[string, Value]> {
    for (const [segs, from] of this.parts()) {
      for (let s = from >>> SEG_SHIFT; s < segs.length; s++) {
        const seg = segs[s];
        if (seg === undefined) continue;
        for (let b = s === from >>> SEG_SHIFT ? from & SEG_MASK : 0; b < SEG_BUCKETS; b++) {
          const k = seg[b * 3];
          if (k !== undefined) yield [k as string, bucketValue(seg, b * 3, this.shorts)];
        }
      }
    }
  }

  *keys(): IterableIterator<string> {
    for (const [k] of this.entries()) yield k;
  }

  private parts(): [Segments, number][] {
    return this.old === null ? [[this.segs, 0]] : [[this.segs, 0], [this.old, this.rehashPos]];
  }

  /**
   * Calls fn for every entry whose table hash lies in [lo, hi): the buckets of that hash range
   * plus the run spilling past its end, in both tables during a resize.
   */
  forEachInRange(lo: number, hi: number, fn: EntryFn): void {
    walkRange(this.segs, this.shift, 0, lo, hi, this.hashOf, this.shorts, fn);
    if (this.old !== null) walkRange(this.old, this.oldShift, this.rehashPos, lo, hi, this.hashOf, this.shorts, fn);
  }

  /** Every entry of one slot (top 14 hash bits). */
  forEachInSlot(slot: number, fn: EntryFn): void {
    const lo = slot * 2 ** SLOT_SHIFT;
    this.forEachInRange(lo, lo + 2 ** SLOT_SHIFT, fn);
  }

  /**
   * One step of SCAN: the cursor is a table hash; reports the keys whose hash lies in
   * [cursor, end of its home bucket) and returns the next cursor (HASH_END at the end). Bucket
   * order is hash order at every size, so cursors stay exact across resizes: a key present for
   * the whole scan is reported exactly once.
   */
  scanStep(cursor: number, fn: EntryFn): number {
    // The bucket boundary of whichever table is coarser, so both are covered up to it.
    const shift = this.old !== null && this.oldShift > this.shift ? this.oldShift : this.shift;
    const next = (Math.floor(cursor / 2 ** shift) + 1) * 2 ** shift;
    this.forEachInRange(cursor, next, fn);
    return next;
  }

  /** The position of a random entry (the table must not be empty). */
  randomPosition(rand: () => number): number {
    for (let tries = 0; tries < 64; tries++) {
      if (this.old !== null && rand() * this.size < this.oldCount) {
        const p = this.rehashPos + Math.floor(rand() * (this.oldEnd - this.rehashPos));
        const seg = this.old[p >>> SEG_SHIFT];
        if (seg !== undefined && seg[(p & SEG_MASK) * 3] !== undefined) return -2 - p;
      } else {
        const p = Math.floor(rand() * this.end);
        const seg = this.segs[p >>> SEG_SHIFT];
        if (seg !== undefined && seg[(p & SEG_MASK) * 3] !== undefined) return p;
      }
    }
    // A sparse table (many deletions since the last resize): the n-th entry.
    let n = Math.floor(rand() * this.size);
    let found = -1;
    this.forEachPosition((i) => {
      if (n-- === 0) found = i;
    });
    return found;
  }

  private forEachPosition(fn: (i: number) => void): void {
    const segs = this.segs;
    for (let s = 0; s < segs.length; s++) {
      const seg = segs[s];
      if (seg === undefined) continue;
      for (let b = 0; b < SEG_BUCKETS; b++) if (seg[b * 3] !== undefined) fn(s * SEG_BUCKETS + b);
    }
    const old = this.old;
    if (old === null) return;
    for (let p = this.rehashPos; p < this.oldEnd; p++) {
      const seg = old[p >>> SEG_SHIFT];
      if (seg === undefined) {
        p = ((p >>> SEG_SHIFT) + 1) * SEG_BUCKETS - 1;
        continue;
      }
      if (seg[(p & SEG_MASK) * 3] !== undefined) fn(-2 - p);
    }
  }

  /** For DEBUG HTSTATS: sizes of both tables and how many entries share each home bucket. */
  stats(): { buckets: number; oldBuckets: number; oldEntries: number; homeRuns: Map<number, number>; usedHomes: number } {
    const perHome = new Map<number, number>();
    this.forEachPosition((i) => {
      if (i < 0) return;
      const home = this.hashOf(this.keyAt(i)) >>> this.shift;
      perHome.set(home, (perHome.get(home) ?? 0) + 1);
    });
    const homeRuns = new Map<number, number>();
    for (const n of perHome.values()) homeRuns.set(n, (homeRuns.get(n) ?? 0) + 1);
    return {
      buckets: this.capacity, oldBuckets: this.old === null ? 0 : 2 ** this.oldBits, oldEntries: this.oldCount,
      homeRuns, usedHomes: perHome.size,
    };
  }
}

/** The value of the bucket at seg[o..o+2], unpacked when it is a short-string handle. */
function bucketValue(seg: Segment, o: number, shorts: ShortStrings): Value {
  const v = seg[o + 1];
  return ((seg[o + 2] as number) & PACKED) !== 0 ? shorts.read(v as number) : v as Value;
}

function walkAll(segs: Segments, from: number, shorts: ShortStrings, fn: EntryFn): void {
  for (let s = from >>> SEG_SHIFT; s < segs.length; s++) {
    const seg = segs[s];
    if (seg === undefined) continue;
    const start = s === from >>> SEG_SHIFT ? from & SEG_MASK : 0;
    for (let b = start; b < SEG_BUCKETS; b++) {
      const k = seg[b * 3];
      if (k !== undefined) fn(k as string, bucketValue(seg, b * 3, shorts), (seg[b * 3 + 2] as number) & WORD_MASK);
    }
  }
}

/**
 * The entries with hash in [lo, hi) of one table: their homes are the buckets lo..hi-1 map to,
 * and they sit at or after their home, at most into the run that continues past the last one.
 * Buckets below `from` are skipped (moved out of an old table).
 */
function walkRange(
  segs: Segments, shift: number, from: number, lo: number, hi: number, hashOf: (k: string) => number,
  shorts: ShortStrings, fn: EntryFn,
): void {
  const first = Math.floor(lo / 2 ** shift);
  const last = Math.floor((hi - 1) / 2 ** shift);
  for (let p = Math.max(first, from); ; p++) {
    const seg = segs[p >>> SEG_SHIFT];
    if (seg === undefined) {
      if (p >= last || p >>> SEG_SHIFT >= segs.length) return;
      // An unallocated segment holds nothing: skip it.
      p = ((p >>> SEG_SHIFT) + 1) * SEG_BUCKETS - 1;
      continue;
    }
    const o = (p & SEG_MASK) * 3;
    const k = seg[o];
    if (k === undefined) {
      if (p >= last) return;
      continue;
    }
    const h = hashOf(k as string);
    if (h >= lo && h < hi) fn(k as string, bucketValue(seg, o, shorts), (seg[o + 2] as number) & WORD_MASK);
  }
}
