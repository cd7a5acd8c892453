// ReplBuffer against a model (one big Buffer of every byte produced) under seeded random mixes
// of appends, readers, partial reads, resizes and trims; then the cases Redis cares about one by
// one: readers falling off, resizing with readers attached, bounded incremental freeing, offsets
// past 2^32, big single appends, zero-copy reads and O(1) memory per replica.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  REPL_BACKLOG_MIN_SIZE,
  REPL_BLOCK_BYTES,
  ReplBuffer,
  TRIM_BLOCKS_PER_CALL,
  type ReplReader,
} from '../../src/replication/repl-buffer.js';
import { replicaOverLimit, type SoftLimitState } from '../../src/replication/output-limit.js';

/** mulberry32: deterministic, so a failing seed replays. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every byte produced since `base`, growable. */
class Model {
  bytes = Buffer.alloc(1 << 16);
  len = 0;
  constructor(readonly base: number) {}
  push(b: Buffer): void {
    while (this.len + b.length > this.bytes.length) {
      const bigger = Buffer.alloc(this.bytes.length * 2);
      this.bytes.copy(bigger, 0, 0, this.len);
      this.bytes = bigger;
    }
    b.copy(this.bytes, this.len);
    this.len += b.length;
  }
  /** Bytes after replication offset `from` up to `to`. */
  slice(from: number, to = this.base + this.len): Buffer {
    return this.bytes.subarray(from - this.base, to - this.base);
  }
}

function randomBytes(r: () => number, n: number): Buffer {
  const b = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i++) b[i] = (r() * 256) | 0;
  return b;
}

const cat = (chunks: Buffer[]) => Buffer.concat(chunks);

/** Everything the backlog holds, read through a temporary reader. */
function backlogContent(buf: ReplBuffer): Buffer {
  const r = buf.addReader(buf.offset - buf.histlen);
  assert.ok(r, 'the oldest byte held must be readable');
  const out = cat(r.read());
  buf.removeReader(r);
  return out;
}

function checkInvariants(buf: ReplBuffer, model: Model, readers: ReplReader[]): void {
  assert.equal(buf.offset, model.base + model.len);
  assert.equal(buf.firstByteOffset, buf.offset - buf.histlen + 1);
  assert.ok(buf.memoryBytes >= buf.histlen);
  assert.deepEqual(backlogContent(buf), model.slice(buf.offset - buf.histlen));
  for (const r of readers) {
    // Readers never fall off: the backlog keeps every block a reader is in.
    assert.ok(r.offset >= buf.offset - buf.histlen, 'reader fell off the backlog');
    assert.equal(r.lag, buf.offset - r.offset);
    assert.ok(r.memoryBytes >= r.lag);
  }
  assert.equal(buf.readerCount, readers.length);
}

function randomRun(seed: number, base: number): void {
  const r = rng(seed);
  const blockBytes = 64 + ((r() * 512) | 0);
  const buf = new ReplBuffer({ offset: base, backlogSize: REPL_BACKLOG_MIN_SIZE + ((r() * 8192) | 0), blockBytes });
  const model = new Model(base);
  const readers: ReplReader[] = [];
  for (let step = 0; step < 1500; step++) {
    const op = r();
    if (op < 0.45) {
      // Mostly command-sized appends, sometimes several blocks at once.
      const n = r() < 0.05 ? ((r() * blockBytes * 6) | 0) : ((r() * 200) | 0);
      const data = randomBytes(r, n);
      if (r() < 0.5) buf.append(data.toString('latin1'));
      else buf.append(data);
      model.push(data);
    } else if (op < 0.55) {
      const lo = buf.offset - buf.histlen;
      const at = lo - 3 + Math.floor(r() * (buf.histlen + 7));
      const reader = buf.addReader(at);
      const expected = at >= lo && at <= buf.offset;
      assert.equal(reader !== null, expected, `addReader(${at}) with backlog [${lo}, ${buf.offset}]`);
      if (reader) {
        assert.equal(reader.offset, at);
        readers.push(reader);
      }
    } else if (op < 0.75 && readers.length > 0) {
      const reader = readers[(r() * readers.length) | 0]!;
      const from = reader.offset;
      const max = r() < 0.3 ? Number.POSITIVE_INFINITY : (r() * blockBytes * 3) | 0;
      if (r() < 0.5) {
        const got = cat(reader.read(max));
        assert.deepEqual(got, model.slice(from, from + got.length));
        assert.equal(got.length, Math.min(max, buf.offset - from));
      } else {
        const seen = cat(reader.peek(max));
        assert.deepEqual(seen, model.slice(from, from + seen.length));
        const take = (r() * (seen.length + 1)) | 0;
        reader.ackBytes(take);
        assert.equal(reader.offset, from + take);
      }
    } else if (op < 0.82 && readers.length > 0) {
      const i = (r() * readers.length) | 0;
      buf.removeReader(readers[i]!);
      assert.ok(readers[i]!.removed);
      readers.splice(i, 1);
    } else if (op < 0.86) {
      buf.setBacklogSize(Math.floor(r() * 40000));
      assert.ok(buf.backlogSize >= REPL_BACKLOG_MIN_SIZE);
    } else if (op < 0.9) {
      const budget = (r() * 5) | 0;
      const before = buf.blockCount;
      const freed = buf.trim(budget);
      assert.ok(freed <= budget);
      assert.equal(buf.blockCount, before - freed);
    }
    if (step % 50 === 0) checkInvariants(buf, model, readers);
  }
  checkInvariants(buf, model, readers);
  // Drained readers see exactly the stream; once they are gone, trimming restores the window.
  for (const reader of readers) {
    const from = reader.offset;
    assert.deepEqual(cat(reader.read()), model.slice(from));
    buf.removeReader(reader);
  }
  while (buf.trim(TRIM_BLOCKS_PER_CALL) > 0);
  assert.equal(buf.trimPending, false);
  assert.ok(buf.histlen >= Math.min(buf.backlogSize, model.len), 'trimmed below the backlog size');
  checkInvariants(buf, model, []);
}

describe('ReplBuffer against a model', () => {
  for (let seed = 1; seed <= 12; seed++) {
    it(`seed ${seed}`, () => randomRun(seed, seed * 1000));
  }
  it('seeds starting past 2^32 and near 2^53', () => {
    randomRun(101, 2 ** 32 - 777);
    randomRun(102, 2 ** 53 - 2 ** 30);
  });
});

describe('ReplBuffer offsets and the backlog window', () => {
  it('starts empty at its offset, as INFO reports a fresh backlog', () => {
    const buf = new ReplBuffer({ offset: 500 });
    assert.equal(buf.offset, 500);
    assert.equal(buf.histlen, 0);
    assert.equal(buf.firstByteOffset, 501);
    assert.equal(buf.memoryBytes, 0);
    buf.append('abc');
    assert.equal(buf.offset, 503);
    assert.equal(buf.histlen, 3);
    assert.equal(buf.firstByteOffset, 501);
    assert.equal(buf.memoryBytes, REPL_BLOCK_BYTES);
  });

  it('counts offsets exactly past 2^32', () => {
    const base = 2 ** 32 - 10;
    const buf = new ReplBuffer({ offset: base, blockBytes: 8 });
    const r = buf.addReader(base)!;
    for (let i = 0; i < 5; i++) buf.append('0123456789');
    assert.equal(buf.offset, 2 ** 32 + 40);
    assert.equal(cat(r.read(15)).toString(), '0123456789' + '01234');
    assert.equal(r.offset, 2 ** 32 + 5);
    assert.equal(r.lag, 35);
  });

  it('a reader can start anywhere from the oldest byte held to the end, not outside', () => {
    const buf = new ReplBuffer({ offset: 100, blockBytes: 1024, backlogSize: REPL_BACKLOG_MIN_SIZE });
    for (let i = 0; i < 100; i++) buf.append(Buffer.alloc(1000, i));
    const first = buf.offset - buf.histlen;
    assert.ok(first > 100, 'old blocks were trimmed');
    assert.ok(buf.histlen >= buf.backlogSize && buf.histlen <= buf.backlogSize + 1024);
    assert.equal(buf.addReader(first - 1), null); // fell off the backlog
    assert.equal(buf.addReader(buf.offset + 1), null); // not produced yet
    assert.equal(buf.addReader(1.5), null);
    assert.equal(buf.addReader(-1), null);
    const oldest = buf.addReader(first)!;
    assert.equal(cat(oldest.read()).length, buf.histlen);
    const atEnd = buf.addReader(buf.offset)!;
    assert.equal(atEnd.read().length, 0);
    buf.append('x');
    assert.equal(cat(atEnd.read()).toString(), 'x');
    assert.equal(buf.canReadFrom(first), true);
    assert.equal(buf.canReadFrom(first - 1), false);
  });

  it('serves many readers at different offsets from one copy of the stream', () => {
    const buf = new ReplBuffer({ blockBytes: 100, backlogSize: 1 << 20 });
    const model = new Model(0);
    const r = rng(7);
    const readers: ReplReader[] = [];
    for (let i = 0; i < 200; i++) {
      const data = randomBytes(r, (r() * 300) | 0);
      buf.append(data);
      model.push(data);
      if (i % 10 === 0) readers.push(buf.addReader((r() * buf.offset) | 0)!);
    }
    const mem = buf.memoryBytes;
    for (const reader of readers) {
      const from = reader.offset;
      assert.deepEqual(cat(reader.read()), model.slice(from));
      assert.equal(reader.lag, 0);
    }
    assert.equal(buf.memoryBytes, mem, 'readers hold no copies');
  });

  it('hands out views of the blocks, not copies', () => {
    const buf = new ReplBuffer();
    const a = buf.addReader(0)!;
    const b = buf.addReader(0)!;
    buf.append('hello world');
    const [x] = a.read();
    const [y] = b.read();
    assert.equal(x!.buffer, y!.buffer);
    assert.equal(x!.byteOffset, y!.byteOffset);
  });

  it('stores a command bigger than a block in one block of its size', () => {
    const buf = new ReplBuffer({ blockBytes: 1024 });
    const r = buf.addReader(0)!;
    buf.append('a'.repeat(100));
    const big = Buffer.alloc(10_000, 'z');
    buf.append(big);
    assert.equal(buf.blockCount, 2); // the first block was filled, the rest is one block
    assert.equal(buf.memoryBytes, 1024 + (10_000 - 924));
    const chunks = r.read();
    assert.equal(chunks.length, 2);
    assert.deepEqual(cat(chunks), Buffer.concat([Buffer.alloc(100, 'a'), big]));
    buf.append('b'.repeat(5)); // the next small append gets a regular block
    assert.equal(buf.memoryBytes, 1024 + 9076 + 1024);
  });

  it('keeps what is appended after an empty buffer gains a reader until it is read', () => {
    const buf = new ReplBuffer({ blockBytes: 256, backlogSize: REPL_BACKLOG_MIN_SIZE });
    const r = buf.addReader(0)!;
    const data = Buffer.alloc(100_000, 7);
    for (let i = 0; i < 10; i++) buf.append(data);
    assert.equal(r.lag, 1_000_000);
    assert.equal(buf.histlen, 1_000_000, 'the reader pins every block');
    assert.equal(cat(r.read()).length, 1_000_000);
  });

  it('reset and rebase restart or shift the history', () => {
    const buf = new ReplBuffer({ blockBytes: 16 });
    buf.append('DEL a DEL b DEL c');
    buf.rebase(1000);
    assert.equal(buf.offset, 1017);
    assert.equal(buf.firstByteOffset, 1001);
    const r = buf.addReader(1000)!;
    assert.equal(cat(r.read()).toString(), 'DEL a DEL b DEL c');
    assert.throws(() => buf.reset(5), /readers attached/);
    buf.removeReader(r);
    buf.reset(5);
    assert.equal(buf.offset, 5);
    assert.equal(buf.histlen, 0);
    assert.equal(buf.memoryBytes, 0);
  });

  it('refuses acknowledging bytes not produced and reads from removed readers', () => {
    const buf = new ReplBuffer();
    const r = buf.addReader(0)!;
    buf.append('abc');
    assert.throws(() => r.ackBytes(4), /beyond the stream/);
    buf.removeReader(r);
    buf.removeReader(r); // idempotent
    assert.equal(r.memoryBytes, 0);
    assert.deepEqual(r.read(), []);
    assert.throws(() => r.ackBytes(1), /removed/);
  });
});

describe('ReplBuffer resizing and incremental freeing', () => {
  const block = 1024;
  function filled(blocks: number, backlogSize: number): ReplBuffer {
    const buf = new ReplBuffer({ blockBytes: block, backlogSize });
    for (let i = 0; i < blocks; i++) buf.append(Buffer.alloc(block, i & 0xff));
    return buf;
  }

  it('growing keeps everything and delays trimming until the new size is exceeded', () => {
    const buf = filled(40, 32 * block);
    const before = buf.histlen;
    buf.setBacklogSize(64 * block);
    assert.equal(buf.histlen, before);
    for (let i = 0; i < 20; i++) buf.append(Buffer.alloc(block, 1));
    assert.equal(buf.histlen, before + 20 * block, 'nothing trimmed below the new size');
    for (let i = 0; i < 20; i++) buf.append(Buffer.alloc(block, 1));
    assert.ok(buf.histlen <= 65 * block);
  });

  it('shrinking frees at most a bounded number of blocks per call', () => {
    const buf = filled(1000, 1000 * block);
    assert.equal(buf.blockCount, 1000);
    buf.setBacklogSize(16 * block);
    assert.equal(buf.blockCount, 1000 - TRIM_BLOCKS_PER_CALL);
    let calls = 0;
    while (buf.trimPending) {
      assert.ok(buf.trim(100) <= 100);
      calls++;
    }
    assert.equal(calls, Math.ceil((1000 - TRIM_BLOCKS_PER_CALL - 17) / 100));
    assert.equal(buf.blockCount, 17); // 16 blocks of window plus the one that would underfill it
    assert.equal(buf.histlen, 17 * block);
  });

  it('keeps content that still fits when shrinking', () => {
    const buf = filled(100, 100 * block);
    const before = backlogContent(buf);
    buf.setBacklogSize(50 * block);
    while (buf.trim(10) > 0);
    const after = backlogContent(buf);
    assert.ok(after.length >= 50 * block);
    assert.deepEqual(after, before.subarray(before.length - after.length));
  });

  it('a reader pins its block: the backlog grows past its size instead of dropping the reader', () => {
    const buf = filled(20, 16 * block);
    const slow = buf.addReader(buf.offset - buf.histlen)!;
    const pinnedAt = slow.offset;
    for (let i = 0; i < 200; i++) buf.append(Buffer.alloc(block, 2));
    assert.equal(buf.offset - buf.histlen, pinnedAt);
    assert.equal(buf.trimPending, false);
    // Reading releases blocks; only a bounded number is freed per move.
    slow.read(100 * block);
    assert.ok(buf.blockCount >= 220 - 100 - 1 - TRIM_BLOCKS_PER_CALL - 1);
    buf.removeReader(slow);
    let calls = 0;
    while (buf.trim(TRIM_BLOCKS_PER_CALL) > 0) calls++;
    assert.ok(calls >= 1);
    assert.ok(buf.histlen <= 17 * block);
  });

  it('resizing down with readers attached loses none of their bytes', () => {
    const buf = new ReplBuffer({ blockBytes: block, backlogSize: 512 * block });
    const model = new Model(0);
    const r = rng(99);
    const readers: ReplReader[] = [];
    for (let i = 0; i < 300; i++) {
      const d = randomBytes(r, block);
      buf.append(d);
      model.push(d);
      if (i % 50 === 0) readers.push(buf.addReader(buf.offset - 10)!);
    }
    buf.setBacklogSize(16 * block);
    while (buf.trim(TRIM_BLOCKS_PER_CALL) > 0);
    assert.equal(buf.offset - buf.histlen <= readers[0]!.offset, true);
    for (const reader of readers) {
      const from = reader.offset;
      assert.deepEqual(cat(reader.read()), model.slice(from));
    }
  });

  it('memory per replica is O(1): ten thousand readers add no buffer bytes', () => {
    const buf = filled(64, 64 * block);
    const mem = buf.memoryBytes;
    const readers: ReplReader[] = [];
    for (let i = 0; i < 10_000; i++) readers.push(buf.addReader(buf.offset - ((i * 37) % buf.histlen))!);
    for (let i = 0; i < 10; i++) buf.append(Buffer.alloc(block));
    assert.equal(buf.memoryBytes, mem + 10 * block);
    assert.equal(buf.readerCount, 10_000);
  });
});

describe('replica output buffer limits', () => {
  const limit = { hardBytes: 1000, softBytes: 500, softSeconds: 10 };

  it('disconnects at the hard limit at once, raised to the backlog size when below it', () => {
    const s: SoftLimitState = { softSince: null };
    assert.equal(replicaOverLimit(999, { ...limit, softBytes: 0 }, 0, s, 0), false);
    assert.equal(replicaOverLimit(1000, { ...limit, softBytes: 0 }, 0, s, 0), true);
    assert.equal(replicaOverLimit(1500, { ...limit, softBytes: 0 }, 2000, s, 0), false);
    assert.equal(replicaOverLimit(2000, { ...limit, softBytes: 0 }, 2000, s, 0), true);
    // 0 disables: no raise either.
    assert.equal(replicaOverLimit(1e12, { hardBytes: 0, softBytes: 0, softSeconds: 0 }, 2000, s, 0), false);
  });

  it('disconnects at the soft limit only after it held for longer than its seconds', () => {
    const s: SoftLimitState = { softSince: null };
    const soft = { ...limit, hardBytes: 0 };
    assert.equal(replicaOverLimit(600, soft, 0, s, 100), false);
    assert.equal(s.softSince, 100);
    assert.equal(replicaOverLimit(600, soft, 0, s, 110), false); // exactly the seconds: not yet
    assert.equal(replicaOverLimit(600, soft, 0, s, 111), true);
    assert.equal(replicaOverLimit(100, soft, 0, s, 112), false); // dipping below restarts the clock
    assert.equal(s.softSince, null);
    assert.equal(replicaOverLimit(600, soft, 0, s, 113), false);
  });

  it('measures a replica by the blocks from its cursor to the end, in O(1)', () => {
    const buf = new ReplBuffer({ blockBytes: 100 });
    const r = buf.addReader(0)!;
    assert.equal(r.memoryBytes, 100); // the empty block it holds
    for (let i = 0; i < 10; i++) buf.append(Buffer.alloc(100));
    assert.equal(r.memoryBytes, 1000);
    assert.equal(r.lag, 1000);
    r.read(450);
    assert.equal(r.memoryBytes, 600); // from the start of its block
    assert.equal(r.lag, 550);
    r.read(50); // exactly the end of a block: the reader moves on and releases it
    assert.equal(r.memoryBytes, 500);
    const late = buf.addReader(300)!; // a block boundary: the reader starts in the later block
    assert.equal(late.memoryBytes, 700);
  });
});
