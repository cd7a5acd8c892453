// DUMP and RESTORE (generic group): values serialized in Redis's DUMP payload format (RDB value
// encoding, RDB version, CRC-64). Encoding and decoding live in persistence/rdb/dump.ts; this
// file parses arguments, applies TTL/REPLACE/IDLETIME/FREQ as Redis 7.2 does, and shapes the
// propagation (a relative TTL is propagated as an absolute one with ABSTTL).

import type { Ctx } from '../exec/context.js';
import type { Db } from '../keyspace/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { TYPE_CODECS } from '../persistence/rdb/codecs.js';
import { createDumpPayload, readDumpPayload, verifyDumpPayload } from '../persistence/rdb/dump.js';
import { Err } from '../resp/errors.js';
import { defineFamily, keyAt } from './table.js';

export const dumpRestoreFamily = defineFamily('generic', [
  {
    name: 'dump', arity: 2, flags: ['readonly'], keySpecs: [keyAt(1, 'RO', 'access')], tips: ['nondeterministic_output'], run: dump,
    doc: {
      summary: 'Serializes the value of a key in the format RESTORE reads.', since: '2.6.0',
      complexity: 'O(1) to find the key plus O(N*M) to serialize N elements of average size M.',
      arguments: [{ name: 'key', type: 'key', keySpecIndex: 0 }],
    },
  },
  {
    name: 'restore', arity: -4, flags: ['write', 'denyoom'], keySpecs: [keyAt(1, 'OW', 'update')], acl: ['dangerous'], run: restore,
    doc: {
      summary: 'Creates a key from a value serialized by DUMP.', since: '2.6.0',
      complexity: 'O(1) to create the key plus O(N*M) to rebuild N elements of average size M (O(N*M*log(N)) for sorted sets).',
      history: [['3.0.0', 'REPLACE option.'], ['5.0.0', 'ABSTTL option.'], ['5.0.0', 'IDLETIME and FREQ options.']],
      arguments: [
        { name: 'key', type: 'key', keySpecIndex: 0 },
        { name: 'ttl', type: 'integer' },
        { name: 'serialized-value', type: 'string' },
        { name: 'replace', type: 'pure-token', token: 'REPLACE', since: '3.0.0', optional: true },
        { name: 'absttl', type: 'pure-token', token: 'ABSTTL', since: '5.0.0', optional: true },
        { name: 'seconds', type: 'integer', token: 'IDLETIME', since: '5.0.0', optional: true },
        { name: 'frequency', type: 'integer', token: 'FREQ', since: '5.0.0', optional: true },
      ],
    },
  },
]);

/** rdbcompression, read by name so that DUMP works whatever the config table holds. */
function compression(ctx: Ctx): boolean {
  return ctx.server.config.get('rdbcompression') !== 'no';
}

function limitsOf(ctx: Ctx): (directive: string) => number {
  return (directive) => ctx.server.config.num(directive);
}

function dump(ctx: Ctx): void {
  const v = ctx.db.lookupRead(ctx.arg(1));
  if (v === undefined) return ctx.reply.null();
  ctx.reply.bulk(createDumpPayload(v, { compress: compression(ctx) }));
}

function restore(ctx: Ctx): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  const argc = ctx.argc;
  for (let j = 4; j < argc; j++) {
    const more = argc - j - 1;
    if (ctx.is(j, 'REPLACE')) {
      replace = true;
    } else if (ctx.is(j, 'ABSTTL')) {
      absttl = true;
    } else if (ctx.is(j, 'IDLETIME') && more >= 1 && freq === -1) {
      idle = ctx.int(++j);
      if (idle < 0) throw Err.invalidIdletime();
    } else if (ctx.is(j, 'FREQ') && more >= 1 && idle === -1) {
      freq = ctx.int(++j);
      if (freq < 0 || freq > 255) throw Err.invalidFreq();
    } else {
      throw Err.syntax();
    }
  }
  const key = ctx.arg(1);
  const db = ctx.db;
  // Redis checks in this order: options, busy key, TTL, payload footer, payload body.
  if (!replace && db.lookupWrite(key) !== undefined) throw Err.busyKey();
  const ttl = ctx.int(2);
  if (ttl < 0) throw Err.invalidTtl();
  const payload = Buffer.from(ctx.arg(3), 'latin1');
  const skipCheck = ctx.server.config.get('skip-checksum-validation') === 'yes';
  if (!verifyDumpPayload(payload, skipCheck)) throw Err.dumpPayload();
  let value;
  try {
    value = readDumpPayload(payload, { limits: limitsOf(ctx), codecs: TYPE_CODECS });
  } catch {
    value = null;
  }
  if (value === null) throw Err.badDataFormat();

  const deleted = replace && db.lookupWrite(key) !== undefined && db.delete(key);
  const when = ttl !== 0 && !absttl ? ttl + ctx.ks.now : ttl;
  if (ttl !== 0 && when <= ctx.ks.now && !ctx.ks.loading) {
    // Already expired: the key is not created; a replaced key is gone, which is what the
    // replicas and the AOF are told.
    if (deleted) {
      ctx.propagateAs(['DEL', key]);
      db.changed(key, 'del');
    }
    return ctx.reply.ok();
  }
  db.add(key, value);
  if (ttl !== 0) {
    db.setExpire(key, when);
    if (!absttl) {
      const argv = ctx.argv.slice();
      argv[2] = String(when);
      argv.push('ABSTTL');
      ctx.propagateAs(argv);
    }
  }
  setAccess(ctx.ks, db, key, idle, freq);
  db.changed(key, 'restore');
  ctx.reply.ok();
}

/** The LRU clock's range (24 bits of seconds), as Redis's robj.lru. */
const LRU_CLOCK_MAX = (1 << 24) - 1;

/**
 * IDLETIME/FREQ: overwrite the key's access word when the keyspace keeps one (Redis's
 * objectSetLRUOrLFU: FREQ counts only under an LFU policy, IDLETIME only otherwise). Keyspaces
 * without per-key access words ignore both, as there is nothing to set.
 */
function setAccess(ks: Keyspace, db: Db, key: string, idle: number, freq: number): void {
  const words = db as Db & { setAccessWord?: (key: string, word: number) => void };
  if (typeof words.setAccessWord !== 'function' || (idle < 0 && freq < 0)) return;
  const lfu = (ks as Keyspace & { lfu?: boolean }).lfu === true;
  if (lfu && freq >= 0) {
    words.setAccessWord(key, (((Math.floor(ks.now / 60000) & 0xffff) << 8) | freq) >>> 0);
  } else if (!lfu && idle >= 0) {
    let word = (Math.floor(ks.now / 1000) & LRU_CLOCK_MAX) - (idle % (LRU_CLOCK_MAX + 1));
    if (word < 0) word += LRU_CLOCK_MAX;
    words.setAccessWord(key, word);
  }
}
