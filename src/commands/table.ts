// The one command table. Each command is declared once, next to its handler, with arity, flags,
// key specs, ACL categories and subcommands; COMMAND, ACL, cluster routing and every dispatcher
// gate read this table and nothing else.

import type { Ctx } from '../exec/context.js';

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
  /** Key positions for commands whose keys a key spec cannot describe (movablekeys). */
  getKeys?: (argv: readonly string[]) => number[];
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
}

export interface CommandStats {
  calls: number;
  usec: number;
  rejected: number;
  failed: number;
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

const GROUP_CATEGORY: Partial<Record<Group, string>> = {
  string: 'string', list: 'list', hash: 'hash', set: 'set', 'sorted-set': 'sortedset',
  generic: 'keyspace', connection: 'connection', transactions: 'transaction', pubsub: 'pubsub',
  scripting: 'scripting', stream: 'stream', bitmap: 'bitmap', hyperloglog: 'hyperloglog', geo: 'geo',
};

/** Redis's categories: from flags (write/read/admin/fast/...) and the command's group. */
export function aclCategories(spec: CommandSpec, group: Group): string[] {
  const f = new Set(spec.flags);
  const cats: string[] = [];
  if (f.has('write')) cats.push('write');
  if (f.has('readonly') && group !== 'scripting') cats.push('read');
  const g = GROUP_CATEGORY[group];
  if (g !== undefined && !(g === 'keyspace' && (spec.keySpecs ?? []).length === 0 && !f.has('write') && !f.has('readonly'))) cats.push(g);
  if (f.has('admin')) cats.push('admin', 'dangerous');
  if (f.has('pubsub') && g !== 'pubsub') cats.push('pubsub');
  cats.push(f.has('fast') ? 'fast' : 'slow');
  if (f.has('blocking')) cats.push('blocking');
  for (const c of spec.acl ?? []) if (!cats.includes(c)) cats.push(c);
  const remove = new Set(spec.aclRemove ?? []);
  return cats.filter((c) => !remove.has(c));
}

// ---- the table ----

export class CommandTable {
  private readonly byName = new Map<string, Command>();

  constructor(families: readonly Family[]) {
    for (const fam of families) for (const spec of fam.specs) this.register(spec, fam.group, null);
  }

  private register(spec: CommandSpec, group: Group, parent: Command | null): Command {
    const fullName = parent ? `${parent.name}|${spec.name}` : spec.name;
    const subs = spec.subcommands ? new Map<string, Command>() : null;
    const cmd: Command = {
      spec, name: spec.name, fullName, group, parent,
      flags: new Set(spec.flags),
      acl: aclCategories(spec, group),
      subcommands: subs,
      isWrite: spec.flags.includes('write'),
      stats: { calls: 0, usec: 0, rejected: 0, failed: 0 },
    };
    if (parent === null) {
      if (this.byName.has(spec.name)) throw new Error(`command ${spec.name} declared twice`);
      this.byName.set(spec.name, cmd);
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
    if (to !== '') this.byName.set(to.toLowerCase(), cmd);
    return true;
  }

  /** A top-level command by (any case) name. */
  get(name: string): Command | undefined {
    return this.byName.get(name) ?? this.byName.get(name.toLowerCase());
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
