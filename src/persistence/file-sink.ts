// RDB files on disk, written the crash-safe way Redis writes them: into temp-<pid>.rdb, fsync'd,
// then renamed over the final name and the directory fsync'd, so a crash at any moment leaves
// either the old dump or the new one, never a torn file. FileSink is the asynchronous sink of a
// forkless snapshot; writeRdbFileSync serves SAVE, SHUTDOWN and DEBUG RELOAD. Errors carry the
// line Redis logs for them.

import { closeSync, fdatasync, fsync, fsyncSync, openSync, renameSync, unlinkSync, writeSync, writev, close, rename } from 'node:fs';
import { join } from 'node:path';
import type { SnapshotSink } from './snapshot.js';

/** rdb-save-incremental-fsync: fsync every this many bytes so the kernel never holds much. */
const INCREMENTAL_FSYNC_BYTES = 4 * 1024 * 1024;
/** A sink reports itself drained below this backlog. */
const LOW_WATER = 1024 * 1024;

/** An error whose message is the log line Redis writes for it. */
export class SaveError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SaveError';
  }
}

/** The C library's words for the errors a save can meet (Redis logs strerror()). */
export function strerror(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EPERM': return 'Operation not permitted';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    case 'ENOSPC': return 'No space left on device';
    case 'EROFS': return 'Read-only file system';
    case 'EDQUOT': return 'Disk quota exceeded';
    case 'EIO': return 'Input/output error';
    case 'EEXIST': return 'File exists';
    case 'ENOTEMPTY': return 'Directory not empty';
    case 'EBUSY': return 'Device or resource busy';
    case 'EMFILE': return 'Too many open files';
    case 'ENAMETOOLONG': return 'File name too long';
    case 'EXDEV': return 'Invalid cross-device link';
    default: return e instanceof Error ? e.message : String(e);
  }
}

export interface RdbFileTarget {
  /** The directory (Redis's working directory): relative names resolve here. */
  dir: string;
  /** dbfilename. */
  filename: string;
  /** temp-<pid>.rdb */
  tempName: string;
}

function openTemp(t: RdbFileTarget): number {
  try {
    return openSync(join(t.dir, t.tempName), 'w', 0o644);
  } catch (e) {
    throw new SaveError(`Failed opening the temp RDB file ${t.tempName} (in server root dir ${t.dir}) for saving: ${strerror(e)}`);
  }
}

function unlinkQuietly(path: string): void {
  try { unlinkSync(path); } catch { /* already gone */ }
}

/** fsync of the directory, so the rename itself is durable. */
function fsyncDirSync(dir: string): void {
  let fd = -1;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch (e) {
    throw new SaveError(`Failed to fsync directory while saving DB: ${strerror(e)}`);
  } finally {
    if (fd !== -1) closeSync(fd);
  }
}

function moveIntoPlace(t: RdbFileTarget): void {
  const tmp = join(t.dir, t.tempName);
  try {
    renameSync(tmp, join(t.dir, t.filename));
  } catch (e) {
    unlinkQuietly(tmp);
    throw new SaveError(`Error moving temp DB file ${t.tempName} on the final destination ${t.filename} (in server root dir ${t.dir}): ${strerror(e)}`);
  }
  fsyncDirSync(t.dir);
}

/** Writes a whole RDB file synchronously from chunks (SAVE); throws SaveError. */
export function writeRdbFileSync(t: RdbFileTarget, chunks: Iterable<Buffer>): number {
  const fd = openTemp(t);
  let bytes = 0;
  try {
    for (const c of chunks) {
      let off = 0;
      while (off < c.length) off += writeSync(fd, c, off);
      bytes += c.length;
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    unlinkQuietly(join(t.dir, t.tempName));
    if (e instanceof SaveError) throw e;
    throw new SaveError(`Write error saving DB on disk: ${strerror(e)}`);
  }
  closeSync(fd);
  moveIntoPlace(t);
  return bytes;
}

/** The asynchronous file sink of a background save. Opening happens in the constructor. */
export class FileSink implements SnapshotSink {
  private fd: number;
  private queue: Buffer[] = [];
  private queued = 0;
  private writing = false;
  private sinceSync = 0;
  private waiters: (() => void)[] = [];
  private closed = false;
  error: Error | null = null;

  /**
   * With `rename` false, finish() stops after the fsync and close: the owner moves the file (an
   * AOF rewrite names its base only when it completes).
   */
  constructor(private readonly t: RdbFileTarget, private readonly incrementalFsync: boolean, private readonly rename = true) {
    this.fd = openTemp(t);
  }

  get backlog(): number {
    return this.queued;
  }

  write(chunk: Buffer): void {
    if (this.error !== null || this.closed) return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.pump();
  }

  private pump(): void {
    if (this.writing || this.queue.length === 0 || this.error !== null || this.closed) return;
    this.writing = true;
    const bufs = this.queue;
    this.queue = [];
    let total = 0;
    for (const b of bufs) total += b.length;
    this.writeAll(bufs, 0, total);
  }

  /** Writes bufs (from byte `done` on) completely, then goes on with what queued meanwhile. */
  private writeAll(bufs: Buffer[], done: number, total: number): void {
    writev(this.fd, done === 0 ? bufs : sliceFrom(bufs, done), (err, n) => {
      if (this.closed) return;
      if (err !== null) return this.fail(new SaveError(`Write error saving DB on disk: ${strerror(err)}`));
      done += n;
      if (done < total) return this.writeAll(bufs, done, total);
      this.queued -= total;
      this.sinceSync += total;
      const next = () => {
        this.writing = false;
        this.wake();
        this.pump();
      };
      if (this.incrementalFsync && this.sinceSync >= INCREMENTAL_FSYNC_BYTES) {
        this.sinceSync = 0;
        fdatasync(this.fd, (e) => (e !== null && !this.closed ? this.fail(new SaveError(`Write error saving DB on disk: ${strerror(e)}`)) : next()));
      } else {
        next();
      }
    });
  }

  private wake(): void {
    if (this.queued > LOW_WATER && this.error === null) return;
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private fail(e: Error): void {
    if (this.error === null) this.error = e;
    this.writing = false;
    this.queued = 0;
    this.queue = [];
    this.wake();
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  drained(): Promise<void> {
    if (this.queued <= LOW_WATER || this.error !== null) return Promise.resolve();
    return new Promise((r) => this.waiters.push(r));
  }

  /** Waits for every queued byte, then fsync, close, rename and the directory fsync. */
  async finish(): Promise<void> {
    while (this.queued > 0 && this.error === null && !this.closed) {
      await new Promise<void>((r) => this.waiters.push(r));
    }
    if (this.error !== null) throw this.error;
    if (this.closed) throw new SaveError('Background save cancelled');
    const fd = this.fd;
    this.closed = true;
    try {
      await new Promise<void>((res, rej) => fsync(fd, (e) => (e === null ? res() : rej(e))));
    } catch (e) {
      close(fd, () => {});
      unlinkQuietly(join(this.t.dir, this.t.tempName));
      throw new SaveError(`Write error saving DB on disk: ${strerror(e)}`);
    }
    await new Promise<void>((res) => close(fd, () => res()));
    if (!this.rename) return;
    const tmp = join(this.t.dir, this.t.tempName);
    try {
      await new Promise<void>((res, rej) => rename(tmp, join(this.t.dir, this.t.filename), (e) => (e === null ? res() : rej(e))));
    } catch (e) {
      unlinkQuietly(tmp);
      throw new SaveError(`Error moving temp DB file ${this.t.tempName} on the final destination ${this.t.filename} (in server root dir ${this.t.dir}): ${strerror(e)}`);
    }
    fsyncDirSync(this.t.dir);
  }

  abort(): void {
    if (this.closed) return;
    this.closed = true;
    // A write still in flight completes into the unlinked file: harmless.
    close(this.fd, () => {});
    unlinkQuietly(join(this.t.dir, this.t.tempName));
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}

function sliceFrom(bufs: Buffer[], skip: number): Buffer[] {
  const out: Buffer[] = [];
  for (const b of bufs) {
    if (skip >= b.length) {
      skip -= b.length;
      continue;
    }
    out.push(skip > 0 ? b.subarray(skip) : b);
    skip = 0;
  }
  return out;
}
