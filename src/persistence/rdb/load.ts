// Loads an RDB file held in a buffer into databases, with Redis's rules: keys whose expire time
// has passed are dropped when loading as a primary, empty collections are skipped, a key seen
// twice in one database is an error, a database index beyond the configured count is an error.
// The databases may be partly filled when an error is thrown: callers load into fresh ones.

import type { Db } from '../../keyspace/db.js';
import { fail } from './bytes.js';
import { readRdb, type FileReadOptions, type ReadResult } from './reader.js';
import type { AccessInfo } from './writer.js';

export interface LoadOptions extends FileReadOptions {
  /** Drop keys that expired before this time (ms); undefined keeps them (a replica loading). */
  dropExpiredBefore?: number;
  /** Receives per-key LRU/LFU data from the file (the keyspace may record it). */
  access?: (db: Db, key: string, info: AccessInfo) => void;
}

export interface LoadResult extends ReadResult {
  keys: number;
  expiredSkipped: number;
  emptySkipped: string[];
  aux: Map<string, string>;
}

export function loadRdb(buf: Buffer, dbs: readonly Db[], o: LoadOptions): LoadResult {
  const aux = new Map<string, string>();
  const emptySkipped: string[] = [];
  let keys = 0;
  let expiredSkipped = 0;
  const dbAt = (i: number): Db => {
    const db = dbs[i];
    if (db === undefined) {
      fail(`Data file was created with a Redis server configured to handle more than ${dbs.length} databases`);
    }
    return db;
  };
  const r = readRdb(buf, {
    aux: (k, v) => { aux.set(k, v); },
    selectDb: (i) => { dbAt(i); },
    emptyKey: (_db, key) => { emptySkipped.push(key); },
    key: (e) => {
      const db = dbAt(e.db);
      if (db.slotTable(db.slotOf(e.key))?.has(e.key)) fail(`RDB has duplicated key '${e.key}' in DB ${e.db}`);
      if (e.expireMs !== undefined && o.dropExpiredBefore !== undefined && e.expireMs < o.dropExpiredBefore) {
        expiredSkipped++;
        return;
      }
      db.set(e.key, e.value, true);
      if (e.expireMs !== undefined) db.setExpire(e.key, e.expireMs);
      if (o.access !== undefined && (e.idle !== undefined || e.freq !== undefined)) {
        o.access(db, e.key, { idle: e.idle, freq: e.freq });
      }
      keys++;
    },
  }, o);
  return { ...r, keys, expiredSkipped, emptySkipped, aux };
}
