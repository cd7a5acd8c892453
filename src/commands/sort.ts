// SORT and SORT_RO: sorting a list, set or sorted set numerically or bytewise (ALPHA), by the
// element itself or by external keys/hash fields (BY pattern), fetching other keys per element
// (GET), LIMIT, ASC/DESC and STORE (a list). Follows Redis 7.2's order of checks, its tie rules
// and its quirks (strtod-lenient scores, missing BY keys sort as 0). Never writes outside the
// Db API; SORT_RO never stores.

import type { Ctx } from '../exec/context.js';
import { HashValue } from '../keyspace/types/hash.js';
import { ListValue } from '../keyspace/types/list.js';
import type { SetValue } from '../keyspace/types/set.js';
import { stringOf } from '../keyspace/types/string.js';
import type { ZSetValue } from '../keyspace/types/zset.js';
import { isStringValue, typeName, type Value } from '../keyspace/value.js';
import { Err } from '../resp/errors.js';
import { parseDouble, parseIntNumber } from '../util/numbers.js';
import { defineFamily, keyAt, type ArgDoc, type CommandSpec, type KeyRef, type KeySpec } from './table.js';

const patternSpec: KeySpec = {
  flags: ['RO', 'access'], begin: { unknown: true }, find: { unknown: true },
  notes: 'The BY and GET patterns name keys built from the sorted elements, so they cannot be found in the arguments.',
};
const storeSpec: KeySpec = {
  flags: ['OW', 'update'], begin: { unknown: true }, find: { unknown: true },
  notes: 'STORE may appear anywhere among the options, so its key is found by scanning them.',
};

const commonArgs: ArgDoc[] = [
  { name: 'key', type: 'key', keySpecIndex: 0 },
  { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'BY', optional: true },
  { name: 'offset_count', type: 'block', token: 'LIMIT', optional: true, arguments: [
    { name: 'offset', type: 'integer' }, { name: 'count', type: 'integer' }] },
  { name: 'pattern', type: 'pattern', keySpecIndex: 1, token: 'GET', optional: true, multiple: true, multipleToken: true },
  { name: 'order', type: 'oneof', optional: true, arguments: [
    { name: 'asc', type: 'pure-token', token: 'ASC' }, { name: 'desc', type: 'pure-token', token: 'DESC' }] },
  { name: 'sorting', type: 'pure-token', token: 'ALPHA', optional: true },
];

const specs: CommandSpec[] = [
  {
    name: 'sort', arity: -2, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'RO', 'access'), patternSpec, storeSpec],
    acl: ['set', 'sortedset', 'list', 'dangerous'], aclRemove: ['keyspace'], getKeys: sortKeys, run: (ctx) => sort(ctx, false),
    doc: { summary: 'Sorts the elements of a list, set or sorted set, optionally storing the result in a list.', since: '1.0.0',
      complexity: 'O(N+M*log(M)): N elements to sort, M elements returned; O(N) when nothing is sorted.',
      arguments: [...commonArgs, { name: 'destination', type: 'key', keySpecIndex: 2, token: 'STORE', optional: true }] },
  },
  {
    name: 'sort_ro', arity: -2, flags: ['readonly'], keySpecs: [keyAt(1, 'RO', 'access'), patternSpec],
    acl: ['set', 'sortedset', 'list', 'dangerous'], aclRemove: ['keyspace'], getKeys: () => [{ pos: 1, flags: ['RO', 'access'] }],
    run: (ctx) => sort(ctx, true),
    doc: { summary: 'Sorts the elements of a list, set or sorted set without storing anything.', since: '7.0.0',
      complexity: 'O(N+M*log(M)): N elements to sort, M elements returned; O(N) when nothing is sorted.',
      arguments: commonArgs },
  },
];

export const sortFamily = defineFamily('generic', specs);

/**
 * Keys of a SORT call as Redis's sortGetKeys finds them: the sorted key, and the argument after
 * the last STORE, skipping the arguments of LIMIT, GET and BY (an unknown word skips nothing).
 */
function sortKeys(argv: readonly string[]): KeyRef[] {
  const keys: KeyRef[] = [{ pos: 1, flags: ['RO', 'access'] }];
  let store = -1;
  for (let i = 2; i < argv.length; i++) {
    const w = argv[i]!.toUpperCase();
    if (w === 'LIMIT') i += 2;
    else if (w === 'GET' || w === 'BY') i += 1;
    else if (w === 'STORE' && i + 1 < argv.length) store = i + 1;
  }
  if (store !== -1) keys.push({ pos: store, flags: ['OW', 'update'] });
  return keys;
}

/** One element being sorted: the element, its numeric score, or its ALPHA BY value (null: none). */
interface Item {
  ele: string;
  score: number;
  by: string | null;
}

function sort(ctx: Ctx, readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let dontsort = false;
  let sortby: string | null = null;
  let storeKey: string | null = null;
  const gets: string[] = [];
  const cluster = ctx.server.config.bool('cluster-enabled');
  for (let j = 2; j < ctx.argc; j++) {
    const left = ctx.argc - j - 1;
    if (ctx.is(j, 'ASC')) desc = false;
    else if (ctx.is(j, 'DESC')) desc = true;
    else if (ctx.is(j, 'ALPHA')) alpha = true;
    else if (ctx.is(j, 'LIMIT') && left >= 2) {
      const a = parseIntNumber(ctx.arg(j + 1));
      const b = a === null ? null : parseIntNumber(ctx.arg(j + 2));
      if (a === null || b === null) throw Err.notInteger();
      limitStart = a;
      limitCount = b;
      j += 2;
    } else if (!readonly && ctx.is(j, 'STORE') && left >= 1) {
      storeKey = ctx.arg(++j);
    } else if (ctx.is(j, 'BY') && left >= 1) {
      sortby = ctx.arg(++j);
      // A pattern without '*' names one key for every element: nothing to sort by.
      if (!sortby.includes('*')) dontsort = true;
      else if (cluster) throw Err.sortByInCluster();
    } else if (ctx.is(j, 'GET') && left >= 1) {
      if (cluster) throw Err.sortGetInCluster();
      gets.push(ctx.arg(++j));
    } else {
      throw Err.syntax();
    }
  }

  const db = ctx.db;
  const key = ctx.arg(1);
  const v = db.lookupRead(key);
  const type = v === undefined ? 'list' : typeName(v);
  if (type !== 'list' && type !== 'set' && type !== 'zset') throw Err.wrongType();

  // An unsorted set comes out in its internal order, which replicas and AOF need not share:
  // with STORE Redis sorts it bytewise instead.
  if (dontsort && type === 'set' && storeKey !== null) {
    dontsort = false;
    alpha = true;
    sortby = null;
  }
  // Redis converts a listpack sorted set to a skiplist for good before sorting it.
  if (type === 'zset') (v as ZSetValue).convertToSkiplist();

  const len = v === undefined ? 0 : (v as ListValue | SetValue | ZSetValue).size;
  let start = Math.min(Math.max(limitStart, 0), len);
  const count = Math.min(Math.max(limitCount, -1), len);
  let end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  // Lists and sorted sets that need no sorting are read straight in the wanted range and order.
  let items: Item[];
  if (dontsort && (type === 'list' || type === 'zset')) {
    items = [];
    if (end >= start && v !== undefined) {
      const n = end - start + 1;
      if (type === 'list') {
        const l = v as ListValue;
        const from = desc ? len - start - n : start;
        const els = l.range(from, from + n - 1);
        if (desc) els.reverse();
        for (const e of els) items.push({ ele: e, score: 0, by: null });
      } else {
        const z = v as ZSetValue;
        const lo = desc ? len - start - n : start;
        z.each(lo, lo + n - 1, desc, (m) => { items.push({ ele: m, score: 0, by: null }); });
      }
      end -= start;
      start = 0;
    }
  } else {
    const els = v === undefined ? [] : type === 'list' ? (v as ListValue).toArray()
      : type === 'set' ? (v as SetValue).members() : (v as ZSetValue).entries().members;
    items = els.map((e) => ({ ele: e, score: 0, by: null }));
  }

  if (!dontsort) {
    let bad = false;
    for (const it of items) {
      let byval: Value | string | undefined;
      if (sortby !== null) {
        byval = lookupByPattern(ctx, sortby, it.ele);
        if (byval === undefined) continue;
      } else {
        byval = it.ele;
      }
      if (alpha) {
        if (sortby !== null) it.by = textOf(byval);
      } else if (typeof byval === 'number') {
        it.score = byval;
      } else {
        const s = sortScoreOf(textOf(byval));
        if (s === null) bad = true;
        else it.score = s;
      }
    }
    if (bad) throw Err.sortScores();
    items.sort(comparator(alpha, sortby !== null, storeKey !== null, desc));
  }

  const outputLen = gets.length > 0 ? gets.length * (end - start + 1) : end - start + 1;
  if (storeKey === null) {
    const r = ctx.reply;
    r.array(outputLen);
    for (let j = start; j <= end; j++) {
      const ele = items[j]!.ele;
      if (gets.length === 0) r.bulk(ele);
      for (const g of gets) {
        const val = lookupByPattern(ctx, g, ele);
        if (val === undefined) r.null();
        else r.bulk(textOf(val));
      }
    }
    return;
  }
  const out: string[] = [];
  for (let j = start; j <= end; j++) {
    const ele = items[j]!.ele;
    if (gets.length === 0) out.push(ele);
    for (const g of gets) {
      const val = lookupByPattern(ctx, g, ele);
      out.push(val === undefined ? '' : textOf(val));
    }
  }
  if (outputLen > 0) {
    const list = new ListValue();
    list.push(out, 0, 'tail', ctx.server.config.num('list-max-listpack-size'));
    // Redis's setKey: a new key gets the 'new' event (after the write, before the command's own).
    const existed = db.peek(storeKey) !== undefined;
    db.set(storeKey, list);
    if (!existed) db.notify('new', storeKey, 'n');
    db.changed(storeKey, null, outputLen);
    db.notify('sortstore', storeKey, 'l');
  } else if (db.delete(storeKey)) {
    db.changed(storeKey, 'del');
  }
  ctx.reply.integer(outputLen);
}

/** Smallest normal double: strtod reports ERANGE for anything non-zero below it. */
const DBL_MIN = 2.2250738585072014e-308;

/**
 * A numeric sort score as Redis reads it with strtod: the text up to the first NUL, leading
 * white space allowed, nothing after the number; an empty text is 0 (strtod converts nothing
 * and stops at the end). NaN, overflow and underflow (ERANGE) are errors (null).
 */
export function sortScoreOf(text: string): number | null {
  const z = text.indexOf('\0');
  const s = z === -1 ? text : text.slice(0, z);
  if (s.length === 0) return 0;
  const v = parseDouble(s.replace(/^[ \t\n\v\f\r]+/, ''));
  if (v === null || (v !== 0 && Math.abs(v) < DBL_MIN)) return null;
  return v;
}

function textOf(v: Value | string): string {
  if (typeof v === 'string') return v;
  return stringOf(v as Parameters<typeof stringOf>[0]);
}

/**
 * Redis's lookupKeyByPattern: '#' is the element itself; otherwise the first '*' is replaced by
 * the element and the key read as a string, or, with "->field" after the '*', the field of the
 * hash at that key. A pattern without '*', a missing key or field, or a value of another type
 * gives undefined.
 */
function lookupByPattern(ctx: Ctx, pattern: string, ele: string): Value | string | undefined {
  if (pattern === '#') return ele;
  const star = pattern.indexOf('*');
  if (star === -1) return undefined;
  const arrow = pattern.indexOf('->', star + 1);
  const field = arrow !== -1 && arrow + 2 < pattern.length ? pattern.slice(arrow + 2) : null;
  const keyEnd = field !== null ? arrow : pattern.length;
  const key = pattern.slice(0, star) + ele + pattern.slice(star + 1, keyEnd);
  const v = ctx.db.lookupRead(key);
  if (v === undefined) return undefined;
  if (field !== null) return v instanceof HashValue ? v.get(field) : undefined;
  return isStringValue(v) ? v : undefined;
}

/** Byte comparison (memcmp, then length), as compareStringObjects. */
function binaryCompare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** strcoll in the C locale: bytes up to the first NUL. */
function collate(a: string, b: string): number {
  const za = a.indexOf('\0');
  const zb = b.indexOf('\0');
  return binaryCompare(za === -1 ? a : a.slice(0, za), zb === -1 ? b : b.slice(0, zb));
}

/**
 * Redis's sortCompare. Numeric ties fall back to the elements' bytes; ALPHA with BY puts
 * elements without a BY value first; DESC negates the result (so equal elements keep their
 * order, as with the C library's stable merge sort behind Redis's qsort).
 */
function comparator(alpha: boolean, byPattern: boolean, store: boolean, desc: boolean): (a: Item, b: Item) => number {
  const cmp = store ? binaryCompare : collate;
  let f: (a: Item, b: Item) => number;
  if (!alpha) {
    f = (a, b) => (a.score > b.score ? 1 : a.score < b.score ? -1 : binaryCompare(a.ele, b.ele));
  } else if (byPattern) {
    f = (a, b) => {
      if (a.by === null || b.by === null) return a.by === b.by ? 0 : a.by === null ? -1 : 1;
      return cmp(a.by, b.by);
    };
  } else {
    f = (a, b) => cmp(a.ele, b.ele);
  }
  return desc ? (a, b) => -f(a, b) : f;
}
