// The seeded differential fuzzer: a seed gives a sequence of random commands (fuzz-grammar.ts),
// restricted to commands both nodis's table and the oracle know; the sequence runs on a fresh
// nodis and a fresh redis-server and replies are compared after normalization. A mismatch is
// shrunk by delta debugging to a short sequence that still reproduces it, printed with the seed.

import { ALL_FAMILIES } from '../../src/commands/index.js';
import { CommandTable, flatten } from '../../src/commands/table.js';
import { expectedDifference } from './expected.js';
import {
  ALL_GENERATORS, FUZZ_SKIP, Gen, Rng, UNKNOWN_GENERATOR, type CommandGenerator,
} from './fuzz-grammar.js';
import { compareReplies, optionsFor } from './normalize.js';
import { show, showArgv } from './resp-tree.js';
import { DiffPair, type Argv } from './runner.js';

export interface FuzzOptions {
  seed: number;
  steps: number;
  protocol: 2 | 3;
  /** Commands allowed (generator keys); default every one both servers have. */
  commands?: ReadonlySet<string>;
  /** Upper bound on replays spent shrinking a failure. */
  shrinkReplays?: number;
  /** Upper bound on the time spent shrinking, in ms. */
  shrinkMs?: number;
  /** Run against two redis-servers (the harness's self-test: there must be no mismatch). */
  selfCheck?: boolean;
}

export interface StepMismatch {
  index: number;
  argv: Argv;
  nodis: string;
  redis: string;
}

export interface FuzzFailure {
  mismatch: StepMismatch;
  /** The shortest sequence found that still ends in a mismatch (its last step). */
  shrunk: Argv[];
  shrunkMismatch: StepMismatch;
  replays: number;
}

export interface FuzzReport {
  seed: number;
  protocol: 2 | 3;
  steps: number;
  /** Generator keys that took part. */
  commands: string[];
  /** Differences the expected-differences registry accepted. */
  accepted: number;
  failure: FuzzFailure | null;
}

/** Every command and subcommand in nodis's table ('get', 'client|getname'). */
export function nodisCommandNames(): Set<string> {
  const table = new CommandTable(ALL_FAMILIES);
  const names = new Set<string>();
  for (const c of flatten(table.all())) if (c.spec.run !== undefined || c.subcommands !== null) names.add(c.fullName);
  return names;
}

/** Every command and subcommand the oracle lists (COMMAND LIST). */
export async function oracleCommandNames(pair: DiffPair): Promise<Set<string>> {
  const c = await pair.redis.client();
  try {
    const r = await c.send('COMMAND', 'LIST');
    if (!Array.isArray(r)) throw new Error('COMMAND LIST failed on the oracle');
    return new Set(r.map((x) => String(x).toLowerCase()));
  } finally {
    c.close();
  }
}

/** Generator keys usable against both servers, minus FUZZ_SKIP and NODIS_FUZZ_SKIP. */
export function usableCommands(nodis: ReadonlySet<string>, oracle: ReadonlySet<string>, honourSkips = true): string[] {
  const extraSkip = (process.env['NODIS_FUZZ_SKIP'] ?? '').split(',').map((s) => s.trim().toLowerCase()).filter(Boolean);
  return Object.keys(ALL_GENERATORS)
    .filter((k) => nodis.has(k) && oracle.has(k) && (!honourSkips || (!(k in FUZZ_SKIP) && !extraSkip.includes(k))))
    .sort();
}

/** The command sequence for a seed: depends only on the seed, the length and the command set. */
export function generate(seed: number, steps: number, commands: readonly string[]): Argv[] {
  const r = new Rng(seed);
  const g = new Gen(r);
  const gens: CommandGenerator[] = [...commands.map((k) => ALL_GENERATORS[k]!), UNKNOWN_GENERATOR];
  const weights = gens.map((x) => x.weight ?? 1);
  const total = weights.reduce((a, b) => a + b, 0);
  const out: Argv[] = [];
  for (let i = 0; i < steps; i++) {
    let x = (r.next() / 0x100000000) * total;
    let k = 0;
    while (k < gens.length - 1 && x >= weights[k]!) x -= weights[k++]!;
    const argv = gens[k]!.gen(g);
    // Deliberate arity and syntax errors: drop an argument, or add one.
    if (argv.length > 1 && r.chance(0.03)) {
      const at = 1 + r.int(argv.length - 1);
      if (gens[k]!.keepArgs !== true) argv.splice(at, 1);
    } else if (r.chance(0.03)) argv.push(g.val());
    out.push(argv);
  }
  return out;
}

/** Runs a sequence on a fresh pair; returns the first mismatch, or null. */
export async function runSequence(
  seq: readonly Argv[], protocol: 2 | 3, counters = { accepted: 0 }, selfCheck = false,
): Promise<StepMismatch | null> {
  const pair = await DiffPair.start({}, protocol, selfCheck);
  const trace = process.env['NODIS_FUZZ_TRACE'] === '1';
  try {
    for (let i = 0; i < seq.length; i++) {
      const argv = seq[i]!;
      const opts = optionsFor(argv);
      const r = await pair.exec(argv, opts);
      if (trace) process.stderr.write(`${i} ${showArgv(argv)}\n  -> ${show(r.redis, 160)}\n`);
      const c = compareReplies(r.nodis, r.redis, opts);
      if (c.equal) continue;
      if (expectedDifference(c.nodis, c.redis, argv, protocol) !== null) {
        counters.accepted++;
        continue;
      }
      return { index: i, argv, nodis: c.nodis, redis: c.redis };
    }
    return null;
  } finally {
    await pair.close();
  }
}

/**
 * Delta debugging (ddmin) over the steps before the failing one, which is always kept: removes
 * chunks of steps while the sequence still ends in a mismatch, within the replay/time budget.
 */
export async function shrink(
  seq: readonly Argv[],
  fails: (candidate: Argv[]) => Promise<StepMismatch | null>,
  budget: { replays: number; ms: number },
): Promise<{ seq: Argv[]; mismatch: StepMismatch | null; replays: number }> {
  const deadline = Date.now() + budget.ms;
  let replays = 0;
  let best = seq.slice();
  let bestMismatch: StepMismatch | null = null;
  const attempt = async (cand: Argv[]): Promise<boolean> => {
    replays++;
    const m = await fails(cand);
    if (m === null) return false;
    // A candidate may fail earlier than its last step: keep only what leads to that failure.
    best = cand.slice(0, m.index + 1);
    bestMismatch = m;
    return true;
  };
  let n = 2;
  while (best.length > 1 && replays < budget.replays && Date.now() < deadline) {
    const last = best[best.length - 1]!;
    const body = best.slice(0, -1);
    const size = Math.ceil(body.length / n);
    let reduced = false;
    for (let start = 0; start < body.length && replays < budget.replays && Date.now() < deadline; start += size) {
      const complement = [...body.slice(0, start), ...body.slice(start + size), last];
      if (await attempt(complement)) {
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (reduced) continue;
    if (size <= 1) break;
    n = Math.min(n * 2, body.length);
  }
  return { seq: best, mismatch: bestMismatch, replays };
}

/** One fuzz run: generate, run, and on a mismatch shrink it. */
export async function fuzz(opts: FuzzOptions): Promise<FuzzReport> {
  let commands: string[];
  if (opts.commands !== undefined) {
    commands = [...opts.commands].sort();
  } else {
    const probe = await DiffPair.start({}, 2);
    try {
      commands = usableCommands(nodisCommandNames(), await oracleCommandNames(probe));
    } finally {
      await probe.close();
    }
  }
  const seq = generate(opts.seed, opts.steps, commands);
  const counters = { accepted: 0 };
  const mismatch = await runSequence(seq, opts.protocol, counters, opts.selfCheck);
  const report: FuzzReport = {
    seed: opts.seed, protocol: opts.protocol, steps: opts.steps, commands, accepted: counters.accepted, failure: null,
  };
  if (mismatch === null) return report;
  const prefix = seq.slice(0, mismatch.index + 1);
  const s = await shrink(prefix, (cand) => runSequence(cand, opts.protocol, { accepted: 0 }, opts.selfCheck), {
    replays: opts.shrinkReplays ?? 300, ms: opts.shrinkMs ?? 20_000,
  });
  report.failure = { mismatch, shrunk: s.seq, shrunkMismatch: s.mismatch ?? mismatch, replays: s.replays };
  return report;
}

/** The failure as a readable report: seed, step, the shrunk sequence, how to reproduce. */
export function formatFailure(r: FuzzReport): string {
  const f = r.failure;
  if (f === null) return `seed ${r.seed}: no mismatch`;
  const m = f.shrunkMismatch;
  const lines = [
    `fuzz mismatch: seed=${r.seed} RESP${r.protocol} at step ${f.mismatch.index} of ${r.steps}: ${showArgv(f.mismatch.argv)}`,
    `  nodis: ${show(f.mismatch.nodis)}`,
    `  redis: ${show(f.mismatch.redis)}`,
    `shrunk to ${f.shrunk.length} command(s) in ${f.replays} replays:`,
    ...f.shrunk.map((a, i) => `  ${String(i + 1).padStart(3)}. ${showArgv(a)}`),
    `  last step replies:`,
    `    nodis: ${show(m.nodis)}`,
    `    redis: ${show(m.redis)}`,
    `as a scenario: ${JSON.stringify(f.shrunk)}`,
    `reproduce: NODIS_FUZZ_SEED=${r.seed} NODIS_FUZZ_STEPS=${f.mismatch.index + 1} NODIS_FUZZ_PROTOCOL=${r.protocol} node scripts/run-tests.mjs diff/fuzz`,
  ];
  return lines.join('\n');
}
