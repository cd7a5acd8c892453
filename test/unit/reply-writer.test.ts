// RespWriter.bulkArray's batched path (arrays of 8+ elements written through a scratch buffer)
// against the element-by-element encoding: empty, latin1 and long members, multi-digit lengths,
// Buffer elements in between, members larger than the scratch, and what was written before.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { RespWriter, type Bulk } from '../../src/resp/reply.js';

function expected(items: readonly Bulk[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${items.length}\r\n`, 'latin1')];
  for (const it of items) {
    const b = typeof it === 'string' ? Buffer.from(it, 'latin1') : it;
    parts.push(Buffer.from(`$${b.length}\r\n`, 'latin1'), b, Buffer.from('\r\n', 'latin1'));
  }
  return Buffer.concat(parts);
}

function written(w: RespWriter): Buffer {
  const out = w.take();
  if (out === null) return Buffer.alloc(0);
  return typeof out === 'string' ? Buffer.from(out, 'latin1') : out;
}

function check(items: readonly Bulk[]): void {
  const w = new RespWriter();
  w.ok();
  w.bulkArray(items);
  w.integer(7);
  const want = Buffer.concat([Buffer.from('+OK\r\n'), expected(items), Buffer.from(':7\r\n')]);
  assert.deepEqual(written(w), want);
}

describe('RespWriter.bulkArray', () => {
  it('small and empty arrays', () => {
    check([]);
    check(['a']);
    check(['a', '', 'bc', 'd', 'e', 'f', 'g']);
  });

  it('batched: empty members, latin1 bytes, 1- to 5-digit lengths', () => {
    const items: string[] = ['', 'x', '\x00\r\n\x7f\x80\xff'];
    for (const n of [9, 10, 11, 31, 32, 33, 99, 100, 101, 999, 1000, 12345]) items.push(String.fromCharCode(...Array.from({ length: n }, (_, i) => (i * 37) & 255)));
    for (let i = 0; i < 200; i++) items.push(`member:${i}`);
    check(items);
  });

  it('batched with Buffer elements in between', () => {
    const items: Bulk[] = [];
    for (let i = 0; i < 20; i++) items.push(i % 5 === 0 ? Buffer.from([i, 0, 255, 13, 10]) : `m${i}`);
    check(items);
  });

  it('members past the scratch size, and many scratchfuls', () => {
    const big = 'y'.repeat(40_000);
    check(['a', 'b', big, 'c', 'd', 'e', 'f', 'g', big, 'h']);
    const many: string[] = [];
    for (let i = 0; i < 5000; i++) many.push(`element:${i}:${'z'.repeat(i % 50)}`);
    check(many);
  });

  it('keeps the writer usable: marks, rewinds and later replies', () => {
    const w = new RespWriter();
    const items = Array.from({ length: 50 }, (_, i) => `k${i}`);
    w.bulkArray(items);
    const mark = w.mark();
    w.bulkArray(items);
    w.rewind(mark);
    w.simple('done');
    assert.deepEqual(written(w), Buffer.concat([expected(items), Buffer.from('+done\r\n')]));
  });
});

describe('RespWriter.bulks', () => {
  it('an array written header first, then its elements in pieces, equals bulkArray', () => {
    const items = Array.from({ length: 1300 }, (_, i) => (i % 3 === 0 ? `m:${i}` : String.fromCharCode(i & 0xff).repeat(i % 40)));
    for (const piece of [1, 7, 8, 512, 1300]) {
      const w = new RespWriter();
      w.array(items.length);
      for (let i = 0; i < items.length; i += piece) w.bulks(items.slice(i, i + piece));
      assert.deepEqual(written(w), expected(items), `pieces of ${piece}`);
    }
  });
});
