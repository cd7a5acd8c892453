// Transactions: MULTI queues a client's commands, EXEC runs them as one execution unit through
// call() (one propagation unit, one clock), DISCARD drops them, WATCH/UNWATCH arm optimistic
// locking (exec/watch.ts). The dispatcher hands it every command of a client in MULTI and every
// rejection (TransactionHooks); it never touches sockets and knows commands only by their flags.

import type { Command, CommandFlag } from '../commands/table.js';
import { Err } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import { call, type ExecHost } from './call.js';
import type { Ctx, TransactionsApi } from './context.js';
import type { Gate, TransactionHooks } from './dispatcher.js';
import { DIRTY_CAS, Watches } from './watch.js';

/** The CLIENT LIST flag letter of a client in MULTI. */
const IN_MULTI = 'x';

/** Commands that run at once even inside MULTI (Redis's processCommand exceptions). */
const RUN_NOW = new Set(['exec', 'discard', 'multi', 'watch', 'quit', 'reset']);

/** Pointer size Redis adds per queued argument in its multi-mem accounting. */
const ARG_OVERHEAD = 8;

interface Queued {
  readonly cmd: Command;
  readonly argv: string[];
}

/** One client's open transaction. */
class TxState {
  readonly queue: Queued[] = [];
  /** A command was rejected while queueing: EXEC answers EXECABORT (Redis's DIRTY_EXEC). */
  aborted = false;
}

export class Transactions implements TransactionsApi, TransactionHooks {
  private readonly open = new Map<Client, TxState>();
  private running = 0;

  /** Rejects no_multi commands (SHUTDOWN, SAVE, SYNC, ...) inside MULTI; after the auth gate. */
  readonly gate: Gate = {
    check: (client, cmd) => (client.multiCount >= 0 && cmd.flags.has('no_multi') ? Err.notInMulti() : null),
  };

  constructor(
    private readonly host: ExecHost,
    readonly watches: Watches,
    /** Shows a command on MONITOR without running it (an EXEC that was rejected). */
    private readonly monitorOnly: (client: Client, argv: readonly string[]) => void,
  ) {}

  get inExec(): boolean {
    return this.running > 0;
  }

  // ---- dispatcher hooks ----

  queue(client: Client, cmd: Command, argv: string[]): boolean {
    if (RUN_NOW.has(cmd.fullName)) return false;
    const tx = this.open.get(client);
    if (tx === undefined) return false;
    // A doomed transaction keeps nothing (it still answers QUEUED), as Redis saves the memory.
    if (!tx.aborted && !client.flagLetters.has(DIRTY_CAS)) {
      tx.queue.push({ cmd, argv });
      client.multiCount++;
      let mem = ARG_OVERHEAD * argv.length;
      for (let i = 0; i < argv.length; i++) mem += argv[i]!.length;
      client.multiMem += mem;
    }
    client.reply.simple('QUEUED');
    return true;
  }

  rejected(client: Client, cmd: Command | null, argv: readonly string[], text: string): string {
    const tx = this.open.get(client);
    if (tx !== undefined) tx.aborted = true;
    if (cmd === null || cmd.fullName !== 'exec') return text;
    // EXEC itself refused (arity, a gate): the transaction is discarded, even outside MULTI.
    this.discardState(client);
    this.monitorOnly(client, argv);
    return Err.execAbortBecause(text).text;
  }

  // ---- commands ----

  multi(ctx: Ctx): void {
    const c = ctx.client;
    if (this.open.has(c)) throw Err.multiNested();
    this.open.set(c, new TxState());
    c.multiCount = 0;
    c.multiMem = 0;
    c.flagLetters.add(IN_MULTI);
    ctx.reply.ok();
  }

  exec(ctx: Ctx): void {
    const c = ctx.client;
    const tx = this.open.get(c);
    if (tx === undefined) throw Err.execWithoutMulti();
    // EXEC's own effects are those of the queued commands.
    ctx.noPropagate();
    if (this.watches.expiredSinceWatch(c)) c.flagLetters.add(DIRTY_CAS);
    if (tx.aborted) {
      this.discardState(c);
      throw Err.execAbortPrevious();
    }
    if (c.flagLetters.has(DIRTY_CAS)) {
      this.discardState(c);
      ctx.reply.nullArray();
      return;
    }
    this.watches.unwatchAll(c);
    const queue = tx.queue;
    ctx.reply.array(queue.length);
    this.running++;
    try {
      // Runtime errors are replies like any other: the rest of the queue still runs.
      for (let i = 0; i < queue.length; i++) call(this.host, c, queue[i]!.cmd, queue[i]!.argv);
    } finally {
      this.running--;
    }
    // CLIENT LIST shows the transaction (flag x, multi=) until EXEC is over, as Redis does.
    this.discardState(c);
  }

  discard(ctx: Ctx): void {
    if (!this.open.has(ctx.client)) throw Err.discardWithoutMulti();
    this.discardState(ctx.client);
    ctx.reply.ok();
  }

  watch(ctx: Ctx): void {
    const c = ctx.client;
    if (this.open.has(c)) throw Err.watchInMulti();
    // Once dirty, the next EXEC fails whatever else is watched.
    if (!c.flagLetters.has(DIRTY_CAS)) {
      const db = ctx.db;
      for (let i = 1; i < ctx.argc; i++) this.watches.watch(c, db, ctx.arg(i));
    }
    ctx.reply.ok();
  }

  unwatch(ctx: Ctx): void {
    this.watches.unwatchAll(ctx.client);
    ctx.client.flagLetters.delete(DIRTY_CAS);
    ctx.reply.ok();
  }

  // ---- services ----

  /** True when a queued command of the client has the flag (gates judging EXEC, CLIENT PAUSE). */
  queuedHave(client: Client, flag: CommandFlag): boolean {
    const tx = this.open.get(client);
    if (tx === undefined) return false;
    for (const q of tx.queue) if (q.cmd.flags.has(flag)) return true;
    return false;
  }

  /** True when a queued command lacks the flag (EXEC under loading / stale-data rules). */
  queuedLack(client: Client, flag: CommandFlag): boolean {
    const tx = this.open.get(client);
    if (tx === undefined) return false;
    for (const q of tx.queue) if (!q.cmd.flags.has(flag)) return true;
    return false;
  }

  /** Whether EXEC would write or replicate (EXEC waits during CLIENT PAUSE WRITE then). */
  mayReplicate(client: Client): boolean {
    return this.queuedHave(client, 'write') || this.queuedHave(client, 'may_replicate');
  }

  /** RESET and disconnects: forget the client's transaction and watches. */
  forget(client: Client): void {
    this.discardState(client);
  }

  /** Redis's discardTransaction: no queue, not in MULTI, not dirty, nothing watched. */
  private discardState(c: Client): void {
    this.open.delete(c);
    c.multiCount = -1;
    c.multiMem = 0;
    c.flagLetters.delete(IN_MULTI);
    c.flagLetters.delete(DIRTY_CAS);
    this.watches.unwatchAll(c);
  }
}
