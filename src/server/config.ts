// The runtime configuration of one server: typed values of every directive in config-table.ts,
// startup loading (config file, command line), CONFIG GET matching and atomic CONFIG SET with
// apply hooks and rollback. Subsystems react to changes through onApply hooks; nothing here
// touches sockets, files (but CONFIG REWRITE's, in config-rewrite.ts) or other servers' state.

import type { ConfigApi, ConfigSetContext, LogLevel } from '../exec/context.js';
import { Err } from '../resp/errors.js';
import { globMatch } from '../util/glob.js';
import { DIRECTIVES, directiveNames, findDirective, type Directive } from './config-table.js';
import { parseValue, type Parsed, type Typed } from './config-types.js';
import { rewriteConfigFile } from './config-rewrite.js';

export { DIRECTIVES, findDirective } from './config-table.js';
export type { Directive, DirectiveType } from './config-table.js';
export { parseMemory } from './config-types.js';

/** Called after directives changed at runtime; returns an error message to roll the change back. */
export type ApplyHook = (names: readonly string[]) => string | null | void;

/** hz is a hint: Redis accepts any value and clamps it to this range. */
const HZ_MIN = 1;
const HZ_MAX = 500;

export class Config implements ConfigApi {
  private readonly values = new Map<string, Parsed>();
  private readonly hooks = new Map<string, ApplyHook[]>();
  /** Absolute path of the config file the server was started with (CONFIG REWRITE's target). */
  configFile: string | null = null;
  /** rename-command lines of the config file, applied to the command table at startup. */
  readonly renames: [string, string][] = [];
  /** Set once a `save` line was read at startup: further `save` lines add points. */
  private savedInFile = false;
  /** Where the config logs what Redis logs from config code (the server wires its logger). */
  log: (level: LogLevel, message: string) => void = () => {};
  /** Base for relative paths in `dir` (the CLI chdirs; embedded servers keep their own). */
  cwd: string;

  constructor(cwd: string = process.cwd()) {
    this.cwd = cwd;
    for (const d of DIRECTIVES) {
      const text = d.name === 'dir' ? cwd : defaultText(d);
      const parsed = d.type === 'special' ? { value: text, text } : parseValue(d, [text], this.ctxFor(d, false));
      if ('error' in parsed) throw new Error(`bad default for ${d.name}: ${parsed.error}`);
      this.values.set(d.name, parsed);
    }
  }

  // ---- reading ----

  /** The CONFIG GET rendering of a directive (any name or alias), or undefined if unknown. */
  get(name: string): string | undefined {
    const d = findDirective(name);
    return d === undefined ? undefined : this.values.get(d.name)!.text;
  }

  /** A numeric directive (memory in bytes, percent configs negative, bools as 0/1). */
  num(name: string): number {
    const v = this.values.get(name)?.value ?? this.typedByAnyName(name);
    if (typeof v === 'number') return v;
    if (typeof v === 'boolean') return v ? 1 : 0;
    throw new Error(`config ${name} is not numeric`);
  }

  bool(name: string): boolean {
    return (this.values.get(name)?.value ?? this.typedByAnyName(name)) === true;
  }

  str(name: string): string {
    return this.get(name) ?? '';
  }

  /** The stored value as text, where it differs from what CONFIG GET prints (e.g. an 'n' behind 'A'). */
  stored(name: string): string {
    const v = this.typedByAnyName(name);
    return v === undefined ? '' : String(v);
  }

  private typedByAnyName(name: string): Typed | undefined {
    const d = findDirective(name);
    if (d === undefined) throw new Error(`unknown config ${name}`);
    return this.values.get(d.name)!.value;
  }

  /** True when a directive still has its default value (CONFIG REWRITE drops those). */
  isDefault(d: Directive): boolean {
    return this.values.get(d.name)!.text === defaultText(d);
  }

  /** CONFIG GET: every directive matching one of the patterns, each name once. */
  match(patterns: readonly string[]): [string, string][] {
    const out = new Map<string, string>();
    for (const p of patterns) {
      if (!/[*?[]/.test(p)) {
        // An exact name also reaches hidden directives, and is echoed as the client spelled it.
        const d = findDirective(p);
        if (d !== undefined && !out.has(p)) out.set(p, this.values.get(d.name)!.text);
        continue;
      }
      for (const [n, d] of directiveNames()) {
        if (d.hidden || out.has(n)) continue;
        if (globMatch(p, n, true)) out.set(n, this.values.get(d.name)!.text);
      }
    }
    return [...out];
  }

  // ---- startup ----

  /**
   * Sets a directive while loading (config file or command line): immutable ones allowed.
   * `args` are the line's arguments after the directive name. Returns an error text or null.
   */
  load(name: string, args: readonly string[] | string): string | null {
    const d = findDirective(name);
    if (d === undefined) return 'Bad directive or wrong number of arguments';
    const a = typeof args === 'string' ? (d.multiArg ? splitValue(args) : [args]) : args;
    const r = parseValue(d, a, this.ctxFor(d, true));
    if ('error' in r) return r.error;
    if (d.name === 'save') this.savedInFile = true;
    this.values.set(d.name, this.normalize(d, r));
    return null;
  }

  /** Marks the end of startup loading: later `save` lines replace instead of appending. */
  loadingDone(): void {
    this.savedInFile = false;
  }

  // ---- runtime ----

  /** Registers a hook run after any of `names` changed through CONFIG SET. */
  onApply(names: readonly string[], hook: ApplyHook): void {
    for (const n of names) {
      const d = findDirective(n);
      if (d === undefined) throw new Error(`onApply: unknown config ${n}`);
      const list = this.hooks.get(d.name) ?? [];
      list.push(hook);
      this.hooks.set(d.name, list);
    }
  }

  /**
   * CONFIG SET of several pairs, all or nothing: every name is checked first, then every value
   * parsed, then the apply hooks run once each; a failing hook restores every old value and
   * re-runs the hooks. Returns the full error reply text, or null on success.
   */
  set(pairs: readonly [string, string][], context: ConfigSetContext = { local: true }): string | null {
    const planned: Directive[] = [];
    for (const [name] of pairs) {
      const d = findDirective(name);
      if (d === undefined) return Err.configSetUnknown(name).text;
      if (d.immutable) return failed(name, "can't set immutable config");
      if (d.protected && !this.allows('enable-protected-configs', context.local)) return failed(name, "can't set protected config");
      if (planned.includes(d)) return failed(name, 'duplicate parameter');
      planned.push(d);
    }
    const old = planned.map((d) => this.values.get(d.name)!);
    const changed: Directive[] = [];
    for (let i = 0; i < planned.length; i++) {
      const d = planned[i]!;
      const r = parseValue(d, d.multiArg ? splitValue(pairs[i]![1]) : [pairs[i]![1]], this.ctxFor(d, false));
      if ('error' in r) {
        planned.forEach((p, j) => this.values.set(p.name, old[j]!));
        return failed(d.name, r.error);
      }
      const v = this.normalize(d, r);
      // Compared by stored value: a change CONFIG GET cannot show (an 'n' behind 'A') still applies.
      if (v.text !== old[i]!.text || v.value !== old[i]!.value) changed.push(d);
      this.values.set(d.name, v);
    }
    const hooks = this.hooksFor(changed);
    for (const [hook, names] of hooks) {
      let e: string | null | void;
      try {
        e = hook(names);
      } catch (x) {
        e = x instanceof Error ? x.message : String(x);
      }
      if (typeof e === 'string') {
        planned.forEach((p, j) => this.values.set(p.name, old[j]!));
        for (const [h, n] of hooks) {
          try { h(n); } catch { /* restoring: nothing more can be done */ }
        }
        return failed(names[0]!, e);
      }
    }
    return null;
  }

  /** Whether a protected action (enable-protected-configs / -debug- / -module-command) is allowed. */
  allows(directive: string, local: boolean): boolean {
    const v = this.str(directive);
    return v === 'yes' || (v === 'local' && local);
  }

  /** CONFIG REWRITE: the error reply text, or null once the file was replaced. */
  rewrite(): string | null {
    if (this.configFile === null) return Err.noConfigFile().text;
    const e = rewriteConfigFile(this, this.configFile);
    if (e !== null) {
      this.log('warning', `CONFIG REWRITE failed: ${e}`);
      return Err.rewriteFailed(e).text;
    }
    this.log('warning', 'CONFIG REWRITE executed with success.');
    return null;
  }

  /** The rendered value by primary name (config-rewrite.ts). */
  textOf(d: Directive): string {
    return this.values.get(d.name)!.text;
  }

  private hooksFor(changed: readonly Directive[]): Map<ApplyHook, string[]> {
    const out = new Map<ApplyHook, string[]>();
    for (const d of changed) {
      for (const h of this.hooks.get(d.name) ?? []) {
        const list = out.get(h) ?? [];
        list.push(d.name);
        out.set(h, list);
      }
    }
    return out;
  }

  private ctxFor(d: Directive, loading: boolean) {
    return {
      previous: this.values.get(d.name)?.text ?? '',
      appendSave: loading && this.savedInFile,
      cwd: this.cwd,
    };
  }

  private normalize(d: Directive, r: Parsed): Parsed {
    if (d.name === 'hz') {
      const n = Math.min(HZ_MAX, Math.max(HZ_MIN, r.value as number));
      return { value: n, text: String(n) };
    }
    return r;
  }
}

/** CONFIG SET splits a multi-argument value on single spaces, as Redis does ("" → nothing). */
function splitValue(v: string): string[] {
  return v === '' ? [] : v.split(' ');
}

function failed(name: string, why: string): string {
  return Err.configSetFailed(name, why).text;
}

/** The CONFIG GET rendering of a directive's default (table defaults are already canonical). */
function defaultText(d: Directive): string {
  return d.name === 'dir' ? '' : d.default;
}
