// The active expire cycle: Redis's adaptive sampling of volatile keys, run from the server cron
// (slow cycle, a CPU-time budget per call) and optionally from the event loop (fast cycle, about
// a millisecond, only while the stale share is high). It deletes expired keys through
// Db.deleteExpired, so propagation and notifications are the same as for lazy expiry, and it feeds
// INFO's expired_stale_perc, expired_time_cap_reached_count, expire_cycle_cpu_milliseconds and
// each db's avg_ttl. State lives in the Keyspace and Db objects: nothing is module-level.

import type { Db } from './db.js';
import type { Keyspace } from './keyspace.js';

/** Keys sampled per db per loop at active-expire-effort 1. */
export const KEYS_PER_LOOP = 20;
/** Fast cycle duration in microseconds at effort 1. */
export const FAST_DURATION_US = 1000;
/** Percentage of CPU time the slow cycle may use at effort 1. */
export const SLOW_TIME_PERC = 25;
/** Stale keys (percent of the sample) below which a db is left alone, at effort 1. */
export const ACCEPTABLE_STALE = 10;
/** Databases visited per call. */
const DBS_PER_CALL = 16;

export type CycleKind = 'slow' | 'fast';

/** Cycle state that must survive between calls (one per Keyspace). */
export class ActiveExpire {
  private currentDb = 0;
  private timelimitExit = false;
  private lastFastCycle = 0;
  /** Total microseconds spent in cycles (INFO expire_cycle_cpu_milliseconds = this / 1000). */
  cycleUs = 0;

  constructor(private readonly ks: Keyspace) {}

  /**
   * Runs one cycle. `hz` is the cron frequency (the slow cycle's budget is a share of 1/hz s),
   * `effort` the active-expire-effort directive (1..10). Returns the number of keys expired.
   */
  cycle(kind: CycleKind, hz: number, effort: number, clock: () => number = nowUs): number {
    const ks = this.ks;
    if (!ks.activeExpireEnabled || ks.loading || ks.hooks.expiryPolicy() !== 'delete') return 0;
    const e = Math.max(0, Math.min(9, effort - 1));
    const keysPerLoop = KEYS_PER_LOOP + (KEYS_PER_LOOP / 4) * e;
    const fastDuration = FAST_DURATION_US + (FAST_DURATION_US / 4) * e;
    const slowPerc = SLOW_TIME_PERC + 2 * e;
    const acceptableStale = ACCEPTABLE_STALE - e;
    const start = clock();

    if (kind === 'fast') {
      // Only worth it when the last slow cycle ran out of time or many sampled keys were stale,
      // and never more often than every two fast durations.
      if (!this.timelimitExit && ks.stats.expiredStalePerc < acceptableStale) return 0;
      if (start < this.lastFastCycle + fastDuration * 2) return 0;
      this.lastFastCycle = start;
    }

    const dbCount = ks.dbs.length;
    const dbsPerCall = DBS_PER_CALL > dbCount || this.timelimitExit ? dbCount : DBS_PER_CALL;
    let timelimit = kind === 'fast' ? fastDuration : Math.floor((slowPerc * 1000000) / Math.max(1, hz) / 100);
    if (timelimit <= 0) timelimit = 1;
    this.timelimitExit = false;

    let totalSampled = 0;
    let totalExpired = 0;
    let iteration = 0;
    ks.now = Date.now();
    for (let j = 0; j < dbsPerCall && !this.timelimitExit; j++) {
      const db = ks.dbs[this.currentDb % dbCount]!;
      this.currentDb++;
      for (;;) {
        iteration++;
        const volatile = db.expires.size;
        if (volatile === 0) {
          db.avgTtl = 0;
          break;
        }
        const want = volatile > keysPerLoop ? keysPerLoop : volatile;
        const r = sample(db, want, ks.now);
        totalExpired += r.expired;
        totalSampled += r.sampled;
        if (r.ttlSamples > 0) {
          const avg = r.ttlSum / r.ttlSamples;
          db.avgTtl = db.avgTtl === 0 ? avg : (db.avgTtl / 50) * 49 + avg / 50;
        }
        if ((iteration & 0xf) === 0 && clock() - start > timelimit) {
          this.timelimitExit = true;
          ks.stats.expiredTimeCapReached++;
          break;
        }
        // Go on with this db while more than the acceptable share of the sample was stale.
        const repeat = r.sampled === 0 || (r.expired * 100) / r.sampled > acceptableStale;
        if (!repeat) break;
      }
    }
    const elapsed = clock() - start;
    this.cycleUs += elapsed;
    ks.stats.expireCycleCpuMs = Math.floor(this.cycleUs / 1000);
    const perc = totalSampled > 0 ? totalExpired / totalSampled : 0;
    ks.stats.expiredStalePerc = perc * 0.05 + ks.stats.expiredStalePerc * 0.95;
    return totalExpired;
  }
}

interface Sample {
  sampled: number;
  expired: number;
  ttlSum: number;
  ttlSamples: number;
}

/**
 * Looks at up to `want` volatile keys, continuing where the last sample of this db stopped
 * (Redis walks its expires table with a cursor; Map iteration order plays that role here, and
 * a Map iterator stays valid while entries are added and deleted).
 */
function sample(db: Db, want: number, now: number): Sample {
  const r: Sample = { sampled: 0, expired: 0, ttlSum: 0, ttlSamples: 0 };
  const cur = db.expireCursor;
  if (cur.map !== db.expires || cur.iter === null) {
    cur.map = db.expires;
    cur.iter = db.expires.entries();
  }
  let restarted = false;
  while (r.sampled < want) {
    const n = cur.iter!.next();
    if (n.done === true) {
      // One full pass done: start over, but never twice in one sample (tiny expires maps).
      if (restarted) break;
      restarted = true;
      cur.iter = db.expires.entries();
      continue;
    }
    const [key, when] = n.value;
    r.sampled++;
    if (when <= now) {
      db.deleteExpired(key);
      r.expired++;
    } else {
      r.ttlSum += when - now;
      r.ttlSamples++;
    }
  }
  return r;
}

function nowUs(): number {
  return performance.now() * 1000;
}
