// Runs the commands of an AOF file through call() as Redis's "fake client" does: an internal
// client whose replies are discarded, that is never shown in CLIENT LIST, and whose commands
// leave no trace in the slowlog, latency monitor, MONITOR or command statistics (Redis runs
// them without its call() bookkeeping).

import type { Command, CommandTable } from '../../commands/table.js';
import { call, type ExecHost } from '../../exec/call.js';
import { Client, type Transport } from '../../session/client.js';
import type { Replayer } from './loader.js';

/** Redis gives the AOF client the id UINT64_MAX; the largest exact JS integer stands in. */
export const AOF_CLIENT_ID = Number.MAX_SAFE_INTEGER;

const NO_TRANSPORT: Transport = {
  write: () => {},
  close: () => {},
  closeAfterWrite: () => {},
  pauseReading: () => {},
  resumeReading: () => {},
  queuedBytes: 0,
  remoteAddress: '',
  localAddress: '',
  fd: -1,
  kind: 'internal',
};

interface SavedStats { calls: number; usec: number; failed: number; rejected: number }

export class AofReplayer implements Replayer {
  private readonly client = new Client(AOF_CLIENT_ID, NO_TRANSPORT, () => {});
  private readonly quiet: ExecHost;
  private saved: Map<Command, SavedStats> | null = null;

  constructor(host: ExecHost, private readonly table: CommandTable) {
    // The server itself, minus the per-command bookkeeping.
    const quiet = Object.create(host) as ExecHost;
    Object.defineProperty(quiet, 'afterCall', { value: () => {} });
    Object.defineProperty(quiet, 'countError', { value: () => {} });
    this.quiet = quiet;
    this.client.authenticated = true;
  }

  /** Before a load: remember the command statistics so the replayed calls leave them unchanged. */
  begin(): void {
    this.client.dbIndex = 0;
    this.saved = new Map();
    for (const cmd of allCommands(this.table)) {
      const s = cmd.stats;
      this.saved.set(cmd, { calls: s.calls, usec: s.usec, failed: s.failed, rejected: s.rejected });
    }
  }

  end(): void {
    if (this.saved === null) return;
    for (const [cmd, s] of this.saved) {
      cmd.stats.calls = s.calls;
      cmd.stats.usec = s.usec;
      cmd.stats.failed = s.failed;
      cmd.stats.rejected = s.rejected;
    }
    this.saved = null;
    this.client.reply.take();
  }

  known(argv: readonly string[]): boolean {
    return this.lookup(argv) !== null;
  }

  run(argv: string[]): void {
    const cmd = this.lookup(argv);
    if (cmd === null || cmd.spec.run === undefined) return;
    // Redis does not check arity here; a handler must never see a malformed argv, so skip it.
    const arity = cmd.spec.arity;
    if ((arity > 0 && argv.length !== arity) || argv.length < -arity) return;
    call(this.quiet, this.client, cmd, argv);
    this.client.reply.take();
  }

  runTransaction(cmds: string[][]): void {
    // One execution unit, as EXEC runs it: effects (if anything listens) are grouped.
    const prop = this.quiet.propagator;
    this.quiet.ks.now = Date.now();
    prop.depth++;
    try {
      for (const argv of cmds) this.run(argv);
    } finally {
      prop.depth--;
    }
    if (prop.depth === 0) prop.flush();
  }

  private lookup(argv: readonly string[]): Command | null {
    const top = this.table.get(argv[0]!);
    if (top === undefined) return null;
    if (top.subcommands !== null && argv.length >= 2) return top.subcommands.get(argv[1]!.toLowerCase()) ?? null;
    return top;
  }
}

function* allCommands(table: CommandTable): Iterable<Command> {
  for (const c of table.all()) {
    yield c;
    if (c.subcommands !== null) yield* c.subcommands.values();
  }
}
