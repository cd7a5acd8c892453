// The one shared replication buffer (Redis 7's design): a chain of blocks holding the primary's
// stream once, the backlog as a window over its oldest blocks, and one cursor per replica.
// Pure data structure: no sockets, no timers, no config. The caller decides when to trim more
// (beforeSleep) and when a replica is too far behind (output-limit.ts).
//
// Offsets are replication offsets as Redis counts them: `offset` is master_repl_offset, the
// number of stream bytes ever produced. A reader at offset N has consumed N bytes and receives
// byte N+1 next; PSYNC's requested offset is therefore the reader offset plus one.

import { assert } from '../util/assert.js';

/** Size of a regular block (Redis's PROTO_REPLY_CHUNK_BYTES); one bigger append gets its own block. */
export const REPL_BLOCK_BYTES = 16 * 1024;
/** repl-backlog-size is never smaller than this (CONFIG SET 1 reads back as 16384 in Redis). */
export const REPL_BACKLOG_MIN_SIZE = 16 * 1024;
/** Blocks freed at most per append, reader move or resize: trimming never stalls a command. */
export const TRIM_BLOCKS_PER_CALL = 64;
/** Blocks freed at most per event-loop turn when the server trims from beforeSleep. */
export const TRIM_BLOCKS_PER_SLEEP = 640;

interface Block {
  /** Sequence number: consecutive blocks have consecutive ids, so a block's index is O(1). */
  readonly id: number;
  /** Replication offset just before the block's first byte. */
  readonly start: number;
  readonly buf: Buffer;
  used: number;
  /** Readers whose cursor is in this block. The backlog's own hold on the head is implicit. */
  refs: number;
}

export interface ReplBufferOptions {
  /** master_repl_offset to start from (e.g. the offset an RDB file recorded). */
  offset?: number;
  /** repl-backlog-size in bytes. */
  backlogSize?: number;
  /** Size of regular blocks; tests use small ones to exercise block boundaries. */
  blockBytes?: number;
}

/**
 * A replica's cursor into the buffer. Chunks handed out are zero-copy views of blocks; blocks are
 * never reused, so a view stays valid after the block is trimmed (the socket may still hold it).
 */
export class ReplReader {
  /** @internal Block holding the next byte, or null once removed. */
  block: Block | null;
  /** @internal Bytes of `block` already consumed. */
  pos: number;
  /** @internal Replication offset consumed so far. */
  consumed: number;

  /** @internal Created by ReplBuffer.addReader only. */
  constructor(private readonly owner: ReplBuffer, block: Block, pos: number, offset: number) {
    this.block = block;
    this.pos = pos;
    this.consumed = offset;
  }

  /** Replication offset of the last byte consumed (what the replica will have once it got them). */
  get offset(): number {
    return this.consumed;
  }

  /** Bytes produced but not yet consumed by this reader. O(1). */
  get lag(): number {
    return this.owner.offset - this.consumed;
  }

  /**
   * What Redis counts as this replica's output buffer: every block byte from the start of the
   * block its cursor is in to the end of the last block. O(1). This is what client-output-buffer-
   * limit replica compares (output-limit.ts); 0 once removed.
   */
  get memoryBytes(): number {
    return this.block === null ? 0 : this.owner.bytesFrom(this.block);
  }

  get removed(): boolean {
    return this.block === null;
  }

  /** Up to `max` bytes from the cursor as views into the blocks, without consuming them. */
  peek(max = Number.POSITIVE_INFINITY): Buffer[] {
    return this.owner.chunks(this, max);
  }

  /** Consumes `n` bytes (after the transport took them); moves to later blocks and releases them. */
  ackBytes(n: number): void {
    this.owner.advance(this, n);
  }

  /** peek + ackBytes: up to `max` bytes, consumed. */
  read(max = Number.POSITIVE_INFINITY): Buffer[] {
    const out = this.owner.chunks(this, max);
    let n = 0;
    for (const c of out) n += c.length;
    if (n > 0) this.owner.advance(this, n);
    return out;
  }
}

export class ReplBuffer {
  /** Live blocks are blocks[head..]; the slots before head are freed and compacted lazily. */
  private blocks: (Block | undefined)[] = [];
  private head = 0;
  private nextId = 0;
  private produced: number;
  private backlogBytes: number;
  private held = 0;
  private readers = 0;
  private readonly blockBytes: number;

  constructor(opts: ReplBufferOptions = {}) {
    this.produced = opts.offset ?? 0;
    this.backlogBytes = Math.max(opts.backlogSize ?? 1024 * 1024, REPL_BACKLOG_MIN_SIZE);
    this.blockBytes = opts.blockBytes ?? REPL_BLOCK_BYTES;
    assert(Number.isSafeInteger(this.produced) && this.produced >= 0, 'replication offset');
    assert(this.blockBytes >= 1, 'block size');
  }

  /** master_repl_offset: stream bytes ever produced (including the starting offset). */
  get offset(): number {
    return this.produced;
  }

  /** repl-backlog-size in effect (never below REPL_BACKLOG_MIN_SIZE). */
  get backlogSize(): number {
    return this.backlogBytes;
  }

  /**
   * INFO repl_backlog_histlen: bytes from the oldest byte still held to the end. It exceeds
   * backlogSize by up to a block, and by more while a slow reader pins older blocks (Redis keeps
   * such blocks in the backlog too, so a reconnecting replica can still continue).
   */
  get histlen(): number {
    const first = this.blocks[this.head];
    return first === undefined ? 0 : this.produced - first.start;
  }

  /** INFO repl_backlog_first_byte_offset: the oldest byte a PSYNC may ask for. */
  get firstByteOffset(): number {
    return this.produced - this.histlen + 1;
  }

  /** INFO mem_total_replication_buffers: bytes held by blocks, shared by backlog and replicas. */
  get memoryBytes(): number {
    return this.held;
  }

  get blockCount(): number {
    return this.blocks.length - this.head;
  }

  get readerCount(): number {
    return this.readers;
  }

  /** Appends stream bytes: a Buffer, or a latin1 string (one char per byte). */
  append(data: Buffer | string): void {
    const len = data.length;
    if (len === 0) return;
    let done = 0;
    const tail = this.blocks.length > this.head ? this.blocks[this.blocks.length - 1]! : undefined;
    if (tail !== undefined && tail.used < tail.buf.length) {
      done = Math.min(len, tail.buf.length - tail.used);
      if (typeof data === 'string') tail.buf.write(data, tail.used, done, 'latin1');
      else data.copy(tail.buf, tail.used, 0, done);
      tail.used += done;
    }
    if (done < len) {
      const rest = len - done;
      // A command bigger than a block gets a block of its own size, as Redis does.
      const block = this.newBlock(this.produced + done, Math.max(rest, this.blockBytes));
      if (typeof data === 'string') block.buf.write(done === 0 ? data : data.slice(done), 0, rest, 'latin1');
      else data.copy(block.buf, 0, done, len);
      block.used = rest;
    }
    this.produced += len;
    this.trim(TRIM_BLOCKS_PER_CALL);
  }

  /**
   * The PSYNC "can we continue?" test: a reader may start at any offset from the oldest byte
   * held (firstByteOffset - 1) to the current end, both included.
   */
  canReadFrom(offset: number): boolean {
    return Number.isSafeInteger(offset) && offset >= this.produced - this.histlen && offset <= this.produced;
  }

  /**
   * A cursor that will deliver every byte after `offset`, or null when those bytes are no longer
   * (or not yet) held. At the current end it always succeeds: that is how a full sync attaches
   * a replica at the snapshot's offset.
   */
  addReader(offset: number): ReplReader | null {
    if (!this.canReadFrom(offset)) return null;
    let block: Block;
    if (this.blockCount === 0) {
      // An empty block gives the reader something to hold, so that what is appended after it
      // cannot be trimmed before the reader has seen it.
      block = this.newBlock(this.produced, this.blockBytes);
    } else {
      block = this.blocks[this.findIndex(offset)]!;
    }
    block.refs++;
    this.readers++;
    const reader = new ReplReader(this, block, offset - block.start, offset);
    this.settle(reader);
    return reader;
  }

  /** Detaches a reader; the blocks only it held become trimmable. Idempotent. */
  removeReader(reader: ReplReader): void {
    const b = reader.block;
    if (b === null) return;
    b.refs--;
    reader.block = null;
    this.readers--;
    this.trim(TRIM_BLOCKS_PER_CALL);
  }

  /**
   * Changes repl-backlog-size. Growing keeps everything; shrinking frees old blocks incrementally
   * (TRIM_BLOCKS_PER_CALL now, the rest from later trims), never content that still fits.
   */
  setBacklogSize(bytes: number): void {
    this.backlogBytes = Math.max(bytes, REPL_BACKLOG_MIN_SIZE);
    this.trim(TRIM_BLOCKS_PER_CALL);
  }

  /** True when trim() would free something now (lets beforeSleep skip the call). */
  get trimPending(): boolean {
    return this.trimmable(this.blocks[this.head]);
  }

  /**
   * Frees at most `maxBlocks` blocks from the head, oldest first, while the backlog would still
   * hold at least backlogSize bytes without them and no reader is in them. Returns blocks freed.
   */
  trim(maxBlocks: number): number {
    let freed = 0;
    while (freed < maxBlocks) {
      const first = this.blocks[this.head];
      if (!this.trimmable(first)) break;
      this.blocks[this.head] = undefined;
      this.head++;
      this.held -= first!.buf.length;
      freed++;
    }
    // Compact the slot array once most of it is dead: amortized O(1) per freed block.
    if (this.head >= 1024 && this.head * 2 >= this.blocks.length) {
      this.blocks.splice(0, this.head);
      this.head = 0;
    }
    return freed;
  }

  /**
   * Drops every block and restarts the stream at `offset` (a replica that loaded a new data set
   * starts a new history). Only without readers: their bytes would silently vanish.
   */
  reset(offset: number): void {
    assert(this.readers === 0, 'reset with readers attached');
    assert(Number.isSafeInteger(offset) && offset >= 0, 'replication offset');
    this.blocks = [];
    this.head = 0;
    this.held = 0;
    this.produced = offset;
  }

  /**
   * Shifts the whole history by `delta` bytes: what was produced before the real offset was known
   * (DELs of keys found expired while loading an RDB) keeps its place relative to the new base.
   */
  rebase(delta: number): void {
    assert(this.readers === 0, 'rebase with readers attached');
    assert(Number.isSafeInteger(this.produced + delta) && this.produced + delta >= 0, 'replication offset');
    const live = this.blocks.slice(this.head) as Block[];
    this.blocks = live.map((b) => ({ ...b, start: b.start + delta }));
    this.head = 0;
    this.produced += delta;
  }

  // ---- reader support (internal) -------------------------------------------------------------

  /** @internal Block bytes from the start of `b` to the end of the last block. */
  bytesFrom(b: Block): number {
    const last = this.blocks[this.blocks.length - 1]!;
    return last.start + last.buf.length - b.start;
  }

  /** @internal */
  chunks(r: ReplReader, max: number): Buffer[] {
    const out: Buffer[] = [];
    let b = r.block;
    if (b === null || !(max > 0)) return out;
    let pos = r.pos;
    let left = max;
    let i = this.indexOf(b);
    while (true) {
      const n = Math.min(b.used - pos, left);
      if (n > 0) {
        out.push(b.buf.subarray(pos, pos + n));
        left -= n;
        pos += n;
      }
      if (left === 0 || pos < b.used || i + 1 >= this.blocks.length) break;
      b = this.blocks[++i]!;
      pos = 0;
    }
    return out;
  }

  /** @internal */
  advance(r: ReplReader, n: number): void {
    const start = r.block;
    assert(start !== null, 'reader was removed');
    assert(Number.isSafeInteger(n) && n >= 0 && n <= this.produced - r.consumed, 'ack beyond the stream');
    let b = start;
    let pos = r.pos;
    let left = n;
    let i = this.indexOf(b);
    while (left > 0) {
      const take = Math.min(b.used - pos, left);
      pos += take;
      left -= take;
      if (left > 0) {
        b = this.blocks[++i]!;
        pos = 0;
      }
    }
    r.pos = pos;
    r.consumed += n;
    if (b !== start) {
      start.refs--;
      b.refs++;
      r.block = b;
    }
    this.settle(r);
    if (start.refs === 0 && r.block !== start) this.trim(TRIM_BLOCKS_PER_CALL);
  }

  // ---- private --------------------------------------------------------------------------------

  private newBlock(start: number, capacity: number): Block {
    const block: Block = { id: this.nextId++, start, buf: Buffer.allocUnsafeSlow(capacity), used: 0, refs: 0 };
    this.blocks.push(block);
    this.held += capacity;
    return block;
  }

  private trimmable(first: Block | undefined): boolean {
    // Never below one block; never a block a reader is in; never below backlogSize bytes.
    return (
      first !== undefined &&
      this.blocks.length - this.head > 1 &&
      first.refs === 0 &&
      this.produced - first.start - first.used > this.backlogBytes
    );
  }

  /** A reader that finished its block while a later one exists moves on, releasing the block. */
  private settle(r: ReplReader): void {
    const b = r.block!;
    if (r.pos < b.used) return;
    const i = this.indexOf(b);
    if (i + 1 >= this.blocks.length) return;
    const next = this.blocks[i + 1]!;
    b.refs--;
    next.refs++;
    r.block = next;
    r.pos = 0;
  }

  private indexOf(b: Block): number {
    return this.head + (b.id - this.blocks[this.head]!.id);
  }

  /** Index of the block holding the byte after `offset` (the last block when at the end). */
  private findIndex(offset: number): number {
    let lo = this.head;
    let hi = this.blocks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >>> 1;
      if (this.blocks[mid]!.start <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
