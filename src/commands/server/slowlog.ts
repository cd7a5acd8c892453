// SLOWLOG GET/LEN/RESET/HELP. Entries are recorded server-side after each command
// (server/slowlog.ts); here they are only read and replied.

import type { Ctx } from '../../exec/context.js';
import { Err } from '../../resp/errors.js';
import { parseIntNumber } from '../../util/numbers.js';
import type { CommandSpec } from '../table.js';
import { replyHelp } from './help.js';

const ADMIN_TIPS = ['request_policy:all_nodes'];

export const slowlogSpecs: CommandSpec[] = [
  {
    name: 'slowlog', arity: -2, flags: [], subcommands: [
      { name: 'get', arity: -2, flags: ['admin', 'loading', 'stale'], tips: [...ADMIN_TIPS, 'nondeterministic_output'], run: get },
      { name: 'len', arity: 2, flags: ['admin', 'loading', 'stale'], tips: [...ADMIN_TIPS, 'response_policy:agg_sum', 'nondeterministic_output'], run: (ctx) => ctx.reply.integer(ctx.server.introspection.slowlogLength()) },
      { name: 'reset', arity: 2, flags: ['admin', 'loading', 'stale'], tips: [...ADMIN_TIPS, 'response_policy:all_succeeded'], run: reset },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], run: help },
    ],
  },
];

function get(ctx: Ctx): void {
  if (ctx.argc > 3) throw Err.subcommandSyntax(ctx.arg(1), 'slowlog');
  let count = 10;
  if (ctx.argc === 3) {
    const n = parseIntNumber(ctx.arg(2));
    // Redis answers the range message for a non-number as well.
    if (n === null || n < -1) throw Err.slowlogCount();
    count = n === -1 ? ctx.server.introspection.slowlogLength() : n;
  }
  const entries = ctx.server.introspection.slowlogGet(count);
  const r = ctx.reply;
  r.array(entries.length);
  for (const e of entries) {
    r.array(6);
    r.integer(e.id);
    r.integer(e.time);
    r.integer(e.usec);
    r.bulkArray(e.argv);
    r.bulk(e.peer);
    r.bulk(e.name);
  }
}

function reset(ctx: Ctx): void {
  ctx.server.introspection.slowlogReset();
  ctx.reply.ok();
}

function help(ctx: Ctx): void {
  replyHelp(ctx, 'SLOWLOG', [
    'GET [<count>]',
    '    Return the newest <count> entries of the slow log (10 by default, -1 for all).',
    '    Each entry is: id, unix time, duration in microseconds, arguments, client',
    '    address and client name.',
    'LEN',
    '    Return the number of entries in the slow log.',
    'RESET',
    '    Empty the slow log.',
  ]);
}
