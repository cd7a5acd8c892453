// Dict: the hash table behind big hashes, sets and sorted sets. Entries live in dense,
// segmented arrays (key and optional value by position 0..size-1; removal moves the last entry
// into the hole), so random picks are uniform and O(1), iteration is by position, and no array
// ever grows by copying more than one segment. An index of open-addressing buckets (Int32Array
// pairs: hash, position+1) finds a key's position; when it must grow or shrink, the new index
// is filled incrementally as in Redis's dict: both are live and every operation moves a few
// buckets. Pure data structure: no imports (Node's Buffer only, for unzeroed memory); knows
// nothing of encodings or commands.

/** Entries per segment of the dense arrays (a power of two). */
const SEG_BITS = 12;
const SEG_SIZE = 1 << SEG_BITS;
const SEG_MASK = SEG_SIZE - 1;

const MIN_CAPACITY = 8;
/** Buckets moved per operation while rehashing (empty buckets count a tenth). */
const STEP = 4;
/** A bucket of the old index whose entry moved to the new one (or was deleted meanwhile). */
const MOVED = -1;

/** A 32-bit hash of a latin1 string: FNV-1a with a final mix so that the low bits spread. */
export function dictHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  h ^= h >>> 15;
  h = Math.imul(h, 0x2c1b3c6d);
  h ^= h >>> 12;
  return h | 0;
}

function newIndex(capacity: number): Int32Array {
  // Zero-filled by allocation: 0 means an empty bucket.
  return new Int32Array(capacity * 2);
}

/**
 * Indexes of this many buckets or more are prepared ahead of a growth (see `prepareNext`): a
 * zero-filled allocation of 1 MB or more can cost milliseconds at once.
 */
const PREPARE_FROM = 1 << 17;
/**
 * Index slots zeroed per insert while preparing: zeroing the whole next index (4·cap slots)
 * between 5/8 and 3/4 load (cap/8 inserts) needs 32. Starting no earlier keeps the window in
 * which both indexes exist short.
 */
const ZERO_STEP = 64;

export class Dict<V = undefined> {
  /** Where a prepared (unzeroed) index's memory comes from: malloc, not calloc. Tests swap in dirty memory. */
  static unzeroed = (bytes: number): ArrayBuffer => Buffer.allocUnsafeSlow(bytes).buffer as ArrayBuffer;

  private keys: string[][] = [];
  private vals: V[][] | null;
  private count = 0;
  /** The live index (new one during a rehash). */
  private t: Int32Array;
  private mask: number;
  /** Entries placed in t (its load). */
  private used = 0;
  /** The index being drained during a rehash, else null; buckets below rehashAt are moved. */
  private old: Int32Array | null = null;
  private oldMask = 0;
  private rehashAt = 0;
  /** The next (doubled) index while it is being zeroed ahead of a growth, else null. */
  private next: Int32Array | null = null;
  /** Slots of `next` zeroed so far. */
  private nextZeroed = 0;

  /**
   * `expected`: how many entries are about to be added (sizes the index once). `newValues`
   * makes each segment of values: V8 picks a new array's element kind from what earlier arrays
   * of the same allocation site held, so after any string-valued dict the arrays of this file's
   * literal hold tagged values, and numbers stored there are boxed one by one. A caller storing
   * numbers passes a factory of its own, whose arrays stay unboxed doubles.
   */
  constructor(withValues: boolean, expected = 0, private readonly newValues: () => V[] = () => []) {
    this.vals = withValues ? [] : null;
    let cap = MIN_CAPACITY;
    while (cap * 3 < expected * 4) cap *= 2;
    this.t = newIndex(cap);
    this.mask = cap - 1;
  }

  get size(): number {
    return this.count;
  }

  get rehashing(): boolean {
    return this.old !== null;
  }

  // ---- dense positions ----

  keyAt(i: number): string {
    return this.keys[i >>> SEG_BITS]![i & SEG_MASK]!;
  }

  valueAt(i: number): V {
    return this.vals![i >>> SEG_BITS]![i & SEG_MASK]!;
  }

  setValueAt(i: number, v: V): void {
    this.vals![i >>> SEG_BITS]![i & SEG_MASK] = v;
  }

  // ---- lookups ----

  /** The position of key, or -1. Advances a running rehash, as Redis's dictFind does. */
  find(key: string): number {
    if (this.old !== null) this.rehashStep(STEP);
    return this.locate(key, dictHash(key));
  }

  has(key: string): boolean {
    return this.find(key) !== -1;
  }

  get(key: string): V | undefined {
    const i = this.find(key);
    return i === -1 ? undefined : this.valueAt(i);
  }

  private locate(key: string, h: number): number {
    const p = probe(this.t, this.mask, h, key, this.keys);
    if (p !== -1 || this.old === null) return p;
    return probe(this.old, this.oldMask, h, key, this.keys);
  }

  // ---- changes ----

  /**
   * Adds key with value when absent. Returns the key's position when it was present (value not
   * used), else -(position+1) of the new entry: one hash and probe for "update or insert".
   */
  findOrAdd(key: string, value: V): number {
    if (this.old !== null) this.rehashStep(STEP);
    const h = dictHash(key);
    const at = this.locate(key, h);
    if (at !== -1) return at;
    if (this.old !== null) {
      // A shrink's target could fill before its rehash ends: finish it first (rare).
      if ((this.used + 1) * 4 > (this.mask + 1) * 3) this.rehashAll();
    }
    if (this.old === null) {
      const cap = this.mask + 1;
      if ((this.used + 1) * 4 > cap * 3) this.startRehash(cap * 2);
      else if (cap >= PREPARE_FROM && (this.used + 1) * 8 > cap * 5) this.prepareNext(cap * 2);
    }
    const pos = this.count++;
    const seg = pos >>> SEG_BITS;
    if (seg === this.keys.length) {
      this.keys.push([]);
      if (this.vals !== null) this.vals.push(this.newValues());
    }
    this.keys[seg]!.push(key);
    if (this.vals !== null) this.vals[seg]!.push(value);
    place(this.t, this.mask, h, pos + 1);
    this.used++;
    return -(pos + 1);
  }

  /** Adds a key (value-less dicts); true when it was absent. */
  add(key: string): boolean {
    return this.findOrAdd(key, undefined as V) < 0;
  }

  /** Sets key's value; true when the key is new. */
  set(key: string, value: V): boolean {
    const at = this.findOrAdd(key, value);
    if (at < 0) return true;
    this.setValueAt(at, value);
    return false;
  }

  /** Removes key; returns its former position, or -1 when absent. */
  delete(key: string): number {
    const i = this.find(key);
    if (i !== -1) this.removeAt(i);
    return i;
  }

  /**
   * Removes the entry at position i: the last entry moves into position i (so a caller walking
   * positions downward has already seen it), then the index may start shrinking.
   */
  removeAt(i: number): void {
    const key = this.keyAt(i);
    this.unindex(dictHash(key), i + 1);
    const last = --this.count;
    const seg = last >>> SEG_BITS;
    const ks = this.keys[seg]!;
    const lastKey = ks.pop()!;
    const lastVal = this.vals !== null ? this.vals[seg]!.pop()! : (undefined as V);
    if (ks.length === 0) {
      this.keys.pop();
      if (this.vals !== null) this.vals.pop();
    }
    if (i !== last) {
      this.keys[i >>> SEG_BITS]![i & SEG_MASK] = lastKey;
      if (this.vals !== null) this.vals[i >>> SEG_BITS]![i & SEG_MASK] = lastVal;
      this.repoint(dictHash(lastKey), last + 1, i + 1);
    }
    const cap = this.mask + 1;
    if (this.old === null && cap > MIN_CAPACITY && this.count * 10 < cap) {
      let to = MIN_CAPACITY;
      while (to < this.count * 3) to *= 2;
      if (to < cap) this.startRehash(to);
    }
  }

  /** Drops the bucket holding position tag `p` (position+1) of hash h from whichever index has it. */
  private unindex(h: number, p: number): void {
    const b = findTag(this.t, this.mask, h, p);
    if (b !== -1) {
      this.backshift(b);
      this.used--;
      return;
    }
    const o = this.old!;
    o[findTag(o, this.oldMask, h, p) * 2 + 1] = MOVED;
  }

  /** Changes the position tag of the entry with hash h from `from` to `to`. */
  private repoint(h: number, from: number, to: number): void {
    let b = findTag(this.t, this.mask, h, from);
    if (b !== -1) {
      this.t[b * 2 + 1] = to;
      return;
    }
    b = findTag(this.old!, this.oldMask, h, from);
    this.old![b * 2 + 1] = to;
  }

  /** Backward-shift deletion of bucket b of the live index: no tombstones there. */
  private backshift(b: number): void {
    const t = this.t;
    const mask = this.mask;
    let hole = b;
    let j = b;
    for (;;) {
      j = (j + 1) & mask;
      const p = t[j * 2 + 1]!;
      if (p === 0) break;
      const home = t[j * 2]! & mask;
      // The entry at j may fill the hole only if its home is not within (hole, j].
      const stays = hole <= j ? home > hole && home <= j : home > hole || home <= j;
      if (stays) continue;
      t[hole * 2] = t[j * 2]!;
      t[hole * 2 + 1] = p;
      hole = j;
    }
    t[hole * 2] = 0;
    t[hole * 2 + 1] = 0;
  }

  // ---- incremental rehash ----

  /**
   * Zeroes part of the index the next growth will use. A big zero-filled allocation is a
   * calloc that may memset it all at once (glibc does when it reuses freed memory rather than
   * fresh pages: about 10 ms for 16 MB on this VM, seen once a big dict had been freed).
   * Instead the next index comes unzeroed from malloc past 5/8 load and is zeroed a little per
   * insert, finished by the time 3/4 load starts the rehash.
   */
  private prepareNext(capacity: number): void {
    let n = this.next;
    if (n === null || n.length !== capacity * 2) {
      n = new Int32Array(Dict.unzeroed(capacity * 8), 0, capacity * 2);
      this.next = n;
      this.nextZeroed = 0;
    }
    const z = this.nextZeroed;
    if (z >= n.length) return;
    const end = Math.min(n.length, z + ZERO_STEP);
    n.fill(0, z, end);
    this.nextZeroed = end;
  }

  private startRehash(capacity: number): void {
    this.old = this.t;
    this.oldMask = this.mask;
    this.rehashAt = 0;
    const n = this.next;
    this.next = null;
    if (n !== null && n.length === capacity * 2) {
      // Prepared ahead (a growth). The inserts from 5/8 to 3/4 load zero it all (cap/8 inserts of
      // ZERO_STEP slots for 4·cap slots); this only guards that arithmetic.
      if (this.nextZeroed < n.length) n.fill(0, this.nextZeroed);
      this.t = n;
    } else {
      this.t = newIndex(capacity);
    }
    this.mask = capacity - 1;
    this.used = 0;
  }

  /**
   * Moves up to n entries of the old index to the new one, visiting at most 10n empty buckets
   * (Redis's bound). Returns true while a rehash is still running.
   */
  rehashStep(n: number): boolean {
    const o = this.old;
    if (o === null) return false;
    const end = this.oldMask + 1;
    let empties = n * 10;
    let b = this.rehashAt;
    while (n > 0 && b < end) {
      const p = o[b * 2 + 1]!;
      if (p > 0) {
        place(this.t, this.mask, o[b * 2]!, p);
        this.used++;
        o[b * 2 + 1] = MOVED;
        n--;
      } else if (--empties === 0) {
        b++;
        break;
      }
      b++;
    }
    this.rehashAt = b;
    if (b < end) return true;
    this.old = null;
    return false;
  }

  /** Rehashes for about `ms` milliseconds (a cron's budget); true while still rehashing. */
  rehashFor(ms: number): boolean {
    const until = performance.now() + ms;
    while (this.rehashStep(100)) if (performance.now() >= until) return true;
    return false;
  }

  private rehashAll(): void {
    while (this.rehashStep(1 << 16));
  }

  // ---- whole-dict operations ----

  clone(): Dict<V> {
    const c = new Dict<V>(this.vals !== null, 0, this.newValues);
    c.keys = this.keys.map((s) => s.slice());
    c.vals = this.vals === null ? null : this.vals.map((s) => s.slice());
    c.count = this.count;
    c.t = this.t.slice();
    c.mask = this.mask;
    c.used = this.used;
    if (this.old !== null) {
      c.old = this.old.slice();
      c.oldMask = this.oldMask;
      c.rehashAt = this.rehashAt;
    }
    return c;
  }

  /** Calls fn for each entry by position (do not modify meanwhile). */
  forEach(fn: (key: string, value: V, i: number) => void): void {
    const keys = this.keys;
    const vals = this.vals;
    let i = 0;
    for (let s = 0; s < keys.length; s++) {
      const ks = keys[s]!;
      const vs = vals === null ? null : vals[s]!;
      for (let j = 0; j < ks.length; j++) fn(ks[j]!, vs === null ? (undefined as V) : vs[j]!, i++);
    }
  }

  /** Every key, by position. */
  keyList(): string[] {
    const out = new Array<string>(this.count);
    let i = 0;
    for (const ks of this.keys) for (let j = 0; j < ks.length; j++) out[i++] = ks[j]!;
    return out;
  }

  /** Every value, by position. */
  valueList(): V[] {
    const out = new Array<V>(this.count);
    let i = 0;
    for (const vs of this.vals!) for (let j = 0; j < vs.length; j++) out[i++] = vs[j]!;
    return out;
  }

  /** Checks the index against the entries (unit tests). */
  verify(): void {
    const seen = new Set<number>();
    const walk = (t: Int32Array): number => {
      let n = 0;
      for (let b = 0; b < t.length; b += 2) {
        const p = t[b + 1]!;
        if (p <= 0) continue;
        n++;
        if (seen.has(p)) throw new Error(`position ${p - 1} indexed twice`);
        seen.add(p);
        if (t[b] !== dictHash(this.keyAt(p - 1))) throw new Error(`bad hash at position ${p - 1}`);
      }
      return n;
    };
    if (walk(this.t) !== this.used) throw new Error('used count mismatch');
    if (this.old !== null) walk(this.old);
    if (seen.size !== this.count) throw new Error(`indexed ${seen.size} of ${this.count}`);
    for (let i = 0; i < this.count; i++) if (this.locate(this.keyAt(i), dictHash(this.keyAt(i))) !== i) throw new Error(`lookup of position ${i} failed`);
  }
}

/** Finds key in one index: its position, or -1. MOVED buckets are skipped, empty ends. */
function probe(t: Int32Array, mask: number, h: number, key: string, keys: string[][]): number {
  let b = h & mask;
  for (;;) {
    const p = t[b * 2 + 1]!;
    if (p === 0) return -1;
    if (p > 0 && t[b * 2] === h) {
      const i = p - 1;
      if (keys[i >>> SEG_BITS]![i & SEG_MASK] === key) return i;
    }
    b = (b + 1) & mask;
  }
}

/** The bucket holding position tag p for hash h, or -1. */
function findTag(t: Int32Array, mask: number, h: number, p: number): number {
  let b = h & mask;
  for (;;) {
    const q = t[b * 2 + 1]!;
    if (q === 0) return -1;
    if (q === p) return b;
    b = (b + 1) & mask;
  }
}

/** Puts (h, p) into the first empty bucket of its probe sequence (the key is known absent). */
function place(t: Int32Array, mask: number, h: number, p: number): void {
  let b = h & mask;
  while (t[b * 2 + 1] !== 0) b = (b + 1) & mask;
  t[b * 2] = h;
  t[b * 2 + 1] = p;
}
