// Differential scenarios over raw sockets: inline commands, pipelining, and the protocol errors
// after which Redis replies once and closes the connection. Plain data: `raw` is the exact bytes.

import type { Scenario } from '../runner.js';

const PING = '*1\r\n$4\r\nPING\r\n';

export const scenarios: Scenario[] = [
  {
    name: 'well-formed requests',
    steps: [
      { raw: PING, replies: 1 },
      { raw: PING + PING + PING, replies: 3 },
      { raw: '*2\r\n$4\r\nECHO\r\n$0\r\n\r\n', replies: 1 },
      { raw: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\na\r\nb\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', replies: 2 },
      // An empty or negative multibulk count is skipped without a reply.
      { raw: '*0\r\n' + PING, replies: 1 },
      { raw: '*-1\r\n' + PING, replies: 1 },
      { raw: '*-10\r\n' + PING, replies: 1 },
    ],
  },
  {
    name: 'inline commands',
    steps: [
      { raw: 'PING\r\n', replies: 1 },
      { raw: 'PING\n', replies: 1 },
      { raw: 'ECHO hello\r\n', replies: 1 },
      { raw: 'ECHO "a b"\r\n', replies: 1 },
      { raw: "ECHO 'a b'\r\n", replies: 1 },
      { raw: 'ECHO "\\x41\\n\\t"\r\n', replies: 1 },
      { raw: "ECHO 'it\\'s'\r\n", replies: 1 },
      { raw: '   PING   \r\n', replies: 1 },
      { raw: '\r\n\r\n' + PING, replies: 1 },
      { raw: 'SET k v\r\nGET k\r\n', replies: 2 },
      { raw: 'PING a b\r\n', replies: 1 },
      { raw: 'NOSUCH a\r\n', replies: 1 },
    ],
  },
  {
    name: 'protocol errors close the connection',
    steps: [
      { raw: 'ECHO "unbalanced\r\n', replies: 1, close: true },
      { raw: 'ECHO "a"b\r\n', replies: 1, close: true },
      { raw: '*a\r\n', replies: 1, close: true },
      { raw: '*1\r\nx\r\n', replies: 1, close: true },
      { raw: '*1\r\n$a\r\n', replies: 1, close: true },
      { raw: '*1\r\n$-1\r\n', replies: 1, close: true },
      { raw: '*1\r\n$99999999999\r\n', replies: 1, close: true },
      { raw: '*3000000000\r\n', replies: 1, close: true },
      { raw: '*2\r\n$4\r\nECHO\r\n:1\r\n', replies: 1, close: true },
      // A good command before the bad one is answered first.
      { raw: PING + '*1\r\nx\r\n', replies: 2, close: true },
    ],
  },
  {
    name: 'oversized lines close the connection',
    steps: [
      { raw: 'PING' + 'x'.repeat(70_000), replies: 1, close: true },
      { raw: '*' + '1'.repeat(70_000), replies: 1, close: true },
      { raw: '*1\r\n$' + '1'.repeat(70_000), replies: 1, close: true },
    ],
  },
  {
    name: 'a large bulk argument spanning several reads',
    steps: [
      { raw: '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$70000\r\n' + 'v'.repeat(70_000) + '\r\n*2\r\n$3\r\nGET\r\n$1\r\nk\r\n', replies: 2 },
    ],
  },
];
