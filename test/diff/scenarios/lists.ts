// Lists over many quicklist nodes, against Redis: small fills give many nodes from few elements,
// so reads and changes go through the packed nodes between the two nodes nearest each end
// (keyspace/types/list-node.ts), and long elements use the long length prefix.
import type { Scenario } from '../runner.js';

const nums = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `e${from + i}`);
const long = (from: number, n: number): string[] => Array.from({ length: n }, (_, i) => `${'L'.repeat(300)}${from + i}`);

export const scenarios: Scenario[] = [
  {
    name: 'lists of 2-entry nodes: reads, LSET, LINSERT, LREM, LTRIM through packed nodes',
    config: { 'list-max-listpack-size': '2' },
    setup: [['RPUSH', 'l', ...nums(0, 30)], ['LPUSH', 'l', ...nums(100, 10)], ['RPUSH', 'l', 'e5', 'e5']],
    steps: [
      ['OBJECT', 'ENCODING', 'l'],
      ['LLEN', 'l'],
      ['LRANGE', 'l', '0', '-1'],
      ['LINDEX', 'l', '17'],
      ['LINDEX', 'l', '-20'],
      ['LRANGE', 'l', '11', '23'],
      ['LPOS', 'l', 'e5'],
      ['LPOS', 'l', 'e5', 'RANK', '-1'],
      ['LPOS', 'l', 'e5', 'COUNT', '0'],
      ['LPOS', 'l', 'e20', 'MAXLEN', '10'],
      ['LPOS', 'l', 'e20', 'RANK', '-1', 'MAXLEN', '25'],
      ['LSET', 'l', '20', 'changed'],
      ['LSET', 'l', '21', 'x'.repeat(100)],
      ['LINSERT', 'l', 'BEFORE', 'e15', 'before15'],
      ['LINSERT', 'l', 'AFTER', 'e15', 'after15'],
      ['LREM', 'l', '1', 'e5'],
      ['LREM', 'l', '-1', 'e5'],
      ['LRANGE', 'l', '0', '-1'],
      ['LTRIM', 'l', '3', '-4'],
      ['LRANGE', 'l', '0', '-1'],
      ['LPOP', 'l', '7'],
      ['RPOP', 'l', '7'],
      ['LRANGE', 'l', '0', '-1'],
      ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'],
      ['RPOPLPUSH', 'l', 'm'],
      ['LRANGE', 'm', '0', '-1'],
      ['OBJECT', 'ENCODING', 'l'],
    ],
  },
  {
    name: 'lists of 4 KB nodes with 300-byte elements: long length prefixes, pops across nodes',
    config: { 'list-max-listpack-size': '-1' },
    setup: [['RPUSH', 'l', ...long(0, 60)], ['LPUSH', 'l', ...long(100, 40)]],
    steps: [
      ['OBJECT', 'ENCODING', 'l'],
      ['LINDEX', 'l', '50'],
      ['LRANGE', 'l', '45', '55'],
      ['LPOS', 'l', `${'L'.repeat(300)}30`],
      ['LSET', 'l', '50', 'short'],
      ['LINSERT', 'l', 'AFTER', 'short', 'y'.repeat(5000)],
      ['LREM', 'l', '0', `${'L'.repeat(300)}40`],
      ['LRANGE', 'l', '48', '53'],
      ['LPOP', 'l', '45'],
      ['RPOP', 'l', '45'],
      ['LRANGE', 'l', '0', '-1'],
      ['OBJECT', 'ENCODING', 'l'],
    ],
  },
  {
    name: 'queue use at a node boundary: RPUSH and LPOP in turn',
    config: { 'list-max-listpack-size': '3' },
    setup: [['RPUSH', 'q', ...nums(0, 12)]],
    steps: [
      ['LPUSH', 'q', 'h1'], ['LPOP', 'q'], ['LPUSH', 'q', 'h2'], ['LPOP', 'q'],
      ['RPUSH', 'q', 't1'], ['LPOP', 'q'], ['RPUSH', 'q', 't2'], ['LPOP', 'q'],
      ['LRANGE', 'q', '0', '-1'], ['LINDEX', 'q', '5'], ['OBJECT', 'ENCODING', 'q'],
    ],
  },
];
