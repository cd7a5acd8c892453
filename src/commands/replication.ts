// REPLICAOF / SLAVEOF (follow a primary, or NO ONE to become one) and ROLE. Argument checks and
// replies only: the link, the sync and the state live in replication/replica.ts, reached through
// ServerApi.replication. The primary side (SYNC, PSYNC, REPLCONF, WAIT) will join this family.

import type { Ctx } from '../exec/context.js';
import { Err } from '../resp/errors.js';
import { parseIntNumber } from '../util/numbers.js';
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
