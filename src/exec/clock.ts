// The execution clock: one monotonic reading per command instead of three clock reads. Within a
// session batch (Sessions.receive) the reading taken when one command ends is where the next one
// starts, and the wall clock commands see (ks.now) is derived from the batch's wall-clock reading
// plus the monotonic time elapsed since. Outside a batch (cron, AOF loading, resumed clients)
// call() reads the clocks itself. It owns no policy: call() and the session driver use it.

export class ExecClock {
  /** The latest monotonic reading (performance.now(), ms) inside a batch; -1 outside one. */
  last = -1;
  /** Wall clock minus monotonic clock, measured at the start of the current batch. */
  private origin = 0;

  /** Starts a batch with a wall-clock reading the caller already has; returns the monotonic one. */
  begin(wallMs: number): number {
    const t = performance.now();
    this.origin = wallMs - t;
    this.last = t;
    return t;
  }

  /** Ends the batch: call() reads the clocks itself again. */
  end(): void {
    this.last = -1;
  }

  /** The wall clock in ms (an integer, as Date.now()) at monotonic time t of this batch. */
  wallAt(t: number): number {
    return Math.floor(this.origin + t);
  }
}
