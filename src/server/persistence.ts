// RDB persistence of one server: SAVE, BGSAVE (forkless snapshots to dump.rdb), save points
// checked by the cron with Redis's retry delay, LASTSAVE, the MISCONF and LOADING gates, loading
// dump.rdb at startup in time slices (clients get LOADING meanwhile), DEBUG RELOAD, the final
// save at shutdown and INFO persistence. Snapshot mechanics live in persistence/snapshot.ts,
// file handling in persistence/file-sink.ts; this module decides when and logs what Redis logs.

import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from '../commands/table.js';
import type { Gate } from '../exec/dispatcher.js';
import type { PersistenceApi, ReloadOptions } from '../exec/persistence-api.js';
import { lfuCounter, lruIdleMs, LRU_CLOCK_MAX } from '../keyspace/access.js';
import type { Db } from '../keyspace/db.js';
import { Err, type CommandError } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import { FileSink, SaveError, strerror, writeRdbFileSync, type RdbFileTarget } from '../persistence/file-sink.js';
import { RdbError } from '../persistence/rdb/bytes.js';
import { RdbLoader, type LoadResult } from '../persistence/rdb/load.js';
import { rdbChunks, type AccessInfo, type AuxFields, type RdbWriteOptions } from '../persistence/rdb/writer.js';
import { Snapshot, type SnapshotEncoder, type SnapshotResult, type SnapshotSink } from '../persistence/snapshot.js';
import type { Server } from './server.js';

/** Seconds to wait after a failed background save before save points may try again. */
export const BGSAVE_RETRY_DELAY = 5;

/** What replication records in a snapshot taken now (aux repl-stream-db / repl-id / repl-offset). */
export interface ReplSaveInfo {
  streamDb: number;
  replId: string;
  offset: number;
}

/**
 * The RDB job in progress, Redis's RDB child: a BGSAVE to dump.rdb (which replicas waiting for
 * a disk-based full sync may share), or an image streamed to replicas' sockets.
 */
interface Bgsave {
  snap: Snapshot;
  startMs: number;
  dirtyBefore: number;
  target: 'disk' | 'socket';
}

/** What a snapshot may change from the server's RDB settings. */
export interface SnapshotVariant {
  /** Another encoding (an AOF base file). */
  encoder?: SnapshotEncoder;
  /** RDB format version (replicas get 10: Redis 7.0 replicas refuse 11). */
  rdbVersion?: number;
  /** An image without keys (rdb-filter-only replicas). */
  withoutData?: boolean;
}

interface LoadingState {
  startSec: number;
  totalBytes: number;
  usedMem: number;
  loader: RdbLoader | null;
}

export class Persistence implements PersistenceApi {
  /** Unix seconds of the last successful save. */
  private lastSaveSec: number;
  private lastBgsaveOk = true;
  /** Unix seconds of the last background save attempt (for the retry delay). */
  private lastBgsaveTry = 0;
  private lastBgsaveTimeSec = -1;
  private rdbSaves = 0;
  private lastCowSize = 0;
  private scheduled = false;
  private running: Bgsave | null = null;
  private lastLoadKeys = 0;
  private lastLoadExpired = 0;
  private loadingState: LoadingState | null = null;
  /** Set by replication: the offset and stream db a snapshot must carry (none without it). */
  replInfo: (() => ReplSaveInfo | null) | null = null;
  /**
   * Set by replication: dump.rdb named a history (repl-id / repl-offset aux fields) that this
   * server may continue after loading it at startup.
   */
  restoreReplication: ((replId: string, offset: number) => void) | null = null;
  /** Set by the AOF: true while a rewrite runs, so BGSAVE must wait (Redis's one child rule). */
  // The AOF side is symmetric: BGREWRITEAOF is scheduled while any RDB job runs (rdbJobActive).
  otherChildActive: (() => boolean) | null = null;
  /** Tests: the time budget of one snapshot slice in ms. */
  sliceMs = 1;

  readonly misconfGate: Gate = {
    check: (_client: Client, cmd: Command) =>
      !this.lastBgsaveOk && this.server.config.bool('stop-writes-on-bgsave-error') && this.hasSavePoints() &&
      (cmd.flags.has('write') || cmd.fullName === 'ping')
        ? Err.misconf()
        : null,
  };

  readonly loadingGate: Gate = {
    check: (_client: Client, cmd: Command) => (this.server.ks.loading && !cmd.flags.has('loading') ? Err.loading() : null),
  };

  constructor(private readonly server: Server) {
    this.lastSaveSec = Math.floor(server.startTime / 1000);
  }

  // ---- configuration ----

  private target(temp: string): RdbFileTarget {
    const c = this.server.config;
    return { dir: c.str('dir') || c.cwd, filename: c.str('dbfilename'), tempName: temp };
  }

  private writeOptions(): RdbWriteOptions {
    return { compress: this.server.config.bool('rdbcompression'), checksum: this.server.config.bool('rdbchecksum') };
  }

  private hasSavePoints(): boolean {
    return this.server.config.str('save') !== '';
  }

  private savePoints(): [number, number][] {
    const a = this.server.config.str('save').split(' ').filter(Boolean).map(Number);
    const out: [number, number][] = [];
    for (let i = 0; i + 1 < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
    return out;
  }

  private aux(): AuxFields {
    const m = process.memoryUsage();
    const repl = this.replInfo?.() ?? null;
    return {
      redisVer: this.server.redisVersion, redisBits: 64, ctime: Math.floor(Date.now() / 1000),
      usedMem: m.heapUsed + m.external, aofBase: 0,
      ...(repl === null ? {} : { replStreamDb: repl.streamDb, replId: repl.replId, replOffset: repl.offset }),
    };
  }

  /** Per-key eviction data, saved only under LRU or LFU policies as Redis does. */
  private accessOf(): ((word: number) => AccessInfo | undefined) | undefined {
    const policy = this.server.config.str('maxmemory-policy');
    const now = Date.now();
    if (policy.endsWith('-lru')) return (w) => ({ idle: Math.floor(lruIdleMs(w, now) / 1000) });
    if (policy.endsWith('-lfu')) {
      const decay = this.server.config.num('lfu-decay-time');
      return (w) => ({ freq: lfuCounter(w, now, decay) });
    }
    return undefined;
  }

  private log(level: 'notice' | 'warning' | 'verbose', msg: string): void {
    this.server.log(level, msg);
  }

  // ---- SAVE ----

  /** A synchronous save to dump.rdb; logs like Redis's rdbSave. True on success. */
  saveSync(): boolean {
    const ks = this.server.ks;
    const access = this.accessOf();
    try {
      const chunks = rdbChunks(
        { dbs: ks.dbs, aux: this.aux(), access: access === undefined ? undefined : (db: Db, key: string) => access(db.accessWord(key) ?? 0) },
        this.writeOptions(),
        1024 * 1024,
      );
      writeRdbFileSync(this.target(`temp-${process.pid}.rdb`), chunks);
    } catch (e) {
      this.log('warning', e instanceof SaveError ? e.message : `Write error saving DB on disk: ${strerror(e)}`);
      return false;
    }
    this.log('notice', 'DB saved on disk');
    ks.dirty = 0;
    this.lastSaveSec = Math.floor(Date.now() / 1000);
    this.lastBgsaveOk = true;
    return true;
  }

  save(): CommandError | null {
    if (this.running !== null) return Err.bgsaveInProgress();
    this.rdbSaves++;
    return this.saveSync() ? null : Err.saveFailed();
  }

  lastSave(): number {
    return this.lastSaveSec;
  }

  // ---- BGSAVE ----

  get bgsaveInProgress(): boolean {
    return this.running !== null;
  }

  /** An RDB job (BGSAVE or an image for replicas' sockets) runs: an AOF rewrite must wait. */
  get rdbJobActive(): boolean {
    return this.running !== null;
  }

  bgsave(schedule: boolean): string {
    if (this.running !== null) throw Err.bgsaveInProgress();
    if (this.otherChildActive?.() === true) {
      if (!schedule) throw Err.bgsaveOtherChild();
      this.scheduled = true;
      return 'Background saving scheduled';
    }
    if (!this.startBgsave()) throw Err.saveFailed();
    return 'Background saving started';
  }

  /**
   * Starts a forkless snapshot of every database. Extra sinks (replicas waiting for a full
   * sync) are fed by the same snapshot. False when the temp file could not be opened.
   */
  startBgsave(extraSinks: readonly SnapshotSink[] = [], variant: SnapshotVariant = {}): boolean {
    const nowSec = Math.floor(Date.now() / 1000);
    this.lastBgsaveTry = nowSec;
    this.rdbSaves++;
    let file: FileSink;
    try {
      file = new FileSink(this.target(`temp-${process.pid}.rdb`), this.server.config.bool('rdb-save-incremental-fsync'));
    } catch (e) {
      this.log('warning', e instanceof SaveError ? e.message : strerror(e));
      this.lastBgsaveOk = false;
      return false;
    }
    const snap = this.snapshot([file, ...extraSinks], variant);
    const bg: Bgsave = { snap, startMs: Date.now(), dirtyBefore: this.server.ks.dirty, target: 'disk' };
    this.running = bg;
    this.log('notice', `Background saving started by pid ${process.pid}`);
    snap.start().then((r) => this.bgsaveDone(bg, r, null), (e: unknown) => this.bgsaveDone(bg, null, e));
    return true;
  }

  /**
   * Starts a snapshot streamed to replicas' sockets (repl-diskless-sync): the RDB job of this
   * moment, as Redis's socket-target child, but no save (dump.rdb and the save status stay).
   */
  startSocketImage(sinks: readonly SnapshotSink[], variant: SnapshotVariant): Snapshot {
    if (this.running !== null) throw new Error('an RDB job is already running');
    const snap = this.snapshot(sinks, variant);
    const bg: Bgsave = { snap, startMs: Date.now(), dirtyBefore: this.server.ks.dirty, target: 'socket' };
    this.running = bg;
    const done = (): void => {
      if (this.running !== bg) return;
      this.running = null;
      this.lastCowSize = snap.cowBytes;
    };
    snap.start().then(done, done);
    return snap;
  }

  /**
   * A snapshot of the current dataset into the given sinks, not started yet: every
   * point-in-time image (BGSAVE, AOF rewrite, full sync) is one of these.
   */
  snapshot(sinks: readonly SnapshotSink[], variant: SnapshotVariant = {}): Snapshot {
    const rdb = variant.rdbVersion === undefined ? this.writeOptions() : { ...this.writeOptions(), version: variant.rdbVersion };
    return new Snapshot(this.server.ks, sinks, {
      rdb, aux: this.aux(), accessOf: variant.encoder === undefined ? this.accessOf() : undefined, sliceMs: this.sliceMs,
      keyDelayUs: this.server.config.num('rdb-key-save-delay'), encoder: variant.encoder, withoutData: variant.withoutData,
    });
  }

  private bgsaveDone(bg: Bgsave, r: SnapshotResult | null, e: unknown): void {
    if (this.running !== bg) return; // cancelled (shutdown, DEBUG RELOAD): already accounted
    this.running = null;
    // The cron starts what waited for this job (a scheduled rewrite, replicas) within a tick.
    const now = Date.now();
    this.lastBgsaveTimeSec = Math.floor((now - bg.startMs) / 1000);
    this.lastCowSize = bg.snap.cowBytes;
    if (r !== null) {
      this.log('notice', 'DB saved on disk');
      this.log('notice', `Forkless snapshot for RDB: ${r.keys} keys, ${Math.floor(r.cowBytes / (1024 * 1024))} MB written ahead of changes`);
      this.log('notice', 'Background saving terminated with success');
      this.server.ks.dirty = Math.max(0, this.server.ks.dirty - bg.dirtyBefore);
      this.lastSaveSec = Math.floor(now / 1000);
      this.lastBgsaveOk = true;
    } else {
      this.log('warning', e instanceof Error ? e.message : String(e));
      this.log('warning', 'Background saving error');
      this.lastBgsaveOk = false;
    }
  }

  /**
   * Stops a background save in progress, as Redis kills its child; the temp file goes. The
   * status stays as it was: a save stopped on purpose is not a failure.
   */
  killBgsave(why: 'shutdown' | 'flushall' | 'reload'): void {
    const bg = this.running;
    if (bg === null) return;
    if (bg.target === 'socket') {
      // Replicas of a socket image lose their transfer and sync again.
      this.running = null;
      bg.snap.cancel('Background transfer killed');
      return;
    }
    if (why === 'shutdown') this.log('warning', 'There is a child saving an .rdb. Killing it!');
    else this.log('warning', `Background saving terminated: stopped by ${why === 'flushall' ? 'FLUSHALL' : 'DEBUG RELOAD'}`);
    this.running = null;
    this.lastCowSize = bg.snap.cowBytes;
    bg.snap.cancel('Background saving killed');
  }

  // ---- cron ----

  /** Save points and scheduled saves, once per cron tick (Redis's serverCron). */
  cron(nowMs: number): void {
    if (this.server.ks.loading || this.running !== null || this.otherChildActive?.() === true) return;
    const now = Math.floor(nowMs / 1000);
    const mayRetry = this.lastBgsaveOk || now - this.lastBgsaveTry > BGSAVE_RETRY_DELAY;
    if (this.scheduled && mayRetry) {
      if (this.startBgsave()) this.scheduled = false;
      return;
    }
    if (!mayRetry) return;
    const dirty = this.server.ks.dirty;
    for (const [seconds, changes] of this.savePoints()) {
      if (dirty >= changes && now - this.lastSaveSec > seconds) {
        this.log('notice', `${changes} changes in ${seconds} seconds. Saving...`);
        this.startBgsave();
        break;
      }
    }
  }

  // ---- loading ----

  /**
   * Loads dump.rdb at startup in time slices (clients get LOADING meanwhile). True when the
   * server may go on: loaded, or no file. On a bad file it logs Redis's lines and says false.
   */
  async loadAtStartup(): Promise<boolean> {
    const t = this.target('');
    const path = join(t.dir, t.filename);
    let buf: Buffer;
    try {
      if (!statSync(path).isFile()) throw Object.assign(new Error('not a file'), { code: 'EISDIR' });
      buf = readFileSync(path);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return true;
      this.log('warning', `Fatal error loading the DB: ${strerror(e)}. Exiting.`);
      return false;
    }
    const t0 = performance.now();
    const load = this.beginLoad(buf, false);
    if (load === null) return false;
    let ok: boolean;
    try {
      ok = this.endLoad(load, await this.drive(load.loader!), null);
    } catch (e) {
      ok = this.endLoad(load, null, e);
    }
    if (ok) {
      this.log('notice', `DB loaded from disk: ${((performance.now() - t0) / 1000).toFixed(3)} seconds`);
      const aux = load.loader!.aux;
      const id = aux.get('repl-id');
      const offset = Number(aux.get('repl-offset') ?? NaN);
      // Redis needs all three fields (and a 40-character id) before it trusts the history.
      if (id !== undefined && id.length === 40 && Number.isSafeInteger(offset) && offset >= 0 && aux.has('repl-stream-db')) {
        this.restoreReplication?.(id, offset);
      }
    }
    return ok;
  }

  /** Enters the LOADING state with a loader over buf; null (after logging) on a bad header. */
  private beginLoad(buf: Buffer, merge: boolean): LoadingState | null {
    const ks = this.server.ks;
    const state: LoadingState = { startSec: Math.floor(Date.now() / 1000), totalBytes: buf.length, usedMem: 0, loader: null };
    try {
      state.loader = new RdbLoader(buf, ks.dbs, {
        limits: (d) => this.server.config.num(d), verifyChecksum: this.server.config.bool('rdbchecksum'),
        dropExpiredBefore: Date.now(), allowDuplicates: merge,
        aux: (k, v) => this.auxLoaded(state, k, v), access: this.loadAccess(),
      });
    } catch (e) {
      // Header problems: Redis logs the reason and fails the load with EINVAL.
      if (!(e instanceof RdbError)) throw e;
      this.log('warning', e.message);
      this.log('warning', 'Fatal error loading the DB: Invalid argument. Exiting.');
      return null;
    }
    this.loadingState = state;
    ks.loading = true;
    return state;
  }

  /** Leaves the LOADING state; logs the outcome like Redis. True when the load succeeded. */
  private endLoad(state: LoadingState, res: LoadResult | null, e: unknown): boolean {
    this.server.ks.loading = false;
    this.loadingState = null;
    if (res !== null) {
      this.lastLoadKeys = res.keys;
      this.lastLoadExpired = res.expiredSkipped;
      for (const k of res.emptySkipped) this.log('verbose', `rdbLoadObject skipping empty key: ${k}`);
      this.log('notice', `Done loading RDB, keys loaded: ${res.keys}, keys expired: ${res.expiredSkipped}.`);
      return true;
    }
    if (!(e instanceof RdbError)) throw e;
    const pos = state.loader?.position ?? 0;
    if (/unexpected end of data/.test(e.message)) this.log('warning', 'Short read or OOM loading DB. Unrecoverable error, aborting now.');
    this.log('warning', `Internal error in RDB reading offset ${pos} -> ${e.message}`);
    this.log('warning', 'Terminating server after rdb file reading failure.');
    return false;
  }

  /** Runs a loader in time slices with the event loop in between (clients get LOADING). */
  private async drive(loader: RdbLoader): Promise<LoadResult> {
    const debt = { us: 0 };
    for (;;) {
      // Read each slice: tests change key-load-delay while a load runs.
      const delay = this.server.config.num('key-load-delay');
      const deadline = performance.now() + 2;
      for (;;) {
        const r = loader.step(delay === 0 ? 256 : 1);
        if (r !== null) return r;
        const waitMs = this.loadDelay(delay, debt);
        if (waitMs > 0) {
          await new Promise<void>((res) => setTimeout(res, waitMs));
          break;
        }
        if (performance.now() >= deadline) {
          await new Promise<void>((res) => setImmediate(res));
          break;
        }
      }
    }
  }

  /** Runs a loader to the end at once (DEBUG RELOAD blocks, as in Redis; so does its delay). */
  private driveSync(loader: RdbLoader): LoadResult {
    const delay = this.server.config.num('key-load-delay');
    const debt = { us: 0 };
    for (;;) {
      const r = loader.step(delay === 0 ? Infinity : 1);
      if (r !== null) return r;
      const waitMs = this.loadDelay(delay, debt);
      if (waitMs > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, waitMs);
    }
  }

  /** key-load-delay: microseconds per key (negative: 1 µs every -n keys); whole ms to wait now. */
  private loadDelay(delay: number, debt: { us: number }): number {
    if (delay === 0) return 0;
    debt.us += delay > 0 ? delay : (Math.floor(Math.random() * -delay) === 0 ? 1 : 0);
    if (debt.us < 1000) return 0;
    const ms = Math.floor(debt.us / 1000);
    debt.us -= ms * 1000;
    return ms;
  }

  private auxLoaded(state: LoadingState, key: string, value: string): void {
    if (key === 'redis-ver') {
      this.log('notice', `Loading RDB produced by version ${value}`);
    } else if (key === 'ctime') {
      const age = Math.max(0, Math.floor(Date.now() / 1000) - (parseInt(value, 10) || 0));
      this.log('notice', `RDB age ${age} seconds`);
    } else if (key === 'used-mem') {
      state.usedMem = parseInt(value, 10) || 0;
      this.log('notice', `RDB memory usage when created ${(state.usedMem / (1024 * 1024)).toFixed(2)} Mb`);
    }
  }

  /** Applies IDLE/FREQ data from the file when the policy keeps that kind of data. */
  private loadAccess(): ((db: Db, key: string, info: AccessInfo) => void) | undefined {
    const policy = this.server.config.str('maxmemory-policy');
    const now = Date.now();
    if (policy.endsWith('-lru')) {
      return (db, key, info) => {
        if (info.idle === undefined) return;
        let word = (Math.floor(now / 1000) & LRU_CLOCK_MAX) - (info.idle % (LRU_CLOCK_MAX + 1));
        if (word < 0) word += LRU_CLOCK_MAX;
        db.setAccessWord(key, word);
      };
    }
    if (policy.endsWith('-lfu')) {
      return (db, key, info) => {
        if (info.freq !== undefined) db.setAccessWord(key, (((Math.floor(now / 60000) & 0xffff) << 8) | info.freq) >>> 0);
      };
    }
    return undefined;
  }

  debugReload(o: ReloadOptions): CommandError | null {
    // The reload replaces what a background save would be writing: stop it first.
    this.killBgsave('reload');
    if (o.save && !this.saveSync()) return Err.saveFailed();
    if (o.flush) this.server.ks.clearAll();
    const t = this.target('');
    let buf: Buffer;
    try {
      buf = readFileSync(join(t.dir, t.filename));
    } catch (e) {
      this.log('warning', `Fatal error loading the DB: ${strerror(e)}. Exiting.`);
      return Err.debugReloadFailed();
    }
    const load = this.beginLoad(buf, o.merge);
    if (load === null) return Err.debugReloadFailed();
    let ok: boolean;
    try {
      ok = this.endLoad(load, this.driveSync(load.loader!), null);
    } catch (e) {
      ok = this.endLoad(load, null, e);
    }
    if (!ok) return Err.debugReloadFailed();
    this.log('notice', 'DB reloaded by DEBUG RELOAD');
    return null;
  }

  /** FLUSHALL: like Redis, stop a background save and save the empty dataset when save points exist. */
  flushedAll(): void {
    this.killBgsave('flushall');
    if (this.hasSavePoints()) this.saveSync();
  }

  // ---- shutdown ----

  /** The lifecycle's final save: stops a background save, then saves synchronously. */
  finalSave(): boolean {
    return this.saveSync();
  }

  /** The server is closing: a background save in progress is abandoned. */
  close(): void {
    if (this.running === null) return;
    const bg = this.running;
    this.running = null;
    bg.snap.cancel('server closed');
  }

  // ---- INFO ----

  infoFields(): [string, string | number][] {
    const bg = this.running;
    const now = Date.now();
    const fields: [string, string | number][] = [
      ['loading', this.server.ks.loading ? 1 : 0],
      ['async_loading', 0],
      ['current_cow_peak', bg === null ? 0 : bg.snap.cowBytes],
      ['current_cow_size', bg === null ? 0 : bg.snap.cowBytes],
      ['current_cow_size_age', bg === null ? 0 : Math.floor((now - bg.startMs) / 1000)],
      ['current_fork_perc', bg === null || bg.snap.keysTotal === 0 ? '0.00' : ((bg.snap.keysWritten * 100) / bg.snap.keysTotal).toFixed(2)],
      ['current_save_keys_processed', bg === null ? 0 : bg.snap.keysWritten],
      ['current_save_keys_total', bg === null ? 0 : bg.snap.keysTotal],
      ['rdb_changes_since_last_save', this.server.ks.dirty],
      ['rdb_bgsave_in_progress', bg === null ? 0 : 1],
      ['rdb_last_save_time', this.lastSaveSec],
      ['rdb_last_bgsave_status', this.lastBgsaveOk ? 'ok' : 'err'],
      ['rdb_last_bgsave_time_sec', this.lastBgsaveTimeSec],
      ['rdb_current_bgsave_time_sec', bg === null ? -1 : Math.floor((now - bg.startMs) / 1000)],
      ['rdb_saves', this.rdbSaves],
      ['rdb_last_cow_size', this.lastCowSize],
      ['rdb_last_load_keys_expired', this.lastLoadExpired],
      ['rdb_last_load_keys_loaded', this.lastLoadKeys],
    ];
    return fields;
  }

  /** The loading_* fields Redis appends to INFO persistence while it loads. */
  loadingFields(): [string, string | number][] {
    const ls = this.loadingState;
    if (ls === null) return [];
    const loaded = ls.loader?.position ?? 0;
    const elapsed = Math.floor(Date.now() / 1000) - ls.startSec;
    const perc = ls.totalBytes === 0 ? 100 : (loaded * 100) / ls.totalBytes;
    const eta = loaded === 0 ? 1 : Math.floor((elapsed * (ls.totalBytes - loaded)) / (loaded + 1));
    return [
      ['loading_start_time', ls.startSec],
      ['loading_total_bytes', ls.totalBytes],
      ['loading_rdb_used_mem', ls.usedMem],
      ['loading_loaded_bytes', loaded],
      ['loading_loaded_perc', perc.toFixed(2)],
      ['loading_eta_seconds', eta],
    ];
  }
}
