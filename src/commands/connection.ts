// The CONNECTION group: PING, ECHO, SELECT, QUIT and the session commands.

import { Err } from '../resp/errors.js';
import type { Ctx } from '../exec/context.js';
import { defineFamily } from './table.js';

export const connectionFamily = defineFamily('connection', [
  { name: 'ping', arity: -1, flags: ['fast'], tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], run: ping },
  { name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], run: (ctx) => ctx.reply.bulk(ctx.arg(1)) },
  { name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], run: select },
  { name: 'quit', arity: -1, flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], run: quit },
]);

function ping(ctx: Ctx): void {
  if (ctx.argc > 2) throw Err.arity('ping');
  if (ctx.client.subscriptions !== null && ctx.client.resp === 2) {
    // A subscribed RESP2 client reads every reply as a pub/sub message: PING answers in that shape.
    ctx.reply.array(2);
    ctx.reply.bulk('pong');
    ctx.reply.bulk(ctx.argc === 2 ? ctx.arg(1) : '');
    return;
  }
  if (ctx.argc === 1) ctx.reply.simple('PONG');
  else ctx.reply.bulk(ctx.arg(1));
}

function select(ctx: Ctx): void {
  const index = ctx.int(1);
  if (index < 0 || index >= ctx.ks.dbs.length) throw Err.dbOutOfRange();
  ctx.client.dbIndex = index;
  ctx.reply.ok();
}

function quit(ctx: Ctx): void {
  ctx.reply.ok();
  ctx.client.closeAfterReply = true;
}
