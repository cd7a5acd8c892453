// A step of the large-collection differential tests: one command on both servers of a DiffPair,
// failing unless the replies match as the fuzzer compares them (exactly, but for the registered
// normalizers and 7.2-vs-7.0 differences), with the last commands in the message.

import { strict as assert } from 'node:assert';
import { expectedDifference } from './expected.js';
import { compareReplies, optionsFor } from './normalize.js';
import { show } from './resp-tree.js';
import type { Argv, DiffPair } from './runner.js';

export async function same(pair: DiffPair, argv: Argv, log: string[]): Promise<void> {
  const opts = optionsFor(argv);
  const r = await pair.exec(argv, opts);
  log.push(argv.length > 8 ? `${argv.slice(0, 8).join(' ')} … (${argv.length} args)` : argv.join(' '));
  const c = compareReplies(r.nodis, r.redis, opts);
  if (!c.equal && expectedDifference(c.nodis, c.redis, argv, 2) === null) {
    assert.fail(`after ${log.length} commands, ${show(log[log.length - 1]!)}:\n  nodis: ${show(r.nodis, 300)}\n  redis: ${show(r.redis, 300)}\n  last: ${log.slice(-5).join(' | ')}`);
  }
}
