// Applying the primary's command stream on a replica: each complete command of a read runs
// through the dispatcher as the primary's 'M' client; the offset moves per command, the applied
// bytes go on to the backlog (and sub-replicas) unchanged, MULTI ... EXEC from the primary runs
// as one unit, and REPLCONF GETACK is answered with the offset before it. The link, handshake
// and transfer live in replica.ts; this module writes nothing but through `proxy` and `sendAck`.

import type { ReplicaHost } from './replica.js';
import type { Primary } from './replica-link.js';
import type { StreamCommand } from './stream-parser.js';

const EMPTY_BUF = Buffer.alloc(0);

/** argv[0] names `lower` (any case); the length check spares a lowercase copy of every name. */
function isName(name: string, lower: string): boolean {
  return name.length === lower.length && (name === lower || name.toLowerCase() === lower);
}

export interface StreamApplierOptions {
  readonly host: ReplicaHost;
  /** Hands applied bytes to the backlog and sub-replicas. */
  proxy(bytes: Buffer): void;
  /** The primary the role follows now: a command that changed it ends the batch. */
  current(): Primary | null;
  /** Sends REPLCONF ACK with our offset (GETACK). */
  sendAck(): void;
}

export class StreamApplier {
  /** True while a command from the primary runs: expired keys are then kept (expiryPolicy). */
  applying = false;

  constructor(private readonly o: StreamApplierOptions) {}

  /**
   * Runs every complete command of a read. The offset moves per command (a GETACK answers the
   * offset before it), but the applied bytes reach the backlog as whole runs of the read, one
   * append per run instead of one per command: nothing reads the backlog while the batch runs.
   */
  apply(p: Primary, chunk: Buffer): void {
    const now = Date.now();
    p.readReploff += chunk.length;
    p.lastInteraction = now;
    p.client.lastInteraction = now;
    const parser = p.parser;
    parser.push(chunk);
    // One clock reading per read, as a client's batch has (exec/clock.ts).
    const clock = this.o.host.clock;
    const ownClock = clock.last < 0;
    if (ownClock) clock.begin(now);
    this.applying = true;
    // The applied bytes not yet handed to the backlog: span[spanStart, spanEnd).
    let span: Buffer = EMPTY_BUF;
    let spanStart = 0;
    let spanEnd = 0;
    try {
      while (parser.next()) {
        const argv = parser.argv;
        const buf = parser.cmdBuf;
        const start = parser.cmdStart;
        const end = parser.cmdEnd;
        const name = argv.length > 0 ? argv[0]! : '';
        if (p.multi !== null || isName(name, 'multi')) {
          // Transactions are rare: their bytes go to the backlog one command at a time, after
          // what came before them.
          if (spanEnd > spanStart) this.o.proxy(span.subarray(spanStart, spanEnd));
          spanStart = spanEnd;
          this.transactionPart(p, argv, name, buf.subarray(start, end));
        } else {
          if (isName(name, 'replconf')) {
            // The primary asks for our offset (WAIT): it is the offset before this command.
            if (argv.length >= 2 && argv[1]!.toLowerCase() === 'getack' && !p.prePsync) this.o.sendAck();
          } else if (argv.length > 0) {
            this.run(p, argv);
          }
          p.reploff += end - start;
          if (buf === span && start === spanEnd) {
            spanEnd = end;
          } else {
            if (spanEnd > spanStart) this.o.proxy(span.subarray(spanStart, spanEnd));
            span = buf;
            spanStart = start;
            spanEnd = end;
          }
        }
        if (this.o.current() !== p) break;
      }
    } finally {
      this.applying = false;
      if (ownClock) clock.end();
      if (spanEnd > spanStart) this.o.proxy(span.subarray(spanStart, spanEnd));
    }
    if (parser.error !== null && this.o.current() === p) {
      this.o.host.log('warning', `Protocol error (${parser.error}) from client: id=${p.client.id} addr=${p.link.remoteAddress} flags=M`);
      this.o.host.disconnect(p.client);
    }
  }

  /** A command of a MULTI from the primary, or the MULTI itself; EXEC runs them, DISCARD drops them. */
  private transactionPart(p: Primary, argv: string[], name: string, raw: Buffer): void {
    if (p.multi === null) {
      p.multi = [{ argv, raw }];
      return;
    }
    // Redis moves the offset past a transaction only at its EXEC: a link lost inside one
    // resumes from its MULTI.
    p.multi.push({ argv, raw });
    const exec = isName(name, 'exec');
    if (!exec && !isName(name, 'discard')) return;
    const cmds = p.multi;
    p.multi = null;
    if (exec) this.runTransaction(p, cmds);
    for (const c of cmds) this.applied(p, c.raw);
  }

  /** Moves the offset past applied bytes and hands them to the backlog (sub-replicas). */
  private applied(p: Primary, raw: Buffer): void {
    p.reploff += raw.length;
    this.o.proxy(raw);
  }

  /** MULTI ... EXEC from the primary, run as one execution unit. */
  private runTransaction(p: Primary, cmds: readonly StreamCommand[]): void {
    const prop = this.o.host.propagator;
    // Effects reach the AOF wrapped in MULTI/EXEC, as Redis would write them.
    const outermost = prop.depth === 0;
    if (outermost) this.o.host.ks.now = Date.now();
    prop.depth++;
    for (let i = 1; i < cmds.length - 1; i++) {
      this.run(p, cmds[i]!.argv);
      if (this.o.current() !== p) break;
    }
    prop.depth--;
    if (outermost) prop.flush();
  }

  /** Runs one command of the stream (streamData sets `applying` around the batch). */
  private run(p: Primary, argv: string[]): void {
    this.o.host.dispatcher.execute(p.client, argv);
    const out = p.client.reply.take();
    if (out !== null) {
      const text = typeof out === 'string' ? out : out.toString('latin1', 0, Math.min(out.length, 256));
      if (text.startsWith('-')) {
        this.o.host.log('warning', `== CRITICAL == This replica is sending an error to its master: '${text.slice(1).split('\r\n')[0]}' after processing the command '${argv[0]}'`);
      }
    }
  }
}
