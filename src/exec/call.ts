// call(): the one place a command runs. It fixes the command's clock, runs the handler, turns a
// thrown CommandError into an error reply, counts stats, records the command's own effect, and
// when the outermost unit ends hands all effects to the propagator. Slowlog, MONITOR and the
// latency monitor are fed from afterCall. After the outermost unit, clients parked on keys it
// made ready run again (exec/blocking.ts).

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
    if (cmd.touchesArbitraryKeys) prop.noWrap = true;
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
  // Client-side caching: the keys read for the client that sent the outermost command.
  const tracker = host.currentClient ?? client;
  if (tracker.tracking !== null) host.tracking.afterCall(tracker, cmd, argv, outermost);
  const end = performance.now();
  if (inBatch) clock.last = end;
  const usec = Math.round((end - start) * 1000);
  const blocking = host.blocking;
  // A blocking command that parked, or ran again after parking, is counted once when it ends.
  const parkedRun = client.blocked || blocking.rerunning === client;
  if (!parkedRun) {
    const stats = cmd.stats;
    stats.calls++;
    stats.usec += usec;
    if (failed) stats.failed++;
  }
  if (ks.dirty !== dirtyBefore && prop.active) {
    const effect = ctx.ownEffect();
    if (effect !== null) prop.add(db, effect);
  }
  prop.depth--;
  if (outermost) {
    // Redis's c->woff: the replication offset right after the client's last propagated unit,
    // which WAIT waits for (read once per propagating unit only).
    if (prop.flush()) client.woff = host.primary.offset;
    host.currentClient = null;
  }
  client.lastCommand = cmd.fullName;
  if (parkedRun) blocking.afterCall(client, cmd, ctx.shownArgv(), usec, failed);
  else host.afterCall(client, cmd, ctx.shownArgv(), usec, failed);
  // Keys made ready by this unit serve their parked clients now, after it and never inside it.
  if (outermost && blocking.pendingWork) blocking.afterUnit();
}
