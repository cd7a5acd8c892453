// MEMORY USAGE/STATS/DOCTOR/MALLOC-STATS/PURGE/HELP. USAGE applies nodis's own size model
// (memory-model.ts); the process-level figures come from the server (server/info.ts).

import type { Ctx } from '../../exec/context.js';
import type { MemoryStat } from '../../exec/introspection.js';
import { Err } from '../../resp/errors.js';
import type { Reply } from '../../resp/reply.js';
import { parseInt64 } from '../../util/numbers.js';
import { keyAt, type CommandSpec } from '../table.js';
import { replyHelp } from './help.js';
import { keyUsage } from './memory-model.js';

const SHARD_TIPS = ['nondeterministic_output', 'request_policy:all_shards', 'response_policy:special'];

export const memorySpecs: CommandSpec[] = [
  {
    name: 'memory', arity: -2, flags: [], subcommands: [
      { name: 'usage', arity: -3, flags: ['readonly'], keySpecs: [keyAt(2, 'RO')], run: usage },
      { name: 'stats', arity: 2, flags: [], tips: SHARD_TIPS, run: stats },
      { name: 'doctor', arity: 2, flags: [], tips: SHARD_TIPS, run: (ctx) => ctx.reply.verbatim(ctx.server.introspection.memoryDoctor()) },
      { name: 'malloc-stats', arity: 2, flags: [], tips: SHARD_TIPS, run: (ctx) => ctx.reply.verbatim(ctx.server.introspection.mallocStats()) },
      { name: 'purge', arity: 2, flags: [], tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], run: purge },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], run: help },
    ],
  },
];

/** Redis's default number of sampled elements for collections. */
const DEFAULT_SAMPLES = 5;

function usage(ctx: Ctx): void {
  let samples = DEFAULT_SAMPLES;
  for (let i = 3; i < ctx.argc; i++) {
    if (ctx.is(i, 'SAMPLES') && i + 1 < ctx.argc) {
      const n = parseInt64(ctx.arg(i + 1));
      if (n === null) throw Err.notInteger();
      if (n < 0) throw Err.syntax();
      samples = n === 0 ? 0 : Number(n);
      i++;
    } else {
      throw Err.syntax();
    }
  }
  // Like Redis, a logically expired key that is still stored is measured (no expiry here).
  const key = ctx.arg(2);
  const v = ctx.db.storedValue(key);
  if (v === undefined) return ctx.reply.null();
  ctx.reply.integer(keyUsage(key, v, samples));
}

function stats(ctx: Ctx): void {
  writeStats(ctx.reply, ctx.server.introspection.memoryStats());
}

function writeStats(r: Reply, fields: readonly MemoryStat[]): void {
  r.map(fields.length);
  for (const f of fields) {
    r.bulk(f.name);
    if ('map' in f) writeStats(r, f.map);
    else if ('double' in f) r.double(f.double);
    else r.integer(f.int);
  }
}

function purge(ctx: Ctx): void {
  ctx.server.introspection.purge();
  ctx.reply.ok();
}

function help(ctx: Ctx): void {
  replyHelp(ctx, 'MEMORY', [
    'DOCTOR',
    '    Return a plain-text report on how memory is used.',
    'MALLOC-STATS',
    '    Return the statistics of the memory allocator (the V8 heap in nodis).',
    'PURGE',
    '    Ask the runtime to give unused memory back (a garbage collection when exposed).',
    'STATS',
    '    Return a map of memory figures of the server.',
    'USAGE <key> [SAMPLES <count>]',
    '    Return the estimated bytes the key and its value take. For collections,',
    '    <count> elements are sampled (5 by default, 0 for all).',
  ]);
}
