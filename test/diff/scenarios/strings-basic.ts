// Differential scenarios for GET and SET in their basic forms (the strings area adds the rest
// in its own file). Plain data.

import type { Scenario } from '../runner.js';

export const scenarios: Scenario[] = [
  {
    name: 'get / set basics',
    steps: [
      ['GET', 'missing'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['SET', 'k', 'v2'],
      ['GET', 'k'],
      ['SET', '', ''],
      ['GET', ''],
    ],
  },
  {
    name: 'get / set binary-safe keys and values',
    steps: [
      ['SET', 'bin\x00key', 'val\x00\r\n\xff'],
      ['GET', 'bin\x00key'],
      ['GET', 'bin'],
      ['SET', '\xe9t\xe9', '\u00e9'],
      ['GET', '\xe9t\xe9'],
      ['SET', 'big', 'x'.repeat(100_000)],
      ['GET', 'big'],
    ],
  },
  {
    name: 'get / set number-like values',
    steps: [
      ['SET', 'n', '12345'],
      ['GET', 'n'],
      ['SET', 'n', '-0'],
      ['GET', 'n'],
      ['SET', 'n', '9223372036854775807'],
      ['GET', 'n'],
      ['SET', 'n', '9223372036854775808'],
      ['GET', 'n'],
      ['SET', 'n', '007'],
      ['GET', 'n'],
      ['SET', 'n', '1e308'],
      ['GET', 'n'],
      ['SET', 'n', '3.14'],
      ['GET', 'n'],
    ],
  },
];
