// The skiplist behind a large sorted set: nodes ordered by (score, member bytes), each level's
// forward pointer carrying a span (how many nodes it skips) so that rank lookups and rank
// ranges are O(log n). Level 0 is stored in plain fields (its span is always 1); higher levels,
// which only a quarter of the nodes have, live in a small side array to keep nodes compact.
// Pure data structure: no imports beyond the language.

const MAX_LEVEL = 32;

export class ZNode {
  backward: ZNode | null = null;
  next: ZNode | null = null;
  /** Levels 1..L-1 as pairs [forward, span, forward, span, ...], or null for a level-1 node. */
  up: (ZNode | number | null)[] | null = null;
  constructor(public ele: string, public score: number) {}
}

/** Redis orders equal scores by member bytes; latin1 strings compare exactly that way. */
export function before(score: number, ele: string, node: ZNode): boolean {
  return node.score < score || (node.score === score && node.ele < ele);
}

function levelOf(n: ZNode): number {
  return n.up === null ? 1 : 1 + (n.up.length >> 1);
}

function fwd(n: ZNode, l: number): ZNode | null {
  return l === 0 ? n.next : (n.up![(l - 1) << 1] as ZNode | null);
}

function span(n: ZNode, l: number): number {
  return l === 0 ? 1 : (n.up![((l - 1) << 1) + 1] as number);
}

function setFwd(n: ZNode, l: number, to: ZNode | null): void {
  if (l === 0) n.next = to;
  else n.up![(l - 1) << 1] = to;
}

function setSpan(n: ZNode, l: number, s: number): void {
  if (l !== 0) n.up![((l - 1) << 1) + 1] = s;
}

function randomLevel(): number {
  let level = 1;
  while (level < MAX_LEVEL && Math.random() < 0.25) level++;
  return level;
}

export class SkipList {
  readonly head = new ZNode('', -Infinity);
  tail: ZNode | null = null;
  length = 0;
  level = 1;
  /** Scratch arrays for insert/delete, reused to avoid per-operation allocations. */
  private readonly update: ZNode[] = new Array<ZNode>(MAX_LEVEL);
  private readonly rank: number[] = new Array<number>(MAX_LEVEL).fill(0);

  constructor() {
    const up: (ZNode | number | null)[] = [];
    for (let i = 1; i < MAX_LEVEL; i++) up.push(null, 0);
    this.head.up = up;
  }

  /** Inserts a node the caller knows is absent. */
  insert(score: number, ele: string): ZNode {
    const update = this.update;
    const rank = this.rank;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      rank[i] = i === this.level - 1 ? 0 : rank[i + 1]!;
      for (let f = fwd(x, i); f !== null && before(score, ele, f); f = fwd(x, i)) {
        rank[i]! += span(x, i);
        x = f;
      }
      update[i] = x;
    }
    const level = randomLevel();
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rank[i] = 0;
        update[i] = this.head;
        setSpan(this.head, i, this.length);
      }
      this.level = level;
    }
    const node = new ZNode(ele, score);
    if (level > 1) {
      const up = new Array<ZNode | number | null>((level - 1) * 2);
      node.up = up;
    }
    for (let i = 0; i < level; i++) {
      const u = update[i]!;
      setFwd(node, i, fwd(u, i));
      setFwd(u, i, node);
      if (i > 0) {
        setSpan(node, i, span(u, i) - (rank[0]! - rank[i]!));
        setSpan(u, i, rank[0]! - rank[i]! + 1);
      }
    }
    for (let i = level; i < this.level; i++) setSpan(update[i]!, i, span(update[i]!, i) + 1);
    node.backward = update[0] === this.head ? null : update[0]!;
    if (node.next !== null) node.next.backward = node;
    else this.tail = node;
    this.length++;
    return node;
  }

  /** Unlinks the node with this score and member; returns it, or null when absent. */
  delete(score: number, ele: string): ZNode | null {
    const update = this.update;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = fwd(x, i); f !== null && before(score, ele, f); f = fwd(x, i)) x = f;
      update[i] = x;
    }
    const node = x.next;
    if (node === null || node.score !== score || node.ele !== ele) return null;
    for (let i = 0; i < this.level; i++) {
      const u = update[i]!;
      if (fwd(u, i) === node) {
        if (i > 0) setSpan(u, i, span(u, i) + span(node, i) - 1);
        setFwd(u, i, fwd(node, i));
      } else if (i > 0) {
        setSpan(u, i, span(u, i) - 1);
      }
    }
    if (node.next !== null) node.next.backward = node.backward;
    else this.tail = node.backward;
    while (this.level > 1 && fwd(this.head, this.level - 1) === null) this.level--;
    this.length--;
    return node;
  }

  /**
   * Changes a node's score: in place when the order is unchanged (Redis's zslUpdateScore fast
   * path), else by unlinking and inserting again. Returns the node now holding the member.
   */
  updateScore(node: ZNode, score: number): ZNode {
    const prev = node.backward;
    const next = node.next;
    if ((prev === null || before(score, node.ele, prev)) && (next === null || !before(score, node.ele, next))) {
      node.score = score;
      return node;
    }
    this.delete(node.score, node.ele);
    return this.insert(score, node.ele);
  }

  /** 1-based rank of the node with this score and member, 0 when absent. */
  rankOf(score: number, ele: string): number {
    let r = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = fwd(x, i); f !== null && (before(score, ele, f) || (f.score === score && f.ele === ele)); f = fwd(x, i)) {
        r += span(x, i);
        x = f;
      }
      if (x !== this.head && x.ele === ele && x.score === score) return r;
    }
    return 0;
  }

  /** The node at a 1-based rank, or null when out of range. */
  byRank(rank: number): ZNode | null {
    if (rank < 1 || rank > this.length) return null;
    let traversed = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = fwd(x, i); f !== null && traversed + span(x, i) <= rank; f = fwd(x, i)) {
        traversed += span(x, i);
        x = f;
      }
      if (traversed === rank) return x;
    }
    return null;
  }

  /**
   * The first node for which `below(node)` is false (nodes are ordered so that `below` holds for
   * a prefix), with its 1-based rank; null when there is none.
   */
  firstNotBelow(below: (n: ZNode) => boolean): { node: ZNode; rank: number } | null {
    let r = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = fwd(x, i); f !== null && below(f); f = fwd(x, i)) {
        r += span(x, i);
        x = f;
      }
    }
    return x.next === null ? null : { node: x.next, rank: r + 1 };
  }

  /** The last node for which `within(node)` holds (a prefix property); null when none. */
  lastWithin(within: (n: ZNode) => boolean): { node: ZNode; rank: number } | null {
    let r = 0;
    let x = this.head;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = fwd(x, i); f !== null && within(f); f = fwd(x, i)) {
        r += span(x, i);
        x = f;
      }
    }
    return x === this.head ? null : { node: x, rank: r };
  }

  /** Level count of a node (for tests of the structure's invariants). */
  static levelOf(n: ZNode): number {
    return levelOf(n);
  }

  /** Checks spans and order; throws on corruption (unit tests). */
  verify(): void {
    let count = 0;
    let prev: ZNode | null = null;
    for (let x = this.head.next; x !== null; x = x.next) {
      if (x.backward !== prev) throw new Error('bad backward link');
      if (prev !== null && !before(x.score, x.ele, prev)) throw new Error('bad order');
      prev = x;
      count++;
    }
    if (count !== this.length || this.tail !== prev) throw new Error('bad length or tail');
    for (let l = 1; l < this.level; l++) {
      let x: ZNode = this.head;
      let pos = 0;
      for (let f = fwd(x, l); f !== null; f = fwd(x, l)) {
        pos += span(x, l);
        if (this.byRankSlow(pos) !== f) throw new Error(`bad span at level ${l}`);
        x = f;
      }
    }
  }

  private byRankSlow(rank: number): ZNode | null {
    let x = this.head.next;
    for (let i = 1; x !== null && i < rank; i++) x = x.next;
    return x;
  }
}
