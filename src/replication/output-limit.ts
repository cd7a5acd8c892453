// client-output-buffer-limit for replicas over the shared buffer: hard limit at once, soft limit
// when exceeded continuously for longer than its seconds. Pure: the caller passes the usage
// (ReplReader.memoryBytes), the clock and the per-replica state, and closes the replica itself.

export interface OutputLimit {
  /** 0 disables. */
  hardBytes: number;
  /** 0 disables. */
  softBytes: number;
  softSeconds: number;
}

/** Per-replica memory of when the soft limit was first seen exceeded (null: not exceeded). */
export interface SoftLimitState {
  softSince: number | null;
}

/**
 * True when the replica must be disconnected. A hard limit below repl-backlog-size is raised to
 * it: the shared buffer holds that much anyway, and a partial sync would otherwise succeed only
 * for the replica to be dropped at once (Redis 7 ignores the soft limit in this adjustment).
 * Updates `state` as a side effect, as the soft limit needs continuity.
 */
export function replicaOverLimit(
  usedBytes: number,
  limit: OutputLimit,
  backlogSize: number,
  state: SoftLimitState,
  nowSeconds: number,
): boolean {
  let hardBytes = limit.hardBytes;
  if (hardBytes > 0 && hardBytes < backlogSize) hardBytes = backlogSize;
  const hard = hardBytes > 0 && usedBytes >= hardBytes;
  let soft = limit.softBytes > 0 && usedBytes >= limit.softBytes;
  if (soft) {
    if (state.softSince === null) {
      state.softSince = nowSeconds;
      soft = false; // first sighting starts the clock
    } else if (nowSeconds - state.softSince <= limit.softSeconds) {
      soft = false;
    }
  } else {
    state.softSince = null;
  }
  return hard || soft;
}
