// The directive table: every redis.conf directive nodis accepts, with its type, default,
// bounds and mutability. CONFIG GET/SET/REWRITE, the config file and the command line all go
// through it. Values are kept typed; `get` renders them as CONFIG GET prints them.

import type { ConfigApi } from '../exec/context.js';
import { globMatch } from '../util/glob.js';
import { parseKeyspaceEventsDirective, showKeyspaceEvents } from '../pubsub/keyspace-events.js';
import { DEFAULT_OUTPUT_LIMITS, parseOutputLimitsDirective } from '../pubsub/output-limits.js';

export type DirectiveType = 'bool' | 'int' | 'memory' | 'string' | 'enum' | 'special';

export interface Directive {
  name: string;
  aliases?: string[];
  type: DirectiveType;
  default: string;
  /** Can only be set at startup. */
  immutable?: boolean;
  /** Protected configs need enable-protected-configs to change at runtime. */
  protected?: boolean;
  /** Hidden from CONFIG GET * (still settable and gettable by name). */
  hidden?: boolean;
  /** Never printed in logs or CONFIG GET (e.g. passwords are printed, but masked in logs). */
  sensitive?: boolean;
  min?: number;
  max?: number;
  values?: readonly string[];
  /** Validates and normalizes a value; returns the canonical text or an error message. */
  parse?: (v: string, current?: string) => string | { error: string };
  /** What CONFIG GET prints for the stored text, when that differs from it. */
  format?: (stored: string) => string;
}

type Typed = string | number | boolean;

export const DIRECTIVES: Directive[] = [
  { name: 'port', type: 'int', default: '6379', min: 0, max: 65535 },
  { name: 'bind', type: 'string', default: '* -::*', immutable: false },
  { name: 'databases', type: 'int', default: '16', min: 1, max: 0x7fffffff, immutable: true },
  { name: 'requirepass', type: 'string', default: '', sensitive: true },
  { name: 'proto-max-bulk-len', type: 'memory', default: '536870912', min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER },
  { name: 'client-query-buffer-limit', type: 'memory', default: '1073741824', min: 1024 * 1024, max: Number.MAX_SAFE_INTEGER },
  { name: 'maxclients', type: 'int', default: '10000', min: 1, max: 0x7fffffff },
  { name: 'timeout', type: 'int', default: '0', min: 0, max: 0x7fffffff },
  { name: 'tcp-keepalive', type: 'int', default: '300', min: 0, max: 0x7fffffff },
  { name: 'tcp-backlog', type: 'int', default: '511', min: 0, max: 0x7fffffff, immutable: true },
  { name: 'unixsocket', type: 'string', default: '', immutable: true },
  { name: 'unixsocketperm', type: 'int', default: '0', min: 0, max: 0o777, immutable: true },
  { name: 'loglevel', type: 'enum', default: 'notice', values: ['debug', 'verbose', 'notice', 'warning', 'nothing'] },
  { name: 'logfile', type: 'string', default: '', immutable: true },
  { name: 'dir', type: 'string', default: '' },
  { name: 'pidfile', type: 'string', default: '' },
  { name: 'hz', type: 'int', default: '10', min: 0, max: 0x7fffffff },
  { name: 'daemonize', type: 'bool', default: 'no', immutable: true },
  { name: 'always-show-logo', type: 'bool', default: 'no', immutable: true },
  { name: 'protected-mode', type: 'bool', default: 'yes' },
  { name: 'enable-debug-command', type: 'enum', default: 'no', values: ['no', 'yes', 'local'], immutable: true },
  { name: 'save', type: 'string', default: '3600 1 300 100 60 10000' },
  { name: 'appendonly', type: 'bool', default: 'no' },
  // ---- introspection (slowlog, latency monitor, latency tracking) ----
  { name: 'slowlog-log-slower-than', type: 'int', default: '10000', min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER },
  { name: 'slowlog-max-len', type: 'int', default: '128', min: 0, max: Number.MAX_SAFE_INTEGER },
  { name: 'latency-monitor-threshold', type: 'int', default: '0', min: 0, max: Number.MAX_SAFE_INTEGER },
  { name: 'latency-tracking', type: 'bool', default: 'yes' },
  { name: 'latency-tracking-info-percentiles', type: 'string', default: '50 99 99.9', parse: parsePercentiles },
  // Collection encodings (lists and hashes); the *-ziplist-* names are Redis's old aliases.
  { name: 'list-max-listpack-size', aliases: ['list-max-ziplist-size'], type: 'int', default: '-2', min: -2147483648, max: 2147483647 },
  { name: 'list-compress-depth', type: 'int', default: '0', min: 0, max: 2147483647 },
  { name: 'hash-max-listpack-entries', aliases: ['hash-max-ziplist-entries'], type: 'int', default: '512', min: 0, max: Number.MAX_SAFE_INTEGER },
  { name: 'hash-max-listpack-value', aliases: ['hash-max-ziplist-value'], type: 'memory', default: '64', min: 0, max: Number.MAX_SAFE_INTEGER },
  // Pub/sub: keyspace notification classes; output limits per client class (a value names some
  // classes and the others keep theirs, so the parser sees the current value).
  { name: 'notify-keyspace-events', type: 'string', default: '', parse: parseKeyspaceEventsDirective, format: showKeyspaceEvents },
  { name: 'client-output-buffer-limit', type: 'special', default: DEFAULT_OUTPUT_LIMITS, parse: parseOutputLimitsDirective },
];

/** A space-separated list of percentiles, each a number in [0, 100]. */
function parsePercentiles(v: string): string | { error: string } {
  const parts = v.split(/\s+/).filter(Boolean);
  for (const p of parts) {
    const n = Number(p);
    if (!/^[0-9.eE+-]+$/.test(p) || !Number.isFinite(n) || n < 0 || n > 100) {
      return { error: 'latency-tracking-info-percentiles must be between 0.0 and 100.0' };
    }
  }
  return parts.join(' ');
}

const byName = new Map<string, Directive>();
for (const d of DIRECTIVES) {
  byName.set(d.name, d);
  for (const a of d.aliases ?? []) byName.set(a, d);
}

export function findDirective(name: string): Directive | undefined {
  return byName.get(name.toLowerCase());
}

/** Parses memory sizes as redis.conf does: 1k = 1000, 1kb = 1024, up to gb. */
export function parseMemory(s: string): number | null {
  const m = /^(-?\d+)(k|kb|m|mb|g|gb)?$/i.exec(s);
  if (!m) return null;
  const mul: Record<string, number> = { '': 1, k: 1e3, kb: 1024, m: 1e6, mb: 1024 ** 2, g: 1e9, gb: 1024 ** 3 };
  return Number(m[1]) * mul[(m[2] ?? '').toLowerCase()]!;
}

export class Config implements ConfigApi {
  private readonly values = new Map<string, Typed>();
  /** Called after a directive changed at runtime, to apply it (server wires this). */
  onChange: (name: string) => void = () => {};

  constructor() {
    for (const d of DIRECTIVES) {
      const v = this.convert(d, d.default);
      if (typeof v === 'object') throw new Error(`bad default for ${d.name}`);
      this.values.set(d.name, v);
    }
  }

  get(name: string): string | undefined {
    const d = findDirective(name);
    if (d === undefined) return undefined;
    return render(d, this.values.get(d.name)!);
  }

  num(name: string): number {
    const v = this.values.get(name);
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw new Error(`config ${name} is not numeric`);
  }

  bool(name: string): boolean {
    return this.values.get(name) === true;
  }

  str(name: string): string {
    return String(this.values.get(name) ?? '');
  }

  match(patterns: readonly string[]): [string, string][] {
    const out = new Map<string, string>();
    for (const p of patterns) {
      const exact = findDirective(p);
      if (exact !== undefined && !/[*?[]/.test(p)) {
        out.set(p.toLowerCase(), render(exact, this.values.get(exact.name)!));
        continue;
      }
      for (const d of DIRECTIVES) {
        if (d.hidden) continue;
        for (const n of [d.name, ...(d.aliases ?? [])]) {
          if (globMatch(p, n, true)) out.set(n, render(d, this.values.get(d.name)!));
        }
      }
    }
    return [...out];
  }

  /** Sets a directive during startup (config file, command line): immutable ones allowed. */
  load(name: string, value: string): string | null {
    const d = findDirective(name);
    if (d === undefined) return 'Bad directive or wrong number of arguments';
    const v = this.convert(d, value);
    if (typeof v === 'object') return v.error;
    this.values.set(d.name, v);
    return null;
  }

  set(pairs: readonly [string, string][]): string | null {
    const seen = new Set<string>();
    const planned: [Directive, Typed][] = [];
    for (const [name, value] of pairs) {
      const d = findDirective(name);
      if (d === undefined) return `ERR Unknown option or number of arguments for CONFIG SET - '${name}'`;
      if (seen.has(d.name)) return `ERR Duplicate parameter - '${name}'`;
      seen.add(d.name);
      if (d.immutable) return `ERR CONFIG SET failed (possibly related to argument '${name}') - can't set immutable config`;
      const v = this.convert(d, value);
      if (typeof v === 'object') return `ERR CONFIG SET failed (possibly related to argument '${name}') - ${v.error}`;
      planned.push([d, v]);
    }
    const old = planned.map(([d]) => this.values.get(d.name)!);
    try {
      for (const [d, v] of planned) {
        this.values.set(d.name, v);
        this.onChange(d.name);
      }
    } catch (e) {
      planned.forEach(([d], i) => this.values.set(d.name, old[i]!));
      return `ERR CONFIG SET failed - ${(e as Error).message}`;
    }
    return null;
  }

  rewrite(): string | null {
    return 'ERR The server is running without a config file';
  }

  private convert(d: Directive, value: string): Typed | { error: string } {
    if (d.parse) {
      const r = d.parse(value, this.values.has(d.name) ? String(this.values.get(d.name)) : undefined);
      if (typeof r === 'object') return r;
      value = r;
    }
    switch (d.type) {
      case 'bool': {
        const l = value.toLowerCase();
        if (l === 'yes') return true;
        if (l === 'no') return false;
        return { error: 'argument must be \'yes\' or \'no\'' };
      }
      case 'int':
      case 'memory': {
        const n = d.type === 'memory' ? parseMemory(value) : /^-?\d+$/.test(value) ? Number(value) : null;
        if (n === null) return { error: d.type === 'memory' ? 'argument must be a memory value' : "argument couldn't be parsed into an integer" };
        if ((d.min !== undefined && n < d.min) || (d.max !== undefined && n > d.max)) {
          return { error: `argument must be between ${d.min} and ${d.max} inclusive` };
        }
        return n;
      }
      case 'enum': {
        const l = value.toLowerCase();
        if (!d.values!.includes(l)) return { error: `argument(s) must be one of the following: ${d.values!.join(', ')}` };
        return l;
      }
      default:
        return value;
    }
  }
}

function render(d: Directive, v: Typed): string {
  if (d.format !== undefined) return d.format(String(v));
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  return String(v);
}
