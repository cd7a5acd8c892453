// How a client describes itself: the CLIENT LIST / CLIENT INFO line in Redis 7.2's field order,
// the client type used by CLIENT LIST TYPE, CLIENT KILL TYPE and the output-buffer limits, and
// name validation. Pure functions over a Client; nothing here changes a client.

import type { Client } from './client.js';

export type ClientType = 'normal' | 'replica' | 'pubsub' | 'master';

/** Flag letters in the order Redis prints them; 'N' stands alone when none applies. */
const FLAG_ORDER = 'OSMPxbtRBdcuAUreT';

/** The type of a client as Redis classifies it (a MONITOR client counts as normal). */
export function clientType(c: Client): ClientType {
  const f = c.flagLetters;
  if (f.has('M')) return 'master';
  if (f.has('S') && !f.has('O')) return 'replica';
  if (f.has('P')) return 'pubsub';
  return 'normal';
}

/** A type name as CLIENT LIST/KILL TYPE accept it ('slave' is the old spelling), or null. */
export function parseClientType(name: string): ClientType | null {
  switch (name.toLowerCase()) {
    case 'normal': return 'normal';
    case 'slave':
    case 'replica': return 'replica';
    case 'pubsub': return 'pubsub';
    case 'master': return 'master';
    default: return null;
  }
}

/** Names, library names and versions: printable ASCII without spaces ('!' to '~'), or empty. */
export function validClientAttribute(v: string): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function flagsOf(c: Client): string {
  let out = '';
  for (const ch of FLAG_ORDER) {
    let on = c.flagLetters.has(ch);
    // Flags the session layer derives from its own state rather than storing them.
    if (ch === 'b') on ||= c.postponed || c.blocked;
    else if (ch === 'c') on ||= c.closeAfterReply;
    else if (ch === 'U') on ||= c.transport.kind === 'unix';
    else if (ch === 'e') on ||= c.noEvict;
    else if (ch === 'T') on ||= c.noTouch;
    if (on) out += ch;
  }
  return out === '' ? 'N' : out;
}

/**
 * One CLIENT LIST line (without the trailing newline). `current` is the full name of the command
 * being run when `c` is the caller (Redis shows the running command for itself); `argvMem` the
 * bytes of its arguments. Memory figures are nodis's own: buffers are not Redis's allocations.
 */
export function clientInfoLine(c: Client, now: number, current: string | null = null, argvMem = 0): string {
  const t = c.transport;
  const qbuf = t.queryBufferBytes ?? 0;
  const rbs = t.lastRead ?? 0;
  const queued = t.queuedBytes;
  const pendingReply = c.reply.pendingBytes;
  const omem = queued + pendingReply;
  const events = queued > 0 ? 'rw' : 'r';
  return (
    `id=${c.id} addr=${t.remoteAddress} laddr=${t.localAddress} fd=${t.fd} name=${c.name}` +
    ` age=${Math.floor((now - c.createdAt) / 1000)} idle=${Math.floor((now - c.lastInteraction) / 1000)}` +
    ` flags=${flagsOf(c)} db=${c.dbIndex} sub=${c.subCount} psub=${c.psubCount} ssub=${c.ssubCount}` +
    ` multi=${c.multiCount} qbuf=${qbuf} qbuf-free=${Math.max(0, rbs - qbuf)} argv-mem=${argvMem}` +
    ` multi-mem=${c.multiMem} rbs=${rbs} rbp=${t.peakRead ?? 0} obl=${pendingReply} oll=${queued > 0 ? 1 : 0}` +
    ` omem=${omem} tot-mem=${qbuf + argvMem + c.multiMem + omem} events=${events}` +
    ` cmd=${current ?? c.lastCommand} user=${c.user} redir=${c.trackingRedirect} resp=${c.resp}` +
    // lib-name and lib-ver are Redis 7.2 fields (CLIENT SETINFO); 7.0 ends the line at resp=.
    ` lib-name=${c.libName} lib-ver=${c.libVer}`
  );
}
