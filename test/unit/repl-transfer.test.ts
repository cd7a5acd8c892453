// The full-sync transfer framing: disk-based bulk and diskless EOF-mark, read incrementally with
// the preamble, the payload and the end mark split at every possible position.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  EOF_MARK_LEN,
  RdbTransferReader,
  diskPreamble,
  disklessPreamble,
  randomEofMark,
  type TransferEvent,
} from '../../src/replication/rdb-transfer.js';

interface Outcome {
  header: TransferEvent | null;
  keepalives: number;
  payload: Buffer;
  rest: Buffer | null;
  error: string | null;
}

/** Feeds `chunks` and gathers what the reader reported. */
function run(chunks: Buffer[]): Outcome {
  const r = new RdbTransferReader();
  const o: Outcome = { header: null, keepalives: 0, payload: Buffer.alloc(0), rest: null, error: null };
  const data: Buffer[] = [];
  for (const c of chunks) {
    if (r.finished) break; // what follows belongs to the stream
    for (const e of r.push(c)) {
      if (e.type === 'header') o.header = e;
      else if (e.type === 'keepalive') o.keepalives++;
      else if (e.type === 'data') data.push(Buffer.from(e.chunk));
      else if (e.type === 'end') o.rest = Buffer.from(e.rest);
      else o.error = e.message;
    }
  }
  o.payload = Buffer.concat(data);
  assert.equal(r.received, o.payload.length);
  return o;
}

/** Splits `b` at the given cut points. */
function cut(b: Buffer, points: number[]): Buffer[] {
  const out: Buffer[] = [];
  let prev = 0;
  for (const p of points) {
    out.push(b.subarray(prev, p));
    prev = p;
  }
  out.push(b.subarray(prev));
  return out;
}

const STREAM = Buffer.from('*1\r\n$4\r\nPING\r\n');

describe('framing helpers', () => {
  it('writes the two preambles', () => {
    assert.equal(diskPreamble(172), '$172\r\n');
    const mark = randomEofMark();
    assert.match(mark, /^[0-9a-f]{40}$/);
    assert.notEqual(randomEofMark(), mark);
    assert.equal(disklessPreamble(mark), `$EOF:${mark}\r\n`);
  });
});

describe('RdbTransferReader, disk-based bulk', () => {
  const payload = Buffer.from('REDIS0011' + '\x00\xff\r\n'.repeat(20), 'latin1');
  const wire = Buffer.concat([Buffer.from('\n\r\n' + diskPreamble(payload.length)), payload, STREAM]);

  it('reads keepalives, the length, the payload and leaves the stream after it', () => {
    const o = run([wire]);
    assert.deepEqual(o.header, { type: 'header', mode: 'disk', size: payload.length });
    assert.equal(o.keepalives, 2);
    assert.deepEqual(o.payload, payload);
    assert.deepEqual(o.rest, STREAM);
  });

  it('gives the same result for every split into two and three chunks', () => {
    for (let i = 0; i <= wire.length; i++) {
      const o = run(cut(wire, [i]));
      assert.deepEqual(o.payload, payload, `split at ${i}`);
      // The end comes in the chunk that completes the payload; its rest is what that chunk has left.
      const end = wire.length - STREAM.length;
      assert.deepEqual(o.rest, i < end ? STREAM : wire.subarray(end, i));
      for (let j = i; j <= wire.length; j += 7) assert.deepEqual(run(cut(wire, [i, j])).payload, payload);
    }
  });

  it('handles an empty payload', () => {
    const o = run([Buffer.from('$0\r\nrest')]);
    assert.equal(o.payload.length, 0);
    assert.deepEqual(o.rest, Buffer.from('rest'));
  });

  it('reports errors before the payload', () => {
    assert.equal(run([Buffer.from('-ERR no\r\n')]).error, 'MASTER aborted replication with an error: ERR no');
    assert.match(run([Buffer.from('+OK\r\n')]).error!, /first byte is not '\$' \(we received '\+OK'\)/);
    assert.match(run([Buffer.from('$abc\r\n')]).error!, /Bad bulk length/);
    assert.match(run([Buffer.from('$-1\r\n')]).error!, /Bad bulk length/);
    assert.match(run([Buffer.from('$EOF:short\r\n')]).error!, /Bad bulk length/);
    assert.match(run([Buffer.alloc(2000, 'x')]).error!, /too long/);
  });
});

describe('RdbTransferReader, diskless EOF mark', () => {
  const mark = randomEofMark();
  const payload = Buffer.from('REDIS0011\xfa\x09redis-ver' + 'x'.repeat(150) + '\xff', 'latin1');
  const wire = Buffer.concat([Buffer.from('\n' + disklessPreamble(mark)), payload, Buffer.from(mark), STREAM]);
  const markAt = wire.length - STREAM.length - EOF_MARK_LEN;

  it('finds the mark and leaves what follows', () => {
    const o = run([wire]);
    assert.deepEqual(o.header, { type: 'header', mode: 'eof', mark });
    assert.equal(o.keepalives, 1);
    assert.deepEqual(o.payload, payload);
    assert.deepEqual(o.rest, STREAM);
  });

  it('finds the mark split at every position, in two chunks', () => {
    for (let i = 0; i <= wire.length; i++) {
      const o = run(cut(wire, [i]));
      assert.equal(o.error, null);
      assert.deepEqual(o.payload, payload, `split at ${i}`);
      const end = wire.length - STREAM.length;
      assert.deepEqual(o.rest, i < end ? STREAM : wire.subarray(end, i));
    }
  });

  it('finds the mark split at every pair of positions inside and around it', () => {
    for (let i = markAt - 45; i <= markAt + EOF_MARK_LEN + 2; i++) {
      for (let j = i; j <= markAt + EOF_MARK_LEN + 2; j++) {
        const o = run(cut(wire, [i, j]));
        assert.deepEqual(o.payload, payload, `split at ${i}, ${j}`);
        assert.ok(o.rest !== null);
      }
    }
  });

  it('finds the mark fed one byte at a time', () => {
    const chunks = [...wire].map((b) => Buffer.from([b]));
    const o = run(chunks);
    assert.deepEqual(o.payload, payload);
    assert.deepEqual(o.rest, Buffer.alloc(0)); // the last byte of the mark ended it
  });

  it('is not fooled by a prefix of the mark in the payload', () => {
    const tricky = Buffer.concat([Buffer.from(mark.slice(0, 39)), Buffer.from('!'), Buffer.from(mark.slice(0, 20))]);
    const w = Buffer.concat([Buffer.from(disklessPreamble(mark)), tricky, Buffer.from(mark)]);
    for (let i = 0; i <= w.length; i += 3) {
      const o = run(cut(w, [i]));
      assert.deepEqual(o.payload, tricky, `split at ${i}`);
      assert.deepEqual(o.rest, Buffer.alloc(0));
    }
  });

  it('does not end without the mark, holding back only what could start it', () => {
    const r = new RdbTransferReader();
    const ev = r.push(Buffer.concat([Buffer.from(disklessPreamble(mark)), Buffer.alloc(1000, 'a')]));
    assert.equal(r.finished, false);
    const data = ev.filter((e) => e.type === 'data');
    assert.equal(data.reduce((n, e) => n + (e.type === 'data' ? e.chunk.length : 0), 0), 1000 - (EOF_MARK_LEN - 1));
    r.push(Buffer.from(mark));
    assert.equal(r.finished, true);
    assert.throws(() => r.push(Buffer.from('x')), /already ended/);
  });
});
