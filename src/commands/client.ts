// CLIENT and its subcommands: identity (ID, GETNAME, SETNAME, SETINFO, INFO, LIST), control of
// other connections (KILL, PAUSE, UNPAUSE) and of the caller's own (REPLY, NO-EVICT, NO-TOUCH).
// CACHING, TRACKING, GETREDIR and TRACKINGINFO come from commands/tracking.ts; UNBLOCK only asks
// the blocking layer (exec/blocking.ts).
// Closing and pausing go through ctx.server.sessions; nothing here touches a socket.

import type { Ctx } from '../exec/context.js';
import { Err } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import { clientInfoLine, clientType, parseClientType, validClientAttribute, type ClientType } from '../session/client-info.js';
import { parseIntNumber } from '../util/numbers.js';
import type { CommandSpec } from './table.js';
import { trackingSubcommands } from './tracking.js';

const SESSION = ['noscript', 'loading', 'stale'] as const;
const ADMIN = ['admin', 'noscript', 'loading', 'stale'] as const;

const subcommands: CommandSpec[] = [
  { name: 'id', arity: 2, flags: [...SESSION], run: (ctx) => ctx.reply.integer(ctx.client.id) },
  { name: 'getname', arity: 2, flags: [...SESSION], run: getName },
  { name: 'setname', arity: 3, flags: [...SESSION], run: setName },
  { name: 'setinfo', arity: 4, flags: [...SESSION], tips: ['request_policy:all_nodes', 'response_policy:all_succeeded'], run: setInfo },
  { name: 'info', arity: 2, flags: [...SESSION], tips: ['nondeterministic_output'], run: info },
  { name: 'list', arity: -2, flags: [...ADMIN], tips: ['nondeterministic_output'], run: list },
  { name: 'kill', arity: -3, flags: [...ADMIN], run: kill },
  { name: 'pause', arity: -3, flags: [...ADMIN], run: pause },
  { name: 'unpause', arity: 2, flags: [...ADMIN], run: unpause },
  { name: 'reply', arity: 3, flags: [...SESSION], run: reply },
  { name: 'no-evict', arity: 3, flags: [...ADMIN], run: noEvict },
  { name: 'no-touch', arity: 3, flags: [...SESSION], run: noTouch },
  { name: 'help', arity: 2, flags: ['loading', 'stale'], run: help },
  { name: 'unblock', arity: -3, flags: [...ADMIN], run: unblock },
  ...trackingSubcommands,
];

/** Registered with the connection family (commands/connection.ts). */
export const clientCommand: CommandSpec = { name: 'client', arity: -2, flags: [], subcommands };

// ---- identity ----

function getName(ctx: Ctx): void {
  if (ctx.client.name === '') ctx.reply.null();
  else ctx.reply.bulk(ctx.client.name);
}

function setName(ctx: Ctx): void {
  const name = ctx.arg(2);
  if (!validClientAttribute(name)) throw Err.badClientName();
  ctx.client.name = name;
  ctx.reply.ok();
}

/** CLIENT SETINFO LIB-NAME|LIB-VER value (Redis 7.2). An empty value clears the attribute. */
function setInfo(ctx: Ctx): void {
  const attr = ctx.arg(2);
  const value = ctx.arg(3);
  const which = attr.toLowerCase();
  if (which !== 'lib-name' && which !== 'lib-ver') throw Err.unrecognizedOption(attr);
  if (!validClientAttribute(value)) throw Err.badClientAttribute(attr);
  if (which === 'lib-name') ctx.client.libName = value;
  else ctx.client.libVer = value;
  ctx.reply.ok();
}

/** The caller's own line shows the command it is running and its argument bytes, as in Redis. */
function lineFor(ctx: Ctx, c: Client, now: number): string {
  if (c !== ctx.client) return clientInfoLine(c, now);
  // Inside EXEC Redis shows the EXEC being run: its name and its argument bytes.
  if (ctx.inTransaction) return clientInfoLine(c, now, 'exec', 4);
  let argvMem = 0;
  for (const a of ctx.argv) argvMem += a.length;
  return clientInfoLine(c, now, ctx.cmd.fullName, argvMem);
}

function info(ctx: Ctx): void {
  ctx.reply.verbatim(lineFor(ctx, ctx.client, Date.now()) + '\n');
}

function list(ctx: Ctx): void {
  const now = Date.now();
  const clients = ctx.server.clients;
  let out = '';
  if (ctx.argc === 4 && ctx.is(2, 'TYPE')) {
    const type = parseClientType(ctx.arg(3));
    if (type === null) throw Err.unknownClientType(ctx.arg(3));
    for (const c of clients) if (!c.closing && clientType(c) === type) out += lineFor(ctx, c, now) + '\n';
  } else if (ctx.argc > 3 && ctx.is(2, 'ID')) {
    // Every id is checked before anything is listed; unknown ids are skipped, repeats repeat.
    const ids: number[] = [];
    for (let i = 3; i < ctx.argc; i++) {
      const id = parseIntNumber(ctx.arg(i));
      if (id === null) throw Err.invalidClientId();
      ids.push(id);
    }
    for (const id of ids) {
      const c = clients.get(id);
      if (c !== undefined && !c.closing) out += lineFor(ctx, c, now) + '\n';
    }
  } else if (ctx.argc !== 2) {
    throw Err.syntax();
  } else {
    for (const c of clients) if (!c.closing) out += lineFor(ctx, c, now) + '\n';
  }
  ctx.reply.verbatim(out);
}

// ---- other connections ----

interface KillFilter {
  id: number | null;
  type: ClientType | null;
  user: string | null;
  addr: string | null;
  laddr: string | null;
  skipMe: boolean;
  maxAge: number;
}

function kill(ctx: Ctx): void {
  const f: KillFilter = { id: null, type: null, user: null, addr: null, laddr: null, skipMe: true, maxAge: 0 };
  const legacy = ctx.argc === 3;
  if (legacy) {
    // CLIENT KILL ip:port: the old form, which may kill the caller itself.
    f.addr = ctx.arg(2);
    f.skipMe = false;
  } else {
    for (let i = 2; i < ctx.argc; i += 2) {
      if (i + 1 >= ctx.argc) throw Err.syntax();
      const value = ctx.arg(i + 1);
      if (ctx.is(i, 'ID')) {
        const id = parseIntNumber(value);
        if (id === null || id < 1) throw Err.clientIdPositive();
        f.id = id;
      } else if (ctx.is(i, 'TYPE')) {
        f.type = parseClientType(value);
        if (f.type === null) throw Err.unknownClientType(value);
      } else if (ctx.is(i, 'ADDR')) {
        f.addr = value;
      } else if (ctx.is(i, 'LADDR')) {
        f.laddr = value;
      } else if (ctx.is(i, 'USER')) {
        // Until ACL users exist, the default user is the only one.
        if (value !== 'default') throw Err.noSuchUser(value);
        f.user = value;
      } else if (ctx.is(i, 'SKIPME')) {
        const v = value.toLowerCase();
        if (v !== 'yes' && v !== 'no') throw Err.syntax();
        f.skipMe = v === 'yes';
      } else if (ctx.is(i, 'MAXAGE')) {
        // MAXAGE comes from Redis 7.4; accepting it is a superset of 7.2.
        const age = parseIntNumber(value);
        if (age === null) throw Err.notInteger();
        f.maxAge = age;
      } else {
        throw Err.syntax();
      }
    }
  }
  const now = Date.now();
  const victims: Client[] = [];
  for (const c of ctx.server.clients) {
    if (c.closing || !matches(c, f, now)) continue;
    if (c === ctx.client && f.skipMe) continue;
    victims.push(c);
  }
  for (const c of victims) ctx.server.sessions.kill(c, ctx.client);
  if (legacy) {
    if (victims.length === 0) throw Err.noSuchClient();
    ctx.reply.ok();
  } else {
    ctx.reply.integer(victims.length);
  }
}

function matches(c: Client, f: KillFilter, now: number): boolean {
  if (f.addr !== null && c.transport.remoteAddress !== f.addr) return false;
  if (f.laddr !== null && c.transport.localAddress !== f.laddr) return false;
  if (f.type !== null && clientType(c) !== f.type) return false;
  if (f.id !== null && c.id !== f.id) return false;
  if (f.user !== null && c.user !== f.user) return false;
  if (f.maxAge !== 0 && Math.floor((now - c.createdAt) / 1000) <= f.maxAge) return false;
  return true;
}

function pause(ctx: Ctx): void {
  const ms = parseIntNumber(ctx.arg(2));
  if (ms === null) throw Err.timeoutNotInteger();
  if (ms < 0) throw Err.timeoutNegative();
  let mode: 'all' | 'write' = 'all';
  if (ctx.argc === 4) {
    if (ctx.is(3, 'WRITE')) mode = 'write';
    else if (!ctx.is(3, 'ALL')) throw Err.pauseMode();
  } else if (ctx.argc > 4) {
    throw Err.subcommandSyntax(ctx.arg(1), 'client');
  }
  ctx.server.sessions.pause.pause(ms, mode);
  ctx.reply.ok();
}

function unpause(ctx: Ctx): void {
  ctx.server.sessions.pause.unpause();
  ctx.reply.ok();
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: 1 when the client was parked by a blocking command. */
function unblock(ctx: Ctx): void {
  if (ctx.argc > 4) throw Err.subcommandSyntax(ctx.arg(1), 'client');
  let asError = false;
  if (ctx.argc === 4) {
    if (ctx.is(3, 'ERROR')) asError = true;
    else if (!ctx.is(3, 'TIMEOUT')) throw Err.unblockReason();
  }
  const id = ctx.int(2);
  const target = ctx.server.clients.get(id);
  // A client held by CLIENT PAUSE is not blocked in a command: Redis 7.2 leaves it alone.
  const done = target !== undefined && !target.closing &&
    ctx.server.blocking.unblock(target, asError ? Err.unblockedByClient().text : null);
  ctx.reply.integer(done ? 1 : 0);
}

// ---- the caller's own connection ----

function reply(ctx: Ctx): void {
  const c = ctx.client;
  if (ctx.is(2, 'ON')) {
    c.replyMode = 'on';
    ctx.reply.ok();
  } else if (ctx.is(2, 'OFF')) {
    c.replyMode = 'off';
  } else if (ctx.is(2, 'SKIP')) {
    // SKIP while OFF changes nothing: replies are already off.
    if (c.replyMode !== 'off') c.replyMode = 'skip';
  } else {
    throw Err.syntax();
  }
}

function onOff(ctx: Ctx): boolean {
  if (ctx.is(2, 'ON')) return true;
  if (ctx.is(2, 'OFF')) return false;
  throw Err.syntax();
}

function noEvict(ctx: Ctx): void {
  ctx.client.noEvict = onOff(ctx);
  ctx.reply.ok();
}

/** NO-TOUCH ON: this client's reads do not update keys' access time (Redis 7.2). */
function noTouch(ctx: Ctx): void {
  ctx.client.noTouch = onOff(ctx);
  ctx.reply.ok();
}

const HELP_LINES = [
  'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:',
  'GETNAME',
  "    Return this connection's name.",
  'ID',
  "    Return this connection's id.",
  'INFO',
  '    Return information about this connection, as one CLIENT LIST line.',
  'KILL <ip:port>',
  '    Close the connection from <ip:port>.',
  'KILL <option> <value> [<option> <value> [...]]',
  '    Close every connection matching all the filters:',
  '    * ID <client-id>',
  '    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)',
  '    * USER <username>',
  '    * ADDR (<ip:port>|<unixsocket>:0)',
  '    * LADDR (<ip:port>|<unixsocket>:0)',
  '    * SKIPME (YES|NO): spare the calling connection (default YES).',
  '    * MAXAGE <seconds>: only connections older than this.',
  'LIST [TYPE (NORMAL|MASTER|REPLICA|PUBSUB)] [ID <client-id> ...]',
  '    Describe connections, one line each.',
  'UNPAUSE',
  '    End a CLIENT PAUSE now.',
  'UNBLOCK <client-id> [TIMEOUT|ERROR]',
  '    End the wait of a client blocked in a blocking command, with its timeout reply or an error.',
  'PAUSE <timeout> [WRITE|ALL]',
  '    Hold the commands of every client (or only writes) for <timeout> milliseconds.',
  'REPLY (ON|OFF|SKIP)',
  '    Turn replies to this connection on or off, or skip the next one.',
  'SETNAME <name>',
  '    Name this connection.',
  'SETINFO <LIB-NAME|LIB-VER> <value>',
  '    Record the client library name or version for CLIENT LIST.',
  'NO-EVICT (ON|OFF)',
  '    Keep this connection out of client eviction.',
  'NO-TOUCH (ON|OFF)',
  "    Do not update the keys' access time for this connection's commands.",
  'TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]] [OPTIN] [OPTOUT] [NOLOOP]',
  '    Turn client-side caching invalidations on or off:',
  '    * REDIRECT <id>: send them to the connection <id> (RESP2: subscribed to __redis__:invalidate).',
  '    * BCAST: announce every modified key matching the prefixes, read or not.',
  '    * PREFIX <prefix>: a prefix for BCAST (all keys when none is given).',
  '    * OPTIN: track only reads after CLIENT CACHING YES.',
  '    * OPTOUT: track reads except after CLIENT CACHING NO.',
  "    * NOLOOP: no invalidations for this connection's own writes.",
  'CACHING (YES|NO)',
  '    With OPTIN (YES) or OPTOUT (NO): change tracking for the next command or transaction.',
  'GETREDIR',
  '    Return the id invalidations are redirected to (0: none; -1: tracking off).',
  'TRACKINGINFO',
  "    Describe this connection's tracking: flags, redirect and prefixes.",
  'HELP',
  '    Print this help.',
];

function help(ctx: Ctx): void {
  ctx.reply.array(HELP_LINES.length);
  for (const l of HELP_LINES) ctx.reply.simple(l);
}
