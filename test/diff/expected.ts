// The expected-differences registry: places where nodis deliberately follows Redis 7.2 and the
// oracle (Debian's redis-server 7.0) answers differently. Each entry names the commands it covers,
// says why in `reason` (the 7.2 change), and accepts only the precise shape of the difference, so
// that a real bug in the same command still fails. Add an entry here, never a skip in a test.

import { commandKey } from './normalize.js';
import { equalWith, parseWhole, type RespNode } from './resp-tree.js';

export interface ExpectedDifference {
  /** Short identifier shown when a difference is accepted. */
  id: string;
  /** Why nodis differs from the 7.0 oracle: the Redis 7.2 change it follows. */
  reason: string;
  /** Command keys (lowercase name or 'container|sub') the entry applies to. */
  commands: readonly string[];
  /** True when this pair of (already normalized) replies is exactly the expected difference. */
  accepts(nodis: RespNode, redis: RespNode, argv: readonly string[], protocol: 2 | 3): boolean;
}

/** Both leaves hold decimal numbers with the same double value (only their text differs). */
function sameDouble(a: RespNode, b: RespNode): boolean {
  const ta = a.body ?? (a.type === ',' ? a.head : null);
  const tb = b.body ?? (b.type === ',' ? b.head : null);
  if (ta === null || tb === null || a.type !== b.type) return false;
  const num = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?$/i;
  if (!num.test(ta) || !num.test(tb)) return false;
  return Number(ta) === Number(tb);
}

export const EXPECTED_DIFFERENCES: readonly ExpectedDifference[] = [
  {
    id: 'double-shortest',
    // Redis 7.2 formats double replies (RESP3 ',' and RESP2 bulk scores) with the shortest text
    // that reads back as the same double (fpconv_dtoa); 7.0 printed "%.17g", so a score of 1.1
    // is "1.1" in 7.2 and "1.1000000000000001" in 7.0. INCRBYFLOAT/HINCRBYFLOAT are not listed:
    // they use long double formatting, unchanged between the versions.
    reason: 'Redis 7.2 replies doubles in shortest round-trip form; 7.0 used %.17g',
    commands: [
      'zscore', 'zmscore', 'zincrby', 'zadd', 'zrange', 'zrevrange', 'zrangebyscore',
      'zrevrangebyscore', 'zpopmin', 'zpopmax', 'bzpopmin', 'bzpopmax', 'zmpop', 'bzmpop',
      'zrandmember', 'zunion', 'zinter', 'zdiff', 'zscan', 'geodist', 'geopos', 'geosearch',
      'georadius', 'georadius_ro', 'georadiusbymember', 'georadiusbymember_ro',
    ],
    accepts: (nodis, redis) => equalWith(nodis, redis, sameDouble),
  },
  {
    id: 'set-listpack',
    // Redis 7.2 keeps small sets of non-integer members as a listpack (set-max-listpack-entries);
    // 7.0 had only intset and hashtable for sets. The entry cannot see the key's type, so it
    // accepts exactly this pair of answers from OBJECT ENCODING and nothing else.
    reason: 'Redis 7.2 encodes small non-integer sets as listpack; 7.0 as hashtable',
    commands: ['object|encoding'],
    accepts: (nodis, redis) => nodis.body === 'listpack' && redis.body === 'hashtable',
  },
  {
    id: 'list-listpack',
    // Redis 7.2 stores small lists as a single listpack (list-max-listpack-size) and reports
    // 'listpack'; 7.0 always used a quicklist, even for one element.
    reason: 'Redis 7.2 encodes small lists as listpack; 7.0 always as quicklist',
    commands: ['object|encoding'],
    accepts: (nodis, redis) => nodis.body === 'listpack' && redis.body === 'quicklist',
  },
  {
    id: 'zrank-withscore',
    // Redis 7.2 added ZRANK/ZREVRANK ... WITHSCORE (arity 3 became -3): a fourth argument is
    // read as an option there, while 7.0 refuses the argument count.
    reason: 'Redis 7.2 takes ZRANK/ZREVRANK key member [WITHSCORE]; 7.0 had a fixed arity of 3',
    commands: ['zrank', 'zrevrank'],
    accepts: (nodis, redis, argv) => argv.length === 4 && redis.type === '-' &&
      (redis.head ?? '').startsWith('ERR wrong number of arguments') &&
      (argv[3]!.toUpperCase() === 'WITHSCORE' || (nodis.type === '-' && nodis.head === 'ERR syntax error')),
  },
  {
    id: 'lpos-rank-min',
    // Redis 7.2 refuses LPOS ... RANK -9223372036854775808 (its negation overflows) with the
    // range error; 7.0 accepted it. Only that argument and that error are accepted.
    reason: 'Redis 7.2 limits LPOS RANK to -LONG_MAX..LONG_MAX; 7.0 accepted LONG_MIN',
    commands: ['lpos'],
    accepts: (nodis, _redis, argv) => {
      const at = argv.findIndex((a, i) => i >= 3 && a.toUpperCase() === 'RANK' && argv[i + 1] === '-9223372036854775808');
      return at !== -1 && nodis.type === '-' && nodis.head.startsWith('ERR value is out of range, value must between');
    },
  },
];

/** The registry entry that accepts this difference, or null. */
export function expectedDifference(
  nodisRaw: string, redisRaw: string, argv: readonly string[], protocol: 2 | 3,
  registry: readonly ExpectedDifference[] = EXPECTED_DIFFERENCES,
): ExpectedDifference | null {
  const key = commandKey(argv);
  let a: RespNode;
  let b: RespNode;
  try {
    a = parseWhole(nodisRaw);
    b = parseWhole(redisRaw);
  } catch {
    return null;
  }
  for (const e of registry) {
    if (!e.commands.includes(key) && !e.commands.includes(key.split('|')[0]!)) continue;
    if (e.accepts(a, b, argv, protocol)) return e;
  }
  return null;
}
