// Quicklist nodes for list values (list.ts) and the deque that holds them. A node is either open
// (JS arrays, for the two end nodes that pushes and pops touch) or packed (one latin1 string of
// length-prefixed elements, for every node in between), so a big list costs about its bytes
// instead of a string and an array slot per element. Pure data: no limits or encodings here.

/**
 * One quicklist node. Open: `items` holds the elements in order after `front`, which holds the
 * elements before them nearest-to-head last, so a push at either end is an array push. Packed:
 * `items` is null and `body` holds `count` elements, each as its length (one char below 255, else
 * char 255 and four chars big-endian) followed by its bytes. `bytes` is the node's size in Redis's
 * listpack bytes (plain nodes: the element's length).
 */
export class Node {
  front: string[] | null = null;
  body = '';
  count = 0;
  constructor(public items: string[] | null, public bytes: number, public plain: boolean) {}

  get length(): number {
    const it = this.items;
    if (it === null) return this.count;
    return this.front === null ? it.length : it.length + this.front.length;
  }

  /** A packed node sharing this one's body (strings are immutable), or a copy of an open one. */
  copy(): Node {
    if (this.items === null) {
      const c = new Node(null, this.bytes, this.plain);
      c.body = this.body;
      c.count = this.count;
      return c;
    }
    return new Node(elements(this).slice(), this.bytes, this.plain);
  }
}

function lengthPrefix(n: number): string {
  return n < 255 ? String.fromCharCode(n) : String.fromCharCode(255, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

/** Length of the element whose prefix starts at p, when that prefix is the 5-char form. */
function longLength(body: string, p: number): number {
  return ((body.charCodeAt(p + 1) << 24) | (body.charCodeAt(p + 2) << 16) | (body.charCodeAt(p + 3) << 8) | body.charCodeAt(p + 4)) >>> 0;
}

/** Position of the element after the one whose prefix starts at p. */
function skip(body: string, p: number): number {
  const c = body.charCodeAt(p);
  return c < 255 ? p + 1 + c : p + 5 + longLength(body, p);
}

/** The element whose prefix starts at p. */
function decodeAt(body: string, p: number): string {
  const c = body.charCodeAt(p);
  return c < 255 ? body.substring(p + 1, p + 1 + c) : body.substring(p + 5, p + 5 + longLength(body, p));
}

/** Position of element k of a packed body. */
function seek(body: string, k: number): number {
  let p = 0;
  while (k-- > 0) p = skip(body, p);
  return p;
}

/** One flat latin1 string of length-prefixed elements (join builds it without intermediate ropes). */
function pack(items: readonly string[]): string {
  const parts = new Array<string>(items.length * 2);
  for (let i = 0; i < items.length; i++) {
    const s = items[i]!;
    parts[2 * i] = lengthPrefix(s.length);
    parts[2 * i + 1] = s;
  }
  return parts.join('');
}

function unpack(body: string, count: number): string[] {
  const out: string[] = [];
  let p = 0;
  for (let k = 0; k < count; k++) {
    out.push(decodeAt(body, p));
    p = skip(body, p);
  }
  return out;
}

/**
 * The node's elements as one ordered array, opening a packed node or folding `front` into
 * `items`: the form every in-place change (LSET, LINSERT, LREM, splits, merges) works on.
 */
export function open(nd: Node): string[] {
  let it = nd.items;
  if (it === null) {
    it = nd.items = unpack(nd.body, nd.count);
    nd.body = '';
    nd.count = 0;
  } else if (nd.front !== null) {
    if (nd.front.length > 0) it = nd.items = nd.front.reverse().concat(it);
    nd.front = null;
  }
  return it;
}

/** Opens a packed node for pops at its head: elements go to `front` reversed, so pops are O(1). */
function openForHead(nd: Node): void {
  if (nd.items !== null) return;
  nd.front = unpack(nd.body, nd.count).reverse();
  nd.items = [];
  nd.body = '';
  nd.count = 0;
}

/** Packs an open node (plain nodes stay as they are: one element gains nothing). */
export function seal(nd: Node): void {
  if (nd.items === null || nd.plain) return;
  const it = open(nd);
  nd.body = pack(it);
  nd.count = it.length;
  nd.items = null;
}

/** The node's elements in order without changing it (a fresh array when packed). */
export function elements(nd: Node): string[] {
  if (nd.items === null) return unpack(nd.body, nd.count);
  return nd.front === null || nd.front.length === 0 ? nd.items : nd.front.slice().reverse().concat(nd.items);
}

export function pushFront(nd: Node, s: string): void {
  if (nd.items === null) openForHead(nd);
  if (nd.front === null) nd.front = [s];
  else nd.front.push(s);
}

export function pushBack(nd: Node, s: string): void {
  if (nd.items === null) open(nd);
  nd.items!.push(s);
}

/** Removes the node's first element (the node must not be empty). */
export function popFront(nd: Node): string {
  if (nd.items === null) openForHead(nd);
  const f = nd.front;
  return f !== null && f.length > 0 ? f.pop()! : nd.items!.shift()!;
}

/** Removes the node's last element (the node must not be empty). */
export function popBack(nd: Node): string {
  if (nd.items === null) open(nd);
  const it = nd.items!;
  return it.length > 0 ? it.pop()! : nd.front!.shift()!;
}

/** Element `off` of the node. */
export function elementAt(nd: Node, off: number): string {
  const it = nd.items;
  if (it === null) return decodeAt(nd.body, seek(nd.body, off));
  const f = nd.front;
  if (f === null) return it[off]!;
  return off < f.length ? f[f.length - 1 - off]! : it[off - f.length]!;
}

/** Calls fn for the node's elements from..to-1, in order. */
export function eachIn(nd: Node, from: number, to: number, fn: (s: string) => void): void {
  const it = nd.items;
  if (it === null) {
    const body = nd.body;
    let p = seek(body, from);
    for (let k = from; k < to; k++) {
      fn(decodeAt(body, p));
      p = skip(body, p);
    }
    return;
  }
  const f = nd.front;
  const fl = f === null ? 0 : f.length;
  let k = from;
  for (; k < to && k < fl; k++) fn(f![fl - 1 - k]!);
  for (; k < to; k++) fn(it[k - fl]!);
}

/** Offsets in lo..hi-1 of elements equal to s, ascending. */
export function matchesIn(nd: Node, s: string, lo: number, hi: number): number[] {
  const out: number[] = [];
  if (nd.items === null) {
    const body = nd.body;
    const n = s.length;
    let p = seek(body, lo);
    for (let k = lo; k < hi; k++) {
      const c = body.charCodeAt(p);
      const len = c < 255 ? c : longLength(body, p);
      const at = c < 255 ? p + 1 : p + 5;
      if (len === n && body.startsWith(s, at)) out.push(k);
      p = at + len;
    }
    return out;
  }
  const it = open(nd);
  for (let j = it.indexOf(s, lo); j !== -1 && j < hi; j = it.indexOf(s, j + 1)) out.push(j);
  return out;
}

/**
 * The nodes of one list, head first, with O(1) adds and removals at both ends (a quicklist is a
 * linked list; an array with unshift would move every node pointer on each new head node). Free
 * room is kept before the first node and grows with the list.
 */
export class NodeDeque {
  private a: (Node | undefined)[] = [];
  private start = 0;

  get length(): number { return this.a.length - this.start; }
  get(i: number): Node { return this.a[this.start + i]!; }

  unshift(nd: Node): void {
    if (this.start === 0) {
      const live = this.length;
      const room = Math.max(4, live);
      const b = new Array<Node | undefined>(room).fill(undefined);
      for (let i = 0; i < live; i++) b.push(this.a[i]);
      this.a = b;
      this.start = room;
    }
    this.a[--this.start] = nd;
  }

  push(nd: Node): void { this.a.push(nd); }

  shift(): void {
    this.a[this.start++] = undefined;
    if (this.start === this.a.length) this.clear();
    // Compact only when the free room dwarfs the nodes, so that adding and dropping a head node
    // in turn never copies the array each time.
    else if (this.start > 64 && this.start > 3 * this.length) {
      this.a = this.a.slice(this.start);
      this.start = 0;
    }
  }

  pop(): void {
    this.a.pop();
    if (this.a.length === this.start) this.clear();
  }

  /** Removes node i, wherever it is. */
  removeAt(i: number): void {
    if (i === 0) this.shift();
    else if (i === this.length - 1) this.pop();
    else this.a.splice(this.start + i, 1);
  }

  /** Inserts nodes before position i (0 < i <= length for a middle insert). */
  insertAt(i: number, ...nds: Node[]): void {
    if (i === 0) for (let k = nds.length - 1; k >= 0; k--) this.unshift(nds[k]!);
    else this.a.splice(this.start + i, 0, ...nds);
  }

  clear(): void {
    this.a = [];
    this.start = 0;
  }

  toArray(): Node[] { return this.a.slice(this.start) as Node[]; }

  static of(nodes: Node[]): NodeDeque {
    const d = new NodeDeque();
    d.a = nodes;
    return d;
  }
}
