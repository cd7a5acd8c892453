// The AOF writer: a PropagationTarget that encodes every effect as a RESP command (with SELECT
// when the db changes and "#TS:" annotations when enabled) into an in-memory buffer, and writes
// that buffer to the open incremental file before replies leave (the server calls flush() from
// its reply barrier), with appendfsync's policy: fdatasync in line for `always`, a background
// fsync (libuv's thread pool) at most once per second for `everysec`, none for `no`.
// It never decides which file is open: the AOF service hands it a descriptor.

import { fdatasync, fdatasyncSync, writeSync } from 'node:fs';
import type { PropagationTarget } from '../../exec/propagate.js';

export type FsyncPolicy = 'always' | 'everysec' | 'no';

export interface AofWriterHost {
  log(level: 'warning' | 'notice' | 'verbose', message: string): void;
  /** True while a rewrite writes its base file (no-appendfsync-on-rewrite). */
  rewriting(): boolean;
  /** A write or fsync failed under `always`: Redis exits rather than lose acknowledged writes. */
  fatal(message: string): void;
  /** Asks for flush() before the next replies leave (once per buffered batch). */
  requestFlush(): void;
  /** master_repl_offset now (WAITAOF: which stream offset a write or an fsync covers). */
  replOffset(): number;
  /** fsyncedReploff moved (WAITAOF waiters may be satisfied). */
  fsyncedMoved(): void;
}

/** The RESP form of one command, as Redis writes it to the AOF (latin1 text). */
export function encodeCommand(argv: readonly string[]): string {
  let s = `*${argv.length}\r\n`;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    s += `$${a.length}\r\n${a}\r\n`;
  }
  return s;
}

/** Seconds between "Error writing to the AOF file" log lines. */
const ERROR_LOG_RATE = 30;
/** How long `everysec` may hold a write back while a background fsync runs. */
const POSTPONE_LIMIT_SEC = 2;

export class AofWriter implements PropagationTarget {
  /** Encoded commands not yet written (latin1). */
  buf = '';
  /** The db the file's stream has selected; -1 forces a SELECT before the next command. */
  selectedDb = -1;
  fd = -1;
  policy: FsyncPolicy = 'everysec';
  timestamps = false;
  noFsyncOnRewrite = false;
  /** Bytes in the base and incremental files (aof_current_size). */
  currentSize = 0;
  /** Bytes written to the open incremental file. */
  lastIncrSize = 0;
  /** currentSize when the last fsync was started. */
  fsyncOffset = 0;
  /** Unix seconds of the last fsync. */
  lastFsync = Math.floor(Date.now() / 1000);
  fsyncInProgress = false;
  /** Run when the background fsync in progress ends (closing a descriptor it uses). */
  private fsyncWaiters: (() => void)[] = [];
  /** Unix seconds since a write has been held back by a running fsync (0: none). */
  postponedSince = 0;
  delayedFsyncs = 0;
  lastWriteOk = true;
  lastWriteError = '';
  private lastErrorLog = 0;
  private curTimestamp = 0;
  private flushRequested = false;
  /**
   * Redis's fsynced_reploff: the replication offset up to which everything fed to the AOF is on
   * disk (WAITAOF's local count, the FACK a replica reports). writtenReploff is the offset the
   * data written so far covers; a completed fsync makes it the fsynced one.
   */
  fsyncedReploff = 0;
  private writtenReploff = 0;

  constructor(private readonly host: AofWriterHost) {}

  // ---- PropagationTarget ----

  feed(dbIndex: number, argv: readonly string[]): void {
    // No open file (turning AOF on failed and waits for a retry): the next rewrite's image will
    // hold these writes, so buffering them would apply them twice.
    if (this.fd === -1) return;
    if (this.timestamps) {
      const now = Math.floor(Date.now() / 1000);
      if (now > this.curTimestamp) {
        this.curTimestamp = now;
        this.buf += `#TS:${now}\r\n`;
      }
    }
    if (dbIndex !== this.selectedDb) {
      const d = String(dbIndex);
      this.buf += `*2\r\n$6\r\nSELECT\r\n$${d.length}\r\n${d}\r\n`;
      this.selectedDb = dbIndex;
    }
    this.buf += encodeCommand(argv);
    if (!this.flushRequested) {
      this.flushRequested = true;
      this.host.requestFlush();
    }
  }

  /** True when buffered commands must reach the file before replies are sent. */
  get pending(): boolean {
    return this.buf.length > 0 && this.fd !== -1;
  }

  /**
   * Writes the buffer (Redis's flushAppendOnlyFile). With `everysec` a write may wait up to two
   * seconds behind a running background fsync unless forced; the cron retries it.
   */
  flush(force: boolean): void {
    this.flushRequested = false;
    if (this.fd === -1) return;
    const nowSec = Math.floor(Date.now() / 1000);
    if (this.buf.length === 0) {
      // A second may have passed since data was written without an fsync: do it now.
      if (this.policy === 'everysec' && this.fsyncOffset !== this.currentSize && nowSec > this.lastFsync && !this.fsyncInProgress) {
        this.maybeFsync(nowSec);
      } else if (this.policy !== 'no' && !this.fsyncInProgress && this.fsyncedReploff >= this.writtenReploff) {
        // Everything written is on disk: the offset moved since only by what never reaches the
        // AOF (the replicas' PINGs), which WAITAOF must not wait for (as Redis does).
        this.advanceFsynced(this.host.replOffset());
      }
      return;
    }
    if (this.policy === 'everysec' && !force && this.fsyncInProgress) {
      if (this.postponedSince === 0) {
        this.postponedSince = nowSec;
        return;
      }
      if (nowSec - this.postponedSince < POSTPONE_LIMIT_SEC) return;
      this.delayedFsyncs++;
      this.host.log('notice', 'Asynchronous AOF fsync is taking too long (disk is busy?). Writing the AOF buffer without waiting for fsync to complete, this may slow down Redis.');
    }
    this.postponedSince = 0;
    const data = Buffer.from(this.buf, 'latin1');
    let written = 0;
    let error: NodeJS.ErrnoException | null = null;
    while (written < data.length) {
      try {
        written += writeSync(this.fd, data, written, data.length - written);
      } catch (e) {
        error = e as NodeJS.ErrnoException;
        break;
      }
    }
    if (error !== null) {
      this.writeFailed(error, written, nowSec);
      return;
    }
    if (!this.lastWriteOk) {
      this.host.log('warning', 'AOF write error looks solved, Redis can write again.');
      this.lastWriteOk = true;
    }
    this.currentSize += written;
    this.lastIncrSize += written;
    this.buf = '';
    this.writtenReploff = this.host.replOffset();
    this.maybeFsync(nowSec);
  }

  /** The replication offset the data written so far covers. */
  get writtenUpTo(): number {
    return this.writtenReploff;
  }

  /** An fsync done elsewhere (the previous file, switched at a rewrite) covers `offset`. */
  fsyncedUpTo(offset: number): void {
    this.advanceFsynced(offset);
  }

  private advanceFsynced(offset: number): void {
    if (offset <= this.fsyncedReploff) return;
    this.fsyncedReploff = offset;
    this.host.fsyncedMoved();
  }

  /** AOF turned on or restarted: what is on disk is everything up to `offset`. */
  resetFsynced(offset: number): void {
    this.fsyncedReploff = offset;
    this.writtenReploff = offset;
  }

  private writeFailed(error: NodeJS.ErrnoException, written: number, nowSec: number): void {
    const canLog = nowSec - this.lastErrorLog > ERROR_LOG_RATE;
    if (canLog) {
      this.lastErrorLog = nowSec;
      this.host.log('warning', `Error writing to the AOF file: ${errnoText(error)}`);
    }
    this.lastWriteError = errnoText(error);
    if (this.policy === 'always') {
      // Replies may already promise these writes; nothing can be rolled back.
      this.host.fatal("Can't recover from AOF write error when the AOF fsync policy is 'always'. Exiting...");
      return;
    }
    // Keep what was not written and refuse writes until a write succeeds again.
    this.lastWriteOk = false;
    if (written > 0) {
      this.currentSize += written;
      this.lastIncrSize += written;
      this.buf = this.buf.slice(written);
    }
  }

  private maybeFsync(nowSec: number): void {
    if (this.noFsyncOnRewrite && this.host.rewriting()) return;
    if (this.policy === 'always') {
      try {
        fdatasyncSync(this.fd);
      } catch (e) {
        this.host.fatal(`Can't persist AOF for fsync error when the AOF fsync policy is 'always': ${errnoText(e as NodeJS.ErrnoException)}. Exiting...`);
        return;
      }
      this.fsyncOffset = this.currentSize;
      this.lastFsync = nowSec;
      this.advanceFsynced(this.writtenReploff);
    } else if (this.policy === 'everysec' && nowSec > this.lastFsync) {
      if (!this.fsyncInProgress) this.backgroundFsync(this.fd);
      this.lastFsync = nowSec;
    }
  }

  /** fsync off the main thread; the descriptor stays open until the service closes it. */
  backgroundFsync(fd: number): void {
    this.fsyncInProgress = true;
    this.fsyncOffset = this.currentSize;
    const covers = this.writtenReploff;
    fdatasync(fd, (e) => {
      this.fsyncInProgress = false;
      if (e) this.host.log('warning', `Fail to fsync the AOF file: ${errnoText(e)}`);
      else this.advanceFsynced(covers);
      const waiters = this.fsyncWaiters;
      this.fsyncWaiters = [];
      for (const w of waiters) w();
    });
  }

  /** Runs fn once no background fsync is running (at once when none is). */
  whenFsyncIdle(fn: () => void): void {
    if (this.fsyncInProgress) this.fsyncWaiters.push(fn);
    else fn();
  }

  /** Writes and fsyncs everything now (shutdown, turning AOF off, before switching files). */
  flushAndSync(): void {
    this.flush(true);
    if (this.fd === -1) return;
    try {
      fdatasyncSync(this.fd);
      this.fsyncOffset = this.currentSize;
      this.lastFsync = Math.floor(Date.now() / 1000);
      this.advanceFsynced(this.writtenReploff);
    } catch (e) {
      this.host.log('warning', `Fail to fsync the AOF file: ${errnoText(e as NodeJS.ErrnoException)}`);
    }
  }
}

/** strerror-like text for a Node error. */
export function errnoText(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case 'ENOSPC': return 'No space left on device';
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EIO': return 'Input/output error';
    case 'EBADF': return 'Bad file descriptor';
    case 'EROFS': return 'Read-only file system';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    default: return e.message;
  }
}
