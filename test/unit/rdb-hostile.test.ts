// Hostile input for the RDB reader and DUMP payloads: a corpus of hand-made corrupt payloads
// and a seeded fuzz of mutated payloads and files. Every input must end in an RdbError (or a
// successful decode), quickly, never another exception, a hang or a huge allocation.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { setFrom } from '../../src/keyspace/types/set.js';
import { ZSetValue } from '../../src/keyspace/types/zset.js';
import { RdbError } from '../../src/persistence/rdb/bytes.js';
import { DEFAULT_LIMITS } from '../../src/persistence/rdb/codecs.js';
import { crc64LE } from '../../src/persistence/rdb/crc64.js';
import { createDumpPayload, readDumpPayload } from '../../src/persistence/rdb/dump.js';
import { loadRdb } from '../../src/persistence/rdb/load.js';
import { buildListpack } from '../../src/persistence/rdb/packed.js';
import { rdbBuffer } from '../../src/persistence/rdb/writer.js';
import { newKeyspace, rng } from '../helpers/rdb.js';

/** Decodes a payload body (type byte onwards) with a valid footer; returns 'ok' or the error. */
function tryPayload(body: Buffer): string {
  const b = Buffer.concat([body, Buffer.from([11, 0])]);
  const p = Buffer.concat([b, crc64LE(b)]);
  try {
    return readDumpPayload(p, { limits: DEFAULT_LIMITS }) === null ? 'empty' : 'ok';
  } catch (e) {
    if (!(e instanceof RdbError)) throw e;
    return 'error';
  }
}

const lp = (items: string[]) => buildListpack(items);
/** A blob as an RDB string with a 32-bit length. */
function withLen(b: Buffer): Buffer {
  const h = Buffer.from([0x80, 0, 0, 0, 0]);
  h.writeUInt32BE(b.length, 1);
  return Buffer.concat([h, b]);
}

describe('corrupt payload corpus', () => {
  const cases: [string, Buffer][] = [
    ['string longer than the payload', Buffer.from([0, 0x80, 0x7f, 0xff, 0xff, 0xff, 65])],
    ['64-bit string length', Buffer.from([0, 0x81, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff])],
    ['unknown length encoding', Buffer.from([0, 0x82, 1])],
    ['unknown string encoding', Buffer.from([0, 0xc7])],
    ['LZF with an impossible size', Buffer.from([0, 0xc3, 2, 0x80, 0x7f, 0xff, 0xff, 0xff, 0, 65])],
    ['LZF that expands short', Buffer.from([0, 0xc3, 2, 10, 0, 65])],
    ['LZF back reference before the start', Buffer.from([0, 0xc3, 2, 10, 0x20, 5])],
    ['list count beyond the input', Buffer.from([1, 0x80, 0x10, 0, 0, 0, 1, 65])],
    ['quicklist with unknown container', Buffer.concat([Buffer.from([18, 1, 3]), withLen(lp(['a']))])],
    ['quicklist listpack whose header lies', Buffer.concat([Buffer.from([18, 1, 2]), withLen(Buffer.from(lp(['a', 'b'])).fill(9, 4, 5))])],
    ['hash listpack with an odd count', Buffer.concat([Buffer.from([16]), withLen(lp(['a', 'b', 'c']))])],
    ['hash listpack with duplicate fields', Buffer.concat([Buffer.from([16]), withLen(lp(['a', '1', 'a', '2']))])],
    ['hash with duplicate fields', Buffer.from('\x04\x02\x01a\x011\x01a\x012', 'latin1')],
    ['hash count beyond the input', Buffer.from('\x04\x80\x01\x00\x00\x00\x01a\x011', 'latin1')],
    ['ziplist list that is not a ziplist', Buffer.concat([Buffer.from([10]), withLen(Buffer.from('garbage!!!!!'))])],
    ['zipmap without end', Buffer.concat([Buffer.from([9]), withLen(Buffer.from('\x01\x01a\x01\x00b', 'latin1'))])],
    ['intset with a bad width', Buffer.concat([Buffer.from([11]), withLen(Buffer.from([3, 0, 0, 0, 0, 0, 0, 0]))])],
    ['zset with a NaN score', Buffer.from('\x03\x01\x01m\xfd', 'latin1')],
    ['zset with a bad score text', Buffer.from('\x03\x01\x01m\x03abc', 'latin1')],
    ['intset with duplicates', Buffer.concat([Buffer.from([11]), withLen(Buffer.from([2, 0, 0, 0, 2, 0, 0, 0, 5, 0, 5, 0]))])],
    ['intset out of order', Buffer.concat([Buffer.from([11]), withLen(Buffer.from([2, 0, 0, 0, 2, 0, 0, 0, 9, 0, 5, 0]))])],
    ['intset whose count lies', Buffer.concat([Buffer.from([11]), withLen(Buffer.from([2, 0, 0, 0, 9, 0, 0, 0, 1, 0]))])],
    ['set listpack with duplicates', Buffer.concat([Buffer.from([20]), withLen(lp(['a', 'b', 'a']))])],
    ['set listpack whose header lies', Buffer.concat([Buffer.from([20]), withLen(Buffer.from(lp(['a', 'b'])).fill(7, 4, 5))])],
    ['set with duplicate members', Buffer.from('\x02\x02\x01a\x01a', 'latin1')],
    ['set count beyond the input', Buffer.from('\x02\x80\x01\x00\x00\x00\x01a', 'latin1')],
    ['zset listpack with an odd count', Buffer.concat([Buffer.from([17]), withLen(lp(['a', '1', 'b']))])],
    ['zset listpack with a bad score', Buffer.concat([Buffer.from([17]), withLen(lp(['a', 'nope']))])],
    ['zset listpack with a NaN score', Buffer.concat([Buffer.from([17]), withLen(lp(['a', 'nan']))])],
    ['zset listpack with duplicate members', Buffer.concat([Buffer.from([17]), withLen(lp(['a', '1', 'a', '2']))])],
    ['zset2 with a NaN score', Buffer.concat([Buffer.from('\x05\x01\x01m', 'latin1'), Buffer.from([0, 0, 0, 0, 0, 0, 0xf8, 0x7f])])],
    ['zset2 with duplicate members', Buffer.concat([Buffer.from('\x05\x02\x01m', 'latin1'), Buffer.alloc(8), Buffer.from('\x01m', 'latin1'), Buffer.alloc(8)])],
    ['zset2 cut after its first score', Buffer.concat([Buffer.from('\x05\x03\x01m', 'latin1'), Buffer.alloc(8)])],
    ['stream', Buffer.from([15, 0])],
    ['module', Buffer.from([7, 0])],
    ['unknown type', Buffer.from([30, 0])],
    ['nothing at all', Buffer.alloc(0)],
  ];
  for (const [name, body] of cases) {
    it(name, () => assert.equal(tryPayload(body), 'error'));
  }
  it('empty collections are reported as empty, not as values', () => {
    assert.equal(tryPayload(Buffer.from([18, 0])), 'empty');
    assert.equal(tryPayload(Buffer.from([4, 0])), 'empty');
    assert.equal(tryPayload(Buffer.concat([Buffer.from([18, 1, 2]), withLen(lp([]))])), 'empty');
    assert.equal(tryPayload(Buffer.from([2, 0])), 'empty');
    assert.equal(tryPayload(Buffer.from([5, 0])), 'empty');
    assert.equal(tryPayload(Buffer.concat([Buffer.from([20]), withLen(lp([]))])), 'empty');
    assert.equal(tryPayload(Buffer.concat([Buffer.from([17]), withLen(lp([]))])), 'empty');
    assert.equal(tryPayload(Buffer.concat([Buffer.from([11]), withLen(Buffer.from([2, 0, 0, 0, 0, 0, 0, 0]))])), 'empty');
  });
});

function mutate(r: () => number, src: Buffer): Buffer {
  const b = Buffer.from(src);
  const n = 1 + Math.floor(r() * 4);
  for (let k = 0; k < n; k++) {
    const i = Math.floor(r() * b.length);
    switch (Math.floor(r() * 4)) {
      case 0: b[i] = Math.floor(r() * 256); break;
      case 1: b[i]! ^= 1 << Math.floor(r() * 8); break;
      case 2: b[i] = [0, 0xff, 0x7f, 0x80, 0xc3, 0xfe][Math.floor(r() * 6)]!; break;
      default: return b.subarray(0, i);
    }
  }
  return b;
}

describe('seeded fuzz', () => {
  const list = new ListValue();
  list.push(Array.from({ length: 200 }, (_, i) => (i % 3 === 0 ? String(i * 1000) : `item${i}`)), 0, 'tail', -2);
  const big = new ListValue();
  big.push(Array.from({ length: 50 }, (_, i) => 'z'.repeat(i * 50)), 0, 'tail', 4);
  const h = new HashValue();
  for (let i = 0; i < 20; i++) h.set(`f${i}`, String(i * 7), { entries: 512, value: 64 });
  const slim = { intsetEntries: 512, listpackEntries: 128, listpackValue: 64 };
  const intset = setFrom(Array.from({ length: 40 }, (_, i) => String(i * 70001 - 1e6)), slim);
  const lpset = setFrom(Array.from({ length: 30 }, (_, i) => `m${i}`), slim);
  const htset = setFrom(Array.from({ length: 200 }, (_, i) => `member-${i}`), slim);
  const zlim = { listpackEntries: 128, listpackValue: 64 };
  const zsmall = new ZSetValue();
  for (let i = 0; i < 30; i++) zsmall.set(`z${i}`, i % 5 === 0 ? Infinity : i / 8, zlim);
  const zbig = new ZSetValue();
  for (let i = 0; i < 200; i++) zbig.set(`big${i}`, i % 7 === 0 ? -Infinity : i * 1.25, zlim);
  const values = [12345, 'short', 'compressible '.repeat(30), list, big, h, intset, lpset, htset, zsmall, zbig];

  it('mutated DUMP payload bodies decode or fail with RdbError', () => {
    const r = rng(42);
    let errors = 0;
    const start = Date.now();
    for (let round = 0; round < 3000; round++) {
      const v = values[round % values.length]!;
      const p = createDumpPayload(v, { compress: round % 2 === 0 });
      const body = mutate(r, p.subarray(0, p.length - 10));
      if (tryPayload(body) !== 'ok') errors++;
    }
    assert.ok(errors > 100, `only ${errors} mutations failed`);
    assert.ok(Date.now() - start < 20000);
  });

  it('mutated RDB files load or fail with RdbError', () => {
    const ks = newKeyspace();
    values.forEach((v, i) => ks.dbs[i % 3]!.set(`key${i}`, v));
    ks.dbs[0]!.setExpire('key0', Date.now() + 100000);
    const file = rdbBuffer({ dbs: ks.dbs, aux: { redisVer: '7.2.4', redisBits: 64, ctime: 1, usedMem: 1, aofBase: 0 } },
      { compress: true, checksum: true });
    const r = rng(99);
    for (let round = 0; round < 500; round++) {
      const bad = mutate(r, file);
      for (const verifyChecksum of [true, false]) {
        try {
          loadRdb(bad, newKeyspace().dbs, { limits: DEFAULT_LIMITS, verifyChecksum });
        } catch (e) {
          if (!(e instanceof RdbError)) throw e;
        }
      }
    }
  });
});
