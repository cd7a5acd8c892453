// The SET group: argument parsing, replies, keyspace events and propagation. Storage and the
// intset/listpack/hashtable encodings live in keyspace/types/set.ts. Also exports the helpers
// the sorted-set family shares (SCAN arguments, count limits). Nothing here touches sockets.

import type { Ctx } from '../exec/context.js';
import { SetValue, setFrom, type SetLimits } from '../keyspace/types/set.js';
import { typeName, type Value } from '../keyspace/value.js';
import { Err } from '../resp/errors.js';
import { globMatch } from '../util/glob.js';
import { INT64_MIN, parseInt64 } from '../util/numbers.js';
import { defineFamily, keyAt, keyNum, keyRange, type CommandSpec } from './table.js';

const ro = (i: number) => keyAt(i, 'RO', 'access');
const doc = (summary: string, since: string, complexity: string) => ({ summary, since, complexity });

const specs: CommandSpec[] = [
  { name: 'sadd', arity: -3, flags: ['write', 'denyoom', 'fast'], keySpecs: [keyAt(1, 'RW', 'insert')], run: sadd,
    doc: { ...doc('Adds members to a set, creating the key if needed.', '1.0.0', 'O(1) per member added.'), history: [['2.4.0', 'Takes several members.']] } },
  { name: 'scard', arity: 2, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO')], run: scard,
    doc: doc('Returns how many members a set has.', '1.0.0', 'O(1)') },
  { name: 'sdiff', arity: -2, flags: ['readonly'], keySpecs: [keyRange(1, -1, 1, 'RO', 'access')], tips: ['nondeterministic_output_order'],
    run: (ctx) => setOp(ctx, 'diff', null, 1), doc: doc('Returns the members of the first set missing from all the others.', '1.0.0', 'O(N) in the total size of the sets.') },
  { name: 'sdiffstore', arity: -3, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'OW', 'update'), keyRange(2, -1, 1, 'RO', 'access')],
    run: (ctx) => setOp(ctx, 'diff', ctx.arg(1), 2), doc: doc('Stores the difference of sets in a key.', '1.0.0', 'O(N) in the total size of the sets.') },
  { name: 'sinter', arity: -2, flags: ['readonly'], keySpecs: [keyRange(1, -1, 1, 'RO', 'access')], tips: ['nondeterministic_output_order'],
    run: (ctx) => setOp(ctx, 'inter', null, 1), doc: doc('Returns the members every given set has.', '1.0.0', 'O(N*M): N the smallest set, M the number of sets.') },
  { name: 'sintercard', arity: -3, flags: ['readonly'], keySpecs: [keyNum(1, 'RO', 'access')], run: sintercard,
    doc: doc('Counts the members of the intersection of sets, optionally up to a limit.', '7.0.0', 'O(N*M): N the smallest set, M the number of sets.') },
  { name: 'sinterstore', arity: -3, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'RW', 'update'), keyRange(2, -1, 1, 'RO', 'access')],
    run: (ctx) => setOp(ctx, 'inter', ctx.arg(1), 2), doc: doc('Stores the intersection of sets in a key.', '1.0.0', 'O(N*M): N the smallest set, M the number of sets.') },
  { name: 'sismember', arity: 3, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO')], run: sismember,
    doc: doc('Tells whether a member belongs to a set.', '1.0.0', 'O(1)') },
  { name: 'smembers', arity: 2, flags: ['readonly'], keySpecs: [ro(1)], tips: ['nondeterministic_output_order'], run: smembers,
    doc: doc('Returns every member of a set.', '1.0.0', 'O(N)') },
  { name: 'smismember', arity: -3, flags: ['readonly', 'fast'], keySpecs: [ro(1)], run: smismember,
    doc: doc('Tells for each of several members whether it belongs to a set.', '6.2.0', 'O(N) in the number of members asked about.') },
  { name: 'smove', arity: 4, flags: ['write', 'fast'], keySpecs: [keyAt(1, 'RW', 'access', 'delete'), keyAt(2, 'RW', 'insert')], run: smove,
    doc: doc('Moves a member from one set to another.', '1.0.0', 'O(1)') },
  { name: 'spop', arity: -2, flags: ['write', 'fast'], keySpecs: [keyAt(1, 'RW', 'access', 'delete')], tips: ['nondeterministic_output'], run: spop,
    doc: { ...doc('Removes and returns random members of a set, deleting it when emptied.', '1.0.0', 'O(1) without count, else O(N).'), history: [['3.2.0', 'Takes a count.']] } },
  { name: 'srandmember', arity: -2, flags: ['readonly'], keySpecs: [ro(1)], tips: ['nondeterministic_output'], run: srandmember,
    doc: { ...doc('Returns random members of a set without removing them.', '1.0.0', 'O(1) without count, else O(N).'), history: [['2.6.0', 'Takes a count.']] } },
  { name: 'srem', arity: -3, flags: ['write', 'fast'], keySpecs: [keyAt(1, 'RW', 'delete')], run: srem,
    doc: { ...doc('Removes members from a set, deleting it when emptied.', '1.0.0', 'O(N) in the number of members removed.'), history: [['2.4.0', 'Takes several members.']] } },
  { name: 'sscan', arity: -3, flags: ['readonly'], keySpecs: [ro(1)], tips: ['nondeterministic_output'], run: sscan,
    doc: doc('Iterates over the members of a set.', '2.8.0', 'O(1) per call, O(N) for a complete iteration.') },
  { name: 'sunion', arity: -2, flags: ['readonly'], keySpecs: [keyRange(1, -1, 1, 'RO', 'access')], tips: ['nondeterministic_output_order'],
    run: (ctx) => setOp(ctx, 'union', null, 1), doc: doc('Returns the members of any of the given sets.', '1.0.0', 'O(N) in the total size of the sets.') },
  { name: 'sunionstore', arity: -3, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'OW', 'update'), keyRange(2, -1, 1, 'RO', 'access')],
    run: (ctx) => setOp(ctx, 'union', ctx.arg(1), 2), doc: doc('Stores the union of sets in a key.', '1.0.0', 'O(N) in the total size of the sets.') },
];

export const setFamily = defineFamily('set', specs);

/** Redis builds a random reply of any length; nodis refuses one this long instead of running out of memory. */
export const MAX_RANDOM_REPLY = 1 << 25;

/** SPOP with a count propagates SREM in batches of this many members (Redis 7.2). */
const SREM_BATCH = 1024;

export function setLimits(ctx: Ctx): SetLimits {
  const c = ctx.server.config;
  return {
    intsetEntries: c.num('set-max-intset-entries'),
    listpackEntries: c.num('set-max-listpack-entries'),
    listpackValue: c.num('set-max-listpack-value'),
  };
}

// ---- single-key commands ----

function sadd(ctx: Ctx): void {
  const key = ctx.arg(1);
  const lim = setLimits(ctx);
  let set = ctx.db.writeOfType<SetValue>(key, 'set');
  if (set === undefined) {
    set = SetValue.create(ctx.arg(2), ctx.argc - 2, lim);
    ctx.db.add(key, set);
  }
  let added = 0;
  for (let i = 2; i < ctx.argc; i++) if (set.add(ctx.arg(i), lim)) added++;
  if (added > 0) ctx.db.changed(key, 'sadd', added);
  ctx.reply.integer(added);
}

function srem(ctx: Ctx): void {
  const key = ctx.arg(1);
  const set = ctx.db.writeOfType<SetValue>(key, 'set');
  if (set === undefined) return ctx.reply.integer(0);
  let removed = 0;
  for (let i = 2; i < ctx.argc && set.size > 0; i++) if (set.delete(ctx.arg(i))) removed++;
  if (removed > 0) {
    ctx.db.changed(key, 'srem', removed);
    deleteIfEmpty(ctx, key, set);
  }
  ctx.reply.integer(removed);
}

/** Deletes a key whose collection became empty, with Redis's 'del' event. */
export function deleteIfEmpty(ctx: Ctx, key: string, v: { size: number }): void {
  if (v.size === 0) {
    ctx.db.delete(key);
    ctx.db.notify('del', key);
  }
}

function smove(ctx: Ctx): void {
  const srcKey = ctx.arg(1);
  const dstKey = ctx.arg(2);
  const member = ctx.arg(3);
  const src = ctx.db.lookupWrite(srcKey);
  const dst = ctx.db.lookupWrite(dstKey);
  if (src === undefined) return ctx.reply.integer(0);
  if (typeName(src) !== 'set' || (dst !== undefined && typeName(dst) !== 'set')) throw Err.wrongType();
  const from = src as SetValue;
  if (src === dst) return ctx.reply.integer(from.has(member) ? 1 : 0);
  if (!from.delete(member)) return ctx.reply.integer(0);
  ctx.db.changed(srcKey, 'srem');
  deleteIfEmpty(ctx, srcKey, from);
  const lim = setLimits(ctx);
  let to = dst as SetValue | undefined;
  if (to === undefined) {
    to = SetValue.create(member, 1, lim);
    ctx.db.add(dstKey, to);
  }
  if (to.add(member, lim)) ctx.db.changed(dstKey, 'sadd');
  else ctx.db.changed(dstKey, null, 0);
  ctx.reply.integer(1);
}

function sismember(ctx: Ctx): void {
  const set = ctx.db.readOfType<SetValue>(ctx.arg(1), 'set');
  ctx.reply.integer(set !== undefined && set.has(ctx.arg(2)) ? 1 : 0);
}

function smismember(ctx: Ctx): void {
  const set = ctx.db.readOfType<SetValue>(ctx.arg(1), 'set');
  ctx.reply.array(ctx.argc - 2);
  for (let i = 2; i < ctx.argc; i++) ctx.reply.integer(set !== undefined && set.has(ctx.arg(i)) ? 1 : 0);
}

function scard(ctx: Ctx): void {
  const set = ctx.db.readOfType<SetValue>(ctx.arg(1), 'set');
  ctx.reply.integer(set === undefined ? 0 : set.size);
}

function smembers(ctx: Ctx): void {
  const set = ctx.db.readOfType<SetValue>(ctx.arg(1), 'set');
  if (set === undefined) return ctx.reply.set(0);
  replySet(ctx, set);
}

function replySet(ctx: Ctx, set: SetValue): void {
  const n = set.size;
  ctx.reply.set(n);
  for (let i = 0; i < n; i++) ctx.reply.bulk(set.at(i));
}

// ---- random members ----

function spop(ctx: Ctx): void {
  if (ctx.argc > 3) throw Err.syntax();
  const key = ctx.arg(1);
  if (ctx.argc === 3) return spopCount(ctx, key);
  const set = ctx.db.writeOfType<SetValue>(key, 'set');
  if (set === undefined) return ctx.reply.null();
  const m = set.pop();
  ctx.db.changed(key, 'spop');
  deleteIfEmpty(ctx, key, set);
  // SPOP is not deterministic: replicas and the AOF get the member that went.
  ctx.propagateAs(['SREM', key, m]);
  ctx.reply.bulk(m);
}

function spopCount(ctx: Ctx, key: string): void {
  const v = parseInt64(ctx.arg(2));
  if (v === null || v < 0) throw Err.outOfRangePositive('value');
  const count = Number(v);
  const set = ctx.db.writeOfType<SetValue>(key, 'set');
  if (set === undefined || count === 0) return ctx.reply.set(0);
  const size = set.size;
  if (count >= size) {
    // The whole set goes: reply with it, delete the key, and propagate a deletion.
    replySet(ctx, set);
    ctx.db.changed(key, 'spop', size);
    ctx.db.delete(key);
    ctx.db.notify('del', key);
    ctx.propagateAs([ctx.server.config.get('lazyfree-lazy-server-del') === 'yes' ? 'UNLINK' : 'DEL', key]);
    return;
  }
  const remaining = size - count;
  let popped: string[];
  if (remaining * 5 < count) {
    // Few stay: pick those into a new set (encoded afresh, as Redis does) and return the rest.
    const keep: string[] = [];
    for (let i = 0; i < remaining; i++) keep.push(set.pop());
    popped = set.members();
    ctx.db.replace(key, setFrom(keep, setLimits(ctx)));
  } else {
    popped = new Array<string>(count);
    for (let i = 0; i < count; i++) popped[i] = set.pop();
  }
  ctx.reply.set(popped.length);
  for (const m of popped) ctx.reply.bulk(m);
  for (let i = 0; i < popped.length; i += SREM_BATCH) {
    ctx.alsoPropagate(['SREM', key, ...popped.slice(i, i + SREM_BATCH)]);
  }
  ctx.noPropagate();
  ctx.db.changed(key, 'spop', count);
}

/** A count that may be negative, within Redis's -LONG_MAX..LONG_MAX. */
export function signedCount(ctx: Ctx, i: number): number {
  const v = ctx.int64(i);
  if (v === INT64_MIN) throw Err.countOutOfRange();
  return Number(v);
}

function srandmember(ctx: Ctx): void {
  if (ctx.argc > 3) throw Err.syntax();
  const key = ctx.arg(1);
  if (ctx.argc === 2) {
    const set = ctx.db.readOfType<SetValue>(key, 'set');
    if (set === undefined) return ctx.reply.null();
    return ctx.reply.bulk(set.random());
  }
  const count = signedCount(ctx, 2);
  const set = ctx.db.readOfType<SetValue>(key, 'set');
  if (set === undefined || count === 0) return ctx.reply.array(0);
  const size = set.size;
  if (count < 0) {
    if (-count > MAX_RANDOM_REPLY) throw Err.replyTooLarge();
    ctx.reply.array(-count);
    for (let i = 0; i < -count; i++) ctx.reply.bulk(set.random());
    return;
  }
  if (count >= size) {
    ctx.reply.array(size);
    for (let i = 0; i < size; i++) ctx.reply.bulk(set.at(i));
    return;
  }
  ctx.reply.array(count);
  for (const i of distinctIndexes(size, count)) ctx.reply.bulk(set.at(i));
}

/** count distinct random indexes below size (count < size), in random order. */
export function distinctIndexes(size: number, count: number, rand: () => number = Math.random): number[] {
  if (count * 3 > size) {
    // Dense: a partial Fisher-Yates shuffle of all positions.
    const all = new Array<number>(size);
    for (let i = 0; i < size; i++) all[i] = i;
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(rand() * (size - i));
      const t = all[i]!;
      all[i] = all[j]!;
      all[j] = t;
    }
    all.length = count;
    return all;
  }
  // Sparse: draw until enough distinct positions came up.
  const seen = new Set<number>();
  while (seen.size < count) seen.add(Math.floor(rand() * size));
  return [...seen];
}

// ---- SSCAN ----

export interface ScanArgs {
  cursor: number;
  pattern: string | null;
  count: number;
}

/**
 * Parses "cursor [MATCH pattern] [COUNT count]" starting at argv[i] as Redis's SCAN family does:
 * an unsigned 64-bit cursor (a leading '-' wraps, as strtoul does), COUNT at least 1. The key
 * commands (SSCAN, ZSCAN) check the cursor, then the key, then the options: use the two halves.
 */
export function parseScanArgs(ctx: Ctx, i: number): ScanArgs {
  const cursor = parseScanCursor(ctx, i);
  return { cursor, ...parseScanOptions(ctx, i + 1) };
}

export function parseScanCursor(ctx: Ctx, i: number): number {
  const raw = ctx.arg(i);
  if (!/^[-+]?\d+$/.test(raw)) throw Err.invalidCursor();
  let big = BigInt(raw);
  if (big < 0n) big += 1n << 64n;
  if (big < 0n || big >= 1n << 64n) throw Err.invalidCursor();
  return big > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(big);
}

export function parseScanOptions(ctx: Ctx, from: number): { pattern: string | null; count: number } {
  let pattern: string | null = null;
  let count = 10;
  for (let j = from; j < ctx.argc; j += 2) {
    if (ctx.is(j, 'COUNT') && j + 1 < ctx.argc) {
      count = ctx.int(j + 1);
      if (count < 1) throw Err.syntax();
    } else if (ctx.is(j, 'MATCH') && j + 1 < ctx.argc) {
      pattern = ctx.arg(j + 1);
      if (pattern === '*') pattern = null;
    } else {
      throw Err.syntax();
    }
  }
  return { pattern, count };
}

function sscan(ctx: Ctx): void {
  // Redis checks the cursor, then the key (a missing one answers an empty scan whatever the
  // options), then the options.
  const cursor = parseScanCursor(ctx, 2);
  const set = ctx.db.readOfType<SetValue>(ctx.arg(1), 'set');
  const out: string[] = [];
  let next = 0;
  if (set !== undefined) {
    const args = parseScanOptions(ctx, 3);
    const pat = args.pattern;
    next = set.scan(cursor, args.count, (m) => {
      if (pat === null || globMatch(pat, m)) out.push(m);
    });
  }
  ctx.reply.array(2);
  ctx.reply.bulk(String(next));
  ctx.reply.bulkArray(out);
}

// ---- multi-key operations ----

type SetOp = 'inter' | 'union' | 'diff';

/** The sets at argv[first..], type-checked in order; missing keys are null. */
function inputSets(ctx: Ctx, first: number, last: number): (SetValue | null)[] {
  const sets: (SetValue | null)[] = [];
  for (let i = first; i <= last; i++) sets.push(ctx.db.readOfType<SetValue>(ctx.arg(i), 'set') ?? null);
  return sets;
}

/** The members of an intersection, iterating the smallest set; stops after limit (0 = all). */
function intersect(sets: (SetValue | null)[], limit: number): string[] {
  const out: string[] = [];
  if (sets.some((s) => s === null)) return out;
  const sorted = (sets as SetValue[]).slice().sort((a, b) => a.size - b.size);
  const small = sorted[0]!;
  for (let i = 0; i < small.size; i++) {
    const m = small.at(i);
    let all = true;
    for (let j = 1; j < sorted.length && all; j++) if (sorted[j] !== small && !sorted[j]!.has(m)) all = false;
    if (all) {
      out.push(m);
      if (limit > 0 && out.length >= limit) break;
    }
  }
  return out;
}

function setOp(ctx: Ctx, op: SetOp, dst: string | null, first: number): void {
  const sets = inputSets(ctx, first, ctx.argc - 1);
  const lim = setLimits(ctx);
  let result: SetValue;
  if (op === 'inter') {
    const members = intersect(sets, 0);
    if (dst === null) {
      ctx.reply.set(members.length);
      for (const m of members) ctx.reply.bulk(m);
      return;
    }
    result = setFrom(members, lim);
  } else if (op === 'union') {
    result = new SetValue();
    for (const s of sets) if (s !== null) for (let i = 0; i < s.size; i++) result.add(s.at(i), lim);
  } else {
    result = new SetValue();
    const head = sets[0];
    if (head != null) {
      for (let i = 0; i < head.size; i++) {
        const m = head.at(i);
        let keep = true;
        for (let j = 1; j < sets.length && keep; j++) if (sets[j] !== null && (sets[j] === head || sets[j]!.has(m))) keep = false;
        if (keep) result.add(m, lim);
      }
    }
  }
  if (dst === null) return replySet(ctx, result);
  storeSet(ctx, dst, result, op === 'inter' ? 'sinterstore' : op === 'union' ? 'sunionstore' : 'sdiffstore');
}

/** Stores a result set (or deletes dst for an empty one) and replies with its size. */
function storeSet(ctx: Ctx, dst: string, result: SetValue, event: string): void {
  if (result.size === 0) {
    if (ctx.db.lookupWrite(dst) !== undefined) {
      ctx.db.delete(dst);
      ctx.db.changed(dst, 'del');
    }
    return ctx.reply.integer(0);
  }
  const existed = ctx.db.lookupWrite(dst) !== undefined;
  ctx.db.set(dst, result as Value);
  if (!existed) ctx.db.notify('new', dst);
  ctx.db.changed(dst, event);
  ctx.reply.integer(result.size);
}

function sintercard(ctx: Ctx): void {
  const numkeys = parseInt64(ctx.arg(1));
  if (numkeys === null || numkeys < 1) throw Err.numkeysNotPositive();
  if (numkeys > ctx.argc - 2) throw Err.numkeysTooMany();
  const n = Number(numkeys);
  let limit = 0;
  for (let i = 2 + n; i < ctx.argc; i += 2) {
    if (ctx.is(i, 'LIMIT') && i + 1 < ctx.argc) {
      const l = parseInt64(ctx.arg(i + 1));
      if (l === null || l < 0) throw Err.limitNegative();
      limit = Number(l);
    } else {
      throw Err.syntax();
    }
  }
  const sets = inputSets(ctx, 2, 1 + n);
  ctx.reply.integer(intersect(sets, limit).length);
}
