// The CONNECTION group except CLIENT (commands/client.ts): PING, ECHO, SELECT, QUIT, HELLO, AUTH
// and RESET. Handlers change only the caller's session state; closing and pausing go through
// ctx.server.sessions, never a socket.

import type { Ctx } from '../exec/context.js';
import { Err } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import { validClientAttribute } from '../session/client-info.js';
import { parseIntNumber } from '../util/numbers.js';
import { clientCommand } from './client.js';
import { defineFamily } from './table.js';

const SESSION_FLAGS = ['noscript', 'loading', 'stale', 'fast', 'no_auth', 'allow_busy'] as const;

export const connectionFamily = defineFamily('connection', [
  { name: 'ping', arity: -1, flags: ['fast'], tips: ['request_policy:all_shards', 'response_policy:all_succeeded'], run: ping },
  { name: 'echo', arity: 2, flags: ['loading', 'stale', 'fast'], run: (ctx) => ctx.reply.bulk(ctx.arg(1)) },
  { name: 'select', arity: 2, flags: ['loading', 'stale', 'fast'], run: select },
  { name: 'quit', arity: -1, flags: ['allow_busy', 'noscript', 'loading', 'stale', 'fast', 'no_auth'], run: quit },
  { name: 'hello', arity: -1, flags: [...SESSION_FLAGS], run: hello },
  { name: 'auth', arity: -2, flags: [...SESSION_FLAGS], run: auth },
  { name: 'reset', arity: 1, flags: [...SESSION_FLAGS], run: reset },
  clientCommand,
]);

function ping(ctx: Ctx): void {
  if (ctx.argc > 2) throw Err.arity('ping');
  if (ctx.client.subscriptions !== null && ctx.client.resp === 2) {
    // A subscribed RESP2 client reads every reply as a pub/sub message: PING answers in that shape.
    ctx.reply.array(2);
    ctx.reply.bulk('pong');
    ctx.reply.bulk(ctx.argc === 2 ? ctx.arg(1) : '');
    return;
  }
  if (ctx.argc === 1) ctx.reply.simple('PONG');
  else ctx.reply.bulk(ctx.arg(1));
}

function select(ctx: Ctx): void {
  // Redis reads the index as a C int, with its own error past 32 bits.
  const index = parseIntNumber(ctx.arg(1));
  if (index === null) throw Err.notInteger();
  if (index < -0x80000000 || index > 0x7fffffff) throw Err.notInIntRange();
  if (ctx.server.config.bool('cluster-enabled') && index !== 0) throw Err.selectInCluster();
  if (index < 0 || index >= ctx.ks.dbs.length) throw Err.dbOutOfRange();
  ctx.client.dbIndex = index;
  ctx.reply.ok();
}

/** Deprecated in 7.2 (clients should just close), but still answers +OK and closes. */
function quit(ctx: Ctx): void {
  ctx.reply.ok();
  ctx.client.closeAfterReply = true;
}

// ---- authentication ----

/**
 * Checks a username/password pair against the default user: with no requirepass it accepts any
 * password (Redis's nopass), otherwise only requirepass. Other users belong to ACL.
 */
function checkPassword(ctx: Ctx, user: string, pass: string): boolean {
  if (user !== 'default') return false;
  const required = ctx.server.config.get('requirepass') ?? '';
  return required === '' || pass === required;
}

function authenticate(ctx: Ctx, user: string, pass: string): void {
  if (!checkPassword(ctx, user, pass)) throw Err.wrongPass();
  ctx.client.authenticated = true;
  ctx.client.user = user;
}

function auth(ctx: Ctx): void {
  if (ctx.argc > 3) throw Err.syntax();
  if (ctx.argc === 2) {
    // The one-argument form errors when the default user needs no password (Redis keeps this
    // old behaviour to point at configuration mistakes).
    if ((ctx.server.config.get('requirepass') ?? '') === '') throw Err.authNotConfigured();
    authenticate(ctx, 'default', ctx.arg(1));
  } else {
    authenticate(ctx, ctx.arg(1), ctx.arg(2));
  }
  ctx.reply.ok();
}

function hello(ctx: Ctx): void {
  let proto = 0;
  let i = 1;
  if (ctx.argc >= 2) {
    const v = parseIntNumber(ctx.arg(1));
    if (v === null) throw Err.protoVersion();
    if (v < 2 || v > 3) throw Err.noProto();
    proto = v;
    i = 2;
  }
  let user: string | null = null;
  let pass = '';
  let name: string | null = null;
  for (; i < ctx.argc; i++) {
    const more = ctx.argc - 1 - i;
    if (ctx.is(i, 'AUTH') && more >= 2) {
      user = ctx.arg(i + 1);
      pass = ctx.arg(i + 2);
      i += 2;
    } else if (ctx.is(i, 'SETNAME') && more >= 1) {
      name = ctx.arg(i + 1);
      if (!validClientAttribute(name)) throw Err.badClientName();
      i++;
    } else {
      throw Err.helloSyntax(ctx.arg(i));
    }
  }
  if (user !== null) authenticate(ctx, user, pass);
  const client = ctx.client;
  const required = (ctx.server.config.get('requirepass') ?? '') !== '';
  if (!client.authenticated && required) throw Err.helloNoAuth();
  if (name !== null) client.name = name;
  if (proto !== 0) client.resp = proto as 2 | 3;
  const r = ctx.reply;
  r.map(7);
  r.bulk('server');
  r.bulk('redis');
  r.bulk('version');
  r.bulk(ctx.server.redisVersion);
  r.bulk('proto');
  r.integer(client.resp);
  r.bulk('id');
  r.integer(client.id);
  r.bulk('mode');
  r.bulk(ctx.server.config.bool('cluster-enabled') ? 'cluster' : 'standalone');
  r.bulk('role');
  r.bulk((ctx.server.config.get('replicaof') ?? '') !== '' ? 'replica' : 'master');
  r.bulk('modules');
  r.array(0);
}

/**
 * RESET: the connection as if new, except its id and address. Other areas (MULTI, WATCH,
 * pub/sub, tracking, MONITOR) clean up their own state through the registry's reset hooks.
 */
function reset(ctx: Ctx): void {
  const c = ctx.client;
  resetSession(c, (ctx.server.config.get('requirepass') ?? '') === '');
  ctx.server.clients.runResetHooks(c);
  ctx.reply.simple('RESET');
}

function resetSession(c: Client, noPassword: boolean): void {
  c.dbIndex = 0;
  c.resp = 2;
  c.name = '';
  c.user = 'default';
  // Back to the default user: authenticated only when it needs no password.
  c.authenticated = noPassword;
  c.replyMode = 'on';
  c.noEvict = false;
  c.noTouch = false;
  c.flagLetters.delete('r'); // READONLY (cluster)
}
