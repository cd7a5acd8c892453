// How RDB values map to nodis values, per type: limits for building loaded values, and the
// codecs of sets and sorted sets (build a value from parsed members in the encoding Redis 7.2's
// loader would give it; describe a value as Redis 7.2 would write it). The byte layouts stay in
// reader.ts/writer.ts; this file only decides encodings. Tests may swap in other codecs.

import { SetValue } from '../../keyspace/types/set.js';
import { ZSetValue } from '../../keyspace/types/zset.js';
import type { CollectionValue, Value } from '../../keyspace/value.js';
import { fail } from './bytes.js';

/** Encoding thresholds for values built while loading: config directive → number. */
export type ValueLimits = (directive: string) => number;

/** Default thresholds (Redis 7.2's defaults), for tools and tests without a server config. */
export const DEFAULT_LIMITS: ValueLimits = (directive) => {
  switch (directive) {
    case 'list-max-listpack-size': return -2;
    case 'hash-max-listpack-entries': return 512;
    case 'hash-max-listpack-value': return 64;
    case 'set-max-intset-entries': return 512;
    case 'set-max-listpack-entries': return 128;
    case 'set-max-listpack-value': return 64;
    case 'zset-max-listpack-entries': return 128;
    case 'zset-max-listpack-value': return 64;
    default: return fail(`no limit named ${directive}`);
  }
};

/** What the RDB code needs from the set type. */
export interface SetCodec {
  /**
   * A set value holding these distinct members (loader, RESTORE); `from` is the encoding the
   * dump stored them in (INTSET, SET_LISTPACK or plain SET).
   */
  build(members: string[], limits: ValueLimits, from: 'intset' | 'listpack' | 'hashtable'): Value;
  /** The encoding Redis would write for this set and its members (writer, DUMP). */
  describe(v: CollectionValue): { encoding: 'intset' | 'listpack' | 'hashtable'; members: Iterable<string> };
}

/** What the RDB code needs from the sorted set type. */
export interface ZsetCodec {
  /**
   * A sorted set holding these distinct members with their scores (loader, RESTORE); `from` is
   * the encoding the dump stored them in (listpack/ziplist, or a member list).
   */
  build(entries: [member: string, score: number][], limits: ValueLimits, from: 'listpack' | 'skiplist'): Value;
  /** The encoding Redis would write for this sorted set, entries in score order (writer, DUMP). */
  describe(v: CollectionValue): { encoding: 'listpack' | 'skiplist'; entries: Iterable<[string, number]> };
}

export interface TypeCodecs {
  set: SetCodec | null;
  zset: ZsetCodec | null;
}

const setLimitsOf = (limits: ValueLimits) => ({
  intsetEntries: limits('set-max-intset-entries'),
  listpackEntries: limits('set-max-listpack-entries'),
  listpackValue: limits('set-max-listpack-value'),
});

export const SET_CODEC: SetCodec = {
  build: (members, limits, from) => SetValue.load(members, from, setLimitsOf(limits)),
  describe(v) {
    const s = v as SetValue;
    return { encoding: s.encoding() as 'intset' | 'listpack' | 'hashtable', members: s.members() };
  },
};

/** Orders entries by score, then member bytes (the sorted set order). */
function byScoreThenMember(a: [string, number], b: [string, number]): number {
  if (a[1] !== b[1]) return a[1] < b[1] ? -1 : 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

export const ZSET_CODEC: ZsetCodec = {
  build(entries, limits, from) {
    const sorted = entries.slice().sort(byScoreThenMember);
    const members = sorted.map((e) => e[0]);
    const scores = sorted.map((e) => e[1]);
    const listpackEntries = limits('zset-max-listpack-entries');
    // Redis keeps a listpack dump a listpack unless it has too many entries (member lengths
    // are not checked); a member-list dump becomes a listpack only when both limits allow.
    const listpackValue = from === 'listpack' ? Infinity : limits('zset-max-listpack-value');
    return ZSetValue.fromSorted(members, scores, { listpackEntries, listpackValue });
  },
  describe(v) {
    const z = v as ZSetValue;
    const { members, scores } = z.entries();
    const entries: [string, number][] = members.map((m, i) => [m, scores[i]!]);
    return { encoding: z.encoding() as 'listpack' | 'skiplist', entries };
  },
};

/** The codecs nodis has (the RDB code takes others as an option, for tests). */
export const TYPE_CODECS: TypeCodecs = {
  set: SET_CODEC,
  zset: ZSET_CODEC,
};
