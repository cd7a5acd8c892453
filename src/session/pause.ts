// CLIENT PAUSE: which commands must wait, until when, and whether expired keys may be deleted
// meanwhile. It holds no list of clients: the session layer parks postponed clients and is told
// through `onEnd` when the pause is over. It never runs a command itself.

import type { Command } from '../commands/table.js';
import type { Client } from './client.js';

export type PauseMode = 'write' | 'all';

export class ClientPause {
  private mode: PauseMode | null = null;
  /** Absolute end time in ms. */
  private endsAt = 0;
  private timer: NodeJS.Timeout | null = null;
  /**
   * Write pauses the server holds for its own purposes (FAILOVER), as Redis 7 keeps one pause per
   * purpose: CLIENT UNPAUSE ends only the client's, and the strongest pause in force applies.
   */
  private readonly holds = new Set<string>();

  constructor(private readonly onEnd: () => void) {}

  /** The active pause mode, or null. */
  get active(): PauseMode | null {
    return this.mode ?? (this.holds.size > 0 ? 'write' : null);
  }

  get endTime(): number {
    return this.endsAt;
  }

  /**
   * Starts or extends a pause. As in Redis 7: the new mode replaces the old one, and the end time
   * only moves later (a shorter second pause does not shorten the first).
   */
  pause(ms: number, mode: PauseMode, now = Date.now()): void {
    const end = now + ms;
    this.mode = mode;
    if (end > this.endsAt) this.endsAt = end;
    this.arm(now);
  }

  /** Ends the pause now (CLIENT UNPAUSE, or the timer). */
  unpause(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    if (this.mode === null) return;
    this.mode = null;
    this.endsAt = 0;
    this.onEnd();
  }

  /** Pauses writes until `release(purpose)`, whatever CLIENT PAUSE / UNPAUSE do meanwhile. */
  hold(purpose: string): void {
    this.holds.add(purpose);
  }

  /** Ends a pause taken with `hold`; postponed clients run again when no pause is left. */
  release(purpose: string): void {
    if (!this.holds.delete(purpose)) return;
    if (this.holds.size === 0 && this.mode === null) this.onEnd();
  }

  /**
   * True when this client's command must wait for the pause to end. Replicas and the primary's
   * link are never paused; in WRITE mode only commands that may change data or replicate wait
   * (write and may_replicate flags: SET, EVAL, PUBLISH, PFCOUNT, ...), and EXEC waits when
   * `execMayReplicate` says its queued commands would.
   */
  mustWait(client: Client, cmd: Command): boolean {
    if (this.mode === null && this.holds.size === 0) return false;
    if (client.flagLetters.has('S') || client.flagLetters.has('M')) return false;
    if (this.mode === 'all') return true;
    if (cmd.isWrite || cmd.flags.has('may_replicate')) return true;
    return cmd.name === 'exec' && this.execMayReplicate(client);
  }

  /** Set by the transactions area: whether a client's queued MULTI commands write or replicate. */
  execMayReplicate: (client: Client) => boolean = () => false;

  /** While paused, keys found expired are hidden but not deleted (no DEL may be propagated). */
  expiryPolicy(): 'delete' | 'hide' {
    return this.mode === null && this.holds.size === 0 ? 'delete' : 'hide';
  }

  close(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(now: number): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      if (Date.now() >= this.endsAt) this.unpause();
      else this.arm(Date.now());
    }, Math.max(0, this.endsAt - now));
    this.timer.unref();
  }
}
