// MONITOR: the set of monitoring clients and the line each executed command becomes for them,
// formatted as Redis does: +<sec>.<usec6> [<db> <peer>] "arg" "arg"... with Redis's quoting.
// Lines are written straight into the monitors' reply buffers and flushed at the end of the
// loop turn; a monitor never receives its own feed line before its own command's reply.

import { quoteRepr } from '../util/repr.js';
import type { Client } from '../session/client.js';

export class MonitorFeed {
  private readonly monitors = new Set<Client>();

  constructor(
    /** Makes sure a monitor's buffered lines leave at the end of this loop turn. */
    private readonly scheduleFlush: (c: Client) => void,
    /** The configured unix socket path (Redis prints it rather than the peer for unix clients). */
    private readonly unixSocket: () => string,
  ) {}

  get size(): number {
    return this.monitors.size;
  }

  add(c: Client): void {
    this.monitors.add(c);
    c.flagLetters.add('O');
  }

  remove(c: Client): void {
    if (this.monitors.delete(c)) c.flagLetters.delete('O');
  }

  has(c: Client): boolean {
    return this.monitors.has(c);
  }

  feed(client: Client, dbIndex: number, argv: readonly string[], origin: 'client' | 'lua' = 'client'): void {
    if (this.monitors.size === 0) return;
    const line = formatMonitorLine(Date.now(), performance.now(), dbIndex, origin === 'lua' ? null : client, argv, this.unixSocket());
    for (const m of this.monitors) {
      if (m.closing) continue;
      m.reply.simple(line);
      this.scheduleFlush(m);
    }
  }
}

/**
 * One feed line without the leading '+' and trailing CRLF. `client` null means a script's call.
 * Microseconds come from the high-resolution clock so lines within one millisecond still order.
 */
export function formatMonitorLine(nowMs: number, hrMs: number, dbIndex: number, client: Client | null,
  argv: readonly string[], unixSocket: string): string {
  const sec = Math.floor(nowMs / 1000);
  const usec = (nowMs % 1000) * 1000 + Math.floor((hrMs % 1) * 1000);
  let origin: string;
  if (client === null) origin = `${dbIndex} lua`;
  else if (client.transport.kind === 'unix') origin = `${dbIndex} unix:${unixSocket}`;
  else origin = `${dbIndex} ${client.transport.remoteAddress}`;
  let line = `${sec}.${String(usec).padStart(6, '0')} [${origin}]`;
  for (const a of argv) line += ' ' + quoteRepr(a);
  return line;
}
