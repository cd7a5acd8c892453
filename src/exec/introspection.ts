// What the introspection commands (INFO, SLOWLOG, LATENCY, MEMORY, MONITOR, DEBUG, LASTSAVE) may
// ask of the server. server/introspection.ts implements it; commands reach it through
// ServerApi.introspection and never see the server's internals.

import type { Command } from '../commands/table.js';
import type { Client } from '../session/client.js';
import type { HdrHistogram } from '../util/hdr-histogram.js';

export interface SlowlogEntry {
  readonly id: number;
  /** Unix time in seconds when the command ran. */
  readonly time: number;
  readonly usec: number;
  /** Arguments as shown: at most 32, long ones truncated (see server/slowlog.ts). */
  readonly argv: readonly string[];
  readonly peer: string;
  readonly name: string;
}

export interface LatencyEventSummary {
  readonly event: string;
  /** Unix seconds of the latest sample. */
  readonly time: number;
  /** Latest sample in ms. */
  readonly latest: number;
  /** All-time maximum in ms. */
  readonly max: number;
}

/** One MEMORY STATS field: an integer, a double, or a nested map (db.N). */
export type MemoryStat =
  | { readonly name: string; readonly int: number }
  | { readonly name: string; readonly double: number }
  | { readonly name: string; readonly map: readonly MemoryStat[] };

/** Knobs of DEBUG that change server behaviour without a config directive. */
export interface DebugKnobs {
  /** DEBUG PAUSE-CRON: the periodic task does nothing while set. */
  pauseCron: boolean;
  /** DEBUG REPLYBUFFER PEAK-RESET-TIME, in ms (-1 never). Kept for parity; see debug.ts. */
  replyBufferPeakResetTime: number;
  /** DEBUG REPLYBUFFER RESIZING. */
  replyBufferResizing: boolean;
}

export interface IntrospectionApi {
  /** INFO text for lowercased section names (empty means "default"). */
  info(sections: readonly string[]): string;
  /** Unix seconds of the last successful save (server start until persistence exists). */
  lastSave(): number;

  slowlogGet(count: number): readonly SlowlogEntry[];
  slowlogLength(): number;
  slowlogReset(): void;

  latencyLatest(): readonly LatencyEventSummary[];
  /** [unix seconds, ms] samples of one event, oldest first. */
  latencyHistory(event: string): readonly [number, number][];
  /** Resets the named events (all when empty); returns how many existed. */
  latencyReset(events: readonly string[]): number;
  latencyDoctor(): string;
  /** The graph text, or null when the event has no samples. */
  latencyGraph(event: string): string | null;
  /** Records a latency-monitor sample (ms) if it reaches latency-monitor-threshold. */
  latencySample(event: string, ms: number): void;
  /** The per-command latency histogram (ns), if the command has run with tracking on. */
  commandHistogram(cmd: Command): HdrHistogram | undefined;

  memoryStats(): readonly MemoryStat[];
  memoryDoctor(): string;
  mallocStats(): string;
  purge(): void;

  /** Turns the client into a MONITOR client; false when it already is one. */
  startMonitor(client: Client): boolean;

  readonly debug: DebugKnobs;
  /** DEBUG HTSTATS text for one database ('full' adds the chain distribution). */
  htStats(dbIndex: number, full: boolean): string;
}
