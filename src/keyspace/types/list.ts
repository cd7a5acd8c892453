// List values: a chain of small packed nodes, as Redis's quicklist. A small list is one node
// without limits and reports 'listpack'; past list-max-listpack-size it reports 'quicklist' and
// its nodes obey the fill limit (entries when positive, listpack bytes when negative). Node sizes
// are tracked in Redis's listpack bytes so that encodings and conversions match Redis 7.2.
// Nodes other than the two end ones are packed into one string each (list-node.ts).
// Pure data structure: imports only util/ and value.ts; the caller passes the fill limit.

import { parseInt64 } from '../../util/numbers.js';
import type { Digest } from '../../util/sha1-digest.js';
import { CollectionValue, type TypeName } from '../value.js';
import {
  eachIn, elementAt, elements, matchesIn, Node, NodeDeque, open, popBack, popFront, pushBack, pushFront, seal,
} from './list-node.js';

export type End = 'head' | 'tail';

/** Node byte limits for fill -1..-5 (4k..64k). */
const SIZE_LEVELS = [4096, 8192, 16384, 32768, 65536];
/** With a count fill, a node is still kept under this many bytes. */
const SIZE_SAFETY_LIMIT = 8192;
/** Redis over-estimates an entry's bytes by this much when deciding whether it fits a node. */
const SIZE_ESTIMATE_OVERHEAD = 8;
/** How many nodes at each end may stay open (arrays); every node between them is packed. */
const OPEN_AT_ENDS = 2;
/** Bytes of one node object with its fields, for MEMORY USAGE. */
const NODE_OBJECT = 64;
/** lpBytes() of an empty listpack: 6-byte header plus the end byte. */
const LP_EMPTY = 7;

/** The byte and entry limits of one node for list-max-listpack-size `fill`. */
function nodeLimits(fill: number): [size: number, count: number] {
  if (fill >= 0) return [Infinity, fill === 0 ? 1 : fill];
  return [SIZE_LEVELS[Math.min(-fill - 1, SIZE_LEVELS.length - 1)]!, Infinity];
}

function exceedsLimit(fill: number, bytes: number, count: number): boolean {
  const [size, maxCount] = nodeLimits(fill);
  if (size !== Infinity) return bytes > size;
  return bytes > SIZE_SAFETY_LIMIT || count > maxCount;
}

/** An element that gets a node of its own (Redis's plain node). */
function isLarge(bytes: number, fill: number): boolean {
  return fill >= 0 ? bytes > SIZE_SAFETY_LIMIT : bytes > nodeLimits(fill)[0];
}

/** Bytes one element takes in a listpack: encoding, data and back-length. */
export function lpEntryBytes(s: string): number {
  const n = s.length;
  if (n > 0 && n <= 20) {
    const c = s.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      const v = parseInt64(s);
      if (v !== null) {
        if (typeof v === 'bigint') return 10;
        if (v >= 0 && v <= 127) return 2;
        if (v >= -4096 && v <= 4095) return 3;
        if (v >= -32768 && v <= 32767) return 4;
        if (v >= -8388608 && v <= 8388607) return 5;
        if (v >= -2147483648 && v <= 2147483647) return 6;
        return 10;
      }
    }
  }
  const enc = n < 64 ? 1 + n : n < 4096 ? 2 + n : 5 + n;
  const back = enc <= 127 ? 1 : enc < 16383 ? 2 : enc < 2097151 ? 3 : enc < 268435455 ? 4 : 5;
  return enc + back;
}

/** Builds a node holding items, with its listpack size. */
function nodeOf(items: string[], plain = false): Node {
  let b = plain ? 0 : LP_EMPTY;
  for (const s of items) b += plain ? s.length : lpEntryBytes(s);
  return new Node(items, b, plain);
}

/** Redis's _quicklistNodeAllowInsert. */
function allows(nd: Node, fill: number, sz: number): boolean {
  if (nd.plain || isLarge(sz, fill)) return false;
  return !exceedsLimit(fill, nd.bytes + sz + SIZE_ESTIMATE_OVERHEAD, nd.length + 1);
}

/** Where an index lives: node number and offset inside it. */
interface Pos { n: number; off: number }

export class ListValue extends CollectionValue {
  /** Head first. In listpack form exactly one node. */
  private nodes = NodeDeque.of([new Node([], LP_EMPTY, false)]);
  private len = 0;
  private packed = true;

  get type(): TypeName { return 'list'; }
  encoding(): string { return this.packed ? 'listpack' : 'quicklist'; }
  get size(): number { return this.len; }
  get length(): number { return this.len; }
  /** Number of nodes (quicklist form), for tests and DEBUG. */
  get nodeCount(): number { return this.nodes.length; }

  clone(): ListValue {
    const c = new ListValue();
    c.nodes = NodeDeque.of(this.nodes.toArray().map((nd) => nd.copy()));
    c.len = this.len;
    c.packed = this.packed;
    return c;
  }

  // ---- encoding conversions (Redis 7.2's listTypeTryConversion*) ----

  /** Before adding els[from..to): listpack → quicklist when the result would exceed a node's limit. */
  prepareGrow(els: readonly string[], from: number, to: number, fill: number): void {
    if (!this.packed) return;
    let add = 0;
    for (let i = from; i < to; i++) add += els[i]!.length;
    const nd = this.nodes.get(0);
    if (exceedsLimit(fill, nd.bytes + add, this.len + (to - from))) {
      this.packed = false;
      if (this.len === 0) this.nodes.clear();
    }
  }

  /**
   * After removing elements: quicklist → listpack when one packed node is left and it is at most
   * half the limits (the hysteresis keeps a list at the border from flapping).
   */
  shrinkCheck(fill: number): void {
    if (this.packed || this.nodes.length !== 1) return;
    const nd = this.nodes.get(0);
    if (nd.plain) return;
    const [size, count] = nodeLimits(fill);
    if (nd.bytes > size / 2 || this.len > count / 2) return;
    this.packed = true;
  }

  // ---- ends ----

  /** Pushes elements els[from..] one by one at `end` (LPUSH a b c leaves c first). */
  push(els: readonly string[], from: number, end: End, fill: number): void {
    this.prepareGrow(els, from, els.length, fill);
    for (let i = from; i < els.length; i++) this.pushOne(els[i]!, end, fill);
  }

  pushOne(s: string, end: End, fill: number): void {
    const sz = lpEntryBytes(s);
    const nodes = this.nodes;
    this.len++;
    if (this.packed) {
      const nd = nodes.get(0);
      if (end === 'head') pushFront(nd, s);
      else pushBack(nd, s);
      nd.bytes += sz;
      return;
    }
    const count = nodes.length;
    const edge = count === 0 ? undefined : nodes.get(end === 'head' ? 0 : count - 1);
    if (isLarge(s.length, fill)) {
      this.addNode(new Node([s], s.length, true), end);
    } else if (edge !== undefined && allows(edge, fill, sz)) {
      if (end === 'head') pushFront(edge, s);
      else pushBack(edge, s);
      edge.bytes += sz;
    } else {
      this.addNode(new Node([s], LP_EMPTY + sz, false), end);
    }
  }

  /**
   * Adds a node at an end. The node that moves two places in from that end is packed: the two
   * nodes nearest each end may stay open, so a push and a pop in turn at a node boundary never
   * pack and unpack a node each time.
   */
  private addNode(nd: Node, end: End): void {
    const nodes = this.nodes;
    if (end === 'head') nodes.unshift(nd);
    else nodes.push(nd);
    const k = end === 'head' ? 2 : nodes.length - 3;
    if (k >= OPEN_AT_ENDS && k < nodes.length - OPEN_AT_ENDS) seal(nodes.get(k));
  }

  /** Removes and returns the element at `end`, or undefined when empty. */
  pop(end: End, fill: number): string | undefined {
    const s = this.popOne(end);
    if (s !== undefined) this.shrinkCheck(fill);
    return s;
  }

  /** Removes up to `count` elements from `end`, in pop order. */
  popMany(end: End, count: number, fill: number): string[] {
    const out: string[] = [];
    while (out.length < count && this.len > 0) out.push(this.popOne(end)!);
    this.shrinkCheck(fill);
    return out;
  }

  private popOne(end: End): string | undefined {
    if (this.len === 0) return undefined;
    const nodes = this.nodes;
    const ni = end === 'head' ? 0 : nodes.length - 1;
    const nd = nodes.get(ni);
    const s = end === 'head' ? popFront(nd) : popBack(nd);
    nd.bytes -= nd.plain ? s.length : lpEntryBytes(s);
    this.len--;
    if (nd.length === 0 && !this.packed) {
      if (end === 'head') nodes.shift();
      else nodes.pop();
    }
    return s;
  }

  // ---- positions ----

  /** Converts a possibly negative index to 0..len-1, or -1 when out of range. */
  normalize(index: number): number {
    const i = index < 0 ? this.len + index : index;
    return i >= 0 && i < this.len ? i : -1;
  }

  /** Locates index i (0 <= i < len), walking from the nearer end. */
  private locate(i: number): Pos {
    const nodes = this.nodes;
    if (i < this.len / 2) {
      let n = 0;
      while (i >= nodes.get(n).length) i -= nodes.get(n++).length;
      return { n, off: i };
    }
    let rest = this.len - 1 - i;
    let n = nodes.length - 1;
    while (rest >= nodes.get(n).length) rest -= nodes.get(n--).length;
    return { n, off: nodes.get(n).length - 1 - rest };
  }

  /** Element at a normalized index. */
  at(i: number): string {
    const p = this.locate(i);
    return elementAt(this.nodes.get(p.n), p.off);
  }

  /** Elements start..end (normalized and clamped by the caller), in order. */
  range(start: number, end: number): string[] {
    const out: string[] = [];
    this.forRange(start, end, (s) => { out.push(s); });
    return out;
  }

  /** Calls fn for elements start..end (normalized, clamped), in order, without copying. */
  forRange(start: number, end: number, fn: (s: string) => void): void {
    if (start > end) return;
    let { n, off } = this.locate(start);
    let left = end - start + 1;
    while (left > 0) {
      const nd = this.nodes.get(n);
      const stop = Math.min(nd.length, off + left);
      eachIn(nd, off, stop, fn);
      left -= stop - off;
      n++;
      off = 0;
    }
  }

  /**
   * Indexes of elements equal to s, scanning from the head (or the tail) at most `maxlen`
   * elements (0: all), skipping the first `skip` matches, stopping after `want` (LPOS, LINSERT).
   */
  positions(s: string, fromTail: boolean, skip: number, want: number, maxlen: number): number[] {
    const out: number[] = [];
    const limit = maxlen === 0 ? this.len : Math.min(maxlen, this.len);
    const nodes = this.nodes;
    const count = nodes.length;
    let scanned = 0;
    let base = fromTail ? this.len : 0;
    for (let k = 0; k < count && scanned < limit && out.length < want; k++) {
      const nd = nodes.get(fromTail ? count - 1 - k : k);
      const len = nd.length;
      const take = Math.min(len, limit - scanned);
      if (!fromTail) {
        for (const j of matchesIn(nd, s, 0, take)) {
          if (skip > 0) skip--;
          else if (out.push(base + j) >= want) break;
        }
        base += len;
      } else {
        base -= len;
        const m = matchesIn(nd, s, len - take, len);
        for (let x = m.length - 1; x >= 0; x--) {
          if (skip > 0) skip--;
          else if (out.push(base + m[x]!) >= want) break;
        }
      }
      scanned += take;
    }
    return out;
  }

  /** Calls fn for each element from the head (or the tail), with its index; stops when fn returns false. */
  forEach(fromTail: boolean, fn: (s: string, index: number) => boolean): void {
    const nodes = this.nodes;
    if (!fromTail) {
      let idx = 0;
      for (let n = 0; n < nodes.length; n++) for (const s of elements(nodes.get(n))) if (!fn(s, idx++)) return;
    } else {
      let idx = this.len - 1;
      for (let n = nodes.length - 1; n >= 0; n--) {
        const items = elements(nodes.get(n));
        for (let j = items.length - 1; j >= 0; j--) if (!fn(items[j]!, idx--)) return;
      }
    }
  }

  /** Packs the nodes around n again after an in-place change, except those near the ends. */
  private settle(n: number): void {
    const nodes = this.nodes;
    const hi = Math.min(nodes.length - 1 - OPEN_AT_ENDS, n + 3);
    for (let k = Math.max(OPEN_AT_ENDS, n - 1); k <= hi; k++) seal(nodes.get(k));
  }

  /** Replaces the element at a normalized index (LSET). */
  set(i: number, s: string, fill: number): void {
    this.prepareGrow([s], 0, 1, fill);
    const p = this.locate(i);
    const nd = this.nodes.get(p.n);
    const items = open(nd);
    const old = items[p.off]!;
    if (this.packed) {
      items[p.off] = s;
      nd.bytes += lpEntryBytes(s) - lpEntryBytes(old);
    } else if (nd.plain && isLarge(s.length, fill)) {
      items[0] = s;
      nd.bytes = s.length;
    } else if (!nd.plain && !isLarge(s.length, fill) &&
      !exceedsLimit(fill, nd.bytes + lpEntryBytes(s) - lpEntryBytes(old), items.length)) {
      items[p.off] = s;
      nd.bytes += lpEntryBytes(s) - lpEntryBytes(old);
    } else {
      // Does not fit where it is: insert the new element after the old one, then drop the old.
      this.insertAt(p, s, true, fill);
      this.removeAt(this.locate(i));
    }
    this.settle(p.n);
    this.shrinkCheck(fill);
  }

  /** Inserts s before or after the element at normalized index i (LINSERT). */
  insert(i: number, s: string, after: boolean, fill: number): void {
    this.prepareGrow([s], 0, 1, fill);
    const p = this.locate(i);
    this.insertAt(p, s, after, fill);
    this.settle(p.n);
  }

  /** Redis's _quicklistInsert for a middle position. */
  private insertAt(p: Pos, s: string, after: boolean, fill: number): void {
    const nodes = this.nodes;
    const nd = nodes.get(p.n);
    const items = open(nd);
    const sz = lpEntryBytes(s);
    this.len++;
    if (this.packed) {
      items.splice(after ? p.off + 1 : p.off, 0, s);
      nd.bytes += sz;
      return;
    }
    const atTail = p.off === items.length - 1;
    const atHead = p.off === 0;
    const large = isLarge(s.length, fill);
    if (!large && allows(nd, fill, sz)) {
      items.splice(after ? p.off + 1 : p.off, 0, s);
      nd.bytes += sz;
      return;
    }
    const next = p.n + 1 < nodes.length ? nodes.get(p.n + 1) : undefined;
    const prev = p.n > 0 ? nodes.get(p.n - 1) : undefined;
    if (!large && after && atTail && next !== undefined && allows(next, fill, sz)) {
      pushFront(next, s);
      next.bytes += sz;
      return;
    }
    if (!large && !after && atHead && prev !== undefined && allows(prev, fill, sz)) {
      pushBack(prev, s);
      prev.bytes += sz;
      return;
    }
    const fresh = large ? new Node([s], s.length, true) : new Node([s], LP_EMPTY + sz, false);
    if ((after && atTail) || (!after && atHead)) {
      nodes.insertAt(after ? p.n + 1 : p.n, fresh);
      return;
    }
    // Full node in the middle: split it at the position and put the element between the halves.
    const cut = after ? p.off + 1 : p.off;
    const right = nodeOf(items.slice(cut), nd.plain);
    items.length = cut;
    nd.bytes = nodeOf(items, nd.plain).bytes;
    nodes.insertAt(p.n + 1, fresh, right);
    if (!large) this.mergeAround(p.n + 1, fill);
  }

  /** Merges the node at n with a neighbour when the two fit in one node (Redis's merge pass). */
  private mergeAround(n: number, fill: number): void {
    const nodes = this.nodes;
    const tryMerge = (a: number): boolean => {
      if (a < 0 || a + 1 >= nodes.length) return false;
      const x = nodes.get(a);
      const y = nodes.get(a + 1);
      if (x.plain || y.plain) return false;
      if (exceedsLimit(fill, x.bytes + y.bytes - 11, x.length + y.length)) return false;
      x.items = open(x).concat(open(y));
      x.bytes += y.bytes - LP_EMPTY;
      nodes.removeAt(a + 1);
      return true;
    };
    if (!tryMerge(n - 1)) tryMerge(n);
    else tryMerge(n - 1);
  }

  private removeAt(p: Pos): void {
    const nd = this.nodes.get(p.n);
    const [s] = open(nd).splice(p.off, 1);
    nd.bytes -= nd.plain ? s!.length : lpEntryBytes(s!);
    this.len--;
    if (nd.length === 0 && !this.packed) this.nodes.removeAt(p.n);
  }

  /**
   * Removes up to `count` elements equal to s (all when 0), from the tail when fromTail (LREM).
   * Returns how many were removed.
   */
  remove(s: string, count: number, fromTail: boolean, fill: number): number {
    let removed = 0;
    const nodes = this.nodes;
    const limit = count === 0 ? Infinity : count;
    for (let k = 0; k < nodes.length && removed < limit; k++) {
      const n = fromTail ? nodes.length - 1 - k : k;
      const nd = nodes.get(n);
      if (matchesIn(nd, s, 0, nd.length).length === 0) continue;
      const items = open(nd);
      const kept: string[] = [];
      if (!fromTail) {
        for (const x of items) {
          if (x === s && removed < limit) removed++;
          else kept.push(x);
        }
      } else {
        for (let j = items.length - 1; j >= 0; j--) {
          const x = items[j]!;
          if (x === s && removed < limit) removed++;
          else kept.push(x);
        }
        kept.reverse();
      }
      const gone = items.length - kept.length;
      nd.bytes -= gone * (nd.plain ? s.length : lpEntryBytes(s));
      nd.items = kept;
      this.len -= gone;
      if (kept.length === 0 && !this.packed) {
        // The next node to visit moved into this k either way (nodes after n shifted down, or
        // counting from the tail, the tail end came one closer).
        nodes.removeAt(n);
        k--;
      } else if (n >= OPEN_AT_ENDS && n < nodes.length - OPEN_AT_ENDS) {
        seal(nd);
      }
    }
    if (removed > 0) this.shrinkCheck(fill);
    return removed;
  }

  /** Keeps only elements start..end (normalized, clamped; start > end empties the list). */
  trim(start: number, end: number, fill: number): void {
    if (start > end || start >= this.len) {
      this.nodes = NodeDeque.of(this.packed ? [new Node([], LP_EMPTY, false)] : []);
      this.len = 0;
      return;
    }
    if (this.packed) {
      const nd = this.nodes.get(0);
      const items = open(nd).slice(start, end + 1);
      nd.items = items;
      nd.bytes = nodeOf(items).bytes;
      this.len = items.length;
      return;
    }
    // Only whole nodes in the middle are kept as they are; the cut ones are the new end nodes.
    const kept: Node[] = [];
    let idx = 0;
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) {
      const nd = nodes.get(n);
      const first = idx;
      const last = idx + nd.length - 1;
      idx += nd.length;
      if (last < start || first > end) continue;
      if (first >= start && last <= end) {
        kept.push(nd);
        continue;
      }
      kept.push(nodeOf(elements(nd).slice(Math.max(start, first) - first, Math.min(end, last) - first + 1), nd.plain));
    }
    this.nodes = NodeDeque.of(kept);
    this.len = end - start + 1;
    this.shrinkCheck(fill);
  }

  /** Checks the internal invariants; returns what is wrong, or null (tests, DEBUG). */
  validate(fill: number): string | null {
    let total = 0;
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) {
      const nd = nodes.get(n);
      const items = elements(nd);
      total += items.length;
      if (items.length !== nd.length) return 'node length out of sync';
      if (nd.bytes !== nodeOf(items, nd.plain).bytes) return 'node bytes out of sync';
      if (!this.packed && items.length === 0) return 'empty node';
      if (nd.plain && items.length !== 1) return 'plain node with several elements';
      if (!this.packed && !nd.plain && items.length > 1 && nodeLimits(fill)[1] !== Infinity &&
        items.length > nodeLimits(fill)[1]) return 'node over the entry limit';
      if (n >= OPEN_AT_ENDS && n < nodes.length - OPEN_AT_ENDS && !nd.plain && nd.items !== null) return 'middle node not packed';
    }
    if (this.packed && nodes.length !== 1) return 'listpack with several nodes';
    return total === this.len ? null : 'length out of sync';
  }

  /** Calls fn for each node in order with its elements and whether it is a plain node (RDB). */
  forEachNode(fn: (items: readonly string[], plain: boolean) => void): void {
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) fn(elements(nodes.get(n)), nodes.get(n).plain);
  }

  /** DEBUG DIGEST: every element mixed in order, as Redis's list digest. */
  digestInto(d: Digest): void {
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) eachIn(nodes.get(n), 0, nodes.get(n).length, (s) => d.mix(s));
  }

  /**
   * MEMORY USAGE's estimate (commands/server/memory-model.ts): per node its object and either
   * its packed string or its array and element strings. Walks every node (not the elements of
   * packed ones); `samples` does not apply.
   */
  memoryUsage(_samples: number): number {
    const str = (len: number): number => 16 + ((len + 7) & ~7);
    let total = 64;
    const nodes = this.nodes;
    for (let n = 0; n < nodes.length; n++) {
      const nd = nodes.get(n);
      total += NODE_OBJECT;
      if (nd.items === null) total += str(nd.body.length);
      else eachIn(nd, 0, nd.length, (s) => { total += 8 + str(s.length); });
    }
    return total;
  }

  /** All elements in order (small lists, DEBUG, persistence). */
  toArray(): string[] {
    return this.len === 0 ? [] : this.range(0, this.len - 1);
  }
}
