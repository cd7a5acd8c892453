// DUMP/RESTORE payloads: the RDB encoding of one value (type byte and body), then the RDB
// version as 2 little-endian bytes, then the CRC-64 of everything before it, little endian.
// Pure module: the commands in commands/dump-restore.ts parse arguments and reply.

import type { Value } from '../../keyspace/value.js';
import { ByteWriter, Cursor, fail } from './bytes.js';
import { TYPE_CODECS, type TypeCodecs } from './codecs.js';
import { RDB_VERSION } from './constants.js';
import { crc64LE } from './crc64.js';
import { isValueType, readObject, type ReadOptions } from './reader.js';
import { rdbTypeOf, writeValueBody } from './writer.js';

export interface DumpOptions {
  /** rdbcompression */
  compress: boolean;
  /** The version stamped in the footer (11; older only to talk to older servers). */
  version?: number;
  codecs?: TypeCodecs;
}

export function createDumpPayload(v: Value, o: DumpOptions): Buffer {
  const codecs = o.codecs ?? TYPE_CODECS;
  const w = new ByteWriter(256);
  const version = o.version ?? RDB_VERSION;
  w.u8(rdbTypeOf(v, codecs, version));
  writeValueBody(w, v, { compress: o.compress }, codecs, version);
  w.u16le(version);
  const body = w.take();
  return Buffer.concat([body, crc64LE(body)]);
}

/** Redis's verifyDumpPayload: footer present, version not newer than ours, checksum right. */
export function verifyDumpPayload(p: Buffer, skipChecksum = false): boolean {
  if (p.length < 10) return false;
  const version = p.readUInt16LE(p.length - 10);
  if (version > RDB_VERSION) return false;
  if (skipChecksum) return true;
  return crc64LE(p, 0, p.length - 8).equals(p.subarray(p.length - 8));
}

/**
 * Decodes a verified payload's value; throws RdbError when malformed, returns null for an
 * empty collection (both are "Bad data format" to RESTORE).
 */
export function readDumpPayload(p: Buffer, o: ReadOptions): Value | null {
  // As in Redis, the value is read from the whole payload: a body that runs into its own
  // footer is taken as it reads (the checksum already vouched for those bytes).
  const c = new Cursor(p);
  const type = c.u8();
  if (!isValueType(type)) fail(`unknown value type ${type}`);
  return readObject(c, type, o);
}
