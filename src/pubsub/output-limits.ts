// client-output-buffer-limit: per client class (normal, replica, pubsub) a hard limit in bytes, a
// soft limit in bytes and how many seconds output may stay above the soft limit. Parsing,
// printing and the over-limit decision live here; who is disconnected is the caller's business.

export type OutputClass = 'normal' | 'replica' | 'pubsub';

export interface OutputLimit {
  hard: number;
  soft: number;
  softSeconds: number;
}

export type OutputLimits = Record<OutputClass, OutputLimit>;

export const DEFAULT_OUTPUT_LIMITS = 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60';

/** Redis's memtoull: an unsigned number with an optional k/kb/m/mb/g/gb unit, or null. */
function parseBytes(s: string): number | null {
  const m = /^(\d+)(k|kb|m|mb|g|gb)?$/i.exec(s);
  if (m === null) return null;
  const unit: Record<string, number> = { '': 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * unit[(m[2] ?? '').toLowerCase()]!;
}

function classOf(name: string): OutputClass | null {
  switch (name.toLowerCase()) {
    case 'normal': return 'normal';
    case 'slave': case 'replica': return 'replica';
    case 'pubsub': return 'pubsub';
    default: return null; // 'master' names a client type but has no limit of its own
  }
}

/** Parses a directive value over the current limits (classes not named keep their values). */
export function parseOutputLimits(value: string, current: OutputLimits): OutputLimits | { error: string } {
  const words = value.split(' ').filter((w) => w !== '');
  if (words.length % 4 !== 0) return { error: 'Wrong number of arguments in buffer limit configuration.' };
  const next: OutputLimits = { normal: { ...current.normal }, replica: { ...current.replica }, pubsub: { ...current.pubsub } };
  for (let i = 0; i < words.length; i += 4) {
    const cls = classOf(words[i]!);
    if (cls === null) return { error: 'Invalid client class specified in buffer limit configuration.' };
    const hard = parseBytes(words[i + 1]!);
    const soft = parseBytes(words[i + 2]!);
    const secs = /^\d+$/.test(words[i + 3]!) ? Number(words[i + 3]) : null;
    if (hard === null || soft === null || secs === null) {
      return { error: 'Error in hard, soft or soft_seconds setting in buffer limit configuration.' };
    }
    next[cls] = { hard, soft, softSeconds: secs };
  }
  return next;
}

/** The canonical text CONFIG GET prints: every class, sizes in bytes, replicas as 'slave'. */
export function formatOutputLimits(l: OutputLimits): string {
  const one = (name: string, x: OutputLimit) => `${name} ${x.hard} ${x.soft} ${x.softSeconds}`;
  return `${one('normal', l.normal)} ${one('slave', l.replica)} ${one('pubsub', l.pubsub)}`;
}

const ZERO: OutputLimits = {
  normal: { hard: 0, soft: 0, softSeconds: 0 },
  replica: { hard: 0, soft: 0, softSeconds: 0 },
  pubsub: { hard: 0, soft: 0, softSeconds: 0 },
};

/** Parses a complete stored value (as the config table keeps it). */
export function outputLimitsOf(stored: string): OutputLimits {
  const l = parseOutputLimits(stored, ZERO);
  return 'error' in l ? parseOutputLimits(DEFAULT_OUTPUT_LIMITS, ZERO) as OutputLimits : l;
}

/** Directive parser for the config table: merges into the current value, stores canonical text. */
export function parseOutputLimitsDirective(value: string, current?: string): string | { error: string } {
  const l = parseOutputLimits(value, outputLimitsOf(current ?? DEFAULT_OUTPUT_LIMITS));
  return 'error' in l ? l : formatOutputLimits(l);
}

/**
 * Soft-limit bookkeeping of one client: the unix second its output was first seen above the soft
 * limit (0 while below). As in Redis the decision is made at each write: at or above the hard
 * limit closes at once; above the soft limit closes once it has stayed there for more than
 * softSeconds whole seconds.
 */
export function overLimit(used: number, limit: OutputLimit, state: { softSince: number }, nowMs: number): boolean {
  const hard = limit.hard > 0 && used >= limit.hard;
  let soft = false;
  if (limit.soft > 0 && used >= limit.soft) {
    const sec = Math.floor(nowMs / 1000);
    if (state.softSince === 0) state.softSince = sec;
    else soft = sec - state.softSince > limit.softSeconds;
  } else {
    state.softSince = 0;
  }
  return hard || soft;
}
