// INFO, TIME and LASTSAVE. The INFO text itself is built server-side (server/info.ts) from the
// requested section names; this handler only normalizes arguments and picks the reply type.

import type { Ctx } from '../../exec/context.js';
import type { CommandSpec } from '../table.js';

export const infoSpecs: CommandSpec[] = [
  {
    name: 'info', arity: -1, flags: ['loading', 'stale'], acl: ['dangerous'],
    tips: ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'],
    run: info,
  },
  { name: 'time', arity: 1, flags: ['loading', 'stale', 'fast'], tips: ['nondeterministic_output'], run: time },
  {
    name: 'lastsave', arity: 1, flags: ['loading', 'stale', 'fast'], acl: ['admin', 'dangerous'],
    tips: ['nondeterministic_output'], run: (ctx) => ctx.reply.integer(ctx.server.introspection.lastSave()),
  },
];

function info(ctx: Ctx): void {
  const sections: string[] = [];
  for (let i = 1; i < ctx.argc; i++) sections.push(ctx.arg(i).toLowerCase());
  // Redis 7 sends INFO as a verbatim string in RESP3 (a plain bulk string in RESP2).
  ctx.reply.verbatim(ctx.server.introspection.info(sections), 'txt');
}

function time(ctx: Ctx): void {
  // Wall clock with microseconds: ms from Date, the sub-ms part from the monotonic clock.
  const ms = Date.now();
  const usec = (ms % 1000) * 1000 + Math.floor((performance.now() % 1) * 1000);
  ctx.reply.array(2);
  ctx.reply.bulk(String(Math.floor(ms / 1000)));
  ctx.reply.bulk(String(usec));
}
