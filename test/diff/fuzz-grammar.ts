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

/** An unknown command: always available, checks the unknown-command reply and its excerpt. */
export const UNKNOWN_GENERATOR: CommandGenerator = {
  weight: 0.2,
  gen: (g) => [g.r.pick(['NOSUCHCMD', 'nosuch', 'GETT', 'X'.repeat(130)]), ...g.times(0, 3, () => g.val())],
};

export const ALL_GENERATORS: Record<string, CommandGenerator> = {
  ...STRING_GENERATORS, ...GENERIC_GENERATORS, ...CONNECTION_GENERATORS, ...OTHER_TYPE_GENERATORS,
};

/**
 * Commands whose generator is switched off, with the reason. Only for known gaps that another
 * area is fixing; remove the entry when it lands. NODIS_FUZZ_SKIP=a,b adds more for one run.
 */
export const FUZZ_SKIP: Record<string, string> = {
};
