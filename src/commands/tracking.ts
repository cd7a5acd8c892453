// CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO: argument parsing,
// Redis's validation order and replies. The tracking table, invalidations and the per-client
// mode live in tracking/tracking.ts (reached through ctx.server.tracking); nothing here sends
// an invalidation.

import type { Ctx } from '../exec/context.js';
import { Err } from '../resp/errors.js';
import { parseIntNumber } from '../util/numbers.js';
import type { CommandSpec } from './table.js';

const SESSION = ['noscript', 'loading', 'stale'] as const;

/** Registered under CLIENT (commands/client.ts). */
export const trackingSubcommands: CommandSpec[] = [
  { name: 'tracking', arity: -3, flags: [...SESSION], run: tracking },
  { name: 'caching', arity: 3, flags: [...SESSION], run: caching },
  { name: 'getredir', arity: 2, flags: [...SESSION], run: getRedir },
  { name: 'trackinginfo', arity: 2, flags: [...SESSION], run: trackingInfo },
];

/** CLIENT TRACKING ON|OFF [REDIRECT id] [PREFIX p ...] [BCAST] [OPTIN] [OPTOUT] [NOLOOP] */
function tracking(ctx: Ctx): void {
  let redirect = 0;
  let bcast = false;
  let optin = false;
  let optout = false;
  let noloop = false;
  const prefixes: string[] = [];
  // Options are parsed (and a redirect target looked up) before ON/OFF is even read, so that
  // OFF with a bad option fails too, as in Redis.
  for (let i = 3; i < ctx.argc; i++) {
    const more = i < ctx.argc - 1;
    if (more && ctx.is(i, 'REDIRECT')) {
      i++;
      if (redirect !== 0) throw Err.trackingOneRedirect();
      const id = parseIntNumber(ctx.arg(i));
      if (id === null) throw Err.notInteger();
      const target = ctx.server.clients.get(id);
      if (target === undefined) throw Err.trackingNoRedirectTarget();
      redirect = id;
    } else if (ctx.is(i, 'BCAST')) {
      bcast = true;
    } else if (ctx.is(i, 'OPTIN')) {
      optin = true;
    } else if (ctx.is(i, 'OPTOUT')) {
      optout = true;
    } else if (ctx.is(i, 'NOLOOP')) {
      noloop = true;
    } else if (more && ctx.is(i, 'PREFIX')) {
      prefixes.push(ctx.arg(++i));
    } else {
      throw Err.syntax();
    }
  }
  const c = ctx.client;
  if (ctx.is(2, 'OFF')) {
    ctx.server.tracking.disable(c);
    ctx.reply.ok();
    return;
  }
  if (!ctx.is(2, 'ON')) throw Err.syntax();
  const t = c.tracking;
  if (!bcast && prefixes.length > 0) throw Err.trackingPrefixNeedsBcast();
  if (t !== null && t.bcast !== bcast) throw Err.trackingBcastSwitch();
  if (bcast && (optin || optout)) throw Err.trackingOptBcast();
  if (optin && optout) throw Err.trackingOptinOptout();
  if (t !== null && ((optin && t.optout) || (optout && t.optin))) throw Err.trackingOptSwitch();
  if (bcast) checkPrefixes(prefixes, t?.prefixes ?? null);
  ctx.server.tracking.enable(c, { redirect, bcast, optin, optout, noloop, prefixes });
  ctx.reply.ok();
}

/**
 * A client's prefixes must not overlap (one a prefix of the other, or equal), or a key would be
 * announced twice. The existing prefixes are compared in byte order, as Redis walks them.
 * Redis 7.0/7.2 answer an overlap among the given prefixes found after the first one with the
 * error and then +OK, enabling tracking anyway: nodis answers the error alone and changes nothing.
 */
function checkPrefixes(given: readonly string[], existing: ReadonlySet<string> | null): void {
  const old = existing === null ? [] : [...existing].sort(byteOrder);
  for (let i = 0; i < given.length; i++) {
    const p = given[i]!;
    for (const e of old) if (overlap(e, p)) throw Err.trackingPrefixOverlapsExisting(p, e);
    for (let j = i + 1; j < given.length; j++) {
      if (overlap(p, given[j]!)) throw Err.trackingPrefixOverlapsGiven(p, given[j]!);
    }
  }
}

function overlap(a: string, b: string): boolean {
  return a.length <= b.length ? b.startsWith(a) : a.startsWith(b);
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** CLIENT CACHING YES|NO: whether the next command's reads are tracked (OPTIN / OPTOUT). */
function caching(ctx: Ctx): void {
  const t = ctx.client.tracking;
  if (t === null) throw Err.cachingNotTracking();
  if (ctx.is(2, 'YES')) {
    if (!t.optin) throw Err.cachingYesNeedsOptin();
  } else if (ctx.is(2, 'NO')) {
    if (!t.optout) throw Err.cachingNoNeedsOptout();
  } else {
    throw Err.syntax();
  }
  t.caching = true;
  ctx.reply.ok();
}

/** The redirect target's id, 0 when tracking without redirect, -1 when tracking is off. */
function getRedir(ctx: Ctx): void {
  const t = ctx.client.tracking;
  ctx.reply.integer(t === null ? -1 : t.redirect);
}

function trackingInfo(ctx: Ctx): void {
  const t = ctx.client.tracking;
  const r = ctx.reply;
  r.map(3);
  r.bulk('flags');
  if (t === null) {
    r.set(1);
    r.bulk('off');
  } else {
    const flags = ['on'];
    if (t.bcast) flags.push('bcast');
    if (t.optin) {
      flags.push('optin');
      if (t.caching) flags.push('caching-yes');
    }
    if (t.optout) {
      flags.push('optout');
      if (t.caching) flags.push('caching-no');
    }
    if (t.noloop) flags.push('noloop');
    if (t.brokenRedirect) flags.push('broken_redirect');
    r.set(flags.length);
    for (const f of flags) r.bulk(f);
  }
  r.bulk('redirect');
  r.integer(t === null ? -1 : t.redirect);
  r.bulk('prefixes');
  const prefixes = t === null ? [] : [...t.prefixes].sort(byteOrder);
  r.array(prefixes.length);
  for (const p of prefixes) r.bulk(p);
}
