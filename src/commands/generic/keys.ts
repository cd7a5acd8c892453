// Handlers of the GENERIC group that look at keys as a whole: existence, deletion, TYPE,
// renaming, COPY/MOVE between databases, KEYS/SCAN/RANDOMKEY and OBJECT. They reach storage
// only through the Db API and report every change with db.changed(key, event).

import type { Ctx } from '../../exec/context.js';
import { replyHelp } from '../server/help.js';
import { lfuCounter, lruIdleMs } from '../../keyspace/access.js';
import type { Db } from '../../keyspace/db.js';
import { stringEncoding } from '../../keyspace/types/string.js';
import { cloneValue, isStringValue, typeName, type Value } from '../../keyspace/value.js';
import { Err } from '../../resp/errors.js';
import { globMatch } from '../../util/glob.js';
import { parseIntNumber } from '../../util/numbers.js';

/** DEL and UNLINK: memory is reclaimed by the collector either way, so both free "lazily". */
export function del(ctx: Ctx): void {
  const db = ctx.db;
  let n = 0;
  for (let i = 1; i < ctx.argc; i++) {
    const key = ctx.arg(i);
    // An expired key is removed as expired (propagated and notified as such), not counted.
    if (db.peek(key) === undefined) continue;
    db.delete(key);
    db.changed(key, 'del');
    n++;
  }
  ctx.reply.integer(n);
}

export function exists(ctx: Ctx): void {
  const db = ctx.db;
  let n = 0;
  for (let i = 1; i < ctx.argc; i++) if (db.lookupRead(ctx.arg(i), true) !== undefined) n++;
  ctx.reply.integer(n);
}

/** TOUCH records an access even for a NO-TOUCH client. */
export function touch(ctx: Ctx): void {
  const db = ctx.db;
  const stats = ctx.ks.stats;
  let n = 0;
  for (let i = 1; i < ctx.argc; i++) {
    if (db.touch(ctx.arg(i))) {
      n++;
      stats.keyspaceHits++;
    } else {
      stats.keyspaceMisses++;
    }
  }
  ctx.reply.integer(n);
}

export function type(ctx: Ctx): void {
  const v = ctx.db.lookupRead(ctx.arg(1), true);
  ctx.reply.simple(v === undefined ? 'none' : typeName(v));
}

export function rename(ctx: Ctx, nx: boolean): void {
  const db = ctx.db;
  const src = ctx.arg(1);
  const dst = ctx.arg(2);
  const v = db.lookupWrite(src);
  if (v === undefined) throw Err.noSuchKey();
  // Same name: nothing happens, but a missing key was still an error (Redis 7.2).
  if (src === dst) {
    if (nx) ctx.reply.integer(0);
    else ctx.reply.ok();
    return;
  }
  const when = db.getExpire(src);
  const word = db.accessWord(src);
  if (db.lookupWrite(dst) !== undefined) {
    if (nx) {
      ctx.reply.integer(0);
      return;
    }
    db.delete(dst);
  }
  db.add(dst, v);
  if (word !== undefined) db.setAccessWord(dst, word);
  if (when !== undefined) db.setExpire(dst, when);
  db.delete(src);
  db.changed(src, 'rename_from', 0);
  db.changed(dst, 'rename_to');
  if (nx) ctx.reply.integer(1);
  else ctx.reply.ok();
}

/** A C int argument (getIntFromObjectOrReply): not an integer, or out of the int32 range. */
function intArg(ctx: Ctx, i: number): number {
  const n = parseIntNumber(ctx.arg(i));
  if (n === null) throw Err.notInteger();
  if (n < -2147483648 || n > 2147483647) throw Err.intRange();
  return n;
}

function targetDb(ctx: Ctx, i: number): Db {
  const index = intArg(ctx, i);
  const db = ctx.ks.dbs[index];
  if (index < 0 || db === undefined) throw Err.dbOutOfRange();
  return db;
}

export function copy(ctx: Ctx): void {
  const src = ctx.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < ctx.argc; j++) {
    if (ctx.is(j, 'REPLACE')) {
      replace = true;
    } else if (ctx.is(j, 'DB') && j + 1 < ctx.argc) {
      dst = targetDb(ctx, ++j);
    } else {
      throw Err.syntax();
    }
  }
  const key = ctx.arg(1);
  const newKey = ctx.arg(2);
  if (src === dst && key === newKey) throw Err.sameObject();
  const v = src.lookupRead(key);
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const when = src.getExpire(key);
  if (dst.lookupWrite(newKey) !== undefined) {
    if (!replace) {
      ctx.reply.integer(0);
      return;
    }
    dst.delete(newKey);
  }
  dst.add(newKey, cloneValue(v));
  if (when !== undefined) dst.setExpire(newKey, when);
  dst.changed(newKey, 'copy_to');
  ctx.reply.integer(1);
}

export function move(ctx: Ctx): void {
  const src = ctx.db;
  const dst = targetDb(ctx, 2);
  if (src === dst) throw Err.sameObject();
  const key = ctx.arg(1);
  const v = src.lookupWrite(key);
  if (v === undefined) {
    ctx.reply.integer(0);
    return;
  }
  const when = src.getExpire(key);
  if (dst.lookupWrite(key) !== undefined) {
    ctx.reply.integer(0);
    return;
  }
  const word = src.accessWord(key);
  dst.add(key, v);
  if (word !== undefined) dst.setAccessWord(key, word);
  if (when !== undefined) dst.setExpire(key, when);
  src.delete(key);
  src.changed(key, 'move_from', 0);
  dst.changed(key, 'move_to');
  ctx.reply.integer(1);
}

export function randomkey(ctx: Ctx): void {
  const key = ctx.db.randomLiveKey();
  if (key === undefined) ctx.reply.null();
  else ctx.reply.bulk(key);
}

export function keys(ctx: Ctx): void {
  const db = ctx.db;
  const pattern = ctx.arg(1);
  const all = pattern === '*';
  const out: string[] = [];
  // Expired keys are skipped, not deleted: KEYS must not turn into a mass deletion.
  db.forEachKey((k) => {
    if ((all || globMatch(pattern, k)) && !db.isExpired(k)) out.push(k);
  });
  ctx.reply.bulkArray(out);
}

/** strtoul() as Redis parses cursors: optional sign, decimal digits, no spaces, < 2^64. */
export function parseCursor(s: string): bigint | null {
  if (!/^[+-]?\d*$/.test(s)) return null;
  const neg = s[0] === '-';
  const digits = s[0] === '-' || s[0] === '+' ? s.slice(1) : s;
  if (digits === '') return 0n;
  const v = BigInt(digits);
  if (v > 0xffffffffffffffffn) return null;
  return neg ? (0x10000000000000000n - v) & 0xffffffffffffffffn : v;
}

export function scan(ctx: Ctx): void {
  const c = parseCursor(ctx.arg(1));
  if (c === null) throw Err.invalidCursor();
  let count = 10;
  let pattern: string | null = null;
  let typeFilter: string | null = null;
  for (let i = 2; i < ctx.argc; i++) {
    const more = ctx.argc - i >= 2;
    if (ctx.is(i, 'COUNT') && more) {
      count = ctx.int(++i);
      if (count < 1) throw Err.syntax();
    } else if (ctx.is(i, 'MATCH') && more) {
      pattern = ctx.arg(++i);
      if (pattern === '*') pattern = null;
    } else if (ctx.is(i, 'TYPE') && more) {
      // An unknown type name matches nothing (Redis 7.2; an error only from 8.0).
      typeFilter = ctx.arg(++i).toLowerCase();
    } else {
      throw Err.syntax();
    }
  }
  const db = ctx.db;
  // The cursor is a table hash (see Db.scan); one past the hash space is the end.
  const found: string[] = [];
  const next = c >= 0x100000000n ? 0 : db.scan(Number(c), count, found);
  const out: string[] = [];
  for (const k of found) {
    if (pattern !== null && !globMatch(pattern, k)) continue;
    const v = db.peek(k);
    if (v === undefined) continue;
    if (typeFilter !== null && typeName(v) !== typeFilter) continue;
    out.push(k);
  }
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(out);
}

// ---- OBJECT ----

/** OBJECT looks keys up without touching them. Null when missing. */
function objectLookup(ctx: Ctx): Value | undefined {
  const v = ctx.db.peek(ctx.arg(2));
  if (v === undefined) ctx.reply.null();
  return v;
}

export function objectEncoding(ctx: Ctx): void {
  const v = objectLookup(ctx);
  if (v === undefined) return;
  ctx.reply.bulk(isStringValue(v) ? stringEncoding(v) : v.encoding());
}

/** Redis shares the integers 0..9999 (refcount INT_MAX) unless eviction needs per-key data. */
const SHARED_INTEGERS = 10000;
const SHARED_REFCOUNT = 2147483647;

export function objectRefcount(ctx: Ctx): void {
  const v = objectLookup(ctx);
  if (v === undefined) return;
  const cfg = ctx.server.config;
  const policy = cfg.get('maxmemory-policy') ?? 'noeviction';
  const noShared = (cfg.get('maxmemory') ?? '0') !== '0' && (policy.endsWith('-lru') || policy.endsWith('-lfu'));
  const shared = typeof v === 'number' && v >= 0 && v < SHARED_INTEGERS && Number.isInteger(v) && !noShared;
  ctx.reply.integer(shared ? SHARED_REFCOUNT : 1);
}

export function objectIdletime(ctx: Ctx): void {
  const v = objectLookup(ctx);
  if (v === undefined) return;
  if (ctx.ks.lfu) throw Err.lfuSelected();
  const word = ctx.db.accessWord(ctx.arg(2))!;
  ctx.reply.integer(Math.floor(lruIdleMs(word, Date.now()) / 1000));
}

export function objectFreq(ctx: Ctx): void {
  const v = objectLookup(ctx);
  if (v === undefined) return;
  if (!ctx.ks.lfu) throw Err.lfuNotSelected();
  const word = ctx.db.accessWord(ctx.arg(2))!;
  ctx.reply.integer(lfuCounter(word, Date.now(), ctx.ks.lfuDecayTime));
}

/** OBJECT HELP: the standard header and footer around our own description of each subcommand. */
const OBJECT_HELP_LINES = [
  'ENCODING <key>',
  '    The name of the representation the value at <key> is stored in.',
  'FREQ <key>',
  '    The logarithmic access-frequency counter of <key> (needs an LFU maxmemory-policy).',
  'IDLETIME <key>',
  '    Seconds since <key> was last read or written (not under an LFU maxmemory-policy).',
  'REFCOUNT <key>',
  '    How many references the value at <key> has (always 1 in nodis: values are not shared).',
];

export function objectHelp(ctx: Ctx): void {
  replyHelp(ctx, 'OBJECT', OBJECT_HELP_LINES);
}
