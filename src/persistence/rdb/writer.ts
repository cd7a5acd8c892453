// RDB version 11 writer (Redis 7.2 layout). RdbEncoder appends opcodes, keys and values to an
// internal buffer that the caller drains with take() as often as it likes, so a snapshot can
// interleave serialization with client work and send chunks to a file or a socket; the running
// CRC-64 covers every byte handed out. rdbChunks() drives it over whole databases.
// Pure module: reads keyspace values, never the server or its config (options carry them).

import type { Db } from '../../keyspace/db.js';
import { HashValue } from '../../keyspace/types/hash.js';
import { ListValue } from '../../keyspace/types/list.js';
import { MutableString } from '../../keyspace/types/string.js';
import { CollectionValue, isStringValue, typeName, type Value } from '../../keyspace/value.js';
import { fpconvDtoa } from '../../util/fpconv.js';
import { ByteWriter, fail, type StringEncodingOptions } from './bytes.js';
import { TYPE_CODECS, type TypeCodecs } from './codecs.js';
import * as K from './constants.js';
import { Crc64 } from './crc64.js';
import { buildListpack } from './packed.js';

/** The aux fields Redis writes after the header, in its order; absent ones are skipped. */
export interface AuxFields {
  redisVer: string;
  redisBits: number;
  /** Creation time, seconds since the epoch. */
  ctime: number;
  usedMem: number;
  replStreamDb?: number;
  replId?: string;
  replOffset?: number;
  /** 1 when the file is the base of a multi-part AOF. */
  aofBase: number;
}

export interface RdbWriteOptions {
  /** rdbcompression: LZF-compress strings over 20 bytes when it saves space. */
  compress: boolean;
  /** rdbchecksum: end with the CRC-64, or 8 zero bytes when off. */
  checksum: boolean;
  /** Format version of the header; 11 unless writing for an older reader. */
  version?: number;
  codecs?: TypeCodecs;
}

/** Per-key eviction data Redis writes under an LRU (idle seconds) or LFU (counter) policy. */
export interface AccessInfo {
  idle?: number;
  freq?: number;
}

/** The RDB type byte of a value (as DUMP and the file writer emit it). */
export function rdbTypeOf(v: Value, codecs: TypeCodecs = TYPE_CODECS, version: number = K.RDB_VERSION): number {
  if (isStringValue(v)) return K.T_STRING;
  if (v instanceof ListValue) return K.T_LIST_QUICKLIST_2;
  if (v instanceof HashValue) return v.isPacked ? K.T_HASH_LISTPACK : K.T_HASH;
  const type = typeName(v);
  if (type === 'set' && codecs.set !== null) {
    const enc = codecs.set.describe(v).encoding;
    // Listpack sets (type 20) exist from RDB 11 (7.2) on; older formats get the plain set.
    if (enc === 'listpack' && version < 11) return K.T_SET;
    return enc === 'intset' ? K.T_SET_INTSET : enc === 'listpack' ? K.T_SET_LISTPACK : K.T_SET;
  }
  if (type === 'zset' && codecs.zset !== null) {
    return codecs.zset.describe(v).encoding === 'listpack' ? K.T_ZSET_LISTPACK : K.T_ZSET_2;
  }
  return fail(`cannot serialize a value of type '${type}' yet`);
}

/** Writes a string value with Redis's rules (int encodings, LZF). */
function writeStringValue(w: ByteWriter, v: number | string | MutableString, o: StringEncodingOptions): void {
  if (typeof v === 'number') {
    if (w.rdbEncodedInt(v)) return;
    const s = String(v);
    w.rdbLen(s.length);
    w.latin1(s);
    return;
  }
  w.rdbString(v instanceof MutableString ? v.bytes() : v, o);
}

/** Writes the body of a value (everything after its type byte). */
export function writeValueBody(w: ByteWriter, v: Value, o: StringEncodingOptions, codecs: TypeCodecs = TYPE_CODECS, version: number = K.RDB_VERSION): void {
  if (isStringValue(v)) {
    writeStringValue(w, v, o);
  } else if (v instanceof ListValue) {
    writeList(w, v, o);
  } else if (v instanceof HashValue) {
    writeHash(w, v, o);
  } else {
    writeExtraType(w, v, o, codecs, version);
  }
}

function writeList(w: ByteWriter, v: ListValue, o: StringEncodingOptions): void {
  // QUICKLIST_2: node count, then per node its container and its blob. A listpack-encoded
  // list is written as one packed node, as Redis 7.2 does.
  const nodes: [readonly string[], boolean][] = [];
  v.forEachNode((items, plain) => { if (items.length > 0) nodes.push([items, plain]); });
  w.rdbLen(nodes.length);
  for (const [items, plain] of nodes) {
    if (plain) {
      w.rdbLen(K.QL_NODE_PLAIN);
      w.rdbString(items[0]!, o);
    } else {
      w.rdbLen(K.QL_NODE_PACKED);
      w.rdbString(buildListpack(items), o);
    }
  }
}

function writeHash(w: ByteWriter, v: HashValue, o: StringEncodingOptions): void {
  const [fields, values] = v.entries();
  if (v.isPacked) {
    const flat: string[] = new Array<string>(fields.length * 2);
    for (let i = 0; i < fields.length; i++) {
      flat[2 * i] = fields[i]!;
      flat[2 * i + 1] = values[i]!;
    }
    w.rdbString(buildListpack(flat), o);
    return;
  }
  w.rdbLen(fields.length);
  for (let i = 0; i < fields.length; i++) {
    w.rdbString(fields[i]!, o);
    w.rdbString(values[i]!, o);
  }
}

/** Sets and sorted sets, through their codecs (see codecs.ts). */
function writeExtraType(w: ByteWriter, v: CollectionValue, o: StringEncodingOptions, codecs: TypeCodecs, version: number): void {
  const type = typeName(v);
  if (type === 'set' && codecs.set !== null) {
    const d = codecs.set.describe(v);
    const members = [...d.members];
    if (d.encoding === 'intset') {
      w.rdbString(buildIntset(members), o);
    } else if (d.encoding === 'listpack' && version >= 11) {
      w.rdbString(buildListpack(members), o);
    } else {
      w.rdbLen(members.length);
      for (const m of members) w.rdbString(m, o);
    }
    return;
  }
  if (type === 'zset' && codecs.zset !== null) {
    const d = codecs.zset.describe(v);
    const entries = [...d.entries];
    if (d.encoding === 'listpack') {
      const flat: string[] = [];
      for (const [m, s] of entries) flat.push(m, scoreText(s));
      w.rdbString(buildListpack(flat), o);
    } else {
      // ZSET_2 stores members from the highest score down, so loading inserts at the head.
      w.rdbLen(entries.length);
      for (let i = entries.length - 1; i >= 0; i--) {
        w.rdbString(entries[i]![0], o);
        w.f64le(entries[i]![1]);
      }
    }
    return;
  }
  fail(`cannot serialize a value of type '${type}' yet`);
}

/** A score as a listpack stores it (Redis 7.2's d2string): integers as such, else shortest text. */
function scoreText(s: number): string {
  if (Number.isInteger(s) && Math.abs(s) < 2 ** 63) return BigInt(s).toString();
  if (s === Infinity) return 'inf';
  if (s === -Infinity) return '-inf';
  return fpconvDtoa(s);
}

/** An intset blob of the given integer members (sorted here). */
function buildIntset(members: string[]): Buffer {
  const vals = members.map((m) => BigInt(m)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  let width = 2;
  for (const x of vals) {
    if (x < -2147483648n || x > 2147483647n) width = 8;
    else if ((x < -32768n || x > 32767n) && width < 4) width = 4;
  }
  const b = Buffer.alloc(8 + vals.length * width);
  b.writeUInt32LE(width, 0);
  b.writeUInt32LE(vals.length, 4);
  vals.forEach((x, i) => {
    const p = 8 + i * width;
    if (width === 2) b.writeInt16LE(Number(x), p);
    else if (width === 4) b.writeInt32LE(Number(x), p);
    else b.writeBigInt64LE(x, p);
  });
  return b;
}

/** Streams an RDB file: call the parts in order and drain bytes with take() at any point. */
export class RdbEncoder {
  private readonly w = new ByteWriter(64 * 1024);
  private readonly crc = new Crc64();
  private readonly str: StringEncodingOptions;
  private readonly codecs: TypeCodecs;
  private finished = false;

  constructor(private readonly opts: RdbWriteOptions) {
    this.str = { compress: opts.compress };
    this.codecs = opts.codecs ?? TYPE_CODECS;
  }

  /** Bytes written but not yet taken. */
  get pending(): number { return this.w.length; }

  /** The magic string, the version and the aux fields. */
  header(aux: AuxFields): void {
    const version = this.opts.version ?? K.RDB_VERSION;
    this.w.latin1(`REDIS${String(version).padStart(4, '0')}`);
    this.aux('redis-ver', aux.redisVer);
    this.aux('redis-bits', String(aux.redisBits));
    this.aux('ctime', String(aux.ctime));
    this.aux('used-mem', String(aux.usedMem));
    if (aux.replStreamDb !== undefined) this.aux('repl-stream-db', String(aux.replStreamDb));
    if (aux.replId !== undefined) this.aux('repl-id', aux.replId);
    if (aux.replOffset !== undefined) this.aux('repl-offset', String(aux.replOffset));
    this.aux('aof-base', String(aux.aofBase));
  }

  /** One aux field (strings; integer texts come out int-encoded, as Redis writes them). */
  aux(key: string, value: string): void {
    this.w.u8(K.OP_AUX);
    this.w.rdbString(key, this.str);
    this.w.rdbString(value, this.str);
  }

  /** SELECTDB and RESIZEDB for a database about to be written. */
  selectDb(index: number, size: number, expires: number): void {
    this.w.u8(K.OP_SELECTDB);
    this.w.rdbLen(index);
    this.w.u8(K.OP_RESIZEDB);
    this.w.rdbLen(size);
    this.w.rdbLen(expires);
  }

  /** One key: its expire time (absolute ms), eviction data, type, name and value. */
  entry(key: string, value: Value, expireMs?: number, access?: AccessInfo): void {
    const w = this.w;
    if (expireMs !== undefined) {
      w.u8(K.OP_EXPIRETIME_MS);
      w.i64le(BigInt(expireMs));
    }
    if (access?.idle !== undefined) {
      w.u8(K.OP_IDLE);
      w.rdbLen(access.idle);
    }
    if (access?.freq !== undefined) {
      w.u8(K.OP_FREQ);
      w.u8(access.freq);
    }
    const version = this.opts.version ?? K.RDB_VERSION;
    w.u8(rdbTypeOf(value, this.codecs, version));
    w.rdbString(key, this.str);
    writeValueBody(w, value, this.str, this.codecs, version);
  }

  /** EOF and the checksum (8 zero bytes when checksums are off). Take() afterwards. */
  finish(): void {
    this.w.u8(K.OP_EOF);
    this.crc.update(this.w.view());
    const sum = this.opts.checksum ? this.crc.bytesLE() : Buffer.alloc(8);
    // The checksum itself is not part of what it covers: hand out the pending bytes first.
    const body = this.w.take();
    this.w.bytes(Buffer.concat([body, sum]));
    this.finished = true;
  }

  /** Everything written since the last take(), as a fresh Buffer. */
  take(): Buffer {
    if (!this.finished) this.crc.update(this.w.view());
    return this.w.take();
  }
}

export interface RdbSource {
  readonly dbs: readonly Db[];
  aux: AuxFields;
  /** Eviction data to save per key (LRU/LFU policies), or nothing. */
  access?: (db: Db, key: string) => AccessInfo | undefined;
}

/**
 * Serializes whole databases as RDB, yielding chunks of about `chunkSize` bytes. Expired keys
 * are written with their expire time as Redis does; loaders drop them.
 */
export function* rdbChunks(src: RdbSource, opts: RdbWriteOptions, chunkSize = 64 * 1024): Generator<Buffer> {
  const enc = new RdbEncoder(opts);
  enc.header(src.aux);
  for (const db of src.dbs) {
    if (db.size === 0) continue;
    enc.selectDb(db.index, db.size, db.expires.size);
    for (const [key, value] of db.entries()) {
      enc.entry(key, value, db.getExpire(key), src.access?.(db, key));
      if (enc.pending >= chunkSize) yield enc.take();
    }
  }
  enc.finish();
  yield enc.take();
}

/** A whole RDB file in one buffer (tests, small datasets). */
export function rdbBuffer(src: RdbSource, opts: RdbWriteOptions): Buffer {
  return Buffer.concat([...rdbChunks(src, opts)]);
}
