// Parsing and rendering of directive values, type by type, with redis.conf's rules: yes/no,
// strict integers, memory units (1k = 1000, 1kb = 1024, 1b = 1), percentages, octal, enums,
// and the special forms (save pairs, output-buffer limits per class, keyspace event letters,
// bind lists, replicaof, shutdown flags). Pure functions: no server state, no I/O but `dir`'s stat.

import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Directive } from './config-table.js';

/** A typed value: numbers for int/memory, booleans for bool, strings for the rest. */
export type Typed = string | number | boolean;

export interface Parsed {
  value: Typed;
  /** The CONFIG GET rendering. */
  text: string;
}

export type ParseResult = Parsed | { error: string };

/** What a parse may need beyond the arguments. */
export interface ParseContext {
  /** The current rendering (output-buffer limits merge per class; file `save` lines accumulate). */
  previous: string;
  /** True while reading a config file after its first `save` line (later lines append). */
  appendSave: boolean;
  /** Base for relative `dir` paths. */
  cwd: string;
}

const err = (error: string) => ({ error });

/** Redis's string2ll: an optional '-', no '+', no leading zeros, no spaces. */
export function strictInt(s: string): bigint | null {
  return /^-?(0|[1-9][0-9]*)$/.test(s) && s !== '-0' ? BigInt(s) : null;
}

/** strtoll() accepting the whole string: leading blanks and a sign allowed. */
function looseInt(s: string): bigint | null {
  const m = /^[ \t\n\v\f\r]*([+-]?[0-9]+)$/.exec(s);
  return m ? BigInt(m[1]!) : null;
}

const UNITS: Record<string, bigint> = {
  '': 1n, b: 1n, k: 1000n, kb: 1024n, m: 1000n ** 2n, mb: 1024n ** 2n, g: 1000n ** 3n, gb: 1024n ** 3n,
};

/** redis.conf memory values: digits and an optional unit (case-insensitive); no sign. */
export function parseMemory(s: string): bigint | null {
  const m = /^([0-9]+)([a-zA-Z]*)$/.exec(s);
  if (!m) return null;
  const mul = UNITS[m[2]!.toLowerCase()];
  return mul === undefined ? null : BigInt(m[1]!) * mul;
}

/** Formats bytes for a config file line as Redis does: gb, mb or kb when exact. */
export function formatMemory(bytes: bigint): string {
  if (bytes !== 0n) {
    if (bytes % 1024n ** 3n === 0n) return `${bytes / 1024n ** 3n}gb`;
    if (bytes % 1024n ** 2n === 0n) return `${bytes / 1024n ** 2n}mb`;
    if (bytes % 1024n === 0n) return `${bytes / 1024n}kb`;
  }
  return String(bytes);
}

function numeric(d: Directive, v: string): ParseResult {
  let n: bigint | null = null;
  if (d.type === 'memory') n = parseMemory(v);
  if (n === null && d.percent && v.length > 1 && v.endsWith('%')) {
    const p = strictInt(v.slice(0, -1));
    if (p !== null && p >= 0n) n = -p;
  }
  if (n === null && d.octal && /^[0-7]+$/.test(v)) n = BigInt('0o' + v);
  if (n === null && d.type === 'int' && !d.octal) n = strictInt(v);
  if (n === null) {
    if (d.type === 'memory') return err(d.percent ? 'argument must be a memory or percent value' : 'argument must be a memory value');
    return err(d.octal ? "argument couldn't be parsed as an octal number" : "argument couldn't be parsed into an integer");
  }
  if (d.percent && n < 0n) {
    if (n < d.min!) return err(`percentage argument must be less or equal to ${-d.min!}`);
  } else if (n < d.min! || n > d.max!) {
    const f = (x: bigint) => (d.octal ? x.toString(8) : String(x));
    return err(`argument must be between ${f(d.min!)} and ${f(d.max!)} inclusive`);
  }
  const text = d.percent && n < 0n ? `${-n}%` : d.octal ? n.toString(8) : String(n);
  return { value: Number(n), text };
}

/** Choices of an enum as Redis lists them, and the canonical name each renders as. */
function enumChoice(d: Directive, v: string): string | null {
  const l = v.toLowerCase();
  for (const c of d.values!) {
    const eq = c.indexOf('=');
    const name = eq === -1 ? c : c.slice(0, eq);
    if (name === l) return eq === -1 ? name : c.slice(eq + 1);
  }
  return null;
}

function enumError(d: Directive): string {
  const names = d.values!.map((c) => c.split('=')[0]!);
  return `argument(s) must be one of the following: ${names.join(', ')}`;
}

/** Parses the arguments of one directive (one argument unless multiArg). */
export function parseValue(d: Directive, args: readonly string[], pc: ParseContext): ParseResult {
  if (!d.multiArg && args.length !== 1) return err('wrong number of arguments');
  const v = args[0] ?? '';
  let r: ParseResult;
  switch (d.type) {
    case 'bool': {
      const l = v.toLowerCase();
      if (l !== 'yes' && l !== 'no') return err("argument must be 'yes' or 'no'");
      r = { value: l === 'yes', text: l };
      break;
    }
    case 'int':
    case 'memory':
      r = numeric(d, v);
      break;
    case 'enum': {
      const c = enumChoice(d, v);
      if (c === null) return err(enumError(d));
      r = { value: c, text: c };
      break;
    }
    case 'string':
      r = { value: v, text: v };
      break;
    default:
      r = parseSpecial(d.name, args, pc);
  }
  if ('error' in r || d.check === undefined) return r;
  const e = d.check(r.text);
  return e === null ? r : err(e);
}

function parseSpecial(name: string, args: readonly string[], pc: ParseContext): ParseResult {
  switch (name) {
    case 'dir': return parseDir(args[0]!, pc.cwd);
    case 'save': return parseSave(args, pc);
    case 'client-output-buffer-limit': return parseOutputLimits(args, pc.previous);
    case 'oom-score-adj-values': return parseOomValues(args);
    case 'notify-keyspace-events': return parseKeyspaceEvents(args);
    case 'bind': return parseBind(args);
    case 'replicaof': return parseReplicaOf(args);
    case 'latency-tracking-info-percentiles': return parsePercentiles(args);
    case 'shutdown-on-sigint':
    case 'shutdown-on-sigterm': return parseShutdownFlags(args);
    default: throw new Error(`no parser for special directive ${name}`);
  }
}

function parseDir(v: string, cwd: string): ParseResult {
  const abs = resolve(cwd, v);
  try {
    if (!statSync(abs).isDirectory()) return err('Not a directory');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return err(code === 'ENOENT' ? 'No such file or directory' : code === 'EACCES' ? 'Permission denied' : String(code));
  }
  return { value: abs, text: abs };
}

function parseSave(args: readonly string[], pc: ParseContext): ParseResult {
  const a = args.length === 1 && args[0] === '' ? [] : args;
  if (a.length % 2 !== 0) return err('Invalid save parameters');
  const pairs: string[] = [];
  for (let j = 0; j < a.length; j++) {
    const n = looseInt(a[j]!);
    if (n === null || (j % 2 === 0 ? n < 1n : n < 0n)) return err('Invalid save parameters');
    pairs.push(String(n));
  }
  const text = (pc.appendSave && pc.previous !== '' ? [pc.previous, ...pairs] : pairs).join(' ');
  return { value: text, text };
}

const OBUF_CLASSES = ['normal', 'slave', 'pubsub'];

function parseOutputLimits(args: readonly string[], previous: string): ParseResult {
  if (args.length % 4 !== 0) return err('Wrong number of arguments in buffer limit configuration.');
  const cur = previous.split(' ');
  const next = [...cur];
  for (let j = 0; j < args.length; j += 4) {
    let cls = args[j]!.toLowerCase();
    if (cls === 'replica') cls = 'slave';
    const idx = OBUF_CLASSES.indexOf(cls);
    if (idx === -1) return err('Invalid client class specified in buffer limit configuration.');
    const hard = parseMemory(args[j + 1]!);
    const soft = parseMemory(args[j + 2]!);
    const secs = looseInt(args[j + 3]!);
    if (hard === null || soft === null || secs === null || secs < 0n) {
      return err('Error in hard, soft or soft_seconds setting in buffer limit configuration.');
    }
    next.splice(idx * 4, 4, cls, String(hard), String(soft), String(secs));
  }
  const text = next.join(' ');
  return { value: text, text };
}

function parseOomValues(args: readonly string[]): ParseResult {
  if (args.length !== 3) return err('wrong number of arguments');
  const out: string[] = [];
  for (const a of args) {
    const n = looseInt(a);
    if (n === null || n < -2000n || n > 2000n) return err('Invalid oom-score-adj-values, elements must be between -2000 and 2000.');
    out.push(String(n));
  }
  const text = out.join(' ');
  return { value: text, text };
}

/** Keyspace event classes in the order Redis renders them; 'A' is every class but m and n. */
const EVENT_CLASSES = 'g$lshzxetdn';
const EVENT_ALL = 'g$lshzxetd';

export function parseKeyspaceEvents(args: readonly string[]): ParseResult {
  if (args.length !== 1) return err('wrong number of arguments');
  const set = new Set<string>();
  for (const c of args[0]!) {
    if (c === 'A') for (const x of EVENT_ALL) set.add(x);
    else if (EVENT_CLASSES.includes(c) || c === 'K' || c === 'E' || c === 'm') set.add(c);
    else return err("Invalid event class character. Use 'Ag$lshzxeKEtmdn'.");
  }
  let text = '';
  if ([...EVENT_ALL].every((c) => set.has(c))) {
    // Redis renders 'A' alone here even when 'n' is also set (a 7.x quirk kept as is).
    text = 'A';
  } else {
    for (const c of EVENT_CLASSES) if (set.has(c)) text += c;
  }
  for (const c of 'KEm') if (set.has(c)) text += c;
  // The stored value keeps an 'n' that the printed text hides behind 'A': it is still in force.
  const value = text.startsWith('A') && set.has('n') ? text + 'n' : text;
  return { value, text };
}

function parseBind(args: readonly string[]): ParseResult {
  if (args.length > 16) return err('Too many bind addresses specified.');
  const a = args.length === 1 && args[0] === '' ? [] : args;
  const text = a.join(' ');
  return { value: text, text };
}

function parseReplicaOf(args: readonly string[]): ParseResult {
  if (args.length !== 2) return err('wrong number of arguments');
  if (args[0]!.toLowerCase() === 'no' && args[1]!.toLowerCase() === 'one') return { value: '', text: '' };
  const port = /^[+-]?[0-9]+$/.test(args[1]!) ? Number(args[1]) : NaN;
  if (!(port >= 0 && port <= 65535)) return err('Invalid master port');
  const text = `${args[0]} ${port}`;
  return { value: text, text };
}

function parsePercentiles(args: readonly string[]): ParseResult {
  const a = args.length === 1 && args[0] === '' ? [] : args;
  const out: string[] = [];
  for (const s of a) {
    const x = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s) ? Number(s) : NaN;
    if (Number.isNaN(x)) return err('Invalid latency-tracking-info-percentiles parameters');
    if (x > 100 || x < 0) return err('latency-tracking-info-percentiles parameters should sit between [0.0,100.0]');
    // %f then trailing zeros trimmed, as Redis renders them.
    out.push(x.toFixed(6).replace(/\.?0+$/, ''));
  }
  const text = out.join(' ');
  return { value: text, text };
}

const SHUTDOWN_FLAGS = ['save', 'nosave', 'now', 'force'];

function parseShutdownFlags(args: readonly string[]): ParseResult {
  const set = new Set<string>();
  for (const a of args) {
    const l = a.toLowerCase();
    if (l === 'default') continue;
    if (!SHUTDOWN_FLAGS.includes(l)) return err('argument(s) must be one of the following: default, save, nosave, now, force');
    set.add(l);
  }
  if (set.has('save') && set.has('nosave')) return err("shutdown options SAVE and NOSAVE can't be used simultaneously");
  const text = set.size === 0 ? 'default' : SHUTDOWN_FLAGS.filter((f) => set.has(f)).join(' ');
  return { value: text, text };
}
