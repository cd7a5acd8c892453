// Client-side caching (CLIENT TRACKING): the server-wide table of keys → ids of clients that read
// them, the BCAST prefix table with the keys modified in this event-loop turn, and sending
// invalidations (RESP3 pushes, or __redis__:invalidate messages to a RESP2 redirect target).
// Fed by the keyspace hooks, call() and beforeSleep; it never writes to sockets, only into
// clients' reply buffers (flushed by the session layer), and parses no command arguments.

import type { Command } from '../commands/table.js';
import { commandKeys } from '../commands/keys.js';
import type { Client } from '../session/client.js';

/** The channel a RESP2 redirect target receives invalidations on. */
export const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** CLIENT LIST flag letters: tracking on, redirect target gone, broadcasting mode. */
const FLAG_TRACKING = 't';
const FLAG_BROKEN_REDIRECT = 'R';
const FLAG_BCAST = 'B';

/** Readonly commands whose keys are not tracked themselves (only what their scripts read). */
const SCRIPT_READERS = new Set(['eval_ro', 'evalsha_ro', 'fcall_ro']);

/** One client's tracking mode (Client.tracking, null while tracking is off). */
export class ClientTracking {
  /** Client id invalidations go to; 0 for the client itself. */
  redirect = 0;
  bcast = false;
  optin = false;
  optout = false;
  noloop = false;
  /** CLIENT CACHING was given for the next command (or transaction). */
  caching = false;
  /** The redirect target was found gone when an invalidation was due. */
  brokenRedirect = false;
  /** BCAST prefixes (the empty prefix when BCAST was given without PREFIX). */
  readonly prefixes = new Set<string>();
}

/** The options of one CLIENT TRACKING ON, already validated by the command. */
export interface TrackingOptions {
  redirect: number;
  bcast: boolean;
  optin: boolean;
  optout: boolean;
  noloop: boolean;
  prefixes: readonly string[];
}

/** What commands see of tracking (ServerApi.tracking). */
export interface TrackingApi {
  enable(c: Client, opts: TrackingOptions): void;
  disable(c: Client): void;
  readonly totalKeys: number;
  readonly totalItems: number;
  readonly totalPrefixes: number;
}

/** What the tracking service needs from the server. */
export interface TrackingHost {
  readonly clients: { get(id: number): Client | undefined; [Symbol.iterator](): IterableIterator<Client> };
  /** The client whose command is running (set by call()), or null between commands. */
  readonly currentClient: Client | null;
  /** Run after the current client's command, once its reply is written. */
  afterCommand: ((c: Client) => void) | null;
  scheduleFlush(c: Client): void;
  /** Makes sure beforeSleep runs at the end of this event-loop turn. */
  requestFlush(): void;
}

/** One tracked key: the ids of clients that may cache it, and its slot in the eviction array. */
interface TrackedKey {
  readonly key: string;
  readonly ids: Set<number>;
  pos: number;
}

/** One BCAST prefix: its clients, and the keys modified this turn with their last writer. */
interface Broadcast {
  readonly clients: Set<Client>;
  keys: Map<string, Client | null>;
}

export class Tracking implements TrackingApi {
  /** Set once a client enables tracking: until then keyspace hooks return at once. */
  armed = false;
  /** tracking-table-max-keys (0: no limit), mirrored by the server. */
  maxKeys = 0;
  /** Clients with tracking on (INFO tracking_clients). */
  clientCount = 0;
  private readonly table = new Map<string, TrackedKey>();
  /** The same entries in an array, for picking random keys to evict. */
  private readonly order: TrackedKey[] = [];
  private items = 0;
  private readonly prefixTable = new Map<string, Broadcast>();
  /** Keys modified this turn under some BCAST prefix: beforeSleep has messages to send. */
  private broadcastDue = false;
  /** Invalidations for the running client, sent after its reply (null: everything, a flush). */
  private pending: (string | null)[] = [];
  /** Consecutive beforeSleep runs that ended still over tracking-table-max-keys. */
  private overLimitRuns = 0;

  constructor(private readonly host: TrackingHost) {}

  get totalKeys(): number { return this.table.size; }
  get totalItems(): number { return this.items; }
  get totalPrefixes(): number { return this.prefixTable.size; }

  // ---- enabling and disabling ----

  /** CLIENT TRACKING ON: a repeated ON keeps prefixes, replaces the other options. */
  enable(c: Client, opts: TrackingOptions): void {
    let t = c.tracking;
    if (t === null) {
      t = c.tracking = new ClientTracking();
      this.clientCount++;
      c.flagLetters.add(FLAG_TRACKING);
    }
    this.armed = true;
    t.redirect = opts.redirect;
    t.brokenRedirect = false;
    c.flagLetters.delete(FLAG_BROKEN_REDIRECT);
    t.optin = opts.optin;
    t.optout = opts.optout;
    t.noloop = opts.noloop;
    t.bcast = opts.bcast;
    c.trackingRedirect = opts.redirect;
    if (opts.bcast) {
      c.flagLetters.add(FLAG_BCAST);
      if (opts.prefixes.length === 0) this.addPrefix(c, t, '');
      for (const p of opts.prefixes) this.addPrefix(c, t, p);
    } else {
      c.flagLetters.delete(FLAG_BCAST);
    }
  }

  private addPrefix(c: Client, t: ClientTracking, prefix: string): void {
    let b = this.prefixTable.get(prefix);
    if (b === undefined) {
      b = { clients: new Set(), keys: new Map() };
      this.prefixTable.set(prefix, b);
    }
    b.clients.add(c);
    t.prefixes.add(prefix);
  }

  /**
   * CLIENT TRACKING OFF, RESET, disconnects. The client's ids stay in the key table and are
   * skipped when their key is invalidated (as Redis does, so that freeing a client that read
   * many keys costs nothing).
   */
  disable(c: Client): void {
    const t = c.tracking;
    if (t === null) return;
    for (const p of t.prefixes) {
      const b = this.prefixTable.get(p)!;
      b.clients.delete(c);
      if (b.clients.size === 0) this.prefixTable.delete(p);
    }
    c.tracking = null;
    this.clientCount--;
    c.trackingRedirect = -1;
    c.flagLetters.delete(FLAG_TRACKING);
    c.flagLetters.delete(FLAG_BROKEN_REDIRECT);
    c.flagLetters.delete(FLAG_BCAST);
  }

  // ---- remembering what clients read (from call()) ----

  /**
   * After a command ran for a tracking client: remember the keys of a readonly command (the
   * keys of `cmd`, the caching mode of `tracker`, the client that sent the outermost command),
   * and at the end of the client's own command forget CLIENT CACHING, except inside MULTI and
   * after CLIENT itself (Redis lets CACHING cover the next command or transaction).
   */
  afterCall(tracker: Client, cmd: Command, argv: readonly string[], outermost: boolean): void {
    const t = tracker.tracking!;
    if (!t.bcast && cmd.flags.has('readonly') && !cmd.flags.has('pubsub') && !SCRIPT_READERS.has(cmd.fullName) &&
        (t.optin ? t.caching : !(t.optout && t.caching))) {
      this.remember(tracker.id, cmd, argv);
    }
    if (outermost && t.caching && tracker.multiCount < 0 && (cmd.parent ?? cmd).name !== 'client') t.caching = false;
  }

  private remember(id: number, cmd: Command, argv: readonly string[]): void {
    const keys = commandKeys(cmd, argv);
    for (let i = 0; i < keys.length; i++) {
      const key = argv[keys[i]!.pos]!;
      let e = this.table.get(key);
      if (e === undefined) {
        e = { key, ids: new Set(), pos: this.order.length };
        this.table.set(key, e);
        this.order.push(e);
      }
      if (!e.ids.has(id)) {
        e.ids.add(id);
        this.items++;
      }
    }
    if (this.maxKeys > 0 && this.table.size > this.maxKeys) this.host.requestFlush();
  }

  // ---- invalidating (keyspace hooks) ----

  /** A key was modified (written, deleted, expired, evicted): the keyspace's keyChanged hook. */
  keyChanged(key: string): void {
    if (!this.armed) return;
    if (this.prefixTable.size > 0) this.rememberForBroadcast(key);
    this.invalidate(key);
  }

  private rememberForBroadcast(key: string): void {
    const writer = this.host.currentClient;
    for (const [prefix, b] of this.prefixTable) {
      if (!key.startsWith(prefix)) continue;
      // Delete first so the last writer is the one remembered (NOLOOP skips its own keys).
      b.keys.set(key, writer);
      if (!this.broadcastDue) {
        this.broadcastDue = true;
        this.host.requestFlush();
      }
    }
  }

  /** Sends the key's invalidation to every client that read it, then forgets the key. */
  private invalidate(key: string): void {
    const e = this.table.get(key);
    if (e === undefined) return;
    this.removeEntry(e);
    const current = this.host.currentClient;
    const clients = this.host.clients;
    for (const id of e.ids) {
      const c = clients.get(id);
      const t = c?.tracking;
      // Clients gone, no longer tracking, or now broadcasting are skipped (lazy cleanup).
      if (t === undefined || t === null || t.bcast) continue;
      if (c === current) {
        if (t.noloop) continue;
        // The running client's own invalidations follow its reply (Redis 7.0.5 on).
        this.deferForCurrent(key);
      } else {
        this.send(c!, t, [key]);
      }
    }
  }

  private removeEntry(e: TrackedKey): void {
    this.table.delete(e.key);
    const last = this.order.pop()!;
    if (last !== e) {
      this.order[e.pos] = last;
      last.pos = e.pos;
    }
    this.items -= e.ids.size;
  }

  /**
   * FLUSHDB / FLUSHALL (any db: the tracking table spans all of them): every tracking client is
   * told that everything is invalid with a null, and the table is emptied.
   */
  flushed(): void {
    if (!this.armed) return;
    if (this.clientCount > 0) {
      const current = this.host.currentClient;
      for (const c of this.host.clients) {
        const t = c.tracking;
        if (t === null) continue;
        if (c === current) this.deferForCurrent(null);
        else this.send(c, t, null);
      }
    }
    this.table.clear();
    this.order.length = 0;
    this.items = 0;
  }

  private deferForCurrent(key: string | null): void {
    if (this.pending.length === 0) this.host.afterCommand = chainAfterCommand(this.host.afterCommand, this.sendPending);
    this.pending.push(key);
  }

  /** After the running client's reply (and after a whole EXEC): one message per key. */
  private readonly sendPending = (c: Client): void => {
    // Every part of a chained afterCommand clears the slot itself (see chainAfterCommand).
    this.host.afterCommand = null;
    const keys = this.pending;
    if (keys.length === 0) return;
    this.pending = [];
    const t = c.tracking;
    if (t === null || c.closing) return;
    for (const k of keys) this.send(c, t, k === null ? null : [k]);
  };

  // ---- beforeSleep: BCAST messages and the table's size limit ----

  /** Once per event-loop turn, before replies leave. */
  beforeSleep(): void {
    if (this.broadcastDue) {
      this.broadcastDue = false;
      this.broadcast();
    }
    this.limitTable();
  }

  private broadcast(): void {
    for (const b of this.prefixTable.values()) {
      if (b.keys.size === 0) continue;
      const modified = b.keys;
      b.keys = new Map();
      // Keys in byte order, as Redis walks its radix tree.
      const all = [...modified.keys()].sort(byteOrder);
      for (const c of b.clients) {
        const t = c.tracking!;
        if (!t.noloop) {
          this.send(c, t, all);
          continue;
        }
        const others = all.filter((k) => modified.get(k) !== c);
        if (others.length > 0) this.send(c, t, others);
      }
    }
  }

  /**
   * tracking-table-max-keys: over the limit, random keys are invalidated as if modified. The
   * effort grows with each turn that ended still over the limit, as in Redis.
   */
  private limitTable(): void {
    const max = this.maxKeys;
    if (max === 0 || this.table.size <= max) {
      this.overLimitRuns = 0;
      return;
    }
    let effort = 100 * (this.overLimitRuns + 1);
    while (effort-- > 0 && this.order.length > 0) {
      const e = this.order[Math.floor(Math.random() * this.order.length)]!;
      this.invalidate(e.key);
      if (this.table.size <= max) {
        this.overLimitRuns = 0;
        return;
      }
    }
    this.overLimitRuns++;
    this.host.requestFlush();
  }

  // ---- sending ----

  /**
   * One invalidation for tracking client `c`: to itself over RESP3, or to its redirect target
   * (a push over RESP3, a __redis__:invalidate message to a RESP2 client with subscriptions).
   * `keys` null means everything (a flush). A RESP2 client without redirect gets nothing.
   */
  private send(c: Client, t: ClientTracking, keys: readonly string[] | null): void {
    let to = c;
    if (t.redirect !== 0) {
      const target = this.host.clients.get(t.redirect);
      if (target === undefined) {
        t.brokenRedirect = true;
        c.flagLetters.add(FLAG_BROKEN_REDIRECT);
        if (c.resp === 3 && !c.closing) {
          const r = c.reply;
          r.push(2);
          r.bulk('tracking-redir-broken');
          r.integer(t.redirect);
          this.host.scheduleFlush(c);
        }
        return;
      }
      to = target;
    }
    if (to.closing || to.closeAfterReply) return;
    const r = to.reply;
    if (to.resp === 3) {
      r.push(2);
      r.bulk('invalidate');
    } else if (to !== c && to.subscriptions !== null) {
      // Any subscription will do: Redis checks the pub/sub mode, not the channel.
      r.push(3);
      r.bulk('message');
      r.bulk(INVALIDATE_CHANNEL);
    } else {
      return;
    }
    // The null is written in the receiver's protocol (Redis writes the tracking client's, which
    // a RESP2 receiver of a RESP3 tracker could not parse).
    if (keys === null) {
      r.null();
    } else {
      r.array(keys.length);
      for (let i = 0; i < keys.length; i++) r.bulk(keys[i]!);
    }
    if (to !== this.host.currentClient) this.host.scheduleFlush(to);
  }
}

/** Runs `next` after whatever already waits for the end of the current command. */
export function chainAfterCommand(
  prev: ((c: Client) => void) | null,
  next: (c: Client) => void,
): (c: Client) => void {
  if (prev === null || prev === next) return next;
  return (c) => {
    prev(c);
    next(c);
  };
}

function byteOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
