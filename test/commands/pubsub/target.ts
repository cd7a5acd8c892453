// The pub/sub tests' server: an in-process nodis Server (so the tests can reach what this branch
// has no command for yet: HELLO 3 and CONFIG SET/GET are other areas') or, with
// NODIS_TEST_TARGET=redis, a real redis-server. Helpers send the subscribe family and collect
// its confirmations, which RESP2 sends as replies and RESP3 as push messages.

import { Config } from '../../../src/server/config.js';
import { Logger } from '../../../src/server/log.js';
import { Server } from '../../../src/server/server.js';
import { startRedis } from '../../helpers/oracle.js';
import { encodeCommand, RespError, TestClient, type RespValue } from '../../helpers/resp-client.js';
import { againstRedis } from '../../helpers/server.js';

export interface PubSubTarget {
  client(): Promise<TestClient>;
  /** Switches a client to RESP3 (HELLO 3, or the session directly where HELLO is missing). */
  resp3(c: TestClient): Promise<void>;
  configSet(name: string, value: string): Promise<RespValue>;
  configGet(name: string): Promise<string>;
  close(): Promise<void>;
}

const resp3Clients = new WeakSet<TestClient>();

export async function startPubSubTarget(config: Record<string, string> = {}): Promise<PubSubTarget> {
  const clients: TestClient[] = [];
  const track = (c: TestClient) => { clients.push(c); return c; };
  if (againstRedis) {
    const r = await startRedis(Object.entries(config).flatMap(([k, v]) => [`--${k}`, v]));
    const admin = track(await r.client());
    return {
      client: async () => track(await r.client()),
      resp3: async (c) => { await c.send('HELLO', '3'); resp3Clients.add(c); },
      configSet: (name, value) => admin.send('CONFIG', 'SET', name, value),
      configGet: async (name) => String(((await admin.send('CONFIG', 'GET', name)) as RespValue[])[1]),
      close: async () => { for (const c of clients) c.close(); await r.stop(); },
    };
  }
  const cfg = new Config();
  cfg.load('bind', '127.0.0.1');
  for (const [k, v] of Object.entries(config)) {
    const e = cfg.load(k, v);
    if (e !== null) throw new Error(`config ${k}: ${e}`);
  }
  const logger = new Logger();
  logger.file = null;
  const server = new Server(cfg, logger);
  await server.listen(0);
  const admin = track(await TestClient.connect(server.port));
  const missing = (r: RespValue) => r instanceof RespError && r.message.startsWith('ERR unknown command');
  return {
    client: async () => track(await TestClient.connect(server.port)),
    resp3: async (c) => {
      const r = await c.send('HELLO', '3');
      resp3Clients.add(c);
      if (!missing(r)) return;
      // HELLO belongs to another area: find this connection's session by its address.
      const addr = `127.0.0.1:${c.socket.localPort}`;
      for (const s of server.clients) if (s.transport.remoteAddress === addr) s.resp = 3;
    },
    configSet: async (name, value) => {
      const r = await admin.send('CONFIG', 'SET', name, value);
      if (!missing(r)) return r;
      const e = server.config.set([[name, value]]);
      return e === null ? 'OK' : new RespError(e);
    },
    configGet: async (name) => {
      const r = await admin.send('CONFIG', 'GET', name);
      if (!missing(r)) return String((r as RespValue[])[1]);
      return server.config.get(name) ?? '';
    },
    close: async () => { for (const c of clients) c.close(); await server.close(); },
  };
}

export function isResp3(c: TestClient): boolean {
  return resp3Clients.has(c);
}

/**
 * Sends a command of the subscribe family and returns its confirmations ([kind, name, count]):
 * one per argument, or `expected` of them for the argument-less unsubscribe forms.
 */
export async function subCommand(c: TestClient, args: (string | Buffer)[], expected = Math.max(1, args.length - 1)): Promise<RespValue[][]> {
  if (!isResp3(c)) return (await c.writeRaw(encodeCommand(args), expected, false)) as RespValue[][];
  c.socket.write(encodeCommand(args));
  const out: RespValue[][] = [];
  for (let i = 0; i < expected; i++) out.push(await c.nextPush());
  return out;
}

/** Waits until `cond` holds (polling), failing after `ms`. */
export async function until(cond: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Collects push messages until one on `marker` arrives (publish it after the commands under test). */
export async function messagesUntil(c: TestClient, marker: string): Promise<RespValue[][]> {
  const out: RespValue[][] = [];
  for (;;) {
    const m = await c.nextPush();
    if ((m[0] === 'message' && m[1] === marker) || (m[0] === 'pmessage' && m[2] === marker)) return out;
    out.push(m);
  }
}
