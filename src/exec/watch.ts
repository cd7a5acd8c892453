// WATCH: which clients watch which keys of which db, and marking them "dirty CAS" (CLIENT LIST
// flag 'd') when a watched key is modified, expires, or is flushed or swapped away. Fed by the
// keyspace hooks (keyChanged, flushing, swapped); it never runs commands or writes replies.
// The dirty flag itself lives in the client's flag letters so that it outlives the watch list.

import type { Db } from '../keyspace/db.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import type { Client } from '../session/client.js';

/** One client watching one key. */
interface Watch {
  readonly client: Client;
  readonly db: number;
  readonly key: string;
  /**
   * The key was already logically expired when WATCHed (Redis 7): its lazy or active deletion
   * is then no change, and EXEC does not fail just because it is still expired.
   */
  expired: boolean;
}

/** The CLIENT LIST flag letter of a client whose watched keys were touched. */
export const DIRTY_CAS = 'd';

export class Watches {
  /** Per db: key → the watches on it (in WATCH order). */
  private readonly byDb: Map<string, Watch[]>[];
  /** Per client: its watches, for UNWATCH and cleanup. */
  private readonly byClient = new Map<Client, Watch[]>();
  /** Watched (client, key) pairs in all dbs: the hot-path test in keyChanged. */
  private total = 0;

  constructor(private readonly ks: Keyspace) {
    this.byDb = ks.dbs.map(() => new Map<string, Watch[]>());
  }

  /** Watched (client, key) pairs in all dbs. */
  get size(): number {
    return this.total;
  }

  /** Number of keys a client watches. */
  countOf(client: Client): number {
    return this.byClient.get(client)?.length ?? 0;
  }

  /** WATCH key in the client's db (a key already watched there is not added twice). */
  watch(client: Client, db: Db, key: string): void {
    let mine = this.byClient.get(client);
    if (mine === undefined) {
      mine = [];
      this.byClient.set(client, mine);
    } else {
      for (const w of mine) if (w.db === db.index && w.key === key) return;
    }
    const w: Watch = { client, db: db.index, key, expired: db.isExpired(key) };
    mine.push(w);
    const map = this.byDb[db.index]!;
    const list = map.get(key);
    if (list === undefined) map.set(key, [w]);
    else list.push(w);
    this.total++;
  }

  /** Forgets every watch of a client (UNWATCH, EXEC, DISCARD, RESET, disconnect, once dirty). */
  unwatchAll(client: Client): void {
    const mine = this.byClient.get(client);
    if (mine === undefined) return;
    this.byClient.delete(client);
    for (const w of mine) {
      const map = this.byDb[w.db]!;
      const list = map.get(w.key)!;
      if (list.length === 1) {
        map.delete(w.key);
      } else {
        list.splice(list.indexOf(w), 1);
      }
    }
    this.total -= mine.length;
  }

  /**
   * A key was modified (Db.changed, including expired-key deletions). Every watcher becomes
   * dirty, except one that watched an already expired key which is now simply gone.
   */
  keyChanged(db: Db, key: string): void {
    if (this.total === 0) return;
    const list = this.byDb[db.index]!.get(key);
    if (list === undefined) return;
    let dirty: Client[] | null = null;
    for (const w of list) {
      if (w.expired) {
        // Deleting a key that was already expired when watched changes nothing logically.
        if (!stored(db, key)) {
          w.expired = false;
          continue;
        }
      }
      (dirty ??= []).push(w.client);
    }
    if (dirty !== null) for (const c of dirty) this.markDirty(c);
  }

  /** A database is about to be emptied (FLUSHDB, FLUSHALL, a full resync): before the clear. */
  flushing(db: Db): void {
    if (this.total === 0) return;
    const map = this.byDb[db.index]!;
    if (map.size === 0) return;
    let dirty: Client[] | null = null;
    for (const [key, list] of map) {
      // Only keys that exist (even logically expired) are touched by emptying the db.
      if (!stored(db, key)) continue;
      for (const w of list) {
        if (w.expired) {
          w.expired = false; // an expired key being deleted is no logical change
          continue;
        }
        (dirty ??= []).push(w.client);
      }
    }
    if (dirty !== null) for (const c of dirty) this.markDirty(c);
  }

  /** SWAPDB a b happened (called after the contents were exchanged). */
  swapped(a: number, b: number): void {
    if (this.total === 0 || a === b) return;
    const dbs = this.ks.dbs;
    // Watchers stay on their db index: db a's old contents are now in db b and vice versa.
    const dirty: Client[] = [];
    this.swappedSide(a, dbs[b]!, dbs[a]!, dirty);
    this.swappedSide(b, dbs[a]!, dbs[b]!, dirty);
    for (const c of dirty) this.markDirty(c);
  }

  /** Watchers of db `index`, whose contents went from `before` to `after`. */
  private swappedSide(index: number, before: Db, after: Db, dirty: Client[]): void {
    for (const [key, list] of this.byDb[index]!) {
      const wasThere = stored(before, key);
      const isThere = stored(after, key);
      if (!wasThere && !isThere) continue;
      for (const w of list) {
        if (w.expired) {
          if (!isThere) {
            w.expired = false; // an expired key replaced by nothing: no logical change
            continue;
          }
          if (after.isExpired(key)) continue; // still an expired key
        } else if (!wasThere && after.isExpired(key)) {
          w.expired = true; // a missing key replaced by an expired one: still missing
          continue;
        }
        dirty.push(w.client);
      }
    }
  }

  /**
   * At EXEC: a watched key that was alive when watched and has expired since counts as changed,
   * even when nothing has deleted it yet.
   */
  expiredSinceWatch(client: Client): boolean {
    const mine = this.byClient.get(client);
    if (mine === undefined) return false;
    const dbs = this.ks.dbs;
    for (const w of mine) if (!w.expired && dbs[w.db]!.isExpired(w.key)) return true;
    return false;
  }

  /** Marks a client dirty; its other watches no longer matter, so they are dropped. */
  private markDirty(c: Client): void {
    c.flagLetters.add(DIRTY_CAS);
    this.unwatchAll(c);
  }
}

/** True when the key is stored in the db, expired or not, without expiring it. */
function stored(db: Db, key: string): boolean {
  return db.hasStored(key);
}
