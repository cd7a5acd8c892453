// BGREWRITEAOF: asks the append-only file service for a rewrite and words its answer as Redis
// does. The rewrite itself (new incr file, base image, manifest swap) is persistence/aof's.

import type { Ctx } from '../../exec/context.js';
import { Err } from '../../resp/errors.js';
import { defineFamily } from '../table.js';

export const aofFamily = defineFamily('server', [
  {
    name: 'bgrewriteaof', arity: 1, flags: ['admin', 'noscript', 'no_async_loading'], run: bgrewriteaof,
    doc: { summary: 'Rewrites the append-only file in the background.', since: '1.0.0', complexity: 'O(1)' },
  },
]);

function bgrewriteaof(ctx: Ctx): void {
  switch (ctx.server.aof.bgrewrite()) {
    case 'started': return ctx.reply.simple('Background append only file rewriting started');
    case 'scheduled': return ctx.reply.simple('Background append only file rewriting scheduled');
    case 'in-progress': throw Err.aofRewriteInProgress();
    case 'error': throw Err.aofRewriteFailed();
  }
}
