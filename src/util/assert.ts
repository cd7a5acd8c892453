// Invariant checks for code off the hot path. A failed assertion is a bug in nodis, never bad input.

export function assert(condition: unknown, message = 'assertion failed'): asserts condition {
  if (!condition) throw new Error(`nodis invariant: ${message}`);
}
