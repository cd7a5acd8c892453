// The transactions group: MULTI, EXEC, DISCARD, WATCH, UNWATCH. Declarations only: the state
// (queues, watched keys, dirty flags) and running EXEC's queue belong to exec/multi.ts, which
// commands reach through ServerApi.transactions.

import type { Ctx } from '../exec/context.js';
import { defineFamily, keyRange } from './table.js';

export const transactionsFamily = defineFamily('transactions', [
  {
    name: 'multi', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    run: (ctx: Ctx) => ctx.server.transactions.multi(ctx),
    doc: { summary: 'Starts a transaction: later commands are queued until EXEC or DISCARD.', since: '1.2.0', complexity: 'O(1)' },
  },
  {
    name: 'exec', arity: 1, flags: ['noscript', 'loading', 'stale', 'skip_slowlog'],
    run: (ctx: Ctx) => ctx.server.transactions.exec(ctx),
    doc: {
      summary: 'Runs the commands queued since MULTI as one atomic unit.', since: '1.2.0',
      complexity: 'The sum of the queued commands\' complexities',
    },
  },
  {
    name: 'discard', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    run: (ctx: Ctx) => ctx.server.transactions.discard(ctx),
    doc: { summary: 'Drops the commands queued since MULTI and leaves the transaction.', since: '2.0.0', complexity: 'O(N) for N queued commands' },
  },
  {
    name: 'watch', arity: -2, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    keySpecs: [keyRange(1, -1, 1, 'RO')],
    run: (ctx: Ctx) => ctx.server.transactions.watch(ctx),
    doc: {
      summary: 'Makes the next EXEC fail if any of the keys changes before it runs.', since: '2.2.0',
      complexity: 'O(1) per key',
      arguments: [{ name: 'key', type: 'key', keySpecIndex: 0, multiple: true }],
    },
  },
  {
    name: 'unwatch', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast', 'allow_busy'],
    run: (ctx: Ctx) => ctx.server.transactions.unwatch(ctx),
    doc: { summary: 'Stops watching every key watched by this connection.', since: '2.2.0', complexity: 'O(1)' },
  },
]);
