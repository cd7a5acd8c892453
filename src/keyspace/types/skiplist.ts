// The skiplist behind a large sorted set: nodes ordered by (score, member bytes), each level's
// forward link carrying a span (how many nodes it skips) so that rank lookups and rank ranges
// are O(log n). Nodes are integer ids into a pool of typed-array segments, so that a visited
// node costs one cache line (its score and links sit together) instead of three JS objects.
// Pure data structure: no imports beyond the language.

const MAX_LEVEL = 32;

/**
 * A node is a record of 2 + 2·level Int32 slots starting at its id (always even, so the score
 * is an aligned Float64):
 *   +0..+1  score (Float64)
 *   +2      level-0 forward (next)       +3      backward (level 0's span is always 1)
 *   +2+2i   level-i forward              +3+2i   level-i span (i ≥ 1)
 * Id 0 is the head (all 32 levels), never a forward or backward target, so 0 also means "none".
 * Members live in a per-segment array at (id within the segment) / 2.
 */
const SEG_BITS = 16;
/** Int32 slots per segment (256 KiB): no growth ever copies more than this. */
const SEG_SLOTS = 1 << SEG_BITS;
const SEG_MASK = SEG_SLOTS - 1;
/** The first segment starts this small and doubles up to SEG_SLOTS (small sorted sets are common). */
const FIRST_SLOTS = 512;
const HEAD_SLOTS = 2 + 2 * MAX_LEVEL;

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < 0.25) level++;
  return level;
}

export class SkipList {
  tail = 0;
  length = 0;
  level = 1;
  /** Per segment: the slots, a Float64 view of the same bytes, and the members. */
  private a: Int32Array[] = [];
  private f: Float64Array[] = [];
  private e: string[][] = [];
  /** The next never-used slot. */
  private top = HEAD_SLOTS;
  /** Free records by level (chained through their next slot), 0 when none. */
  private readonly free = new Int32Array(MAX_LEVEL + 1);
  /** Scratch arrays for insert/delete, reused to avoid per-operation allocations. */
  private readonly update = new Int32Array(MAX_LEVEL);
  private readonly rank = new Int32Array(MAX_LEVEL);
  /** The rank of the node the last firstNotBelow/lastWithin/firstScore/lastScore found. */
  foundRank = 0;

  constructor() {
    this.addSegment(FIRST_SLOTS);
  }

  // ---- node accessors ----

  /** The first node (lowest), 0 when empty. */
  first(): number {
    return this.a[0]![2]!;
  }

  next(id: number): number {
    return this.a[id >>> SEG_BITS]![(id & SEG_MASK) + 2]!;
  }

  /** The node before, 0 for the first one. */
  prev(id: number): number {
    return this.a[id >>> SEG_BITS]![(id & SEG_MASK) + 3]!;
  }

  scoreOf(id: number): number {
    return this.f[id >>> SEG_BITS]![(id & SEG_MASK) >>> 1]!;
  }

  eleOf(id: number): string {
    return this.e[id >>> SEG_BITS]![(id & SEG_MASK) >>> 1]!;
  }

  // ---- updates ----

  /** Inserts a node the caller knows is absent; returns its id. */
  insert(score: number, ele: string): number {
    const A = this.a;
    const F = this.f;
    const E = this.e;
    const update = this.update;
    const rank = this.rank;
    let x = 0;
    let xa = A[0]!;
    let xo = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      let r = i === this.level - 1 ? 0 : rank[i + 1]!;
      const fi = 2 + 2 * i;
      for (;;) {
        const f = xa[xo + fi]!;
        if (f === 0) break;
        const fs = f >>> SEG_BITS;
        const fo = f & SEG_MASK;
        const s = F[fs]![fo >>> 1]!;
        if (s < score || (s === score && E[fs]![fo >>> 1]! < ele)) {
          r += i === 0 ? 1 : xa[xo + fi + 1]!;
          x = f;
          xa = A[fs]!;
          xo = fo;
        } else break;
      }
      rank[i] = r;
      update[i] = x;
    }
    const level = randomLevel();
    const head = A[0]!;
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = 0;
        head[3 + 2 * i] = this.length;
      }
      this.level = level;
    }
    const node = this.alloc(level);
    const na = A[node >>> SEG_BITS]!;
    const no = node & SEG_MASK;
    this.f[node >>> SEG_BITS]![no >>> 1] = score;
    this.e[node >>> SEG_BITS]![no >>> 1] = ele;
    const r0 = rank[0]!;
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      const ua = A[u >>> SEG_BITS]!;
      const uf = (u & SEG_MASK) + 2 + 2 * i;
      na[no + 2 + 2 * i] = ua[uf]!;
      ua[uf] = node;
      if (i > 0) {
        na[no + 3 + 2 * i] = ua[uf + 1]! - (r0 - rank[i]!);
        ua[uf + 1] = r0 - rank[i]! + 1;
      }
    }
    for (let i = level; i < this.level; i++) {
      const u = update[i]!;
      A[u >>> SEG_BITS]![(u & SEG_MASK) + 3 + 2 * i]! += 1;
    }
    na[no + 3] = update[0]!;
    const nx = na[no + 2]!;
    if (nx !== 0) A[nx >>> SEG_BITS]![(nx & SEG_MASK) + 3] = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Unlinks and frees the node with this score and member; false when absent. */
  delete(score: number, ele: string): boolean {
    const x = this.descend(score, ele);
    const node = this.next(x);
    if (node === 0 || this.scoreOf(node) !== score || this.eleOf(node) !== ele) return false;
    this.unlink(node);
    return true;
  }

  /**
   * Changes a node's score (its current one is `score`, passed to save a read). As Redis's
   * zslUpdateScore: one descent to the node; in place when the new score keeps its order (the
   * node before it is then at hand), else unlinked and inserted again. Returns the id now
   * holding the member.
   */
  updateScore(node: number, score: number, newScore: number): number {
    const ele = this.eleOf(node);
    const prev = this.descend(score, ele);
    const next = this.next(node);
    if ((prev === 0 || this.before(newScore, ele, prev)) && (next === 0 || !this.before(newScore, ele, next))) {
      this.f[node >>> SEG_BITS]![(node & SEG_MASK) >>> 1] = newScore;
      return node;
    }
    this.unlink(node);
    return this.insert(newScore, ele);
  }

  // ---- searches ----

  /** 1-based rank of the node with this score and member, 0 when absent. */
  rankOf(score: number, ele: string): number {
    const A = this.a;
    let r = 0;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0; f = this.fwd(x, i)) {
        const s = this.scoreOf(f);
        if (!(s < score || (s === score && this.eleOf(f) <= ele))) break;
        r += i === 0 ? 1 : A[x >>> SEG_BITS]![(x & SEG_MASK) + 3 + 2 * i]!;
        x = f;
      }
      if (x !== 0 && this.scoreOf(x) === score && this.eleOf(x) === ele) return r;
    }
    return 0;
  }

  /** The node at a 1-based rank, or 0 when out of range. */
  byRank(rank: number): number {
    if (rank < 1 || rank > this.length) return 0;
    let traversed = 0;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0; f = this.fwd(x, i)) {
        const sp = this.span(x, i);
        if (traversed + sp > rank) break;
        traversed += sp;
        x = f;
      }
      if (traversed === rank) return x;
    }
    return 0;
  }

  /**
   * The first node whose score reaches min (above it when ex), or 0; its 1-based rank goes to
   * foundRank.
   */
  firstScore(min: number, ex: boolean): number {
    const x = this.lastBelow(min, ex);
    this.foundRank++;
    return this.a[x >>> SEG_BITS]![(x & SEG_MASK) + 2]!;
  }

  /** The last node whose score stays within max (below it when ex), or 0; rank in foundRank. */
  lastScore(max: number, ex: boolean): number {
    return this.lastBelow(max, !ex);
  }

  /**
   * The last node scoring below `bound` (or equal to it when orEqual), 0 (the head) when none;
   * its rank goes to foundRank. No callback: the score searches of ZRANGEBYSCORE and ZCOUNT.
   */
  private lastBelow(bound: number, orEqual: boolean): number {
    const A = this.a;
    const F = this.f;
    let r = 0;
    let x = 0;
    let xa = A[0]!;
    let xo = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const fi = 2 + 2 * i;
      for (;;) {
        const f = xa[xo + fi]!;
        if (f === 0) break;
        const s = F[f >>> SEG_BITS]![(f & SEG_MASK) >>> 1]!;
        if (orEqual ? s > bound : s >= bound) break;
        r += i === 0 ? 1 : xa[xo + fi + 1]!;
        x = f;
        xa = A[f >>> SEG_BITS]!;
        xo = f & SEG_MASK;
      }
    }
    this.foundRank = r;
    return x;
  }

  /**
   * The first node for which `below(score, member)` is false (nodes are ordered so that `below`
   * holds for a prefix), or 0; its 1-based rank goes to foundRank.
   */
  firstNotBelow(below: (score: number, ele: string) => boolean): number {
    let r = 0;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0 && below(this.scoreOf(f), this.eleOf(f)); f = this.fwd(x, i)) {
        r += this.span(x, i);
        x = f;
      }
    }
    this.foundRank = r + 1;
    return this.next(x);
  }

  /** The last node for which `within(score, member)` holds (a prefix property), or 0; rank in foundRank. */
  lastWithin(within: (score: number, ele: string) => boolean): number {
    let r = 0;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0 && within(this.scoreOf(f), this.eleOf(f)); f = this.fwd(x, i)) {
        r += this.span(x, i);
        x = f;
      }
    }
    this.foundRank = r;
    return x;
  }

  // ---- checks ----

  /** Level count of a node (for tests of the structure's invariants). */
  levelOf(node: number): number {
    // A node is on level i when some node (or the head) links to it there.
    let level = 1;
    for (let i = 1; i < this.level; i++) {
      let f = this.fwd(0, i);
      while (f !== 0 && f !== node) f = this.fwd(f, i);
      if (f === node) level = i + 1;
    }
    return level;
  }

  /** Checks links, spans, order and the free lists; throws on corruption (unit tests). */
  verify(): void {
    let count = 0;
    let prev = 0;
    for (let x = this.first(); x !== 0; x = this.next(x)) {
      if (this.prev(x) !== prev) throw new Error('bad backward link');
      if (prev !== 0 && !this.before(this.scoreOf(x), this.eleOf(x), prev)) throw new Error('bad order');
      prev = x;
      count++;
    }
    if (count !== this.length || this.tail !== prev) throw new Error('bad length or tail');
    for (let l = 1; l < this.level; l++) {
      let x = 0;
      let pos = 0;
      for (let f = this.fwd(x, l); f !== 0; f = this.fwd(x, l)) {
        pos += this.span(x, l);
        if (this.byRankSlow(pos) !== f) throw new Error(`bad span at level ${l}`);
        x = f;
      }
      if (pos + this.span(x, l) !== this.length) throw new Error(`bad tail span at level ${l}`);
    }
    for (let l = this.level; l < MAX_LEVEL; l++) if (this.fwd(0, l) !== 0) throw new Error('link above level');
  }

  // ---- internals ----

  /** True when (score, ele) sorts before node. */
  private before(score: number, ele: string, node: number): boolean {
    const s = this.scoreOf(node);
    return s < score || (s === score && this.eleOf(node) < ele);
  }

  private fwd(x: number, l: number): number {
    return this.a[x >>> SEG_BITS]![(x & SEG_MASK) + 2 + 2 * l]!;
  }

  private span(x: number, l: number): number {
    return l === 0 ? 1 : this.a[x >>> SEG_BITS]![(x & SEG_MASK) + 3 + 2 * l]!;
  }

  /** Fills update[] with the last node before (score, ele) on each level; returns update[0]. */
  private descend(score: number, ele: string): number {
    const update = this.update;
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0 && this.before(score, ele, f); f = this.fwd(x, i)) x = f;
      update[i] = x;
    }
    return x;
  }

  /** Unlinks and frees a node, update[] being filled by a descent to it. */
  private unlink(node: number): void {
    const A = this.a;
    const update = this.update;
    const na = A[node >>> SEG_BITS]!;
    const no = node & SEG_MASK;
    let level = 0;
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      const ua = A[u >>> SEG_BITS]!;
      const uf = (u & SEG_MASK) + 2 + 2 * i;
      if (ua[uf] === node) {
        level = i + 1;
        if (i > 0) ua[uf + 1] = ua[uf + 1]! + na[no + 3 + 2 * i]! - 1;
        ua[uf] = na[no + 2 + 2 * i]!;
      } else if (i > 0) {
        ua[uf + 1] = ua[uf + 1]! - 1;
      }
    }
    const nx = na[no + 2]!;
    if (nx !== 0) A[nx >>> SEG_BITS]![(nx & SEG_MASK) + 3] = na[no + 3]!;
    else this.tail = na[no + 3]!;
    const head = A[0]!;
    while (this.level > 1 && head[2 + 2 * (this.level - 1)] === 0) this.level--;
    this.length--;
    this.release(node, level);
  }

  private byRankSlow(rank: number): number {
    let x = this.first();
    for (let i = 1; x !== 0 && i < rank; i++) x = this.next(x);
    return x;
  }

  /** A record for a node of this level: a freed one of the same level, else fresh slots. */
  private alloc(level: number): number {
    const id = this.free[level]!;
    if (id !== 0) {
      const a = this.a[id >>> SEG_BITS]!;
      const o = id & SEG_MASK;
      this.free[level] = a[o + 2]!;
      for (let i = 2; i < 2 + 2 * level; i++) a[o + i] = 0;
      return id;
    }
    const size = 2 + 2 * level;
    let top = this.top;
    let seg = top >>> SEG_BITS;
    if ((top & SEG_MASK) + size > SEG_SLOTS) {
      // A record never straddles segments: the rest of this one stays unused.
      seg++;
      top = seg << SEG_BITS;
    }
    if (seg === this.a.length) this.addSegment(SEG_SLOTS);
    else if ((top & SEG_MASK) + size > this.a[seg]!.length) this.growFirst();
    this.top = top + size;
    return top;
  }

  private release(node: number, level: number): void {
    const a = this.a[node >>> SEG_BITS]!;
    const o = node & SEG_MASK;
    // Drop the member so that the string can be collected.
    this.e[node >>> SEG_BITS]![o >>> 1] = undefined as unknown as string;
    a[o + 2] = this.free[level]!;
    this.free[level] = node;
  }

  private addSegment(slots: number): void {
    const buf = new ArrayBuffer(slots * 4);
    this.a.push(new Int32Array(buf));
    this.f.push(new Float64Array(buf));
    this.e.push(new Array<string>(slots >>> 1));
  }

  /** Doubles the first segment (only ever the first is below full size). */
  private growFirst(): void {
    const old = this.a[0]!;
    const slots = Math.min(SEG_SLOTS, old.length * 2);
    const buf = new ArrayBuffer(slots * 4);
    const a = new Int32Array(buf);
    a.set(old);
    this.a[0] = a;
    this.f[0] = new Float64Array(buf);
    this.e[0]!.length = slots >>> 1;
  }
}
