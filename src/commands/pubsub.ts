// The PUBSUB group: SUBSCRIBE and friends (their confirmations are the replies, one push per
// channel with the client's subscription count), PUBLISH/SPUBLISH and the PUBSUB container.
// Subscription state and message delivery live in pubsub/registry.ts; nothing here writes to
// another client.

import type { Ctx } from '../exec/context.js';
import { Err } from '../resp/errors.js';
import { replyHelp } from './server/help.js';
import { defineFamily, keyAt, keyRange, type CommandFlag } from './table.js';

const SUB_FLAGS: CommandFlag[] = ['pubsub', 'noscript', 'loading', 'stale'];
const PUB_FLAGS: CommandFlag[] = ['pubsub', 'loading', 'stale', 'fast', 'may_replicate'];
const INTROSPECT_FLAGS: CommandFlag[] = ['pubsub', 'loading', 'stale'];

const channels = (name: string, optional = false) =>
  [{ name, type: 'string' as const, multiple: true, ...(optional ? { optional: true } : {}) }];
const patterns = (optional = false) =>
  [{ name: 'pattern', type: 'pattern' as const, multiple: true, ...(optional ? { optional: true } : {}) }];

export const pubsubFamily = defineFamily('pubsub', [
  {
    name: 'subscribe', arity: -2, flags: SUB_FLAGS, run: (ctx) => subscribe(ctx, false),
    doc: { summary: 'Starts receiving the messages published to channels.', since: '2.0.0',
      complexity: 'O(N) for N channels.', arguments: channels('channel') },
  },
  {
    name: 'unsubscribe', arity: -1, flags: SUB_FLAGS, run: (ctx) => unsubscribe(ctx, false),
    doc: { summary: 'Stops receiving the messages of some channels, or of all of them.', since: '2.0.0',
      complexity: 'O(N) for N channels.', arguments: channels('channel', true) },
  },
  {
    name: 'psubscribe', arity: -2, flags: SUB_FLAGS, run: psubscribe,
    doc: { summary: 'Starts receiving the messages published to channels that match glob patterns.', since: '2.0.0',
      complexity: 'O(N) for N patterns.', arguments: patterns() },
  },
  {
    name: 'punsubscribe', arity: -1, flags: SUB_FLAGS, run: punsubscribe,
    doc: { summary: 'Stops receiving the messages of some patterns, or of all of them.', since: '2.0.0',
      complexity: 'O(N) for N patterns.', arguments: patterns(true) },
  },
  {
    name: 'publish', arity: 3, flags: PUB_FLAGS, run: publish,
    doc: { summary: 'Sends a message to the subscribers of a channel and of the patterns it matches.', since: '2.0.0',
      complexity: 'O(N+M): N subscribers of the channel, M subscribed patterns.',
      arguments: [{ name: 'channel', type: 'string' }, { name: 'message', type: 'string' }] },
  },
  {
    name: 'ssubscribe', arity: -2, flags: SUB_FLAGS, keySpecs: [keyRange(1, -1, 1, 'not_key')], run: (ctx) => subscribe(ctx, true),
    doc: { summary: 'Starts receiving the messages published to shard channels.', since: '7.0.0',
      complexity: 'O(N) for N shard channels.', arguments: [{ ...channels('shardchannel')[0]!, keySpecIndex: 0 }] },
  },
  {
    name: 'sunsubscribe', arity: -1, flags: SUB_FLAGS, keySpecs: [keyRange(1, -1, 1, 'not_key')], run: (ctx) => unsubscribe(ctx, true),
    doc: { summary: 'Stops receiving the messages of some shard channels, or of all of them.', since: '7.0.0',
      complexity: 'O(N) for N shard channels.', arguments: [{ ...channels('shardchannel', true)[0]!, keySpecIndex: 0 }] },
  },
  {
    name: 'spublish', arity: 3, flags: PUB_FLAGS, keySpecs: [keyAt(1, 'not_key')], run: spublish,
    doc: { summary: 'Sends a message to the subscribers of a shard channel.', since: '7.0.0',
      complexity: 'O(N) for N subscribers of the shard channel.',
      arguments: [{ name: 'shardchannel', type: 'string', keySpecIndex: 0 }, { name: 'message', type: 'string' }] },
  },
  {
    name: 'pubsub', arity: -2, flags: [],
    doc: { summary: 'Container of the pub/sub introspection subcommands.', since: '2.8.0', complexity: 'Depends on the subcommand.' },
    subcommands: [
      {
        name: 'channels', arity: -2, flags: INTROSPECT_FLAGS, run: (ctx) => activeChannels(ctx, false),
        doc: { summary: 'Lists the channels that have subscribers.', since: '2.8.0', complexity: 'O(N) for N active channels.',
          arguments: [{ name: 'pattern', type: 'pattern', optional: true }] },
      },
      {
        name: 'numsub', arity: -2, flags: INTROSPECT_FLAGS, run: (ctx) => numsub(ctx, false),
        doc: { summary: 'Counts the subscribers of channels (pattern subscriptions not included).', since: '2.8.0',
          complexity: 'O(N) for N channels.', arguments: channels('channel', true) },
      },
      {
        name: 'numpat', arity: 2, flags: INTROSPECT_FLAGS, run: (ctx) => ctx.reply.integer(ctx.server.pubsub.patternCount),
        doc: { summary: 'Counts the distinct patterns subscribed to.', since: '2.8.0', complexity: 'O(1)' },
      },
      {
        name: 'shardchannels', arity: -2, flags: INTROSPECT_FLAGS, run: (ctx) => activeChannels(ctx, true),
        doc: { summary: 'Lists the shard channels that have subscribers.', since: '7.0.0', complexity: 'O(N) for N active shard channels.',
          arguments: [{ name: 'pattern', type: 'pattern', optional: true }] },
      },
      {
        name: 'shardnumsub', arity: -2, flags: INTROSPECT_FLAGS, run: (ctx) => numsub(ctx, true),
        doc: { summary: 'Counts the subscribers of shard channels.', since: '7.0.0',
          complexity: 'O(N) for N shard channels.', arguments: channels('shardchannel', true) },
      },
      {
        name: 'help', arity: 2, flags: ['loading', 'stale'], aclRemove: ['pubsub'], run: help,
        doc: { summary: 'Describes the PUBSUB subcommands.', since: '6.2.0', complexity: 'O(1)' },
      },
    ],
  },
]);

/** One confirmation: [kind, channel or pattern (null when there was none), count]. */
function confirm(ctx: Ctx, kind: string, name: string | null, count: number): void {
  const r = ctx.reply;
  r.push(3);
  r.bulk(kind);
  if (name === null) r.null();
  else r.bulk(name);
  r.integer(count);
}

function subscribe(ctx: Ctx, shard: boolean): void {
  const ps = ctx.server.pubsub;
  const kind = shard ? 'ssubscribe' : 'subscribe';
  for (let i = 1; i < ctx.argc; i++) {
    ps.subscribe(ctx.client, ctx.arg(i), shard);
    confirm(ctx, kind, ctx.arg(i), ps.replyCount(ctx.client, shard));
  }
}

function unsubscribe(ctx: Ctx, shard: boolean): void {
  const ps = ctx.server.pubsub;
  const kind = shard ? 'sunsubscribe' : 'unsubscribe';
  let names: readonly string[];
  if (ctx.argc > 1) {
    names = ctx.argsFrom(1);
  } else {
    const s = ctx.client.subscriptions;
    names = s === null ? [] : [...(shard ? s.shardChannels : s.channels)];
    // Nothing to leave: one confirmation without a channel.
    if (names.length === 0) return confirm(ctx, kind, null, ps.replyCount(ctx.client, shard));
  }
  for (const ch of names) {
    ps.unsubscribe(ctx.client, ch, shard);
    confirm(ctx, kind, ch, ps.replyCount(ctx.client, shard));
  }
}

function psubscribe(ctx: Ctx): void {
  const ps = ctx.server.pubsub;
  for (let i = 1; i < ctx.argc; i++) {
    ps.psubscribe(ctx.client, ctx.arg(i));
    confirm(ctx, 'psubscribe', ctx.arg(i), ps.replyCount(ctx.client, false));
  }
}

function punsubscribe(ctx: Ctx): void {
  const ps = ctx.server.pubsub;
  let names: readonly string[];
  if (ctx.argc > 1) {
    names = ctx.argsFrom(1);
  } else {
    const s = ctx.client.subscriptions;
    names = s === null ? [] : [...s.patterns];
    if (names.length === 0) return confirm(ctx, 'punsubscribe', null, ps.replyCount(ctx.client, false));
  }
  for (const p of names) {
    ps.punsubscribe(ctx.client, p);
    confirm(ctx, 'punsubscribe', p, ps.replyCount(ctx.client, false));
  }
}

function publish(ctx: Ctx): void {
  ctx.reply.integer(ctx.server.pubsub.publish(ctx.arg(1), ctx.arg(2)));
}

function spublish(ctx: Ctx): void {
  ctx.reply.integer(ctx.server.pubsub.spublish(ctx.arg(1), ctx.arg(2)));
}

/** PUBSUB CHANNELS / SHARDCHANNELS [pattern]. */
function activeChannels(ctx: Ctx, shard: boolean): void {
  if (ctx.argc > 3) throw Err.subcommandSyntax(ctx.arg(1), 'pubsub');
  ctx.reply.bulkArray(ctx.server.pubsub.activeChannels(ctx.argc === 3 ? ctx.arg(2) : null, shard));
}

/** PUBSUB NUMSUB / SHARDNUMSUB [channel ...]: a flat array of name, count (in RESP3 too). */
function numsub(ctx: Ctx, shard: boolean): void {
  const ps = ctx.server.pubsub;
  ctx.reply.array((ctx.argc - 2) * 2);
  for (let i = 2; i < ctx.argc; i++) {
    ctx.reply.bulk(ctx.arg(i));
    ctx.reply.integer(ps.subscriberCount(ctx.arg(i), shard));
  }
}

function help(ctx: Ctx): void {
  replyHelp(ctx, 'PUBSUB', [
    'CHANNELS [<pattern>]',
    '    List the channels that have at least one subscriber, optionally only those matching',
    '    <pattern> (a glob).',
    'NUMPAT',
    '    Count the distinct patterns that clients subscribe to.',
    'NUMSUB [<channel> ...]',
    '    For each channel, the number of its subscribers (pattern subscriptions are not',
    '    counted).',
    'SHARDCHANNELS [<pattern>]',
    '    Like CHANNELS, for shard channels.',
    'SHARDNUMSUB [<shardchannel> ...]',
    '    Like NUMSUB, for shard channels.',
  ]);
}
