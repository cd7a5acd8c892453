// The ordered index behind a large sorted set: a B+tree of (score, member) entries whose inner
// nodes keep each child's entry count, so that rank lookups and rank ranges are O(log n), like
// Redis's skiplist spans. Wide nodes in typed-array records make a search a handful of cache
// and TLB misses (one record per level, four or five levels for a million entries) where a
// skiplist visits a few nodes on each of a dozen levels, each a miss of its own.
// Entries are ordered by score, then by member bytes (members are latin1 strings, whose code
// units are the bytes, so `<` compares them as Redis's memcmp does).
// Pure data structure: imports only its records (score-tree-records.ts).

import {
  B, I_CNT, I_KID, I_N, INNER_SLOTS, L_N, L_NEXT, L_PREV, LEAF_SLOTS, LOG_B, MAX_HEIGHT, MIN_FILL, SEG_BITS, SEG_MASK, TreeRecords, less,
} from './score-tree-records.js';

/** Descent modes (see ScoreTree.descend). */
const BY_KEY = 0;
const SCORE_BELOW = 1;
const SCORE_AT_MOST = 2;

export class ScoreTree {
  length = 0;
  /** Inner levels above the leaves: 0 while the root is a leaf. */
  private height = 0;
  private root: number;
  private head: number;
  private tail: number;
  private readonly r = new TreeRecords();
  /** The last descent: the inner node and child index taken at each depth, root first. */
  private readonly pathNode = new Int32Array(MAX_HEIGHT);
  private readonly pathIdx = new Int32Array(MAX_HEIGHT);
  /** Where the last descent ended: a leaf and an index in it (possibly its entry count). */
  private leaf = 0;
  private pos = 0;
  /**
   * The 1-based rank of the entry the last byRank/firstScore/lastScore/firstNotBelow/
   * lastWithin/rankOf returned.
   */
  foundRank = 0;

  constructor() {
    this.root = this.head = this.tail = this.r.leaves.alloc();
  }

  // ---- cursors: (leaf << LOG_B) | index, 0 for none; any change invalidates them ----

  first(): number {
    return this.length === 0 ? 0 : this.head << LOG_B;
  }

  last(): number {
    return this.length === 0 ? 0 : (this.tail << LOG_B) | (this.r.leafCount(this.tail) - 1);
  }

  next(c: number): number {
    const leaf = c >>> LOG_B;
    const a = this.r.leaves.i32[leaf >>> SEG_BITS]!;
    const o = (leaf & SEG_MASK) * LEAF_SLOTS;
    if ((c & (B - 1)) + 1 < a[o + L_N]!) return c + 1;
    return a[o + L_NEXT]! << LOG_B;
  }

  prev(c: number): number {
    if ((c & (B - 1)) > 0) return c - 1;
    const leaf = c >>> LOG_B;
    const p = this.r.leaves.i32[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * LEAF_SLOTS + L_PREV]!;
    return p === 0 ? 0 : (p << LOG_B) | (this.r.leafCount(p) - 1);
  }

  scoreOf(c: number): number {
    const leaf = c >>> LOG_B;
    return this.r.leaves.f64[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * (LEAF_SLOTS >>> 1) + (c & (B - 1))]!;
  }

  eleOf(c: number): string {
    const leaf = c >>> LOG_B;
    return this.r.leaves.str[leaf >>> SEG_BITS]![(leaf & SEG_MASK) * B + (c & (B - 1))]!;
  }

  // ---- updates ----

  /** Adds an entry the caller knows is absent. */
  insert(score: number, ele: string): void {
    this.seekKey(score, ele, false);
    this.insertFound(score, ele);
  }

  /** Removes the entry with this score and member; false when absent. */
  delete(score: number, ele: string): boolean {
    if (!this.seekKey(score, ele, false)) return false;
    this.removeFound();
    return true;
  }

  /**
   * Gives the present entry (score, ele) a new score: in place when it keeps its order inside
   * its leaf, else removed and added again.
   */
  updateScore(score: number, ele: string, newScore: number): void {
    if (!this.seekKey(score, ele, false)) throw new Error('updateScore of an absent entry');
    const leaf = this.leaf;
    const p = this.pos;
    const seg = leaf >>> SEG_BITS;
    const o = (leaf & SEG_MASK) * LEAF_SLOTS;
    const n = this.r.leaves.i32[seg]![o + L_N]!;
    // Inside the leaf only: its first entry must stay above the separator that routes to it.
    if (p > 0 && p < n - 1) {
      const f = this.r.leaves.f64[seg]!;
      const s = this.r.leaves.str[seg]!;
      const fo = o >>> 1;
      const so = (leaf & SEG_MASK) * B;
      if (less(f[fo + p - 1]!, s[so + p - 1]!, newScore, ele) && less(newScore, ele, f[fo + p + 1]!, s[so + p + 1]!)) {
        f[fo + p] = newScore;
        return;
      }
    }
    this.removeFound();
    this.insert(newScore, ele);
  }

  /**
   * Removes `count` entries from the 1-based rank onward (as many as there are), calling removed
   * with each member first. One descent per leaf touched, each leaf's run cut out at once:
   * O(log n + m), as Redis's zslDeleteRangeByRank.
   */
  deleteRanks(rank: number, count: number, removed: (ele: string) => void): void {
    if (rank < 1 || rank > this.length) return;
    let left = Math.min(count, this.length - rank + 1);
    while (left > 0) {
      this.byRank(rank);
      const leaf = this.leaf;
      const p = this.pos;
      const n = this.r.leafCount(leaf);
      const k = Math.min(left, n - p);
      for (let t = 0; t < k; t++) removed(this.r.leafEle(leaf, p + t));
      this.adjustPath(-k);
      this.length -= k;
      this.r.moveEntries(leaf, p + k, leaf, p, n - p - k);
      this.r.leaves.str[leaf >>> SEG_BITS]!.fill(undefined as unknown as string, (leaf & SEG_MASK) * B + n - k, (leaf & SEG_MASK) * B + n);
      this.r.setLeafCount(leaf, n - k);
      if (this.height > 0 && n - k < MIN_FILL) this.rebalanceLeaf();
      left -= k;
    }
  }

  // ---- searches ----

  /** 1-based rank of the entry with this score and member, 0 when absent. */
  rankOf(score: number, ele: string): number {
    return this.seekKey(score, ele, true) ? this.foundRank : 0;
  }

  /** The cursor of a 1-based rank, or 0 when out of range. */
  byRank(rank: number): number {
    if (rank < 1 || rank > this.length) return 0;
    const I = this.r.inners;
    let x = this.root;
    let left = rank - 1;
    for (let d = 0; d < this.height; d++) {
      const a = I.i32[x >>> SEG_BITS]!;
      const o = (x & SEG_MASK) * INNER_SLOTS;
      let i = 0;
      for (;;) {
        const c = a[o + I_CNT + i]!;
        if (left < c) break;
        left -= c;
        i++;
      }
      x = this.takeChild(d, x, a, o, i);
    }
    this.leaf = x;
    this.pos = left;
    this.foundRank = rank;
    return (x << LOG_B) | left;
  }

  /** The first entry whose score reaches min (passes it when ex), or 0; rank in foundRank. */
  firstScore(min: number, ex: boolean): number {
    this.seekScore(min, ex);
    this.foundRank++;
    return this.foundCursor();
  }

  /** The last entry whose score stays within max (below it when ex), or 0; rank in foundRank. */
  lastScore(max: number, ex: boolean): number {
    this.seekScore(max, !ex);
    return this.beforeFound();
  }

  /**
   * The first entry for which `below(score, member)` is false (it must hold for a prefix of
   * the order), or 0; its rank goes to foundRank.
   */
  firstNotBelow(below: (score: number, ele: string) => boolean): number {
    this.seekPred(below);
    this.foundRank++;
    return this.foundCursor();
  }

  /** The last entry for which `within(score, member)` holds (a prefix property), or 0; rank in foundRank. */
  lastWithin(within: (score: number, ele: string) => boolean): number {
    this.seekPred(within);
    return this.beforeFound();
  }

  // ---- checks ----

  /** Shape figures for tests: inner levels, leaves and inner nodes in use, records ever made. */
  stats(): { height: number; leaves: number; inners: number; leafRecords: number; innerRecords: number } {
    let leaves = 0;
    for (let l = this.head; l !== 0; l = this.r.leafLink(l, L_NEXT)) leaves++;
    let inners = 0;
    const count = (x: number, depth: number): void => {
      if (depth === this.height) return;
      inners++;
      for (let i = 0; i < this.r.innerCount(x); i++) count(this.r.innerKid(x, i), depth + 1);
    };
    count(this.root, 0);
    return { height: this.height, leaves, inners, leafRecords: this.r.leaves.allocated, innerRecords: this.r.inners.allocated };
  }

  /** Checks order, counts, separators, fill and leaf links; throws on corruption (unit tests). */
  verify(): void {
    const leaves: number[] = [];
    const total = this.verifyNode(this.root, 0, leaves, null);
    if (total !== this.length) throw new Error(`length ${this.length}, counted ${total}`);
    if (leaves[0] !== this.head || leaves[leaves.length - 1] !== this.tail) throw new Error('bad head or tail');
    for (let i = 0; i < leaves.length; i++) {
      if (this.r.leafLink(leaves[i]!, L_PREV) !== (leaves[i - 1] ?? 0)) throw new Error('bad prev link');
      if (this.r.leafLink(leaves[i]!, L_NEXT) !== (leaves[i + 1] ?? 0)) throw new Error('bad next link');
    }
    let prev = 0;
    for (let c = this.first(); c !== 0; c = this.next(c)) {
      if (prev !== 0 && !less(this.scoreOf(prev), this.eleOf(prev), this.scoreOf(c), this.eleOf(c))) throw new Error('bad order');
      if (prev !== 0 && this.prev(c) !== prev) throw new Error('bad prev cursor');
      prev = c;
    }
    if (prev !== this.last()) throw new Error('bad last');
  }

  // ---- internals: descents ----

  /**
   * Descends to where (score, ele) is or would go; leaf and pos are set, and foundRank too when
   * withRank (the entry's 1-based rank when present). True when the entry is there.
   */
  private seekKey(score: number, ele: string, withRank: boolean): boolean {
    this.descend(score, ele, BY_KEY, withRank);
    this.foundRank++;
    const leaf = this.leaf;
    const p = this.pos;
    return p < this.r.leafCount(leaf) && this.r.leafScore(leaf, p) === score && this.r.leafEle(leaf, p) === ele;
  }

  /**
   * Descends to the first entry scoring at or above `bound` (above it when orEqual); leaf and
   * pos are set, foundRank is the count of entries before it.
   */
  private seekScore(bound: number, orEqual: boolean): void {
    this.descend(bound, '', orEqual ? SCORE_AT_MOST : SCORE_BELOW, true);
  }

  /**
   * The one descent of seekKey and seekScore: to the first entry that is not "below" the bound,
   * where below means sorting before (score, ele) (BY_KEY), scoring under score (SCORE_BELOW) or
   * scoring at most score (SCORE_AT_MOST). Fills the path, sets leaf and pos, and sets foundRank
   * to the count of entries before the position (0 unless withRank). Members are read only for
   * BY_KEY on equal scores.
   */
  private descend(score: number, ele: string, mode: number, withRank: boolean): void {
    const I = this.r.inners;
    const tiesBelow = mode === SCORE_AT_MOST;
    let x = this.root;
    let r = 0;
    for (let d = 0; d < this.height; d++) {
      const seg = x >>> SEG_BITS;
      const a = I.i32[seg]!;
      const f = I.f64[seg]!;
      const o = (x & SEG_MASK) * INNER_SLOTS;
      const fo = o >>> 1;
      // The last child whose separator is below the bound (child 0 when none is); for BY_KEY a
      // separator equal to the key counts, since the key then lives in that child.
      let lo = 1;
      let hi = a[o + I_N]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        const s = f[fo + mid]!;
        if (s < score || (s === score && (mode === BY_KEY ? I.str[seg]![(x & SEG_MASK) * B + mid]! <= ele : tiesBelow))) lo = mid + 1;
        else hi = mid;
      }
      const i = lo - 1;
      if (withRank) r += this.countBefore(a, o, i);
      x = this.takeChild(d, x, a, o, i);
    }
    const seg = x >>> SEG_BITS;
    const f = this.r.leaves.f64[seg]!;
    const strs = this.r.leaves.str[seg]!;
    const fo = (x & SEG_MASK) * (LEAF_SLOTS >>> 1);
    const so = (x & SEG_MASK) * B;
    let lo = 0;
    let hi = this.r.leafCount(x);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = f[fo + mid]!;
      if (s < score || (s === score && (mode === BY_KEY ? strs[so + mid]! < ele : tiesBelow))) lo = mid + 1;
      else hi = mid;
    }
    this.land(x, lo, r);
  }

  /** As seekScore, for the first entry where `below` stops holding. */
  private seekPred(below: (score: number, ele: string) => boolean): void {
    const I = this.r.inners;
    let x = this.root;
    let r = 0;
    for (let d = 0; d < this.height; d++) {
      const seg = x >>> SEG_BITS;
      const a = I.i32[seg]!;
      const o = (x & SEG_MASK) * INNER_SLOTS;
      let lo = 1;
      let hi = a[o + I_N]!;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (below(I.f64[seg]![(o >>> 1) + mid]!, I.str[seg]![(x & SEG_MASK) * B + mid]!)) lo = mid + 1;
        else hi = mid;
      }
      const i = lo - 1;
      r += this.countBefore(a, o, i);
      x = this.takeChild(d, x, a, o, i);
    }
    const seg = x >>> SEG_BITS;
    const fo = (x & SEG_MASK) * (LEAF_SLOTS >>> 1);
    const so = (x & SEG_MASK) * B;
    let lo = 0;
    let hi = this.r.leafCount(x);
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (below(this.r.leaves.f64[seg]![fo + mid]!, this.r.leaves.str[seg]![so + mid]!)) lo = mid + 1;
      else hi = mid;
    }
    this.land(x, lo, r);
  }

  /** Ends a descent at index lo of leaf x, with r entries in the leaves before it. */
  private land(x: number, lo: number, r: number): void {
    this.leaf = x;
    this.pos = lo;
    this.foundRank = r + lo;
  }

  /** Entries in the children before child i of the inner record at a[o..]. */
  private countBefore(a: Int32Array, o: number, i: number): number {
    let r = 0;
    for (let k = 0; k < i; k++) r += a[o + I_CNT + k]!;
    return r;
  }

  /** Records child i of inner node x (record at a[o..]) as the path at depth d; returns it. */
  private takeChild(d: number, x: number, a: Int32Array, o: number, i: number): number {
    this.pathNode[d] = x;
    this.pathIdx[d] = i;
    return a[o + I_KID + i]!;
  }

  /** The cursor of the found position (the next leaf's first entry when it is past the leaf's end). */
  private foundCursor(): number {
    if (this.pos < this.r.leafCount(this.leaf)) return (this.leaf << LOG_B) | this.pos;
    const nx = this.r.leafLink(this.leaf, L_NEXT);
    return nx === 0 ? 0 : nx << LOG_B;
  }

  /** The cursor of the entry before the found position (its rank is foundRank), or 0. */
  private beforeFound(): number {
    if (this.foundRank === 0) return 0;
    if (this.pos > 0) return (this.leaf << LOG_B) | (this.pos - 1);
    const pv = this.r.leafLink(this.leaf, L_PREV);
    return (pv << LOG_B) | (this.r.leafCount(pv) - 1);
  }

  // ---- internals: changes at the found position ----

  /** Inserts at the found position (leaf, pos and path from a descent to the key). */
  private insertFound(score: number, ele: string): void {
    this.adjustPath(1);
    this.length++;
    const leaf = this.leaf;
    const p = this.pos;
    const n = this.r.leafCount(leaf);
    if (n < B) {
      this.r.leafInsertAt(leaf, p, score, ele);
      return;
    }
    // Split. At the right end of the last leaf (ascending loads, timestamps) the old leaf stays
    // full and the new one starts with the new entry; at the left end of the first leaf
    // likewise mirrored; elsewhere it is cut in half.
    const L = this.r.leaves;
    const right = L.alloc();
    let keep: number;
    if (p === n && this.r.leafLink(leaf, L_NEXT) === 0) keep = n;
    else if (p === 0 && this.r.leafLink(leaf, L_PREV) === 0) keep = 0;
    else keep = n >>> 1;
    this.r.moveEntries(leaf, keep, right, 0, n - keep);
    this.r.setLeafCount(leaf, keep);
    this.r.setLeafCount(right, n - keep);
    // Link right after leaf.
    const nx = this.r.leafLink(leaf, L_NEXT);
    this.r.setLeafLink(right, L_NEXT, nx);
    this.r.setLeafLink(right, L_PREV, leaf);
    this.r.setLeafLink(leaf, L_NEXT, right);
    if (nx !== 0) this.r.setLeafLink(nx, L_PREV, right);
    else this.tail = right;
    // Entries before p are left of it; at p itself either side keeps the order, so it goes left
    // unless the left one stayed full.
    if (p < keep || (p === keep && keep < B)) this.r.leafInsertAt(leaf, p, score, ele);
    else this.r.leafInsertAt(right, p - keep, score, ele);
    this.addChild(this.height - 1, leaf, right, this.r.leafCount(leaf), this.r.leafCount(right), this.r.leafScore(right, 0), this.r.leafEle(right, 0));
  }

  /**
   * After child `left` of the depth-d path node split off `right` (just after it), records
   * right in that node with its lower bound; splits the node in turn when full. d = -1: left
   * was the root.
   */
  private addChild(d: number, left: number, right: number, leftCount: number, rightCount: number, sepScore: number, sepEle: string): void {
    const I = this.r.inners;
    if (d < 0) {
      const root = I.alloc();
      const seg = root >>> SEG_BITS;
      const a = I.i32[seg]!;
      const o = (root & SEG_MASK) * INNER_SLOTS;
      a[o + I_KID] = left;
      a[o + I_KID + 1] = right;
      a[o + I_CNT] = leftCount;
      a[o + I_CNT + 1] = rightCount;
      a[o + I_N] = 2;
      I.f64[seg]![(o >>> 1) + 1] = sepScore;
      I.str[seg]![(root & SEG_MASK) * B + 1] = sepEle;
      this.root = root;
      this.height++;
      return;
    }
    const x = this.pathNode[d]!;
    const i = this.pathIdx[d]!;
    const n = this.r.innerCount(x);
    if (n < B) {
      this.r.innerInsertAt(x, i + 1, right, rightCount, sepScore, sepEle);
      this.r.setInnerCnt(x, i, leftCount);
      return;
    }
    // Split the full node in half; the new child goes to whichever half holds index i + 1.
    const y = I.alloc();
    const keep = n >>> 1;
    this.r.moveKids(x, keep, y, 0, n - keep);
    this.r.setInnerCount(x, keep);
    this.r.setInnerCount(y, n - keep);
    // y's lower bound is the separator its first child had in x.
    const ySep = this.r.innerSep(y, 0);
    const yEle = this.r.innerSepEle(y, 0);
    if (i + 1 <= keep) {
      this.r.innerInsertAt(x, i + 1, right, rightCount, sepScore, sepEle);
      this.r.setInnerCnt(x, i, leftCount);
    } else {
      this.r.innerInsertAt(y, i + 1 - keep, right, rightCount, sepScore, sepEle);
      this.r.setInnerCnt(y, i - keep, leftCount);
    }
    // The new child at y's index 0 (when i + 1 = keep it went to x's end, not y's start).
    this.addChild(d - 1, x, y, this.r.innerTotal(x), this.r.innerTotal(y), ySep, yEle);
  }

  /** Removes the entry at the found position, then rebalances what fell below MIN_FILL. */
  private removeFound(): void {
    this.adjustPath(-1);
    this.length--;
    const leaf = this.leaf;
    this.r.leafRemoveAt(leaf, this.pos);
    if (this.height === 0 || this.r.leafCount(leaf) >= MIN_FILL) return;
    this.rebalanceLeaf();
  }

  private rebalanceLeaf(): void {
    const d = this.height - 1;
    const parent = this.pathNode[d]!;
    const i = this.pathIdx[d]!;
    // Pair with the right sibling, or the left one for the last child.
    const j = i + 1 < this.r.innerCount(parent) ? i : i - 1;
    const left = this.r.innerKid(parent, j);
    const right = this.r.innerKid(parent, j + 1);
    const ln = this.r.leafCount(left);
    const rn = this.r.leafCount(right);
    if (ln + rn <= B) {
      this.r.moveEntries(right, 0, left, ln, rn);
      this.r.setLeafCount(left, ln + rn);
      const nx = this.r.leafLink(right, L_NEXT);
      this.r.setLeafLink(left, L_NEXT, nx);
      if (nx !== 0) this.r.setLeafLink(nx, L_PREV, left);
      else this.tail = left;
      this.r.leaves.release(right);
      this.r.setInnerCnt(parent, j, ln + rn);
      this.r.innerRemoveAt(parent, j + 1);
      this.afterInnerRemove(d);
      return;
    }
    this.evenOut(true, left, right, ln, rn);
    this.r.setInnerCnt(parent, j, this.r.leafCount(left));
    this.r.setInnerCnt(parent, j + 1, this.r.leafCount(right));
    this.r.setInnerSep(parent, j + 1, this.r.leafScore(right, 0), this.r.leafEle(right, 0));
  }

  /** After a child of the depth-d path node was removed: collapse the root or rebalance. */
  private afterInnerRemove(d: number): void {
    const x = this.pathNode[d]!;
    const n = this.r.innerCount(x);
    if (d === 0) {
      if (n === 1) {
        this.root = this.r.innerKid(x, 0);
        this.height--;
        this.r.inners.release(x);
      }
      return;
    }
    if (n >= MIN_FILL) return;
    const parent = this.pathNode[d - 1]!;
    const i = this.pathIdx[d - 1]!;
    const j = i + 1 < this.r.innerCount(parent) ? i : i - 1;
    const left = this.r.innerKid(parent, j);
    const right = this.r.innerKid(parent, j + 1);
    const ln = this.r.innerCount(left);
    const rn = this.r.innerCount(right);
    // Right's first child takes the bound the parent holds for right.
    this.r.setInnerSep(right, 0, this.r.innerSep(parent, j + 1), this.r.innerSepEle(parent, j + 1));
    if (ln + rn <= B) {
      this.r.moveKids(right, 0, left, ln, rn);
      this.r.setInnerCount(left, ln + rn);
      this.r.inners.release(right);
      this.r.setInnerCnt(parent, j, this.r.innerTotal(left));
      this.r.innerRemoveAt(parent, j + 1);
      this.afterInnerRemove(d - 1);
      return;
    }
    this.evenOut(false, left, right, ln, rn);
    this.r.setInnerCnt(parent, j, this.r.innerTotal(left));
    this.r.setInnerCnt(parent, j + 1, this.r.innerTotal(right));
    this.r.setInnerSep(parent, j + 1, this.r.innerSep(right, 0), this.r.innerSepEle(right, 0));
  }

  /**
   * Moves items (a leaf's entries, an inner node's children) between two adjacent siblings that
   * do not fit in one, so that each holds half. The caller fixes the parent's counts and bound.
   */
  private evenOut(leafLevel: boolean, left: number, right: number, ln: number, rn: number): void {
    const r = this.r;
    const half = (ln + rn) >>> 1;
    if (ln < rn) {
      const k = half - ln;
      r.moveItems(leafLevel, right, 0, left, ln, k);
      r.moveItems(leafLevel, right, k, right, 0, rn - k);
      r.setItemCount(leafLevel, left, ln + k);
      r.setItemCount(leafLevel, right, rn - k);
    } else {
      const k = half - rn;
      r.moveItems(leafLevel, right, 0, right, k, rn);
      r.moveItems(leafLevel, left, ln - k, right, 0, k);
      r.setItemCount(leafLevel, left, ln - k);
      r.setItemCount(leafLevel, right, rn + k);
    }
  }

  /** Adds delta to the counts along the last descent's path. */
  private adjustPath(delta: number): void {
    const I = this.r.inners;
    for (let d = 0; d < this.height; d++) {
      const x = this.pathNode[d]!;
      I.i32[x >>> SEG_BITS]![(x & SEG_MASK) * INNER_SLOTS + I_CNT + this.pathIdx[d]!]! += delta;
    }
  }

  /** Checks a subtree; returns its entry count and appends its leaves in order. */
  private verifyNode(x: number, depth: number, leaves: number[], low: [number, string] | null): number {
    const isRoot = depth === 0;
    if (depth === this.height) {
      const n = this.r.leafCount(x);
      // The end leaves may be short: an edge split (ordered loads) starts them with one entry.
      if (!isRoot && n < MIN_FILL && x !== this.head && x !== this.tail) throw new Error(`leaf under-full (${n})`);
      if (n > B) throw new Error('leaf over-full');
      if (low !== null && n > 0 && less(this.r.leafScore(x, 0), this.r.leafEle(x, 0), low[0], low[1])) throw new Error('entry below its separator');
      leaves.push(x);
      return n;
    }
    const n = this.r.innerCount(x);
    if (n < (isRoot ? 2 : MIN_FILL) || n > B) throw new Error(`inner node fill ${n}`);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const bound: [number, string] | null = i === 0 ? low : [this.r.innerSep(x, i), this.r.innerSepEle(x, i)];
      if (i > 0) {
        // Everything left of the separator sorts below it.
        const lastLeaf = leaves[leaves.length - 1]!;
        const ln = this.r.leafCount(lastLeaf);
        if (!less(this.r.leafScore(lastLeaf, ln - 1), this.r.leafEle(lastLeaf, ln - 1), bound![0], bound![1])) throw new Error('separator not above its left neighbour');
      }
      const c = this.verifyNode(this.r.innerKid(x, i), depth + 1, leaves, bound);
      if (c !== this.r.innerCnt(x, i)) throw new Error(`count ${this.r.innerCnt(x, i)} for a subtree of ${c}`);
      total += c;
    }
    return total;
  }
}
