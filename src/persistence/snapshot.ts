// Forkless point-in-time snapshots. Node cannot fork(), so a snapshot walks every database slot
// by slot in small time slices between client work and, as a keyspace ChangeObserver, writes a
// key's old value first whenever a command is about to change a key its walk has not reached.
// Starting costs no copy: extra memory is what was written out of order (plus tables a FLUSH or
// SWAPDB handed over). Bytes go to one or more sinks (a file, later replica sockets); this module
// knows no server, no config and no file names.

import type { Db, KeyTable } from '../keyspace/db.js';
import type { EntryFn } from '../keyspace/key-table.js';
import type { ChangeObserver, Keyspace } from '../keyspace/keyspace.js';
import type { Value } from '../keyspace/value.js';
import { SLOT_COUNT } from '../util/crc16.js';
import { RdbEncoder, type AccessInfo, type AuxFields, type RdbWriteOptions } from './rdb/writer.js';

/**
 * What a snapshot writes into. RdbEncoder is one (the snapshot writes its header at start());
 * an AOF base file in command form is another (its creator writes any header).
 */
export interface SnapshotEncoder {
  /** Starts a database the first time (RDB: SELECTDB and RESIZEDB with the counts at the start). */
  selectDb(index: number, size: number, expires: number): void;
  /** Switches back to a database already started (a key written out of order). */
  selectOnly(index: number): void;
  entry(key: string, value: Value, expireMs?: number, access?: AccessInfo): void;
  /** Ends the file (RDB: EOF and checksum). */
  finish(): void;
  /** Bytes encoded since the last take(). */
  readonly pending: number;
  take(): Buffer;
}

/** Where snapshot bytes go. One snapshot feeds every sink it was started with. */
export interface SnapshotSink {
  /** Bytes accepted but not yet written out (the walk waits above a high-water mark). */
  readonly backlog: number;
  /** The first write error; the snapshot fails when one appears. */
  readonly error: Error | null;
  write(chunk: Buffer): void;
  /** Resolves once the backlog is small again (or the sink failed). */
  drained(): Promise<void>;
  /** Everything was written: make it durable and visible (a file: fsync, rename). */
  finish(): Promise<void>;
  /** Gives up: removes partial output. Never throws. */
  abort(): void;
}

export interface SnapshotOptions {
  rdb: RdbWriteOptions;
  /** Aux fields as of the start (the replication offset and stream db belong to that moment). */
  aux: AuxFields;
  /** Another encoding than an RDB file from `rdb` and `aux` (an AOF base); its header is written. */
  encoder?: SnapshotEncoder;
  /** An image without any key (replicas asking for rdb-filter-only): header and end only. */
  withoutData?: boolean;
  /** Eviction data to save for a key's access word (LRU/LFU policies), or nothing. */
  accessOf?: (word: number) => AccessInfo | undefined;
  /** Time budget of one slice in ms. */
  sliceMs?: number;
  /** rdb-key-save-delay: microseconds per key (negative: 1 µs every -n keys on average). */
  keyDelayUs?: number;
  /** Sink backlog in bytes above which the walk pauses. */
  highWater?: number;
  random?: () => number;
}

export interface SnapshotResult {
  keys: number;
  bytes: number;
  /** Bytes written out of order because a command was about to change a key (INFO cow size). */
  cowBytes: number;
  ms: number;
}

/** Slots with more keys than this are walked key by key across slices. */
const WHOLE_SLOT_KEYS = 4096;

/** One database as it was at the start. */
interface Image {
  readonly index: number;
  /** The Db currently holding this image's tables; changes to it are intercepted. */
  holder: Db | null;
  /** The table handed over by a FLUSH (holder null): nothing changes it any more. */
  frozen: KeyTable | null;
  /** The db's table hash (the same for the frozen table). */
  readonly hashOf: (key: string) => number;
  frozenExpires: Map<string, number> | null;
  readonly size: number;
  readonly volatile: number;
  /** Slots below this one are written. */
  slot: number;
  /** Keys of the slot being walked that are still to be written (a slot split over slices). */
  pending: Set<string> | null;
  pendingKeys: string[] | null;
  pendingPos: number;
  /** Keys of unreached slots already handled out of order: written, or created after the start. */
  readonly done: Map<number, Set<string>>;
  announced: boolean;
}

export class SnapshotCancelled extends Error {
  constructor(why: string) {
    super(why);
    this.name = 'SnapshotCancelled';
  }
}

export class Snapshot implements ChangeObserver {
  private readonly images: Image[] = [];
  private readonly byHolder = new Map<Db, Image>();
  private readonly enc: SnapshotEncoder;
  private readonly rdbEnc: RdbEncoder | null;
  private readonly sliceMs: number;
  private readonly keyDelayUs: number;
  private readonly highWater: number;
  private readonly random: () => number;
  private imageIndex = 0;
  private streamDb = -1;
  private debtUs = 0;
  private cancelled: SnapshotCancelled | null = null;
  private running = false;
  /** Keys written so far, and the total at the start (INFO current_save_keys_*). */
  keysWritten = 0;
  readonly keysTotal: number;
  bytesWritten = 0;
  cowBytes = 0;
  readonly startedAt = Date.now();

  constructor(private readonly ks: Keyspace, private readonly sinks: readonly SnapshotSink[], private readonly opts: SnapshotOptions) {
    this.rdbEnc = opts.encoder === undefined ? new RdbEncoder(opts.rdb) : null;
    this.enc = opts.encoder ?? this.rdbEnc!;
    this.sliceMs = opts.sliceMs ?? 2;
    this.keyDelayUs = opts.keyDelayUs ?? 0;
    this.highWater = opts.highWater ?? 8 * 1024 * 1024;
    this.random = opts.random ?? Math.random;
    let total = 0;
    for (const db of opts.withoutData === true ? [] : ks.dbs) {
      const img: Image = {
        index: db.index, holder: db, frozen: null, frozenExpires: null, hashOf: db.tableHash, size: db.size, volatile: db.expires.size,
        slot: db.size === 0 ? SLOT_COUNT : 0, pending: null, pendingKeys: null, pendingPos: 0, done: new Map(), announced: false,
      };
      total += db.size;
      this.images.push(img);
      this.byHolder.set(db, img);
    }
    this.keysTotal = total;
  }

  /**
   * Starts the snapshot at this very moment (the header is written now, the observer is
   * registered now) and resolves when every sink finished, or rejects with the first error.
   */
  start(): Promise<SnapshotResult> {
    if (this.running) throw new Error('snapshot already started');
    this.running = true;
    this.rdbEnc?.header(this.opts.aux);
    if (this.images.length > 0) this.ks.addObserver(this);
    return this.run();
  }

  /** Stops the snapshot and removes partial output (SHUTDOWN, a failed replica). */
  cancel(why = 'snapshot cancelled'): void {
    if (this.cancelled !== null) return;
    this.cancelled = new SnapshotCancelled(why);
    this.ks.removeObserver(this);
    for (const s of this.sinks) s.abort();
  }

  get inProgress(): boolean {
    return this.running;
  }

  // ---- ChangeObserver ----

  beforeChange(db: Db, key: string, slot: number): void {
    const img = this.byHolder.get(db);
    if (img === undefined || slot < img.slot) return;
    if (slot === img.slot && img.pending !== null) {
      // The slot being walked: write the key now unless the walk already did.
      if (img.pending.delete(key)) this.writeOutOfOrder(img, db.table, key);
      return;
    }
    let set = img.done.get(slot);
    if (set === undefined) img.done.set(slot, set = new Set());
    else if (set.has(key)) return;
    // Remembered even when the key does not exist: then it is being created after the start
    // and the walk must not write it.
    set.add(key);
    this.writeOutOfOrder(img, db.table, key);
  }

  beforeClear(db: Db): void {
    const img = this.byHolder.get(db);
    if (img === undefined) return;
    // The Db is about to get new tables: keep the old ones, which nothing will change again.
    this.byHolder.delete(db);
    img.holder = null;
    if (img.slot >= SLOT_COUNT) return;
    img.frozen = db.table;
    img.frozenExpires = db.expires;
  }

  beforeSwap(a: Db, b: Db): void {
    // Contents move with their tables: each image follows its tables to the other Db.
    const ia = this.byHolder.get(a);
    const ib = this.byHolder.get(b);
    this.byHolder.delete(a);
    this.byHolder.delete(b);
    if (ia !== undefined) {
      ia.holder = b;
      this.byHolder.set(b, ia);
    }
    if (ib !== undefined) {
      ib.holder = a;
      this.byHolder.set(a, ib);
    }
  }

  // ---- writing ----

  private tableOf(img: Image): KeyTable {
    return img.holder !== null ? img.holder.table : img.frozen!;
  }

  private expireOf(img: Image, key: string): number | undefined {
    const m = img.holder !== null ? img.holder.expires : img.frozenExpires!;
    return m.size > 0 ? m.get(key) : undefined;
  }

  private emit(img: Image, key: string, value: Value, word: number): void {
    if (this.streamDb !== img.index) {
      if (img.announced) {
        this.enc.selectOnly(img.index);
      } else {
        this.enc.selectDb(img.index, img.size, img.volatile);
        img.announced = true;
      }
      this.streamDb = img.index;
    }
    this.enc.entry(key, value, this.expireOf(img, key), this.opts.accessOf?.(word));
    this.keysWritten++;
  }

  private writeOutOfOrder(img: Image, t: KeyTable, key: string): void {
    // peekFind: the caller (Db) holds a position in this table across the hook.
    const i = t.peekFind(key, img.hashOf(key));
    if (i === -1) return;
    const before = this.enc.pending;
    this.emit(img, key, t.valueAt(i), t.metaAt(i));
    this.cowBytes += this.enc.pending - before;
  }

  /** One time slice of the walk: 'done', 'more', or a number of ms to wait (key delay). */
  private slice(): 'done' | 'more' | number {
    const deadline = performance.now() + this.sliceMs;
    let steps = 0;
    while (this.imageIndex < this.images.length) {
      const img = this.images[this.imageIndex]!;
      if (img.slot >= SLOT_COUNT) {
        this.imageIndex++;
        continue;
      }
      if ((++steps & 63) === 0 && performance.now() > deadline) return 'more';
      if (img.pending !== null) {
        const r = this.walkPending(img, deadline);
        if (r !== null) return r;
        continue;
      }
      const t = this.tableOf(img);
      if (t.size === 0) {
        img.slot = SLOT_COUNT - 1;
        this.endSlot(img);
        continue;
      }
      this.collectSlot(t, img.slot);
      if (this.keyDelayUs === 0 && this.slotKeys.length <= WHOLE_SLOT_KEYS) {
        this.walkWhole(img);
        if (performance.now() > deadline) return 'more';
        continue;
      }
      this.beginPending(img);
    }
    return 'done';
  }

  /** The entries of one slot, gathered into slotKeys/slotValues/slotWords. */
  private readonly slotKeys: string[] = [];
  private readonly slotValues: Value[] = [];
  private readonly slotWords: number[] = [];
  private readonly gather: EntryFn = (k, v, w) => {
    this.slotKeys.push(k);
    this.slotValues.push(v);
    this.slotWords.push(w);
  };

  private collectSlot(t: KeyTable, slot: number): void {
    this.slotKeys.length = 0;
    this.slotValues.length = 0;
    this.slotWords.length = 0;
    t.forEachInSlot(slot, this.gather);
  }

  /** Writes a whole slot at once (gathered just now): nothing can change it meanwhile. */
  private walkWhole(img: Image): void {
    const skip = img.done.get(img.slot);
    const keys = this.slotKeys;
    for (let j = 0; j < keys.length; j++) {
      const k = keys[j]!;
      if (skip !== undefined && skip.has(k)) continue;
      this.emit(img, k, this.slotValues[j]!, this.slotWords[j]!);
    }
    this.slotValues.length = 0;
    this.endSlot(img);
  }

  private beginPending(img: Image): void {
    const skip = img.done.get(img.slot);
    const keys: string[] = [];
    for (const k of this.slotKeys) if (skip === undefined || !skip.has(k)) keys.push(k);
    this.slotValues.length = 0;
    img.done.delete(img.slot);
    img.pendingKeys = keys;
    img.pending = new Set(keys);
    img.pendingPos = 0;
  }

  /** Goes on with a slot split over slices; null once the slot is complete. */
  private walkPending(img: Image, deadline: number): 'more' | number | null {
    const keys = img.pendingKeys!;
    const pending = img.pending!;
    while (img.pendingPos < keys.length) {
      const k = keys[img.pendingPos++]!;
      // Keys changed meanwhile were written by beforeChange and left the pending set.
      if (!pending.delete(k)) continue;
      const t = this.tableOf(img);
      const i = t.peekFind(k, img.hashOf(k));
      // Only a change that bypassed the before-change hook could get here: never write a wrong image.
      if (i === -1) throw new Error(`snapshot: key vanished without the before-change hook (db ${img.index})`);
      this.emit(img, k, t.valueAt(i), t.metaAt(i));
      if (this.keyDelayUs !== 0) {
        const d = this.keyDelayUs > 0 ? this.keyDelayUs : (Math.floor(this.random() * -this.keyDelayUs) === 0 ? 1 : 0);
        this.debtUs += d;
        if (this.debtUs >= 1000) {
          const ms = Math.floor(this.debtUs / 1000);
          this.debtUs -= ms * 1000;
          return ms;
        }
      }
      if ((img.pendingPos & 31) === 0 && performance.now() > deadline) return 'more';
    }
    img.pending = null;
    img.pendingKeys = null;
    this.endSlot(img);
    return null;
  }

  private endSlot(img: Image): void {
    img.done.delete(img.slot);
    img.slot++;
    if (img.slot >= SLOT_COUNT) {
      // Release what the walk no longer needs.
      img.frozen = null;
      img.frozenExpires = null;
      img.done.clear();
    }
  }

  private flush(): void {
    if (this.enc.pending === 0) return;
    const chunk = this.enc.take();
    this.bytesWritten += chunk.length;
    for (const s of this.sinks) s.write(chunk);
  }

  private sinkError(): Error | null {
    for (const s of this.sinks) if (s.error !== null) return s.error;
    return null;
  }

  private backlog(): number {
    let max = 0;
    for (const s of this.sinks) if (s.backlog > max) max = s.backlog;
    return max;
  }

  private async run(): Promise<SnapshotResult> {
    const t0 = performance.now();
    try {
      for (;;) {
        if (this.cancelled !== null) throw this.cancelled;
        const r = this.slice();
        this.flush();
        const e = this.sinkError();
        if (e !== null) throw e;
        if (r === 'done') break;
        if (this.backlog() > this.highWater) await Promise.all(this.sinks.map((s) => s.drained()));
        if (typeof r === 'number') await sleep(r);
        else await nextTurn();
      }
      // The walk is complete: from here on changes no longer concern this snapshot.
      this.ks.removeObserver(this);
      this.enc.finish();
      this.flush();
      await Promise.all(this.sinks.map((s) => s.finish()));
      if (this.cancelled !== null) throw this.cancelled;
      return { keys: this.keysWritten, bytes: this.bytesWritten, cowBytes: this.cowBytes, ms: performance.now() - t0 };
    } catch (e) {
      this.ks.removeObserver(this);
      for (const s of this.sinks) s.abort();
      throw e;
    } finally {
      this.running = false;
    }
  }
}

function nextTurn(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
