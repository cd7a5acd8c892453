// Loads an RDB file held in a buffer into databases, with Redis's rules: keys whose expire time
// has passed are dropped when loading as a primary, empty collections are skipped, a key seen
// twice in one database is an error (unless merging: DEBUG RELOAD MERGE keeps the file's value),
// a database index beyond the configured count is an error. RdbLoader works in steps so that a
// server can keep answering (LOADING) during a long load; loadRdb() runs it to the end.
// The databases may be partly filled when an error is thrown: callers load into fresh ones.

import type { Db } from '../../keyspace/db.js';
import { fail } from './bytes.js';
import { RdbFileReader, type FileReadOptions, type ReadResult } from './reader.js';
import type { AccessInfo } from './writer.js';

export interface LoadOptions extends FileReadOptions {
  /** Drop keys that expired before this time (ms); undefined keeps them (a replica loading). */
  dropExpiredBefore?: number;
  /** Receives per-key LRU/LFU data from the file (the keyspace may record it). */
  access?: (db: Db, key: string, info: AccessInfo) => void;
  /** A key already present is replaced by the file's value instead of failing the load. */
  allowDuplicates?: boolean;
  /** Each aux field as it is read (the server logs redis-ver, ctime, used-mem). */
  aux?: (key: string, value: string) => void;
}

export interface LoadResult extends ReadResult {
  keys: number;
  expiredSkipped: number;
  emptySkipped: string[];
  aux: Map<string, string>;
}

export class RdbLoader {
  readonly aux = new Map<string, string>();
  readonly emptySkipped: string[] = [];
  keys = 0;
  expiredSkipped = 0;
  private readonly reader: RdbFileReader;
  /** The db the last SELECTDB named (RESIZEDB follows it). */
  private current: Db | null = null;

  constructor(buf: Buffer, dbs: readonly Db[], o: LoadOptions) {
    const dbAt = (i: number): Db => {
      const db = dbs[i];
      if (db === undefined) {
        fail(`Data file was created with a Redis server configured to handle more than ${dbs.length} databases`);
      }
      return db;
    };
    this.reader = new RdbFileReader(buf, {
      aux: (k, v) => {
        this.aux.set(k, v);
        o.aux?.(k, v);
      },
      selectDb: (i) => { this.current = dbAt(i); },
      // The db's size up front: its key table is sized once instead of doubling as keys come.
      resizeDb: (size) => { this.current?.reserve(size); },
      emptyKey: (_db, key) => { this.emptySkipped.push(key); },
      key: (e) => {
        const db = dbAt(e.db);
        // Redis drops an expired key before it looks for a duplicate.
        if (e.expireMs !== undefined && o.dropExpiredBefore !== undefined && e.expireMs < o.dropExpiredBefore) {
          this.expiredSkipped++;
          return;
        }
        // One probe: a store that does not grow the db met a duplicate (replaced, TTL dropped,
        // as deleting it first would).
        const before = db.size;
        db.set(e.key, e.value, false);
        if (db.size === before && o.allowDuplicates !== true) fail(`RDB has duplicated key '${e.key}' in DB ${e.db}`);
        if (e.expireMs !== undefined) db.setExpire(e.key, e.expireMs);
        if (o.access !== undefined && (e.idle !== undefined || e.freq !== undefined)) {
          o.access(db, e.key, { idle: e.idle, freq: e.freq });
        }
        this.keys++;
      },
    }, o);
  }

  /** Bytes of the file consumed so far. */
  get position(): number { return this.reader.position; }

  /** Loads at most maxKeys more keys; the result once the file is complete, else null. */
  step(maxKeys: number): LoadResult | null {
    const r = this.reader.step(maxKeys);
    if (r === null) return null;
    return { ...r, keys: this.keys, expiredSkipped: this.expiredSkipped, emptySkipped: this.emptySkipped, aux: this.aux };
  }
}

export function loadRdb(buf: Buffer, dbs: readonly Db[], o: LoadOptions): LoadResult {
  const l = new RdbLoader(buf, dbs, o);
  for (;;) {
    const r = l.step(Infinity);
    if (r !== null) return r;
  }
}
