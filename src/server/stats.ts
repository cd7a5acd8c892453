// Server-wide counters for INFO stats/errorstats and the instantaneous metrics Redis samples in
// its cron (ops/sec, network kbps, event-loop cycles): a ring of 16 samples taken every 100 ms,
// averaged. Counters only; the INFO text is built in info.ts.

/** Redis stops tracking new error codes past this many distinct ones (ERRORSTATS_LIMIT). */
export const ERRORSTATS_LIMIT = 128;
const SAMPLES = 16;
/** Period of instantaneous-metric sampling, as Redis's run_with_period(100). */
export const SAMPLE_PERIOD_MS = 100;

/** One instantaneous metric: rate of a monotonically growing counter. */
export class InstantMetric {
  private readonly samples = new Float64Array(SAMPLES);
  private idx = 0;
  private lastValue = 0;
  private lastTime = 0;

  sample(value: number, nowMs: number): void {
    if (this.lastTime !== 0) {
      const dt = nowMs - this.lastTime;
      this.samples[this.idx] = dt > 0 ? ((value - this.lastValue) * 1000) / dt : 0;
      this.idx = (this.idx + 1) % SAMPLES;
    }
    this.lastValue = value;
    this.lastTime = nowMs;
  }

  /** Average per-second rate over the sample ring. */
  get rate(): number {
    let sum = 0;
    for (let i = 0; i < SAMPLES; i++) sum += this.samples[i]!;
    return sum / SAMPLES;
  }
}

export class ServerStats {
  /** Commands executed (rejected ones are not counted, as in Redis). */
  numCommands = 0;
  /** Every error reply sent, rejected commands included. */
  totalErrorReplies = 0;
  /** Error replies by code (first word), at most ERRORSTATS_LIMIT codes. */
  readonly errorCodes = new Map<string, number>();
  /** Set once the limit was hit: later new codes are counted only in totalErrorReplies. */
  errorCodesOverflow = false;
  netInputBytes = 0;
  netOutputBytes = 0;
  /**
   * Replication traffic, also counted in the two totals above (Redis 7's rule): on a replica the
   * bytes read from its primary during the transfer and the stream, on a primary the image and
   * the stream written to replicas.
   */
  netReplInputBytes = 0;
  netReplOutputBytes = 0;
  /** Writes of replies to client sockets. */
  writes = 0;
  /** Batches of commands read and replied (nodis's event-loop passes). */
  eventLoopCycles = 0;
  /** Time spent executing commands, µs. */
  commandUsecSum = 0;
  /** Per-read processing time, µs (nodis's event-loop duration: parsing + execution). */
  eventLoopUsecSum = 0;
  readonly opsPerSec = new InstantMetric();
  readonly netInputKbps = new InstantMetric();
  readonly netOutputKbps = new InstantMetric();
  readonly netReplInputKbps = new InstantMetric();
  readonly netReplOutputKbps = new InstantMetric();
  readonly cyclesPerSec = new InstantMetric();
  /** Rate of eventLoopUsecSum: divided by cyclesPerSec it gives µs per cycle. */
  readonly loopUsecPerCycle = new InstantMetric();
  private lastSample = 0;

  countError(text: string): void {
    this.totalErrorReplies++;
    const sp = text.indexOf(' ');
    const code = sp === -1 ? text : text.slice(0, sp);
    const n = this.errorCodes.get(code);
    if (n !== undefined) this.errorCodes.set(code, n + 1);
    else if (this.errorCodes.size < ERRORSTATS_LIMIT) this.errorCodes.set(code, 1);
    else this.errorCodesOverflow = true;
  }

  resetErrors(): void {
    this.errorCodes.clear();
    this.errorCodesOverflow = false;
  }

  /** Called from the cron: takes one sample of every instantaneous metric each 100 ms. */
  sample(nowMs: number): void {
    if (nowMs - this.lastSample < SAMPLE_PERIOD_MS) return;
    this.lastSample = nowMs;
    this.opsPerSec.sample(this.numCommands, nowMs);
    this.netInputKbps.sample(this.netInputBytes / 1024, nowMs);
    this.netOutputKbps.sample(this.netOutputBytes / 1024, nowMs);
    this.netReplInputKbps.sample(this.netReplInputBytes / 1024, nowMs);
    this.netReplOutputKbps.sample(this.netReplOutputBytes / 1024, nowMs);
    this.cyclesPerSec.sample(this.eventLoopCycles, nowMs);
    this.loopUsecPerCycle.sample(this.eventLoopUsecSum, nowMs);
  }

  /** Recent average µs per event-loop cycle (instantaneous_eventloop_duration_usec). */
  get avgCycleUsec(): number {
    const cycles = this.cyclesPerSec.rate;
    return cycles === 0 ? 0 : this.loopUsecPerCycle.rate / cycles;
  }
}
