// A step of the large-collection differential tests: one command on both servers of a DiffPair,
// failing unless the replies match as the fuzzer compares them (exactly, but for the registered
// normalizers and 7.2-vs-7.0 differences), with the last commands in the message.

import { strict as assert } from 'node:assert';
import { after, before } from 'node:test';
import { expectedDifference } from './expected.js';
import { compareReplies, optionsFor } from './normalize.js';
import { show } from './resp-tree.js';
import { DiffPair, type Argv } from './runner.js';

/** Runs a command on both servers and checks the replies; resolves to redis-server's reply. */
export type Step = (argv: Argv, log: string[]) => Promise<string>;

/** A DiffPair started before the file's tests and closed after them; returns its `same` step. */
export function pairSteps(): Step {
  let pair: DiffPair;
  before(async () => {
    pair = await DiffPair.start({}, 2);
  });
  after(async () => {
    await pair.close();
  });
  return (argv, log) => same(pair, argv, log);
}

export async function same(pair: DiffPair, argv: Argv, log: string[]): Promise<string> {
  const opts = optionsFor(argv);
  const r = await pair.exec(argv, opts);
  log.push(argv.length > 8 ? `${argv.slice(0, 8).join(' ')} … (${argv.length} args)` : argv.join(' '));
  const c = compareReplies(r.nodis, r.redis, opts);
  if (!c.equal && expectedDifference(c.nodis, c.redis, argv, 2) === null) {
    assert.fail(`after ${log.length} commands, ${show(log[log.length - 1]!)}:\n  nodis: ${show(r.nodis, 300)}\n  redis: ${show(r.redis, 300)}\n  last: ${log.slice(-5).join(' | ')}`);
  }
  return r.redis;
}
