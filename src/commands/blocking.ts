// The blocking LIST commands (BLPOP, BRPOP, BLMPOP, BLMOVE, BRPOPLPUSH) and the pieces every
// blocking command shares: timeout parsing and "serve now, else park". Serving reuses the
// non-blocking cores of commands/list.ts; parking, waking and timeouts are exec/blocking.ts's.
// A parked command is simply run again when its keys are ready, so each handler here is also
// its own "served after waiting" path. Nothing here waits, schedules or replies later itself.

import type { WaitSpec } from '../exec/blocking.js';
import type { Ctx } from '../exec/context.js';
import type { ListValue, End } from '../keyspace/types/list.js';
import type { TypeName } from '../keyspace/value.js';
import { Err } from '../resp/errors.js';
import type { Reply } from '../resp/reply.js';
import { parseBlockTimeout } from '../util/block-timeout.js';
import { parseIntNumber } from '../util/numbers.js';
import { moveElement, multiPop, parseEnd, parseMultiPop, popReply } from './list.js';
import { defineFamily, keyAt, keyNum, keyRange } from './table.js';

export const blockingListFamily = defineFamily('list', [
  {
    name: 'blpop', arity: -3, flags: ['write', 'noscript', 'blocking'],
    keySpecs: [keyRange(1, -2, 1, 'RW', 'access', 'delete')], run: (ctx) => blockingPop(ctx, 'head'),
  },
  {
    name: 'brpop', arity: -3, flags: ['write', 'noscript', 'blocking'],
    keySpecs: [keyRange(1, -2, 1, 'RW', 'access', 'delete')], run: (ctx) => blockingPop(ctx, 'tail'),
  },
  {
    name: 'blmpop', arity: -5, flags: ['write', 'blocking'],
    keySpecs: [keyNum(2, 'RW', 'access', 'delete')], getKeys: blmpopKeys, run: blmpop,
  },
  {
    name: 'blmove', arity: 6, flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keySpecs: [keyAt(1, 'RW', 'access', 'delete'), keyAt(2, 'RW', 'insert')], run: blmove,
  },
  {
    name: 'brpoplpush', arity: 4, flags: ['write', 'denyoom', 'noscript', 'blocking'],
    keySpecs: [keyAt(1, 'RW', 'access', 'delete'), keyAt(2, 'RW', 'insert')], run: brpoplpush,
  },
]);

// BZPOPMIN, BZPOPMAX and BZMPOP plug in the same way (sorted-set/blocking.ts): each parses like
// its non-blocking twin, tries the ZPOPMIN/ZMPOP core, and otherwise calls parkOnKeys.

// ---- shared by every blocking command ----

/**
 * The deadline of the timeout argument at index i (0: forever), read at the command's clock;
 * Redis's errors otherwise. Seconds for the list and sorted-set commands, ms for XREAD BLOCK
 * and WAIT.
 */
export function blockTimeout(ctx: Ctx, i: number, unit: 'seconds' | 'ms' = 'seconds'): number {
  const r = parseBlockTimeout(ctx.arg(i), unit, ctx.ks.now);
  if (typeof r === 'number') return r;
  switch (r) {
    case 'not-float': throw Err.timeoutNotFloat();
    case 'not-integer': throw Err.timeoutNotInteger();
    case 'negative': throw Err.timeoutNegative();
    default: throw Err.timeoutOutOfRange();
  }
}

/** The timeout reply of the list, sorted-set and stream commands: *-1 in RESP2, _ in RESP3. */
export function timedOutNullArray(reply: Reply): void {
  reply.nullArray();
}

/**
 * Parks the client on `keys` until one holds a `type` value (or the deadline passes). False when
 * the command may not block (MULTI/EXEC, scripts): the caller then replies as Redis does there.
 */
export function parkOnKeys(ctx: Ctx, keys: readonly string[], type: TypeName, deadline: number,
  timedOut: WaitSpec['timedOut'] = timedOutNullArray): boolean {
  return ctx.server.blocking.park(ctx, { keys, type, deadline, timedOut });
}

// ---- BLPOP / BRPOP ----

function blockingPop(ctx: Ctx, end: End): void {
  const deadline = blockTimeout(ctx, ctx.argc - 1);
  const keys = ctx.argv.slice(1, ctx.argc - 1);
  for (const key of keys) {
    const list = ctx.db.writeOfType<ListValue>(key, 'list');
    if (list === undefined || list.length === 0) continue;
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    popReply(ctx, key, list, end, -1);
    ctx.propagateAs([end === 'head' ? 'LPOP' : 'RPOP', key]);
    return;
  }
  if (!parkOnKeys(ctx, keys, 'list', deadline)) ctx.reply.nullArray();
}

// ---- BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] ----

function blmpopKeys(argv: readonly string[]): number[] {
  const n = parseIntNumber(argv[2] ?? '');
  if (n === null || n < 1 || n > argv.length - 3) return [];
  return Array.from({ length: n }, (_, i) => 3 + i);
}

function blmpop(ctx: Ctx): void {
  // Redis checks numkeys, the direction and COUNT before the timeout.
  const { keys, end, count } = parseMultiPop(ctx, 2);
  const deadline = blockTimeout(ctx, 1);
  if (multiPop(ctx, keys, end, count)) return;
  if (!parkOnKeys(ctx, keys, 'list', deadline)) ctx.reply.nullArray();
}

// ---- BLMOVE / BRPOPLPUSH ----

function blmove(ctx: Ctx): void {
  const from = parseEnd(ctx, 3);
  const to = parseEnd(ctx, 4);
  const deadline = blockTimeout(ctx, 5);
  blockingMove(ctx, from, to, deadline, ['LMOVE', ctx.arg(1), ctx.arg(2), ctx.arg(3), ctx.arg(4)]);
}

function brpoplpush(ctx: Ctx): void {
  const deadline = blockTimeout(ctx, 3);
  blockingMove(ctx, 'tail', 'head', deadline, ['RPOPLPUSH', ctx.arg(1), ctx.arg(2)]);
}

function blockingMove(ctx: Ctx, from: End, to: End, deadline: number, propagated: string[]): void {
  const src = ctx.arg(1);
  // Only the source decides whether to wait: the destination's type is checked when served.
  if (moveElement(ctx, src, ctx.arg(2), from, to)) {
    ctx.propagateAs(propagated);
    return;
  }
  // Inside MULTI an empty source answers a null bulk (RESP2 $-1), unlike the timeout's *-1.
  if (!parkOnKeys(ctx, [src], 'list', deadline)) ctx.reply.null();
}
