// RDB reader: every encoding Redis writes or once wrote (versions 1 to 11). readRdb() walks a
// whole file and reports aux fields, databases and keys to a visitor; readObject() decodes one
// value (shared with RESTORE). Everything is validated and failures throw RdbError: lengths
// past the input, bad encodings, lying ziplist/listpack headers, duplicates, checksum mismatch.
// Pure module: builds keyspace values, never touches the server.

import { HashValue } from '../../keyspace/types/hash.js';
import { ListValue } from '../../keyspace/types/list.js';
import { storedString } from '../../keyspace/types/string.js';
import type { Value } from '../../keyspace/value.js';
import { Cursor, fail } from './bytes.js';
import { TYPE_CODECS, type TypeCodecs, type ValueLimits } from './codecs.js';
import * as K from './constants.js';
import { Crc64 } from './crc64.js';
import { parseIntset, parseListpack, parseZiplist, parseZipmap } from './packed.js';

export interface ReadOptions {
  limits: ValueLimits;
  codecs?: TypeCodecs;
}

/** Whether a byte is a value type (as opposed to an opcode or garbage). */
export function isValueType(t: number): boolean {
  return (t >= K.T_STRING && t <= K.T_MODULE_2) || (t >= K.T_HASH_ZIPMAP && t <= K.T_STREAM_LISTPACKS_3);
}

/**
 * Decodes one value of RDB type `type` at the cursor. Returns null for an empty collection
 * (Redis skips such keys when loading a file and refuses them in RESTORE).
 */
export function readObject(c: Cursor, type: number, o: ReadOptions): Value | null {
  switch (type) {
    case K.T_STRING:
      return storedString(c.string());
    case K.T_LIST: {
      const n = c.count(1, 'list');
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(c.string());
      return makeList(items, o);
    }
    case K.T_LIST_ZIPLIST:
      return makeList(parseZiplist(c.stringBytes()), o);
    case K.T_LIST_QUICKLIST: {
      const n = c.count(1, 'quicklist node');
      const items: string[] = [];
      for (let i = 0; i < n; i++) for (const s of parseZiplist(c.stringBytes())) items.push(s);
      return makeList(items, o);
    }
    case K.T_LIST_QUICKLIST_2: {
      const n = c.count(2, 'quicklist node');
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        const container = c.len();
        if (container === K.QL_NODE_PLAIN) {
          items.push(c.string());
        } else if (container === K.QL_NODE_PACKED) {
          for (const s of parseListpack(c.stringBytes())) items.push(s);
        } else {
          fail(`quicklist node with unknown container ${container}`);
        }
      }
      return makeList(items, o);
    }
    case K.T_HASH: {
      const n = c.count(2, 'hash field');
      const fields: string[] = [];
      const values: string[] = [];
      for (let i = 0; i < n; i++) {
        fields.push(c.string());
        values.push(c.string());
      }
      return makeHash(fields, values, o);
    }
    case K.T_HASH_ZIPMAP: {
      const pairs = parseZipmap(c.stringBytes());
      return makeHash(pairs.map((p) => p[0]), pairs.map((p) => p[1]), o);
    }
    case K.T_HASH_ZIPLIST:
    case K.T_HASH_LISTPACK: {
      const flat = type === K.T_HASH_ZIPLIST ? parseZiplist(c.stringBytes()) : parseListpack(c.stringBytes());
      if (flat.length % 2 !== 0) fail('hash listpack with an odd number of entries');
      const fields: string[] = [];
      const values: string[] = [];
      for (let i = 0; i < flat.length; i += 2) {
        fields.push(flat[i]!);
        values.push(flat[i + 1]!);
      }
      return makeHash(fields, values, o);
    }
    case K.T_SET: {
      const n = c.count(1, 'set member');
      const members: string[] = [];
      for (let i = 0; i < n; i++) members.push(c.string());
      return makeSet(members, o, 'hashtable');
    }
    case K.T_SET_INTSET:
      return makeSet(parseIntset(c.stringBytes()), o, 'intset');
    case K.T_SET_LISTPACK:
      return makeSet(parseListpack(c.stringBytes()), o, 'listpack');
    case K.T_ZSET:
    case K.T_ZSET_2: {
      const n = c.count(2, 'sorted set member');
      const entries: [string, number][] = [];
      for (let i = 0; i < n; i++) {
        const m = c.string();
        entries.push([m, type === K.T_ZSET_2 ? c.f64le() : readTextScore(c)]);
      }
      return makeZset(entries, o, 'skiplist');
    }
    case K.T_ZSET_ZIPLIST:
    case K.T_ZSET_LISTPACK: {
      const flat = type === K.T_ZSET_ZIPLIST ? parseZiplist(c.stringBytes()) : parseListpack(c.stringBytes());
      if (flat.length % 2 !== 0) fail('sorted set listpack with an odd number of entries');
      const entries: [string, number][] = [];
      for (let i = 0; i < flat.length; i += 2) entries.push([flat[i]!, parseScore(flat[i + 1]!)]);
      return makeZset(entries, o, 'listpack');
    }
    case K.T_STREAM_LISTPACKS:
    case K.T_STREAM_LISTPACKS_2:
    case K.T_STREAM_LISTPACKS_3:
      return fail('stream values are not supported yet');
    case K.T_MODULE_PRE_GA:
    case K.T_MODULE_2:
      return fail('module values are not supported');
    default:
      return fail(`unknown value type ${type}`);
  }
}

function makeList(items: string[], o: ReadOptions): Value | null {
  if (items.length === 0) return null;
  const l = new ListValue();
  l.push(items, 0, 'tail', o.limits('list-max-listpack-size'));
  return l;
}

function makeHash(fields: string[], values: string[], o: ReadOptions): Value | null {
  if (fields.length === 0) return null;
  const limits = { entries: o.limits('hash-max-listpack-entries'), value: o.limits('hash-max-listpack-value') };
  const h = new HashValue();
  h.prepare(fields.length, limits);
  for (let i = 0; i < fields.length; i++) {
    if (!h.set(fields[i]!, values[i]!, limits)) fail('duplicate hash fields detected');
  }
  return h;
}

function makeSet(members: string[], o: ReadOptions, from: 'intset' | 'listpack' | 'hashtable'): Value | null {
  if (members.length === 0) return null;
  if (new Set(members).size !== members.length) fail('duplicate set members detected');
  const codec = (o.codecs ?? TYPE_CODECS).set;
  if (codec === null) return fail('type not supported yet: set');
  return codec.build(members, o.limits, from);
}

function makeZset(entries: [string, number][], o: ReadOptions, from: 'listpack' | 'skiplist'): Value | null {
  if (entries.length === 0) return null;
  const seen = new Set<string>();
  for (const [m, s] of entries) {
    if (Number.isNaN(s)) fail('sorted set with a NaN score');
    if (seen.has(m)) fail('duplicate sorted set members detected');
    seen.add(m);
  }
  const codec = (o.codecs ?? TYPE_CODECS).zset;
  if (codec === null) return fail('type not supported yet: zset');
  return codec.build(entries, o.limits, from);
}

/** A score of the old ZSET type: a length byte (253 NaN, 254 +inf, 255 -inf) and text. */
function readTextScore(c: Cursor): number {
  const n = c.u8();
  if (n === K.SCORE_NAN) return NaN;
  if (n === K.SCORE_POS_INF) return Infinity;
  if (n === K.SCORE_NEG_INF) return -Infinity;
  return parseScore(c.take(n, 'score').toString('latin1'));
}

function parseScore(s: string): number {
  if (s === 'inf' || s === '+inf') return Infinity;
  if (s === '-inf') return -Infinity;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) fail('invalid sorted set score');
  return Number(s);
}

// ---- whole files ----

export interface KeyEntry {
  db: number;
  key: string;
  value: Value;
  /** Absolute expire time in ms, if any. */
  expireMs: number | undefined;
  /** LRU idle seconds (IDLE opcode) and LFU counter (FREQ opcode), when present. */
  idle: number | undefined;
  freq: number | undefined;
}

export interface RdbVisitor {
  aux?(key: string, value: string): void;
  selectDb?(index: number): void;
  resizeDb?(size: number, expires: number): void;
  key(e: KeyEntry): void;
  /** A key whose collection was empty (Redis skips it with a log line). */
  emptyKey?(db: number, key: string): void;
}

export interface FileReadOptions extends ReadOptions {
  /** rdbchecksum: verify the CRC-64 (a stored 0 always means "not computed"). */
  verifyChecksum: boolean;
}

export interface ReadResult {
  version: number;
  /** 'ok' verified, 'zero' written without a checksum, 'skipped' not verified by configuration. */
  checksum: 'ok' | 'zero' | 'skipped' | 'none';
  /** Offset just past the file (after the checksum): a stream may continue there. */
  end: number;
}

/** Reads a whole RDB file from a buffer, reporting what it holds to the visitor. */
export function readRdb(buf: Buffer, visitor: RdbVisitor, o: FileReadOptions): ReadResult {
  const r = new RdbFileReader(buf, visitor, o);
  for (;;) {
    const done = r.step(Infinity);
    if (done !== null) return done;
  }
}

/**
 * A resumable walk over a whole RDB file: step(n) reports at most n keys and returns the result
 * once EOF (and the checksum) was read, or null when there is more. A loader that must keep the
 * server answering (LOADING replies) calls step() in time slices.
 */
export class RdbFileReader {
  private readonly c: Cursor;
  private readonly version: number;
  private db = 0;

  constructor(private readonly buf: Buffer, private readonly visitor: RdbVisitor, private readonly o: FileReadOptions) {
    if (buf.length < 9 || buf.toString('latin1', 0, 5) !== 'REDIS') fail('Wrong signature trying to load DB from file');
    const vtext = buf.toString('latin1', 5, 9);
    if (!/^\d{4}$/.test(vtext)) fail('Wrong signature trying to load DB from file');
    this.version = Number(vtext);
    if (this.version < K.RDB_MIN_VERSION || this.version > K.RDB_VERSION) fail(`Can't handle RDB format version ${this.version}`);
    this.c = new Cursor(buf, 9);
  }

  /** Bytes consumed so far (INFO loading_loaded_bytes). */
  get position(): number { return this.c.pos; }

  step(maxKeys: number): ReadResult | null {
    const { c, visitor } = this;
    let keys = 0;
    let expireMs: number | undefined;
    let idle: number | undefined;
    let freq: number | undefined;
    for (;;) {
      // Stop only between keys, never between a key and its EXPIRETIME/IDLE/FREQ prefix.
      if (keys >= maxKeys && expireMs === undefined && idle === undefined && freq === undefined) return null;
      const type = c.u8();
      switch (type) {
        case K.OP_EXPIRETIME_MS: {
          const t = c.i64le();
          // Version 9 and later store the time little endian, as nodis reads it; older files are
          // host-endian, which for every platform Redis shipped files from was little endian too.
          expireMs = Number(t);
          continue;
        }
        case K.OP_EXPIRETIME:
          expireMs = c.take(4, 'expire time').readInt32LE(0) * 1000;
          continue;
        case K.OP_IDLE:
          idle = c.len();
          continue;
        case K.OP_FREQ:
          freq = c.u8();
          continue;
        case K.OP_SELECTDB:
          this.db = c.len();
          visitor.selectDb?.(this.db);
          continue;
        case K.OP_RESIZEDB: {
          const size = c.len();
          const expires = c.len();
          visitor.resizeDb?.(size, expires);
          continue;
        }
        case K.OP_AUX: {
          const k = c.string();
          const v = c.string();
          visitor.aux?.(k, v);
          continue;
        }
        case K.OP_MODULE_AUX:
          return fail('module aux data is not supported');
        case K.OP_FUNCTION2:
        case K.OP_FUNCTION_PRE_GA:
          return fail('function libraries in RDB files are not supported yet');
        case K.OP_EOF:
          return finish(this.buf, c, this.version, this.o);
        default: {
          if (!isValueType(type)) fail(`unknown RDB type or opcode ${type}`);
          const key = c.string();
          const value = readObject(c, type, this.o);
          if (value === null) visitor.emptyKey?.(this.db, key);
          else visitor.key({ db: this.db, key, value, expireMs, idle, freq });
          expireMs = idle = freq = undefined;
          keys++;
        }
      }
    }
  }
}

function finish(buf: Buffer, c: Cursor, version: number, o: FileReadOptions): ReadResult {
  if (version < 5) return { version, checksum: 'none', end: c.pos };
  const at = c.pos;
  const stored = c.take(8, 'checksum');
  if (stored.every((b) => b === 0)) return { version, checksum: 'zero', end: c.pos };
  if (!o.verifyChecksum) return { version, checksum: 'skipped', end: c.pos };
  const got = new Crc64().update(buf, 0, at).bytesLE();
  if (!got.equals(stored)) {
    fail(`Wrong RDB checksum expected: (${hex(stored)}) got (${hex(got)}). Aborting now.`);
  }
  return { version, checksum: 'ok', end: c.pos };
}

function hex(le: Buffer): string {
  return Buffer.from(le).reverse().toString('hex').replace(/^0+(?=.)/, '');
}
