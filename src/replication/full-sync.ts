// The primary's full-sync images: one point-in-time RDB of the data set shared by the replicas
// that wait together, produced through the AOF's ImageSource seam (the synchronous image now,
// the forkless snapshot later), sent from a temp file (`$<len>` framing) or straight to the
// sockets (`$EOF:<mark>` framing). Each replica is written with its own backpressure, so a slow
// one never stalls the others. No decisions about replicas' states here: primary.ts owns those.

import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Db } from '../keyspace/db.js';
import type { BaseEncoder, ImageCursor, ImageSource } from '../persistence/aof/image.js';
import type { Value } from '../keyspace/value.js';
import { RdbEncoder, type AuxFields, type RdbWriteOptions } from '../persistence/rdb/writer.js';
import { diskPreamble, disklessPreamble, randomEofMark } from './rdb-transfer.js';

/**
 * The RDB version sent to replicas. Redis 7.0 replicas refuse version 11 (7.2's), and a replica
 * announces nothing about what it reads, so every full sync uses version 10: every type encodes
 * the same in both except listpack sets (type 20), which the writer turns into plain sets.
 */
export const REPL_RDB_VERSION = 10;

/** Socket output queued per replica past which we wait for a drain before writing more. */
export const HIGH_WATER = 1024 * 1024;
/** Bytes read from the image file per write. */
const FILE_CHUNK = 256 * 1024;
/** Image bytes produced per event-loop turn while writing the temp file. */
const DISK_BYTES_PER_TURN = 8 * 1024 * 1024;

/** An RDB for replication: version 10 and the repl-* aux fields naming the image's offset. */
export class ReplRdbEncoder implements BaseEncoder {
  private readonly enc: RdbEncoder;

  constructor(opts: RdbWriteOptions, aux: AuxFields) {
    this.enc = new RdbEncoder({ ...opts, version: REPL_RDB_VERSION });
    this.enc.header(aux);
  }

  selectDb(index: number, size: number, expires: number): void { this.enc.selectDb(index, size, expires); }
  entry(key: string, value: Value, expireMs?: number): void { this.enc.entry(key, value, expireMs); }
  finish(): void { this.enc.finish(); }
  get pending(): number { return this.enc.pending; }
  take(): Buffer { return this.enc.take(); }
}

/** What an image writes to: a replica's socket as seen by the transfer. */
export interface ImageReceiver {
  write(data: string | Buffer): void;
  readonly queuedBytes: number;
  /** Called once the whole payload (and the mark) has been handed to the socket. */
  transferDone(): void;
}

export interface ImageSpec {
  source: ImageSource;
  dbs: readonly Db[];
  encoder: BaseEncoder;
  /** master_repl_offset the image stands for. */
  offset: number;
}

/** One image in progress and the replicas it is being sent to. */
export abstract class ImageTransfer<R extends ImageReceiver> {
  readonly offset: number;
  protected readonly receivers = new Set<R>();
  private cursor: ImageCursor | null;
  /** True once the cursor returned null: every byte of the image exists. */
  protected produced = false;
  closed = false;

  constructor(spec: ImageSpec) {
    this.offset = spec.offset;
    this.cursor = spec.source.begin(spec.dbs, spec.encoder);
  }

  abstract readonly kind: 'disk' | 'socket';

  get size(): number {
    return this.receivers.size;
  }

  has(r: R): boolean {
    return this.receivers.has(r);
  }

  /** Pulls the next piece of the image, or null at its end. */
  protected nextBytes(): Buffer | null {
    const c = this.cursor;
    if (c === null) return null;
    let b = c.next();
    while (b !== null && b.length === 0) b = c.next();
    if (b === null) {
      this.produced = true;
      this.cursor = null;
    }
    return b;
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
    this.cursor?.abort();
    this.cursor = null;
    this.release();
  }

  protected abstract forget(r: R): void;
  protected abstract release(): void;
  /** Writes what the replica can take now. */
  abstract pump(r: R): void;
}

/**
 * repl-diskless-sync yes: the image goes straight to the sockets behind one EOF mark. Chunks are
 * kept until every replica of the image has written them, so the fastest replica drives the
 * production and a slow one costs memory (bounded by the image) until repl-timeout drops it.
 */
export class SocketTransfer<R extends ImageReceiver> extends ImageTransfer<R> {
  readonly kind = 'socket';
  private readonly mark: string;
  private chunks: Buffer[] = [];
  /** Absolute index of chunks[0]. */
  private base = 0;
  private readonly pos = new Map<R, number>();

  constructor(spec: ImageSpec, receivers: readonly R[]) {
    super(spec);
    this.mark = randomEofMark();
    for (const r of receivers) {
      this.receivers.add(r);
      this.pos.set(r, 0);
      r.write(disklessPreamble(this.mark));
    }
  }

  pump(r: R): void {
    let i = this.pos.get(r);
    if (i === undefined || this.closed) return;
    while (r.queuedBytes < HIGH_WATER) {
      if (i >= this.base + this.chunks.length) {
        if (this.produced) {
          // Past the last chunk: the mark went out with it.
          this.pos.delete(r);
          this.receivers.delete(r);
          this.trimChunks();
          // Closed first, so that the primary sees the image gone when the last one is done.
          if (this.receivers.size === 0) this.close();
          r.transferDone();
          return;
        }
        const b = this.nextBytes();
        this.chunks.push(b === null ? Buffer.from(this.mark, 'latin1') : b);
      }
      r.write(this.chunks[i - this.base]!);
      i++;
      this.pos.set(r, i);
    }
    this.trimChunks();
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
  }

  protected release(): void {
    this.chunks = [];
  }
}

/**
 * repl-diskless-sync no: the image is written to a temp file in `dir` first (a few MB per
 * event-loop turn), then each replica gets `$<size>` and the file at its own pace. Replicas
 * that ask while the file exists join it when the backlog still holds the image's offset.
 */
export class DiskTransfer<R extends ImageReceiver> extends ImageTransfer<R> {
  readonly kind = 'disk';
  readonly path: string;
  private fd: number;
  private written = 0;
  private readonly filePos = new Map<R, number>();
  private readonly onReady: () => void;

  constructor(spec: ImageSpec, receivers: readonly R[], dir: string, tag: string, onReady: () => void) {
    super(spec);
    this.path = join(dir, `temp-repl-${process.pid}-${tag}.rdb`);
    this.fd = openSync(this.path, 'w');
    this.onReady = onReady;
    for (const r of receivers) this.receivers.add(r);
  }

  /** Starts writing the file (after the caller recorded this transfer: it may finish at once). */
  start(): void {
    this.produceSome();
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

  private produceSome(): void {
    if (this.closed) return;
    let n = 0;
    while (n < DISK_BYTES_PER_TURN) {
      const b = this.nextBytes();
      if (b === null) break;
      writeSync(this.fd, b, 0, b.length, this.written);
      this.written += b.length;
      n += b.length;
    }
    if (!this.produced) {
      setImmediate(() => this.produceSome());
      return;
    }
    closeSync(this.fd);
    this.fd = openSync(this.path, 'r');
    for (const r of this.receivers) this.startSending(r);
    this.onReady();
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
    try { closeSync(this.fd); } catch { /* already closed */ }
    try { unlinkSync(this.path); } catch { /* already gone */ }
  }
}
