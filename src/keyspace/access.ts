// Per-key access tracking, as Redis keeps it in the 24 bits of robj.lru: under an LRU (or no)
// eviction policy the word is a seconds clock modulo 2^24; under an LFU policy it is a 16-bit
// minutes clock (last decrement time) followed by an 8-bit logarithmic access counter.
// Pure functions of the word and the time: the key table stores the words, Db applies them.

/** The LRU clock wraps at 2^24 seconds (about 194 days), like Redis's LRU_CLOCK_MAX. */
export const LRU_CLOCK_MAX = (1 << 24) - 1;
/** Counter value a new key starts with under LFU, so it is not evicted before it can be used. */
export const LFU_INIT_VAL = 5;

export function lruClock(nowMs: number): number {
  return Math.floor(nowMs / 1000) & LRU_CLOCK_MAX;
}

/** Milliseconds since the access recorded in an LRU word (handles the clock wrapping). */
export function lruIdleMs(word: number, nowMs: number): number {
  const clock = lruClock(nowMs);
  const at = word & LRU_CLOCK_MAX;
  return clock >= at ? (clock - at) * 1000 : (clock + (LRU_CLOCK_MAX - at)) * 1000;
}

function lfuMinutes(nowMs: number): number {
  return Math.floor(nowMs / 60000) & 0xffff;
}

/** The LFU word of a key created now. */
export function lfuNewWord(nowMs: number): number {
  return ((lfuMinutes(nowMs) << 8) | LFU_INIT_VAL) >>> 0;
}

/** The counter after decay: one step per `decayMinutes` elapsed since the last decrement time. */
export function lfuCounter(word: number, nowMs: number, decayMinutes: number): number {
  const ldt = (word >>> 8) & 0xffff;
  const counter = word & 0xff;
  const now = lfuMinutes(nowMs);
  const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
  const periods = decayMinutes > 0 ? Math.floor(elapsed / decayMinutes) : 0;
  if (periods === 0) return counter;
  return periods > counter ? 0 : counter - periods;
}

/** A logarithmic increment: the higher the counter, the less likely it grows (lfu-log-factor). */
export function lfuIncrement(counter: number, logFactor: number, rand: number): number {
  if (counter === 255) return 255;
  const base = counter > LFU_INIT_VAL ? counter - LFU_INIT_VAL : 0;
  const p = 1 / (base * logFactor + 1);
  return rand < p ? counter + 1 : counter;
}

/** The word after one access: decay, then a probabilistic increment, stamped with now. */
export function lfuTouch(word: number, nowMs: number, logFactor: number, decayMinutes: number, rand: number): number {
  const counter = lfuIncrement(lfuCounter(word, nowMs, decayMinutes), logFactor, rand);
  return ((lfuMinutes(nowMs) << 8) | counter) >>> 0;
}
