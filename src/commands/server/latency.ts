// LATENCY LATEST/HISTORY/RESET/DOCTOR/GRAPH/HISTOGRAM/HELP: read the latency monitor's events
// and the per-command latency histograms kept server-side.

import type { Ctx } from '../../exec/context.js';
import { Err } from '../../resp/errors.js';
import type { HdrHistogram } from '../../util/hdr-histogram.js';
import { flatten, type Command, type CommandSpec } from '../table.js';
import { replyHelp } from './help.js';

const FLAGS: CommandSpec['flags'] = ['admin', 'noscript', 'loading', 'stale'];
const TIPS = ['nondeterministic_output', 'request_policy:all_nodes', 'response_policy:special'];

export const latencySpecs: CommandSpec[] = [
  {
    name: 'latency', arity: -2, flags: [], subcommands: [
      { name: 'latest', arity: 2, flags: FLAGS, tips: TIPS, run: latest },
      { name: 'history', arity: 3, flags: FLAGS, tips: TIPS, run: history },
      { name: 'reset', arity: -2, flags: FLAGS, tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], run: reset },
      { name: 'doctor', arity: 2, flags: FLAGS, tips: TIPS, run: (ctx) => ctx.reply.verbatim(ctx.server.introspection.latencyDoctor()) },
      { name: 'graph', arity: 3, flags: FLAGS, tips: TIPS, run: graph },
      { name: 'histogram', arity: -2, flags: FLAGS, tips: TIPS, run: histogram },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], run: help },
    ],
  },
];

function latest(ctx: Ctx): void {
  const events = ctx.server.introspection.latencyLatest();
  ctx.reply.array(events.length);
  for (const e of events) {
    ctx.reply.array(4);
    ctx.reply.bulk(e.event);
    ctx.reply.integer(e.time);
    ctx.reply.integer(e.latest);
    ctx.reply.integer(e.max);
  }
}

function history(ctx: Ctx): void {
  const samples = ctx.server.introspection.latencyHistory(ctx.arg(2));
  ctx.reply.array(samples.length);
  for (const [t, ms] of samples) {
    ctx.reply.array(2);
    ctx.reply.integer(t);
    ctx.reply.integer(ms);
  }
}

function reset(ctx: Ctx): void {
  ctx.reply.integer(ctx.server.introspection.latencyReset(ctx.argsFrom(2)));
}

function graph(ctx: Ctx): void {
  const event = ctx.arg(2);
  const g = ctx.server.introspection.latencyGraph(event);
  if (g === null) throw Err.latencyNoSamples(event);
  ctx.reply.verbatim(g);
}

/** Redis reports histogram buckets from 1024 ns upward, doubling (1, 2, 4, 8, 16, 33 ... µs). */
const FIRST_BUCKET_NS = 1024;

function histogram(ctx: Ctx): void {
  const intro = ctx.server.introspection;
  const picked: [Command, HdrHistogram][] = [];
  const seen = new Set<Command>();
  const consider = (c: Command | undefined) => {
    if (c === undefined || seen.has(c)) return;
    seen.add(c);
    const h = intro.commandHistogram(c);
    if (h !== undefined && h.total > 0) picked.push([c, h]);
  };
  if (ctx.argc === 2) {
    for (const c of flatten(ctx.server.table.all())) consider(c);
  } else {
    for (const name of ctx.argsFrom(2)) consider(lookupFullName(ctx, name));
  }
  ctx.reply.map(picked.length);
  for (const [c, h] of picked) {
    ctx.reply.bulk(c.fullName);
    ctx.reply.map(2);
    ctx.reply.bulk('calls');
    ctx.reply.integer(h.total);
    ctx.reply.bulk('histogram_usec');
    const buckets = h.cumulativeLog2(FIRST_BUCKET_NS);
    ctx.reply.map(buckets.length);
    for (const [ns, count] of buckets) {
      ctx.reply.integer(Math.floor(ns / 1000));
      ctx.reply.integer(count);
    }
  }
}

/** 'get' or 'config|get' to a command, as Redis looks names up for LATENCY HISTOGRAM. */
function lookupFullName(ctx: Ctx, name: string): Command | undefined {
  const bar = name.indexOf('|');
  if (bar === -1) return ctx.server.table.get(name);
  const top = ctx.server.table.get(name.slice(0, bar));
  return top?.subcommands?.get(name.slice(bar + 1).toLowerCase());
}

function help(ctx: Ctx): void {
  replyHelp(ctx, 'LATENCY', [
    'DOCTOR',
    '    Return a plain-text analysis of the recorded latency spikes.',
    'GRAPH <event>',
    '    Return a text chart of the samples recorded for <event>.',
    'HISTORY <event>',
    '    Return the [unix time, latency ms] samples recorded for <event>.',
    'LATEST',
    '    Return the latest sample and the all-time maximum of every event.',
    'RESET [<event> ...]',
    '    Forget the samples of the given events (of every event when none is given).',
    'HISTOGRAM [<command> ...]',
    '    Return the cumulative latency distribution of the given commands (of every',
    '    command that has run when none is given), in power-of-two microsecond buckets.',
  ]);
}
