// INCR, DECR, INCRBY, DECRBY (exact int64) and INCRBYFLOAT (x87 long double, "%.17Lf" text).
// Every expected text below is what redis-server on x86-64 replies.

import { strict as assert } from 'node:assert';
import { after, before, beforeEach, describe, it } from 'node:test';
import { arity, error, expectSteps, NOT_FLOAT, NOT_INTEGER, WRONGTYPE, type Step } from './expect.js';
import { startStringTarget, type StringTarget } from './target.js';

let t: StringTarget;
before(async () => { t = await startStringTarget(); });
after(async () => { await t.close(); });
beforeEach(async () => { await t.del('i', 'l', 'f', 'g'); });

const OVERFLOW = error('ERR increment or decrement would overflow');
const NAN_INF = error('ERR increment would produce NaN or Infinity');

describe('INCR / DECR / INCRBY / DECRBY', () => {
  it('count from zero and keep int64 exactness past 2^53', async () => {
    await expectSteps(t.client, [
      [['INCR', 'i'], 1],
      [['INCRBY', 'i', '9007199254740991'], 9007199254740992n],
      [['INCR', 'i'], 9007199254740993n],
      [['GET', 'i'], '9007199254740993'],
      [['DECR', 'i'], 9007199254740992n],
      [['DECRBY', 'i', '9007199254740992'], 0],
      [['DECR', 'i'], -1],
      [['INCRBY', 'i', '-9223372036854775807'], -9223372036854775808n],
      [['DECR', 'i'], OVERFLOW],
      [['INCRBY', 'i', '9223372036854775807'], -1],
      [['INCRBY', 'i', '9223372036854775807'], 9223372036854775806n],
      [['INCR', 'i'], 9223372036854775807n],
      [['INCR', 'i'], OVERFLOW],
      [['GET', 'i'], '9223372036854775807'],
    ]);
  });

  it('refuse non-integer values and arguments', async () => {
    await t.wrongType('l');
    const steps: Step[] = [];
    for (const bad of [' 1', '1 ', '01', '+1', '1.0', '', 'abc', '0x10', '9223372036854775808', '-9223372036854775809', '1e3', '-0']) {
      steps.push([['SET', 'i', bad], 'OK'], [['INCR', 'i'], NOT_INTEGER], [['INCRBY', 'f', bad], NOT_INTEGER]);
    }
    await expectSteps(t.client, [
      ...steps,
      [['INCR', 'l'], WRONGTYPE],
      [['DECRBY', 'l', '1'], WRONGTYPE],
      [['INCRBY', 'l', 'x'], NOT_INTEGER],
      [['DECRBY', 'f', '-9223372036854775808'], error('ERR decrement would overflow')],
      [['DECRBY', 'l', '-9223372036854775808'], error('ERR decrement would overflow')],
      [['INCR'], arity('incr')],
      [['DECR', 'a', 'b'], arity('decr')],
      [['INCRBY', 'i'], arity('incrby')],
      [['DECRBY', 'i'], arity('decrby')],
    ]);
  });

  it('keep the TTL', async () => {
    await t.client.send('SET', 'i', '5', 'EX', '100');
    assert.equal(await t.client.send('INCR', 'i'), 6);
    assert.ok((await t.pttl('i')) > 90000);
  });

  it('work on values built by APPEND and SETRANGE', async () => {
    await expectSteps(t.client, [
      [['APPEND', 'i', '1'], 1],
      [['APPEND', 'i', '2'], 2],
      [['INCR', 'i'], 13],
      [['SETRANGE', 'i', '0', '9'], 2],
      [['INCRBY', 'i', '-100'], -7],
    ]);
  });
});

describe('INCRBYFLOAT', () => {
  const cases: [start: string | null, by: string, result: string][] = [
    [null, '10.5', '10.5'],
    ['10.5', '0.1', '10.6'],
    ['10.6', '-10.6', '0'],
    ['1e10', '0.1', '10000000000.09999999962747097'],
    ['3.0e3', '5.0e3', '8000'],
    ['8000', '-8000.1', '-0.10000000000000009'],
    [null, '0.1', '0.1'],
    ['0.1', '0.2', '0.3'],
    ['0.3', '0.00000000000000001', '0.30000000000000001'],
    ['1.1', '-1.1', '0'],
    ['1', '-0.00000000000000000001', '1'],
    [null, '-0.00000000000000000001', '0'],
    [null, '0.000000000000000005', '0'],
    [null, '0.000000000000000015', '0.00000000000000002'],
    [null, '0.000000000000000025', '0.00000000000000002'],
    [null, '1e3', '1000'],
    [null, '0x10', '16'],
    [null, '0x1p3', '8'],
    [null, '0x1.8p1', '3'],
    [null, '1.', '1'],
    [null, '.5', '0.5'],
    [null, '+.5e1', '5'],
    [null, '-1e-4940', '0'],
    [null, '123456789012345678901234567890', '123456789012345678899921813504'],
    ['5', '1.5', '6.5'],
    ['9223372036854775807', '1', '9223372036854775808'],
    ['-9223372036854775808', '-0.5', '-9223372036854775808'],
    ['-9223372036854775807', '-0.5', '-9223372036854775807.5'],
    ['1.7976931348623157e308', '1.7976931348623157e308', '359538626972463139991842093548208868096772893888658356970628841530353257046248792709403737216774171128857586838851041378617416726902272110715794556052955234146997955372576789671236326588091188869859074894581254961338834769297758245552436667197907705664206565009503223382416235440319971852753604933726679072768'],
    [null, '3.4028234663852886e38', '340282346638528859996171624221612441600'],
    [null, '1e-17', '0.00000000000000001'],
    [null, '-1.5', '-1.5'],
    ['-1.5', '3', '1.5'],
  ];

  it('produces the exact text Redis produces', async () => {
    for (const [start, by, result] of cases) {
      await t.del('f');
      if (start !== null) await t.client.send('SET', 'f', start);
      assert.equal(await t.client.send('INCRBYFLOAT', 'f', by), result, `${start} + ${by}`);
      assert.equal(await t.client.send('GET', 'f'), result);
    }
  });

  it('handles huge long doubles beyond the double range', async () => {
    const r = await t.client.send('INCRBYFLOAT', 'f', '1e400');
    assert.equal(typeof r, 'string');
    assert.equal((r as string).length, 401);
    assert.ok((r as string).startsWith('10000000000000000000281880683947586514586453433629052038625910693539685534008629862'));
    const big = await t.client.send('INCRBYFLOAT', 'g', '1.18973149535723176502e+4932');
    assert.equal((big as string).length, 4933);
    assert.deepEqual(await t.client.send('INCRBYFLOAT', 'g', '1.18973149535723176502e+4932'), NAN_INF_REPLY);
  });

  it('refuses invalid floats, NaN and infinities', async () => {
    await t.wrongType('l');
    const steps: Step[] = [];
    for (const bad of [' 1', '1 ', 'nan', '', '1e', '--1', '0x', 'abc', '1e5000', '1e-5000', 'infinit', '1,5', '0x1p', '1e+']) {
      steps.push([['INCRBYFLOAT', 'f', bad], NOT_FLOAT]);
    }
    for (const inf of ['inf', '+inf', '-infinity', 'INF', 'Infinity']) steps.push([['INCRBYFLOAT', 'f', inf], NAN_INF]);
    await expectSteps(t.client, [
      ...steps,
      [['SET', 'f', 'abc'], 'OK'],
      [['INCRBYFLOAT', 'f', '1'], NOT_FLOAT],
      [['SET', 'f', '1.18973149535723176502e+4932'], 'OK'],
      [['INCRBYFLOAT', 'f', '1.18973149535723176502e+4932'], NAN_INF],
      [['SET', 'f', 'inf'], 'OK'],
      [['INCRBYFLOAT', 'f', '1'], NAN_INF],
      [['SET', 'f', ' 1'], 'OK'],
      [['INCRBYFLOAT', 'f', '1'], NOT_FLOAT],
      [['INCRBYFLOAT', 'l', '1'], WRONGTYPE],
      [['INCRBYFLOAT', 'l', 'x'], WRONGTYPE],
      [['INCRBYFLOAT', 'f'], arity('incrbyfloat')],
    ]);
    assert.equal(await t.exists('g'), false);
  });

  it('refuses inputs of 5120 characters or more', async () => {
    const long = '1' + '0'.repeat(5119);
    await expectSteps(t.client, [
      [['INCRBYFLOAT', 'f', long], NOT_FLOAT],
      // 1e4933 overflows the long double range: strtold's ERANGE makes it invalid.
      [['INCRBYFLOAT', 'f', long.slice(0, 4934)], NOT_FLOAT],
      [['INCRBYFLOAT', 'f', '0.' + '0'.repeat(5000) + '1'], NOT_FLOAT],
    ]);
  });

  it('keeps the TTL', async () => {
    await t.client.send('SET', 'f', '1', 'PX', '100000');
    assert.equal(await t.client.send('INCRBYFLOAT', 'f', '1.5'), '2.5');
    assert.ok((await t.pttl('f')) > 90000);
  });
});

const NAN_INF_REPLY = new (await import('../../helpers/resp-client.js')).RespError('ERR increment would produce NaN or Infinity');
