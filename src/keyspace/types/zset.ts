// The SORTED SET value with Redis 7.2's two encodings: 'listpack' (parallel member/score arrays
// kept in (score, member) order; small, scanned linearly as Redis does) and 'skiplist'. Redis
// builds the latter from a skiplist; here it is a B+tree with subtree counts (score-tree.ts) for
// O(log n) rank and range lookups, fewer cache misses per search, plus a Dict member → score
// whose dense positions give O(1) ZSCORE, O(1) random picks and a ZSCAN that never misses a
// member, and which grows by incremental rehash. OBJECT ENCODING reports Redis's name.
// Conversion only goes upward, by the limits the caller passes.
// Pure: imports only its siblings and value.ts.

import { fpconvDtoa } from '../../util/fpconv.js';
import { Digest } from '../../util/sha1-digest.js';
import { CollectionValue, type TypeName } from '../value.js';
import { Dict } from './dict.js';
import { ScoreTree } from './score-tree.js';

export interface ZSetLimits {
  listpackEntries: number;
  listpackValue: number;
}

/** A score interval; ex flags make an end exclusive. */
export interface ScoreRange {
  min: number;
  max: number;
  minEx: boolean;
  maxEx: boolean;
}

/**
 * A lex interval over member bytes: a bound is a string with an inclusive flag, or
 * -Infinity/+Infinity for '-' and '+'.
 */
export interface LexRange {
  min: string | number;
  max: string | number;
  minEx: boolean;
  maxEx: boolean;
}

export function scoreGteMin(s: number, r: ScoreRange): boolean {
  return r.minEx ? s > r.min : s >= r.min;
}
export function scoreLteMax(s: number, r: ScoreRange): boolean {
  return r.maxEx ? s < r.max : s <= r.max;
}
export function lexGteMin(e: string, r: LexRange): boolean {
  if (typeof r.min === 'number') return r.min < 0;
  return r.minEx ? e > r.min : e >= r.min;
}
export function lexLteMax(e: string, r: LexRange): boolean {
  if (typeof r.max === 'number') return r.max > 0;
  return r.maxEx ? e < r.max : e <= r.max;
}

/** True when no score can be in the range (Redis checks this before searching). */
export function scoreRangeEmpty(r: ScoreRange): boolean {
  return r.min > r.max || (r.min === r.max && (r.minEx || r.maxEx));
}

export function lexRangeEmpty(r: LexRange): boolean {
  const { min, max } = r;
  if (min === Infinity || max === -Infinity) return true;
  if (typeof min === 'number' || typeof max === 'number') return false;
  return min > max || (min === max && (r.minEx || r.maxEx));
}

export type Emit = (member: string, score: number) => void;

/**
 * Segments of the member dict's scores come from this literal alone, which only ever holds
 * numbers, so V8 keeps them unboxed doubles (8 bytes a score) whatever other dicts hold.
 */
const newScoreSegment = (): number[] => [];

export class ZSetValue extends CollectionValue {
  readonly type: TypeName = 'zset';
  // listpack form
  private lm: string[] | null = [];
  private ls: number[] | null = [];
  // 'skiplist' form: the ordered tree and member → score
  private zsl: ScoreTree | null = null;
  private dict: Dict<number> | null = null;
  /** The dict position scoreOrInsert last found a member at (for rescoreFound), else -1. */
  private foundAt = -1;

  /** A new empty sorted set in the encoding Redis's zsetTypeCreate picks for these hints. */
  static create(sizeHint: number, maxLenHint: number, lim: ZSetLimits): ZSetValue {
    const z = new ZSetValue();
    if (lim.listpackEntries === 0 || sizeHint > lim.listpackEntries || maxLenHint > lim.listpackValue) z.toSkiplist();
    return z;
  }

  /**
   * A sorted set holding pairs already sorted by (score, member), encoded by its final size as
   * Redis 7.2 does for store results (zsetConvertToListpackIfNeeded).
   */
  static fromSorted(members: readonly string[], scores: readonly number[], lim: ZSetLimits): ZSetValue {
    let maxLen = 0;
    for (const m of members) if (m.length > maxLen) maxLen = m.length;
    const z = ZSetValue.create(members.length, maxLen, lim);
    if (z.lm !== null) {
      z.lm = members.slice();
      z.ls = scores.map((s) => (s === 0 ? 0 : s));
    } else {
      for (let i = 0; i < members.length; i++) z.skInsert(members[i]!, scores[i]!);
    }
    return z;
  }

  /** Converts a listpack to a skiplist for good (Redis's SORT does this to the key it sorts). */
  convertToSkiplist(): void {
    this.toSkiplist();
  }

  encoding(): string {
    return this.lm !== null ? 'listpack' : 'skiplist';
  }

  get size(): number {
    return this.lm !== null ? this.lm.length : this.zsl!.length;
  }

  clone(): ZSetValue {
    const z = new ZSetValue();
    if (this.lm !== null) {
      z.lm = this.lm.slice();
      z.ls = this.ls!.slice();
      return z;
    }
    z.toSkiplist();
    const zsl = this.zsl!;
    for (let n = zsl.first(); n !== 0; n = zsl.next(n)) z.skInsert(zsl.eleOf(n), zsl.scoreOf(n));
    return z;
  }

  // ---- point operations ----

  score(m: string): number | undefined {
    if (this.lm !== null) {
      const i = this.lm.indexOf(m);
      return i === -1 ? undefined : this.ls![i];
    }
    const at = this.dict!.find(m);
    return at === -1 ? undefined : this.dict!.valueAt(at);
  }

  /**
   * ZADD's common case in one lookup: the member's score when present (nothing changes), else
   * inserts it with `score` and returns undefined.
   */
  scoreOrInsert(m: string, score: number, lim: ZSetLimits): number | undefined {
    if (this.lm !== null) {
      const cur = this.score(m);
      if (cur === undefined) this.set(m, score, lim);
      return cur;
    }
    const dict = this.dict!;
    const at = dict.findOrAdd(m, score);
    if (at >= 0) {
      this.foundAt = at;
      return dict.valueAt(at);
    }
    this.zsl!.insert(score, m);
    this.foundAt = -1;
    return undefined;
  }

  /**
   * Gives member m, which scoreOrInsert has just found with score cur (nothing changed since),
   * a new score, without looking it up again.
   */
  rescoreFound(m: string, cur: number, score: number, lim: ZSetLimits): void {
    if (this.lm !== null || this.foundAt < 0 || this.dict!.keyAt(this.foundAt) !== m) {
      this.set(m, score, lim);
      return;
    }
    this.zsl!.updateScore(cur, m, score);
    this.dict!.setValueAt(this.foundAt, score);
    this.foundAt = -1;
  }

  /** Sets a member's score, inserting it when absent; true when it was inserted. */
  set(m: string, score: number, lim: ZSetLimits): boolean {
    if (this.lm !== null) {
      const i = this.lm.indexOf(m);
      if (i !== -1) {
        if (this.ls![i] === score) return false;
        this.lm.splice(i, 1);
        this.ls!.splice(i, 1);
        this.lpInsert(m, score);
        return false;
      }
      if (this.lm.length + 1 > lim.listpackEntries || m.length > lim.listpackValue) {
        this.toSkiplist();
      } else {
        this.lpInsert(m, score);
        return true;
      }
    }
    // One hash and probe: the member's position when present, else a new position to fill.
    const dict = this.dict!;
    const at = dict.findOrAdd(m, score);
    if (at < 0) {
      this.zsl!.insert(score, m);
      return true;
    }
    const cur = dict.valueAt(at);
    if (cur !== score) {
      this.zsl!.updateScore(cur, m, score);
      dict.setValueAt(at, score);
    }
    return false;
  }

  delete(m: string): boolean {
    if (this.lm !== null) {
      const i = this.lm.indexOf(m);
      if (i === -1) return false;
      this.lm.splice(i, 1);
      this.ls!.splice(i, 1);
      return true;
    }
    const dict = this.dict!;
    const at = dict.find(m);
    if (at === -1) return false;
    this.zsl!.delete(dict.valueAt(at), m);
    dict.removeAt(at);
    return true;
  }

  /** 0-based rank in ascending order, or -1 when absent. */
  rank(m: string): number {
    if (this.lm !== null) {
      const i = this.lm.indexOf(m);
      return i;
    }
    const at = this.dict!.find(m);
    return at === -1 ? -1 : this.zsl!.rankOf(this.dict!.valueAt(at), m) - 1;
  }

  // ---- ranges (0-based inclusive rank intervals; first > last means empty) ----

  /** Ranks of the first and last members within a score range. */
  scoreRanks(r: ScoreRange): [number, number] {
    if (scoreRangeEmpty(r)) return [0, -1];
    if (this.lm !== null) {
      const s = this.ls!;
      let lo = 0;
      let hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (scoreGteMin(s[mid]!, r)) hi = mid;
        else lo = mid + 1;
      }
      const first = lo;
      hi = s.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (scoreLteMax(s[mid]!, r)) lo = mid + 1;
        else hi = mid;
      }
      return [first, lo - 1];
    }
    const zsl = this.zsl!;
    const first = zsl.firstScore(r.min, r.minEx);
    if (first === 0 || !scoreLteMax(zsl.scoreOf(first), r)) return [0, -1];
    const firstRank = zsl.foundRank;
    zsl.lastScore(r.max, r.maxEx);
    return [firstRank - 1, zsl.foundRank - 1];
  }

  /** Ranks of the first and last members within a lex range (meaningful when scores are equal). */
  lexRanks(r: LexRange): [number, number] {
    if (lexRangeEmpty(r) || !this.lexOverlaps(r)) return [0, -1];
    if (this.lm !== null) {
      // Linear, like Redis's listpack walk: the first member >= min, then on while <= max.
      const m = this.lm;
      let i = 0;
      while (i < m.length && !lexGteMin(m[i]!, r)) i++;
      const first = i;
      while (i < m.length && lexLteMax(m[i]!, r)) i++;
      return [first, i - 1];
    }
    const zsl = this.zsl!;
    const first = zsl.firstNotBelow((_, e) => !lexGteMin(e, r));
    if (first === 0 || !lexLteMax(zsl.eleOf(first), r)) return [0, -1];
    const firstRank = zsl.foundRank;
    let last = firstRank;
    for (let n = zsl.next(first); n !== 0 && lexLteMax(zsl.eleOf(n), r); n = zsl.next(n)) last++;
    return [firstRank - 1, last - 1];
  }

  /**
   * Redis's zslIsInLexRange / zzlIsInLexRange: the last member must reach min and the first must
   * not pass max. With equal scores this only short-cuts; with mixed scores (undefined in Redis's
   * docs, but deterministic for a listpack) it decides the answer, so it is kept.
   */
  private lexOverlaps(r: LexRange): boolean {
    const n = this.size;
    if (n === 0) return false;
    let first: string;
    let last: string;
    if (this.lm !== null) {
      first = this.lm[0]!;
      last = this.lm[n - 1]!;
    } else {
      first = this.zsl!.eleOf(this.zsl!.first());
      last = this.zsl!.eleOf(this.zsl!.last());
    }
    return lexGteMin(last, r) && lexLteMax(first, r);
  }

  /** Number of members in a lex range, in O(log n) for the tree. */
  lexCount(r: LexRange): number {
    if (this.lm !== null || lexRangeEmpty(r) || !this.lexOverlaps(r)) {
      const [a, b] = this.lexRanks(r);
      return b - a + 1;
    }
    const zsl = this.zsl!;
    const first = zsl.firstNotBelow((_, e) => !lexGteMin(e, r));
    if (first === 0 || !lexLteMax(zsl.eleOf(first), r)) return 0;
    const firstRank = zsl.foundRank;
    zsl.lastWithin((_, e) => lexLteMax(e, r));
    return zsl.foundRank - firstRank + 1;
  }

  /**
   * Calls emit for ranks first..last (0-based, inclusive, already clamped to the size), in
   * ascending order or, with rev, from last down to first. O(log n + m).
   */
  each(first: number, last: number, rev: boolean, emit: Emit): void {
    if (first > last) return;
    if (this.lm !== null) {
      const m = this.lm;
      const s = this.ls!;
      if (rev) for (let i = last; i >= first; i--) emit(m[i]!, s[i]!);
      else for (let i = first; i <= last; i++) emit(m[i]!, s[i]!);
      return;
    }
    const zsl = this.zsl!;
    let n = zsl.byRank((rev ? last : first) + 1);
    for (let k = last - first; k >= 0 && n !== 0; k--) {
      emit(zsl.eleOf(n), zsl.scoreOf(n));
      n = rev ? zsl.prev(n) : zsl.next(n);
    }
  }

  /** The members of ranks first..last (as each), without scores. */
  members(first: number, last: number, rev: boolean): string[] {
    if (first > last) return [];
    const out = new Array<string>(last - first + 1);
    let k = 0;
    if (this.lm !== null) {
      const m = this.lm;
      if (rev) for (let i = last; i >= first; i--) out[k++] = m[i]!;
      else for (let i = first; i <= last; i++) out[k++] = m[i]!;
      return out;
    }
    const zsl = this.zsl!;
    let n = zsl.byRank((rev ? last : first) + 1);
    for (; k < out.length && n !== 0; k++) {
      out[k] = zsl.eleOf(n);
      n = rev ? zsl.prev(n) : zsl.next(n);
    }
    return out;
  }

  /** Removes ranks first..last (0-based, inclusive; clamped to the set); returns how many went. */
  deleteRanks(first0: number, last0: number): number {
    const first = Math.max(0, first0);
    const last = Math.min(this.size - 1, last0);
    if (first > last) return 0;
    if (this.lm !== null) {
      this.lm.splice(first, last - first + 1);
      this.ls!.splice(first, last - first + 1);
      return last - first + 1;
    }
    const dict = this.dict!;
    this.zsl!.deleteRanks(first + 1, last - first + 1, (m) => dict.delete(m));
    return last - first + 1;
  }

  /** Every member and score, ascending. */
  entries(): { members: string[]; scores: number[] } {
    if (this.lm !== null) return { members: this.lm.slice(), scores: this.ls!.slice() };
    const members: string[] = [];
    const scores: number[] = [];
    const zsl = this.zsl!;
    for (let n = zsl.first(); n !== 0; n = zsl.next(n)) {
      members.push(zsl.eleOf(n));
      scores.push(zsl.scoreOf(n));
    }
    return { members, scores };
  }

  /** Iterates members and scores without copying (do not modify meanwhile). */
  forEach(emit: Emit): void {
    if (this.lm !== null) {
      const m = this.lm;
      const s = this.ls!;
      for (let i = 0; i < m.length; i++) emit(m[i]!, s[i]!);
      return;
    }
    const zsl = this.zsl!;
    for (let n = zsl.first(); n !== 0; n = zsl.next(n)) emit(zsl.eleOf(n), zsl.scoreOf(n));
  }

  /** A uniformly random member index's pair. */
  randomAt(rand: () => number, emit: Emit): void {
    const i = Math.floor(rand() * this.size);
    if (this.lm !== null) emit(this.lm[i]!, this.ls![i]!);
    else emit(this.dict!.keyAt(i), this.dict!.valueAt(i));
  }

  /** The pair at a position of the encoding's own order (listpack rank, or dense slot). */
  pairAt(i: number, emit: Emit): void {
    if (this.lm !== null) emit(this.lm[i]!, this.ls![i]!);
    else emit(this.dict!.keyAt(i), this.dict!.valueAt(i));
  }

  /**
   * One ZSCAN step: a listpack returns everything (cursor 0); the tree form walks its dict's dense
   * positions downward (see SetValue.scan for why nothing present throughout is missed).
   */
  scan(cursor: number, count: number, emit: Emit): number {
    if (this.lm !== null) {
      this.forEach(emit);
      return 0;
    }
    const dict = this.dict!;
    let hi = cursor === 0 || cursor > dict.size ? dict.size : cursor;
    for (let n = 0; n < count && hi > 0; n++) {
      hi--;
      emit(dict.keyAt(hi), dict.valueAt(hi));
    }
    return hi;
  }

  /**
   * DEBUG DIGEST: per member a fresh digest mixing the member then its score as fpconv prints
   * it (Redis 7.2; 7.0 printed "%.17g", which differs for most fractions), XORed in.
   */
  digestInto(d: Digest): void {
    this.forEach((m, s) => {
      const e = new Digest();
      e.mix(m);
      e.mix(fpconvDtoa(s));
      d.xor(e.bytes);
    });
  }

  /** Checks internal invariants (unit tests). */
  verify(): void {
    if (this.lm !== null) {
      for (let i = 1; i < this.lm.length; i++) {
        const a = this.ls![i - 1]!;
        const b = this.ls![i]!;
        if (a > b || (a === b && this.lm[i - 1]! >= this.lm[i]!)) throw new Error('listpack out of order');
      }
      return;
    }
    this.zsl!.verify();
    if (this.dict!.size !== this.zsl!.length) throw new Error('size mismatch');
    this.dict!.verify();
    const zsl = this.zsl!;
    for (let c = zsl.first(); c !== 0; c = zsl.next(c)) {
      if (!Object.is(this.dict!.get(zsl.eleOf(c)), zsl.scoreOf(c))) throw new Error('tree entry not in dict');
    }
  }

  // ---- internals ----

  private lpInsert(m: string, s0: number): void {
    // A listpack stores -0 as the integer 0, so Redis reads it back as 0.
    const score = s0 === 0 ? 0 : s0;
    const ms = this.lm!;
    const ss = this.ls!;
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const s = ss[mid]!;
      if (s < score || (s === score && ms[mid]! < m)) lo = mid + 1;
      else hi = mid;
    }
    ms.splice(lo, 0, m);
    ss.splice(lo, 0, score);
  }

  private toSkiplist(): void {
    if (this.lm === null) return;
    const ms = this.lm;
    const ss = this.ls!;
    this.lm = null;
    this.ls = null;
    this.zsl = new ScoreTree();
    this.dict = new Dict<number>(true, ms.length, newScoreSegment);
    for (let i = 0; i < ms.length; i++) this.skInsert(ms[i]!, ss[i]!);
  }

  private skInsert(m: string, score: number): void {
    this.dict!.set(m, score);
    this.zsl!.insert(score, m);
  }
}
