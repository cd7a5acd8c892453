// How RDB values map to nodis values, per type: limits for building loaded values, and the
// EXTENSION POINTS for sets and sorted sets. Those types are not in nodis yet; when
// keyspace/types/set.ts and zset.ts land, each fills in one codec below (build from parsed
// members / describe for writing) and nothing else in the RDB code changes. Until then the
// reader parses their encodings fully and then refuses them with "type not supported yet".

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
  /** A set value holding these distinct members (loader, RESTORE). */
  build(members: string[], limits: ValueLimits): Value;
  /** The encoding Redis would write for this set and its members (writer, DUMP). */
  describe(v: CollectionValue): { encoding: 'intset' | 'listpack' | 'hashtable'; members: Iterable<string> };
}

/** What the RDB code needs from the sorted set type. */
export interface ZsetCodec {
  /** A sorted set holding these distinct members with their scores (loader, RESTORE). */
  build(entries: [member: string, score: number][], limits: ValueLimits): Value;
  /** The encoding Redis would write for this sorted set, entries in score order (writer, DUMP). */
  describe(v: CollectionValue): { encoding: 'listpack' | 'skiplist'; entries: Iterable<[string, number]> };
}

export interface TypeCodecs {
  set: SetCodec | null;
  zset: ZsetCodec | null;
}

/**
 * The codecs nodis has. EXTENSION POINT: replace `null` with the set codec (types/set.ts) and
 * the sorted set codec (types/zset.ts) once those types exist.
 */
export const TYPE_CODECS: TypeCodecs = {
  set: null,
  zset: null,
};
