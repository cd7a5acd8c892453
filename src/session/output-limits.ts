// client-output-buffer-limit: parsing the directive ("<class> <hard> <soft> <soft-seconds>"
// repeated) and deciding whether a client's pending output is over its class's limit.
// It closes nothing: the session layer asks and acts.

import type { Client } from './client.js';
import { clientType } from './client-info.js';

export interface BufferLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export type LimitClass = 'normal' | 'replica' | 'pubsub';

export type OutputLimits = Record<LimitClass, BufferLimit>;

export const DEFAULT_OUTPUT_LIMITS = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

/** Sizes as redis.conf writes them: 1k = 1000, 1kb = 1024, up to gb. */
function size(s: string): number | null {
  const m = /^(\d+)(k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const mul: Record<string, number> = { '': 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * mul[(m[2] ?? '').toLowerCase()]!;
}

/**
 * Parses the directive's value over `base` (classes not named keep their base limits, as
 * CONFIG SET does in Redis). Returns the limits or an error text.
 */
export function parseOutputLimits(text: string, base: OutputLimits | null = null): OutputLimits | string {
  const words = text.trim().split(/\s+/).filter(Boolean);
  if (words.length % 4 !== 0) return 'Wrong number of arguments in buffer limit configuration.';
  const out: OutputLimits = base !== null
    ? { normal: { ...base.normal }, replica: { ...base.replica }, pubsub: { ...base.pubsub } }
    : { normal: { hard: 0, soft: 0, softSeconds: 0 }, replica: { hard: 0, soft: 0, softSeconds: 0 }, pubsub: { hard: 0, soft: 0, softSeconds: 0 } };
  for (let i = 0; i < words.length; i += 4) {
    const name = words[i]!.toLowerCase();
    const cls: LimitClass | null = name === 'normal' ? 'normal' : name === 'slave' || name === 'replica' ? 'replica' : name === 'pubsub' ? 'pubsub' : null;
    if (cls === null) return 'Invalid client class specified in buffer limit configuration.';
    const hard = size(words[i + 1]!);
    const soft = size(words[i + 2]!);
    const secs = /^\d+$/.test(words[i + 3]!) ? Number(words[i + 3]) : null;
    if (hard === null || soft === null || secs === null) return 'Error in hard, soft or soft_seconds setting in buffer limit configuration.';
    out[cls] = { hard, soft, softSeconds: secs };
  }
  return out;
}

/** The canonical text CONFIG GET prints. */
export function formatOutputLimits(l: OutputLimits): string {
  const f = (b: BufferLimit) => `${b.hard} ${b.soft} ${b.softSeconds}`;
  return `normal ${f(l.normal)} slave ${f(l.replica)} pubsub ${f(l.pubsub)}`;
}

/**
 * True when the client's output (bytes not yet written to the kernel) breaks its limit: over
 * the hard limit at once, or over the soft limit for longer than soft-seconds. Tracks the soft
 * limit's start time on the client. The primary's link is never limited.
 */
export function overOutputLimit(c: Client, limits: OutputLimits, now: number): boolean {
  const type = clientType(c);
  if (type === 'master') return false;
  const l = limits[type];
  if (l.hard === 0 && l.soft === 0) return false;
  const used = c.transport.queuedBytes + c.reply.pendingBytes;
  if (l.hard > 0 && used >= l.hard) return true;
  if (l.soft > 0 && used >= l.soft) {
    if (c.obufSoftLimitSince === 0) {
      c.obufSoftLimitSince = now;
      return false;
    }
    return now - c.obufSoftLimitSince > l.softSeconds * 1000;
  }
  c.obufSoftLimitSince = 0;
  return false;
}
