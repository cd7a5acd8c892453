// The slow log: commands that took at least slowlog-log-slower-than µs, newest first, at most
// slowlog-max-len entries. Arguments are trimmed as Redis trims them so that a huge command
// cannot make the log huge: at most 32 shown (the last slot says how many more), and each
// string cut at 128 bytes with a note of how many bytes were dropped.

import type { SlowlogEntry } from '../exec/introspection.js';

const MAX_ARGC = 32;
const MAX_STRING = 128;

export class SlowLog {
  private entries: SlowlogEntry[] = [];
  private nextId = 0;

  /** Adds an entry if the command was slow enough; trims the log to maxLen. */
  push(argv: readonly string[], usec: number, peer: string, name: string, slowerThan: number, maxLen: number): void {
    if (slowerThan < 0 || maxLen === 0) return;
    if (usec >= slowerThan) {
      this.entries.unshift({
        id: this.nextId++,
        time: Math.floor(Date.now() / 1000),
        usec,
        argv: trimArgs(argv),
        peer,
        name,
      });
    }
    if (this.entries.length > maxLen) this.entries.length = maxLen;
  }

  get(count: number): readonly SlowlogEntry[] {
    return this.entries.slice(0, Math.max(0, count));
  }

  get length(): number {
    return this.entries.length;
  }

  reset(): void {
    this.entries = [];
  }
}

export function trimArgs(argv: readonly string[]): string[] {
  const shown = Math.min(argv.length, MAX_ARGC);
  const out: string[] = new Array<string>(shown);
  for (let i = 0; i < shown; i++) {
    if (shown === MAX_ARGC && i === MAX_ARGC - 1 && argv.length > MAX_ARGC) {
      out[i] = `... (${argv.length - MAX_ARGC + 1} more arguments)`;
    } else {
      const a = argv[i]!;
      out[i] = a.length > MAX_STRING ? `${a.slice(0, MAX_STRING)}... (${a.length - MAX_STRING} more bytes)` : a;
    }
  }
  return out;
}
