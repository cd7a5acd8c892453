// Differential scenarios for the connection commands present in the skeleton: PING, ECHO,
// SELECT, QUIT. Plain data: see ../README.md for the format.

import type { Scenario } from '../runner.js';

export const scenarios: Scenario[] = [
  {
    name: 'ping',
    steps: [
      ['PING'],
      ['ping'],
      ['PING', 'hello'],
      ['PING', ''],
      ['PING', 'a\r\nb'],
      ['PING', '\x00\xff\x80'],
      ['PING', 'a', 'b'],
      ['PING', 'a', 'b', 'c'],
    ],
  },
  {
    name: 'echo',
    steps: [
      ['ECHO', 'hello'],
      ['echo', ''],
      ['ECHO', 'x'.repeat(1000)],
      ['ECHO', '\r\n\x00\xff'],
      ['ECHO', '-1'],
      ['ECHO'],
      ['ECHO', 'a', 'b'],
    ],
  },
  {
    name: 'select: valid and invalid indexes',
    steps: [
      ['SELECT', '0'],
      ['SELECT', '15'],
      ['SELECT', '16'],
      ['SELECT', '-1'],
      ['SELECT', 'a'],
      ['SELECT', '1.5'],
      ['SELECT', ''],
      ['SELECT', ' 1'],
      ['SELECT', '01'],
      ['SELECT', '+1'],
      ['SELECT'],
      ['SELECT', '1', '2'],
    ],
  },
  {
    name: 'select: indexes beyond the int range',
    // Redis reads the index as a C int: past its range the error names the range.
    steps: [
      ['SELECT', '2147483647'],
      ['SELECT', '2147483648'],
      ['SELECT', '-2147483649'],
      ['SELECT', '9223372036854775807'],
      ['SELECT', '9223372036854775808'],
    ],
  },
  {
    name: 'select: databases are separate, per connection',
    steps: [
      ['SET', 'k', 'db0'],
      ['SELECT', '1'],
      ['GET', 'k'],
      ['SET', 'k', 'db1'],
      ['GET', 'k'],
      { cmd: ['GET', 'k'], conn: 1 },
      { cmd: ['SELECT', '1'], conn: 1 },
      { cmd: ['GET', 'k'], conn: 1 },
      ['SELECT', '0'],
      ['GET', 'k'],
    ],
  },
  {
    name: 'select: a smaller databases setting',
    config: { databases: '4' },
    steps: [
      ['SELECT', '3'],
      ['SELECT', '4'],
    ],
  },
  {
    name: 'quit closes after replying',
    steps: [
      ['SET', 'k', 'v'],
      { raw: '*1\r\n$4\r\nQUIT\r\n', replies: 1, close: true },
      { raw: '*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n', replies: 1, close: true },
      { raw: '*2\r\n$4\r\nQUIT\r\n$5\r\nextra\r\n', replies: 1, close: true },
      ['GET', 'k'],
    ],
  },
];
