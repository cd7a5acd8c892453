// Shared bits of the RDB tests: a seeded PRNG and a bare Keyspace without a server.

import { Keyspace } from '../../src/keyspace/keyspace.js';

/** mulberry32: deterministic, so a failing fuzz round replays. */
export function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function newKeyspace(dbs = 16): Keyspace {
  return new Keyspace(dbs, { keyChanged: () => {}, notify: () => {}, expired: () => {}, expiryPolicy: () => 'delete' }, () => new Error('WRONGTYPE'));
}
