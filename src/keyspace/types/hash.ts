// Hash values. A small hash is 'listpack': all its fields and values packed into one latin1
// string (length-prefixed entries, in insertion order), which costs a few bytes per entry over
// the data. Past hash-max-listpack-entries/-value it becomes a 'hashtable' for good: a Dict
// (types/dict.ts) from field to value with dense positions, so lookups are O(1), random picks
// (HRANDFIELD) are too, and growing never pauses for a whole-table rehash.
// Pure data structure: imports only its siblings and value.ts; the caller passes the limits.

import { Digest } from '../../util/sha1-digest.js';
import { CollectionValue, type TypeName } from '../value.js';
import { Dict } from './dict.js';

/** Length prefix: one char below 255, else 255 and four big-endian chars. */
function lenPrefix(n: number): string {
  if (n < 255) return String.fromCharCode(n);
  return String.fromCharCode(255, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

function entry(s: string): string {
  return lenPrefix(s.length) + s;
}

/**
 * The pieces as one flat string. `a + b` would leave a V8 cons-string tree (and `slice` a view
 * of the old string) as the stored value: about 120 bytes more per 10-field hash, flattened
 * again by the next read, which leaves the tree as old-generation garbage. join copies once.
 */
function flat(...pieces: string[]): string {
  return pieces.join('');
}

/** The hashtable form: field → value in a Dict (dense positions, incremental rehash). */
type Table = Dict<string>;

export interface HashLimits {
  /** hash-max-listpack-entries */
  entries: number;
  /** hash-max-listpack-value */
  value: number;
}

export class HashValue extends CollectionValue {
  /** Packed entries while 'listpack' (field, value, field, value, ...). */
  private lp = '';
  private n = 0;
  private ht: Table | null = null;

  get type(): TypeName { return 'hash'; }
  encoding(): string { return this.ht === null ? 'listpack' : 'hashtable'; }
  get size(): number { return this.ht === null ? this.n : this.ht.size; }
  get isPacked(): boolean { return this.ht === null; }

  clone(): HashValue {
    const c = new HashValue();
    c.lp = this.lp;
    c.n = this.n;
    if (this.ht !== null) c.ht = this.ht.clone();
    return c;
  }

  // ---- packed form ----

  /** Reads the length prefix at p: returns [length, data offset]. */
  private readLen(p: number): [number, number] {
    const s = this.lp;
    const c = s.charCodeAt(p);
    if (c < 255) return [c, p + 1];
    const n = ((s.charCodeAt(p + 1) << 24) >>> 0) + (s.charCodeAt(p + 2) << 16) + (s.charCodeAt(p + 3) << 8) + s.charCodeAt(p + 4);
    return [n, p + 5];
  }

  /** Offset of the value entry of field f in the packed form, or -1. */
  private findPacked(f: string): number {
    const s = this.lp;
    const fl = f.length;
    let p = 0;
    while (p < s.length) {
      const [len, q] = this.readLen(p);
      const v = q + len;
      if (len === fl && s.startsWith(f, q)) return v;
      const [vlen, vq] = this.readLen(v);
      p = vq + vlen;
    }
    return -1;
  }

  private packedValueAt(v: number): string {
    const [len, q] = this.readLen(v);
    return this.lp.slice(q, q + len);
  }

  /** Calls fn(field, value) for each pair in order (packed form). */
  private eachPacked(fn: (f: string, v: string) => void): void {
    const s = this.lp;
    let p = 0;
    while (p < s.length) {
      const [len, q] = this.readLen(p);
      const f = s.slice(q, q + len);
      const [vlen, vq] = this.readLen(q + len);
      fn(f, s.slice(vq, vq + vlen));
      p = vq + vlen;
    }
  }

  /** Converts to the hashtable form (never back, as Redis). */
  convert(): void {
    if (this.ht !== null) return;
    const t: Table = new Dict<string>(true);
    this.eachPacked((f, v) => t.set(f, v));
    this.ht = t;
    this.lp = '';
    this.n = 0;
  }

  /**
   * Redis's hashTypeTryConversion for a command about to add `pairs` pairs: converts up front
   * when they could not all fit a listpack.
   */
  prepare(pairs: number, limits: HashLimits): void {
    if (this.ht === null && pairs > limits.entries) this.convert();
  }

  // ---- operations ----

  get(f: string): string | undefined {
    if (this.ht !== null) return this.ht.get(f);
    const v = this.findPacked(f);
    return v === -1 ? undefined : this.packedValueAt(v);
  }

  has(f: string): boolean {
    return this.ht !== null ? this.ht.has(f) : this.findPacked(f) !== -1;
  }

  /** Sets a field; returns true when it is new. Converts when the limits are exceeded. */
  set(f: string, v: string, limits: HashLimits): boolean {
    if (this.ht === null && (f.length > limits.value || v.length > limits.value)) this.convert();
    if (this.ht !== null) return this.ht.set(f, v);
    const at = this.findPacked(f);
    if (at !== -1) {
      const [len, q] = this.readLen(at);
      this.lp = flat(this.lp.slice(0, at), entry(v), this.lp.slice(q + len));
      return false;
    }
    this.lp = flat(this.lp, entry(f), entry(v));
    this.n++;
    if (this.n > limits.entries) this.convert();
    return true;
  }

  delete(f: string): boolean {
    if (this.ht !== null) return this.ht.delete(f) !== -1;
    const at = this.findPacked(f);
    if (at === -1) return false;
    const start = at - f.length - (f.length < 255 ? 1 : 5);
    const [len, q] = this.readLen(at);
    this.lp = flat(this.lp.slice(0, start), this.lp.slice(q + len));
    this.n--;
    return true;
  }

  /** Fields and values as two parallel arrays, in iteration order. */
  entries(): [fields: string[], values: string[]] {
    if (this.ht !== null) return [this.ht.keyList(), this.ht.valueList()];
    const fs: string[] = [];
    const vs: string[] = [];
    this.eachPacked((f, v) => { fs.push(f); vs.push(v); });
    return [fs, vs];
  }

  /** Calls fn for each pair in iteration order, without copying (do not modify meanwhile). */
  forEach(fn: (f: string, v: string) => void): void {
    if (this.ht !== null) this.ht.forEach(fn);
    else this.eachPacked(fn);
  }

  /** The field at position i of the hashtable form (0 <= i < size; O(1), for random picks). */
  fieldAt(i: number): string {
    return this.ht!.keyAt(i);
  }

  /** The value at position i of the hashtable form. */
  valueAt(i: number): string {
    return this.ht!.valueAt(i);
  }

  /** DEBUG DIGEST: per pair a fresh digest mixing field then value, XORed in (order-free). */
  digestInto(d: Digest): void {
    this.forEach((f, v) => {
      const e = new Digest();
      e.mix(f);
      e.mix(v);
      d.xor(e.bytes);
    });
  }

  /**
   * One step of HSCAN over the hashtable form: up to `count` positions from `cursor` downwards
   * (a cursor c means positions below c remain). Walking from the top keeps Redis's guarantee
   * (a field present for the whole scan is returned): a delete moves the last (already visited)
   * entry into the hole, new fields land above the cursor, and a rehash moves no positions.
   * Returns the next cursor (0 when done) and the pairs visited. The packed form returns all.
   */
  scan(cursor: number, count: number): [next: number, fields: string[], values: string[]] {
    if (this.ht === null) {
      const [fs, vs] = this.entries();
      return [0, fs, vs];
    }
    const t = this.ht;
    let c = cursor === 0 ? t.size : Math.min(cursor, t.size);
    const fs: string[] = [];
    const vs: string[] = [];
    while (c > 0 && fs.length < count) {
      c--;
      fs.push(t.keyAt(c));
      vs.push(t.valueAt(c));
    }
    return [c, fs, vs];
  }
}
