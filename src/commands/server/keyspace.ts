// The keyspace commands of Redis's SERVER group: FLUSHDB, FLUSHALL, DBSIZE, SWAPDB.
// Emptying and swapping happen in keyspace/ (Keyspace.clearAll, Db.clear, Keyspace.swap), which
// also tells WATCH and blocked clients through the flushed/swapped hooks.

import type { Ctx } from '../../exec/context.js';
import { Err } from '../../resp/errors.js';
import { parseIntNumber } from '../../util/numbers.js';
import { defineFamily } from '../table.js';

const ALL_SHARDS_OK = ['request_policy:all_shards', 'response_policy:all_succeeded'];

export const serverKeyspaceFamily = defineFamily('server', [
  { name: 'flushdb', arity: -1, flags: ['write'], acl: ['keyspace', 'dangerous'], tips: ALL_SHARDS_OK, run: flushdb },
  { name: 'flushall', arity: -1, flags: ['write'], acl: ['keyspace', 'dangerous'], tips: ALL_SHARDS_OK, run: flushall },
  { name: 'dbsize', arity: 1, flags: ['readonly', 'fast'], acl: ['keyspace'], tips: ['request_policy:all_shards', 'response_policy:agg_sum'], run: dbsize },
  { name: 'swapdb', arity: 3, flags: ['write', 'fast'], acl: ['keyspace', 'dangerous'], run: swapdb },
]);

/** [ASYNC|SYNC]: both empty at once for clients; ASYNC leaves the freeing to the collector. */
function checkFlushMode(ctx: Ctx): void {
  if (ctx.argc > 2 || (ctx.argc === 2 && !ctx.is(1, 'ASYNC') && !ctx.is(1, 'SYNC'))) throw Err.syntax();
}

function flushdb(ctx: Ctx): void {
  checkFlushMode(ctx);
  const removed = ctx.db.clear();
  // Counted as at least one change so that even an empty flush is propagated, as Redis forces.
  ctx.ks.dirty += Math.max(1, removed);
  ctx.reply.ok();
}

function flushall(ctx: Ctx): void {
  checkFlushMode(ctx);
  ctx.ks.dirty += ctx.ks.clearAll();
  // Redis 7: a running background save is stopped and, with save points, the empty dataset saved.
  ctx.server.persistence.flushedAll();
  ctx.ks.dirty++;
  ctx.reply.ok();
}

function dbsize(ctx: Ctx): void {
  ctx.reply.integer(ctx.db.size);
}

function dbIndexArg(ctx: Ctx, i: number, error: () => unknown): number {
  const n = parseIntNumber(ctx.arg(i));
  if (n === null || n < -2147483648 || n > 2147483647) throw error();
  return n;
}

function swapdb(ctx: Ctx): void {
  const a = dbIndexArg(ctx, 1, Err.invalidFirstDb);
  const b = dbIndexArg(ctx, 2, Err.invalidSecondDb);
  const count = ctx.ks.dbs.length;
  if (a < 0 || a >= count || b < 0 || b >= count) throw Err.dbOutOfRange();
  ctx.ks.swap(a, b);
  ctx.ks.dirty++;
  ctx.reply.ok();
}
