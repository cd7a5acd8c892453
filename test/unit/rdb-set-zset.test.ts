// The set and sorted set RDB codecs: which encoding a loaded value gets (by its dump encoding
// and the configured limits, as Redis 7.2's loader decides), the bytes written for each
// encoding (intset widths, SET_LISTPACK only from version 11, ZSET_2 highest score first,
// listpack score texts), and round trips through DUMP payloads and whole files.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { setFrom, SetValue } from '../../src/keyspace/types/set.js';
import { ZSetValue } from '../../src/keyspace/types/zset.js';
import type { Value } from '../../src/keyspace/value.js';
import { Cursor } from '../../src/persistence/rdb/bytes.js';
import { DEFAULT_LIMITS, type ValueLimits } from '../../src/persistence/rdb/codecs.js';
import { createDumpPayload, readDumpPayload } from '../../src/persistence/rdb/dump.js';
import { loadRdb } from '../../src/persistence/rdb/load.js';
import { parseIntset, parseListpack } from '../../src/persistence/rdb/packed.js';
import { rdbBuffer } from '../../src/persistence/rdb/writer.js';
import { newKeyspace } from '../helpers/rdb.js';

const SLIM = { intsetEntries: 512, listpackEntries: 128, listpackValue: 64 };
const ZLIM = { listpackEntries: 128, listpackValue: 64 };

function set(members: string[]): SetValue {
  return setFrom(members, SLIM);
}

function zset(pairs: [string, number][]): ZSetValue {
  const z = new ZSetValue();
  for (const [m, s] of pairs) z.set(m, s, ZLIM);
  return z;
}

/** Limits with some directives overridden. */
function limits(over: Record<string, number>): ValueLimits {
  return (d) => over[d] ?? DEFAULT_LIMITS(d);
}

function roundTrip(v: Value, lim: ValueLimits = DEFAULT_LIMITS, version?: number): Value {
  const p = createDumpPayload(v, { compress: false, version });
  const out = readDumpPayload(p, { limits: lim });
  assert.ok(out !== null);
  return out;
}

function membersOf(v: Value): string[] {
  return (v as SetValue).members().sort();
}

describe('set codec', () => {
  it('writes intsets with the narrowest width and reads them back as intsets', () => {
    for (const [members, width] of [[['1', '-5', '300'], 2], [['1', '-70000'], 4], [['-9223372036854775808', '7'], 8]] as const) {
      const s = set([...members]);
      assert.equal(s.encoding(), 'intset');
      const p = createDumpPayload(s, { compress: false });
      assert.equal(p[0], 11);
      const blob = new Cursor(p, 1).stringBytes();
      assert.equal(blob.readUInt32LE(0), width);
      assert.deepEqual(parseIntset(blob), [...members].sort((a, b) => (BigInt(a) < BigInt(b) ? -1 : 1)));
      const back = roundTrip(s);
      assert.equal((back as SetValue).encoding(), 'intset');
      assert.deepEqual(membersOf(back), membersOf(s));
    }
  });

  it('writes listpack sets as SET_LISTPACK in version 11 and as plain SET in version 10', () => {
    const s = set(['a', 'b', '12']);
    assert.equal(s.encoding(), 'listpack');
    const p11 = createDumpPayload(s, { compress: false });
    assert.equal(p11[0], 20);
    assert.deepEqual(parseListpack(new Cursor(p11, 1).stringBytes()), ['a', 'b', '12']);
    const p10 = createDumpPayload(s, { compress: false, version: 10 });
    assert.equal(p10[0], 2);
    // A plain SET of few members loads as Redis 7.2 would build it: a listpack again.
    for (const p of [p11, p10]) {
      const back = readDumpPayload(p, { limits: DEFAULT_LIMITS }) as SetValue;
      assert.equal(back.encoding(), 'listpack');
      assert.deepEqual(back.members(), ['a', 'b', '12']);
    }
  });

  it('chooses encodings on load by the dump encoding and the limits', () => {
    const ints = set(Array.from({ length: 20 }, (_, i) => String(i)));
    // An intset dump longer than set-max-intset-entries becomes a hashtable.
    assert.equal((roundTrip(ints, limits({ 'set-max-intset-entries': 10 })) as SetValue).encoding(), 'hashtable');
    assert.equal((roundTrip(ints, limits({ 'set-max-intset-entries': 20 })) as SetValue).encoding(), 'intset');
    const small = set(Array.from({ length: 20 }, (_, i) => `m${i}`));
    assert.equal((roundTrip(small, limits({ 'set-max-listpack-entries': 19 })) as SetValue).encoding(), 'hashtable');
    assert.equal((roundTrip(small, limits({ 'set-max-listpack-entries': 20 })) as SetValue).encoding(), 'listpack');
    // A plain SET: all integers → intset; more than the intset limit → hashtable; a long member
    // → hashtable.
    const big = set(Array.from({ length: 300 }, (_, i) => `m${i}`));
    assert.equal(big.encoding(), 'hashtable');
    const p = createDumpPayload(big, { compress: false });
    assert.equal(p[0], 2);
    assert.equal((readDumpPayload(p, { limits: limits({ 'set-max-listpack-entries': 500 }) }) as SetValue).encoding(), 'listpack');
    assert.equal((readDumpPayload(p, { limits: limits({ 'set-max-intset-entries': 100, 'set-max-listpack-entries': 500 }) }) as SetValue)
      .encoding(), 'hashtable');
    const intsAsPlain = createDumpPayload(ints, { compress: false, codecs: {
      set: { build: () => 0, describe: (v) => ({ encoding: 'hashtable', members: (v as SetValue).members() }) }, zset: null } });
    assert.equal(intsAsPlain[0], 2);
    assert.equal((readDumpPayload(intsAsPlain, { limits: DEFAULT_LIMITS }) as SetValue).encoding(), 'intset');
    const long = set(['x'.repeat(65), 'y']);
    assert.equal(long.encoding(), 'hashtable');
    assert.equal((roundTrip(long) as SetValue).encoding(), 'hashtable');
  });
});

describe('sorted set codec', () => {
  it('writes listpack scores as Redis 7.2 stores them and reads them back', () => {
    const z = zset([['a', 1.5], ['b', -Infinity], ['c', Infinity], ['d', 3], ['e', -0], ['f', 0.1], ['g', 5e18], ['h', 1e300]]);
    assert.equal(z.encoding(), 'listpack');
    const p = createDumpPayload(z, { compress: false });
    assert.equal(p[0], 17);
    const flat = parseListpack(new Cursor(p, 1).stringBytes());
    assert.deepEqual(flat, ['b', '-inf', 'e', '0', 'f', '0.1', 'a', '1.5', 'd', '3', 'g', '5e+18', 'h', '1e+300', 'c', 'inf']);
    const back = roundTrip(z) as ZSetValue;
    assert.equal(back.encoding(), 'listpack');
    assert.deepEqual(back.entries(), z.entries());
  });

  it('writes skiplists as ZSET_2 from the highest score down, with binary doubles', () => {
    const pairs: [string, number][] = Array.from({ length: 200 }, (_, i) => [`m${i}`, i % 9 === 0 ? -Infinity : i / 3]);
    const z = zset(pairs);
    assert.equal(z.encoding(), 'skiplist');
    const p = createDumpPayload(z, { compress: false });
    assert.equal(p[0], 5);
    const c = new Cursor(p, 1);
    assert.equal(c.len(), 200);
    const first = c.string();
    const score = c.f64le();
    assert.equal(score, Math.max(...pairs.map((x) => x[1])));
    assert.equal(first, z.entries().members[199]);
    const back = roundTrip(z) as ZSetValue;
    assert.equal(back.encoding(), 'skiplist');
    back.verify();
    assert.deepEqual(back.entries(), z.entries());
    // Small enough for the limits of the loading server: a listpack.
    const smaller = roundTrip(z, limits({ 'zset-max-listpack-entries': 300 })) as ZSetValue;
    assert.equal(smaller.encoding(), 'listpack');
    assert.deepEqual(smaller.entries(), z.entries());
  });

  it('chooses encodings on load by the dump encoding and the limits', () => {
    const long = zset([['x'.repeat(65), 1], ['y', 2]]);
    assert.equal(long.encoding(), 'skiplist');
    assert.equal((roundTrip(long) as ZSetValue).encoding(), 'skiplist');
    const small = zset(Array.from({ length: 20 }, (_, i) => [`m${i}`, i] as [string, number]));
    assert.equal((roundTrip(small, limits({ 'zset-max-listpack-entries': 19 })) as ZSetValue).encoding(), 'skiplist');
    // A listpack dump stays a listpack whatever its members' lengths (Redis checks entries only).
    assert.equal((roundTrip(small, limits({ 'zset-max-listpack-value': 1 })) as ZSetValue).encoding(), 'listpack');
  });
});

describe('whole files', () => {
  it('round-trip sets and sorted sets of every encoding in versions 10 and 11', () => {
    const ks = newKeyspace();
    const db = ks.dbs[0]!;
    db.set('si', set(['1', '2', '-3']));
    db.set('sl', set(['a', 'b']));
    db.set('sh', set(Array.from({ length: 1000 }, (_, i) => `m${i}`)));
    db.set('zl', zset([['a', 1], ['b', Infinity]]));
    db.set('zs', zset(Array.from({ length: 500 }, (_, i) => [`m${i}`, i / 7] as [string, number])));
    db.setExpire('zs', 4102444800000);
    for (const version of [10, 11]) {
      const file = rdbBuffer({ dbs: ks.dbs, aux: { redisVer: '7.2.4', redisBits: 64, ctime: 1, usedMem: 1, aofBase: 0 } },
        { compress: true, checksum: true, version });
      const back = newKeyspace();
      loadRdb(file, back.dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true });
      const b = back.dbs[0]!;
      assert.deepEqual(['si', 'sl', 'sh', 'zl', 'zs'].map((k) => (b.lookup(k) as SetValue | ZSetValue).encoding()),
        ['intset', 'listpack', 'hashtable', 'listpack', 'skiplist']);
      assert.deepEqual(membersOf(b.lookup('sh')!), membersOf(db.lookup('sh')!));
      assert.deepEqual((b.lookup('zs') as ZSetValue).entries(), (db.lookup('zs') as ZSetValue).entries());
      assert.equal(b.getExpire('zs'), 4102444800000);
    }
  });
});
