// Differential scenarios for what the dispatcher answers before any handler runs: unknown
// commands (with Redis's argument excerpt and its limits) and wrong arity. Plain data.

import type { Scenario } from '../runner.js';

export const scenarios: Scenario[] = [
  {
    name: 'unknown commands',
    steps: [
      ['NOSUCHCOMMAND'],
      ['nosuchcommand', 'a', 'b'],
      [''],
      ['', ''],
      ['FOO', ''],
      ['FOO', 'a b', "it's", '"q"'],
      ['FOO', 'line1\r\nline2'],
      ['BAR\r\nBAZ', 'x'],
      // Redis formats the excerpt with C's %s: each argument (and the name) ends at a NUL byte.
      ['FOO', '\x00\x01\xff'],
      ['FOO', 'ab\x00cd', 'ef'],
      ['FO\x00O', 'x'],
      ['X'.repeat(200)],
      ['FOO', 'a'.repeat(200)],
      ['FOO', 'a'.repeat(100), 'b'.repeat(100), 'c'],
      ['FOO', ...Array.from({ length: 50 }, (_, i) => `arg${i}`)],
      ['FOO', 'a'.repeat(120), 'bcdefghijkl'],
      ['FOO', 'a'.repeat(126), 'xyz'],
      ['FOO', 'a'.repeat(125), 'xyz'],
    ],
  },
  {
    name: 'command names are case-insensitive',
    steps: [
      ['set', 'k', 'v'],
      ['SeT', 'k', 'w'],
      ['gEt', 'k'],
      ['GET', 'K'],
      ['pInG'],
    ],
  },
  {
    name: 'wrong number of arguments',
    steps: [
      ['GET'],
      ['GET', 'a', 'b'],
      ['get'],
      ['SET'],
      ['SET', 'k'],
      ['set', 'k'],
      ['ECHO'],
      ['SELECT'],
      ['PING', 'a', 'b'],
    ],
  },
  {
    name: 'an error does not disturb the next command',
    steps: [
      ['SET', 'k', 'v'],
      ['GET'],
      ['NOSUCH', 'k'],
      ['GET', 'k'],
    ],
  },
];
