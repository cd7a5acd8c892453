// Collections (LIST, HASH, SET, SORTED SET, SORT): one scenario per bug the differential fuzzer
// found, so each stays fixed. Argument-order checks: Redis validates some arguments only after
// it has looked the key up, so a missing key hides an invalid argument.
import type { Scenario } from '../runner.js';

export const scenarios: Scenario[] = [
  {
    name: 'sscan/zscan: cursor, then the key, then the options',
    setup: [['SET', 'str', 'x'], ['SADD', 's', 'a'], ['ZADD', 'z', '1', 'a']],
    steps: [
      ['SSCAN', 'nokey', '0', 'COUNT', '0'],
      ['ZSCAN', 'nokey', '0', 'MATCH', 'a*', 'COUNT', '0'],
      ['ZSCAN', 'str', '0', 'COUNT', '0'],
      ['SSCAN', 'str', '0', 'BOGUS'],
      ['SSCAN', 's', '0', 'COUNT', '0'],
      ['ZSCAN', 'z', '0', 'BOGUS'],
      ['ZSCAN', 'nokey', 'x'],
    ],
  },
  {
    name: 'lindex: a missing key answers nil before the index is parsed',
    setup: [['RPUSH', 'l', 'a'], ['SET', 'str', 'x']],
    steps: [['LINDEX', 'nokey', 'abc'], ['LINDEX', 'l', 'abc'], ['LINDEX', 'str', 'abc']],
  },
  {
    name: 'lex ranges over mixed scores: the first/last precheck decides (listpack)',
    setup: [['ZADD', 'k1', '-1', 'b'], ['ZADD', 'k1', '1', '']],
    steps: [
      ['ZLEXCOUNT', 'k1', '[\x00\xff', '(c'],
      ['ZRANGEBYLEX', 'k1', '[\x00\xff', '(c'],
      ['ZRANGE', 'k1', '[\x00\xff', '(c', 'BYLEX'],
      ['ZREMRANGEBYLEX', 'k1', '[\x00\xff', '(c'],
      ['ZRANGE', 'k1', '0', '-1'],
    ],
  },
  {
    name: 'zrandmember: the count is parsed before the WITHSCORES keyword',
    setup: [['ZADD', 'z', '1', 'a']],
    steps: [
      ['ZRANDMEMBER', 'nokey', 'abc', 'WITHSCORESX'],
      ['ZRANDMEMBER', 'z', 'abc', 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', '1', 'WITHSCORESX'],
      ['ZRANDMEMBER', 'z', '-9223372036854775808', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '4611686018427387903'],
    ],
  },
  {
    name: 'copy of an INCRBYFLOAT result keeps its string encoding',
    steps: [['INCRBYFLOAT', 'k1', '-1'], ['OBJECT', 'ENCODING', 'k1'], ['COPY', 'k1', 'k2'], ['OBJECT', 'ENCODING', 'k2']],
  },
];
