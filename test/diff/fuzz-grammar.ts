// The fuzzer's grammar: one small generator per command (key: lowercase name, or 'container|sub'),
// drawing arguments from small pools so that commands collide on the same keys, plus edge numbers,
// binary bytes and deliberate errors. Generators read only the PRNG (never a reply), so a seed
// always yields the same sequence. Commands absent from nodis or the oracle are simply not used.

/** Deterministic PRNG (mulberry32): small, fast, and the same sequence on every platform. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0;
  }
  /** A uniform uint32. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return this.next() % n;
  }
  /** True with probability p. */
  chance(p: number): boolean {
    return this.next() / 0x100000000 < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
}

// ---- pools ----

const KEYS = ['k1', 'k2', 'k3', 'k4', 'k1', 'k2', '{t}a', '{t}b', '', 'k\x00\xff'];
const VALUES = [
  '', 'v', 'abc', 'hello world', '0', '1', '-1', '-0', '10', '+1', ' 1', '1 ', '007', '0x10',
  '3.14', '-2.5', '1e308', '1e-308', '9223372036854775807', '-9223372036854775808',
  '9223372036854775808', 'inf', '-inf', 'nan', '\x00\xff\r\n', '\x80bin\x00ary',
  'a'.repeat(44), 'b'.repeat(45), 'x'.repeat(300), '12345678901234567890', '10000',
];
/** Integers and things that are almost integers. */
const INTS = [
  '0', '1', '-1', '2', '3', '5', '10', '100', '-100', '1000', '9223372036854775807',
  '-9223372036854775808', '9223372036854775806', '-9223372036854775807', '9223372036854775808',
  '-0', '+1', '01', ' 1', '1.5', '1e3', 'abc', '', '0x10',
];
const SMALL_INTS = ['0', '1', '2', '3', '5', '-1', '-2', '-5', '10', '100'];
const FLOATS = [
  '0', '1', '-1', '1.5', '-1.5', '0.1', '3', '1e308', '-1e308', '1e-300', '5e-324', 'inf', '-inf',
  '+inf', 'nan', 'abc', '', '.5', '5.', '1.7976931348623157e309', '0x1p3', ' 1.0', '1e', '-0',
  '10.50', '1.1', '9223372036854775807',
];
/** Relative TTLs long enough never to expire during a run, and invalid ones. */
const TTL_SECONDS = [
  '100', '1000', '86400', '100000', '0', '-1', '-100', 'abc', '', '1.5',
  '9223372036854775807', '9223372036854775806', '922337203685477580', '4611686018427387904',
];
const TTL_MS = ['100000', '1000000', '86400000', '0', '-1', 'abc', '9223372036854775807', '9223372036854775000'];
/** Absolute times: far past (expires at once), far future, invalid. */
const UNIX_SECONDS = ['1', '1000000000', '4102444800', '4102444801', '0', '-1', 'abc', '9223372036854775807'];
const UNIX_MS = ['1', '1000000000000', '4102444800000', '0', '-1', 'abc', '9223372036854775807'];
/**
 * Absolute times for SET's options: no past times, because a SET whose absolute expiry is past
 * leaves the key in the keyspace until active expiry removes it, so DBSIZE would depend on when
 * the cron ran.
 */
const FUTURE_UNIX_SECONDS = ['4102444800', '4102444801', '0', '-1', 'abc', '9223372036854775807'];
const FUTURE_UNIX_MS = ['4102444800000', '4102444800001', '0', '-1', 'abc', '9223372036854775807'];
const DBS = ['0', '1', '2', '15', '16', '-1', 'a', '1.0'];
const PATTERNS = ['*', 'k*', 'k?', '[k]1', 'k[1-2]', 'k[^1]*', '{t}*', '\\*', '', '*\x00*', 'nomatch', 'k\\', '[', 'a'];
const TYPES = ['string', 'list', 'set', 'zset', 'hash', 'stream', 'nosuchtype', 'STRING'];
const NAMES = ['alice', 'bob', '', 'a b', 'a\nb', 'x'.repeat(40), 'caf\xe9'];

// ---- the generator context ----

/** What a generator uses to draw arguments. */
export class Gen {
  constructor(readonly r: Rng) {}
  key(): string { return this.r.pick(KEYS); }
  keys(min = 1, max = 3): string[] { return this.times(min, max, () => this.key()); }
  val(): string { return this.r.pick(VALUES); }
  int(): string { return this.r.chance(0.8) ? this.r.pick(SMALL_INTS) : this.r.pick(INTS); }
  float(): string { return this.r.chance(0.6) ? this.r.pick(SMALL_INTS) : this.r.pick(FLOATS); }
  ttl(): string { return this.r.pick(TTL_SECONDS); }
  ttlMs(): string { return this.r.pick(TTL_MS); }
  unix(): string { return this.r.pick(UNIX_SECONDS); }
  unixMs(): string { return this.r.pick(UNIX_MS); }
  futureUnix(): string { return this.r.pick(FUTURE_UNIX_SECONDS); }
  futureUnixMs(): string { return this.r.pick(FUTURE_UNIX_MS); }
  db(): string { return this.r.chance(0.85) ? this.r.pick(['0', '1', '2']) : this.r.pick(DBS); }
  pattern(): string { return this.r.pick(PATTERNS); }
  type(): string { return this.r.pick(TYPES); }
  name(): string { return this.r.pick(NAMES); }
  /** A keyword in random case, sometimes misspelled. */
  word(w: string): string {
    if (this.r.chance(0.03)) return w + 'X';
    if (this.r.chance(0.3)) return w.toLowerCase();
    return w;
  }
  times(min: number, max: number, f: () => string): string[] {
    const n = min + this.r.int(max - min + 1);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(f());
    return out;
  }
  /** Key/value pairs, flattened. */
  pairs(min: number, max: number): string[] {
    const n = min + this.r.int(max - min + 1);
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push(this.key(), this.val());
    return out;
  }
  /** Some of the option groups, each producing its words, in random order. */
  options(groups: (() => string[])[], p = 0.35): string[] {
    const chosen = groups.filter(() => this.r.chance(p));
    for (let i = chosen.length - 1; i > 0; i--) {
      const j = this.r.int(i + 1);
      [chosen[i], chosen[j]] = [chosen[j]!, chosen[i]!];
    }
    return chosen.flatMap((g) => g());
  }
}

export interface CommandGenerator {
  /** Relative frequency (default 1). */
  weight?: number;
  /**
   * Never drop an argument (the fuzzer's arity mutation): for commands whose shorter form is
   * random and changes data (SPOP key), which would make the servers' data part ways.
   */
  keepArgs?: boolean;
  gen(g: Gen): string[];
}

const expiryOption = (g: Gen) => (): string[] => {
  switch (g.r.int(6)) {
    case 0: return [g.word('EX'), g.ttl()];
    case 1: return [g.word('PX'), g.ttlMs()];
    case 2: return [g.word('EXAT'), g.futureUnix()];
    case 3: return [g.word('PXAT'), g.futureUnixMs()];
    case 4: return [g.word('KEEPTTL')];
    default: return [g.word('EX')];
  }
};

const expireFlag = (g: Gen) => (): string[] => [g.word(g.r.pick(['NX', 'XX', 'GT', 'LT']))];

// ---- STRING ----

export const STRING_GENERATORS: Record<string, CommandGenerator> = {
  append: { gen: (g) => ['APPEND', g.key(), g.val()] },
  decr: { gen: (g) => ['DECR', g.key()] },
  decrby: { gen: (g) => ['DECRBY', g.key(), g.int()] },
  get: { weight: 3, gen: (g) => ['GET', g.key()] },
  getdel: { gen: (g) => ['GETDEL', g.key()] },
  getex: {
    gen: (g) => ['GETEX', g.key(), ...g.options([
      () => [g.word('EX'), g.ttl()], () => [g.word('PX'), g.ttlMs()], () => [g.word('EXAT'), g.unix()],
      () => [g.word('PXAT'), g.unixMs()], () => [g.word('PERSIST')],
    ], 0.25)],
  },
  getrange: { gen: (g) => ['GETRANGE', g.key(), g.int(), g.int()] },
  getset: { gen: (g) => ['GETSET', g.key(), g.val()] },
  incr: { weight: 2, gen: (g) => ['INCR', g.key()] },
  incrby: { gen: (g) => ['INCRBY', g.key(), g.int()] },
  incrbyfloat: { gen: (g) => ['INCRBYFLOAT', g.key(), g.float()] },
  lcs: {
    gen: (g) => ['LCS', g.key(), g.key(), ...g.options([
      () => [g.word('LEN')], () => [g.word('IDX')], () => [g.word('MINMATCHLEN'), g.int()],
      () => [g.word('WITHMATCHLEN')],
    ])],
  },
  mget: { gen: (g) => ['MGET', ...g.keys(1, 4)] },
  mset: { gen: (g) => ['MSET', ...g.pairs(1, 3)] },
  msetnx: { gen: (g) => ['MSETNX', ...g.pairs(1, 3)] },
  psetex: { gen: (g) => ['PSETEX', g.key(), g.ttlMs(), g.val()] },
  set: {
    weight: 4,
    gen: (g) => ['SET', g.key(), g.val(), ...g.options([
      () => [g.word(g.r.pick(['NX', 'XX']))], () => [g.word('GET')], expiryOption(g),
    ], 0.3)],
  },
  setex: { gen: (g) => ['SETEX', g.key(), g.ttl(), g.val()] },
  setnx: { gen: (g) => ['SETNX', g.key(), g.val()] },
  setrange: {
    // Offsets stay small: an offset near 512 MB would make both servers allocate that much.
    gen: (g) => ['SETRANGE', g.key(), g.r.pick(['0', '1', '3', '10', '100', '-1', 'abc', '536870912', '9223372036854775807']), g.val()],
  },
  strlen: { gen: (g) => ['STRLEN', g.key()] },
  substr: { gen: (g) => ['SUBSTR', g.key(), g.int(), g.int()] },
};

// ---- keyspace (GENERIC) ----

export const GENERIC_GENERATORS: Record<string, CommandGenerator> = {
  copy: {
    gen: (g) => ['COPY', g.key(), g.key(), ...g.options([() => [g.word('DB'), g.db()], () => [g.word('REPLACE')]])],
  },
  dbsize: { gen: () => ['DBSIZE'] },
  del: { weight: 2, gen: (g) => ['DEL', ...g.keys(1, 3)] },
  exists: { gen: (g) => ['EXISTS', ...g.keys(1, 4)] },
  expire: { gen: (g) => ['EXPIRE', g.key(), g.ttl(), ...g.options([expireFlag(g), expireFlag(g)], 0.2)] },
  expireat: { gen: (g) => ['EXPIREAT', g.key(), g.unix(), ...g.options([expireFlag(g)], 0.2)] },
  expiretime: { gen: (g) => ['EXPIRETIME', g.key()] },
  flushall: { weight: 0.05, gen: (g) => ['FLUSHALL', ...g.options([() => [g.word(g.r.pick(['SYNC', 'ASYNC']))]], 0.5)] },
  flushdb: { weight: 0.1, gen: (g) => ['FLUSHDB', ...g.options([() => [g.word(g.r.pick(['SYNC', 'ASYNC']))]], 0.5)] },
  keys: { gen: (g) => ['KEYS', g.pattern()] },
  move: { gen: (g) => ['MOVE', g.key(), g.db()] },
  'object|encoding': { gen: (g) => ['OBJECT', 'ENCODING', g.key()] },
  'object|freq': { weight: 0.2, gen: (g) => ['OBJECT', 'FREQ', g.key()] },
  'object|idletime': { weight: 0.3, gen: (g) => ['OBJECT', 'IDLETIME', g.key()] },
  'object|refcount': { weight: 0.3, gen: (g) => ['OBJECT', 'REFCOUNT', g.key()] },
  persist: { gen: (g) => ['PERSIST', g.key()] },
  pexpire: { gen: (g) => ['PEXPIRE', g.key(), g.ttlMs(), ...g.options([expireFlag(g)], 0.2)] },
  pexpireat: { gen: (g) => ['PEXPIREAT', g.key(), g.unixMs(), ...g.options([expireFlag(g)], 0.2)] },
  pexpiretime: { gen: (g) => ['PEXPIRETIME', g.key()] },
  pttl: { gen: (g) => ['PTTL', g.key()] },
  randomkey: { weight: 0.3, gen: () => ['RANDOMKEY'] },
  rename: { gen: (g) => ['RENAME', g.key(), g.key()] },
  renamenx: { gen: (g) => ['RENAMENX', g.key(), g.key()] },
  scan: {
    gen: (g) => ['SCAN', '0', ...g.options([
      () => [g.word('MATCH'), g.pattern()], () => [g.word('COUNT'), g.r.pick(['1', '2', '10', '0', '-1', 'abc'])],
      () => [g.word('TYPE'), g.type()],
    ], 0.4)],
  },
  swapdb: { weight: 0.3, gen: (g) => ['SWAPDB', g.db(), g.db()] },
  touch: { gen: (g) => ['TOUCH', ...g.keys(1, 3)] },
  ttl: { weight: 2, gen: (g) => ['TTL', g.key()] },
  type: { gen: (g) => ['TYPE', g.key()] },
  unlink: { gen: (g) => ['UNLINK', ...g.keys(1, 3)] },
};

// ---- CONNECTION (only forms whose replies are the same on any server and do not close) ----

export const CONNECTION_GENERATORS: Record<string, CommandGenerator> = {
  ping: { gen: (g) => ['PING', ...g.options([() => [g.val()]], 0.4)] },
  echo: { gen: (g) => ['ECHO', g.val()] },
  select: { gen: (g) => ['SELECT', g.db()] },
  reset: { weight: 0.1, gen: () => ['RESET'] },
  // Only HELLO forms that fail: a successful HELLO reports the server's version and client id.
  hello: { weight: 0.2, gen: (g) => ['HELLO', g.r.pick(['4', '1', '0', 'abc', '-1', '3.0'])] },
  auth: {
    weight: 0.2,
    gen: (g) => (g.r.chance(0.5) ? ['AUTH', g.name()] : ['AUTH', g.r.pick(['default', 'nosuchuser']), g.name()]),
  },
  'client|getname': { gen: () => ['CLIENT', 'GETNAME'] },
  'client|setname': { gen: (g) => ['CLIENT', 'SETNAME', g.name()] },
  'client|no-evict': { weight: 0.2, gen: (g) => ['CLIENT', 'NO-EVICT', g.r.pick(['on', 'off', 'ON', 'maybe'])] },
  'client|no-touch': { weight: 0.2, gen: (g) => ['CLIENT', 'NO-TOUCH', g.r.pick(['on', 'off', 'OFF', 'maybe'])] },
  'client|getredir': { weight: 0.2, gen: () => ['CLIENT', 'GETREDIR'] },
  'client|unpause': { weight: 0.2, gen: () => ['CLIENT', 'UNPAUSE'] },
  'client|unblock': {
    weight: 0.2,
    gen: (g) => ['CLIENT', 'UNBLOCK', g.r.pick(['999999', '0', 'abc', '-1']), ...g.options([() => [g.word(g.r.pick(['TIMEOUT', 'ERROR', 'NONE']))]])],
  },
  'client|trackinginfo': { weight: 0.2, gen: () => ['CLIENT', 'TRACKINGINFO'] },
  'client|caching': { weight: 0.2, gen: (g) => ['CLIENT', 'CACHING', g.r.pick(['yes', 'no', 'maybe'])] },
  'client|kill': {
    weight: 0.2,
    gen: (g) => ['CLIENT', 'KILL', ...g.r.pick([
      ['1.2.3.4:5'], ['ID', '999999'], ['ID', 'abc'], ['USER', 'nosuchuser'], ['SKIPME', 'maybe'],
      ['ADDR', '1.2.3.4:5', 'SKIPME', 'yes'], ['TYPE', 'nosuchtype'], ['LADDR', '1.2.3.4:5'],
    ])],
  },
};

// ---- a few commands of other types, so that WRONGTYPE paths get exercised once they exist ----

export const OTHER_TYPE_GENERATORS: Record<string, CommandGenerator> = {
  lpush: { weight: 0.3, gen: (g) => ['LPUSH', g.key(), ...g.times(1, 3, () => g.val())] },
  rpush: { weight: 0.2, gen: (g) => ['RPUSH', g.key(), ...g.times(1, 3, () => g.val())] },
  sadd: { weight: 0.3, gen: (g) => ['SADD', g.key(), ...g.times(1, 3, () => g.val())] },
  hset: { weight: 0.3, gen: (g) => ['HSET', g.key(), g.val(), g.val()] },
  zadd: { weight: 0.3, gen: (g) => ['ZADD', g.key(), g.float(), g.val()] },
};

// ---- LIST, HASH, SET, SORTED SET and SORT (collections2 area) ----

/**
 * Members and fields shared by the collection generators: small, so commands collide; integers
 * (intsets, listpack integer entries), one member past the 64-byte listpack value limit, binary.
 */
const MEMBERS = ['a', 'b', 'c', 'd', '1', '2', '3', '-1', '10', '1.5', '', '\x00\xff', 'm'.repeat(70), '9223372036854775807'];
/** Score ranges and lex ranges, valid and not. */
const SCORE_BOUNDS = ['-inf', '+inf', '0', '1', '(1', '2', '(2', '3', '-1', '1.5', '(1.5', 'abc', '(', '10', 'inf', '-inf'];
const LEX_BOUNDS = ['-', '+', '[a', '(a', '[b', '(c', '[1', '(2', 'a', '[', '(', '[\x00\xff'];
const INDEXES = ['0', '1', '2', '-1', '-2', '3', '10', '-10', '100', 'abc', '9223372036854775807', '-9223372036854775808'];
const COUNTS = ['0', '1', '2', '3', '5', '100', '-1', '-3', 'abc'];
/** Scores: mostly small integers and halves, so ties between members happen. */
const SCORES = ['0', '1', '2', '1.5', '-1', '3', '-0', 'inf', '-inf', '0.1', '1e308', '10', 'nan', 'abc', '+1', '(1'];
/** Keys whose values a BY / GET pattern may reach ("k*" with element "1" is k1, "{t}*" with "a" is {t}a). */
const SORT_PATTERNS = ['k*', '{t}*', 'k*->a', 'k*->1', '{t}*->b', '#', 'k', 'nokey*'];

/** f called min..max times, its words concatenated. */
const many = (g: Gen, min: number, max: number, f: () => string[]): string[] => {
  const n = min + g.r.int(max - min + 1);
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(...f());
  return out;
};
/**
 * Sorted sets only ever written with score 0 (by ZADD's lex form) and shrunk: lex ranges over
 * mixed scores are undefined in Redis (a skiplist's answer depends on its random levels), so the
 * lex commands read and trim only these keys.
 */
const LEX_KEYS = ['lex1', 'lex2'];
const lexKey = (g: Gen) => g.r.pick(LEX_KEYS);
const mem = (g: Gen) => g.r.pick(MEMBERS);
const mems = (g: Gen, min = 1, max = 4) => g.times(min, max, () => mem(g));
const idx = (g: Gen) => g.r.chance(0.7) ? g.r.pick(['0', '1', '-1', '2', '-2']) : g.r.pick(INDEXES);
const cnt = (g: Gen) => g.r.pick(COUNTS);
const score = (g: Gen) => g.r.chance(0.7) ? g.r.pick(['0', '1', '2', '1.5', '-1', '3']) : g.r.pick(SCORES);
const sbound = (g: Gen) => g.r.pick(SCORE_BOUNDS);
const lbound = (g: Gen) => g.r.pick(LEX_BOUNDS);
/** Now and then many distinct members, to cross the listpack/intset limits (128 / 512 entries). */
const bulkMembers = (g: Gen, ints: boolean): string[] => {
  const n = g.r.pick([130, 200, 520]);
  const base = g.r.int(3) * 7;
  return Array.from({ length: n }, (_, i) => (ints ? String(i + base) : `e${i + base}`));
};
const limitOpt = (g: Gen) => (): string[] => [g.word('LIMIT'), idx(g), cnt(g)];
const numkeys = (g: Gen, keys: string[]): string[] => {
  const n = g.r.chance(0.9) ? String(keys.length) : g.r.pick(['0', '-1', 'abc', String(keys.length + 1)]);
  return [n, ...keys];
};

export const LIST_GENERATORS: Record<string, CommandGenerator> = {
  lpush: { weight: 2, gen: (g) => ['LPUSH', g.key(), ...g.times(1, 4, () => g.val())] },
  rpush: { weight: 2, gen: (g) => ['RPUSH', g.key(), ...(g.r.chance(0.05) ? g.times(150, 200, () => g.val()) : g.times(1, 4, () => g.val()))] },
  lpushx: { gen: (g) => ['LPUSHX', g.key(), ...g.times(1, 3, () => g.val())] },
  rpushx: { gen: (g) => ['RPUSHX', g.key(), ...g.times(1, 3, () => g.val())] },
  lpop: { gen: (g) => ['LPOP', g.key(), ...g.options([() => [cnt(g)]], 0.4)] },
  rpop: { gen: (g) => ['RPOP', g.key(), ...g.options([() => [cnt(g)]], 0.4)] },
  llen: { gen: (g) => ['LLEN', g.key()] },
  lindex: { gen: (g) => ['LINDEX', g.key(), idx(g)] },
  lrange: { weight: 2, gen: (g) => ['LRANGE', g.key(), idx(g), idx(g)] },
  lpos: {
    gen: (g) => ['LPOS', g.key(), g.val(), ...g.options([
      () => [g.word('RANK'), g.r.pick(['1', '-1', '2', '0', '-2', 'abc', '-9223372036854775808'])],
      () => [g.word('COUNT'), cnt(g)], () => [g.word('MAXLEN'), cnt(g)],
    ], 0.4)],
  },
  linsert: { gen: (g) => ['LINSERT', g.key(), g.word(g.r.pick(['BEFORE', 'AFTER', 'MIDDLE'])), g.val(), g.val()] },
  lset: { gen: (g) => ['LSET', g.key(), idx(g), g.val()] },
  lrem: { gen: (g) => ['LREM', g.key(), g.r.pick(['0', '1', '-1', '2', '-2', 'abc']), g.val()] },
  ltrim: { gen: (g) => ['LTRIM', g.key(), idx(g), idx(g)] },
  lmove: {
    gen: (g) => ['LMOVE', g.key(), g.key(), g.word(g.r.pick(['LEFT', 'RIGHT', 'UP'])), g.word(g.r.pick(['LEFT', 'RIGHT']))],
  },
  rpoplpush: { gen: (g) => ['RPOPLPUSH', g.key(), g.key()] },
  lmpop: {
    gen: (g) => ['LMPOP', ...numkeys(g, g.keys(1, 3)), g.word(g.r.pick(['LEFT', 'RIGHT', 'UP'])),
      ...g.options([() => [g.word('COUNT'), cnt(g)]], 0.5)],
  },
};

export const HASH_GENERATORS: Record<string, CommandGenerator> = {
  hset: {
    weight: 2,
    gen: (g) => ['HSET', g.key(), ...(g.r.chance(0.04) ? bulkMembers(g, false).flatMap((m) => [m, 'v']) : many(g, 1, 3, () => [mem(g), g.val()]))],
  },
  hsetnx: { gen: (g) => ['HSETNX', g.key(), mem(g), g.val()] },
  hmset: { gen: (g) => ['HMSET', g.key(), ...many(g, 1, 3, () => [mem(g), g.val()])] },
  hget: { gen: (g) => ['HGET', g.key(), mem(g)] },
  hmget: { gen: (g) => ['HMGET', g.key(), ...mems(g)] },
  hdel: { gen: (g) => ['HDEL', g.key(), ...mems(g)] },
  hlen: { gen: (g) => ['HLEN', g.key()] },
  hstrlen: { gen: (g) => ['HSTRLEN', g.key(), mem(g)] },
  hexists: { gen: (g) => ['HEXISTS', g.key(), mem(g)] },
  hkeys: { gen: (g) => ['HKEYS', g.key()] },
  hvals: { gen: (g) => ['HVALS', g.key()] },
  hgetall: { gen: (g) => ['HGETALL', g.key()] },
  hincrby: { gen: (g) => ['HINCRBY', g.key(), mem(g), g.int()] },
  hincrbyfloat: { gen: (g) => ['HINCRBYFLOAT', g.key(), mem(g), g.float()] },
  hrandfield: {
    gen: (g) => ['HRANDFIELD', g.key(), ...g.options([() => [g.r.pick(['1', '3', '-3', '0', '100', '-100', 'abc']), ...g.options([() => [g.word('WITHVALUES')]], 0.5)]], 0.6)],
  },
  hscan: {
    gen: (g) => ['HSCAN', g.key(), '0', ...g.options([
      () => [g.word('MATCH'), g.r.pick(['*', 'a*', '?', '[ab]', 'e1*'])], () => [g.word('COUNT'), g.r.pick(['1', '10', '0', 'abc'])],
    ], 0.4)],
  },
};

export const SET_GENERATORS: Record<string, CommandGenerator> = {
  sadd: {
    weight: 3,
    gen: (g) => ['SADD', g.key(), ...(g.r.chance(0.05) ? bulkMembers(g, g.r.chance(0.5)) : mems(g))],
  },
  srem: { weight: 2, gen: (g) => ['SREM', g.key(), ...mems(g)] },
  scard: { gen: (g) => ['SCARD', g.key()] },
  sismember: { gen: (g) => ['SISMEMBER', g.key(), mem(g)] },
  smismember: { gen: (g) => ['SMISMEMBER', g.key(), ...mems(g)] },
  smembers: { weight: 2, gen: (g) => ['SMEMBERS', g.key()] },
  // Only counts that pop nothing or everything: which members a partial SPOP takes is random,
  // and the two servers' sets would part ways for the rest of the run.
  spop: { keepArgs: true, gen: (g) => ['SPOP', g.key(), g.r.pick(['0', '1000', '-1', 'abc'])] },
  srandmember: { gen: (g) => ['SRANDMEMBER', g.key(), ...g.options([() => [g.r.pick(['1', '3', '-3', '0', '100', '-100', 'abc'])]], 0.7)] },
  smove: { gen: (g) => ['SMOVE', g.key(), g.key(), mem(g)] },
  sdiff: { gen: (g) => ['SDIFF', ...g.keys(1, 3)] },
  sdiffstore: { gen: (g) => ['SDIFFSTORE', g.key(), ...g.keys(1, 3)] },
  sinter: { gen: (g) => ['SINTER', ...g.keys(1, 3)] },
  sinterstore: { gen: (g) => ['SINTERSTORE', g.key(), ...g.keys(1, 3)] },
  sintercard: { gen: (g) => ['SINTERCARD', ...numkeys(g, g.keys(1, 3)), ...g.options([() => [g.word('LIMIT'), cnt(g)]], 0.4)] },
  sunion: { gen: (g) => ['SUNION', ...g.keys(1, 3)] },
  sunionstore: { gen: (g) => ['SUNIONSTORE', g.key(), ...g.keys(1, 3)] },
  sscan: {
    gen: (g) => ['SSCAN', g.key(), '0', ...g.options([
      () => [g.word('MATCH'), g.r.pick(['*', 'a*', '?', '[ab]', 'e1*', '1*'])], () => [g.word('COUNT'), g.r.pick(['1', '10', '0', 'abc'])],
    ], 0.4)],
  },
};

const zrangeOpts = (g: Gen) => g.options([
  () => [g.word('WITHSCORES')], () => [g.word('REV')], limitOpt(g),
], 0.3);

export const ZSET_GENERATORS: Record<string, CommandGenerator> = {
  zadd: {
    weight: 3,
    gen: (g) => g.r.chance(0.2) ? ['ZADD', lexKey(g), ...many(g, 1, 4, () => ['0', mem(g)])] : ['ZADD', g.key(), ...g.options([
      () => [g.word(g.r.pick(['NX', 'XX']))], () => [g.word(g.r.pick(['GT', 'LT']))], () => [g.word('CH')], () => [g.word('INCR')],
    ], 0.15), ...(g.r.chance(0.04) ? bulkMembers(g, false).flatMap((m, i) => [String(i % 17), m]) : many(g, 1, 3, () => [score(g), mem(g)]))],
  },
  zincrby: { gen: (g) => ['ZINCRBY', g.key(), score(g), mem(g)] },
  zrem: { gen: (g) => ['ZREM', g.key(), ...mems(g)] },
  zcard: { gen: (g) => ['ZCARD', g.key()] },
  zscore: { gen: (g) => ['ZSCORE', g.key(), mem(g)] },
  zmscore: { gen: (g) => ['ZMSCORE', g.key(), ...mems(g)] },
  // WITHSCORE is new in 7.2 (the oracle refuses it): plain forms only.
  zrank: { gen: (g) => ['ZRANK', g.key(), mem(g)] },
  zrevrank: { gen: (g) => ['ZREVRANK', g.key(), mem(g)] },
  zcount: { gen: (g) => ['ZCOUNT', g.key(), sbound(g), sbound(g)] },
  zlexcount: { gen: (g) => ['ZLEXCOUNT', lexKey(g), lbound(g), lbound(g)] },
  zrange: {
    weight: 3,
    gen: (g) => {
      switch (g.r.int(3)) {
        case 0: return ['ZRANGE', g.key(), idx(g), idx(g), ...zrangeOpts(g)];
        case 1: return ['ZRANGE', g.key(), sbound(g), sbound(g), g.word('BYSCORE'), ...zrangeOpts(g)];
        default: return ['ZRANGE', lexKey(g), lbound(g), lbound(g), g.word('BYLEX'), ...zrangeOpts(g)];
      }
    },
  },
  zrangestore: {
    gen: (g) => g.r.chance(0.3)
      ? ['ZRANGESTORE', g.key(), lexKey(g), lbound(g), lbound(g), g.word('BYLEX'), ...g.options([() => [g.word('REV')], limitOpt(g)], 0.3)]
      : ['ZRANGESTORE', g.key(), g.key(), ...g.r.pick([[idx(g), idx(g)], [sbound(g), sbound(g), g.word('BYSCORE')]]),
        ...g.options([() => [g.word('REV')], limitOpt(g)], 0.3)],
  },
  zrevrange: { gen: (g) => ['ZREVRANGE', g.key(), idx(g), idx(g), ...g.options([() => [g.word('WITHSCORES')]], 0.4)] },
  zrangebyscore: {
    gen: (g) => ['ZRANGEBYSCORE', g.key(), sbound(g), sbound(g), ...g.options([() => [g.word('WITHSCORES')], limitOpt(g)], 0.35)],
  },
  zrevrangebyscore: {
    gen: (g) => ['ZREVRANGEBYSCORE', g.key(), sbound(g), sbound(g), ...g.options([() => [g.word('WITHSCORES')], limitOpt(g)], 0.35)],
  },
  zrangebylex: { gen: (g) => ['ZRANGEBYLEX', lexKey(g), lbound(g), lbound(g), ...g.options([limitOpt(g)], 0.35)] },
  zrevrangebylex: { gen: (g) => ['ZREVRANGEBYLEX', lexKey(g), lbound(g), lbound(g), ...g.options([limitOpt(g)], 0.35)] },
  zremrangebyrank: { gen: (g) => ['ZREMRANGEBYRANK', g.key(), idx(g), idx(g)] },
  zremrangebyscore: { gen: (g) => ['ZREMRANGEBYSCORE', g.key(), sbound(g), sbound(g)] },
  zremrangebylex: { gen: (g) => ['ZREMRANGEBYLEX', lexKey(g), lbound(g), lbound(g)] },
  zpopmin: { gen: (g) => ['ZPOPMIN', g.key(), ...g.options([() => [cnt(g)]], 0.5)] },
  zpopmax: { gen: (g) => ['ZPOPMAX', g.key(), ...g.options([() => [cnt(g)]], 0.5)] },
  zmpop: {
    gen: (g) => ['ZMPOP', ...numkeys(g, g.keys(1, 3)), g.word(g.r.pick(['MIN', 'MAX', 'MID'])),
      ...g.options([() => [g.word('COUNT'), cnt(g)]], 0.5)],
  },
  zunion: { gen: (g) => ['ZUNION', ...numkeys(g, g.keys(1, 3)), ...zsetOpOpts(g, true)] },
  zinter: { gen: (g) => ['ZINTER', ...numkeys(g, g.keys(1, 3)), ...zsetOpOpts(g, true)] },
  zdiff: { gen: (g) => ['ZDIFF', ...numkeys(g, g.keys(1, 3)), ...g.options([() => [g.word('WITHSCORES')]], 0.4)] },
  zunionstore: { gen: (g) => ['ZUNIONSTORE', g.key(), ...numkeys(g, g.keys(1, 3)), ...zsetOpOpts(g, false)] },
  zinterstore: { gen: (g) => ['ZINTERSTORE', g.key(), ...numkeys(g, g.keys(1, 3)), ...zsetOpOpts(g, false)] },
  zdiffstore: { gen: (g) => ['ZDIFFSTORE', g.key(), ...numkeys(g, g.keys(1, 3))] },
  zintercard: { gen: (g) => ['ZINTERCARD', ...numkeys(g, g.keys(1, 3)), ...g.options([() => [g.word('LIMIT'), cnt(g)]], 0.4)] },
  zrandmember: {
    gen: (g) => ['ZRANDMEMBER', g.key(), ...g.options([() => [g.r.pick(['1', '3', '-3', '0', '100', '-100', 'abc']), ...g.options([() => [g.word('WITHSCORES')]], 0.5)]], 0.6)],
  },
  zscan: {
    gen: (g) => ['ZSCAN', g.key(), '0', ...g.options([
      () => [g.word('MATCH'), g.r.pick(['*', 'a*', '?', '[ab]', 'e1*'])], () => [g.word('COUNT'), g.r.pick(['1', '10', '0', 'abc'])],
    ], 0.4)],
  },
};

/** WEIGHTS (one per key, sometimes a wrong count) and AGGREGATE for ZUNION/ZINTER(STORE). */
function zsetOpOpts(g: Gen, withScores: boolean): string[] {
  return g.options([
    () => [g.word('WEIGHTS'), ...g.times(1, 3, () => g.r.pick(['1', '2', '0', '-1', '1.5', 'inf', 'abc']))],
    () => [g.word('AGGREGATE'), g.word(g.r.pick(['SUM', 'MIN', 'MAX', 'AVG']))],
    ...(withScores ? [() => [g.word('WITHSCORES')]] : []),
  ], 0.3);
}

/**
 * SORT forms whose result does not depend on a set's internal order (which differs between
 * servers): numeric sorts (ties fall back to the elements' bytes), ALPHA without BY, a constant
 * BY, and ALPHA with a BY pattern only without LIMIT and STORE (its ties keep internal order;
 * normalize.ts compares those replies unordered). No LIMIT where the chosen subset could depend on
 * that order.
 */
function sortArgs(g: Gen, ro: boolean): string[] {
  const gets = () => many(g, 1, 2, () => [g.word('GET'), g.r.pick(SORT_PATTERNS)]);
  const order = () => [g.word(g.r.pick(['ASC', 'DESC']))];
  const store = () => [g.word('STORE'), g.key()];
  const limit = limitOpt(g);
  switch (g.r.int(5)) {
    case 0: return g.options([() => [g.word('BY'), g.r.pick(['k*', '{t}*', 'k*->a', 'nokey*'])], limit, gets, order, ...(ro ? [] : [store])], 0.4);
    case 1: {
      const stored = !ro && g.r.chance(0.5);
      return [g.word('ALPHA'), ...g.options([gets, order, ...(stored ? [limit] : [])], 0.4), ...(stored ? store() : [])];
    }
    case 2: {
      const stored = !ro && g.r.chance(0.5);
      return [g.word('BY'), g.r.pick(['nosort', 'k1', '#']), ...g.options([gets, order, () => [g.word('ALPHA')], ...(stored ? [limit] : [])], 0.4),
        ...(stored ? store() : [])];
    }
    case 3: return [g.word('BY'), g.r.pick(['k*', '{t}*->b']), g.word('ALPHA'), ...g.options([gets, order], 0.4)];
    default: return g.r.pick([['BOGUS'], ['LIMIT', '1'], ['LIMIT', 'a', '1'], ['BY'], ['GET'], ['STORE']]);
  }
}

export const SORT_GENERATORS: Record<string, CommandGenerator> = {
  sort: { weight: 2, gen: (g) => ['SORT', g.key(), ...sortArgs(g, false)] },
  sort_ro: { gen: (g) => ['SORT_RO', g.key(), ...sortArgs(g, true)] },
};

/** An unknown command: always available, checks the unknown-command reply and its excerpt. */
export const UNKNOWN_GENERATOR: CommandGenerator = {
  weight: 0.2,
  gen: (g) => [g.r.pick(['NOSUCHCMD', 'nosuch', 'GETT', 'X'.repeat(130)]), ...g.times(0, 3, () => g.val())],
};

export const ALL_GENERATORS: Record<string, CommandGenerator> = {
  ...STRING_GENERATORS, ...GENERIC_GENERATORS, ...CONNECTION_GENERATORS, ...OTHER_TYPE_GENERATORS,
  ...LIST_GENERATORS, ...HASH_GENERATORS, ...SET_GENERATORS, ...ZSET_GENERATORS, ...SORT_GENERATORS,
};

/**
 * Commands whose generator is switched off, with the reason. Only for known gaps that another
 * area is fixing; remove the entry when it lands. NODIS_FUZZ_SKIP=a,b adds more for one run.
 */
export const FUZZ_SKIP: Record<string, string> = {
};
