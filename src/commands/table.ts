// The one command table. Each command is declared once, next to its handler, with arity, flags,
// key specs, ACL categories and subcommands; COMMAND, ACL, cluster routing and every dispatcher
// gate read this table and nothing else.

import type { Ctx } from '../exec/context.js';
import type { HdrHistogram } from '../util/hdr-histogram.js';

export type CommandFlag =
  | 'write' | 'readonly' | 'denyoom' | 'module' | 'admin' | 'pubsub' | 'noscript' | 'blocking'
  | 'loading' | 'stale' | 'skip_monitor' | 'skip_slowlog' | 'asking' | 'fast' | 'no_auth'
  | 'may_replicate' | 'no_mandatory_keys' | 'protected' | 'no_async_loading' | 'no_multi'
  | 'movablekeys' | 'allow_busy' | 'touches_arbitrary_keys';

export type KeySpecFlag =
  | 'RW' | 'RO' | 'OW' | 'RM' | 'access' | 'update' | 'insert' | 'delete' | 'not_key'
  | 'incomplete' | 'variable_flags';

export type BeginSearch = { index: number } | { keyword: string; startFrom: number } | { unknown: true };
export type FindKeys =
  | { lastKey: number; step: number; limit: number }
  | { keyNumIndex: number; firstKey: number; step: number }
  | { unknown: true };

/** One key found in an argv: its index and how the command uses it. */
export interface KeyRef {
  pos: number;
  flags: readonly KeySpecFlag[];
}

export interface KeySpec {
  flags: KeySpecFlag[];
  begin: BeginSearch;
  find: FindKeys;
  notes?: string;
}

export type Group =
  | 'string' | 'list' | 'hash' | 'set' | 'sorted-set' | 'generic' | 'connection' | 'server'
  | 'transactions' | 'pubsub' | 'scripting' | 'cluster' | 'stream' | 'bitmap' | 'hyperloglog'
  | 'geo' | 'sentinel';

export interface CommandDoc {
  summary: string;
  since: string;
  complexity?: string;
  docFlags?: ('deprecated' | 'syscmd')[];
  replacedBy?: string;
  deprecatedSince?: string;
  history?: [string, string][];
  arguments?: ArgDoc[];
}

export interface ArgDoc {
  name: string;
  type: 'string' | 'integer' | 'double' | 'key' | 'pattern' | 'unix-time' | 'pure-token' | 'oneof' | 'block';
  token?: string;
  keySpecIndex?: number;
  optional?: boolean;
  multiple?: boolean;
  multipleToken?: boolean;
  since?: string;
  displayText?: string;
  summary?: string;
  deprecatedSince?: string;
  arguments?: ArgDoc[];
}

export interface CommandSpec {
  /** Lowercase name; for a subcommand just the subcommand's own name. */
  name: string;
  /** Redis's arity: N exact, -N at least N (the command name counts). */
  arity: number;
  flags: CommandFlag[];
  keySpecs?: KeySpec[];
  /** Categories beyond those derived from group and flags (see aclCategories). */
  acl?: string[];
  /** Categories derived but that Redis does not list for this command. */
  aclRemove?: string[];
  tips?: string[];
  doc?: CommandDoc;
  /**
   * Finds the keys of an argv where the key specs cannot (unknown, incomplete or variable-flags
   * specs), as Redis's getkeys procs do: positions, or KeyRefs when the flags differ per key (a
   * bare position takes the flags of the command's only key spec). An empty result means "no
   * keys / invalid arguments". See commands/keys.ts.
   */
  getKeys?: (argv: readonly string[]) => readonly (number | KeyRef)[];
  run?: (ctx: Ctx) => void;
  subcommands?: CommandSpec[];
}

/** A registered command: its spec plus what the table derives once. */
export interface Command {
  readonly spec: CommandSpec;
  readonly name: string;
  /** 'get' or 'config|get', as Redis names it in errors, COMMAND and stats. */
  readonly fullName: string;
  readonly group: Group;
  readonly flags: ReadonlySet<CommandFlag>;
  readonly acl: readonly string[];
  readonly parent: Command | null;
  readonly subcommands: Map<string, Command> | null;
  readonly isWrite: boolean;
  readonly stats: CommandStats;
  readonly keySpecs: readonly KeySpec[];
  /** The legacy key triple COMMAND INFO reports (derived from the key specs). */
  readonly firstKey: number;
  readonly lastKey: number;
  readonly keyStep: number;
  /** COMMAND INFO's flags, in Redis's order, movablekeys derived. */
  readonly shownFlags: readonly string[];
  /** Flags read after every command, precomputed so call() and afterCall test a field. */
  readonly isFast: boolean;
  readonly skipSlowlog: boolean;
  /** skip_monitor or admin: MONITOR does not show the command. */
  readonly hiddenFromMonitor: boolean;
  readonly touchesArbitraryKeys: boolean;
  /** 'protected' (DEBUG, MODULE): checked by a gate on every command, so a field too. */
  readonly isProtected: boolean;
}

export interface CommandStats {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
  /** Latency-tracking histogram (ns), created on the first tracked call; null after a reset. */
  histogram: HdrHistogram | null;
}

export interface Family {
  group: Group;
  specs: CommandSpec[];
}

export function defineFamily(group: Group, specs: CommandSpec[]): Family {
  return { group, specs };
}

// ---- key spec shorthands ----

/** One key at a fixed index. */
export function keyAt(index: number, ...flags: KeySpecFlag[]): KeySpec {
  return { flags, begin: { index }, find: { lastKey: 0, step: 1, limit: 0 } };
}

/** Keys from `index` to `lastKey` (negative counts from the end), every `step`. */
export function keyRange(index: number, lastKey: number, step: number, ...flags: KeySpecFlag[]): KeySpec {
  return { flags, begin: { index }, find: { lastKey, step, limit: 0 } };
}

/** A count argument at `index`, followed by that many keys. */
export function keyNum(index: number, ...flags: KeySpecFlag[]): KeySpec {
  return { flags, begin: { index }, find: { keyNumIndex: 0, firstKey: 1, step: 1 } };
}

// ---- ACL categories ----

/** Every ACL category, in the order Redis lists them (COMMAND INFO, ACL CAT). */
export const ACL_CATEGORIES = [
  'keyspace', 'read', 'write', 'set', 'sortedset', 'list', 'hash', 'string', 'bitmap', 'hyperloglog',
  'geo', 'stream', 'pubsub', 'admin', 'fast', 'slow', 'blocking', 'dangerous', 'connection',
  'transaction', 'scripting',
] as const;

const GROUP_CATEGORY: Partial<Record<Group, string>> = {
  string: 'string', list: 'list', hash: 'hash', set: 'set', 'sorted-set': 'sortedset',
  generic: 'keyspace', connection: 'connection', transactions: 'transaction', pubsub: 'pubsub',
  scripting: 'scripting', stream: 'stream', bitmap: 'bitmap', hyperloglog: 'hyperloglog', geo: 'geo',
};

/**
 * Redis's categories for a command, without the '@', in Redis's order. Redis declares the data
 * category per command and adds the rest from the flags; here the data category follows from the
 * group (containers such as CLIENT or XINFO get none: only their subcommands do), the flags add
 * write/read/admin+dangerous/pubsub/fast/blocking, and whatever is not fast is slow. Scripting
 * commands never get @read. spec.acl and spec.aclRemove spell out the per-command exceptions.
 */
export function aclCategories(spec: CommandSpec, group: Group): string[] {
  const f = spec.flags;
  const cats = new Set<string>();
  const g = GROUP_CATEGORY[group];
  if (g !== undefined && spec.subcommands === undefined) cats.add(g);
  for (const c of spec.acl ?? []) cats.add(c.startsWith('@') ? c.slice(1) : c);
  if (f.includes('write')) cats.add('write');
  if (f.includes('readonly') && !cats.has('scripting')) cats.add('read');
  if (f.includes('admin')) cats.add('admin').add('dangerous');
  if (f.includes('pubsub')) cats.add('pubsub');
  if (f.includes('fast')) cats.add('fast');
  if (f.includes('blocking')) cats.add('blocking');
  if (!cats.has('fast')) cats.add('slow');
  for (const c of spec.aclRemove ?? []) cats.delete(c.startsWith('@') ? c.slice(1) : c);
  return ACL_CATEGORIES.filter((c) => cats.has(c));
}

// ---- what COMMAND INFO reports, derived from the spec ----

/** Command flags COMMAND INFO shows, in Redis's order; the others are internal and hidden. */
const SHOWN_FLAGS: readonly CommandFlag[] = [
  'write', 'readonly', 'denyoom', 'module', 'admin', 'pubsub', 'noscript', 'blocking', 'loading',
  'stale', 'skip_monitor', 'skip_slowlog', 'asking', 'fast', 'no_auth', 'no_mandatory_keys',
  'no_async_loading', 'no_multi', 'movablekeys', 'allow_busy',
];

/** Key spec flags in the order Redis prints them. */
export const KEY_SPEC_FLAGS: readonly KeySpecFlag[] = [
  'RO', 'RW', 'OW', 'RM', 'access', 'update', 'insert', 'delete', 'not_key', 'incomplete', 'variable_flags',
];

/** The flags COMMAND INFO prints for a command (given the derived movablekeys). */
export function shownFlags(flags: ReadonlySet<CommandFlag>): string[] {
  return SHOWN_FLAGS.filter((f) => flags.has(f));
}

/** The legacy (first key, last key, step) triple and the movablekeys flag. */
export interface LegacyKeys {
  first: number;
  /** Absolute index of the last key, or negative counting from the end. */
  last: number;
  step: number;
  movable: boolean;
}

const isPlainRange = (s: KeySpec): s is KeySpec & { begin: { index: number }; find: { lastKey: number; step: number } } =>
  'index' in s.begin && 'lastKey' in s.find;

/**
 * Derives the legacy key range from the key specs as Redis 7.2 does: one plain range spec is
 * used as is; otherwise consecutive step-1 range specs are glued together. Anything the legacy
 * triple cannot describe (keyword or keynum specs, unknown specs, steps other than 1, gaps,
 * incomplete specs) makes the command "movablekeys". (7.0 gave up with 0,0,0 in some of these
 * cases; for every Redis command both versions agree.)
 */
export function legacyKeys(specs: readonly KeySpec[]): LegacyKeys {
  if (specs.length === 0) return { first: 0, last: 0, step: 0, movable: false };
  const only = specs[0]!;
  if (specs.length === 1 && isPlainRange(only)) {
    const first = only.begin.index;
    const rel = only.find.lastKey;
    return { first, last: rel >= 0 ? first + rel : rel, step: only.find.step, movable: only.flags.includes('incomplete') };
  }
  let movable = false;
  let first = Infinity;
  let last = 0;
  let prevLast = 0;
  for (const s of specs) {
    if (!isPlainRange(s)) {
      movable = true;
      continue;
    }
    const pos = s.begin.index;
    if (s.find.step !== 1 || (prevLast !== 0 && prevLast !== pos - 1)) {
      movable = true;
      continue;
    }
    if (s.flags.includes('incomplete')) movable = true;
    first = Math.min(first, pos);
    const abs = s.find.lastKey >= 0 ? s.find.lastKey + pos : s.find.lastKey;
    // Redis compares as unsigned: a negative (open-ended) last key beats any absolute one.
    if (abs >>> 0 > last >>> 0) last = abs;
    prevLast = last;
  }
  if (first === Infinity) return { first: 0, last: 0, step: 0, movable: true };
  return { first, last, step: 1, movable };
}

// ---- the table ----

export class CommandTable {
  private readonly byName = new Map<string, Command>();
  /** The same commands by their uppercase names: clients mostly send 'GET', and a second map
   * spares a toLowerCase and a failed lookup per command. */
  private readonly byUpperName = new Map<string, Command>();

  constructor(families: readonly Family[]) {
    for (const fam of families) for (const spec of fam.specs) this.register(spec, fam.group, null);
  }

  private register(spec: CommandSpec, group: Group, parent: Command | null): Command {
    const fullName = parent ? `${parent.name}|${spec.name}` : spec.name;
    const subs = spec.subcommands ? new Map<string, Command>() : null;
    const keySpecs = spec.keySpecs ?? [];
    const legacy = legacyKeys(keySpecs);
    // movablekeys is never declared: as in Redis 7.2 it follows from the key specs alone.
    const flags = new Set<CommandFlag>(spec.flags.filter((f) => f !== 'movablekeys'));
    if (legacy.movable) flags.add('movablekeys');
    const cmd: Command = {
      spec, name: spec.name, fullName, group, parent,
      flags,
      acl: aclCategories(spec, group),
      subcommands: subs,
      isWrite: spec.flags.includes('write'),
      stats: { calls: 0, usec: 0, rejected: 0, failed: 0, histogram: null },
      keySpecs,
      firstKey: legacy.first,
      lastKey: legacy.last,
      keyStep: legacy.step,
      shownFlags: shownFlags(flags),
      isFast: flags.has('fast'),
      skipSlowlog: flags.has('skip_slowlog'),
      hiddenFromMonitor: flags.has('skip_monitor') || flags.has('admin'),
      touchesArbitraryKeys: flags.has('touches_arbitrary_keys'),
      isProtected: flags.has('protected'),
    };
    if (parent === null) {
      if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} declared twice`);
      this.byName.set(spec.name, cmd);
      this.byUpperName.set(spec.name.toUpperCase(), cmd);
    }
    if (subs) for (const sub of spec.subcommands!) subs.set(sub.name, this.register(sub, group, cmd));
    return cmd;
  }

  /** rename-command: the command answers to `to` instead ('' removes it); false if unknown. */
  rename(from: string, to: string): boolean {
    const key = from.toLowerCase();
    const cmd = this.byName.get(key);
    if (cmd === undefined) return false;
    this.byName.delete(key);
    this.byUpperName.delete(key.toUpperCase());
    this.lastName = '';
    this.lastCmd = undefined;
    if (to !== '') {
      this.byName.set(to.toLowerCase(), cmd);
      this.byUpperName.set(to.toUpperCase(), cmd);
    }
    return true;
  }

  /** A top-level command by (any case) name. */
  get(name: string): Command | undefined {
    // Pipelines repeat a name, and the parser hands out the same string for it: one comparison.
    if (name === this.lastName) return this.lastCmd;
    const cmd = this.byUpperName.get(name) ?? this.byName.get(name) ?? this.byName.get(name.toLowerCase());
    if (cmd !== undefined) {
      this.lastName = name;
      this.lastCmd = cmd;
    }
    return cmd;
  }

  /** The last name get() found, and its command (cleared by rename). */
  private lastName = '';
  private lastCmd: Command | undefined = undefined;

  /**
   * A command by the name COMMAND INFO/DOCS and ACL take: 'get' or 'config|get' (any case).
   * As in Redis, 'config' alone is the container and a subcommand needs its container's name.
   */
  lookup(fullName: string): Command | undefined {
    const bar = fullName.indexOf('|');
    if (bar === -1) return this.get(fullName);
    if (fullName.indexOf('|', bar + 1) !== -1) return undefined;
    const top = this.get(fullName.slice(0, bar));
    return top?.subcommands?.get(fullName.slice(bar + 1).toLowerCase());
  }

  /** Every top-level command. */
  all(): IterableIterator<Command> {
    return this.byName.values();
  }

  get size(): number {
    return this.byName.size;
  }
}

/** Every command and subcommand, depth-first (COMMAND LIST, INFO commandstats). */
export function* flatten(cmds: Iterable<Command>): IterableIterator<Command> {
  for (const c of cmds) {
    yield c;
    if (c.subcommands) yield* c.subcommands.values();
  }
}
