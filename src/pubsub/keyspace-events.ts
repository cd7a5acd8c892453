// notify-keyspace-events: the class letters as a bit set, parsed and printed the way Redis does
// (CONFIG GET shows canonical letters), and the mapping from an event's class letter to its bit.
// Pure functions: the server keeps the current bit set and publishes through pubsub/registry.ts.

export const NOTIFY = {
  keyspace: 1 << 0, // K
  keyevent: 1 << 1, // E
  generic: 1 << 2, // g
  string: 1 << 3, // $
  list: 1 << 4, // l
  set: 1 << 5, // s
  hash: 1 << 6, // h
  zset: 1 << 7, // z
  expired: 1 << 8, // x
  evicted: 1 << 9, // e
  stream: 1 << 10, // t
  keyMiss: 1 << 11, // m
  module: 1 << 12, // d
  new: 1 << 13, // n
} as const;

/** What 'A' stands for: every data class, but neither key misses (m) nor new keys (n). */
export const NOTIFY_ALL = NOTIFY.generic | NOTIFY.string | NOTIFY.list | NOTIFY.set | NOTIFY.hash |
  NOTIFY.zset | NOTIFY.expired | NOTIFY.evicted | NOTIFY.stream | NOTIFY.module;

/** Class letter → bit, for both the directive's letters and the classes events are tagged with. */
const BIT_OF_LETTER: Readonly<Record<string, number>> = {
  A: NOTIFY_ALL, g: NOTIFY.generic, $: NOTIFY.string, l: NOTIFY.list, s: NOTIFY.set, h: NOTIFY.hash,
  z: NOTIFY.zset, x: NOTIFY.expired, e: NOTIFY.evicted, K: NOTIFY.keyspace, E: NOTIFY.keyevent,
  t: NOTIFY.stream, m: NOTIFY.keyMiss, d: NOTIFY.module, n: NOTIFY.new,
};

/** Data classes in the order CONFIG GET prints them when not all of them are on. */
const CLASS_ORDER: readonly [number, string][] = [
  [NOTIFY.generic, 'g'], [NOTIFY.string, '$'], [NOTIFY.list, 'l'], [NOTIFY.set, 's'], [NOTIFY.hash, 'h'],
  [NOTIFY.zset, 'z'], [NOTIFY.expired, 'x'], [NOTIFY.evicted, 'e'], [NOTIFY.stream, 't'],
  [NOTIFY.module, 'd'], [NOTIFY.new, 'n'],
];

/** The bit of an event class letter as keyspace/notify.ts tags events (0 for an unknown one). */
export function classBit(letter: string): number {
  return BIT_OF_LETTER[letter] ?? 0;
}

/** The bit set a notify-keyspace-events value stands for, or null if it has a foreign letter. */
export function parseKeyspaceEvents(value: string): number | null {
  let flags = 0;
  for (const ch of value) {
    const bit = BIT_OF_LETTER[ch];
    if (bit === undefined) return null;
    flags |= bit;
  }
  return flags;
}

/**
 * The canonical letters CONFIG GET shows. As in Redis, 'A' replaces the data classes when all of
 * them are on, and then 'n' is not printed even though it stays on (so the stored text keeps it).
 */
export function formatKeyspaceEvents(flags: number): string {
  let s = '';
  if ((flags & NOTIFY_ALL) === NOTIFY_ALL) s = 'A';
  else for (const [bit, letter] of CLASS_ORDER) if (flags & bit) s += letter;
  if (flags & NOTIFY.keyspace) s += 'K';
  if (flags & NOTIFY.keyevent) s += 'E';
  if (flags & NOTIFY.keyMiss) s += 'm';
  return s;
}

/** The text the config table stores: canonical, plus the 'n' that 'A' hides when it is on. */
export function storedKeyspaceEvents(flags: number): string {
  const shown = formatKeyspaceEvents(flags);
  return (flags & NOTIFY_ALL) === NOTIFY_ALL && (flags & NOTIFY.new) ? shown + 'n' : shown;
}

/** Directive parser for the config table: canonical stored text or Redis's error. */
export function parseKeyspaceEventsDirective(value: string): string | { error: string } {
  const flags = parseKeyspaceEvents(value);
  if (flags === null) return { error: "Invalid event class character. Use 'Ag$lshzxeKEtmdn'." };
  return storedKeyspaceEvents(flags);
}

/** What CONFIG GET prints for a stored value. */
export function showKeyspaceEvents(stored: string): string {
  return formatKeyspaceEvents(parseKeyspaceEvents(stored) ?? 0);
}
