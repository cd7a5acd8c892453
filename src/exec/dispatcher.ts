// From a parsed argv to call(): command lookup, arity, authentication and the other gates
// Redis applies before running a command. Rejections are counted as rejected calls.
// Loading, replica read-only and OOM gates plug in here as they are built; MULTI queueing comes
// last, after the pause check (TransactionHooks, one comparison for clients not in MULTI). A
// command that must wait (CLIENT PAUSE) is not run: execute() says so and the session layer keeps
// it queued and runs it again later, which is how blocked clients will be resumed as well.

import type { Command } from '../commands/table.js';
import { CommandError, Err } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import { call, type ExecHost } from './call.js';

export interface Gate {
  /** Returns an error to reject the command, or null to let it through. */
  check(client: Client, cmd: Command, argv: readonly string[]): CommandError | null;
}

/** How MULTI plugs in (exec/multi.ts); consulted only for clients in MULTI and for rejections. */
export interface TransactionHooks {
  /** After every check passed, for a client in MULTI: true when the command was queued. */
  queue(client: Client, cmd: Command, argv: string[]): boolean;
  /** A rejected command (null when unknown): flags the transaction; returns the error to reply. */
  rejected(client: Client, cmd: Command | null, argv: readonly string[], text: string): string;
}

export class Dispatcher {
  private readonly gates: Gate[] = [];
  /** Rejected commands (unknown, arity, gates): INFO stats total_error_replies counts them too. */
  rejectedCalls = 0;
  /** Says whether a client's command must wait (a pause); checked after every gate passed. */
  postpone: ((client: Client, cmd: Command) => boolean) | null = null;
  /** MULTI queueing and EXECABORT (set by the server). */
  transactions: TransactionHooks | null = null;

  constructor(private readonly host: ExecHost) {}

  addGate(g: Gate): void {
    this.gates.push(g);
  }

  /** Resolves argv to a command (or subcommand); throws the error Redis replies otherwise. */
  resolve(argv: readonly string[]): Command {
    const cmd = this.lookup(argv);
    this.checkArity(cmd, argv);
    return cmd;
  }

  /** The command or subcommand named by argv; throws the unknown-command errors. */
  private lookup(argv: readonly string[]): Command {
    const top = this.host.table.get(argv[0]!);
    if (top === undefined) throw Err.unknownCommand(argv[0]!, argv.slice(1));
    let cmd = top;
    if (top.subcommands !== null && argv.length >= 2) {
      const sub = top.subcommands.get(argv[1]!.toLowerCase());
      if (sub === undefined) throw Err.unknownSubcommand(argv[1]!, argv[0]!);
      cmd = sub;
    }
    return cmd;
  }

  private checkArity(cmd: Command, argv: readonly string[]): void {
    const arity = cmd.spec.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) {
      cmd.stats.rejected++; // the subcommand's own counter, as Redis 7 counts it
      throw Err.arity(cmd.fullName);
    }
  }

  /** Runs one command; false when it must wait and was not run (the caller keeps it queued). */
  execute(client: Client, argv: string[]): boolean {
    let cmd: Command;
    let found: Command | null = null;
    try {
      // CLIENT LIST's cmd= names the last command looked up, even when it was then rejected
      // (an unknown one reads NULL), and a command held by a pause.
      client.lastCommand = 'NULL';
      cmd = this.lookup(argv);
      found = cmd;
      client.lastCommand = cmd.fullName;
      this.checkArity(cmd, argv);
      for (const g of this.gates) {
        const e = g.check(client, cmd, argv);
        if (e !== null) {
          cmd.stats.rejected++;
          throw e;
        }
      }
    } catch (e) {
      if (!(e instanceof CommandError)) throw e;
      this.rejectedCalls++;
      const tx = this.transactions;
      // A rejection inside MULTI dooms the transaction; a rejected EXEC discards it.
      const text = tx !== null && (client.multiCount >= 0 || found?.fullName === 'exec')
        ? tx.rejected(client, found, argv, e.text)
        : e.text;
      client.reply.error(text);
      // CLIENT CACHING covers only the next command, even a rejected one (outside MULTI, and
      // unless it was CLIENT again), as Redis forgets it when resetting the client.
      const tracking = client.tracking;
      if (tracking !== null && client.multiCount < 0 && (found === null || (found.parent ?? found).name !== 'client')) {
        tracking.caching = false;
      }
      return true;
    }
    if (this.postpone !== null && this.postpone(client, cmd)) return false;
    if (client.multiCount >= 0 && this.transactions !== null && this.transactions.queue(client, cmd, argv)) return true;
    call(this.host, client, cmd, argv);
    return true;
  }
}
