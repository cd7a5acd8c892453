// SHUTDOWN [NOSAVE|SAVE] [NOW] [FORCE] [ABORT]: option parsing; the shutdown itself (final save,
// pidfile, unix socket, exit) is the server lifecycle's, reached through ServerApi.shutdown.
// On success nothing is replied: the connection closes as the server goes down.

import type { Ctx, ShutdownRequest } from '../../exec/context.js';
import { Err } from '../../resp/errors.js';
import { defineFamily } from '../table.js';

export const shutdownFamily = defineFamily('server', [
  {
    name: 'shutdown', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'no_multi', 'allow_busy'],
    run: shutdown,
  },
]);

function shutdown(ctx: Ctx): void {
  const req: ShutdownRequest = { save: false, nosave: false, now: false, force: false };
  let abort = false;
  for (let i = 1; i < ctx.argc; i++) {
    if (ctx.is(i, 'NOSAVE')) req.nosave = true;
    else if (ctx.is(i, 'SAVE')) req.save = true;
    else if (ctx.is(i, 'NOW')) req.now = true;
    else if (ctx.is(i, 'FORCE')) req.force = true;
    else if (ctx.is(i, 'ABORT')) abort = true;
    else throw Err.syntax();
  }
  if ((req.save && req.nosave) || (abort && (req.save || req.nosave || req.now || req.force))) throw Err.syntax();
  if (abort) {
    if (!ctx.server.abortShutdown()) throw Err.noShutdownInProgress();
    ctx.reply.ok();
    return;
  }
  const e = ctx.server.shutdown(req);
  if (e !== null) throw e;
}
