// One AOF rewrite's file work: drains an image cursor into a temp file with asynchronous writes
// (yielding to clients between chunks), fsyncing every 4 MB with aof-rewrite-incremental-fsync,
// and a final fsync before it reports success. It can be cancelled at any point (the temp file
// is removed). Deciding names, the manifest and what happens next is the service's job.

import { promises as fsp, unlinkSync, writeSync, openSync, closeSync, fsyncSync } from 'node:fs';
import type { ImageCursor } from './image.js';

/** Redis's REDIS_AUTOSYNC_BYTES. */
export const AUTOSYNC_BYTES = 4 * 1024 * 1024;

export class RewriteJob {
  private cancelled = false;
  /** Bytes written so far (INFO current_save_keys_* stand-ins, tests). */
  written = 0;
  readonly done: Promise<void>;

  constructor(
    readonly tmpPath: string,
    private readonly cursor: ImageCursor,
    private readonly incrementalFsync: boolean,
  ) {
    this.done = this.run();
  }

  private async run(): Promise<void> {
    const fh = await fsp.open(this.tmpPath, 'w', 0o644);
    let sinceSync = 0;
    try {
      for (;;) {
        if (this.cancelled) throw new Error('cancelled');
        const chunk = this.cursor.next();
        if (chunk === null) break;
        let off = 0;
        while (off < chunk.length) {
          const r = await fh.write(chunk, off, chunk.length - off);
          off += r.bytesWritten;
        }
        this.written += chunk.length;
        sinceSync += chunk.length;
        if (this.incrementalFsync && sinceSync >= AUTOSYNC_BYTES) {
          await fh.datasync();
          sinceSync = 0;
        }
        // Let clients in between chunks (a forkless image serializes in next()).
        await new Promise<void>((r) => setImmediate(r));
      }
      if (this.cancelled) throw new Error('cancelled');
      await fh.sync();
    } catch (e) {
      this.cursor.abort();
      await fh.close().catch(() => {});
      removeQuietly(this.tmpPath);
      throw e;
    }
    await fh.close();
  }

  /** Stops the job; `done` rejects and the temp file is removed. */
  cancel(): void {
    this.cancelled = true;
  }
}

/** Writes a whole image synchronously (the base created at startup, before clients exist). */
export function writeImageSync(path: string, cursor: ImageCursor): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    for (let chunk = cursor.next(); chunk !== null; chunk = cursor.next()) {
      let off = 0;
      while (off < chunk.length) off += writeSync(fd, chunk, off, chunk.length - off);
    }
    fsyncSync(fd);
  } catch (e) {
    closeSync(fd);
    removeQuietly(path);
    throw e;
  }
  closeSync(fd);
}

export function removeQuietly(path: string): void {
  try { unlinkSync(path); } catch { /* already gone */ }
}
