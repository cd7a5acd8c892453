// The append-only file as Redis 7 runs it: state (off, on, waiting for the first rewrite), the
// manifest, loading at startup (with the upgrade of a pre-7 appendonly.aof), opening the
// incremental file, BGREWRITEAOF (new incr file at once, base from a point-in-time image, then
// the manifest swapped atomically and history deleted), automatic rewrites from the cron,
// CONFIG SET appendonly, the shutdown fsync and the INFO fields. File formats live in
// manifest.ts / loader.ts / image.ts; writing the stream is writer.ts.

import { closeSync, existsSync, fdatasync, close as closeAsync, mkdirSync, openSync, readFileSync, renameSync, statSync, unlink } from 'node:fs';
import { join } from 'node:path';
import type { LogLevel } from '../../exec/context.js';
import type { Propagator } from '../../exec/propagate.js';
import type { Keyspace } from '../../keyspace/keyspace.js';
import { TYPE_CODECS } from '../rdb/codecs.js';
import { loadRdb } from '../rdb/load.js';
import type { AuxFields } from '../rdb/writer.js';
import { FileSink } from '../file-sink.js';
import type { Snapshot, SnapshotSink } from '../snapshot.js';
import { AofBaseEncoder, encodeImageSync, RdbBaseEncoder, type BaseEncoder } from './image.js';
import { fileSize, loadAofFile, type LoadStatus, type Replayer } from './loader.js';
import {
  addNewBase, addNewIncr, cloneManifest, emptyManifest, formatManifest, ManifestError, manifestName,
  markIncrAsHistory, parseManifest, tempIncrName, writeManifestFile, type AofManifest,
} from './manifest.js';
import { removeQuietly, writeImageSync } from './rewrite.js';
import { AofWriter, errnoText, type FsyncPolicy } from './writer.js';

export type AofState = 'off' | 'on' | 'wait-rewrite';

export interface AofHost {
  readonly config: {
    str(name: string): string;
    num(name: string): number;
    bool(name: string): boolean;
    onApply(names: readonly string[], hook: () => string | null | void): void;
  };
  readonly ks: Keyspace;
  readonly propagator: Propagator;
  log(level: LogLevel, message: string): void;
  /** The server's working directory (`dir`): appenddirname and old-style files are relative to it. */
  workDir(): string;
  /** Aux fields for RDB base files (redis-ver, ctime, used-mem ...). */
  rdbAux(): AuxFields;
  /** Schedules beforeSleep(): buffered AOF data is written before replies leave. */
  requestFlush(): void;
  /** A forkless point-in-time image of every database into the sinks, through `encoder` (not started). */
  imageSnapshot(sinks: readonly SnapshotSink[], encoder: BaseEncoder): Snapshot;
  /** True while an RDB job runs (BGSAVE, a full sync's image): a rewrite is scheduled behind it. */
  rdbJobActive(): boolean;
}

/** A rewrite in progress: its snapshot and the temp file it fills. */
interface RewriteJob {
  readonly snap: Snapshot;
  readonly tmpPath: string;
  readonly done: Promise<unknown>;
}

/** A replayer that can bracket a whole load (replay.ts). */
export interface LoadReplayer extends Replayer {
  begin(): void;
  end(): void;
}

export type BgrewriteResult = 'started' | 'scheduled' | 'in-progress' | 'error';

/** Consecutive failed rewrites after which automatic ones back off (Redis's threshold). */
const LIMIT_THRESHOLD = 3;
const LIMIT_MAX_MINUTES = 60;

export class AofService {
  state: AofState = 'off';
  manifest: AofManifest = emptyManifest();
  readonly writer: AofWriter;
  /** Called when a write under appendfsync always fails (Redis exits). */
  onFatal: () => void = () => process.exit(1);
  private job: RewriteJob | null = null;
  rewriteScheduled = false;
  private rewriteStart = -1;
  private rewriteLast = -1;
  private lastRewriteOk = true;
  rewrites = 0;
  private consecutiveFailures = 0;
  /** aof_rewrite_base_size: the size after the last rewrite, the base of growth percentages. */
  private baseSize = 0;
  private nextDelayMinutes = 0;
  private nextRewriteTime = 0;
  private registered = false;
  /** master_repl_offset (set by the server: the writer records which offsets an fsync covers). */
  replOffset: () => number = () => 0;
  /** Called when the fsynced offset moved (WAITAOF; a replica reports it with its next ACK). */
  fsyncedMoved: () => void = () => {};

  constructor(private readonly host: AofHost, private readonly replayer: LoadReplayer) {
    this.writer = new AofWriter({
      log: (level, m) => host.log(level, m),
      rewriting: () => this.job !== null,
      fatal: (m) => {
        host.log('warning', m);
        this.onFatal();
      },
      requestFlush: () => host.requestFlush(),
      replOffset: () => this.replOffset(),
      fsyncedMoved: () => this.fsyncedMoved(),
    });
    this.syncSettings();
    const c = host.config;
    c.onApply(['appendfsync', 'aof-timestamp-enabled', 'no-appendfsync-on-rewrite'], () => this.syncSettings());
    c.onApply(['appendonly'], () => {
      const on = c.bool('appendonly');
      if (on && this.state === 'off') {
        if (!this.startAppendOnly()) return 'Unable to turn on AOF. Check server logs.';
      } else if (!on && this.state !== 'off') {
        this.stopAppendOnly();
      }
      return null;
    });
  }

  private syncSettings(): void {
    const c = this.host.config;
    this.writer.policy = c.str('appendfsync') as FsyncPolicy;
    this.writer.timestamps = c.bool('aof-timestamp-enabled');
    this.writer.noFsyncOnRewrite = c.bool('no-appendfsync-on-rewrite');
  }

  get dir(): string {
    return join(this.host.workDir(), this.host.config.str('appenddirname'));
  }

  private get filename(): string {
    return this.host.config.str('appendfilename');
  }

  get rewriting(): boolean {
    return this.job !== null;
  }

  /**
   * Redis's fsynced_reploff: the replication offset whose writes are all fsynced to the AOF, -1
   * while AOF is off or its first rewrite has not finished (nothing is durable in it yet).
   */
  get fsyncedReploff(): number {
    return this.state === 'on' ? this.writer.fsyncedReploff : -1;
  }

  // ---- startup ----

  /**
   * Startup: read the manifest (always, as Redis does), and with appendonly yes load the files,
   * open the incremental file and drop history. False when the server must not start.
   */
  startup(): boolean {
    if (!this.loadManifest()) return false;
    if (!this.host.config.bool('appendonly')) return true;
    this.state = 'on';
    const start = performance.now();
    const ret = this.loadFiles();
    if (ret === 'failed' || ret === 'open-error') return false;
    if (ret !== 'not-exist') {
      this.host.log('notice', `DB loaded from append only file: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
    }
    if (!this.openOnStart()) return false;
    this.deleteHistory();
    this.register();
    return true;
  }

  private loadManifest(): boolean {
    const dir = this.dir;
    const path = join(dir, manifestName(this.filename));
    if (!existsSync(dir) || !existsSync(path)) return true;
    let text: string;
    try {
      text = readFileSync(path, 'latin1');
    } catch (e) {
      this.host.log('warning', `Fatal error: can't open the AOF manifest file ${path} for reading: ${errnoText(e as NodeJS.ErrnoException)}`);
      return false;
    }
    try {
      this.manifest = parseManifest(text);
    } catch (e) {
      if (!(e instanceof ManifestError)) throw e;
      const log = (m: string) => this.host.log('warning', m);
      log('\n*** FATAL AOF MANIFEST FILE ERROR ***\n');
      if (e.line !== null) {
        log(`Reading the manifest file, at line ${e.lineNo}\n`);
        log(`>>> '${e.line}'\n`);
      }
      log(`${e.reason}\n`);
      return false;
    }
    return true;
  }

  /** loadAppendOnlyFiles: the base, then every incr file, in order. */
  private loadFiles(): LoadStatus {
    const m = this.manifest;
    const name = this.filename;
    const old = join(this.host.workDir(), name);
    if (existsSync(old) && statSync(old).isFile()) {
      const dirMissing = !existsSync(this.dir);
      const emptyManifestNow = m.base === null && m.incr.length === 0;
      const halfUpgraded = m.base !== null && m.incr.length === 0 && m.base.name === name && !existsSync(join(this.dir, name));
      if (dirMissing || emptyManifestNow || halfUpgraded) {
        if (!this.upgradeOldStyle()) return 'failed';
      }
    }
    if (this.manifest.base === null && this.manifest.incr.length === 0) return 'not-exist';
    const files = [...(this.manifest.base ? [this.manifest.base] : []), ...this.manifest.incr];
    let total = 0;
    for (const f of files) {
      const s = fileSize(this.dir, f.name);
      if (typeof s !== 'number') {
        this.host.log('warning', `Unable to obtain the AOF file ${f.name} length. stat: ${errnoText(s)}`);
        return 'failed';
      }
      total += s;
    }
    if (total === 0) return 'empty';

    const ks = this.host.ks;
    ks.loading = true;
    this.replayer.begin();
    let ret: LoadStatus = 'ok';
    let baseSize = 0;
    try {
      for (let i = 0; i < files.length; i++) {
        const f = files[i]!;
        const isBase = f.type === 'b';
        const last = i === files.length - 1;
        if (isBase) baseSize = fileSize(this.dir, f.name) as number;
        const start = performance.now();
        ret = this.loadOne(f.name);
        if (ret === 'ok' || (ret === 'truncated' && last)) {
          this.host.log('notice', `DB loaded from ${isBase ? 'base' : 'incr'} file ${f.name}: ${((performance.now() - start) / 1000).toFixed(3)} seconds`);
        }
        if (ret === 'empty' || ret === 'not-exist') ret = 'ok';
        // A truncated file before the last one means data is missing in the middle.
        if (ret === 'truncated' && !last) ret = 'failed';
        if (ret === 'failed' || ret === 'open-error') return ret;
      }
    } finally {
      this.replayer.end();
      ks.loading = false;
    }
    // Sizes after a possible truncation.
    let current = 0;
    for (const f of files) {
      const s = fileSize(this.dir, f.name);
      if (typeof s === 'number') current += s;
    }
    this.writer.currentSize = current;
    this.writer.fsyncOffset = current;
    this.baseSize = baseSize;
    return ret;
  }

  private loadOne(name: string): LoadStatus {
    const host = this.host;
    const config = host.config;
    return loadAofFile({
      dir: this.dir,
      name,
      oldStyle: name === this.filename,
      loadTruncated: config.bool('aof-load-truncated'),
      log: (level, m) => host.log(level, m),
      replay: this.replayer,
      loadRdb: (buf) => {
        const r = loadRdb(buf, host.ks.dbs, {
          limits: (d) => config.num(d),
          codecs: TYPE_CODECS,
          verifyChecksum: config.bool('rdbchecksum'),
          // Unlike a dump.rdb, an AOF base keeps keys that already expired: the commands after
          // it were recorded against them (Redis skips the check for AOF preambles).
          dropExpiredBefore: undefined,
        });
        const ver = r.aux.get('redis-ver');
        if (ver !== undefined) host.log('notice', `Loading RDB produced by version ${ver}`);
        const ctime = r.aux.get('ctime');
        if (ctime !== undefined) host.log('notice', `RDB age ${Math.max(0, Math.floor(Date.now() / 1000) - Number(ctime))} seconds`);
        const mem = r.aux.get('used-mem');
        if (mem !== undefined) host.log('notice', `RDB memory usage when created ${(Number(mem) / 1024 / 1024).toFixed(2)} Mb`);
        if (r.aux.get('aof-base') === '1') host.log('notice', 'RDB is base AOF');
        host.log('notice', `Done loading RDB, keys loaded: ${r.keys}, keys expired: ${r.expiredSkipped}.`);
        return r.end;
      },
    });
  }

  /** A pre-7 appendonly.aof in `dir` becomes the base of a new manifest in the AOF directory. */
  private upgradeOldStyle(): boolean {
    const name = this.filename;
    const dir = this.dir;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      this.host.log('warning', `Can't open or create append-only dir ${this.host.config.str('appenddirname')}: ${errnoText(e as NodeJS.ErrnoException)}`);
      return false;
    }
    const m = cloneManifest(this.manifest);
    m.base = { name, seq: 1, type: 'b' };
    m.baseSeq = 1;
    if (!this.persist(m)) return false;
    this.manifest = m;
    try {
      renameSync(join(this.host.workDir(), name), join(dir, name));
    } catch (e) {
      this.host.log('warning', `Error trying to move the old AOF file ${name} into dir ${this.host.config.str('appenddirname')}: ${errnoText(e as NodeJS.ErrnoException)}`);
      return false;
    }
    this.host.log('notice', `Successfully migrated an old-style AOF file (${name}) into the AOF directory (${this.host.config.str('appenddirname')}).`);
    return true;
  }

  /** aofOpenIfNeededOnServerStart: a base for an empty start, then the last incr file opened. */
  private openOnStart(): boolean {
    const dir = this.dir;
    const before = formatManifest(this.manifest);
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      this.host.log('warning', `Can't open or create append-only dir ${this.host.config.str('appenddirname')}: ${errnoText(e as NodeJS.ErrnoException)}`);
      return false;
    }
    const m = this.manifest;
    const hadIncr = m.incr.length > 0;
    if (m.base === null && !hadIncr) {
      const preamble = this.host.config.bool('aof-use-rdb-preamble');
      const baseName = addNewBase(m, this.filename, preamble);
      const tmp = join(this.host.workDir(), `temp-rewriteaof-${process.pid}.aof`);
      try {
        writeImageSync(tmp, encodeImageSync(this.host.ks.dbs, this.baseEncoder(preamble)));
        renameSync(tmp, join(dir, baseName));
      } catch (e) {
        this.host.log('warning', `Write error writing append only file on disk: ${errnoText(e as NodeJS.ErrnoException)}`);
        return false;
      }
      this.host.log('notice', `Creating AOF base file ${baseName} on server start`);
    }
    const incr = hadIncr ? m.incr[m.incr.length - 1]!.name : addNewIncr(m, this.filename);
    let fd: number;
    try {
      fd = openSync(join(dir, incr), 'a', 0o644);
    } catch (e) {
      this.host.log('warning', `Can't open the append-only file ${incr}: ${errnoText(e as NodeJS.ErrnoException)}`);
      return false;
    }
    if (formatManifest(m) !== before && !this.persist(m)) {
      closeSync(fd);
      return false;
    }
    this.writer.fd = fd;
    const size = fileSize(dir, incr);
    this.writer.lastIncrSize = typeof size === 'number' ? size : 0;
    this.host.log('notice', `${hadIncr ? 'Opening' : 'Creating'} AOF incr file ${incr} on server start`);
    return true;
  }

  private baseEncoder(rdb: boolean): BaseEncoder {
    const c = this.host.config;
    if (rdb) {
      return new RdbBaseEncoder({ compress: c.bool('rdbcompression'), checksum: c.bool('rdbchecksum') }, this.host.rdbAux());
    }
    return new AofBaseEncoder(TYPE_CODECS, this.writer.timestamps ? Math.floor(Date.now() / 1000) : undefined);
  }

  /** Writes the manifest atomically; logs Redis's line and returns false on failure. */
  private persist(m: AofManifest): boolean {
    try {
      writeManifestFile(this.dir, this.filename, m);
      return true;
    } catch (e) {
      this.host.log('warning', `Error trying to write the AOF manifest file ${manifestName(this.filename)}: ${errnoText(e as NodeJS.ErrnoException)}`);
      return false;
    }
  }

  private register(): void {
    if (this.registered) return;
    this.host.propagator.addTarget(this.writer);
    this.registered = true;
  }

  private unregister(): void {
    if (!this.registered) return;
    this.host.propagator.removeTarget(this.writer);
    this.registered = false;
  }

  /** History files are unlinked in the background, then forgotten by the manifest. */
  private deleteHistory(): void {
    const m = this.manifest;
    if (this.host.config.bool('aof-disable-auto-gc') || m.history.length === 0) return;
    const next = cloneManifest(m);
    for (const f of m.history) {
      this.host.log('notice', `Removing the history file ${f.name} in the background`);
      unlink(join(this.dir, f.name), () => {});
    }
    next.history = [];
    if (this.persist(next)) this.manifest = next;
  }

  // ---- runtime: the write path ----

  /** beforeSleep: write what the turn's commands produced, before any reply leaves. */
  beforeSleep(): void {
    if (this.writer.fd !== -1) this.writer.flush(false);
  }

  /** True while written-but-unflushed commands must hold replies back. */
  get holdsReplies(): boolean {
    return this.writer.pending;
  }

  // ---- rewrites ----

  /** BGREWRITEAOF. */
  bgrewrite(): BgrewriteResult {
    if (this.job !== null) return 'in-progress';
    // One background job at a time, as Redis allows one child: the rewrite waits for the RDB job.
    if (this.host.rdbJobActive()) {
      this.rewriteScheduled = true;
      this.consecutiveFailures = 0;
      return 'scheduled';
    }
    return this.rewriteBackground() ? 'started' : 'error';
  }

  private rewriteBackground(): boolean {
    if (this.job !== null) return false;
    const dir = this.dir;
    try {
      mkdirSync(dir, { recursive: true });
    } catch (e) {
      this.host.log('warning', `Can't open or create append-only dir ${this.host.config.str('appenddirname')}: ${errnoText(e as NodeJS.ErrnoException)}`);
      this.lastRewriteOk = false;
      return false;
    }
    // The next command written must select its db again: the new file starts with no db.
    this.writer.selectedDb = -1;
    this.writer.flush(true);
    if (!this.openNewIncr()) {
      this.lastRewriteOk = false;
      return false;
    }
    this.rewrites++;
    const preamble = this.host.config.bool('aof-use-rdb-preamble');
    const tmp = join(this.host.workDir(), `temp-rewriteaof-bg-${process.pid}.aof`);
    let sink: FileSink;
    try {
      sink = new FileSink({ dir: this.host.workDir(), tempName: tmpName(tmp), filename: '' }, this.host.config.bool('aof-rewrite-incremental-fsync'), false);
    } catch (e) {
      this.host.log('warning', `${(e as Error).message}`);
      this.lastRewriteOk = false;
      return false;
    }
    // The image starts now, in the same step as the incr file just opened: together they cover
    // every write. The snapshot walks the keyspace between client batches from here on.
    const snap = this.host.imageSnapshot([sink], this.baseEncoder(preamble));
    const job: RewriteJob = { snap, tmpPath: tmp, done: snap.start() };
    this.job = job;
    this.rewriteScheduled = false;
    this.rewriteStart = Date.now();
    this.host.log('notice', `Background append only file rewriting started by pid ${process.pid}`);
    job.done.then(
      () => { if (this.job === job) this.rewriteDone(job, preamble, null); },
      (e: unknown) => { if (this.job === job) this.rewriteDone(job, preamble, e); },
    );
    return true;
  }

  /** Switches writes to a new incr file (or the temp incr file while AOF is being turned on). */
  private openNewIncr(): boolean {
    if (this.state === 'off') return true;
    let temp: AofManifest | null = null;
    let name: string;
    if (this.state === 'wait-rewrite') {
      name = tempIncrName(this.filename);
    } else {
      temp = cloneManifest(this.manifest);
      name = addNewIncr(temp, this.filename);
    }
    let fd: number;
    try {
      fd = openSync(join(this.dir, name), 'w', 0o644);
    } catch (e) {
      this.host.log('warning', `Can't open the append-only file ${name}: ${errnoText(e as NodeJS.ErrnoException)}`);
      return false;
    }
    if (temp !== null && !this.persist(temp)) {
      closeSync(fd);
      return false;
    }
    this.host.log('notice', `Creating AOF incr file ${name} on background rewrite`);
    const w = this.writer;
    if (w.fd !== -1) {
      // Everything was written; the old file is fsynced and closed off the main thread.
      const old = w.fd;
      const covers = w.writtenUpTo;
      w.whenFsyncIdle(() => fdatasync(old, (e) => {
        if (!e) w.fsyncedUpTo(covers);
        closeAsync(old, () => {});
      }));
      w.fsyncOffset = w.currentSize;
      w.lastFsync = Math.floor(Date.now() / 1000);
    }
    w.fd = fd;
    w.lastIncrSize = 0;
    if (temp !== null) this.manifest = temp;
    return true;
  }

  private rewriteDone(job: RewriteJob, preamble: boolean, error: unknown): void {
    this.job = null;
    if (error !== null) logRewriteError(this.host, error);
    const log = (level: LogLevel, m: string) => this.host.log(level, m);
    const dir = this.dir;
    if (error === null) {
      log('notice', 'Background AOF rewrite terminated with success');
      const temp = cloneManifest(this.manifest);
      const baseName = addNewBase(temp, this.filename, preamble);
      const basePath = join(dir, baseName);
      let ok = true;
      try {
        renameSync(job.tmpPath, basePath);
        log('notice', `Successfully renamed the temporary AOF base file ${tmpName(job.tmpPath)} into ${baseName}`);
      } catch (e) {
        log('warning', `Error trying to rename the temporary AOF base file ${tmpName(job.tmpPath)} into ${basePath}: ${errnoText(e as NodeJS.ErrnoException)}`);
        ok = false;
      }
      if (ok && this.state === 'wait-rewrite') {
        const tmpIncr = tempIncrName(this.filename);
        const incrName = addNewIncr(temp, this.filename);
        try {
          renameSync(join(dir, tmpIncr), join(dir, incrName));
          log('notice', `Successfully renamed the temporary AOF incr file ${tmpIncr} into ${incrName}`);
        } catch (e) {
          log('warning', `Error trying to rename the temporary AOF incr file ${tmpIncr} into ${incrName}: ${errnoText(e as NodeJS.ErrnoException)}`);
          removeQuietly(basePath);
          ok = false;
        }
      }
      if (ok) {
        // The file being written stays incremental; every older one is history now.
        markIncrAsHistory(temp, this.writer.fd !== -1 ? 1 : 0);
        if (!this.persist(temp)) {
          removeQuietly(basePath);
          ok = false;
        }
      }
      if (ok) {
        this.manifest = temp;
        const w = this.writer;
        if (w.fd !== -1) {
          w.selectedDb = -1;
          const bs = fileSize(dir, baseName);
          w.currentSize = (typeof bs === 'number' ? bs : 0) + w.lastIncrSize;
          this.baseSize = w.currentSize;
          w.fsyncOffset = w.currentSize;
          w.lastFsync = Math.floor(Date.now() / 1000);
        }
        this.deleteHistory();
        this.lastRewriteOk = true;
        this.consecutiveFailures = 0;
        log('notice', 'Background AOF rewrite finished successfully');
        if (this.state === 'wait-rewrite') this.state = 'on';
      } else {
        this.lastRewriteOk = false;
        this.consecutiveFailures++;
      }
    } else {
      this.lastRewriteOk = false;
      this.consecutiveFailures++;
      log('warning', 'Background AOF rewrite terminated with error');
    }
    removeQuietly(job.tmpPath);
    if (this.state === 'wait-rewrite') {
      // Turning AOF on failed this time: drop what accumulated and try again from the cron.
      this.writer.buf = '';
      this.closeWriterFd();
      log('notice', `Removing the temp incr aof file ${tempIncrName(this.filename)} in the background`);
      unlink(join(dir, tempIncrName(this.filename)), () => {});
      this.rewriteScheduled = true;
    }
    this.rewriteLast = Math.round((Date.now() - this.rewriteStart) / 1000);
    this.rewriteStart = -1;
  }

  /** Stops a running rewrite (its temp file goes). */
  private killRewrite(): void {
    const job = this.job;
    if (job === null) return;
    this.host.log('notice', `Killing running AOF rewrite child: ${process.pid}`);
    this.job = null;
    job.done.catch(() => {});
    job.snap.cancel('AOF rewrite killed');
    this.rewriteStart = -1;
  }

  // ---- CONFIG SET appendonly ----

  /**
   * A replica replaced its data set with its primary's (a full sync): the AOF starts over from
   * it, with a rewrite, as Redis's restartAOFAfterSYNC does. Nothing when AOF is off.
   */
  restartAfterSync(): void {
    if (this.state === 'off') return;
    this.stopAppendOnly();
    if (!this.startAppendOnly()) {
      this.host.log('warning', 'Failed enabling the AOF after successful master synchronization!');
    }
  }

  private startAppendOnly(): boolean {
    this.state = 'wait-rewrite';
    // The first rewrite's image holds everything up to now; it counts once the rewrite is done.
    this.writer.resetFsynced(this.replOffset());
    if (this.job !== null) {
      this.host.log('warning', 'AOF was enabled but there is already an AOF rewriting in background. Stopping background AOF and starting a rewrite now.');
      this.killRewrite();
    }
    this.register();
    if (this.host.rdbJobActive()) {
      // The first rewrite starts from the cron once the RDB job ends; writes until then are in
      // the data set that rewrite images.
      this.rewriteScheduled = true;
      this.host.log('notice', 'AOF was enabled but there is already another background operation. An AOF background was scheduled to start when possible.');
    } else if (!this.rewriteBackground()) {
      this.state = 'off';
      this.unregister();
      this.host.log('warning', "Redis needs to enable the AOF but can't trigger a background AOF rewrite operation. Check the above logs for more info about the error.");
      return false;
    }
    this.writer.lastFsync = Math.floor(Date.now() / 1000);
    if (!this.writer.lastWriteOk) {
      this.host.log('warning', 'AOF reopen, just ignore the last error.');
      this.writer.lastWriteOk = true;
    }
    return true;
  }

  private stopAppendOnly(): void {
    this.writer.flushAndSync();
    this.closeWriterFd();
    this.writer.selectedDb = -1;
    this.state = 'off';
    this.rewriteScheduled = false;
    this.writer.lastIncrSize = 0;
    this.killRewrite();
    this.writer.buf = '';
    this.unregister();
    // A WAITAOF waiting for a local fsync now fails (it runs again and sees AOF off).
    this.fsyncedMoved();
  }

  private closeWriterFd(): void {
    const w = this.writer;
    if (w.fd === -1) return;
    const fd = w.fd;
    w.fd = -1;
    w.whenFsyncIdle(() => closeAsync(fd, () => {}));
  }

  // ---- cron, shutdown ----

  /** From the server cron: scheduled and automatic rewrites, postponed writes, idle fsyncs. */
  cron(): void {
    const w = this.writer;
    // Scheduled and automatic rewrites wait while an RDB job runs (one child at a time).
    const busy = this.host.rdbJobActive();
    if (this.job === null && !busy && this.rewriteScheduled && !this.rewriteLimited()) this.rewriteBackground();
    if (this.state === 'on' && this.job === null && !busy) {
      const perc = this.host.config.num('auto-aof-rewrite-percentage');
      if (perc > 0 && w.currentSize > this.host.config.num('auto-aof-rewrite-min-size')) {
        const base = this.baseSize > 0 ? this.baseSize : 1;
        const growth = Math.floor((w.currentSize * 100) / base) - 100;
        if (growth >= perc && !this.rewriteLimited()) {
          this.host.log('notice', `Starting automatic rewriting of AOF on ${growth}% growth`);
          this.rewriteBackground();
        }
      }
    }
    if (this.state !== 'off' && w.fd !== -1) w.flush(false);
  }

  /** After repeated failures automatic rewrites wait 1, 2, 4 ... 60 minutes between attempts. */
  private rewriteLimited(): boolean {
    if (this.consecutiveFailures < LIMIT_THRESHOLD) {
      this.nextDelayMinutes = 0;
      this.nextRewriteTime = 0;
      return false;
    }
    const now = Math.floor(Date.now() / 1000);
    if (this.nextRewriteTime !== 0) {
      if (now < this.nextRewriteTime) return true;
      this.nextRewriteTime = 0;
      return false;
    }
    this.nextDelayMinutes = Math.min(LIMIT_MAX_MINUTES, this.nextDelayMinutes === 0 ? 1 : this.nextDelayMinutes * 2);
    this.nextRewriteTime = now + this.nextDelayMinutes * 60;
    this.host.log('warning', `Background AOF rewrite has repeatedly failed and triggered the limit, will retry in ${this.nextDelayMinutes} minutes`);
    return true;
  }

  /**
   * The AOF part of the shutdown sequence; false when the server must not exit (AOF is being
   * turned on and its first rewrite has not finished: the data would exist nowhere).
   */
  prepareShutdown(force: boolean): boolean {
    if (this.state === 'off') return true;
    if (this.job !== null) {
      if (this.state === 'wait-rewrite') {
        if (!force) {
          this.host.log('warning', "Writing initial AOF, can't exit.");
          return false;
        }
        this.host.log('warning', 'Writing initial AOF. Exit anyway.');
      }
      this.host.log('warning', 'There is a child rewriting the AOF. Killing it!');
      this.killRewrite();
    }
    this.host.log('notice', 'Calling fsync() on the AOF file.');
    this.writer.flushAndSync();
    return true;
  }

  /** Closes the open file without anything else (server close). */
  close(): void {
    this.killRewrite();
    this.writer.flush(true);
    this.unregister();
    const fd = this.writer.fd;
    this.writer.fd = -1;
    if (fd !== -1) {
      try { closeSync(fd); } catch { /* already closed */ }
    }
  }

  // ---- INFO ----

  /** Whether writes must be refused (MISCONF): the last AOF write failed. */
  get writeError(): string | null {
    return this.state !== 'off' && !this.writer.lastWriteOk ? this.writer.lastWriteError : null;
  }

  infoFields(): [string, string | number][] {
    const w = this.writer;
    const now = Date.now();
    const fields: [string, string | number][] = [
      ['aof_enabled', this.state !== 'off' ? 1 : 0],
      ['aof_rewrite_in_progress', this.job !== null ? 1 : 0],
      ['aof_rewrite_scheduled', this.rewriteScheduled ? 1 : 0],
      ['aof_last_rewrite_time_sec', this.rewriteLast],
      ['aof_current_rewrite_time_sec', this.rewriteStart === -1 ? -1 : Math.round((now - this.rewriteStart) / 1000)],
      ['aof_last_bgrewrite_status', this.lastRewriteOk ? 'ok' : 'err'],
      ['aof_rewrites', this.rewrites],
      ['aof_rewrites_consecutive_failures', this.consecutiveFailures],
      ['aof_last_write_status', w.lastWriteOk ? 'ok' : 'err'],
      ['aof_last_cow_size', 0],
      ['module_fork_in_progress', 0],
      ['module_fork_last_cow_size', 0],
    ];
    if (this.state !== 'off') {
      fields.push(
        ['aof_current_size', w.currentSize],
        ['aof_base_size', this.baseSize],
        ['aof_pending_rewrite', this.rewriteScheduled ? 1 : 0],
        ['aof_buffer_length', w.buf.length],
        ['aof_pending_bio_fsync', w.fsyncInProgress ? 1 : 0],
        ['aof_delayed_fsync', w.delayedFsyncs],
      );
    }
    return fields;
  }
}

function tmpName(path: string): string {
  const i = path.lastIndexOf('/');
  return i === -1 ? path : path.slice(i + 1);
}

function logRewriteError(host: AofHost, error: unknown): void {
  if (error instanceof Error && error.name !== 'SnapshotCancelled') host.log('warning', error.message);
}
