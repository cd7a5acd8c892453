// File helpers of AOF rewrites. A running server's rewrite is a forkless Snapshot feeding a
// FileSink (persistence/file-sink.ts) into temp-rewriteaof-bg-<pid>.aof; this module writes the
// base created at startup, before clients exist, in one synchronous step. Names, the manifest
// and what happens next are the service's job.

import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';

/** Writes a whole image synchronously (the base created at startup, before clients exist). */
export function writeImageSync(path: string, chunks: readonly Buffer[]): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    for (const chunk of chunks) {
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
