// The SET value with Redis 7.2's three encodings: 'intset' (sorted int64s), 'listpack' (a small
// array in insertion order) and 'hashtable' (a Dict, types/dict.ts: members at dense positions
// with an incrementally rehashed index, so membership, removal and random picks are all O(1) and
// growing never pauses for a whole-table rehash). Conversions only go upward, by the limits
// the caller passes (set-max-intset-entries, set-max-listpack-entries/-value).
// Pure data structure: imports only util/ and keyspace/value.ts; knows nothing of commands.

import { parseInt64 } from '../../util/numbers.js';
import type { Digest } from '../../util/sha1-digest.js';
import { CollectionValue, type TypeName } from '../value.js';
import { Dict } from './dict.js';

export interface SetLimits {
  intsetEntries: number;
  listpackEntries: number;
  listpackValue: number;
}

const INTSET = 0;
const LISTPACK = 1;
const HASHTABLE = 2;

/** A member as an int64 when Redis's string2ll would accept it, else null. */
function asInt(m: string): bigint | null {
  if (m.length === 0 || m.length > 20) return null;
  const v = parseInt64(m);
  return v === null ? null : BigInt(v);
}

/** Number of characters of an integer's decimal form (sdigits10 in Redis). */
function digits(v: bigint): number {
  return String(v).length;
}

export class SetValue extends CollectionValue {
  readonly type: TypeName = 'set';
  private enc = INTSET;
  /** intset: sorted int64s in ints[0..count). */
  private ints: BigInt64Array | null = new BigInt64Array(4);
  /** listpack: members in insertion order. */
  private items: string[] | null = null;
  /** hashtable: the members. */
  private dict: Dict | null = null;
  private count = 0;

  /**
   * A new empty set in the encoding Redis 7.2's setTypeCreate picks for a first member and the
   * number of members about to be added.
   */
  static create(first: string | null, sizeHint: number, lim: SetLimits): SetValue {
    const s = new SetValue();
    if (first !== null && asInt(first) !== null && sizeHint <= lim.intsetEntries) return s;
    if (sizeHint <= lim.listpackEntries) s.toListpack();
    else s.toHashtable();
    return s;
  }

  /**
   * A set read from an RDB dump, encoded as Redis 7.2's loader encodes it: an intset or listpack
   * blob stays in its encoding unless it holds more members than that encoding's entry limit;
   * a plain member list becomes a hashtable when longer than the intset limit, else it is built
   * member by member from an intset like SADD would (members must be distinct).
   */
  static load(members: readonly string[], from: 'intset' | 'listpack' | 'hashtable', lim: SetLimits): SetValue {
    const s = new SetValue();
    if (from === 'intset') {
      const ints = new BigInt64Array(Math.max(4, members.length));
      for (let i = 0; i < members.length; i++) ints[i] = BigInt(members[i]!);
      ints.subarray(0, members.length).sort();
      s.ints = ints;
      s.count = members.length;
      if (s.count > lim.intsetEntries) s.toHashtable();
      return s;
    }
    if (from === 'listpack') {
      s.toListpack();
      s.items = members.slice();
      s.count = members.length;
      if (s.count > lim.listpackEntries) s.toHashtable();
      return s;
    }
    if (members.length > Math.min(lim.intsetEntries, 1 << 30)) {
      s.toHashtable();
      for (const m of members) s.htAdd(m);
      return s;
    }
    for (const m of members) s.add(m, lim);
    return s;
  }

  encoding(): string {
    return this.enc === INTSET ? 'intset' : this.enc === LISTPACK ? 'listpack' : 'hashtable';
  }

  get size(): number {
    return this.count;
  }

  clone(): SetValue {
    const s = new SetValue();
    s.enc = this.enc;
    s.count = this.count;
    s.ints = this.ints === null ? null : this.ints.slice();
    s.items = this.items === null ? null : this.items.slice();
    s.dict = this.dict === null ? null : this.dict.clone();
    return s;
  }

  // ---- membership ----

  has(m: string): boolean {
    if (this.enc === HASHTABLE) return this.dict!.has(m);
    if (this.enc === LISTPACK) return this.items!.indexOf(m) !== -1;
    const v = asInt(m);
    return v !== null && this.intPos(v) >= 0;
  }

  /** Adds a member; true when it was not there. Converts the encoding when a limit is crossed. */
  add(m: string, lim: SetLimits): boolean {
    if (this.enc === HASHTABLE) return this.htAdd(m);
    if (this.enc === LISTPACK) {
      if (this.items!.indexOf(m) !== -1) return false;
      if (this.count < lim.listpackEntries && m.length <= lim.listpackValue) {
        this.items!.push(m);
        this.count++;
        return true;
      }
      this.toHashtable();
      return this.htAdd(m);
    }
    const v = asInt(m);
    if (v !== null) {
      const pos = this.intPos(v);
      if (pos >= 0) return false;
      this.intInsert(-pos - 1, v);
      if (this.count > Math.min(lim.intsetEntries, 1 << 30)) this.toHashtable();
      return true;
    }
    // A non-integer joins an intset: listpack if everything fits its limits, else hashtable.
    let widest = 0;
    if (this.count > 0) widest = Math.max(digits(this.ints![0]!), digits(this.ints![this.count - 1]!));
    if (this.count < lim.listpackEntries && m.length <= lim.listpackValue && widest <= lim.listpackValue) {
      this.toListpack();
      this.items!.push(m);
      this.count++;
      return true;
    }
    this.toHashtable();
    return this.htAdd(m);
  }

  /** Removes a member; true when it was there. The encoding never goes down. */
  delete(m: string): boolean {
    if (this.enc === HASHTABLE) {
      if (this.dict!.delete(m) === -1) return false;
      this.count--;
      return true;
    }
    if (this.enc === LISTPACK) {
      const i = this.items!.indexOf(m);
      if (i === -1) return false;
      this.items!.splice(i, 1);
      this.count--;
      return true;
    }
    const v = asInt(m);
    if (v === null) return false;
    const pos = this.intPos(v);
    if (pos < 0) return false;
    this.ints!.copyWithin(pos, pos + 1, this.count);
    this.count--;
    return true;
  }

  // ---- iteration and sampling ----

  /** The member at position i (0 <= i < size) of the encoding's own order. */
  at(i: number): string {
    if (this.enc === INTSET) return String(this.ints![i]!);
    if (this.enc === HASHTABLE) return this.dict!.keyAt(i);
    return this.items![i]!;
  }

  /** Every member in the encoding's order: ascending for intset, insertion order for listpack. */
  members(): string[] {
    if (this.enc === INTSET) {
      const out = new Array<string>(this.count);
      for (let i = 0; i < this.count; i++) out[i] = String(this.ints![i]!);
      return out;
    }
    if (this.enc === HASHTABLE) return this.dict!.keyList();
    return this.items!.slice(0, this.count);
  }

  /** A uniformly random member (the set must not be empty). */
  random(rand: () => number = Math.random): string {
    return this.at(Math.floor(rand() * this.count));
  }

  /** Removes and returns a uniformly random member (the set must not be empty). */
  pop(rand: () => number = Math.random): string {
    const i = Math.floor(rand() * this.count);
    const m = this.at(i);
    if (this.enc === HASHTABLE) {
      this.dict!.removeAt(i);
      this.count--;
    } else if (this.enc === LISTPACK) {
      this.items!.splice(i, 1);
      this.count--;
    } else {
      this.ints!.copyWithin(i, i + 1, this.count);
      this.count--;
    }
    return m;
  }

  /**
   * One step of SSCAN. Small encodings return everything at once (cursor 0), as Redis does.
   * A hashtable is walked by descending dense position: a removal moves the last member into
   * the freed position, which is either already visited or still ahead, so a member present for
   * the whole scan is never missed (a rehash moves no positions); members added during the scan
   * land past the cursor and may be skipped.
   * Returns the next cursor (0 when done) after calling emit for each visited member.
   */
  scan(cursor: number, count: number, emit: (m: string) => void): number {
    if (this.enc !== HASHTABLE) {
      for (let i = 0; i < this.count; i++) emit(this.at(i));
      return 0;
    }
    let hi = cursor === 0 || cursor > this.count ? this.count : cursor;
    const dict = this.dict!;
    for (let n = 0; n < count && hi > 0; n++) emit(dict.keyAt(--hi));
    return hi;
  }

  /** DEBUG DIGEST: every member XORed in, so the encoding's order does not matter (as Redis). */
  digestInto(d: Digest): void {
    for (let i = 0; i < this.count; i++) d.xor(this.at(i));
  }

  // ---- internals ----

  /** Binary search in the intset: the index, or -(insertion point) - 1. */
  private intPos(v: bigint): number {
    const a = this.ints!;
    let lo = 0;
    let hi = this.count - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const x = a[mid]!;
      if (x < v) lo = mid + 1;
      else if (x > v) hi = mid - 1;
      else return mid;
    }
    return -lo - 1;
  }

  private intInsert(pos: number, v: bigint): void {
    let a = this.ints!;
    if (this.count === a.length) {
      const grown = new BigInt64Array(a.length * 2);
      grown.set(a);
      a = this.ints = grown;
    }
    a.copyWithin(pos + 1, pos, this.count);
    a[pos] = v;
    this.count++;
  }

  private toListpack(): void {
    if (this.enc === LISTPACK) return;
    this.items = this.members();
    this.ints = null;
    this.enc = LISTPACK;
  }

  private toHashtable(): void {
    if (this.enc === HASHTABLE) return;
    const items = this.members();
    const dict = new Dict(false, items.length);
    for (let i = 0; i < items.length; i++) dict.add(items[i]!);
    this.dict = dict;
    this.items = null;
    this.ints = null;
    this.enc = HASHTABLE;
  }

  private htAdd(m: string): boolean {
    if (!this.dict!.add(m)) return false;
    this.count++;
    return true;
  }
}

/** Builds a set from members by adding them one by one, as Redis's store commands do. */
export function setFrom(members: Iterable<string>, lim: SetLimits): SetValue {
  const s = new SetValue();
  for (const m of members) s.add(m, lim);
  return s;
}
