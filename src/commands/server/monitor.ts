// MONITOR: the client replies OK and from then on receives a line for every command the server
// executes (see server/monitor-feed.ts for the format and what is left out).

import type { Ctx } from '../../exec/context.js';
import type { CommandSpec } from '../table.js';

export const monitorSpecs: CommandSpec[] = [
  { name: 'monitor', arity: 1, flags: ['admin', 'noscript', 'loading', 'stale'], run: monitor },
];

function monitor(ctx: Ctx): void {
  // A second MONITOR is ignored without any reply, as Redis does.
  if (ctx.server.introspection.startMonitor(ctx.client)) ctx.reply.ok();
}
