// The replica's pure pieces: the primary-stream parser (exact bytes per command, split at every
// position, big arguments across many reads, inline keepalives, protocol errors) and the choice
// of how a full sync is loaded (repl-diskless-load and async loading).

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { encodeCommand } from '../../src/resp/encode.js';
import { planLoad } from '../../src/replication/replica-load.js';
import { PrimaryStreamParser, type StreamCommand } from '../../src/replication/stream-parser.js';

const cmds = [['SELECT', '1'], ['SET', 'k', 'v\r\nx'], ['PING'], ['SET', 'big', 'z'.repeat(5000)], ['REPLCONF', 'GETACK', '*']];
const stream = Buffer.from(cmds.map(encodeCommand).join(''), 'latin1');

function parseAll(chunks: Buffer[]): StreamCommand[] {
  const p = new PrimaryStreamParser();
  const out: StreamCommand[] = [];
  for (const c of chunks) assert.ok(p.feed(c, out));
  assert.equal(p.pendingBytes, 0);
  return out;
}

describe('PrimaryStreamParser', () => {
  it('returns every command with its exact bytes, whatever the split', () => {
    for (let cut = 0; cut <= stream.length; cut += cut < 200 ? 1 : 97) {
      const out = parseAll([stream.subarray(0, cut), stream.subarray(cut)]);
      assert.deepEqual(out.map((c) => c.argv), cmds);
      assert.ok(Buffer.concat(out.map((c) => c.raw)).equals(stream));
    }
  });

  it('returns every command with its exact bytes over three reads split anywhere', () => {
    for (let a = 0; a <= 120; a += 3) {
      for (let b = a; b <= stream.length; b += b < 160 ? 5 : 211) {
        const out = parseAll([stream.subarray(0, a), stream.subarray(a, b), stream.subarray(b)]);
        assert.deepEqual(out.map((c) => c.argv), cmds);
        assert.ok(Buffer.concat(out.map((c) => c.raw)).equals(stream));
      }
    }
  });

  it('joins a command left unfinished with only part of the next read, then parses on in it', () => {
    // Many small commands after an unfinished one, and a header longer than one join step.
    const many = Array.from({ length: 500 }, (_, i) => ['SET', `key:${i}`, 'v'.repeat(i % 7)]);
    const wide = ['MSET', ...Array.from({ length: 400 }, (_, i) => `f${i}`)];
    const all = [['SET', 'a', 'b'], wide, ...many, ['SET', 'tail', 'x'.repeat(3000)], ...many];
    const bytes = Buffer.from(all.map(encodeCommand).join(''), 'latin1');
    for (const size of [1, 7, 64, 1000, 4096, 65536]) {
      const chunks: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += size) chunks.push(bytes.subarray(i, i + size));
      const out = parseAll(chunks);
      assert.deepEqual(out.map((c) => c.argv), all);
      assert.ok(Buffer.concat(out.map((c) => c.raw)).equals(bytes));
    }
  });

  it('reports pending bytes of an unfinished command and hands out the same name string', () => {
    const p = new PrimaryStreamParser();
    const one = Buffer.from(encodeCommand(['SET', 'k', 'v']), 'latin1');
    p.push(Buffer.concat([one, one.subarray(0, 5)]));
    assert.ok(p.next());
    const name = p.argv[0];
    assert.equal(p.next(), false);
    assert.equal(p.pendingBytes, 5);
    p.push(one.subarray(5));
    assert.ok(p.next());
    assert.equal(p.argv[0], name);
    assert.ok(p.cmdBuf.subarray(p.cmdStart, p.cmdEnd).equals(one));
    assert.equal(p.next(), false);
    assert.equal(p.pendingBytes, 0);
  });

  it('collects a big argument over many small reads', () => {
    const big = Buffer.from(encodeCommand(['SET', 'k', 'y'.repeat(200_000)]), 'latin1');
    const chunks: Buffer[] = [];
    for (let i = 0; i < big.length; i += 1000) chunks.push(big.subarray(i, i + 1000));
    const out = parseAll(chunks);
    assert.equal(out.length, 1);
    assert.equal(out[0]!.argv[2]!.length, 200_000);
    assert.equal(out[0]!.raw.length, big.length);
  });

  it('counts inline lines and keepalive newlines as bytes of the stream', () => {
    const out = parseAll([Buffer.from('\nPING\r\n*1\r\n$4\r\nPING\r\n')]);
    assert.deepEqual(out.map((c) => [c.argv, c.raw.length]), [[[], 1], [['PING'], 6], [['PING'], 14]]);
  });

  it('reports protocol errors', () => {
    const p = new PrimaryStreamParser();
    const out: StreamCommand[] = [];
    assert.equal(p.feed(Buffer.from('*1\r\n$4\r\nPING\r\n*1\r\n:4\r\n'), out), false);
    assert.equal(out.length, 1);
    assert.match(p.error!, /expected '\$'/);
    assert.equal(new PrimaryStreamParser().feed(Buffer.from('*x\r\n'), []), false);
  });
});

describe('planLoad', () => {
  const mine = 'a'.repeat(40);
  it('follows repl-diskless-load', () => {
    assert.deepEqual(planLoad('disabled', 0, mine, mine), { disk: true, swap: false, async: false });
    assert.deepEqual(planLoad('on-empty-db', 5, mine, mine), { disk: true, swap: false, async: false });
    assert.deepEqual(planLoad('on-empty-db', 0, mine, mine), { disk: false, swap: false, async: false });
    assert.deepEqual(planLoad('swapdb', 5, 'b'.repeat(40), mine), { disk: false, swap: true, async: false });
    assert.deepEqual(planLoad('swapdb', 5, mine, mine), { disk: false, swap: true, async: true });
    assert.deepEqual(planLoad('swapdb', 5, null, mine), { disk: false, swap: true, async: false });
  });
});
