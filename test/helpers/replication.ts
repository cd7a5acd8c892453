// Helpers of the replication tests: INFO fields, polling a condition on them, a comparable
// snapshot of a whole data set through commands, and a scriptable fake primary that speaks the
// primary's side of the handshake and transfer (to make a replica meet silence, half an RDB or
// a broken link exactly when a test wants).

import { strict as assert } from 'node:assert';
import { createServer, type Server, type Socket } from 'node:net';
import { RespError, type TestClient } from './resp-client.js';
import { waitFor } from './raw-socket.js';

/** One field of INFO (all sections), or undefined. */
export async function info(c: TestClient, field: string): Promise<string | undefined> {
  const text = (await c.send('INFO', 'everything')) as string;
  const m = new RegExp(`^${field}:(.*)\\r$`, 'm').exec(text);
  return m?.[1];
}

/** Waits until an INFO field has the value (or satisfies the predicate); fails with its last value. */
export async function waitInfo(c: TestClient, field: string, want: string | ((v: string | undefined) => boolean), timeoutMs = 15000): Promise<void> {
  let last: string | undefined;
  const ok = await waitFor(async () => {
    last = await info(c, field);
    return typeof want === 'string' ? last === want : want(last);
  }, timeoutMs, 25);
  assert.ok(ok, `INFO ${field} stayed ${last} (wanted ${typeof want === 'string' ? want : 'a condition'})`);
}

/** Every key of the given dbs with its type, value and whether it has a TTL, sorted. */
export async function snapshot(c: TestClient, dbs: number[] = [0, 1]): Promise<string[]> {
  const out: string[] = [];
  for (const db of dbs) {
    await c.send('SELECT', db);
    const keys = ((await c.send('KEYS', '*')) as string[]).sort();
    for (const k of keys) {
      const type = (await c.send('TYPE', k)) as string;
      let v: unknown;
      if (type === 'string') v = await c.send('GET', k);
      else if (type === 'list') v = await c.send('LRANGE', k, 0, -1);
      else if (type === 'hash') v = ((await c.send('HGETALL', k)) as string[]);
      else if (type === 'set') v = ((await c.send('SMEMBERS', k)) as string[]).sort();
      else if (type === 'zset') v = await c.send('ZRANGE', k, 0, -1, 'WITHSCORES');
      if (type === 'hash') {
        const a = v as string[];
        const pairs: string[] = [];
        for (let i = 0; i < a.length; i += 2) pairs.push(`${a[i]}=${a[i + 1]}`);
        v = pairs.sort();
      }
      const ttl = (await c.send('PTTL', k)) as number;
      out.push(`${db} ${k} ${type} ${JSON.stringify(v)} ${ttl > 0 ? 'ttl' : 'no-ttl'}`);
    }
  }
  await c.send('SELECT', 0);
  return out;
}

export function isError(v: unknown, prefix: string): boolean {
  return v instanceof RespError && v.message.startsWith(prefix);
}

/** One replica connection as the fake primary sees it. */
export interface FakeLink {
  readonly socket: Socket;
  /** Commands received so far (argv lists). */
  readonly commands: string[][];
  write(data: string | Buffer): void;
  /** Resolves when a command with this (lowercase) name arrives. */
  waitCommand(name: string, timeoutMs?: number): Promise<string[]>;
}

/**
 * A TCP server that hands each connection to `onConnect`, which scripts the primary's side.
 * Commands from the replica are parsed (multibulk) into link.commands.
 */
export async function fakePrimary(onConnect: (link: FakeLink, n: number) => void): Promise<{ port: number; links: FakeLink[]; close(): Promise<void> }> {
  const links: FakeLink[] = [];
  const server: Server = createServer((socket) => {
    let buf = Buffer.alloc(0);
    const commands: string[][] = [];
    const waiters: (() => void)[] = [];
    socket.on('error', () => {});
    socket.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        const r = parseCommand(buf);
        if (r === null) break;
        commands.push(r.argv);
        buf = buf.subarray(r.end);
      }
      for (const w of waiters.splice(0)) w();
    });
    const link: FakeLink = {
      socket,
      commands,
      write: (data) => { if (!socket.destroyed) socket.write(data); },
      async waitCommand(name, timeoutMs = 10000) {
        const end = Date.now() + timeoutMs;
        for (;;) {
          const found = commands.find((c) => c[0]!.toLowerCase() === name);
          if (found !== undefined) return found;
          if (Date.now() > end) throw new Error(`no ${name} from the replica; got ${JSON.stringify(commands)}`);
          await new Promise<void>((r) => { waiters.push(r); setTimeout(r, 50); });
        }
      },
    };
    links.push(link);
    onConnect(link, links.length);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
  return {
    port,
    links,
    close: () => new Promise<void>((r) => {
      for (const l of links) l.socket.destroy();
      server.close(() => r());
    }),
  };
}

function parseCommand(buf: Buffer): { argv: string[]; end: number } | null {
  if (buf.length === 0) return null;
  let p = 0;
  const line = (): string | null => {
    const cr = buf.indexOf('\r\n', p);
    if (cr === -1) return null;
    const s = buf.toString('latin1', p, cr);
    p = cr + 2;
    return s;
  };
  const head = line();
  if (head === null) return null;
  if (head[0] !== '*') return { argv: head.split(' '), end: p };
  const n = Number(head.slice(1));
  const argv: string[] = [];
  for (let i = 0; i < n; i++) {
    const h = line();
    if (h === null) return null;
    const len = Number(h.slice(1));
    if (buf.length < p + len + 2) return null;
    argv.push(buf.toString('latin1', p, p + len));
    p += len + 2;
  }
  return { argv, end: p };
}

/** Answers the handshake like a primary: +PONG to PING, +OK to AUTH and each REPLCONF. */
export async function answerHandshake(link: FakeLink): Promise<string[]> {
  await link.waitCommand('ping');
  link.write('+PONG\r\n');
  // AUTH and the REPLCONFs come in one go, ending with REPLCONF capa.
  assert.ok(await waitFor(() => link.commands.some((c) => c[0] === 'REPLCONF' && c[1] === 'capa'), 10000));
  const capa = link.commands.findIndex((c) => c[0] === 'REPLCONF' && c[1] === 'capa');
  link.write('+OK\r\n'.repeat(capa));
  return link.waitCommand('psync');
}
