// The records of the sorted-set B+tree (score-tree.ts): leaves and inner nodes as fixed-size
// records in typed-array segments, their layout, and the record-level reads, writes and moves
// the tree's algorithms are written in. Pure data structure: no imports beyond the language.

/** Entries per leaf and children per inner node, at most. */
export const B = 64;
export const LOG_B = 6;
/** A non-root node with fewer than this borrows from or merges with a sibling. */
export const MIN_FILL = B >>> 2;
/** Deeper than any tree whose non-root nodes hold MIN_FILL or more could get. */
export const MAX_HEIGHT = 16;

/**
 * A leaf is a record of LEAF_SLOTS Int32 slots: B scores as Float64 (slots 0..2B-1), then its
 * entry count, next leaf and previous leaf (0 = none). Its members are in the pool's string
 * segment at (record index)·B + i.
 */
export const L_N = 2 * B;
export const L_NEXT = L_N + 1;
export const L_PREV = L_N + 2;
export const LEAF_SLOTS = 2 * B + 4;
/**
 * An inner node: B separator scores as Float64 (slots 0..2B-1), B child ids, B child entry
 * counts, then its child count. Separator i (i ≥ 1, with the member in the string segment) is
 * a lower bound of child i's entries and above every entry of child i-1; separator 0 is unused.
 */
export const I_KID = 2 * B;
export const I_CNT = 3 * B;
export const I_N = 4 * B;
export const INNER_SLOTS = 4 * B + 2;

/** Records per pool segment: growing never copies more than one segment. */
export const SEG_BITS = 8;
const SEG_RECS = 1 << SEG_BITS;
export const SEG_MASK = SEG_RECS - 1;

/** Fixed-size records in typed-array segments, each with B string slots; id 0 means none. */
class Pool {
  readonly i32: Int32Array[] = [];
  readonly f64: Float64Array[] = [];
  readonly str: string[][] = [];
  /** The next never-used record (record 0 is never handed out). */
  private top = 1;
  /** Freed records, chained through their slot 0. */
  private freeList = 0;

  constructor(private readonly slots: number, firstRecs: number) {
    this.addSegment(firstRecs);
  }

  alloc(): number {
    const id = this.freeList;
    if (id !== 0) {
      const a = this.i32[id >>> SEG_BITS]!;
      const o = (id & SEG_MASK) * this.slots;
      this.freeList = a[o]!;
      a.fill(0, o, o + this.slots);
      return id;
    }
    const top = this.top++;
    const seg = top >>> SEG_BITS;
    if (seg === this.i32.length) this.addSegment(SEG_RECS);
    else if ((top & SEG_MASK) * this.slots >= this.i32[seg]!.length) this.growFirst();
    return top;
  }

  /** Records ever handed out (freed ones are reused first). */
  get allocated(): number {
    return this.top - 1;
  }

  release(id: number): void {
    const seg = id >>> SEG_BITS;
    const o = (id & SEG_MASK) * this.slots;
    // Drop the strings so that they can be collected.
    this.str[seg]!.fill(undefined as unknown as string, (id & SEG_MASK) * B, (id & SEG_MASK) * B + B);
    this.i32[seg]![o] = this.freeList;
    this.freeList = id;
  }

  private addSegment(recs: number): void {
    const buf = new ArrayBuffer(recs * this.slots * 4);
    this.i32.push(new Int32Array(buf));
    this.f64.push(new Float64Array(buf));
    this.str.push(new Array<string>(recs * B));
  }

  /** Doubles the first segment (only the first is ever below full size; small sets are common). */
  private growFirst(): void {
    const old = this.i32[0]!;
    const recs = Math.min(SEG_RECS, (old.length / this.slots) * 2);
    const buf = new ArrayBuffer(recs * this.slots * 4);
    const a = new Int32Array(buf);
    a.set(old);
    this.i32[0] = a;
    this.f64[0] = new Float64Array(buf);
    this.str[0]!.length = recs * B;
  }
}

/** Both pools and the record-level operations on them. */
export class TreeRecords {
  readonly leaves = new Pool(LEAF_SLOTS, 4);
  readonly inners = new Pool(INNER_SLOTS, 2);


  leafCount(leaf: number): number {
    return this.leaves.i32[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * LEAF_SLOTS + L_N]!;
  }

  setLeafCount(leaf: number, n: number): void {
    this.leaves.i32[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * LEAF_SLOTS + L_N] = n;
  }

  leafLink(leaf: number, which: number): number {
    return this.leaves.i32[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * LEAF_SLOTS + which]!;
  }

  setLeafLink(leaf: number, which: number, to: number): void {
    this.leaves.i32[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * LEAF_SLOTS + which] = to;
  }

  leafScore(leaf: number, i: number): number {
    return this.leaves.f64[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * (LEAF_SLOTS >>> 1) + i]!;
  }

  leafEle(leaf: number, i: number): string {
    return this.leaves.str[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * B + i]!;
  }

  leafInsertAt(leaf: number, p: number, score: number, ele: string): void {
    const n = this.shiftLeaf(leaf, p, 1);
    this.leaves.f64[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * (LEAF_SLOTS >>> 1) + p] = score;
    this.leaves.str[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * B + p] = ele;
    this.setLeafCount(leaf, n + 1);
  }

  leafRemoveAt(leaf: number, p: number): void {
    const n = this.shiftLeaf(leaf, p + 1, -1);
    this.leaves.str[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * B + n - 1] = undefined as unknown as string;
    this.setLeafCount(leaf, n - 1);
  }

  /**
   * Shifts a leaf's entries from index `from` to its end one place right (by = 1) or left
   * (by = -1); returns the entry count, which the caller updates. The hot path of every insert
   * and remove, so it skips moveEntries' generality (measurably slower here).
   */
  private shiftLeaf(leaf: number, from: number, by: 1 | -1): number {
    const seg = leaf >>> SEG_BITS;
    const f = this.leaves.f64[seg]!;
    const s = this.leaves.str[seg]!;
    const fo = (leaf & SEG_MASK) * (LEAF_SLOTS >>> 1);
    const so = (leaf & SEG_MASK) * B;
    const n = this.leafCount(leaf);
    f.copyWithin(fo + from + by, fo + from, fo + n);
    if (by > 0) for (let k = n; k > from; k--) s[so + k] = s[so + k - 1]!;
    else for (let k = from - 1; k < n - 1; k++) s[so + k] = s[so + k + 1]!;
    return n;
  }

  // ---- one level's items: entries of leaves, children of inner nodes ----

  setItemCount(leafLevel: boolean, x: number, n: number): void {
    if (leafLevel) this.setLeafCount(x, n);
    else this.setInnerCount(x, n);
  }

  moveItems(leafLevel: boolean, src: number, i: number, dst: number, j: number, k: number): void {
    if (leafLevel) this.moveEntries(src, i, dst, j, k);
    else this.moveKids(src, i, dst, j, k);
  }

  /** Copies k entries from (src, i) to (dst, j); overlapping ranges of one leaf are fine. */
  moveEntries(src: number, i: number, dst: number, j: number, k: number): void {
    const L = this.leaves;
    const fs = L.f64[src >>> SEG_BITS]!;
    const fd = L.f64[dst >>> SEG_BITS]!;
    const ss = L.str[src >>> SEG_BITS]!;
    const sd = L.str[dst >>> SEG_BITS]!;
    const fsi = (src & SEG_MASK) * (LEAF_SLOTS >>> 1) + i;
    const fdj = (dst & SEG_MASK) * (LEAF_SLOTS >>> 1) + j;
    const ssi = (src & SEG_MASK) * B + i;
    const sdj = (dst & SEG_MASK) * B + j;
    if (fs === fd) fd.copyWithin(fdj, fsi, fsi + k);
    else fd.set(fs.subarray(fsi, fsi + k), fdj);
    moveStrings(ss, ssi, sd, sdj, k);
  }

  innerCount(x: number): number {
    return this.inners.i32[x >>> SEG_BITS]![(x & SEG_MASK) * INNER_SLOTS + I_N]!;
  }

  setInnerCount(x: number, n: number): void {
    this.inners.i32[x >>> SEG_BITS]![(x & SEG_MASK) * INNER_SLOTS + I_N] = n;
  }

  innerKid(x: number, i: number): number {
    return this.inners.i32[x >>> SEG_BITS]![(x & SEG_MASK) * INNER_SLOTS + I_KID + i]!;
  }

  innerCnt(x: number, i: number): number {
    return this.inners.i32[x >>> SEG_BITS]![(x & SEG_MASK) * INNER_SLOTS + I_CNT + i]!;
  }

  setInnerCnt(x: number, i: number, c: number): void {
    this.inners.i32[x >>> SEG_BITS]![(x & SEG_MASK) * INNER_SLOTS + I_CNT + i] = c;
  }

  innerTotal(x: number): number {
    let t = 0;
    const n = this.innerCount(x);
    for (let i = 0; i < n; i++) t += this.innerCnt(x, i);
    return t;
  }

  innerSep(x: number, i: number): number {
    return this.inners.f64[x >>> SEG_BITS]![(x & SEG_MASK) * (INNER_SLOTS >>> 1) + i]!;
  }

  innerSepEle(x: number, i: number): string {
    return this.inners.str[x >>> SEG_BITS]![(x & SEG_MASK) * B + i]!;
  }

  setInnerSep(x: number, i: number, score: number, ele: string): void {
    this.inners.f64[x >>> SEG_BITS]![(x & SEG_MASK) * (INNER_SLOTS >>> 1) + i] = score;
    this.inners.str[x >>> SEG_BITS]![(x & SEG_MASK) * B + i] = ele;
  }

  innerInsertAt(x: number, i: number, kid: number, count: number, sepScore: number, sepEle: string): void {
    const n = this.innerCount(x);
    this.moveKids(x, i, x, i + 1, n - i);
    const seg = x >>> SEG_BITS;
    const o = (x & SEG_MASK) * INNER_SLOTS;
    const a = this.inners.i32[seg]!;
    a[o + I_KID + i] = kid;
    a[o + I_CNT + i] = count;
    this.setInnerSep(x, i, sepScore, sepEle);
    a[o + I_N] = n + 1;
  }

  innerRemoveAt(x: number, i: number): void {
    const n = this.innerCount(x);
    this.moveKids(x, i + 1, x, i, n - i - 1);
    this.inners.str[x >>> SEG_BITS]![(x & SEG_MASK) * B + n - 1] = undefined as unknown as string;
    this.setInnerCount(x, n - 1);
  }

  /** Copies k children (id, count, separator) from (src, i) to (dst, j); overlap-safe. */
  moveKids(src: number, i: number, dst: number, j: number, k: number): void {
    if (k <= 0) return;
    const I = this.inners;
    const as = I.i32[src >>> SEG_BITS]!;
    const ad = I.i32[dst >>> SEG_BITS]!;
    const os = (src & SEG_MASK) * INNER_SLOTS;
    const od = (dst & SEG_MASK) * INNER_SLOTS;
    const fs = I.f64[src >>> SEG_BITS]!;
    const fd = I.f64[dst >>> SEG_BITS]!;
    const ss = I.str[src >>> SEG_BITS]!;
    const sd = I.str[dst >>> SEG_BITS]!;
    const ssi = (src & SEG_MASK) * B + i;
    const sdj = (dst & SEG_MASK) * B + j;
    if (as === ad) {
      ad.copyWithin(od + I_KID + j, os + I_KID + i, os + I_KID + i + k);
      ad.copyWithin(od + I_CNT + j, os + I_CNT + i, os + I_CNT + i + k);
      fd.copyWithin((od >>> 1) + j, (os >>> 1) + i, (os >>> 1) + i + k);
    } else {
      ad.set(as.subarray(os + I_KID + i, os + I_KID + i + k), od + I_KID + j);
      ad.set(as.subarray(os + I_CNT + i, os + I_CNT + i + k), od + I_CNT + j);
      fd.set(fs.subarray((os >>> 1) + i, (os >>> 1) + i + k), (od >>> 1) + j);
    }
    moveStrings(ss, ssi, sd, sdj, k);
  }
}

/**
 * Moves k strings from (src, i) to (dst, j), overlap-safe, and clears the source slots left
 * behind so that a removed member is not kept alive by a stale copy past a node's count.
 */
function moveStrings(src: string[], i: number, dst: string[], j: number, k: number): void {
  if (k <= 0) return;
  if (src === dst && j > i) for (let t = k - 1; t >= 0; t--) dst[j + t] = src[i + t]!;
  else for (let t = 0; t < k; t++) dst[j + t] = src[i + t]!;
  // Vacated: the source range minus what the destination now covers.
  const from = src === dst && j < i ? Math.max(i, j + k) : i;
  const to = src === dst && j > i ? Math.min(i + k, j) : i + k;
  for (let t = from; t < to; t++) src[t] = undefined as unknown as string;
}

/** True when (s1, e1) sorts before (s2, e2). */
export function less(s1: number, e1: string, s2: number, e2: string): boolean {
  return s1 < s2 || (s1 === s2 && e1 < e2);
}
