// The latency monitor: per event ("command", "fast-command", "expire-cycle", ...) a ring of 160
// one-per-second samples (ms) plus the all-time maximum, filled only with samples that reach
// latency-monitor-threshold. LATENCY LATEST/HISTORY/RESET read it; DOCTOR and GRAPH render it
// in nodis's own words and drawing.

import type { LatencyEventSummary } from '../exec/introspection.js';

const RING = 160;

interface Series {
  readonly times: Float64Array;
  readonly values: Float64Array;
  idx: number;
  max: number;
}

export class LatencyMonitor {
  private readonly events = new Map<string, Series>();

  add(event: string, ms: number, nowSec = Math.floor(Date.now() / 1000)): void {
    let s = this.events.get(event);
    if (s === undefined) {
      s = { times: new Float64Array(RING), values: new Float64Array(RING), idx: 0, max: 0 };
      this.events.set(event, s);
    }
    if (ms > s.max) s.max = ms;
    // Several samples within one second collapse into the worst of them.
    const prev = (s.idx + RING - 1) % RING;
    if (s.times[prev] === nowSec) {
      if (ms > s.values[prev]!) s.values[prev] = ms;
      return;
    }
    s.times[s.idx] = nowSec;
    s.values[s.idx] = ms;
    s.idx = (s.idx + 1) % RING;
  }

  latest(): LatencyEventSummary[] {
    const out: LatencyEventSummary[] = [];
    for (const [event, s] of this.events) {
      const last = (s.idx + RING - 1) % RING;
      out.push({ event, time: s.times[last]!, latest: s.values[last]!, max: s.max });
    }
    return out;
  }

  history(event: string): [number, number][] {
    const s = this.events.get(event);
    if (s === undefined) return [];
    const out: [number, number][] = [];
    for (let i = 0; i < RING; i++) {
      const j = (s.idx + i) % RING;
      if (s.times[j] !== 0) out.push([s.times[j]!, s.values[j]!]);
    }
    return out;
  }

  reset(events: readonly string[]): number {
    if (events.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const e of events) if (this.events.delete(e)) n++;
    return n;
  }

  get isEmpty(): boolean {
    return this.events.size === 0;
  }

  /** A short report: per event its sample count, average, worst and when it was worst. */
  doctor(threshold: number): string {
    if (threshold === 0 && this.events.size === 0) {
      return 'The latency monitor is disabled (latency-monitor-threshold is 0), so no latency ' +
        'samples are collected. Set it to the number of milliseconds a spike must reach to be ' +
        'recorded, e.g. CONFIG SET latency-monitor-threshold 100.\n';
    }
    if (this.events.size === 0) {
      return `No latency spike of ${threshold} ms or more has been recorded since the monitor ` +
        'was enabled or last reset.\n';
    }
    const lines: string[] = [`Latency report (threshold ${threshold} ms):`, ''];
    let i = 1;
    for (const [event, s] of this.events) {
      const samples = this.history(event);
      let sum = 0;
      let worstAt = 0;
      let worst = -1;
      for (const [t, v] of samples) {
        sum += v;
        if (v > worst) { worst = v; worstAt = t; }
      }
      const avg = samples.length === 0 ? 0 : Math.round(sum / samples.length);
      const span = samples.length === 0 ? 0 : samples[samples.length - 1]![0] - samples[0]![0];
      lines.push(`${i++}. ${event}: ${samples.length} spike(s) in the last ${span} s, average ${avg} ms, ` +
        `worst of the window ${worst} ms (at unix time ${worstAt}), worst ever ${s.max} ms.`);
      lines.push('   ' + adviceFor(event));
    }
    return lines.join('\n') + '\n';
  }

  /** A column chart of the samples: one column per sample, '#' bars scaled to the worst. */
  graph(event: string, nowSec = Math.floor(Date.now() / 1000)): string | null {
    const samples = this.history(event);
    if (samples.length === 0) return null;
    const s = this.events.get(event)!;
    const HEIGHT = 8;
    let lo = Infinity;
    let hi = 0;
    for (const [, v] of samples) { if (v < lo) lo = v; if (v > hi) hi = v; }
    const head = `${event} - high ${hi} ms, low ${lo} ms (all time high ${s.max} ms)\n` +
      `${'-'.repeat(Math.max(40, samples.length))}\n`;
    const rows: string[] = [];
    for (let r = HEIGHT; r >= 1; r--) {
      let row = '';
      for (const [, v] of samples) row += (hi === 0 ? 0 : Math.ceil((v / hi) * HEIGHT)) >= r ? '#' : ' ';
      rows.push(row.trimEnd());
    }
    // Age labels under each column, written vertically: seconds (s), minutes (m) or hours (h) ago.
    const labels = samples.map(([t]) => ageLabel(nowSec - t));
    const width = Math.max(...labels.map((l) => l.length));
    const legend: string[] = [];
    for (let r = 0; r < width; r++) legend.push(labels.map((l) => l.padStart(width)[r]).join('').trimEnd());
    return head + rows.join('\n') + '\n' + legend.join('\n') + '\n';
  }
}

function ageLabel(sec: number): string {
  if (sec < 60) return `${sec}s`;
  if (sec < 3600) return `${Math.floor(sec / 60)}m`;
  return `${Math.floor(sec / 3600)}h`;
}

function adviceFor(event: string): string {
  if (event === 'command') {
    return 'Slow commands: check SLOWLOG GET for O(N) commands on large values (KEYS, SMEMBERS, ' +
      'LRANGE 0 -1, big DEL...) and prefer incremental ones (SCAN family, UNLINK).';
  }
  if (event === 'fast-command') {
    return 'Even O(1)/O(log N) commands were slow: the process was probably starved of CPU ' +
      '(other processes, swapping, or a long garbage collection pause).';
  }
  if (event.startsWith('expire')) {
    return 'Active expiry took long: many keys expiring at the same moment; spread TTLs out.';
  }
  if (event.startsWith('aof') || event.startsWith('rdb')) {
    return 'Persistence I/O was slow: check disk latency and appendfsync settings.';
  }
  return 'Check what the server was doing at that time in the log.';
}
