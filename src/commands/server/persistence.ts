// SAVE and BGSAVE: argument parsing and replies. Snapshots, files, save points and their
// bookkeeping are the server's (server/persistence.ts), reached through ServerApi.persistence.
// LASTSAVE lives with INFO (commands/server/info.ts); DEBUG RELOAD with DEBUG.

import type { Ctx } from '../../exec/context.js';
import { Err } from '../../resp/errors.js';
import { defineFamily } from '../table.js';

export const persistenceFamily = defineFamily('server', [
  {
    name: 'save', arity: 1, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], run: save,
    doc: { summary: 'Writes the whole dataset to the RDB file, blocking the server meanwhile.', since: '1.0.0', complexity: 'O(N) where N is the total number of keys in all databases' },
  },
  {
    name: 'bgsave', arity: -1, flags: ['admin', 'noscript', 'no_async_loading'], run: bgsave,
    doc: {
      summary: 'Writes the dataset to the RDB file while the server goes on serving.', since: '1.0.0', complexity: 'O(1)',
      history: [['3.2.2', 'Added the `SCHEDULE` option.']],
      arguments: [{ name: 'schedule', type: 'pure-token', token: 'SCHEDULE', since: '3.2.2', optional: true }],
    },
  },
]);

function save(ctx: Ctx): void {
  const e = ctx.server.persistence.save();
  if (e !== null) throw e;
  ctx.reply.ok();
}

function bgsave(ctx: Ctx): void {
  let schedule = false;
  if (ctx.argc > 1) {
    if (ctx.argc !== 2 || !ctx.is(1, 'SCHEDULE')) throw Err.syntax();
    schedule = true;
  }
  ctx.reply.simple(ctx.server.persistence.bgsave(schedule));
}
