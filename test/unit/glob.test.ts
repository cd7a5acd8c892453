// util/glob.ts against Redis's stringmatchlen: fixed cases for each quirk, then a seeded
// differential run against the oracle (KEYS over crafted keys with crafted and random patterns).

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { globMatch } from '../../src/util/glob.js';
import { redisAvailable, startRedis, type ChildServer } from '../helpers/oracle.js';
import type { TestClient } from '../helpers/resp-client.js';

describe('globMatch', () => {
  const cases: [string, string, boolean][] = [
    ['*', 'anything', true],
    ['*', '', false], // no pattern matches the empty string; KEYS * special-cases it
    ['**', '', false],
    ['', '', true],
    ['', 'a', false],
    ['a*', 'a', true],
    ['a*b', 'aXXb', true],
    ['a*b', 'aXXbc', false],
    ['*a*b*', 'xxaYYbZZ', true],
    ['h?llo', 'hello', true],
    ['h?llo', 'hllo', false],
    ['h[ae]llo', 'hallo', true],
    ['h[ae]llo', 'hillo', false],
    ['h[^e]llo', 'hallo', true],
    ['h[^e]llo', 'hello', false],
    ['h[a-b]llo', 'hbllo', true],
    ['h[b-a]llo', 'hallo', true], // reversed range
    ['[abc', 'b', true], // unterminated class ends with the pattern
    ['[abc', 'bx', false],
    ['[', 'a', false],
    ['[^', 'a', true],
    ['[]', 'a', false],
    ['[]a]', ']', false],
    ['[^]', 'x', true],
    ['[a-]', ']', true], // ']' closes the range, the class is unterminated
    ['[a-]', '_', true],
    ['[\\]]', ']', true],
    ['[\\', '\\', true],
    ['\\*', '*', true],
    ['\\*', 'a', false],
    ['a\\', 'a\\', true], // a trailing backslash is literal
    ['\\?', '?', true],
    ['[!a]', '!', true], // '!' is not a negation in Redis
    ['*\\', 'ab\\', true],
  ];
  for (const [p, s, expected] of cases) {
    it(`${JSON.stringify(p)} vs ${JSON.stringify(s)} → ${expected}`, () => {
      assert.equal(globMatch(p, s), expected);
    });
  }

  it('nocase folds only ASCII letters, in literals, classes and ranges', () => {
    assert.equal(globMatch('HELLO', 'hello', true), true);
    assert.equal(globMatch('h[A-C]llo', 'hbllo', true), true);
    assert.equal(globMatch('h[E]llo', 'hello', true), true);
    assert.equal(globMatch('\xC0', '\xE0', true), false);
    assert.equal(globMatch('HELLO', 'hello'), false);
  });

  it('gives up past 1000 nested stars, as Redis 7.2.5+ does', () => {
    const key = 'a'.repeat(1100);
    assert.equal(globMatch('a*'.repeat(1001), key), true);
    assert.equal(globMatch('a*'.repeat(1002), key), false);
  });

  it('is fast on patterns that used to be exponential', () => {
    const start = performance.now();
    assert.equal(globMatch('*a*a*a*a*a*a*a*a*a*a*a*a*a*b', 'a'.repeat(5000)), false);
    assert.equal(globMatch(`${'*?'.repeat(300)}b`, 'a'.repeat(3000)), false);
    assert.ok(performance.now() - start < 1000);
  });
});

// ---- differential run against real Redis ----

const KEYS = [
  'a', 'b', 'ab', 'ba', 'abc', 'aXb', 'a*b', 'a?b', 'a[b', 'a]b', 'a-b', 'a\\b', '\\', '*', '?', '[', ']',
  '^', '-', '!', 'hello', 'hallo', 'hxllo', 'HELLO', 'user:1', 'user:10', 'user:{x}:2', 'a^b', '_', '`',
  'aaaa', 'abab', 'ba-', '[abc]', '\xff\x00z', 'z\x01',
];
const PATTERNS = [
  '*', '**', '?', '??', '*?', '?*', 'a*', '*b', 'a*b', '*a*', 'a?b', 'a\\*b', 'a\\?b', 'a[*]b', 'a[?]b',
  '[ab]', '[^ab]', '[a-b]', '[b-a]', '[a-]', '[-a]', '[]', '[]a]', '[^]', '[^]]', '[\\]]', '[\\', '[',
  '[abc', '[^', 'a[', 'a[b', 'a\\', '\\', '\\\\', 'a\\\\b', '[!a]', 'h[ae]llo', 'h[^e]llo', 'H*', 'user:*',
  'user:?', 'user:??', 'user:{*}:*', '*:*', '[a-z]*', '*[0-9]', '[*]', '[?]', '[[]', '[\\[]', 'a^b', '[\\^]',
  'a*a*a', '*a*b*', '\xff*', '*\x01', '[\x00-\x02]*', 'ab*ab', '[ab-]', '[a\\-z]', '[z-a]*', 'b[a-]',
];

/** A small seeded generator (mulberry32) so failures reproduce. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('globMatch vs redis-server KEYS', { skip: !redisAvailable() }, () => {
  let redis: ChildServer;
  let c: TestClient;
  before(async () => {
    redis = await startRedis();
    c = await redis.client();
    for (const k of KEYS) await c.send('SET', Buffer.from(k, 'latin1'), '1');
  });
  after(async () => {
    c.close();
    await redis.stop();
  });

  async function compare(pattern: string): Promise<void> {
    const reply = (await c.send('KEYS', Buffer.from(pattern, 'latin1'))) as string[];
    const got = [...reply].sort();
    const expected = KEYS.filter((k) => pattern === '*' || globMatch(pattern, k)).sort();
    assert.deepEqual(expected, got, `pattern ${JSON.stringify(pattern)}`);
  }

  it('agrees on crafted patterns', async () => {
    for (const p of PATTERNS) await compare(p);
  });

  it('agrees on random patterns', async () => {
    const rand = rng(12345);
    const alphabet = 'ab*?[]^-\\z';
    for (let i = 0; i < 400; i++) {
      let p = '';
      const len = 1 + Math.floor(rand() * 7);
      for (let j = 0; j < len; j++) p += alphabet[Math.floor(rand() * alphabet.length)];
      await compare(p);
    }
  });
});
