// REPLICAOF / SLAVEOF (follow a primary, or NO ONE to become one), ROLE, and the primary side's
// SYNC, PSYNC, REPLCONF and WAIT. Argument checks and replies only: the link, the sync and the
// state live in replication/replica.ts and replication/primary.ts, reached through
// ServerApi.replication and ServerApi.primary; WAIT parks like any blocking command.

import type { Ctx } from '../exec/context.js';
import { REPLICATION_ACK_EVENT } from '../exec/replication-api.js';
import { Err } from '../resp/errors.js';
import { parseIntNumber } from '../util/numbers.js';
import { blockTimeout } from './blocking.js';
import { defineFamily, type CommandDoc } from './table.js';

const replicaofArgs: CommandDoc['arguments'] = [
  {
    name: 'args', type: 'oneof', arguments: [
      { name: 'host-port', type: 'block', arguments: [{ name: 'host', type: 'string' }, { name: 'port', type: 'integer' }] },
      { name: 'no-one', type: 'block', arguments: [{ name: 'no', type: 'pure-token', token: 'NO' }, { name: 'one', type: 'pure-token', token: 'ONE' }] },
    ],
  },
];

export const replicationFamily = defineFamily('server', [
  {
    name: 'replicaof', arity: 3, flags: ['admin', 'noscript', 'stale', 'no_async_loading'], run: replicaof,
    doc: { summary: 'Follows another server as its replica, or stops following and becomes a primary.', since: '5.0.0', complexity: 'O(1)', arguments: replicaofArgs },
  },
  {
    name: 'slaveof', arity: 3, flags: ['admin', 'noscript', 'stale', 'no_async_loading'], run: replicaof,
    doc: {
      summary: 'Follows another server as its replica, or stops following and becomes a primary.', since: '1.0.0', complexity: 'O(1)',
      docFlags: ['deprecated'], deprecatedSince: '5.0.0', replacedBy: '`REPLICAOF`', arguments: replicaofArgs,
    },
  },
  {
    name: 'sync', arity: 1, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], run: sync,
    doc: { summary: 'An internal command used in replication: asks for a full copy of the data set.', since: '1.0.0', complexity: '' },
  },
  {
    name: 'psync', arity: -3, flags: ['admin', 'noscript', 'no_async_loading', 'no_multi'], run: sync,
    doc: {
      summary: 'An internal command used in replication: asks to continue a replication history from an offset.', since: '2.8.0', complexity: '',
      arguments: [{ name: 'replicationid', type: 'string' }, { name: 'offset', type: 'integer' }],
    },
  },
  {
    name: 'replconf', arity: -1, flags: ['admin', 'noscript', 'loading', 'stale', 'allow_busy'], run: replconf,
    doc: { summary: 'An internal command for configuring the replication stream.', since: '3.0.0', complexity: 'O(1)', docFlags: ['syscmd'] },
  },
  {
    name: 'role', arity: 1, flags: ['noscript', 'loading', 'stale', 'fast'], acl: ['admin', 'dangerous'], run: role,
    doc: { summary: 'Tells whether this server is a primary or a replica, with its replication state.', since: '2.8.12', complexity: 'O(1)' },
  },
]);

function replicaof(ctx: Ctx): void {
  if (ctx.server.config.bool('cluster-enabled')) throw Err.replicaofInCluster();
  const repl = ctx.server.replication;
  if (repl.failingOver) throw Err.replicaofWhileFailingOver();
  if (ctx.is(1, 'NO') && ctx.is(2, 'ONE')) {
    repl.promote(ctx.client);
    ctx.reply.ok();
    return;
  }
  if (ctx.client.flagLetters.has('S')) throw Err.replicaofFromReplica();
  const port = parseIntNumber(ctx.arg(2));
  if (port === null || port < 0 || port > 65535) throw Err.invalidPrimaryPort();
  if (!repl.follow(ctx.arg(1), port, ctx.client)) {
    ctx.reply.simple('OK Already connected to specified master');
    return;
  }
  ctx.reply.ok();
}

function role(ctx: Ctx): void {
  const r = ctx.server.replication.role();
  const out = ctx.reply;
  if (r.role === 'master') {
    out.array(3);
    out.bulk('master');
    out.integer(r.offset);
    out.array(r.replicas.length);
    for (const [ip, port, offset] of r.replicas) out.bulkArray([ip, port, offset]);
    return;
  }
  out.array(5);
  out.bulk('slave');
  out.bulk(r.host);
  out.integer(r.port);
  out.bulk(r.state);
  out.integer(r.offset);
}

export const waitFamily = defineFamily('generic', [
  {
    name: 'wait', arity: 3, flags: ['noscript'], acl: ['connection'], aclRemove: ['keyspace'],
    tips: ['request_policy:all_shards', 'response_policy:agg_min'], run: wait,
    doc: {
      summary: 'Blocks until the writes of this connection were acknowledged by a number of replicas, or a timeout.',
      since: '3.0.0', complexity: 'O(1)',
      arguments: [{ name: 'numreplicas', type: 'integer' }, { name: 'timeout', type: 'integer' }],
    },
  },
  {
    name: 'waitaof', arity: 4, flags: ['noscript'], acl: ['connection'], aclRemove: ['keyspace'],
    tips: ['request_policy:all_shards', 'response_policy:agg_min'], run: waitaof,
    doc: {
      summary: 'Blocks until the writes of this connection were fsynced to the append-only file of this server and/or of a number of replicas, or a timeout.',
      since: '7.2.0', complexity: 'O(1)',
      arguments: [{ name: 'numlocal', type: 'integer' }, { name: 'numreplicas', type: 'integer' }, { name: 'timeout', type: 'integer' }],
    },
  },
]);

/**
 * WAITAOF numlocal numreplicas timeout(ms) (Redis 7.2): answers [local, replicas], the number of
 * AOFs (ours: 0 or 1; the replicas' from the FACK of their ACKs) that fsynced the client's own
 * last write (its woff), once both reach what was asked; otherwise parks like WAIT, on the
 * replication-ack event, which both replica ACKs and our own fsyncs signal. A re-run checks the
 * arguments again, so turning AOF off makes a parked local wait fail as in Redis.
 */
function waitaof(ctx: Ctx): void {
  const numlocal = ctx.int(1);
  if (numlocal < 0 || numlocal > 1) throw Err.valueOutOfRangeBetween('0', '1');
  const numreplicas = ctx.int(2);
  if (numreplicas < 0) throw Err.outOfRangePositive('value');
  const deadline = blockTimeout(ctx, 3, 'ms');
  if (ctx.server.replication.role().role === 'slave') throw Err.waitaofOnReplica();
  if (numlocal > 0 && !ctx.server.config.bool('appendonly')) throw Err.waitaofNoAof();
  const primary = ctx.server.primary;
  const woff = ctx.client.woff;
  const local = primary.localFsynced() >= woff ? 1 : 0;
  const replicas = primary.aofAckedAtLeast(woff);
  if (local >= numlocal && replicas >= numreplicas) {
    ctx.reply.array(2);
    ctx.reply.integer(local);
    ctx.reply.integer(replicas);
    return;
  }
  const blocking = ctx.server.blocking;
  const first = blocking.rerunning !== ctx.client;
  const parked = blocking.park(ctx, {
    keys: [], type: null, event: REPLICATION_ACK_EVENT, deadline,
    timedOut: (reply, client) => {
      reply.array(2);
      reply.integer(primary.localFsynced() >= client.woff ? 1 : 0);
      reply.integer(primary.aofAckedAtLeast(client.woff));
    },
  });
  if (!parked) {
    ctx.reply.array(2);
    ctx.reply.integer(local);
    ctx.reply.integer(replicas);
  } else if (first) {
    primary.requestAck();
  }
}

function sync(ctx: Ctx): void {
  const e = ctx.server.primary.sync(ctx.client, ctx.argv);
  if (e !== null) throw e;
}

function replconf(ctx: Ctx): void {
  const r = ctx.server.primary.replconf(ctx.client, ctx.argv);
  if (r === 'ok') ctx.reply.ok();
  else if (r !== 'none') throw r;
}

/**
 * WAIT numreplicas timeout(ms): answers with the number of replicas that acknowledged the
 * client's own last write (its woff) once that is enough; otherwise parks on the replication-ack
 * event and, run again on each ACK, checks once more. Timeout and CLIENT UNBLOCK answer the count
 * reached then; inside MULTI it cannot park and answers the count at once.
 */
function wait(ctx: Ctx): void {
  if (ctx.server.replication.role().role === 'slave') throw Err.waitOnReplica();
  const numreplicas = ctx.int(1);
  const deadline = blockTimeout(ctx, 2, 'ms');
  const primary = ctx.server.primary;
  const acked = primary.ackedAtLeast(ctx.client.woff);
  if (acked >= numreplicas) {
    ctx.reply.integer(acked);
    return;
  }
  const blocking = ctx.server.blocking;
  // A re-run that parks again keeps its first wait: the replicas were already asked for an ACK.
  const first = blocking.rerunning !== ctx.client;
  const parked = blocking.park(ctx, {
    keys: [], type: null, event: REPLICATION_ACK_EVENT, deadline,
    timedOut: (reply, client) => reply.integer(primary.ackedAtLeast(client.woff)),
  });
  if (!parked) ctx.reply.integer(acked);
  else if (first) primary.requestAck();
}
