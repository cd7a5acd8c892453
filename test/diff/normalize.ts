// Normalizers for replies that are legitimately nondeterministic (unordered sets, TTLs that drift
// between the two servers, random picks, cursors). A step names its normalizers in its options;
// commands listed in COMMAND_DEFAULTS get theirs automatically, so scenario files and the fuzzer
// stay plain data. Everything not normalized is compared byte for byte.

import {
  blankNode, equalWith, numberOf, parseWhole, serialize, sortNode, type RespNode,
} from './resp-tree.js';

/** How one step's replies are normalized before comparison. All optional; combine freely. */
export interface StepOptions {
  /** The reply is an unordered collection: sort its elements ('pairs' keeps flat key/value pairs together). */
  sort?: boolean | 'pairs';
  /** Integer (or numeric) replies may differ by up to this much, e.g. TTL drift. */
  approx?: number;
  /** Compare only the reply's shape: types, null-ness and aggregate lengths, not contents. */
  shape?: boolean;
  /** Run the command on both servers but do not compare the replies. */
  ignore?: boolean;
  /** A SCAN-family command: iterate its cursor to 0 and compare the sorted union of what it returned. */
  scan?: boolean;
  /** Map (or flat RESP2 map) fields whose values are blanked, e.g. HELLO's version and id. */
  blankFields?: string[];
  /**
   * Sort the elements only when a reply holds a NUL byte (SORT ALPHA collates C strings, so
   * members equal up to a NUL tie and keep the set's internal order).
   */
  sortIfNul?: boolean;
}

/**
 * Normalizers that apply whenever a command is used, keyed by lowercase name or 'container|sub'.
 * A step's own options override these.
 */
export const COMMAND_DEFAULTS: Record<string, StepOptions> = {
  // Unordered replies.
  keys: { sort: true },
  smembers: { sort: true },
  sunion: { sort: true },
  sinter: { sort: true },
  sdiff: { sort: true },
  hkeys: { sort: true },
  hvals: { sort: true },
  hgetall: { sort: 'pairs' },
  'command|list': { sort: true },
  // Time-based replies drift between two servers by the time between their executions.
  ttl: { approx: 1 },
  pttl: { approx: 1500 }, // generous: the two servers answer at different moments on a loaded machine
  expiretime: { approx: 1 },
  pexpiretime: { approx: 250 },
  'object|idletime': { approx: 1 },
  // Random choices.
  randomkey: { shape: true },
  srandmember: { shape: true },
  hrandfield: { shape: true },
  zrandmember: { shape: true },
  // Cursors are implementation details; what a full iteration returns is not.
  scan: { scan: true },
  sscan: { scan: true },
  hscan: { scan: true },
  zscan: { scan: true },
  // HELLO reports the server's version and the connection id.
  hello: { blankFields: ['version', 'id'] },
  // SPOP with a count pops everything or nothing in the fuzzer; the order is the set's own.
  spop: { sort: true },
};

/**
 * Normalizers that depend on the arguments. SORT's reply follows the sorted value's internal
 * order (which differs between servers for sets and sorted sets) when a constant BY sorts
 * nothing, and among ties of ALPHA with a BY pattern; STORE forms reply with a count.
 */
const ARGV_DEFAULTS: Record<string, (argv: readonly string[]) => StepOptions> = {
  sort: sortOptions,
  sort_ro: sortOptions,
};

function sortOptions(argv: readonly string[]): StepOptions {
  let by: string | null = null;
  let alpha = false;
  let store = false;
  for (let i = 2; i < argv.length; i++) {
    const w = argv[i]!.toUpperCase();
    if (w === 'BY' && i + 1 < argv.length) by = argv[++i]!;
    else if (w === 'GET' && i + 1 < argv.length) i++;
    else if (w === 'LIMIT') i += 2;
    else if (w === 'STORE' && i + 1 < argv.length) { store = true; i++; }
    else if (w === 'ALPHA') alpha = true;
  }
  if (store) return {};
  if (by !== null && (!by.includes('*') || alpha)) return { sort: true };
  if (alpha) return { sortIfNul: true };
  return {};
}

/** The name COMMAND_DEFAULTS and the expected-differences registry know a command by. */
export function commandKey(argv: readonly string[]): string {
  const name = (argv[0] ?? '').toLowerCase();
  if (argv.length > 1 && CONTAINERS.has(name)) return `${name}|${argv[1]!.toLowerCase()}`;
  return name;
}

const CONTAINERS = new Set([
  'object', 'client', 'config', 'command', 'memory', 'debug', 'script', 'function', 'acl',
  'xinfo', 'xgroup', 'cluster', 'latency', 'slowlog', 'module', 'pubsub',
]);

/** The step's options merged over the command's defaults. */
export function optionsFor(argv: readonly string[], own: StepOptions = {}): StepOptions {
  const key = commandKey(argv);
  const byArgs = ARGV_DEFAULTS[key]?.(argv);
  const base = byArgs ?? COMMAND_DEFAULTS[key] ?? COMMAND_DEFAULTS[key.split('|')[0]!] ?? {};
  return { ...base, ...own };
}

/** Where a SCAN-family command keeps its cursor, and whether its elements come in pairs. */
export function scanLayout(argv: readonly string[]): { cursorAt: number; pairs: boolean } {
  const name = argv[0]!.toLowerCase();
  if (name === 'scan') return { cursorAt: 1, pairs: false };
  return { cursorAt: 2, pairs: name === 'hscan' || name === 'zscan' };
}

export interface Compared {
  equal: boolean;
  /** The replies after normalization, as compared (for the report). */
  nodis: string;
  redis: string;
}

/** Normalizes both raw replies as `opts` says and compares them. */
export function compareReplies(nodisRaw: string, redisRaw: string, opts: StepOptions): Compared {
  if (opts.ignore) return { equal: true, nodis: nodisRaw, redis: redisRaw };
  if (nodisRaw === redisRaw) return { equal: true, nodis: nodisRaw, redis: redisRaw };
  let a: RespNode;
  let b: RespNode;
  try {
    a = parseWhole(nodisRaw);
    b = parseWhole(redisRaw);
  } catch {
    return { equal: false, nodis: nodisRaw, redis: redisRaw };
  }
  a = transform(a, opts);
  b = transform(b, opts);
  let equal: boolean;
  if (opts.approx !== undefined) {
    const tol = opts.approx;
    equal = equalWith(a, b, (x, y) => {
      const nx = numberOf(x);
      const ny = numberOf(y);
      if (nx === null || ny === null || nx < 0 || ny < 0 || x.type !== y.type) return false;
      // Negative TTLs (-1 no expiry, -2 no key) are exact; only positive values drift. Integers
      // past 2^53 (TTLs of far-future expiries) are compared exactly, not as rounded doubles.
      const tx = x.body ?? x.head;
      const ty = y.body ?? y.head;
      if (/^\d+$/.test(tx ?? '') && /^\d+$/.test(ty ?? '')) {
        const d = BigInt(tx!) - BigInt(ty!);
        return (d < 0n ? -d : d) <= BigInt(tol);
      }
      return Math.abs(nx - ny) <= tol;
    });
  } else {
    equal = serialize(a) === serialize(b);
  }
  return { equal, nodis: serialize(a), redis: serialize(b) };
}

function transform(n: RespNode, opts: StepOptions): RespNode {
  let out = n;
  if (opts.blankFields !== undefined) out = blankFields(out, opts.blankFields);
  if (opts.sort !== undefined && opts.sort !== false) out = sortNode(out, opts.sort === 'pairs' || out.type === '%');
  else if (opts.sortIfNul && serialize(out).includes('\0')) out = sortNode(out);
  if (opts.shape) out = shapeOf(out);
  return out;
}

function blankFields(n: RespNode, fields: readonly string[]): RespNode {
  if (n.items === undefined || (n.type !== '%' && n.type !== '*')) return n;
  const items = n.items.slice();
  for (let i = 0; i + 1 < items.length; i += 2) {
    const k = items[i]!;
    const name = k.body ?? k.head;
    if (fields.includes(name)) items[i + 1] = blankNode(items[i + 1]!);
  }
  return { ...n, items };
}

function shapeOf(n: RespNode): RespNode {
  if (n.items !== undefined) return { ...n, items: n.items.map(shapeOf) };
  return blankNode(n);
}
