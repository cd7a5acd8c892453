// Tests of the differential harness itself: reply trees and normalizers, the expected-differences
// registry, the PRNG and generator determinism, the shrinker, and self-checks in which a second
// redis-server stands in for nodis (any mismatch there is a harness bug, not a nodis bug).

import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { expectedDifference } from './expected.js';
import {
  fuzz, formatFailure, generate, oracleCommandNames, runSequence, shrink, usableCommands, type StepMismatch,
} from './fuzz.js';
import { Rng } from './fuzz-grammar.js';
import { compareReplies, optionsFor } from './normalize.js';
import { countReplies, parseWhole, serialize, show } from './resp-tree.js';
import { DiffPair, formatMismatch, runScenario, type Argv, type Scenario } from './runner.js';

describe('reply trees', () => {
  it('round-trips every RESP2 and RESP3 type', () => {
    const samples = [
      '+OK\r\n', '-ERR x\r\n', ':-5\r\n', '$3\r\na\r\n\r\n', '$-1\r\n', '*-1\r\n', '_\r\n', ',1.5\r\n', '#t\r\n',
      '(123456789012345678901\r\n', '=7\r\ntxt:abc\r\n', '!3\r\nERR\r\n', '*2\r\n$1\r\na\r\n:1\r\n',
      '%1\r\n+k\r\n*1\r\n~0\r\n', '>2\r\n+a\r\n+b\r\n', '|1\r\n+k\r\n+v\r\n:3\r\n',
    ];
    for (const s of samples) assert.equal(serialize(parseWhole(s)), s, show(s));
    assert.throws(() => parseWhole('$3\r\nab'));
    assert.throws(() => parseWhole('+OK\r\n+OK\r\n'));
    assert.deepEqual(countReplies('+OK\r\n:1\r\n$5\r\nab'), { count: 2, end: 9 });
  });
});

describe('normalizers', () => {
  it('compares bytes exactly by default', () => {
    assert.equal(compareReplies(':1\r\n', ':1\r\n', {}).equal, true);
    assert.equal(compareReplies(':1\r\n', ':2\r\n', {}).equal, false);
    assert.equal(compareReplies('$1\r\na\r\n', '+a\r\n', {}).equal, false);
  });

  it('sorts unordered replies, keeping map pairs together', () => {
    const a = '*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n';
    const b = '*3\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n';
    assert.equal(compareReplies(a, b, {}).equal, false);
    assert.equal(compareReplies(a, b, optionsFor(['KEYS', '*'])).equal, true);
    const m1 = '*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n';
    const m2 = '*4\r\n$1\r\ng\r\n$1\r\n2\r\n$1\r\nf\r\n$1\r\n1\r\n';
    const m3 = '*4\r\n$1\r\ng\r\n$1\r\n1\r\n$1\r\nf\r\n$1\r\n2\r\n';
    assert.equal(compareReplies(m1, m2, optionsFor(['HGETALL', 'h'])).equal, true);
    assert.equal(compareReplies(m1, m3, optionsFor(['HGETALL', 'h'])).equal, false);
  });

  it('lets positive TTLs drift, but not -1 / -2', () => {
    const ttl = optionsFor(['TTL', 'k']);
    assert.equal(compareReplies(':100\r\n', ':99\r\n', ttl).equal, true);
    assert.equal(compareReplies(':100\r\n', ':97\r\n', ttl).equal, false);
    assert.equal(compareReplies(':-1\r\n', ':-2\r\n', ttl).equal, false);
    assert.equal(compareReplies(':0\r\n', ':-1\r\n', ttl).equal, false);
  });

  it('compares only the shape of random picks, and blanks HELLO fields', () => {
    const rk = optionsFor(['RANDOMKEY']);
    assert.equal(compareReplies('$2\r\nk1\r\n', '$3\r\nk22\r\n', rk).equal, true);
    assert.equal(compareReplies('$2\r\nk1\r\n', '$-1\r\n', rk).equal, false);
    const h = optionsFor(['HELLO', '3']);
    const a = '%2\r\n$7\r\nversion\r\n$5\r\n7.2.4\r\n$5\r\nproto\r\n:3\r\n';
    const b = '%2\r\n$7\r\nversion\r\n$6\r\n7.0.15\r\n$5\r\nproto\r\n:3\r\n';
    assert.equal(compareReplies(a, b, h).equal, true);
    assert.equal(compareReplies(a, b.replace(':3', ':2'), h).equal, false);
  });

  it('accepts only registered 7.2-vs-7.0 differences', () => {
    assert.equal(expectedDifference('$3\r\n1.1\r\n', '$18\r\n1.1000000000000001\r\n', ['ZSCORE', 'z', 'm'], 2)?.id, 'double-shortest');
    assert.equal(expectedDifference(',1.1\r\n', ',1.1000000000000001\r\n', ['ZSCORE', 'z', 'm'], 3)?.id, 'double-shortest');
    // Not the same value, or not a command with double replies: a real mismatch.
    assert.equal(expectedDifference('$3\r\n1.2\r\n', '$18\r\n1.1000000000000001\r\n', ['ZSCORE', 'z', 'm'], 2), null);
    assert.equal(expectedDifference('$3\r\n1.1\r\n', '$18\r\n1.1000000000000001\r\n', ['INCRBYFLOAT', 'k', '1'], 2), null);
    assert.equal(expectedDifference('$8\r\nlistpack\r\n', '$9\r\nhashtable\r\n', ['OBJECT', 'ENCODING', 's'], 2)?.id, 'set-listpack');
    assert.equal(expectedDifference('$9\r\nhashtable\r\n', '$8\r\nlistpack\r\n', ['OBJECT', 'ENCODING', 's'], 2), null);
  });

  it('formats a mismatch with both replies readable', () => {
    const text = formatMismatch({ scenario: 's', protocol: 2, step: 3, what: 'GET k', nodis: '$-1\r\n', redis: '$1\r\n\x00\r\n' });
    assert.match(text, /scenario "s" RESP2 step 3: GET k/);
    assert.match(text, /nodis: "\$-1\\r\\n"/);
    assert.match(text, /redis: "\$1\\r\\n\\x00\\r\\n"/);
  });
});

describe('fuzzer building blocks', () => {
  it('the PRNG is deterministic per seed', () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const sa = Array.from({ length: 5 }, () => a.next());
    assert.deepEqual(sa, Array.from({ length: 5 }, () => b.next()));
    assert.notDeepEqual(sa, Array.from({ length: 5 }, () => c.next()));
    // Pinned: a seed must mean the same sequence on every machine and every run.
    assert.equal(new Rng(1).next(), 2693262067);
  });

  it('a seed always generates the same sequence', () => {
    const cmds = ['get', 'set', 'incr', 'del', 'client|setname'];
    assert.deepEqual(generate(7, 200, cmds), generate(7, 200, cmds));
    assert.notDeepEqual(generate(7, 200, cmds), generate(8, 200, cmds));
    const names = new Set(generate(7, 500, cmds).map((a) => a[0]!.toLowerCase()));
    for (const n of ['get', 'set', 'incr', 'del', 'client']) assert.ok(names.has(n), n);
  });

  it('shrinks to the steps the failure needs', async () => {
    // A failure that needs "SET a" somewhere before the final "GET a", and nothing else.
    const seq: Argv[] = [];
    for (let i = 0; i < 60; i++) seq.push(['NOISE', String(i)]);
    seq.splice(17, 0, ['SET', 'a']);
    seq.push(['GET', 'a']);
    let replays = 0;
    const fails = async (cand: Argv[]): Promise<StepMismatch | null> => {
      replays++;
      const setAt = cand.findIndex((a) => a[0] === 'SET');
      const getAt = cand.findIndex((a) => a[0] === 'GET');
      return setAt !== -1 && getAt > setAt ? { index: getAt, argv: cand[getAt]!, nodis: '', redis: 'x' } : null;
    };
    const r = await shrink(seq, fails, { replays: 500, ms: 10_000 });
    assert.deepEqual(r.seq, [['SET', 'a'], ['GET', 'a']]);
    assert.ok(replays < 100, `replays ${replays}`);
  });
});

describe('self-checks: a second redis-server in place of nodis', () => {
  it('every scenario file finds no difference between two redis-servers', async () => {
    const dir = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');
    const problems: string[] = [];
    for (const f of readdirSync(dir).filter((x) => x.endsWith('.js'))) {
      const { scenarios } = (await import(pathToFileURL(join(dir, f)).href)) as { scenarios: Scenario[] };
      for (const s of scenarios) {
        for (const p of s.protocols ?? [2, 3] as const) {
          const r = await runScenario(s, p, true);
          problems.push(...r.mismatches.map(formatMismatch));
        }
      }
    }
    assert.deepEqual(problems, []);
  });

  it('the fuzzer finds no difference between two redis-servers, with every generator', async () => {
    const probe = await DiffPair.start({}, 2, true);
    const names = await oracleCommandNames(probe);
    await probe.close();
    const commands = new Set(usableCommands(names, names, false));
    assert.ok(commands.size > 50, [...commands].join(' '));
    for (const [seed, protocol] of [[1, 2], [2, 3]] as const) {
      const r = await fuzz({ seed, steps: 1500, protocol, commands, selfCheck: true });
      assert.ok(r.failure === null, formatFailure(r));
    }
  });

  it('reports a real difference: in a scenario, and shrunk in a sequence', async () => {
    // INFO server differs between any two servers (run_id, tcp_port, process_id).
    const r = await runScenario({ name: 'info', steps: [['PING'], ['INFO', 'server'], ['PING']] }, 2, true);
    assert.equal(r.mismatches.length, 1);
    assert.equal(r.mismatches[0]!.step, 1);
    assert.match(formatMismatch(r.mismatches[0]!), /step 1: INFO server/);
    const seq: Argv[] = [['SET', 'a', '1'], ['GET', 'a'], ['PING'], ['INCR', 'a'], ['INFO', 'server'], ['GET', 'a']];
    const m = await runSequence(seq, 2, { accepted: 0 }, true);
    assert.equal(m?.index, 4);
    const s = await shrink(seq.slice(0, 5), (c) => runSequence(c, 2, { accepted: 0 }, true), { replays: 50, ms: 10_000 });
    assert.deepEqual(s.seq, [['INFO', 'server']]);
  });

  it('a failing setup is reported, not ignored', async () => {
    const r = await runScenario({ name: 'bad setup', setup: [['NOSUCHCOMMAND']], steps: [['PING']] }, 2, true);
    assert.equal(r.mismatches.length, 1);
    assert.match(formatMismatch(r.mismatches[0]!), /setup 1/);
  });
});
