// DEBUG: the subcommands nodis supports (HELP SLEEP OBJECT DIGEST DIGEST-VALUE POPULATE
// PAUSE-CRON PROTOCOL REPLYBUFFER LOG HTSTATS HTSTATS-KEY SET-ACTIVE-EXPIRE RELOAD). DEBUG is one
// command with free-form arguments in Redis, so wrong argument counts and unknown subcommands
// share one error. Gated by enable-debug-command through the 'protected' flag.

import type { Ctx } from '../../exec/context.js';
import type { Db } from '../../keyspace/db.js';
import { MutableString, stringEncoding, stringOf } from '../../keyspace/types/string.js';
import { isStringValue, typeName, type Value } from '../../keyspace/value.js';
import { Err } from '../../resp/errors.js';
import { parseIntNumber } from '../../util/numbers.js';
import { Digest, isDigestible, TYPE_IDS } from '../../util/sha1-digest.js';
import type { CommandSpec } from '../table.js';
import { replyHelp } from './help.js';
import { rdbStringLength } from './rdb-length.js';

export const debugSpecs: CommandSpec[] = [
  { name: 'debug', arity: -2, flags: ['admin', 'noscript', 'loading', 'stale', 'protected'], run: debug },
];

type Handler = (ctx: Ctx) => void;

/** Subcommand → [allowed argument counts (argc including DEBUG and the name), handler]. */
const SUBCOMMANDS: Record<string, [(argc: number) => boolean, Handler]> = {
  help: [(n) => n === 2, help],
  sleep: [(n) => n === 3, sleep],
  object: [(n) => n === 3, object],
  digest: [(n) => n === 2, digest],
  'digest-value': [(n) => n >= 2, digestValue],
  populate: [(n) => n >= 3 && n <= 5, populate],
  'pause-cron': [(n) => n === 3, (ctx) => { ctx.server.introspection.debug.pauseCron = atoi(ctx.arg(2)) !== 0; ctx.reply.ok(); }],
  protocol: [(n) => n === 3, protocol],
  replybuffer: [(n) => n === 4, replyBuffer],
  log: [(n) => n === 3, (ctx) => { ctx.server.log('warning', `DEBUG LOG: ${ctx.arg(2)}`); ctx.reply.ok(); }],
  htstats: [(n) => n >= 3, htStats],
  'htstats-key': [(n) => n >= 3, htStatsKey],
  'set-active-expire': [(n) => n === 3, (ctx) => { ctx.ks.activeExpireEnabled = atoi(ctx.arg(2)) !== 0; ctx.reply.ok(); }],
  reload: [(n) => n >= 2, reload],
};

function debug(ctx: Ctx): void {
  const sub = SUBCOMMANDS[ctx.arg(1).toLowerCase()];
  if (sub === undefined || !sub[0](ctx.argc)) throw Err.subcommandSyntax(ctx.arg(1), 'debug');
  sub[1](ctx);
}

/** C's atoi: the leading decimal integer, 0 when there is none. */
function atoi(s: string): number {
  const n = parseInt(s, 10);
  return Number.isNaN(n) ? 0 : n;
}

/** The stored value of a key without expiring it (DEBUG looks at what is really stored). */
function rawLookup(db: Db, key: string): Value | undefined {
  return db.storedValue(key);
}

/** DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE]: save, flush and load dump.rdb back, synchronously. */
function reload(ctx: Ctx): void {
  const o = { merge: false, flush: true, save: true };
  for (let i = 2; i < ctx.argc; i++) {
    if (ctx.is(i, 'MERGE')) o.merge = true;
    else if (ctx.is(i, 'NOFLUSH')) o.flush = false;
    else if (ctx.is(i, 'NOSAVE')) o.save = false;
    else throw Err.debugReloadOptions();
  }
  const e = ctx.server.persistence.debugReload(o);
  if (e !== null) throw e;
  ctx.reply.ok();
}

function sleep(ctx: Ctx): void {
  // Blocks the whole server like Redis's nanosleep: nothing else runs meanwhile.
  const secs = parseFloat(ctx.arg(2));
  const ms = Number.isFinite(secs) ? secs * 1000 : 0;
  if (ms > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
  ctx.reply.ok();
}

function object(ctx: Ctx): void {
  const key = ctx.arg(2);
  const v = rawLookup(ctx.db, key);
  if (v === undefined) throw Err.noSuchKey();
  let encoding: string;
  let serialized: number;
  let refcount = 1;
  if (isStringValue(v)) {
    encoding = stringEncoding(v);
    serialized = rdbStringLength(v);
    if (typeof v === 'number' && v >= 0 && v < SHARED_INTEGERS && sharesIntegers(ctx)) refcount = 2147483647;
  } else {
    encoding = v.encoding();
    const m = v as unknown as { rdbLength?: () => number };
    serialized = typeof m.rdbLength === 'function' ? m.rdbLength() : 0;
  }
  // nodis keeps no per-key access clock yet: a key reads as just touched.
  const lru = Math.floor(Date.now() / 1000) & 0xffffff;
  ctx.reply.simple(`Value at:${identity(ctx.db.index, key)} refcount:${refcount} encoding:${encoding} ` +
    `serializedlength:${serialized} lru:${lru} lru_seconds_idle:0`);
}

/** Redis shares the objects of integers 0..9999 (refcount INT_MAX) unless LRU/LFU needs them apart. */
const SHARED_INTEGERS = 10000;

function sharesIntegers(ctx: Ctx): boolean {
  const maxmemory = ctx.server.config.get('maxmemory');
  const policy = ctx.server.config.get('maxmemory-policy') ?? 'noeviction';
  return maxmemory === undefined || maxmemory === '0' || !/lru|lfu/.test(policy);
}

/** JS has no addresses: a stable 48-bit identity from (db, key), printed like a pointer. */
function identity(db: number, key: string): string {
  let h1 = 0x811c9dc5 ^ db;
  let h2 = 0x01000193;
  for (let i = 0; i < key.length; i++) {
    h1 = Math.imul(h1 ^ key.charCodeAt(i), 0x01000193);
    h2 = Math.imul(h2 ^ key.charCodeAt(i), 0x5bd1e995);
  }
  return '0x7f' + ((h1 >>> 0).toString(16).padStart(8, '0') + ((h2 >>> 0) & 0xffff).toString(16).padStart(4, '0')).slice(0, 10);
}

// ---- digests ----

/** Feeds one value (and its TTL presence) into d, as Redis's per-object digest does. */
export function digestValueInto(d: Digest, db: Db, key: string, v: Value): void {
  const type = typeName(v);
  d.mixUint32(TYPE_IDS[type]);
  if (isStringValue(v)) {
    d.mix(v instanceof MutableString ? v.bytes() : stringOf(v));
  } else if (isDigestible(v)) {
    v.digestInto(d);
  } else {
    throw new Error(`DEBUG DIGEST: type '${type}' does not implement digestInto`);
  }
  if (db.getExpire(key) !== undefined) d.xor('!!expire!!');
}

/** DEBUG DIGEST of a whole keyspace (exported for unit tests). */
export function datasetDigest(ks: Ctx['ks']): string {
  const final = new Digest();
  for (const db of ks.dbs) {
    if (db.size === 0) continue;
    final.mixUint32(db.index);
    for (const [key, v] of db.entries()) {
      const kd = new Digest();
      kd.mix(key);
      digestValueInto(kd, db, key, v);
      final.xor(kd.bytes);
    }
  }
  return final.hex();
}

function digest(ctx: Ctx): void {
  ctx.reply.simple(datasetDigest(ctx.ks));
}

function digestValue(ctx: Ctx): void {
  ctx.reply.array(ctx.argc - 2);
  for (let i = 2; i < ctx.argc; i++) {
    const key = ctx.arg(i);
    const d = new Digest();
    const v = rawLookup(ctx.db, key);
    if (v !== undefined) digestValueInto(d, ctx.db, key, v);
    ctx.reply.simple(d.hex());
  }
}

// ---- populate ----

function positive(ctx: Ctx, i: number): number {
  // Redis answers the range message for a non-number as well.
  const n = parseIntNumber(ctx.arg(i));
  if (n === null || n < 0) throw Err.outOfRangePositive('value');
  return n;
}

function populate(ctx: Ctx): void {
  const count = positive(ctx, 2);
  const size = ctx.argc === 5 ? positive(ctx, 4) : 0;
  const prefix = ctx.argc >= 4 ? ctx.arg(3) : 'key';
  const db = ctx.db;
  for (let j = 0; j < count; j++) {
    // Redis formats the key into a 128-byte buffer: longer names are cut to 127 bytes.
    const key = `${prefix}:${j}`.slice(0, 127);
    if (db.lookup(key) !== undefined) continue;
    let value = `value:${j}`;
    if (size > 0) value = value.length >= size ? value.slice(0, size) : value + '\0'.repeat(size - value.length);
    db.add(key, value);
    db.changed(key, null, 0);
  }
  // Like Redis, DEBUG POPULATE does not count as a change to save or propagate.
  ctx.noPropagate();
  ctx.reply.ok();
}

// ---- protocol ----

function protocol(ctx: Ctx): void {
  const r = ctx.reply;
  switch (ctx.arg(2).toLowerCase()) {
    case 'string': return r.bulk('Hello World');
    case 'integer': return r.integer(12345);
    case 'double': return r.double(3.141);
    case 'bignum': return r.bigNumber('1234567999999999999999999999999999999');
    case 'null': return r.null();
    case 'array':
    case 'set':
      if (ctx.is(2, 'SET')) r.set(3);
      else r.array(3);
      for (let j = 0; j < 3; j++) r.integer(j);
      return;
    case 'map':
      r.map(3);
      for (let j = 0; j < 3; j++) {
        r.integer(j);
        r.bool(j === 1);
      }
      return;
    case 'attrib':
      if (r.resp === 3) {
        r.attribute(1);
        r.bulk('key-popularity');
        r.array(2);
        r.bulk('key:123');
        r.integer(90);
      }
      return r.bulk('Some real reply following the attribute');
    case 'push':
      if (r.resp !== 3) throw Err.resp2NotSupported();
      r.push(2);
      r.bulk('server-cpu-usage');
      r.integer(42);
      return r.bulk('Some real reply following the push reply');
    case 'true': return r.bool(true);
    case 'false': return r.bool(false);
    case 'verbatim': return r.verbatim('This is a verbatim\nstring', 'txt');
    default: throw Err.debugProtocolType();
  }
}

function replyBuffer(ctx: Ctx): void {
  // nodis's reply buffers are built per batch and dropped once written, so there is no
  // resizing to steer; the settings are validated and kept as Redis keeps them.
  const knobs = ctx.server.introspection.debug;
  if (ctx.is(2, 'PEAK-RESET-TIME')) {
    if (ctx.is(3, 'NEVER')) knobs.replyBufferPeakResetTime = -1;
    else if (ctx.is(3, 'RESET')) knobs.replyBufferPeakResetTime = 5000;
    else knobs.replyBufferPeakResetTime = ctx.int(3);
  } else if (ctx.is(2, 'RESIZING')) {
    knobs.replyBufferResizing = atoi(ctx.arg(3)) !== 0;
  } else {
    throw Err.subcommandSyntax(ctx.arg(1), 'debug');
  }
  ctx.reply.ok();
}

// ---- hash table stats ----

function htStats(ctx: Ctx): void {
  const dbid = ctx.int(2);
  if (dbid < 0 || dbid >= ctx.ks.dbs.length) throw Err.outOfRangeDb();
  const full = ctx.argc >= 4 && ctx.is(3, 'FULL');
  ctx.reply.verbatim(ctx.server.introspection.htStats(dbid, full));
}

function htStatsKey(ctx: Ctx): void {
  const v = ctx.db.lookup(ctx.arg(2));
  if (v === undefined) throw Err.noSuchKey();
  const full = ctx.argc >= 4 && ctx.is(3, 'FULL');
  const t = v as unknown as { htStats?: (full: boolean) => string | null };
  const text = !isStringValue(v) && typeof t.htStats === 'function' ? t.htStats(full) : null;
  if (text === null) throw Err.notHashTable();
  ctx.reply.verbatim(text);
}

function help(ctx: Ctx): void {
  replyHelp(ctx, 'DEBUG', [
    'DIGEST',
    '    Return a SHA1-based digest of the whole data set (equal data, equal digest).',
    'DIGEST-VALUE <key> [<key> ...]',
    '    Return the digest of the value of each key (zeros for a missing key).',
    'HTSTATS <dbid> [FULL]',
    '    Return statistics of the key tables of database <dbid>.',
    'HTSTATS-KEY <key> [FULL]',
    '    Return statistics of the hash table inside the value at <key>.',
    'LOG <message>',
    '    Write <message> to the server log.',
    'OBJECT <key>',
    '    Return low-level facts about the value at <key>.',
    'PAUSE-CRON <0|1>',
    '    Stop (1) or resume (0) the periodic server task.',
    'POPULATE <count> [<prefix>] [<size>]',
    '    Create <count> keys <prefix>:N (default prefix "key") with values "value:N",',
    '    cut or zero-padded to <size> bytes when given; existing keys are left alone.',
    'PROTOCOL <type>',
    '    Reply with a sample of a RESP type: string, integer, double, bignum, null,',
    '    array, set, map, attrib, push, verbatim, true, false.',
    'RELOAD [MERGE] [NOFLUSH] [NOSAVE]',
    '    Save the RDB file (not with NOSAVE), empty the databases (not with NOFLUSH) and load',
    '    the file back; with MERGE the file\'s value wins over a key already present.',
    'REPLYBUFFER PEAK-RESET-TIME <never|reset|ms>',
    'REPLYBUFFER RESIZING <0|1>',
    '    Reply buffer tuning, accepted for compatibility.',
    'SET-ACTIVE-EXPIRE <0|1>',
    '    Turn the active expiry of keys off (0) or on (1).',
    'SLEEP <seconds>',
    '    Stop the whole server for <seconds> (fractions allowed).',
  ]);
}
