// CONFIG GET / SET / RESETSTAT / REWRITE / HELP: argument shapes and replies. The directive
// table, parsing, atomic SET and the file rewrite live behind ConfigApi (server/config.ts);
// statistics are reset through ServerApi. Nothing here knows a directive by name.

import type { Ctx } from '../../exec/context.js';
import { Err } from '../../resp/errors.js';
import type { Client } from '../../session/client.js';
import { defineFamily } from '../table.js';

const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;
const ALL_NODES = ['request_policy:all_nodes', 'response_policy:all_succeeded'];

export const configFamily = defineFamily('server', [
  {
    name: 'config', arity: -2, flags: [],
    subcommands: [
      { name: 'get', arity: -3, flags: [...ADMIN], run: configGet },
      { name: 'set', arity: -4, flags: [...ADMIN], tips: ALL_NODES, run: configSet },
      { name: 'resetstat', arity: 2, flags: [...ADMIN], tips: ALL_NODES, run: configResetStat },
      { name: 'rewrite', arity: 2, flags: [...ADMIN], tips: ALL_NODES, run: configRewrite },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], run: configHelp },
    ],
  },
]);

function configGet(ctx: Ctx): void {
  const pairs = ctx.server.config.match(ctx.argsFrom(2));
  ctx.reply.map(pairs.length);
  for (const [name, value] of pairs) {
    ctx.reply.bulk(name);
    ctx.reply.bulk(value);
  }
}

function configSet(ctx: Ctx): void {
  // Pairs only: an odd argument count cannot be a list of name/value pairs.
  if (ctx.argc % 2 !== 0) throw Err.syntax();
  const pairs: [string, string][] = [];
  for (let i = 2; i < ctx.argc; i += 2) pairs.push([ctx.arg(i), ctx.arg(i + 1)]);
  const e = ctx.server.config.set(pairs, { local: isLocalClient(ctx.client) });
  if (e !== null) throw Err.custom(e);
  ctx.reply.ok();
}

function configResetStat(ctx: Ctx): void {
  ctx.server.resetStats();
  ctx.reply.ok();
}

function configRewrite(ctx: Ctx): void {
  const e = ctx.server.config.rewrite();
  if (e !== null) throw Err.custom(e);
  ctx.reply.ok();
}

const HELP = [
  'CONFIG <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GET <pattern>',
  '    Reply with every configuration parameter matching the glob-style <pattern>, and its value.',
  'SET <directive> <value>',
  '    Change <directive> to <value> (several pairs are applied all together or not at all).',
  'RESETSTAT',
  '    Zero the statistics that INFO reports.',
  'REWRITE',
  '    Write the running configuration back into the config file.',
  'HELP',
  '    Print this help.',
];

function configHelp(ctx: Ctx): void {
  ctx.reply.array(HELP.length);
  for (const line of HELP) ctx.reply.simple(line);
}

/** A client on a unix socket or the loopback interface (what 'local' means for protected actions). */
export function isLocalClient(client: Client): boolean {
  const t = client.transport;
  if (t.kind !== 'tcp') return true;
  const addr = t.remoteAddress;
  const ip = addr.slice(0, addr.lastIndexOf(':'));
  return ip === '127.0.0.1' || ip === '::1';
}
