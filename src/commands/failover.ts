// FAILOVER [TO host port [FORCE]] [ABORT] [TIMEOUT milliseconds]: argument parsing and replies
// only. The coordination (pause, waiting for the target's ACK, the hand-over) lives in
// replication/failover.ts, reached through ServerApi.primary.

import type { Ctx } from '../exec/context.js';
import { Err } from '../resp/errors.js';
import { parseIntNumber } from '../util/numbers.js';
import { defineFamily } from './table.js';

export const failoverFamily = defineFamily('server', [
  {
    name: 'failover', arity: -1, flags: ['admin', 'noscript', 'stale'], run: failover,
    doc: {
      summary: 'Hands the primary role over to one of the replicas without losing acknowledged writes.',
      since: '6.2.0', complexity: 'O(1)',
      arguments: [
        {
          name: 'target', type: 'block', token: 'TO', optional: true, arguments: [
            { name: 'host', type: 'string' },
            { name: 'port', type: 'integer' },
            { name: 'force', type: 'pure-token', token: 'FORCE', optional: true },
          ],
        },
        { name: 'abort', type: 'pure-token', token: 'ABORT', optional: true },
        { name: 'milliseconds', type: 'integer', token: 'TIMEOUT', optional: true },
      ],
    },
  },
]);

function failover(ctx: Ctx): void {
  if (ctx.server.config.bool('cluster-enabled')) throw Err.failoverInCluster();
  const primary = ctx.server.primary;
  // ABORT is only ever the sole argument; anywhere else it is a syntax error (as in Redis).
  if (ctx.argc === 2 && ctx.is(1, 'ABORT')) {
    if (!primary.abortFailover()) throw Err.failoverNotInProgress();
    ctx.reply.ok();
    return;
  }
  let timeoutMs = 0;
  let force = false;
  let target: { host: string; port: number } | null = null;
  const n = ctx.argc;
  for (let j = 1; j < n; j++) {
    // Each option once; a repeated one falls through to the syntax error.
    if (ctx.is(j, 'TIMEOUT') && j + 1 < n && timeoutMs === 0) {
      const t = parseIntNumber(ctx.arg(j + 1));
      if (t === null) throw Err.notInteger();
      if (t <= 0) throw Err.failoverTimeoutNotPositive();
      timeoutMs = t;
      j++;
    } else if (ctx.is(j, 'TO') && j + 2 < n && target === null) {
      const port = parseIntNumber(ctx.arg(j + 2));
      if (port === null) throw Err.notInteger();
      target = { host: ctx.arg(j + 1), port };
      j += 2;
    } else if (ctx.is(j, 'FORCE') && !force) {
      force = true;
    } else {
      throw Err.syntax();
    }
  }
  const e = primary.startFailover({ target, timeoutMs, force });
  if (e !== null) throw e;
  ctx.reply.ok();
}
