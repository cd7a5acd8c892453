// A connection reads every socket into one shared buffer and overwrites it after each feed: the
// parser must copy whatever it keeps between reads (a command cut by the end of a read, a big
// argument collected chunk by chunk), and give exactly what it gives for chunks it may keep.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { RespParser } from '../../src/resp/parser.js';

const limits = { maxBulkLen: 512 * 1024 * 1024, authRequired: () => false };

function encode(argv: string[]): string {
  let s = `*${argv.length}\r\n`;
  for (const a of argv) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** Feeds `stream` cut at every `step` bytes through one reused buffer, scribbled over after each feed. */
function feedBorrowed(stream: Buffer, step: number): string[][] {
  const p = new RespParser(limits);
  const shared = Buffer.alloc(Math.max(step, 1));
  const out: string[][] = [];
  for (let i = 0; i < stream.length; i += step) {
    const n = Math.min(step, stream.length - i);
    stream.copy(shared, 0, i, i + n);
    assert.equal(p.feed(shared.subarray(0, n), out, true), null);
    shared.fill(0x2a); // '*': garbage that would parse as headers if kept by reference
  }
  assert.equal(p.pendingBytes, 0);
  return out;
}

describe('RespParser with borrowed chunks', () => {
  const big = Array.from({ length: 70_000 }, (_, i) => String.fromCharCode((i * 31) & 0xff)).join('');
  const commands = [
    ['SET', 'key:1', 'v'],
    ['GET', 'key:1'],
    ['SET', 'big', big],
    ['MSET', 'a', '1', 'b', '\r\n*$'],
    ['SET', 'big2', big.slice(0, 40_000)],
    ['PING'],
  ];
  const stream = Buffer.from(commands.map(encode).join('') + 'PING inline\r\n', 'latin1');
  const expected = [...commands, ['PING', 'inline']];

  for (const step of [1, 2, 3, 7, 16, 100, 4096, 32 * 1024, 64 * 1024, stream.length]) {
    it(`gives every command when reads are ${step} bytes`, () => {
      assert.deepEqual(feedBorrowed(stream, step), expected);
    });
  }

  it('matches the owned-chunk path on a random cut', () => {
    let seed = 12345;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    const owned = new RespParser(limits);
    const borrowed = new RespParser(limits);
    const a: string[][] = [];
    const b: string[][] = [];
    const shared = Buffer.alloc(stream.length);
    for (let i = 0; i < stream.length;) {
      const n = Math.min(stream.length - i, 1 + Math.floor(rnd() * 9000));
      owned.feed(Buffer.from(stream.subarray(i, i + n)), a);
      stream.copy(shared, 0, i, i + n);
      borrowed.feed(shared.subarray(0, n), b, true);
      shared.fill(0);
      i += n;
    }
    assert.deepEqual(b, a);
    assert.deepEqual(b, expected);
  });
});
