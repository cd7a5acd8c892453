// The parser's fast paths (short arguments built without latin1Slice, the header scan, the reused
// command name string) must give exactly what the general path gives: every length around the
// cut-offs, every byte value, names that share prefixes or differ in case, headers of any length.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { RespParser } from '../../src/resp/parser.js';

const limits = { maxBulkLen: 512 * 1024 * 1024, authRequired: () => false };

function encode(argv: Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${argv.length}\r\n`)];
  for (const a of argv) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}

describe('RespParser fast paths', () => {
  it('keeps every byte of arguments of every short length', () => {
    const p = new RespParser(limits);
    for (let len = 0; len <= 40; len++) {
      for (let start = 0; start < 256; start += 37) {
        const bytes = Buffer.from(Array.from({ length: len }, (_, i) => (start + i * 7) & 0xff));
        const out: string[][] = [];
        assert.equal(p.feed(encode([bytes, bytes]), out), null);
        assert.equal(out.length, 1);
        for (const arg of out[0]!) {
          assert.equal(arg.length, len);
          assert.equal(Buffer.from(arg, 'latin1').compare(bytes), 0, `length ${len} from ${start}`);
        }
      }
    }
  });

  it('gives the right name when names repeat, share prefixes or differ in case', () => {
    const names = ['GET', 'GET', 'GETSET', 'GET', 'get', 'GEt', 'SET', 'SET', 'S', '', 'SETNX', 'SET'];
    const p = new RespParser(limits);
    const out: string[][] = [];
    const chunk = Buffer.concat(names.map((n) => encode([Buffer.from(n), Buffer.from('k')])));
    // Byte by byte too: the name may be split across reads.
    for (let i = 0; i < chunk.length; i++) assert.equal(p.feed(chunk.subarray(i, i + 1), out), null);
    assert.deepEqual(out.map((a) => a[0]), names);
    assert.ok(out.every((a) => a[1] === 'k'));
  });

  it('reads headers longer than the scan window and split anywhere', () => {
    // A count with leading zeros is refused (Redis's string2ll); a long but valid length passes.
    const p = new RespParser(limits);
    const out: string[][] = [];
    const big = 'x'.repeat(123456789 % 100000);
    const text = `*2\r\n$3\r\nSET\r\n$${big.length}\r\n${big}\r\n`;
    const buf = Buffer.from(text, 'latin1');
    for (let i = 0; i < buf.length; i += 3) assert.equal(p.feed(buf.subarray(i, i + 3), out), null);
    assert.deepEqual(out, [['SET', big]]);
    const q = new RespParser(limits);
    assert.equal(q.feed(Buffer.from(`*1\r\n$${'1'.repeat(30)}\r\n`), []), 'invalid bulk length');
    const r = new RespParser(limits);
    assert.equal(r.feed(Buffer.from(`*${'2'.repeat(25)}\r\n`), []), 'invalid multibulk length');
    const s = new RespParser(limits);
    assert.equal(s.feed(Buffer.from(`*1\r\n$${'1'.repeat(30)}`), []), null, 'incomplete: waits');
  });
});
