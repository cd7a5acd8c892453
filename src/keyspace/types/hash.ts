// Hash values. A small hash is 'listpack': all its fields and values packed into one latin1
// string (length-prefixed entries, in insertion order), which costs a few bytes per entry over
// the data. Past hash-max-listpack-entries/-value it becomes a 'hashtable' for good: a Map from
// field to slot in two dense arrays, so lookups are O(1) and random picks (HRANDFIELD) are too.
// Pure data structure: imports only value.ts; the caller passes the conversion limits.

import { Digest } from '../../util/sha1-digest.js';
import { CollectionValue, type TypeName } from '../value.js';

/** Length prefix: one char below 255, else 255 and four big-endian chars. */
function lenPrefix(n: number): string {
  if (n < 255) return String.fromCharCode(n);
  return String.fromCharCode(255, (n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255);
}

function entry(s: string): string {
  return lenPrefix(s.length) + s;
}

/** The hashtable form. Deleting moves the last slot into the hole, so slots stay dense. */
class Table {
  readonly index = new Map<string, number>();
  fields: string[] = [];
  values: string[] = [];

  get(f: string): string | undefined {
    const i = this.index.get(f);
    return i === undefined ? undefined : this.values[i];
  }

  /** Returns true when the field is new. */
  set(f: string, v: string): boolean {
    const i = this.index.get(f);
    if (i !== undefined) {
      this.values[i] = v;
      return false;
    }
    this.index.set(f, this.fields.length);
    this.fields.push(f);
    this.values.push(v);
    return true;
  }

  delete(f: string): boolean {
    const i = this.index.get(f);
    if (i === undefined) return false;
    this.index.delete(f);
    const last = this.fields.length - 1;
    if (i !== last) {
      const lf = this.fields[last]!;
      this.fields[i] = lf;
      this.values[i] = this.values[last]!;
      this.index.set(lf, i);
    }
    this.fields.pop();
    this.values.pop();
    return true;
  }
}

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
  get size(): number { return this.ht === null ? this.n : this.ht.fields.length; }
  get isPacked(): boolean { return this.ht === null; }

  clone(): HashValue {
    const c = new HashValue();
    c.lp = this.lp;
    c.n = this.n;
    if (this.ht !== null) {
      const t = new Table();
      t.fields = this.ht.fields.slice();
      t.values = this.ht.values.slice();
      for (let i = 0; i < t.fields.length; i++) t.index.set(t.fields[i]!, i);
      c.ht = t;
    }
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

  private valueAt(v: number): string {
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
    const t = new Table();
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
    return v === -1 ? undefined : this.valueAt(v);
  }

  has(f: string): boolean {
    return this.ht !== null ? this.ht.index.has(f) : this.findPacked(f) !== -1;
  }

  /** Sets a field; returns true when it is new. Converts when the limits are exceeded. */
  set(f: string, v: string, limits: HashLimits): boolean {
    if (this.ht === null && (f.length > limits.value || v.length > limits.value)) this.convert();
    if (this.ht !== null) return this.ht.set(f, v);
    const at = this.findPacked(f);
    if (at !== -1) {
      const [len, q] = this.readLen(at);
      this.lp = this.lp.slice(0, at) + entry(v) + this.lp.slice(q + len);
      return false;
    }
    this.lp = this.lp + entry(f) + entry(v);
    this.n++;
    if (this.n > limits.entries) this.convert();
    return true;
  }

  delete(f: string): boolean {
    if (this.ht !== null) return this.ht.delete(f);
    const at = this.findPacked(f);
    if (at === -1) return false;
    const start = at - f.length - (f.length < 255 ? 1 : 5);
    const [len, q] = this.readLen(at);
    this.lp = this.lp.slice(0, start) + this.lp.slice(q + len);
    this.n--;
    return true;
  }

  /** Fields and values as two parallel arrays, in iteration order. */
  entries(): [fields: string[], values: string[]] {
    if (this.ht !== null) return [this.ht.fields, this.ht.values];
    const fs: string[] = [];
    const vs: string[] = [];
    this.eachPacked((f, v) => { fs.push(f); vs.push(v); });
    return [fs, vs];
  }

  /** DEBUG DIGEST: per pair a fresh digest mixing field then value, XORed in (order-free). */
  digestInto(d: Digest): void {
    const [fs, vs] = this.entries();
    for (let i = 0; i < fs.length; i++) {
      const e = new Digest();
      e.mix(fs[i]!);
      e.mix(vs[i]!);
      d.xor(e.bytes);
    }
  }

  /**
   * One step of HSCAN over the hashtable form: up to `count` slots from `cursor` downwards (a
   * cursor c means slots below c remain). Walking from the top keeps Redis's guarantee: a delete
   * moves the last (already visited) slot into the hole, and new fields land above the cursor.
   * Returns the next cursor (0 when done) and the pairs visited. The packed form returns all.
   */
  scan(cursor: number, count: number): [next: number, fields: string[], values: string[]] {
    if (this.ht === null) {
      const [fs, vs] = this.entries();
      return [0, fs, vs];
    }
    const { fields, values } = this.ht;
    let c = cursor === 0 ? fields.length : Math.min(cursor, fields.length);
    const fs: string[] = [];
    const vs: string[] = [];
    while (c > 0 && fs.length < count) {
      c--;
      fs.push(fields[c]!);
      vs.push(values[c]!);
    }
    return [c, fs, vs];
  }
}
