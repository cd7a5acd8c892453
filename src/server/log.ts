// Log lines in Redis's format: "<pid>:<role> <day> <mon> <year> <hh:mm:ss.mmm> <level> <msg>",
// level marks . - * # for debug, verbose, notice, warning. Files are opened for append, never
// truncated, so several processes may share one log file. The level can change at runtime
// (CONFIG SET loglevel); syslog-* directives are stored by the config but not used here.

import { appendFileSync, writeSync } from 'node:fs';
import type { LogLevel } from '../exec/context.js';

const LEVELS: Record<LogLevel | 'nothing', number> = { debug: 0, verbose: 1, notice: 2, warning: 3, nothing: 4 };
const MARKS: Record<LogLevel, string> = { debug: '.', verbose: '-', notice: '*', warning: '#' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

export function formatTimestamp(d: Date): string {
  return `${pad(d.getDate())} ${MONTHS[d.getMonth()]} ${d.getFullYear()} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
}

export type LogTarget = string | null;

export class Logger {
  /** '' logs to standard output; a path appends to that file; null disables logging. */
  file: LogTarget = '';
  level: LogLevel | 'nothing' = 'notice';
  /** M primary, S replica, C before the server runs (config loading), X sentinel. */
  role: 'M' | 'S' | 'C' = 'M';
  /** The pid printed in each line (the process's, unless a test pins it). */
  pid = process.pid;

  enabled(level: LogLevel): boolean {
    return this.file !== null && LEVELS[level] >= LEVELS[this.level];
  }

  log(level: LogLevel, message: string): void {
    if (!this.enabled(level)) return;
    this.raw(`${this.pid}:${this.role} ${formatTimestamp(new Date())} ${MARKS[level]} ${message}\n`);
  }

  /**
   * What Redis writes from a signal handler: no level filter but 'nothing', and a Unix time
   * instead of the date ("<pid>:signal-handler (<secs>) <msg>").
   */
  logFromSignal(message: string): void {
    if (this.file === null || this.level === 'nothing') return;
    this.raw(`${this.pid}:signal-handler (${Math.floor(Date.now() / 1000)}) ${message}\n`);
  }

  /** Writes text as is (the startup banner). */
  raw(text: string): void {
    if (this.file === null) return;
    try {
      if (this.file === '') writeSync(1, text);
      else appendFileSync(this.file, text);
    } catch {
      // Logging must never take the server down (a full disk, a removed directory).
    }
  }
}
