// The STRING tests' view of their server: an in-process nodis Server (built here so the tests
// can see its keyspace and attach a propagation target) or, with NODIS_TEST_TARGET=redis, a real
// redis-server whose replication stream (read through SYNC) shows what it propagates. Helpers
// answer the same questions both ways, using commands other groups own only against Redis.

import { connect, type Socket } from 'node:net';
import type { PropagationTarget } from '../../../src/exec/propagate.js';
import { CollectionValue, type TypeName } from '../../../src/keyspace/value.js';
import { stringEncoding, type StringValue } from '../../../src/keyspace/types/string.js';
import { Config } from '../../../src/server/config.js';
import { Logger } from '../../../src/server/log.js';
import { Server } from '../../../src/server/server.js';
import { startRedis, type ChildServer } from '../../helpers/oracle.js';
import { parseReply, RespError, TestClient, type RespValue } from '../../helpers/resp-client.js';
import { againstRedis } from '../../helpers/server.js';

/** A stand-in non-string value for WRONGTYPE checks (nodis has no list type in this branch). */
class OtherValue extends CollectionValue {
  readonly type: TypeName = 'list';
  encoding(): string { return 'listpack'; }
  get size(): number { return 1; }
  clone(): OtherValue { return new OtherValue(); }
}

export interface StringTarget {
  readonly client: TestClient;
  newClient(): Promise<TestClient>;
  /** Makes `key` hold a non-string value. */
  wrongType(key: string): Promise<void>;
  /** Remaining TTL in ms, -1 without expire, -2 when missing (PTTL). */
  pttl(key: string): Promise<number>;
  exists(key: string): Promise<boolean>;
  /** Removes keys (DEL belongs to another group). */
  del(...keys: (string | Buffer)[]): Promise<void>;
  /** OBJECT ENCODING of a string key. */
  encoding(key: string): Promise<string>;
  /** Switches a client to RESP3. */
  resp3(c: TestClient): Promise<void>;
  /** Runs `body` and returns the commands propagated meanwhile (SELECT and PING left out). */
  propagated(body: () => Promise<unknown>): Promise<string[][]>;
  /** Runs `body` and returns the keyspace events fired meanwhile, as "event key" strings. */
  events(body: () => Promise<unknown>): Promise<string[]>;
  close(): Promise<void>;
}

export async function startStringTarget(config: Record<string, string> = {}): Promise<StringTarget> {
  return againstRedis ? startRedisTarget(config) : startNodisTarget(config);
}

const MARKER = '__propagation_marker__';

async function startNodisTarget(config: Record<string, string>): Promise<StringTarget> {
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
  const client = await TestClient.connect(server.port);
  const db = () => server.ks.dbs[0]!;
  return {
    client,
    newClient: () => TestClient.connect(server.port),
    wrongType: async (key) => { db().set(key, new OtherValue()); },
    pttl: async (key) => {
      if (db().lookup(key) === undefined) return -2;
      const when = db().getExpire(key);
      return when === undefined ? -1 : Math.max(0, when - Date.now());
    },
    exists: async (key) => db().lookup(key) !== undefined,
    del: async (...keys) => { for (const k of keys) db().delete(typeof k === 'string' ? k : k.toString('latin1')); },
    encoding: async (key) => stringEncoding(db().lookup(key) as StringValue),
    resp3: async (c) => {
      const r = await c.send('HELLO', '3');
      if (!(r instanceof RespError)) return;
      // No HELLO in this branch: flip the newest session's protocol directly.
      let newest = null;
      for (const s of server.clients) newest = s;
      newest!.resp = 3;
    },
    propagated: async (body) => {
      const seen: string[][] = [];
      const t: PropagationTarget = { feed: (_db, argv) => { seen.push([...argv]); } };
      server.propagator.addTarget(t);
      try {
        await body();
      } finally {
        server.propagator.removeTarget(t);
      }
      return seen.filter((a) => !['SELECT', 'PING'].includes(a[0]!.toUpperCase()));
    },
    events: async (body) => {
      const seen: string[] = [];
      const hooks = server.ks.hooks;
      const original = hooks.notify;
      // The 'new' class is not part of notify-keyspace-events KEA, which the Redis side uses.
      hooks.notify = (_cls, event, key) => { if (event !== 'new') seen.push(`${event} ${key}`); };
      const notifying = server.ks.notifying;
      server.ks.notifying = true;
      try {
        await body();
      } finally {
        hooks.notify = original;
        server.ks.notifying = notifying;
      }
      return seen;
    },
    close: async () => {
      client.close();
      await server.close();
    },
  };
}

async function startRedisTarget(config: Record<string, string>): Promise<StringTarget> {
  const args = ['--repl-diskless-sync', 'no', '--notify-keyspace-events', 'KEA', ...Object.entries(config).flatMap(([k, v]) => [`--${k}`, v])];
  const r: ChildServer = await startRedis(args);
  const client = await r.client();
  let stream: ReplicaStream | null = null;
  let subscriber: TestClient | null = null;
  return {
    client,
    newClient: () => r.client(),
    wrongType: async (key) => { await client.send('DEL', key); await client.send('LPUSH', key, 'x'); },
    pttl: async (key) => Number(await client.send('PTTL', key)),
    exists: async (key) => (await client.send('EXISTS', key)) === 1,
    del: async (...keys) => { await client.send('DEL', ...keys); },
    encoding: async (key) => String(await client.send('OBJECT', 'ENCODING', key)),
    resp3: async (c) => { await c.send('HELLO', '3'); },
    propagated: async (body) => {
      stream ??= await ReplicaStream.open(r.port);
      await stream.drainUntilMarker(client);
      await body();
      return stream.drainUntilMarker(client);
    },
    events: async (body) => {
      if (subscriber === null) {
        subscriber = await r.client();
        await subscriber.send('PSUBSCRIBE', '__keyevent@0__:*');
      }
      const sub = subscriber;
      const untilMarker = async (): Promise<string[]> => {
        await client.send('SET', MARKER, '1');
        const seen: string[] = [];
        for (;;) {
          const m = await sub.nextPush();
          if (m[3] === MARKER) return seen;
          seen.push(`${String(m[2]).slice('__keyevent@0__:'.length)} ${String(m[3])}`);
        }
      };
      await untilMarker();
      await body();
      return untilMarker();
    },
    close: async () => {
      subscriber?.close();
      stream?.close();
      client.close();
      await r.stop();
    },
  };
}

/** A raw SYNC connection to Redis: skips the RDB payload, then decodes the command stream. */
class ReplicaStream {
  private buf = Buffer.alloc(0);
  private rdbLeft = -1;
  private readonly commands: string[][] = [];
  private waiters: (() => void)[] = [];

  private constructor(private readonly socket: Socket) {
    socket.on('data', (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      this.parse();
      for (const w of this.waiters.splice(0)) w();
    });
  }

  static open(port: number): Promise<ReplicaStream> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host: '127.0.0.1' }, () => {
        s.write('SYNC\r\n');
        const stream = new ReplicaStream(s);
        // Resolve once Redis has answered SYNC (a keepalive or the snapshot's header): a write
        // sent before it handled SYNC would land in the snapshot, never in the stream.
        stream.waiters.push(() => resolve(stream));
      });
      s.once('error', reject);
    });
  }

  private parse(): void {
    for (;;) {
      if (this.rdbLeft < 0) {
        // Newlines are keepalives sent while the snapshot is produced.
        while (this.buf.length > 0 && this.buf[0] === 10) this.buf = this.buf.subarray(1);
        const nl = this.buf.indexOf('\r\n');
        if (nl === -1 || this.buf[0] !== 36) return;
        this.rdbLeft = Number(this.buf.toString('latin1', 1, nl));
        this.buf = this.buf.subarray(nl + 2);
      }
      if (this.rdbLeft > 0) {
        const n = Math.min(this.rdbLeft, this.buf.length);
        this.rdbLeft -= n;
        this.buf = this.buf.subarray(n);
        if (this.rdbLeft > 0) return;
      }
      const r = parseReply(this.buf, 0);
      if (r === null) return;
      this.buf = this.buf.subarray(r.end);
      this.commands.push((r.value as RespValue[]).map(String));
    }
  }

  /** Sends a marker write and returns everything propagated before it. */
  async drainUntilMarker(client: TestClient): Promise<string[][]> {
    await client.send('SET', MARKER, '1');
    const deadline = Date.now() + 10000;
    for (;;) {
      const i = this.commands.findIndex((c) => c[1] === MARKER);
      if (i !== -1) {
        const out = this.commands.splice(0, i + 1).slice(0, i);
        return out.filter((a) => !['SELECT', 'PING'].includes(a[0]!.toUpperCase()));
      }
      if (Date.now() > deadline) throw new Error('replication stream: marker not seen');
      await new Promise<void>((res) => { this.waiters.push(res); setTimeout(res, 50); });
    }
  }

  close(): void {
    this.socket.destroy();
  }
}
