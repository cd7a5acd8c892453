// Unit checks of the introspection building blocks: the HDR histogram layout (same numbers as
// Redis), the digest of keys with TTLs, sdscatrepr-style quoting and slowlog argument trimming.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { datasetDigest, digestValueInto } from '../../src/commands/server/debug.js';
import { Ctx } from '../../src/exec/context.js';
import { Keyspace } from '../../src/keyspace/keyspace.js';
import { trimArgs } from '../../src/server/slowlog.js';
import { HdrHistogram, highestEquivalent } from '../../src/util/hdr-histogram.js';
import { quoteRepr } from '../../src/util/repr.js';
import { Digest } from '../../src/util/sha1-digest.js';

describe('HdrHistogram', () => {
  it('reports the bucket bounds Redis reports', () => {
    assert.equal(highestEquivalent(1000), 1003);
    assert.equal(highestEquivalent(1024), 1031);
    assert.equal(highestEquivalent(32768), 33023);
    assert.equal(highestEquivalent(2 ** 25), 33816575);
    const h = new HdrHistogram();
    h.record(1000);
    assert.equal(h.valueAtPercentile(50), 1003); // INFO shows p50=1.003
    h.record(5000);
    h.record(5000);
    assert.equal(h.valueAtPercentile(99), 5023);
    assert.deepEqual(h.cumulativeLog2(1024).map(([ns, n]) => [Math.floor(ns / 1000), n]), [[1, 1], [8, 3]]);
  });
});

describe('dataset digest', () => {
  it('includes the presence of a TTL as Redis does', () => {
    const ks = new Keyspace(16, { keyChanged: () => {}, notify: () => {}, expired: () => {}, expiryPolicy: () => 'delete' }, () => new Error());
    const db = ks.dbs[0]!;
    db.set('foo', 'bar');
    db.set('n', 100);
    db.set('big', 123456789012);
    ks.dbs[3]!.set('z', 'zz');
    db.set('ttl', 'x');
    db.setExpire('ttl', Date.now() + 100_000_000);
    // Values from redis-server 7.0 for the same keys (ttl with PEXPIRE 100000000).
    assert.equal(datasetDigest(ks), '014a7462b6b3a11bd2951829c8fdbb7c9d01293f');
    const d = new Digest();
    digestValueInto(d, db, 'ttl', 'x');
    assert.equal(d.hex(), '0745672cb1bf060476eedeb8a28f5ffe1ff5a2be');
  });
});

describe('quoteRepr and trimArgs', () => {
  it('escapes as sdscatrepr', () => {
    assert.equal(quoteRepr('a"b\\c\n\r\t\x07\x08\x00\xff~ '), '"a\\"b\\\\c\\n\\r\\t\\a\\b\\x00\\xff~ "');
  });
  it('keeps 32 arguments and 128 bytes each', () => {
    const argv = Array.from({ length: 33 }, (_, i) => (i === 0 ? 'y'.repeat(130) : 'a'));
    const t = trimArgs(argv);
    assert.equal(t.length, 32);
    assert.equal(t[31], '... (2 more arguments)');
    assert.equal(t[0], 'y'.repeat(128) + '... (2 more bytes)');
    assert.deepEqual(trimArgs(['a', 'b']), ['a', 'b']);
  });
});

describe('Ctx.redact', () => {
  it('hides the marked arguments from what MONITOR and SLOWLOG show, not from the handler', () => {
    const argv = ['AUTH', 'user', 'secret'];
    const ctx = new Ctx(null as never, null as never, null as never, argv, null as never);
    assert.equal(ctx.shownArgv(), argv);
    ctx.redact(2);
    assert.deepEqual(ctx.shownArgv(), ['AUTH', 'user', '(redacted)']);
    assert.equal(ctx.arg(2), 'secret');
  });
});
