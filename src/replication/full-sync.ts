// The primary's full-sync images: one point-in-time RDB of the data set shared by the replicas
// that wait together, produced by a forkless Snapshot (persistence/snapshot.ts) that feeds these
// transfers as its sinks, sent from a temp file (`$<len>` framing) or straight to the sockets
// (`$EOF:<mark>` framing). Each replica is written with its own backpressure, so a slow one
// never stalls the others. No decisions about replicas' states here: primary.ts owns those.

import { closeSync, openSync, readSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { FileSink } from '../persistence/file-sink.js';
import type { Snapshot, SnapshotSink } from '../persistence/snapshot.js';
import { diskPreamble, disklessPreamble, randomEofMark } from './rdb-transfer.js';

/**
 * The RDB version sent to replicas. Redis 7.0 replicas refuse version 11 (7.2's), and a replica
 * announces nothing about what it reads, so every full sync uses version 10: every type encodes
 * the same in both except listpack sets (type 20), which the writer turns into plain sets.
 */
export const REPL_RDB_VERSION = 10;

/** Socket output queued per replica past which we wait for a drain before writing more. */
export const HIGH_WATER = 1024 * 1024;
/** Image bytes held for the fastest replica below which the snapshot may go on. */
const LOW_WATER = 1024 * 1024;
/** Bytes read from the image file per write. */
const FILE_CHUNK = 256 * 1024;

/** What an image writes to: a replica's socket as seen by the transfer. */
export interface ImageReceiver {
  write(data: string | Buffer): void;
  readonly queuedBytes: number;
  /** Called once the whole payload (and the mark) has been handed to the socket. */
  transferDone(): void;
}

/**
 * One image in progress and the replicas it is being sent to. It is a sink of the snapshot
 * that produces the image: the snapshot started in the same step as the replicas' offset was
 * taken, so the image and their stream meet exactly at `offset`.
 */
export abstract class ImageTransfer<R extends ImageReceiver> implements SnapshotSink {
  protected readonly receivers = new Set<R>();
  /** True once the snapshot finished: every byte of the image exists. */
  protected produced = false;
  closed = false;
  /** The snapshot failed or was stopped: its replicas must sync again (set by the primary). */
  onFailed: (receivers: readonly R[], why: Error) => void = () => {};
  private waiters: (() => void)[] = [];

  constructor(readonly offset: number) {}

  abstract readonly kind: 'disk' | 'socket';

  get size(): number {
    return this.receivers.size;
  }

  has(r: R): boolean {
    return this.receivers.has(r);
  }

  // ---- SnapshotSink ----

  /** A replica never fails the snapshot (a BGSAVE shares it): its problems end the transfer. */
  readonly error: Error | null = null;
  abstract readonly backlog: number;
  abstract write(chunk: Buffer): void;
  abstract finish(): Promise<void>;

  drained(): Promise<void> {
    if (this.closed || this.backlog <= LOW_WATER) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  protected wake(): void {
    if (!this.closed && this.backlog > LOW_WATER) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  abort(): void {
    if (this.closed) return;
    const left = [...this.receivers];
    this.close();
    this.onFailed(left, new Error('the snapshot was stopped'));
  }

  /** A replica went away: forget it; with none left the image is abandoned. */
  remove(r: R): void {
    if (!this.receivers.delete(r)) return;
    this.forget(r);
    if (this.receivers.size === 0) this.close();
  }

  /** Stops the image (no replica wants it any more) and frees what it holds. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.release();
    this.wake();
  }

  protected abstract forget(r: R): void;
  protected abstract release(): void;
  /** Writes what the replica can take now. */
  abstract pump(r: R): void;
}

/**
 * repl-diskless-sync yes: the image goes straight to the sockets behind one EOF mark. Chunks are
 * kept until every replica of the image has written them; the snapshot pauses while the fastest
 * replica has more than a little to send, so the fastest drives the production and a slow one
 * costs memory (bounded by the image) until repl-timeout drops it. When the last replica goes,
 * the snapshot is stopped.
 */
export class SocketTransfer<R extends ImageReceiver> extends ImageTransfer<R> {
  readonly kind = 'socket';
  private readonly mark: string;
  private chunks: Buffer[] = [];
  /** Absolute index of chunks[0]. */
  private base = 0;
  private readonly pos = new Map<R, number>();
  /** The snapshot producing this image (set once it started). */
  snapshot: Snapshot | null = null;

  constructor(offset: number, receivers: readonly R[]) {
    super(offset);
    this.mark = randomEofMark();
    for (const r of receivers) {
      this.receivers.add(r);
      this.pos.set(r, 0);
      r.write(disklessPreamble(this.mark));
    }
  }

  /** Image bytes the fastest replica has not written yet. */
  get backlog(): number {
    let max = -1;
    for (const p of this.pos.values()) if (p > max) max = p;
    let n = 0;
    for (let i = Math.max(0, max - this.base); i < this.chunks.length; i++) n += this.chunks[i]!.length;
    return n;
  }

  write(chunk: Buffer): void {
    if (this.closed || chunk.length === 0) return;
    this.chunks.push(chunk);
    for (const r of [...this.receivers]) this.pump(r);
  }

  finish(): Promise<void> {
    if (!this.closed) {
      this.chunks.push(Buffer.from(this.mark, 'latin1'));
      this.produced = true;
      for (const r of [...this.receivers]) this.pump(r);
    }
    return Promise.resolve();
  }

  pump(r: R): void {
    let i = this.pos.get(r);
    if (i === undefined || this.closed) return;
    while (r.queuedBytes < HIGH_WATER) {
      if (i >= this.base + this.chunks.length) {
        if (!this.produced) break;
        // Past the last chunk: the mark went out with it.
        this.pos.delete(r);
        this.receivers.delete(r);
        this.trimChunks();
        // Closed first, so that the primary sees the image gone when the last one is done.
        if (this.receivers.size === 0) this.close();
        r.transferDone();
        return;
      }
      r.write(this.chunks[i - this.base]!);
      i++;
      this.pos.set(r, i);
    }
    this.trimChunks();
    this.wake();
  }

  /** Drops the chunks every replica has written. */
  private trimChunks(): void {
    let min = Number.POSITIVE_INFINITY;
    for (const p of this.pos.values()) if (p < min) min = p;
    if (min === Number.POSITIVE_INFINITY) min = this.base + this.chunks.length;
    const drop = min - this.base;
    if (drop <= 0) return;
    this.chunks = this.chunks.slice(drop);
    this.base = min;
  }

  protected forget(r: R): void {
    this.pos.delete(r);
    this.trimChunks();
    this.wake();
  }

  protected release(): void {
    this.chunks = [];
    // Nobody wants the rest: stop producing it (Redis kills the socket-target child).
    if (!this.produced) this.snapshot?.cancel('no replica left for the transfer');
  }
}

/**
 * repl-diskless-sync no: the image is written to a temp file in `dir` as the snapshot produces
 * it (the snapshot is a BGSAVE's, so dump.rdb is written by the same walk), then each replica
 * gets `$<size>` and the file at its own pace. Replicas that ask while the file exists join it
 * when the backlog still holds the image's offset.
 */
export class DiskTransfer<R extends ImageReceiver> extends ImageTransfer<R> {
  readonly kind = 'disk';
  readonly path: string;
  /** Writes the file off the main thread (a synchronous write can stall under writeback). */
  private readonly file: FileSink;
  private fd = -1;
  private written = 0;
  private readonly filePos = new Map<R, number>();
  private readonly onReady: () => void;

  constructor(offset: number, receivers: readonly R[], dir: string, tag: string, onReady: () => void) {
    super(offset);
    const name = `temp-repl-${process.pid}-${tag}.rdb`;
    this.path = join(dir, name);
    this.file = new FileSink({ dir, tempName: name, filename: '' }, false, false);
    this.onReady = onReady;
    for (const r of receivers) this.receivers.add(r);
  }

  /** The file is complete and being sent. */
  get ready(): boolean {
    return this.produced;
  }

  /** A replica that asked later shares this image (the caller checked the offset is held). */
  join(r: R): void {
    this.receivers.add(r);
    if (this.produced) this.startSending(r);
  }

  get backlog(): number {
    return this.closed ? 0 : this.file.backlog;
  }

  write(chunk: Buffer): void {
    if (this.closed) return;
    this.file.write(chunk);
    this.written += chunk.length;
    if (this.file.error !== null) this.fail(this.file.error);
  }

  override drained(): Promise<void> {
    return this.closed ? Promise.resolve() : this.file.drained();
  }

  async finish(): Promise<void> {
    if (this.closed) return;
    try {
      await this.file.finish();
      if (this.closed) return;
      this.fd = openSync(this.path, 'r');
    } catch (e) {
      this.fail(e);
      return;
    }
    this.produced = true;
    for (const r of [...this.receivers]) this.startSending(r);
    this.onReady();
  }

  /** The replicas' file failed; the save sharing the snapshot goes on without them. */
  private fail(e: unknown): void {
    const left = [...this.receivers];
    this.close();
    this.onFailed(left, e instanceof Error ? e : new Error(String(e)));
  }

  private startSending(r: R): void {
    this.filePos.set(r, 0);
    r.write(diskPreamble(this.written));
    this.pump(r);
  }

  pump(r: R): void {
    const pos = this.filePos.get(r);
    if (pos === undefined || this.closed) return;
    let p = pos;
    while (p < this.written && r.queuedBytes < HIGH_WATER) {
      const n = Math.min(FILE_CHUNK, this.written - p);
      const buf = Buffer.allocUnsafe(n);
      const got = readSync(this.fd, buf, 0, n, p);
      if (got <= 0) break;
      r.write(got === n ? buf : buf.subarray(0, got));
      p += got;
    }
    this.filePos.set(r, p);
    if (p >= this.written) {
      this.filePos.delete(r);
      this.receivers.delete(r);
      if (this.receivers.size === 0) this.close();
      r.transferDone();
    }
  }

  protected forget(r: R): void {
    this.filePos.delete(r);
  }

  protected release(): void {
    this.file.abort();
    if (this.fd !== -1) {
      try { closeSync(this.fd); } catch { /* already closed */ }
    }
    try { unlinkSync(this.path); } catch { /* already gone */ }
  }
}
