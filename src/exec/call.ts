// call(): the one place a command runs. It fixes the command's clock, runs the handler, turns a
// thrown CommandError into an error reply, counts stats, records the command's own effect, and
// when the outermost unit ends hands all effects to the propagator. Slowlog, MONITOR and the
// latency monitor are fed from afterCall.

import type { Command } from '../commands/table.js';
import { CommandError } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import type { ExecClock } from './clock.js';
import { Ctx, type ServerApi } from './context.js';

export interface ExecHost extends ServerApi {
  /** Bookkeeping after each executed command: slowlog, MONITOR, latency, stats. */
  afterCall(client: Client, cmd: Command, argv: readonly string[], usec: number, failed: boolean): void;
  /** The client whose command is running (Redis's current_client): set for the outermost call. */
  currentClient: Client | null;
  /** A bug surfaced as an exception: log it loudly; the client gets an error reply. */
  internalError(cmd: Command, e: unknown): string;
  /** Clock readings shared by the commands of one session batch (exec/clock.ts). */
  readonly clock: ExecClock;
}

export function call(host: ExecHost, client: Client, cmd: Command, argv: string[]): void {
  const prop = host.propagator;
  const ks = host.ks;
  const outermost = prop.depth === 0;
  // Inside a session batch the previous command's end reading is this command's start (the
  // dispatch work between them is counted in, as a fraction of a microsecond).
  const clock = host.clock;
  const inBatch = clock.last >= 0;
  const start = inBatch ? clock.last : performance.now();
  if (outermost) {
    ks.now = inBatch ? clock.wallAt(start) : Date.now();
    ks.noTouch = client.noTouch;
    host.currentClient = client;
    if (cmd.flags.has('touches_arbitrary_keys')) prop.noWrap = true;
  }
  prop.depth++;
  const db = client.dbIndex;
  const dirtyBefore = ks.dirty;
  const ctx = new Ctx(host, client, cmd, argv, client.reply);
  let failed = false;
  try {
    cmd.spec.run!(ctx);
  } catch (e) {
    failed = true;
    client.reply.error(e instanceof CommandError ? e.text : host.internalError(cmd, e));
  }
  const end = performance.now();
  if (inBatch) clock.last = end;
  const usec = Math.round((end - start) * 1000);
  const stats = cmd.stats;
  stats.calls++;
  stats.usec += usec;
  if (failed) stats.failed++;
  if (ks.dirty !== dirtyBefore && prop.active) {
    const effect = ctx.ownEffect();
    if (effect !== null) prop.add(db, effect);
  }
  prop.depth--;
  if (outermost) {
    prop.flush();
    host.currentClient = null;
  }
  client.lastCommand = cmd.fullName;
  host.afterCall(client, cmd, ctx.shownArgv(), usec, failed);
}
