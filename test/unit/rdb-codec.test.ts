// The RDB codec on its own: CRC-64 and LZF, listpack and the legacy packed formats, the
// streaming writer against the reader, DUMP payloads, and the set/zset extension points.
// Interop with real Redis files and payloads is in test/integration/rdb-interop.test.ts.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import type { Keyspace } from '../../src/keyspace/keyspace.js';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { ListValue, lpEntryBytes } from '../../src/keyspace/types/list.js';
import { MutableString } from '../../src/keyspace/types/string.js';
import { CollectionValue, type TypeName, type Value } from '../../src/keyspace/value.js';
import { ByteWriter, Cursor, RdbError } from '../../src/persistence/rdb/bytes.js';
import { DEFAULT_LIMITS, type TypeCodecs } from '../../src/persistence/rdb/codecs.js';
import { Crc64, crc64LE } from '../../src/persistence/rdb/crc64.js';
import { createDumpPayload, readDumpPayload, verifyDumpPayload } from '../../src/persistence/rdb/dump.js';
import { loadRdb } from '../../src/persistence/rdb/load.js';
import { lzfCompress, lzfDecompress } from '../../src/persistence/rdb/lzf.js';
import { buildListpack, parseIntset, parseListpack, parseZiplist, parseZipmap } from '../../src/persistence/rdb/packed.js';
import { readRdb } from '../../src/persistence/rdb/reader.js';
import { rdbBuffer, rdbChunks, RdbEncoder, type AuxFields } from '../../src/persistence/rdb/writer.js';
import { newKeyspace, rng } from '../helpers/rdb.js';

function randomBytes(r: () => number, n: number, alphabet = 256): Buffer {
  const b = Buffer.alloc(n);
  for (let i = 0; i < n; i++) b[i] = Math.floor(r() * alphabet);
  return b;
}

const AUX: AuxFields = { redisVer: '7.2.4', redisBits: 64, ctime: 1700000000, usedMem: 1000000, aofBase: 0 };

function list(items: string[], fill = -2): ListValue {
  const l = new ListValue();
  l.push(items, 0, 'tail', fill);
  return l;
}

function hash(pairs: [string, string][], entries = 512): HashValue {
  const h = new HashValue();
  for (const [f, v] of pairs) h.set(f, v, { entries, value: 64 });
  return h;
}

/** A comparable rendering of a value. */
function show(v: Value | undefined | null): unknown {
  if (v === undefined || v === null) return v;
  if (typeof v === 'number') return String(v);
  if (typeof v === 'string') return v;
  if (v instanceof MutableString) return v.toString();
  if (v instanceof ListValue) return { list: v.toArray(), enc: v.encoding() };
  if (v instanceof HashValue) {
    const [f, x] = v.entries();
    return { hash: f.map((k, i) => [k, x[i]]).sort(), enc: v.encoding() };
  }
  return v;
}

describe('CRC-64 (Jones)', () => {
  it('has the check value of Redis crc64 and streams in chunks', () => {
    assert.equal(new Crc64().update(Buffer.from('123456789')).hex(), 'e9c6d914c4b8d9ca');
    assert.equal(crc64LE(Buffer.from('123456789')).toString('hex'), 'cad9b8c414d9c6e9');
    const data = randomBytes(rng(1), 10000);
    const c = new Crc64();
    for (let i = 0; i < data.length; i += 777) c.update(data, i, Math.min(data.length, i + 777));
    assert.equal(c.hex(), new Crc64().update(data).hex());
    assert.equal(new Crc64().hex(), '0000000000000000');
  });
});

describe('LZF', () => {
  it('round-trips compressible and random data of many sizes', () => {
    const r = rng(7);
    for (let n = 1; n < 3000; n += 37) {
      for (const alphabet of [2, 4, 256]) {
        const data = randomBytes(r, n, alphabet);
        const c = lzfCompress(data, n + Math.ceil(n / 32) + 1);
        assert.ok(c !== null, `n=${n}`);
        assert.deepEqual(lzfDecompress(c, n), data);
      }
    }
    const long = Buffer.from('abcabcabc'.repeat(20000));
    const c = lzfCompress(long, long.length - 4)!;
    assert.ok(c.length < long.length / 20);
    assert.deepEqual(lzfDecompress(c, long.length), long);
  });

  it('gives up when the output does not fit', () => {
    const data = randomBytes(rng(3), 200);
    assert.equal(lzfCompress(data, 196), null);
    assert.equal(lzfCompress(Buffer.alloc(0), 10), null);
  });

  it('rejects malformed streams instead of reading or writing out of bounds', () => {
    assert.equal(lzfDecompress(Buffer.from([5, 1, 2]), 6), null); // literal past the input
    assert.equal(lzfDecompress(Buffer.from([0, 65, 0x20, 5]), 4), null); // reference before the start
    assert.equal(lzfDecompress(Buffer.from([0, 65, 0x20, 0]), 10), null); // too short an output
    assert.equal(lzfDecompress(Buffer.from([0, 65, 0x20, 0]), 2), null); // too long an output
    assert.equal(lzfDecompress(Buffer.from([0xe0]), 20), null); // truncated long reference
    assert.deepEqual(lzfDecompress(Buffer.from([0, 65, 0x20, 0]), 4), Buffer.from('AAAA'));
    assert.equal(lzfDecompress(Buffer.from([0, 65]), 1e9), null); // impossible expansion
  });
});

describe('RDB strings', () => {
  const enc = (s: string | number, compress = true) => {
    const w = new ByteWriter();
    if (typeof s === 'number') w.rdbEncodedInt(s);
    else w.rdbString(s, { compress });
    return w.take();
  };
  it('use int8/16/32 encodings for canonical integers of up to 11 bytes', () => {
    assert.deepEqual(enc('12'), Buffer.from([0xc0, 12]));
    assert.deepEqual(enc('-128'), Buffer.from([0xc0, 0x80]));
    assert.deepEqual(enc('128'), Buffer.from([0xc1, 0x80, 0]));
    assert.deepEqual(enc('-32769'), Buffer.from([0xc2, 0xff, 0x7f, 0xff, 0xff]));
    assert.deepEqual(enc('2147483648'), Buffer.from('\x0a2147483648', 'latin1'));
    assert.deepEqual(enc('007'), Buffer.from('\x03007', 'latin1'));
    assert.deepEqual(enc('-0'), Buffer.from('\x02-0', 'latin1'));
    assert.deepEqual(enc('+1'), Buffer.from('\x02+1', 'latin1'));
    assert.deepEqual(enc(''), Buffer.from([0]));
  });
  it('compress strings over 20 bytes only when it saves space and compression is on', () => {
    const s = 'a'.repeat(100);
    assert.equal(enc(s)[0], 0xc3);
    assert.equal(enc(s, false)[0], 64 | 0);
    assert.equal(enc('a'.repeat(20))[0], 20); // 20 bytes: never tried
    const rnd = randomBytes(rng(5), 60).toString('latin1');
    assert.equal(enc(rnd)[0], 60);
    for (const x of [s, 'a'.repeat(20), rnd, 'b'.repeat(70000), '12', '-32769']) {
      assert.equal(new Cursor(enc(x)).string(), x);
      assert.equal(new Cursor(enc(x, false)).string(), x);
    }
  });
  it('lengths use 6, 14, 32 and 64-bit forms', () => {
    for (const n of [0, 63, 64, 16383, 16384, 2 ** 32 - 1, 2 ** 32, 2 ** 40]) {
      const w = new ByteWriter();
      w.rdbLen(n);
      const b = w.take();
      assert.equal(b.length, n < 64 ? 1 : n < 16384 ? 2 : n < 2 ** 32 ? 5 : 9);
      assert.equal(new Cursor(b).len(), n);
    }
  });
});

describe('listpack', () => {
  const edge = ['0', '127', '128', '-1', '-4096', '4095', '-4097', '4096', '32767', '-32768', '32768',
    '8388607', '-8388608', '8388608', '2147483647', '-2147483648', '2147483648', '9223372036854775807',
    '-9223372036854775808', '9223372036854775808', '007', '-0', '', 'a', 'x'.repeat(63), 'x'.repeat(64),
    'y'.repeat(4095), 'y'.repeat(4096), '\x00\xff\r\n'];
  it('round-trips every entry encoding with the sizes Redis uses', () => {
    const lp = buildListpack(edge);
    assert.deepEqual(parseListpack(lp), edge);
    assert.equal(lp.length, 7 + edge.reduce((n, s) => n + lpEntryBytes(s), 0));
    assert.equal(lp.readUInt32LE(0), lp.length);
    assert.equal(lp.readUInt16LE(4), edge.length);
  });
  it('a count of 65535 or more is written as 65535 and counted when read', () => {
    const many = Array.from({ length: 70000 }, (_, i) => String(i % 300));
    const lp = buildListpack(many);
    assert.equal(lp.readUInt16LE(4), 65535);
    assert.equal(parseListpack(lp).length, 70000);
  });
  it('rejects lying headers, bad back-lengths and missing end markers', () => {
    const lp = buildListpack(['a', 'bb', '300']);
    const bad = (mutate: (b: Buffer) => Buffer) => assert.throws(() => parseListpack(mutate(Buffer.from(lp))), RdbError);
    bad((b) => { b.writeUInt32LE(b.length + 1, 0); return b; });
    bad((b) => { b.writeUInt16LE(4, 4); return b; });
    bad((b) => { b[b.length - 1] = 0; return b; });
    bad((b) => { b[8] = 9; return b; }); // back-length of the first entry
    bad((b) => { b[6] = 0x80 | 40; return b; }); // string running past the end
    bad((b) => { b[6] = 0xf5; return b; }); // invalid encoding byte
    bad((b) => b.subarray(0, 3));
  });
});

/** A ziplist built by hand from Redis's layout, for the parser. */
function ziplist(entries: Buffer[]): Buffer {
  const parts: Buffer[] = [];
  let prev = 0;
  let off = 10;
  let tail = 10;
  for (const e of entries) {
    const pl = prev < 254 ? Buffer.from([prev]) : Buffer.concat([Buffer.from([0xfe]), Buffer.alloc(4)]);
    if (prev >= 254) pl.writeUInt32LE(prev, 1);
    const full = Buffer.concat([pl, e]);
    tail = off;
    off += full.length;
    prev = full.length;
    parts.push(full);
  }
  const body = Buffer.concat(parts);
  const h = Buffer.alloc(10);
  h.writeUInt32LE(10 + body.length + 1, 0);
  h.writeUInt32LE(tail, 4);
  h.writeUInt16LE(entries.length, 8);
  return Buffer.concat([h, body, Buffer.from([0xff])]);
}

describe('legacy packed formats', () => {
  const i16 = Buffer.from([0xc0, 0, 0]); i16.writeInt16LE(-300, 1);
  const zlEntries = [Buffer.from('\x03abc', 'latin1'), Buffer.from([0xf1]), Buffer.from([0xfd]), Buffer.from([0xfe, 0x85]), i16,
    Buffer.concat([Buffer.from([0x41, 0x2c]), Buffer.alloc(300, 'z')])];
  const zlValues = ['abc', '0', '12', '-123', '-300', 'z'.repeat(300)];
  it('ziplist: every encoding, large previous-entry lengths, header checks', () => {
    const zl = ziplist(zlEntries);
    assert.deepEqual(parseZiplist(zl), zlValues);
    const lie = Buffer.from(zl);
    lie.writeUInt32LE(7, 4); // tail offset
    assert.throws(() => parseZiplist(lie), RdbError);
    const count = Buffer.from(zl);
    count.writeUInt16LE(2, 8);
    assert.throws(() => parseZiplist(count), RdbError);
    assert.throws(() => parseZiplist(zl.subarray(0, zl.length - 3)), RdbError);
  });
  it('zipmap, intset', () => {
    const zm = Buffer.from('\x02\x01a\x02\x0012\x03key\x01\x02vxx\xff', 'latin1');
    assert.deepEqual(parseZipmap(zm), [['a', '12'], ['key', 'v']]);
    assert.throws(() => parseZipmap(zm.subarray(0, zm.length - 1)), RdbError);
    const is = Buffer.alloc(8 + 3 * 4);
    is.writeUInt32LE(4, 0); is.writeUInt32LE(3, 4);
    is.writeInt32LE(-70000, 8); is.writeInt32LE(5, 12); is.writeInt32LE(70000, 16);
    assert.deepEqual(parseIntset(is), ['-70000', '5', '70000']);
    is.writeInt32LE(5, 16);
    assert.throws(() => parseIntset(is), RdbError); // not sorted/unique
    is.writeUInt32LE(5, 4);
    assert.throws(() => parseIntset(is), RdbError); // length beyond the blob
  });
});

function sampleKeyspace(): Keyspace {
  const ks = newKeyspace();
  const db0 = ks.dbs[0]!;
  db0.set('int', 12345);
  db0.set('neg', -7);
  db0.set('bigint', '9223372036854775807');
  db0.set('short', 'hello');
  db0.set('long', 'compress me '.repeat(50));
  db0.set('bin\x00\xff', '\x00\x01\xfe\xff'.repeat(10));
  db0.set('123', 'numeric key');
  db0.set('raw', MutableString.from('grown in place', 100));
  db0.set('list', list(['a', '1', '-70000', 'b'.repeat(30)]));
  db0.set('biglist', list(Array.from({ length: 3000 }, (_, i) => `element-${i}`)));
  db0.set('plainlist', list(['x'.repeat(10000), 'small', 'y'.repeat(9000)]));
  db0.set('hash', hash([['f', 'v'], ['n', '42']]));
  db0.set('bighash', hash(Array.from({ length: 600 }, (_, i) => [`field${i}`, `value${i}`] as [string, string])));
  db0.setExpire('short', 4102444800000);
  db0.setExpire('list', 4102444800123);
  ks.dbs[3]!.set('other', 'db3');
  ks.dbs[15]!.set('last', hash([['a', 'x'.repeat(100)]]));
  return ks;
}

function contents(ks: Keyspace): unknown[] {
  const out: unknown[] = [];
  for (const db of ks.dbs) {
    for (const [k, v] of db.entries()) out.push([db.index, k, show(v), db.getExpire(k)]);
  }
  return out.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
}

describe('writer and reader', () => {
  for (const compress of [true, false]) {
    for (const checksum of [true, false]) {
      it(`round-trip every type (compression ${compress}, checksum ${checksum})`, () => {
        const ks = sampleKeyspace();
        const file = rdbBuffer({ dbs: ks.dbs, aux: AUX }, { compress, checksum });
        assert.equal(file.toString('latin1', 0, 9), 'REDIS0011');
        const back = newKeyspace();
        const r = loadRdb(file, back.dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true });
        assert.equal(r.checksum, checksum ? 'ok' : 'zero');
        assert.equal(r.keys, 15);
        assert.equal(r.aux.get('redis-ver'), '7.2.4');
        assert.equal(r.aux.get('ctime'), '1700000000');
        assert.deepEqual(contents(back), contents(ks));
        if (!checksum) assert.deepEqual(file.subarray(file.length - 8), Buffer.alloc(8));
      });
    }
  }

  it('streams the same bytes in small chunks as in one piece', () => {
    const ks = sampleKeyspace();
    const whole = rdbBuffer({ dbs: ks.dbs, aux: AUX }, { compress: true, checksum: true });
    const chunks = [...rdbChunks({ dbs: ks.dbs, aux: AUX }, { compress: true, checksum: true }, 40)];
    assert.ok(chunks.length > 5);
    assert.deepEqual(Buffer.concat(chunks), whole);
  });

  it('writes expire times, LRU/LFU data and aux fields in Redis order', () => {
    const enc = new RdbEncoder({ compress: false, checksum: true });
    enc.header({ ...AUX, replStreamDb: 0, replId: 'a'.repeat(40), replOffset: 99 });
    enc.selectDb(2, 2, 1);
    enc.entry('k', 'v', 1234567890123, { idle: 300 });
    enc.entry('k2', 'v', undefined, { freq: 7 });
    enc.finish();
    const file = enc.take();
    const seen: unknown[] = [];
    readRdb(file, {
      aux: (k, v) => seen.push(['aux', k, v]),
      selectDb: (i) => seen.push(['select', i]),
      resizeDb: (a, b) => seen.push(['resize', a, b]),
      key: (e) => seen.push(['key', e.db, e.key, show(e.value), e.expireMs, e.idle, e.freq]),
    }, { limits: DEFAULT_LIMITS, verifyChecksum: true });
    assert.deepEqual(seen, [
      ['aux', 'redis-ver', '7.2.4'], ['aux', 'redis-bits', '64'], ['aux', 'ctime', '1700000000'],
      ['aux', 'used-mem', '1000000'], ['aux', 'repl-stream-db', '0'], ['aux', 'repl-id', 'a'.repeat(40)],
      ['aux', 'repl-offset', '99'], ['aux', 'aof-base', '0'], ['select', 2], ['resize', 2, 1],
      ['key', 2, 'k', 'v', 1234567890123, 300, undefined], ['key', 2, 'k2', 'v', undefined, undefined, 7],
    ]);
  });

  it('loading drops expired keys, refuses duplicates and too high database numbers', () => {
    const ks = newKeyspace();
    ks.dbs[0]!.set('old', 'x');
    ks.dbs[0]!.setExpire('old', 1000);
    ks.dbs[0]!.set('new', 'y');
    const file = rdbBuffer({ dbs: ks.dbs, aux: AUX }, { compress: true, checksum: true });
    const back = newKeyspace();
    const r = loadRdb(file, back.dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true, dropExpiredBefore: Date.now() });
    assert.equal(r.keys, 1);
    assert.equal(r.expiredSkipped, 1);
    assert.throws(() => loadRdb(file, back.dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true }), /RDB has duplicated key 'new' in DB 0/);
    const high = newKeyspace();
    high.dbs[9]!.set('k', 'v');
    const f9 = rdbBuffer({ dbs: high.dbs, aux: AUX }, { compress: true, checksum: true });
    assert.throws(() => loadRdb(f9, newKeyspace(4).dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true }), /more than 4 databases/);
  });

  it('verifies the checksum unless told not to', () => {
    const ks = sampleKeyspace();
    const file = rdbBuffer({ dbs: ks.dbs, aux: AUX }, { compress: true, checksum: true });
    file[file.length - 3]! ^= 1;
    assert.throws(() => loadRdb(file, newKeyspace().dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true }), /Wrong RDB checksum/);
    const r = loadRdb(file, newKeyspace().dbs, { limits: DEFAULT_LIMITS, verifyChecksum: false });
    assert.equal(r.checksum, 'skipped');
  });

  it('refuses newer versions, bad signatures, modules, functions and streams', () => {
    const head = (s: string) => Buffer.from(s, 'latin1');
    const read = (b: Buffer) => readRdb(b, { key: () => {} }, { limits: DEFAULT_LIMITS, verifyChecksum: true });
    assert.throws(() => read(head('REDIS0012\xff')), /Can't handle RDB format version 12/);
    assert.throws(() => read(head('RADIS0011\xff')), /Wrong signature/);
    assert.throws(() => read(head('REDIS0011\xf5')), /function libraries/);
    assert.throws(() => read(head('REDIS0011\xf7')), /module aux/);
    assert.throws(() => read(head('REDIS0011\x15\x01k')), /stream values are not supported yet/);
    assert.throws(() => read(head('REDIS0011\x07\x01k')), /module values/);
    assert.throws(() => read(head('REDIS0011\x08\x01k')), /unknown RDB type/);
    assert.throws(() => read(head('REDIS0011')), RdbError);
    // Version 4 files have no checksum after EOF.
    assert.equal(read(head('REDIS0004\x00\x01k\x01v\xff')).checksum, 'none');
  });
});

/** A stand-in set, to prove the set/zset extension points carry values both ways. */
class FakeSet extends CollectionValue {
  constructor(readonly members: string[], readonly kind: TypeName) { super(); }
  get type(): TypeName { return this.kind; }
  encoding(): string { return 'hashtable'; }
  get size(): number { return this.members.length; }
  clone(): FakeSet { return new FakeSet([...this.members], this.kind); }
}

describe('set and sorted set extension points', () => {
  const payload = (type: number, body: Buffer) => {
    const b = Buffer.concat([Buffer.from([type]), body, Buffer.from([11, 0])]);
    return Buffer.concat([b, crc64LE(b)]);
  };
  const strs = (...s: string[]) => Buffer.concat(s.map((x) => Buffer.concat([Buffer.from([x.length]), Buffer.from(x, 'latin1')])));
  it('parse every set and zset encoding, then refuse them when no codec is given', () => {
    const sets = [
      payload(2, Buffer.concat([Buffer.from([2]), strs('a', 'b')])),
      payload(20, Buffer.concat([Buffer.from([buildListpack(['a', '1']).length]), buildListpack(['a', '1'])])),
      payload(3, Buffer.concat([Buffer.from([1]), strs('m'), Buffer.from('\x031.5', 'latin1')])),
    ];
    for (const p of sets) {
      assert.ok(verifyDumpPayload(p));
      assert.throws(() => readDumpPayload(p, { limits: DEFAULT_LIMITS, codecs: { set: null, zset: null } }), /type not supported yet/);
    }
    const codecs: TypeCodecs = {
      set: { build: (m) => new FakeSet(m, 'set'), describe: (v) => ({ encoding: 'hashtable', members: (v as FakeSet).members }) },
      zset: {
        build: (e) => new FakeSet(e.map(([m, s]) => `${m}=${s}`), 'zset'),
        describe: () => ({ encoding: 'skiplist', entries: [['m', 1.5], ['n', 2]] }),
      },
    };
    assert.deepEqual((readDumpPayload(sets[0]!, { limits: DEFAULT_LIMITS, codecs }) as FakeSet).members, ['a', 'b']);
    assert.deepEqual((readDumpPayload(sets[1]!, { limits: DEFAULT_LIMITS, codecs }) as FakeSet).members, ['a', '1']);
    assert.deepEqual((readDumpPayload(sets[2]!, { limits: DEFAULT_LIMITS, codecs }) as FakeSet).members, ['m=1.5']);
    const again = createDumpPayload(new FakeSet(['x', 'y'], 'set'), { compress: true, codecs });
    assert.deepEqual((readDumpPayload(again, { limits: DEFAULT_LIMITS, codecs }) as FakeSet).members, ['x', 'y']);
    const z = createDumpPayload(new FakeSet([], 'zset'), { compress: true, codecs });
    assert.deepEqual((readDumpPayload(z, { limits: DEFAULT_LIMITS, codecs }) as FakeSet).members, ['n=2', 'm=1.5']);
    assert.throws(() => createDumpPayload(new FakeSet(['x'], 'set'), { compress: true, codecs: { set: null, zset: null } }),
      /cannot serialize a value of type 'set' yet/);
    // Duplicates are refused even before a codec sees them.
    const dup = payload(2, Buffer.concat([Buffer.from([2]), strs('a', 'a')]));
    assert.throws(() => readDumpPayload(dup, { limits: DEFAULT_LIMITS, codecs }), /duplicate set members/);
  });
});

describe('DUMP payloads', () => {
  it('round-trip every type and check their footer', () => {
    const values: Value[] = [0, -1, 2147483647, 'x', 'long '.repeat(40), list(['a', 'b']), list(Array.from({ length: 1000 }, String)),
      hash([['a', 'b']]), hash(Array.from({ length: 1000 }, (_, i) => [String(i), 'v'] as [string, string]))];
    for (const v of values) {
      const p = createDumpPayload(v, { compress: true });
      assert.ok(verifyDumpPayload(p));
      assert.equal(p.readUInt16LE(p.length - 10), 11);
      assert.deepEqual(show(readDumpPayload(p, { limits: DEFAULT_LIMITS })), show(v));
      const flipped = Buffer.from(p);
      flipped[0]! ^= 0x40;
      assert.equal(verifyDumpPayload(flipped), false);
      assert.ok(verifyDumpPayload(flipped, true));
    }
    const v12 = createDumpPayload('x', { compress: true, version: 12 });
    assert.equal(verifyDumpPayload(v12), false);
    assert.equal(verifyDumpPayload(Buffer.alloc(9)), false);
  });
});
