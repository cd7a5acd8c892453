// Key extraction: which arguments of an argv are keys, and how the command uses each, read from
// the command's key specs (begin_search index/keyword, find_keys range/keynum) with the spec's
// getKeys as the fallback, the way Redis 7 does it. COMMAND GETKEYS, ACL key checks and cluster
// routing all go through commandKeys(). Pure functions of (command, argv): no state, no I/O.

import { parseIntNumber } from '../util/numbers.js';
import type { Command, KeyRef, KeySpec, KeySpecFlag } from './table.js';

export interface KeySearchOptions {
  /** Also return arguments of specs flagged not_key (Redis's GET_KEYSPEC_INCLUDE_NOT_KEYS). */
  includeNotKeys?: boolean;
  /** Skip specs that cannot be resolved instead of failing (GET_KEYSPEC_RETURN_PARTIAL). */
  partial?: boolean;
}

const NO_OPTIONS: KeySearchOptions = {};

/** Case-insensitive equality with an uppercase keyword, without allocating. */
function isKeyword(arg: string, keyword: string): boolean {
  if (arg.length !== keyword.length) return false;
  for (let i = 0; i < arg.length; i++) {
    let c = arg.charCodeAt(i);
    if (c >= 97 && c <= 122) c -= 32;
    let k = keyword.charCodeAt(i);
    if (k >= 97 && k <= 122) k -= 32;
    if (c !== k) return false;
  }
  return true;
}

/**
 * The keys the key specs find in argv (argv[0] is the command name; for a subcommand the specs
 * count from the container's name too). Returns null when a spec cannot be resolved: an unknown
 * begin/find type, a bad or out-of-range key count, a range running past the end, or an
 * incomplete spec; the caller then falls back to the command's getKeys, as Redis does.
 */
export function keysFromSpecs(
  specs: readonly KeySpec[],
  argv: readonly string[],
  opts: KeySearchOptions = NO_OPTIONS,
): KeyRef[] | null {
  const argc = argv.length;
  const out: KeyRef[] = [];
  for (const spec of specs) {
    if (!opts.includeNotKeys && spec.flags.includes('not_key')) continue;
    let valid = true;
    let first = 0;
    const begin = spec.begin;
    if ('index' in begin) {
      first = begin.index;
    } else if ('keyword' in begin) {
      // Search forward from startFrom, or backward from the end when startFrom is negative; the
      // bound itself is never examined (a keyword there could not be followed by a key anyway).
      const from = begin.startFrom;
      const start = from > 0 ? from : argc + from;
      const end = from > 0 ? argc - 1 : 1;
      for (let i = start; i !== end; i = start <= end ? i + 1 : i - 1) {
        if (i >= argc || i < 1) break;
        if (isKeyword(argv[i]!, begin.keyword)) {
          first = i + 1;
          break;
        }
      }
      if (first === 0) continue; // keyword absent: this spec finds nothing
    } else {
      valid = false;
    }

    let last = 0;
    let step = 1;
    const find = spec.find;
    if (valid && 'lastKey' in find) {
      step = find.step;
      if (find.lastKey >= 0) last = first + find.lastKey;
      else if (find.limit === 0) last = argc + find.lastKey;
      // With a limit the keys are the first 1/limit of what follows (XREAD's STREAMS k1 k2 id1 id2).
      else last = first + (Math.trunc((argc - first) / find.limit) + find.lastKey);
    } else if (valid && 'keyNumIndex' in find) {
      step = find.step;
      const at = first + find.keyNumIndex;
      const n = at < argc ? parseIntNumber(argv[at]!) : null;
      if (n === null || n < 0) valid = false;
      else {
        first += find.firstKey;
        last = first + n - 1;
      }
    } else {
      valid = false;
    }
    if (valid && (last >= argc || last < first || first >= argc)) valid = false;

    if (valid) {
      for (let i = first; i <= last; i += step) out.push({ pos: i, flags: spec.flags });
      // An incomplete spec still contributes what it found when partial results are wanted.
      if (!spec.flags.includes('incomplete')) continue;
    }
    if (opts.partial) continue;
    return null;
  }
  return out;
}

/** True when a command can have keys at all (COMMAND GETKEYS refuses the others). */
export function hasKeys(cmd: Command): boolean {
  return cmd.spec.getKeys !== undefined || cmd.keySpecs.some((s) => !s.flags.includes('not_key'));
}

/**
 * The keys of argv for cmd, with their flags: from the key specs when they describe the command
 * fully, else from the spec's getKeys (as Redis prefers key specs unless a spec says its flags
 * vary with the arguments). An empty array means no keys (or arguments too malformed to tell).
 */
export function commandKeys(cmd: Command, argv: readonly string[], opts: KeySearchOptions = NO_OPTIONS): KeyRef[] {
  const specs = cmd.keySpecs;
  let anyKey = false;
  let variable = false;
  for (const s of specs) {
    if (!s.flags.includes('not_key')) anyKey = true;
    if (s.flags.includes('variable_flags')) variable = true;
  }
  const getKeys = cmd.spec.getKeys;
  if (anyKey && (!variable || getKeys === undefined)) {
    // Without a getKeys, variable-flag specs are still the best answer there is.
    const found = keysFromSpecs(specs, argv, opts);
    if (found !== null) return found;
  }
  if (getKeys === undefined) return [];
  const fallbackFlags: readonly KeySpecFlag[] = specs.length === 1 ? specs[0]!.flags : [];
  return getKeys(argv).map((k) => (typeof k === 'number' ? { pos: k, flags: fallbackFlags } : k));
}

/** Just the key names of argv for cmd (cluster routing, ACL key patterns). */
export function commandKeyNames(cmd: Command, argv: readonly string[]): string[] {
  return commandKeys(cmd, argv).map((k) => argv[k.pos]!);
}
