// FAILOVER on the primary side, as Redis 7 coordinates it: writes are paused, the primary waits
// until the target replica (or, without TO, the first replica) acknowledged every byte, then
// becomes a replica of it and asks it to take over with `PSYNC <replid> <offset> FAILOVER`; the
// target's answer ends the failover (the pause is lifted) or aborts it (we are a primary again).
// It owns only this state machine: links, the pause and the role change belong to their owners.

import type { LogLevel } from '../exec/context.js';
import { Err, type CommandError } from '../resp/errors.js';

/** INFO replication master_failover_state. */
export type FailoverState = 'no-failover' | 'waiting-for-sync' | 'failover-in-progress';

/** The pause purpose the failover holds (CLIENT UNPAUSE does not end it). */
const PAUSE_PURPOSE = 'failover';

/** What FAILOVER asked for (already parsed). */
export interface FailoverRequest {
  /** TO host port, or null for "the first replica that catches up". */
  target: { host: string; port: number } | null;
  /** TIMEOUT in ms; 0 when none. */
  timeoutMs: number;
  force: boolean;
}

/** A replica as the failover sees it. */
export interface FailoverReplica {
  /** The announced address, or the peer's. */
  readonly ip: string;
  readonly listeningPort: number;
  readonly online: boolean;
  readonly ackOffset: number;
}

export interface FailoverHost {
  log(level: LogLevel, message: string): void;
  /** This server follows a primary. */
  readonly isReplica: boolean;
  /** master_repl_offset. */
  readonly offset: number;
  replicas(): readonly FailoverReplica[];
  /** Pauses writes under a purpose until released (CLIENT PAUSE WRITE semantics). */
  readonly pause: { hold(purpose: string): void; release(purpose: string): void };
  /** Becomes a replica of the target (Redis's replicationSetMaster); its PSYNC carries FAILOVER. */
  followTarget(host: string, port: number): void;
  /** Stops following the target and is a primary again (Redis's replicationUnsetMaster). */
  unfollow(): void;
}

export class Failover {
  state: FailoverState = 'no-failover';
  private targetHost: string | null = null;
  private targetPort = 0;
  /** Absolute deadline in ms; 0 without TIMEOUT. */
  private endTime = 0;
  private force = false;

  constructor(private readonly host: FailoverHost) {}

  get active(): boolean {
    return this.state !== 'no-failover';
  }

  /**
   * While waiting with a deadline the replication PING is not sent: it would move the offset the
   * replicas must reach (Redis skips it only when a timeout was given, and so does nodis).
   */
  get holdsPing(): boolean {
    return this.state === 'waiting-for-sync' && this.endTime !== 0;
  }

  /** FAILOVER [TO host port [FORCE]] [TIMEOUT ms], after parsing; the checks in Redis's order. */
  start(req: FailoverRequest, now: number): CommandError | null {
    const h = this.host;
    if (this.active) return Err.failoverInProgress();
    if (h.isReplica) return Err.failoverOnReplica();
    const replicas = h.replicas();
    if (replicas.length === 0) return Err.failoverNoReplicas();
    if (req.force && (req.timeoutMs === 0 || req.target === null)) return Err.failoverForceNeedsTarget();
    if (req.target !== null) {
      const r = this.find(req.target.host, req.target.port);
      if (r === null) return Err.failoverTargetNotReplica();
      if (!r.online) return Err.failoverTargetNotOnline();
      this.targetHost = req.target.host;
      this.targetPort = req.target.port;
      h.log('notice', `FAILOVER requested to ${req.target.host}:${req.target.port}.`);
    } else {
      h.log('notice', 'FAILOVER requested to any replica.');
    }
    this.endTime = req.timeoutMs > 0 ? now + req.timeoutMs : 0;
    this.force = req.force;
    this.state = 'waiting-for-sync';
    h.pause.hold(PAUSE_PURPOSE);
    return null;
  }

  /** FAILOVER ABORT, a timeout without FORCE, or a target that refused: back to a primary. */
  abort(reason: string): void {
    if (!this.active) return;
    if (this.targetHost !== null) this.host.log('notice', `FAILOVER to ${this.targetHost}:${this.targetPort} aborted: ${reason}`);
    else this.host.log('notice', `FAILOVER to any replica aborted: ${reason}`);
    if (this.state === 'failover-in-progress') this.host.unfollow();
    this.clear();
  }

  /**
   * Moves a waiting failover on (from the cron and after ACKs): the deadline aborts it (or with
   * FORCE hands over anyway); a target whose ACK reached our offset gets the hand-over.
   */
  update(now: number): void {
    if (this.state !== 'waiting-for-sync') return;
    const h = this.host;
    if (this.endTime !== 0 && this.endTime <= now) {
      if (!this.force) return this.abort('Replica never caught up before timeout');
      h.log('notice', `FAILOVER to ${this.targetHost}:${this.targetPort} time out exceeded, failing over.`);
      return this.handOver();
    }
    const offset = h.offset;
    if (this.targetHost !== null) {
      const r = this.find(this.targetHost, this.targetPort);
      if (r === null || r.ackOffset !== offset) return;
    } else {
      const r = h.replicas().find((x) => x.ackOffset === offset);
      if (r === undefined) return;
      this.targetHost = r.ip;
      this.targetPort = r.listeningPort;
    }
    h.log('notice', `Failover target ${this.targetHost}:${this.targetPort} is synced, failing over.`);
    this.handOver();
  }

  /**
   * The target answered our PSYNC ... FAILOVER: a partial or a full resync means it took over and
   * the failover is done; anything else aborts it.
   */
  psyncAnswered(accepted: boolean): void {
    if (this.state !== 'failover-in-progress') return;
    if (accepted) this.clear();
    else this.abort('Failover target rejected psync request');
  }

  close(): void {
    this.clear();
  }

  private handOver(): void {
    this.state = 'failover-in-progress';
    this.host.followTarget(this.targetHost!, this.targetPort);
  }

  private clear(): void {
    const wasActive = this.active;
    this.state = 'no-failover';
    this.targetHost = null;
    this.targetPort = 0;
    this.endTime = 0;
    this.force = false;
    if (wasActive) this.host.pause.release(PAUSE_PURPOSE);
  }

  /** Redis's findReplica: the address compares case-insensitively, the port exactly. */
  private find(host: string, port: number): FailoverReplica | null {
    const want = host.toLowerCase();
    for (const r of this.host.replicas()) {
      if (r.listeningPort === port && r.ip.toLowerCase() === want) return r;
    }
    return null;
  }
}
