// The COMMAND family: COMMAND, COUNT, INFO, DOCS, LIST [FILTERBY ...], GETKEYS, GETKEYSANDFLAGS
// and HELP. Everything it prints is read from the one command table (commands/table.ts) and the
// key extraction in commands/keys.ts; nothing here describes a command by hand or keeps state.

import type { Ctx } from '../../exec/context.js';
import { replyHelp } from './help.js';
import { Err } from '../../resp/errors.js';
import type { Reply } from '../../resp/reply.js';
import { globMatch } from '../../util/glob.js';
import { commandKeys, hasKeys } from '../keys.js';
import {
  ACL_CATEGORIES, KEY_SPEC_FLAGS, defineFamily, flatten,
  type ArgDoc, type Command, type CommandSpec, type KeySpec,
} from '../table.js';

// Every COMMAND subcommand: loading+stale, and Redis files them under @connection too.
const META_FLAGS: CommandSpec['flags'] = ['loading', 'stale'];
const META_ACL = ['connection'];
const ANY_ORDER = ['nondeterministic_output_order'];

export const commandFamily = defineFamily('server', [
  {
    name: 'command', arity: -1, flags: META_FLAGS, acl: META_ACL, tips: ANY_ORDER, run: commandAll,
    doc: {
      summary: 'Describes every command the server knows: arity, flags, keys and categories.',
      since: '2.8.13', complexity: 'O(N), N being the number of commands.',
    },
    subcommands: [
      {
        name: 'count', arity: 2, flags: META_FLAGS, acl: META_ACL, run: (ctx) => ctx.reply.integer(ctx.server.table.size),
        doc: { summary: 'Counts the commands the server knows.', since: '2.8.13', complexity: 'O(1)' },
      },
      {
        name: 'docs', arity: -2, flags: META_FLAGS, acl: META_ACL, tips: ANY_ORDER, run: commandDocs,
        doc: {
          summary: 'Describes commands for people: summary, version, arguments, history.',
          since: '7.0.0', complexity: 'O(N), N being the number of commands described.',
          arguments: [{ name: 'command-name', type: 'string', optional: true, multiple: true }],
        },
      },
      {
        name: 'getkeys', arity: -4, flags: META_FLAGS, acl: META_ACL, run: (ctx) => getKeysReply(ctx, false),
        doc: {
          summary: 'Lists the keys a complete command line would touch.',
          since: '2.8.13', complexity: 'O(N), N being the number of arguments.',
          arguments: getKeysArgs(),
        },
      },
      {
        name: 'getkeysandflags', arity: -4, flags: META_FLAGS, acl: META_ACL, run: (ctx) => getKeysReply(ctx, true),
        doc: {
          summary: 'Lists the keys a complete command line would touch, each with how it is used.',
          since: '7.0.0', complexity: 'O(N), N being the number of arguments.',
          arguments: getKeysArgs(),
        },
      },
      {
        name: 'help', arity: 2, flags: META_FLAGS, acl: META_ACL, run: commandHelp,
        doc: { summary: 'Explains the COMMAND subcommands.', since: '5.0.0', complexity: 'O(1)' },
      },
      {
        name: 'info', arity: -2, flags: META_FLAGS, acl: META_ACL, tips: ANY_ORDER, run: commandInfo,
        doc: {
          summary: 'Describes the named commands (or all of them) for clients: arity, flags, keys.',
          since: '2.8.13', complexity: 'O(N), N being the number of commands described.',
          history: [['7.0.0', 'Every command is described when no name is given.']],
          arguments: [{ name: 'command-name', type: 'string', optional: true, multiple: true }],
        },
      },
      {
        name: 'list', arity: -2, flags: META_FLAGS, acl: META_ACL, tips: ANY_ORDER, run: commandList,
        doc: {
          summary: 'Names every command and subcommand, optionally filtered.',
          since: '7.0.0', complexity: 'O(N), N being the number of commands.',
          arguments: [{
            name: 'filterby', type: 'oneof', token: 'FILTERBY', optional: true, arguments: [
              { name: 'module-name', type: 'string', token: 'MODULE' },
              { name: 'category', type: 'string', token: 'ACLCAT' },
              { name: 'pattern', type: 'pattern', token: 'PATTERN' },
            ],
          }],
        },
      },
    ],
  },
]);

function getKeysArgs(): ArgDoc[] {
  return [
    { name: 'command', type: 'string' },
    { name: 'arg', type: 'string', optional: true, multiple: true },
  ];
}

// ---- handlers ----

function commandAll(ctx: Ctx): void {
  const table = ctx.server.table;
  ctx.reply.array(table.size);
  for (const cmd of table.all()) replyInfo(ctx.reply, cmd);
}

function commandInfo(ctx: Ctx): void {
  if (ctx.argc === 2) return commandAll(ctx);
  const table = ctx.server.table;
  ctx.reply.array(ctx.argc - 2);
  for (let i = 2; i < ctx.argc; i++) replyInfo(ctx.reply, table.lookup(ctx.arg(i)));
}

function commandDocs(ctx: Ctx): void {
  const table = ctx.server.table;
  const reply = ctx.reply;
  if (ctx.argc === 2) {
    reply.map(table.size);
    for (const cmd of table.all()) {
      reply.bulk(cmd.fullName);
      replyDocs(reply, cmd);
    }
    return;
  }
  // Unknown names are left out rather than answered with a null.
  const found: Command[] = [];
  for (let i = 2; i < ctx.argc; i++) {
    const cmd = table.lookup(ctx.arg(i));
    if (cmd !== undefined) found.push(cmd);
  }
  reply.map(found.length);
  for (const cmd of found) {
    reply.bulk(cmd.fullName);
    replyDocs(reply, cmd);
  }
}

type ListFilter = (cmd: Command) => boolean;

function commandList(ctx: Ctx): void {
  let filter: ListFilter | null = null;
  // One FILTERBY clause, and it must be the last three arguments (as in Redis).
  for (let i = 2; i < ctx.argc; i += 3) {
    if (!ctx.is(i, 'FILTERBY') || ctx.argc - 1 - i !== 2) throw Err.syntax();
    const arg = ctx.arg(i + 2);
    if (ctx.is(i + 1, 'MODULE')) {
      filter = () => false; // no modules can be loaded: nothing belongs to one
    } else if (ctx.is(i + 1, 'ACLCAT')) {
      const cat = arg.toLowerCase();
      const known = (ACL_CATEGORIES as readonly string[]).includes(cat);
      filter = (cmd) => known && cmd.acl.includes(cat);
    } else if (ctx.is(i + 1, 'PATTERN')) {
      filter = (cmd) => globMatch(arg, cmd.fullName, true);
    } else {
      throw Err.syntax();
    }
  }
  const names: string[] = [];
  for (const cmd of flatten(ctx.server.table.all())) if (filter === null || filter(cmd)) names.push(cmd.fullName);
  ctx.reply.bulkArray(names);
}

function getKeysReply(ctx: Ctx, withFlags: boolean): void {
  const argv = ctx.argv.slice(2);
  const table = ctx.server.table;
  const top = table.get(argv[0]!);
  let cmd = top;
  if (top?.subcommands && argv.length > 1) cmd = top.subcommands.get(argv[1]!.toLowerCase());
  if (cmd === undefined) throw Err.getKeysInvalidCommand();
  if (!hasKeys(cmd)) throw Err.getKeysNoKeys();
  const arity = cmd.spec.arity;
  if ((arity > 0 && argv.length !== arity) || argv.length < -arity) throw Err.getKeysBadArity();
  const keys = commandKeys(cmd, argv);
  const reply = ctx.reply;
  if (keys.length === 0) {
    if (!cmd.flags.has('no_mandatory_keys')) throw Err.getKeysBadArguments();
    reply.array(0);
    return;
  }
  reply.array(keys.length);
  for (const k of keys) {
    if (!withFlags) {
      reply.bulk(argv[k.pos]!);
      continue;
    }
    reply.array(2);
    reply.bulk(argv[k.pos]!);
    replyKeySpecFlags(reply, k.flags);
  }
}

const HELP_LINES = [
  '(no subcommand)',
  '    Describe every command: name, arity, flags, keys, ACL categories, tips, subcommands.',
  'COUNT',
  '    Number of commands (subcommands not counted).',
  'LIST [FILTERBY (MODULE <module-name>|ACLCAT <category>|PATTERN <pattern>)]',
  '    Names of all commands and subcommands, or of those matching the filter.',
  'INFO [<command-name> ...]',
  '    Like COMMAND, for the named commands only (all of them when none is named).',
  'DOCS [<command-name> ...]',
  '    Documentation of the named commands (all of them when none is named).',
  'GETKEYS <full-command>',
  '    The keys a complete command line refers to.',
  'GETKEYSANDFLAGS <full-command>',
  '    The keys a complete command line refers to, each with its access flags.',
];

function commandHelp(ctx: Ctx): void {
  replyHelp(ctx, 'COMMAND', HELP_LINES);
}

// ---- COMMAND INFO entries ----

/** One COMMAND INFO entry (null for an unknown name), in Redis 7's shape. */
export function replyInfo(reply: Reply, cmd: Command | undefined): void {
  if (cmd === undefined) {
    reply.null();
    return;
  }
  reply.array(10);
  reply.bulk(cmd.fullName);
  reply.integer(cmd.spec.arity);
  reply.set(cmd.shownFlags.length);
  for (const f of cmd.shownFlags) reply.simple(f);
  reply.integer(cmd.firstKey);
  reply.integer(cmd.lastKey);
  reply.integer(cmd.keyStep);
  reply.set(cmd.acl.length);
  for (const c of cmd.acl) reply.simple('@' + c);
  const tips = cmd.spec.tips ?? [];
  reply.set(tips.length);
  for (const t of tips) reply.bulk(t);
  reply.set(cmd.keySpecs.length);
  for (const ks of cmd.keySpecs) replyKeySpec(reply, ks);
  if (cmd.subcommands === null) {
    reply.set(0); // Redis answers an empty set, not an empty array, when there are none
  } else {
    reply.array(cmd.subcommands.size);
    for (const sub of cmd.subcommands.values()) replyInfo(reply, sub);
  }
}

function replyKeySpecFlags(reply: Reply, flags: readonly string[]): void {
  const shown = KEY_SPEC_FLAGS.filter((f) => flags.includes(f));
  reply.set(shown.length);
  for (const f of shown) reply.simple(f);
}

function replyKeySpec(reply: Reply, ks: KeySpec): void {
  reply.map(ks.notes !== undefined ? 4 : 3);
  if (ks.notes !== undefined) {
    reply.bulk('notes');
    reply.bulk(ks.notes);
  }
  reply.bulk('flags');
  replyKeySpecFlags(reply, ks.flags);

  reply.bulk('begin_search');
  reply.map(2);
  reply.bulk('type');
  const b = ks.begin;
  if ('index' in b) {
    reply.bulk('index');
    reply.bulk('spec');
    reply.map(1);
    reply.bulk('index');
    reply.integer(b.index);
  } else if ('keyword' in b) {
    reply.bulk('keyword');
    reply.bulk('spec');
    reply.map(2);
    reply.bulk('keyword');
    reply.bulk(b.keyword);
    reply.bulk('startfrom');
    reply.integer(b.startFrom);
  } else {
    reply.bulk('unknown');
    reply.bulk('spec');
    reply.map(0);
  }

  reply.bulk('find_keys');
  reply.map(2);
  reply.bulk('type');
  const f = ks.find;
  if ('lastKey' in f) {
    reply.bulk('range');
    reply.bulk('spec');
    reply.map(3);
    reply.bulk('lastkey');
    reply.integer(f.lastKey);
    reply.bulk('keystep');
    reply.integer(f.step);
    reply.bulk('limit');
    reply.integer(f.limit);
  } else if ('keyNumIndex' in f) {
    reply.bulk('keynum');
    reply.bulk('spec');
    reply.map(3);
    reply.bulk('keynumidx');
    reply.integer(f.keyNumIndex);
    reply.bulk('firstkey');
    reply.integer(f.firstKey);
    reply.bulk('keystep');
    reply.integer(f.step);
  } else {
    reply.bulk('unknown');
    reply.bulk('spec');
    reply.map(0);
  }
}

// ---- COMMAND DOCS entries ----

/**
 * One COMMAND DOCS map. A command declared without a doc still gets what its spec knows (its
 * group, and its subcommands); summary and since are then absent rather than invented.
 */
export function replyDocs(reply: Reply, cmd: Command): void {
  const doc = cmd.spec.doc;
  const pairs: [string, () => void][] = [];
  if (doc !== undefined) {
    pairs.push(['summary', () => reply.bulk(doc.summary)], ['since', () => reply.bulk(doc.since)]);
  }
  pairs.push(['group', () => reply.bulk(cmd.group)]);
  if (doc?.complexity !== undefined) pairs.push(['complexity', () => reply.bulk(doc.complexity!)]);
  if (doc?.docFlags !== undefined && doc.docFlags.length > 0) {
    const flags = doc.docFlags;
    pairs.push(['doc_flags', () => {
      reply.set(flags.length);
      for (const f of flags) reply.simple(f);
    }]);
  }
  if (doc?.deprecatedSince !== undefined) pairs.push(['deprecated_since', () => reply.bulk(doc.deprecatedSince!)]);
  if (doc?.replacedBy !== undefined) pairs.push(['replaced_by', () => reply.bulk(doc.replacedBy!)]);
  if (doc?.history !== undefined && doc.history.length > 0) {
    const history = doc.history;
    pairs.push(['history', () => {
      reply.set(history.length);
      for (const [since, change] of history) {
        reply.array(2);
        reply.bulk(since);
        reply.bulk(change);
      }
    }]);
  }
  if (doc?.arguments !== undefined && doc.arguments.length > 0) {
    const args = doc.arguments;
    pairs.push(['arguments', () => replyArgs(reply, args)]);
  }
  if (cmd.subcommands !== null) {
    const subs = cmd.subcommands;
    pairs.push(['subcommands', () => {
      reply.map(subs.size);
      for (const sub of subs.values()) {
        reply.bulk(sub.fullName);
        replyDocs(reply, sub);
      }
    }]);
  }
  reply.map(pairs.length);
  for (const [name, write] of pairs) {
    reply.bulk(name);
    write();
  }
}

function replyArgs(reply: Reply, args: readonly ArgDoc[]): void {
  reply.array(args.length);
  for (const a of args) {
    const container = a.type === 'oneof' || a.type === 'block';
    const flags: string[] = [];
    if (a.optional) flags.push('optional');
    if (a.multiple) flags.push('multiple');
    if (a.multipleToken) flags.push('multiple_token');
    let n = 2;
    if (a.keySpecIndex !== undefined) n++;
    if (a.token !== undefined) n++;
    if (a.summary !== undefined) n++;
    if (a.since !== undefined) n++;
    if (a.deprecatedSince !== undefined) n++;
    if (flags.length > 0) n++;
    n++; // 'arguments' for a oneof/block; otherwise display_text (added in Redis 7.2)
    reply.map(n);
    reply.bulk('name');
    reply.bulk(a.name);
    reply.bulk('type');
    reply.bulk(a.type);
    if (a.keySpecIndex !== undefined) {
      reply.bulk('key_spec_index');
      reply.integer(a.keySpecIndex);
    }
    if (a.token !== undefined) {
      reply.bulk('token');
      reply.bulk(a.token);
    }
    if (a.summary !== undefined) {
      reply.bulk('summary');
      reply.bulk(a.summary);
    }
    if (a.since !== undefined) {
      reply.bulk('since');
      reply.bulk(a.since);
    }
    if (a.deprecatedSince !== undefined) {
      reply.bulk('deprecated_since');
      reply.bulk(a.deprecatedSince);
    }
    if (flags.length > 0) {
      reply.bulk('flags');
      reply.set(flags.length);
      for (const f of flags) reply.simple(f);
    }
    if (container) {
      reply.bulk('arguments');
      replyArgs(reply, a.arguments ?? []);
    } else {
      reply.bulk('display_text');
      reply.bulk(a.displayText ?? a.name);
    }
  }
}
