// Point-in-time images of the keyspace for AOF base files, and the two encodings of a base:
// RDB (aof-use-rdb-preamble yes, with the aof-base aux field) or AOF commands (SELECT, SET,
// RPUSH/HMSET/SADD/ZADD in batches of 64 items, PEXPIREAT), the layout Redis's rewrite uses.
// Images of a running server come from the forkless Snapshot, which drives these encoders.

import type { Db } from '../../keyspace/db.js';
import { HashValue } from '../../keyspace/types/hash.js';
import { ListValue } from '../../keyspace/types/list.js';
import { MutableString } from '../../keyspace/types/string.js';
import { CollectionValue, typeName, type Value } from '../../keyspace/value.js';
import { fpconvDtoa } from '../../util/fpconv.js';
import { TYPE_CODECS, type TypeCodecs } from '../rdb/codecs.js';
import { RdbEncoder, type AccessInfo, type AuxFields, type RdbWriteOptions } from '../rdb/writer.js';
import type { SnapshotEncoder } from '../snapshot.js';
import { encodeCommand } from './writer.js';

/**
 * What a base file is encoded with: the forkless Snapshot (persistence/snapshot.ts) writes the
 * point-in-time image of a rewrite into one of these, key by key.
 */
export type BaseEncoder = SnapshotEncoder;

const CHUNK = 64 * 1024;

/**
 * Encodes every database at once, in chunks of about 64 KB. Only for moments without clients
 * (the base created at startup) and for tests: a running server images through a Snapshot.
 */
export function encodeImageSync(dbs: readonly Db[], enc: BaseEncoder): Buffer[] {
  const chunks: Buffer[] = [];
  for (const db of dbs) {
    if (db.size === 0) continue;
    enc.selectDb(db.index, db.size, db.expires.size);
    for (const [key, value] of db.entries()) {
      enc.entry(key, value, db.getExpire(key));
      if (enc.pending >= CHUNK) chunks.push(enc.take());
    }
  }
  enc.finish();
  chunks.push(enc.take());
  return chunks;
}

/** An RDB base file (Redis 7 writes aof-base 1 in its aux fields). */
export class RdbBaseEncoder implements BaseEncoder {
  private readonly enc: RdbEncoder;

  constructor(opts: RdbWriteOptions, aux: AuxFields) {
    this.enc = new RdbEncoder(opts);
    this.enc.header({ ...aux, aofBase: 1 });
  }

  selectDb(index: number, size: number, expires: number): void { this.enc.selectDb(index, size, expires); }
  selectOnly(index: number): void { this.enc.selectOnly(index); }
  entry(key: string, value: Value, expireMs?: number, access?: AccessInfo): void { this.enc.entry(key, value, expireMs, access); }
  finish(): void { this.enc.finish(); }
  get pending(): number { return this.enc.pending; }
  take(): Buffer { return this.enc.take(); }
}

/** Redis's AOF_REWRITE_ITEMS_PER_CMD: variadic commands carry at most this many items. */
export const ITEMS_PER_CMD = 64;

/** An AOF-format base file: the commands that rebuild the data set. */
export class AofBaseEncoder implements BaseEncoder {
  private out = '';
  private parts: Buffer[] = [];
  private partBytes = 0;

  constructor(private readonly codecs: TypeCodecs = TYPE_CODECS, timestamp?: number) {
    // With aof-timestamp-enabled a rewritten file starts with its creation time.
    if (timestamp !== undefined) this.out += `#TS:${timestamp}\r\n`;
  }

  selectDb(index: number): void {
    this.cmd(['SELECT', String(index)]);
  }

  selectOnly(index: number): void {
    this.cmd(['SELECT', String(index)]);
  }

  entry(key: string, value: Value, expireMs?: number): void {
    if (typeof value === 'number' || typeof value === 'string') {
      this.cmd(['SET', key, String(value)]);
    } else if (value instanceof MutableString) {
      this.cmd(['SET', key, value.bytes().toString('latin1')]);
    } else if (value instanceof ListValue) {
      this.batched('RPUSH', key, value.toArray(), 1);
    } else if (value instanceof HashValue) {
      const [fields, values] = value.entries();
      const flat: string[] = [];
      for (let i = 0; i < fields.length; i++) flat.push(fields[i]!, values[i]!);
      this.batched('HMSET', key, flat, 2);
    } else {
      this.extraType(key, value);
    }
    if (expireMs !== undefined) this.cmd(['PEXPIREAT', key, String(expireMs)]);
  }

  private extraType(key: string, value: CollectionValue): void {
    const type = typeName(value);
    if (type === 'set' && this.codecs.set !== null) {
      this.batched('SADD', key, [...this.codecs.set.describe(value).members], 1);
    } else if (type === 'zset' && this.codecs.zset !== null) {
      const flat: string[] = [];
      for (const [member, score] of this.codecs.zset.describe(value).entries) flat.push(scoreText(score), member);
      this.batched('ZADD', key, flat, 2);
    } else {
      throw new Error(`cannot rewrite a value of type '${type}' into the AOF yet`);
    }
  }

  /** One command per ITEMS_PER_CMD items (an item is `width` arguments). */
  private batched(name: string, key: string, flat: readonly string[], width: number): void {
    const step = ITEMS_PER_CMD * width;
    for (let i = 0; i < flat.length; i += step) {
      this.cmd([name, key, ...flat.slice(i, i + step)]);
    }
  }

  private cmd(argv: readonly string[]): void {
    this.out += encodeCommand(argv);
    if (this.out.length >= CHUNK) this.spill();
  }

  private spill(): void {
    if (this.out.length === 0) return;
    const b = Buffer.from(this.out, 'latin1');
    this.out = '';
    this.parts.push(b);
    this.partBytes += b.length;
  }

  finish(): void {
    this.spill();
  }

  get pending(): number {
    return this.partBytes + this.out.length;
  }

  take(): Buffer {
    this.spill();
    const b = this.parts.length === 1 ? this.parts[0]! : Buffer.concat(this.parts);
    this.parts = [];
    this.partBytes = 0;
    return b;
  }
}

/** Scores as Redis writes them in a rewrite: inf/-inf by name, others round-trip exact. */
function scoreText(score: number): string {
  if (score === Infinity) return 'inf';
  if (score === -Infinity) return '-inf';
  return fpconvDtoa(score);
}
