// The STRING group: the command table entries for all 22 string commands, and the handlers
// that read or edit string bytes (GET, MGET, STRLEN, GETRANGE/SUBSTR, APPEND, SETRANGE, MSET,
// MSETNX). SET and its relatives live in string/set.ts, counters in string/counters.ts, LCS in
// string/lcs.ts. Storage forms and encodings live in keyspace/types/string.ts.

import type { Ctx } from '../exec/context.js';
import { MutableString, storedString, stringLength, stringOf, type StringValue } from '../keyspace/types/string.js';
import { isStringValue } from '../keyspace/value.js';
import { Err } from '../resp/errors.js';
import { decr, decrby, incr, incrby, incrbyfloat } from './string/counters.js';
import { lcs } from './string/lcs.js';
import { getdel, getex, getset, psetex, set, setex, setnx, storeString } from './string/set.js';
import { defineFamily, keyAt, keyRange, type KeyRef, type KeySpecFlag } from './table.js';

const rw = (...f: KeySpecFlag[]) => [keyAt(1, ...f)];

export const stringFamily = defineFamily('string', [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], keySpecs: rw('RO', 'access'), run: get },
  {
    name: 'set', arity: -3, flags: ['write', 'denyoom'], run: set, getKeys: setKeys,
    keySpecs: [{ ...keyAt(1, 'RW', 'access', 'update', 'variable_flags'), notes: 'RW and ACCESS due to the optional `GET` argument' }],
  },
  { name: 'setnx', arity: 3, flags: ['write', 'denyoom', 'fast'], keySpecs: rw('OW', 'insert'), run: setnx },
  { name: 'setex', arity: 4, flags: ['write', 'denyoom'], keySpecs: rw('OW', 'update'), run: setex },
  { name: 'psetex', arity: 4, flags: ['write', 'denyoom'], keySpecs: rw('OW', 'update'), run: psetex },
  { name: 'getset', arity: 3, flags: ['write', 'denyoom', 'fast'], keySpecs: rw('RW', 'access', 'update'), run: getset },
  { name: 'getdel', arity: 2, flags: ['write', 'fast'], keySpecs: rw('RW', 'access', 'delete'), run: getdel },
  {
    name: 'getex', arity: -2, flags: ['write', 'fast'], run: getex,
    keySpecs: [{ ...keyAt(1, 'RW', 'access', 'update'), notes: 'RW and UPDATE because it changes the TTL' }],
  },
  { name: 'mget', arity: -2, flags: ['readonly', 'fast'], tips: ['request_policy:multi_shard'], keySpecs: [keyRange(1, -1, 1, 'RO', 'access')], run: mget },
  {
    name: 'mset', arity: -3, flags: ['write', 'denyoom'], tips: ['request_policy:multi_shard', 'response_policy:all_succeeded'],
    keySpecs: [keyRange(1, -1, 2, 'OW', 'update')], run: (ctx) => mset(ctx, false),
  },
  {
    name: 'msetnx', arity: -3, flags: ['write', 'denyoom'], tips: ['request_policy:multi_shard', 'response_policy:agg_min'],
    keySpecs: [keyRange(1, -1, 2, 'OW', 'insert')], run: (ctx) => mset(ctx, true),
  },
  { name: 'strlen', arity: 2, flags: ['readonly', 'fast'], keySpecs: rw('RO'), run: strlen },
  { name: 'getrange', arity: 4, flags: ['readonly'], keySpecs: rw('RO', 'access'), run: getrange },
  { name: 'substr', arity: 4, flags: ['readonly'], keySpecs: rw('RO', 'access'), run: getrange },
  { name: 'append', arity: 3, flags: ['write', 'denyoom', 'fast'], keySpecs: rw('RW', 'insert'), run: append },
  { name: 'setrange', arity: 4, flags: ['write', 'denyoom'], keySpecs: rw('RW', 'update'), run: setrange },
  { name: 'incr', arity: 2, flags: ['write', 'denyoom', 'fast'], keySpecs: rw('RW', 'access', 'update'), run: incr },
  { name: 'decr', arity: 2, flags: ['write', 'denyoom', 'fast'], keySpecs: rw('RW', 'access', 'update'), run: decr },
  { name: 'incrby', arity: 3, flags: ['write', 'denyoom', 'fast'], keySpecs: rw('RW', 'access', 'update'), run: incrby },
  { name: 'decrby', arity: 3, flags: ['write', 'denyoom', 'fast'], keySpecs: rw('RW', 'access', 'update'), run: decrby },
  { name: 'incrbyfloat', arity: 3, flags: ['write', 'denyoom', 'fast'], keySpecs: rw('RW', 'access', 'update'), run: incrbyfloat },
  { name: 'lcs', arity: -3, flags: ['readonly'], keySpecs: [keyRange(1, 1, 1, 'RO', 'access')], run: lcs },
]);

function get(ctx: Ctx): void {
  const v = ctx.db.readOfType<StringValue>(ctx.arg(1), 'string');
  if (v === undefined) ctx.reply.null();
  else ctx.reply.bulk(stringOf(v));
}

/** MGET: a missing key or a key of another type is a null, never an error. */
function mget(ctx: Ctx): void {
  const db = ctx.db;
  ctx.reply.array(ctx.argc - 1);
  for (let j = 1; j < ctx.argc; j++) {
    const v = db.lookupRead(ctx.arg(j));
    if (v === undefined || !isStringValue(v)) ctx.reply.null();
    else ctx.reply.bulk(stringOf(v));
  }
}

/** MSET and MSETNX: key/value pairs; MSETNX sets all or none. */
function mset(ctx: Ctx, nx: boolean): void {
  if (ctx.argc % 2 === 0) throw Err.arity(ctx.cmd.fullName);
  const db = ctx.db;
  if (nx) {
    for (let j = 1; j < ctx.argc; j += 2) {
      if (db.lookupWrite(ctx.arg(j)) !== undefined) return ctx.reply.integer(0);
    }
  }
  for (let j = 1; j < ctx.argc; j += 2) {
    const key = ctx.arg(j);
    storeString(db, key, storedString(ctx.arg(j + 1)), false);
    db.changed(key, 'set');
  }
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

function strlen(ctx: Ctx): void {
  const v = ctx.db.readOfType<StringValue>(ctx.arg(1), 'string');
  ctx.reply.integer(v === undefined ? 0 : stringLength(v));
}

/** GETRANGE and SUBSTR: inclusive byte range, negative indexes from the end. */
function getrange(ctx: Ctx): void {
  const rawStart = ctx.int64(2);
  const rawEnd = ctx.int64(3);
  const v = ctx.db.readOfType<StringValue>(ctx.arg(1), 'string');
  if (v === undefined) return ctx.reply.bulk('');
  const s = stringOf(v);
  const len = s.length;
  // Both negative with start after end: empty before any clamping (compared exactly).
  if (rawStart < 0 && rawEnd < 0 && rawStart > rawEnd) return ctx.reply.bulk('');
  let start = Number(rawStart);
  let end = Number(rawEnd);
  if (start < 0) start += len;
  if (end < 0) end += len;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) return ctx.reply.bulk('');
  ctx.reply.bulk(s.slice(start, end + 1));
}

/** Redis's checkStringLength: the result may not exceed proto-max-bulk-len. */
function checkStringLength(ctx: Ctx, size: number, add: number): void {
  if (size + add > ctx.server.config.num('proto-max-bulk-len')) throw Err.stringTooLong();
}

function append(ctx: Ctx): void {
  const key = ctx.arg(1);
  const db = ctx.db;
  const tail = ctx.arg(2);
  const v = db.writeOfType<StringValue>(key, 'string');
  let total: number;
  if (v === undefined) {
    db.add(key, storedString(tail));
    total = tail.length;
  } else {
    checkStringLength(ctx, stringLength(v), tail.length);
    // In-place growth with spare capacity: repeated APPENDs are amortized O(1) per byte.
    const m = MutableString.from(v, tail.length);
    if (m !== v) db.replace(key, m);
    m.append(tail);
    total = m.length;
  }
  db.changed(key, 'append');
  ctx.reply.integer(total);
}

function setrange(ctx: Ctx): void {
  const key = ctx.arg(1);
  const db = ctx.db;
  const offset = ctx.int64(2);
  const value = ctx.arg(3);
  if (offset < 0) throw Err.offsetOutOfRange();
  const off = Number(offset);
  const v = db.writeOfType<StringValue>(key, 'string');
  let m: MutableString;
  if (v === undefined) {
    // Nothing to write on a missing key: no key is created.
    if (value.length === 0) return ctx.reply.integer(0);
    checkStringLength(ctx, off, value.length);
    m = MutableString.from('', off + value.length);
    db.add(key, m);
  } else {
    const olen = stringLength(v);
    if (value.length === 0) return ctx.reply.integer(olen);
    checkStringLength(ctx, off, value.length);
    m = MutableString.from(v);
    if (m !== v) db.replace(key, m);
  }
  m.writeAt(off, value);
  db.changed(key, 'setrange');
  ctx.reply.integer(m.length);
}

/** SET's key flags depend on GET: it reads the old value only then (else it just overwrites). */
function setKeys(argv: readonly string[]): KeyRef[] {
  for (let i = 3; i < argv.length; i++) {
    if (argv[i]!.length === 3 && argv[i]!.toUpperCase() === 'GET') return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
  }
  return [{ pos: 1, flags: ['OW', 'update'] }];
}
