// Blocking is parking (docs/ARCHITECTURE.md §8): a command that cannot be served parks its client
// here on what it waits for (keys of its db, or a named server event such as replication acks),
// with a deadline. When one of those is signalled, the command is run again through the session
// layer after the current execution unit, first parked first served; timeouts and CLIENT UNBLOCK
// reply without running it. It never serves a command itself and knows no command.

import type { Command } from '../commands/table.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { typeName, type TypeName } from '../keyspace/value.js';
import type { Reply } from '../resp/reply.js';
import type { Client } from '../session/client.js';
import type { Ctx } from './context.js';

/** What a parked command waits for and how it answers when the wait ends without it running. */
export interface WaitSpec {
  /** Keys of the client's db whose change may let it run (empty when it waits for an event). */
  readonly keys: readonly string[];
  /** A key change wakes it only when the key then holds this type (null: any change). */
  readonly type: TypeName | null;
  /** Wake also when a key is deleted or holds another type (XREADGROUP: the group is gone). */
  readonly wakeOnNoKey?: boolean;
  /** A server event that wakes it instead of keys (WAIT: 'replication-ack'); see signalEvent. */
  readonly event?: string;
  /** Absolute deadline in ms since the epoch; 0 waits forever. */
  readonly deadline: number;
  /** The reply when the deadline passes or CLIENT UNBLOCK ... TIMEOUT ends the wait. */
  readonly timedOut: (reply: Reply, client: Client) => void;
}

/** What the blocking layer needs from the server (server/server.ts wires it). */
export interface BlockingHost {
  readonly ks: Keyspace;
  /** Nesting depth of call(): 0 outside any execution unit. */
  readonly depth: number;
  /**
   * Runs a parked client's command once more, as the next command of its queue; false when it
   * must wait (a pause) and stays queued first.
   */
  rerun(client: Client, argv: string[]): boolean;
  /** Runs the rest of a client's queue and writes its pending replies. */
  resume(client: Client): void;
  /** Command stats, slowlog and latency for a blocking command that ended (no MONITOR line). */
  commandEnded(client: Client, cmd: Command, argv: readonly string[], usec: number, failed: boolean): void;
  /** The MONITOR line of a command's first run. */
  feedMonitor(client: Client, cmd: Command, argv: readonly string[]): void;
}

/** One parked command. */
class Waiter {
  /** Position in the deadline heap, -1 when not in it. */
  heapIndex = -1;
  /** Microseconds spent in the runs that parked (stats count them once, at the end). */
  usec = 0;
  /** Keys without duplicates. */
  readonly keys: string[];

  constructor(
    readonly client: Client,
    readonly cmd: Command,
    readonly argv: string[],
    readonly dbIndex: number,
    readonly spec: WaitSpec,
  ) {
    this.keys = spec.keys.length < 2 ? spec.keys.slice() : [...new Set(spec.keys)];
  }
}

/** Clients waiting on each key of one database, in parking order. */
type KeyWaits = Map<string, Set<Waiter>>;

/** Longest setTimeout delay Node accepts; later deadlines re-arm on the way. */
const MAX_TIMER_MS = 0x7fffffff;

export class Blocking {
  /** Parked commands by client. */
  private readonly byClient = new Map<Client, Waiter>();
  /** Per db: key → waiters. */
  private readonly keyWaits: KeyWaits[] = [];
  /** Per db: keys with at least one waiter that wakes on deletion (total_blocking_keys_on_nokey). */
  private readonly noKeyCounts: Map<string, number>[] = [];
  /** Event name → waiters. */
  private readonly eventWaits = new Map<string, Set<Waiter>>();
  /** Signalled keys not handled yet, in signal order, without duplicates per db. */
  private readyKeys: { db: number; key: string }[] = [];
  private readonly readySets: Set<string>[] = [];
  private readyEvents: string[] = [];
  /** Clients unblocked inside a unit (CLIENT UNBLOCK) whose queues run after it. */
  private toResume: Client[] = [];
  /** Deadline min-heap. */
  private readonly heap: Waiter[] = [];
  private timer: NodeJS.Timeout | null = null;
  private timerAt = 0;
  private handling = false;
  private closed = false;
  /** The client whose command is being run again (read by call() for its stats). */
  rerunning: Client | null = null;
  /** True when something waits for the end of the current unit (read by call()). */
  pendingWork = false;

  constructor(private readonly host: BlockingHost, dbCount: number) {
    for (let i = 0; i < dbCount; i++) {
      this.keyWaits.push(new Map());
      this.noKeyCounts.push(new Map());
      this.readySets.push(new Set());
    }
  }

  // ---- parking ----

  /**
   * Parks the running command's client until `spec` is met. False when the command may not
   * block (inside MULTI/EXEC or a script): it must then answer as if its timeout had passed.
   * A command run again that still cannot be served keeps its place and original deadline.
   */
  park(ctx: Ctx, spec: WaitSpec): boolean {
    if (ctx.inTransaction) return false;
    const client = ctx.client;
    const existing = this.byClient.get(client);
    if (existing !== undefined) {
      // Only a re-run can find its own waiter: a parked client runs nothing else.
      client.blocked = true;
      return true;
    }
    const w = new Waiter(client, ctx.cmd, ctx.argv, client.dbIndex, spec);
    this.byClient.set(client, w);
    if (spec.event !== undefined) {
      let set = this.eventWaits.get(spec.event);
      if (set === undefined) this.eventWaits.set(spec.event, (set = new Set()));
      set.add(w);
    }
    const waits = this.keyWaits[w.dbIndex]!;
    const noKey = this.noKeyCounts[w.dbIndex]!;
    for (const key of w.keys) {
      let set = waits.get(key);
      if (set === undefined) waits.set(key, (set = new Set()));
      set.add(w);
      if (spec.wakeOnNoKey === true) noKey.set(key, (noKey.get(key) ?? 0) + 1);
    }
    if (spec.deadline > 0) this.heapPush(w);
    client.blocked = true;
    return true;
  }

  /** Forgets a waiter everywhere; the client is no longer blocked. */
  private remove(w: Waiter): void {
    if (this.byClient.get(w.client) !== w) return;
    this.byClient.delete(w.client);
    w.client.blocked = false;
    const waits = this.keyWaits[w.dbIndex]!;
    const noKey = this.noKeyCounts[w.dbIndex]!;
    for (const key of w.keys) {
      const set = waits.get(key);
      if (set !== undefined) {
        set.delete(w);
        if (set.size === 0) waits.delete(key);
      }
      if (w.spec.wakeOnNoKey === true) {
        const n = (noKey.get(key) ?? 1) - 1;
        if (n === 0) noKey.delete(key);
        else noKey.set(key, n);
      }
    }
    if (w.spec.event !== undefined) {
      const set = this.eventWaits.get(w.spec.event);
      if (set !== undefined) {
        set.delete(w);
        if (set.size === 0) this.eventWaits.delete(w.spec.event);
      }
    }
    if (w.heapIndex !== -1) this.heapRemove(w);
  }

  // ---- signals ----

  /** A key changed (the keyspace's keyChanged hook): cheap unless someone waits on it. */
  keyChanged(dbIndex: number, key: string): void {
    if (this.byClient.size === 0) return;
    if (!this.keyWaits[dbIndex]!.has(key)) return;
    const ready = this.readySets[dbIndex]!;
    if (ready.has(key)) return;
    ready.add(key);
    this.readyKeys.push({ db: dbIndex, key });
    this.workPending();
  }

  /** Wakes every command parked on a server event (replication acks for WAIT, ...). */
  signalEvent(event: string): void {
    if (!this.eventWaits.has(event) || this.readyEvents.includes(event)) return;
    this.readyEvents.push(event);
    this.workPending();
  }

  /** SWAPDB: every waited-on key of both databases may now hold something else. */
  swapped(a: number, b: number): void {
    for (const db of a === b ? [a] : [a, b]) {
      for (const key of this.keyWaits[db]!.keys()) this.keyChanged(db, key);
    }
  }

  /** FLUSHDB / FLUSHALL (-1): keys waited on by wake-on-deletion commands are gone. */
  flushed(dbIndex: number): void {
    for (let db = 0; db < this.noKeyCounts.length; db++) {
      if (dbIndex !== -1 && db !== dbIndex) continue;
      for (const key of this.noKeyCounts[db]!.keys()) this.keyChanged(db, key);
    }
  }

  private workPending(): void {
    this.pendingWork = true;
    // A change outside any command (active expiry) has no unit end to wait for.
    if (this.host.depth === 0 && !this.handling) setImmediate(() => this.afterUnit());
  }

  // ---- after each execution unit ----

  /** Runs again the commands whose keys or events were signalled, then resumes unblocked clients. */
  afterUnit(): void {
    if (this.handling || this.closed) return;
    this.handling = true;
    try {
      while (this.readyKeys.length > 0 || this.readyEvents.length > 0 || this.toResume.length > 0) {
        const keys = this.readyKeys;
        this.readyKeys = [];
        for (const { db, key } of keys) {
          // Removed first so that the runs below may signal the same key again.
          this.readySets[db]!.delete(key);
          this.serveKey(db, key);
        }
        const events = this.readyEvents;
        this.readyEvents = [];
        for (const e of events) {
          const set = this.eventWaits.get(e);
          if (set !== undefined) for (const w of [...set]) if (this.byClient.get(w.client) === w) this.runAgain(w);
        }
        const resume = this.toResume;
        this.toResume = [];
        for (const c of resume) if (!c.closing && !c.blocked) this.host.resume(c);
      }
    } finally {
      this.handling = false;
      this.pendingWork = false;
    }
  }

  /** Serves the waiters of one key in parking order while the key can serve them. */
  private serveKey(dbIndex: number, key: string): void {
    const set = this.keyWaits[dbIndex]!.get(key);
    if (set === undefined) return;
    const db = this.host.ks.dbs[dbIndex]!;
    // A snapshot: a waiter that parks again keeps its place but is not visited twice.
    for (const w of [...set]) {
      if (!set.has(w)) continue;
      // Looked at without side effects: an expired key reads as missing and is not deleted here.
      const value = db.isExpired(key) ? undefined : db.peek(key);
      const serves = value !== undefined && (w.spec.type === null || typeName(value) === w.spec.type);
      if (serves || w.spec.wakeOnNoKey === true) this.runAgain(w);
    }
  }

  /** Runs a parked command again; it parks again (keeping its place) or ends its wait. */
  private runAgain(w: Waiter): void {
    const client = w.client;
    client.blocked = false;
    this.rerunning = client;
    let ran: boolean;
    try {
      ran = this.host.rerun(client, w.argv);
    } finally {
      this.rerunning = null;
    }
    if (client.blocked || this.byClient.get(client) !== w) return;
    this.remove(w);
    if (ran && !client.closing) this.host.resume(client);
  }

  // ---- stats (from call()) ----

  /**
   * Bookkeeping of a run of a blocking command (call() hands it here instead of counting it):
   * a run that parks counts nothing and only its first run shows in MONITOR, as in Redis 7.2;
   * the run that ends the wait counts once with the time of every run.
   */
  afterCall(client: Client, cmd: Command, argv: readonly string[], usec: number, failed: boolean): void {
    const w = this.byClient.get(client);
    if (w === undefined) return;
    if (client.blocked) {
      if (this.rerunning !== client) this.host.feedMonitor(client, cmd, argv);
      w.usec += usec;
      return;
    }
    this.countEnd(w, w.usec + usec, failed);
    w.usec = 0;
  }

  private countEnd(w: Waiter, usec: number, failed: boolean): void {
    const stats = w.cmd.stats;
    stats.calls++;
    stats.usec += usec;
    if (failed) stats.failed++;
    this.host.commandEnded(w.client, w.cmd, w.argv, usec, failed);
  }

  // ---- ending a wait without running the command ----

  /**
   * CLIENT UNBLOCK: ends a client's wait with its timeout reply or the UNBLOCKED error; false
   * when the client is not parked by a blocking command (a paused client is not).
   */
  unblock(client: Client, errorText: string | null): boolean {
    const w = this.byClient.get(client);
    if (w === undefined || !client.blocked) return false;
    this.finish(w, errorText);
    // Its queue runs after the current unit, never inside it.
    this.toResume.push(client);
    this.workPending();
    return true;
  }

  /**
   * The server becomes a replica (REPLICAOF host port, FAILOVER): every parked command gets the
   * error and its client is closed once the reply is written, as Redis does. Clients held by a
   * pause are not parked here (Redis's postponed clients are spared too): they run once it ends.
   * Returns how many were ended.
   */
  disconnectAll(errorText: string): number {
    let n = 0;
    for (const w of [...this.byClient.values()]) {
      if (!w.client.blocked) continue;
      this.finish(w, errorText);
      w.client.closeAfterReply = true;
      this.toResume.push(w.client);
      n++;
    }
    if (n > 0) this.workPending();
    return n;
  }

  /** Ends a wait with the timeout reply (or an error): stats count the command once. */
  private finish(w: Waiter, errorText: string | null): void {
    this.remove(w);
    const client = w.client;
    // CLIENT REPLY OFF holds for replies written outside the command too.
    if (client.replyMode !== 'off') {
      if (errorText === null) w.spec.timedOut(client.reply, client);
      else client.reply.error(errorText);
    }
    this.countEnd(w, w.usec, errorText !== null);
  }

  /** A client is gone: it leaves every key list. */
  clientClosed(client: Client): void {
    const w = this.byClient.get(client);
    if (w !== undefined) this.remove(w);
  }

  // ---- introspection (INFO clients) ----

  /** Clients parked by blocking commands. */
  get blockedClients(): number {
    return this.byClient.size;
  }

  /** Parked clients with a deadline (INFO clients_in_timeout_table). */
  get clientsWithTimeout(): number {
    return this.heap.length;
  }

  /** Keys with at least one waiter, over all databases (INFO total_blocking_keys). */
  get blockingKeys(): number {
    let n = 0;
    for (const m of this.keyWaits) n += m.size;
    return n;
  }

  /** Of those, keys whose deletion also wakes a waiter (INFO total_blocking_keys_on_nokey). */
  get blockingKeysOnNoKey(): number {
    let n = 0;
    for (const m of this.noKeyCounts) n += m.size;
    return n;
  }

  close(): void {
    this.closed = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  // ---- deadlines: a min-heap and one timer for the earliest ----

  private heapPush(w: Waiter): void {
    const h = this.heap;
    w.heapIndex = h.length;
    h.push(w);
    this.siftUp(w.heapIndex);
    if (h[0] === w) this.arm();
  }

  private heapRemove(w: Waiter): void {
    const h = this.heap;
    const i = w.heapIndex;
    const last = h.pop()!;
    w.heapIndex = -1;
    if (last === w) return;
    h[i] = last;
    last.heapIndex = i;
    this.siftDown(this.siftUp(i));
  }

  private siftUp(i: number): number {
    const h = this.heap;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (h[p]!.spec.deadline <= h[i]!.spec.deadline) break;
      this.swap(i, p);
      i = p;
    }
    return i;
  }

  private siftDown(i: number): void {
    const h = this.heap;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < h.length && h[l]!.spec.deadline < h[m]!.spec.deadline) m = l;
      if (r < h.length && h[r]!.spec.deadline < h[m]!.spec.deadline) m = r;
      if (m === i) return;
      this.swap(i, m);
      i = m;
    }
  }

  private swap(i: number, j: number): void {
    const h = this.heap;
    const a = h[i]!;
    const b = h[j]!;
    h[i] = b;
    h[j] = a;
    a.heapIndex = j;
    b.heapIndex = i;
  }

  /** Sets the timer for the earliest deadline unless it is already set for it or earlier. */
  private arm(): void {
    const first = this.heap[0];
    if (first === undefined || this.closed) return;
    // Redis times a client out once its deadline is in the past (deadline < now).
    const at = first.spec.deadline + 1;
    if (this.timer !== null && this.timerAt <= at) return;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timerAt = at;
    this.timer = setTimeout(() => this.expire(), Math.min(MAX_TIMER_MS, Math.max(0, at - Date.now())));
    this.timer.unref();
  }

  private expire(): void {
    this.timer = null;
    const now = Date.now();
    for (;;) {
      const w = this.heap[0];
      if (w === undefined || w.spec.deadline >= now) break;
      this.finish(w, null);
      if (!w.client.closing) this.host.resume(w.client);
    }
    this.arm();
  }
}
