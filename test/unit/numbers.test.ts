// util/numbers.ts, util/fpconv.ts and util/long-double.ts: Redis's number parsing and printing.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { fpconvDtoa, grisuCachedPower } from '../../src/util/fpconv.js';
import {
  addLongDouble, formatFixed17, formatLongDoubleHuman, longDoubleFromInt, parseLongDouble,
} from '../../src/util/long-double.js';
import { formatDouble, parseDouble, parseInt64 } from '../../src/util/numbers.js';
import { stringEncoding, storedPlainText, storedString, MutableString } from '../../src/keyspace/types/string.js';

describe('parseInt64 (string2ll)', () => {
  it('accepts canonical int64 text only', () => {
    assert.equal(parseInt64('0'), 0);
    assert.equal(parseInt64('-1'), -1);
    assert.equal(parseInt64('9007199254740993'), 9007199254740993n);
    assert.equal(parseInt64('9223372036854775807'), 9223372036854775807n);
    assert.equal(parseInt64('-9223372036854775808'), -9223372036854775808n);
    for (const bad of ['', ' 1', '1 ', '01', '+1', '-0', '-', '1.0', '9223372036854775808', '0x1', '1e3']) {
      assert.equal(parseInt64(bad), null, bad);
    }
  });
});

describe('parseDouble (string2d / strtod)', () => {
  it('accepts what strtod consumes entirely', () => {
    const ok: [string, number][] = [
      ['1e3', 1000], ['0x10', 16], ['inf', Infinity], ['+inf', Infinity], ['-infinity', -Infinity],
      ['INF', Infinity], ['1.', 1], ['.5', 0.5], ['-.5e1', -5], ['0x1p-2', 0.25], ['0x.8', 0.5],
      ['1e-310', 1e-310], ['0e999', 0], ['-0', -0], ['0x1.fffffffffffff8p0', 2], ['4.9e-324', 5e-324],
    ];
    for (const [s, v] of ok) assert.ok(Object.is(parseDouble(s), v), `${s} -> ${parseDouble(s)}`);
  });

  it('refuses spaces, NaN, junk, overflow and underflow to zero', () => {
    for (const bad of ['', ' 1', '1 ', 'nan', 'NaN', '1e', '--1', '0x', 'infinit', '1e400', '-1e400', '1e-400', '0x1p5000', '1,5', '0x1p', '.', 'e1']) {
      assert.equal(parseDouble(bad), null, bad);
    }
  });
});

describe('formatDouble (Redis 7.2 d2string)', () => {
  it('prints integers up to 2^62 in full and the rest through Grisu2', () => {
    const cases: [number, string][] = [
      [0, '0'], [-0, '-0'], [Infinity, 'inf'], [-Infinity, '-inf'], [NaN, 'nan'],
      [1, '1'], [-12, '-12'], [1.5, '1.5'], [0.1, '0.1'], [-0.25, '-0.25'],
      [123456789012345680, '123456789012345680'], [2 ** 62, '4611686018427387904'],
      [2 ** 63, '9223372036854776000'], [1e19, '1e+19'], [1e21, '1e+21'], [1.5e300, '1.5e+300'],
      [12345678901234567e3, '12345678901234567000'],
      [1e-6, '0.000001'], [1e-7, '1e-7'], [1.2345e-5, '1.2345e-5'], [0.00012345, '1.2345e-4'], [0.0012345, '0.0012345'], [1.25e-7, '1.25e-7'],
      [5e-324, '5e-324'], [1.7976931348623157e308, '1.7976931348623157e+308'],
      [2 / 3, '0.6666666666666666'], [123.456, '123.456'], [3.14159, '3.14159'],
    ];
    for (const [x, s] of cases) assert.equal(formatDouble(x), s, String(x));
  });

  it('the cached powers of ten are the Grisu constants', () => {
    assert.deepEqual(grisuCachedPower(0), { f: 18054884314459144840n, e: -1220 });
    assert.deepEqual(grisuCachedPower(46), { f: 12500000000000000000n, e: 3 });
    assert.deepEqual(grisuCachedPower(86), { f: 12648080533535911531n, e: 1066 });
  });

  it('always reads back as the same double', () => {
    let seed = 12345;
    const rand = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
    const view = new DataView(new ArrayBuffer(8));
    for (let i = 0; i < 3000; i++) {
      view.setUint32(0, Math.floor(rand() * 2 ** 32));
      view.setUint32(4, Math.floor(rand() * 2 ** 32));
      const x = view.getFloat64(0);
      if (!Number.isFinite(x)) continue;
      const s = fpconvDtoa(x);
      assert.ok(Object.is(Number(s), x), `${x} printed as ${s}`);
      assert.ok(s.replace(/^-/, '').replace(/e.*$/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length <= 17, s);
    }
  });
});

describe('long double (INCRBYFLOAT arithmetic)', () => {
  const sum = (a: string, b: string) => formatLongDoubleHuman(addLongDouble(parseLongDouble(a)!, parseLongDouble(b)!));

  it('adds in 64-bit-significand precision and prints %.17Lf trimmed', () => {
    assert.equal(sum('10.5', '0.1'), '10.6');
    assert.equal(sum('1e10', '0.1'), '10000000000.09999999962747097');
    assert.equal(sum('8000', '-8000.1'), '-0.10000000000000009');
    assert.equal(sum('0.3', '0.00000000000000001'), '0.30000000000000001');
    assert.equal(sum('1.1', '-1.1'), '0');
    assert.equal(sum('0', '-0.00000000000000000001'), '0');
    assert.equal(sum('0', '0.000000000000000025'), '0.00000000000000002');
    assert.equal(sum('-9223372036854775808', '-0.5'), '-9223372036854775808');
    assert.equal(sum('-9223372036854775807', '-0.5'), '-9223372036854775807.5');
    assert.equal(sum('0', '123456789012345678901234567890'), '123456789012345678899921813504');
  });

  it('formats the raw %.17Lf text', () => {
    assert.equal(formatFixed17(parseLongDouble('1.5')!), '1.50000000000000000');
    assert.equal(formatFixed17(parseLongDouble('-0')!), '-0.00000000000000000');
    assert.equal(formatFixed17(longDoubleFromInt(-3)), '-3.00000000000000000');
  });

  it('parses like strtold: range, subnormals, hex, infinities', () => {
    assert.equal(parseLongDouble('1e5000'), null);
    assert.equal(parseLongDouble('1e-5000'), null);
    assert.notEqual(parseLongDouble('1e-4940'), null);
    assert.equal(parseLongDouble('0x1p-16445')!.sig, 1n);
    assert.equal(parseLongDouble('0x1p-16446'), null);
    assert.equal(parseLongDouble('inf')!.special, 'inf');
    assert.equal(parseLongDouble('nan'), null);
    assert.equal(parseLongDouble(' 1'), null);
    assert.equal(parseLongDouble('1'.repeat(5120)), null);
    const max = parseLongDouble('1.18973149535723176502e+4932')!;
    assert.equal(max.sig, (1n << 64n) - 1n);
    assert.equal(addLongDouble(max, max).special, 'inf');
    assert.equal(addLongDouble(parseLongDouble('inf')!, parseLongDouble('-inf')!).special, 'nan');
  });
});

describe('string encodings', () => {
  it('reports int, embstr and raw per stored form', () => {
    assert.equal(stringEncoding(storedString('123')), 'int');
    assert.equal(stringEncoding(storedString('9007199254740993')), 'int');
    assert.equal(stringEncoding(storedString('0123')), 'embstr');
    assert.equal(stringEncoding(storedString('x'.repeat(45))), 'raw');
    assert.equal(stringEncoding(storedPlainText('3')), 'embstr');
    assert.equal(stringEncoding(storedPlainText('3.5')), 'embstr');
    const frozen = storedPlainText('3') as MutableString;
    const m = MutableString.from(frozen);
    assert.notEqual(m, frozen, 'a frozen embstr is copied before mutation');
    assert.equal(stringEncoding(m), 'raw');
  });
});
