// Argument parsing shared by the sorted-set commands: scores (strict, as ZADD reads them), score
// bounds (strtod-lenient, as Redis's range parser reads them), lex bounds, the encoding limits,
// and replies of member/score pairs in the RESP2 and RESP3 shapes Redis uses.

import type { Ctx } from '../../exec/context.js';
import type { LexRange, ScoreRange, ZSetLimits } from '../../keyspace/types/zset.js';
import { Err } from '../../resp/errors.js';
import { parseDouble } from '../../util/numbers.js';

export function zsetLimits(ctx: Ctx): ZSetLimits {
  const c = ctx.server.config;
  return { listpackEntries: c.num('zset-max-listpack-entries'), listpackValue: c.num('zset-max-listpack-value') };
}

const INF_TEXT = /^[+-]?inf(inity)?$/i;

/**
 * A double as Redis's getDoubleFromObject reads it: the whole string, no leading space, no NaN,
 * and no overflow to infinity or underflow to zero (strtod's ERANGE) unless spelled so.
 */
export function strictDouble(s: string): number | null {
  const v = parseDouble(s);
  if (v === null) return null;
  if (!Number.isFinite(v) && !INF_TEXT.test(s)) return null;
  if (v === 0 && /[1-9]/.test(s.replace(/[eEpP].*$/, ''))) return null;
  return v;
}

/** A score argument (ERR value is not a valid float otherwise). */
export function scoreArg(ctx: Ctx, i: number): number {
  const v = strictDouble(ctx.arg(i));
  if (v === null) throw Err.notFloat();
  return v;
}

/**
 * A bound as strtod reads it without an error check: leading whitespace is skipped, an empty
 * string is 0, overflow gives infinity; the rest of the string must be consumed; NaN is refused.
 */
function lenientDouble(s: string): number | null {
  if (s.length === 0) return 0;
  const c = s.charCodeAt(0);
  // strtod's isspace set: ' ' and \t..\r. Most bounds start with neither (no regex then).
  const t = c === 32 || (c >= 9 && c <= 13) ? s.replace(/^[ \t\n\v\f\r]+/, '') : s;
  if (t.length === 0) return null;
  return parseDouble(t);
}

/** Parses a score range bound pair ("(" for exclusive, inf spelled as strtod accepts). */
export function parseScoreRange(minArg: string, maxArg: string): ScoreRange {
  const r: ScoreRange = { min: 0, max: 0, minEx: false, maxEx: false };
  const a = bound(minArg);
  const b = bound(maxArg);
  if (a === null || b === null) throw Err.minMaxNotFloat();
  [r.min, r.minEx] = a;
  [r.max, r.maxEx] = b;
  return r;
}

function bound(s: string): [number, boolean] | null {
  const ex = s.charCodeAt(0) === 40; // '('
  const v = lenientDouble(ex ? s.slice(1) : s);
  return v === null ? null : [v, ex];
}

/** Parses a lex range: '[' inclusive, '(' exclusive, '-' and '+' the infinities. */
export function parseLexRange(minArg: string, maxArg: string): LexRange {
  const a = lexBound(minArg);
  const b = lexBound(maxArg);
  if (a === null || b === null) throw Err.minMaxNotLex();
  return { min: a[0], minEx: a[1], max: b[0], maxEx: b[1] };
}

function lexBound(s: string): [string | number, boolean] | null {
  const c = s.charCodeAt(0);
  if (s.length === 1 && c === 43) return [Infinity, false]; // '+'
  if (s.length === 1 && c === 45) return [-Infinity, false]; // '-'
  if (c === 91) return [s.slice(1), false]; // '['
  if (c === 40) return [s.slice(1), true]; // '('
  return null;
}

/**
 * Starts a reply of n member/score pairs (or n members without scores): RESP3 nests each pair
 * in its own array, RESP2 flattens them.
 */
export function beginPairs(ctx: Ctx, n: number, withScores: boolean): void {
  ctx.reply.array(withScores && ctx.reply.resp === 2 ? n * 2 : n);
}

export function pair(ctx: Ctx, member: string, score: number, withScores: boolean): void {
  if (!withScores) return ctx.reply.bulk(member);
  if (ctx.reply.resp === 3) ctx.reply.array(2);
  ctx.reply.bulk(member);
  ctx.reply.double(score);
}
