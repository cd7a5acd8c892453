// The differential runner: the same steps go to a fresh in-process nodis and a fresh real
// redis-server (the oracle), in RESP2 and RESP3, and the exact reply bytes are compared after the
// step's normalizers. Scenarios are plain data (see README.md); this file knows no command
// except HELLO (to switch protocol) and the SCAN cursor loop. It never asserts: it reports.

import { connect, type Socket } from 'node:net';
import { startServer, type RunningServer } from '../../src/index.js';
import { startRedis, type ChildServer } from '../helpers/oracle.js';
import { TestClient } from '../helpers/resp-client.js';
import { expectedDifference, type ExpectedDifference } from './expected.js';
import { compareReplies, optionsFor, scanLayout, type StepOptions } from './normalize.js';
import { countReplies, parseNode, parseWhole, serialize, show, showArgv, type RespNode } from './resp-tree.js';

export type Argv = string[];

/** A command with options: normalizers, and which connection of the scenario sends it. */
export interface CommandStep extends StepOptions {
  cmd: Argv;
  /** Connection index within the scenario (default 0); each index is its own client. */
  conn?: number;
}

/** Bytes written as they are on a new connection; the reply bytes (and a close) are compared. */
export interface RawStep {
  raw: string;
  /** How many replies to wait for before comparing. */
  replies: number;
  /** The server is expected to close the connection after replying (wait for it). */
  close?: boolean;
}

export type Step = Argv | CommandStep | RawStep;

export interface Scenario {
  name: string;
  /** Server configuration given to both servers at startup (redis.conf directive → value). */
  config?: Record<string, string>;
  /** Commands run first on connection 0; replies are not compared, but an error fails the run. */
  setup?: Argv[];
  steps: Step[];
  /** Protocols to run in (default both; RESP3 only when nodis has HELLO). */
  protocols?: (2 | 3)[];
  /** Options applied to every step (a step's own options win). */
  defaults?: StepOptions;
  /**
   * A known nodis gap, with the reason: the scenario still runs and is reported as a TODO test,
   * so it shows up without failing the suite. Remove it when the gap is fixed.
   */
  todo?: string;
}

export interface Mismatch {
  scenario: string;
  protocol: 2 | 3;
  step: number;
  what: string;
  nodis: string;
  redis: string;
}

export interface ScenarioResult {
  mismatches: Mismatch[];
  /** Differences accepted by the expected-differences registry, for the log. */
  accepted: { step: number; what: string; entry: ExpectedDifference }[];
}

const REPLY_TIMEOUT_MS = 5000;
const RAW_TIMEOUT_MS = 2000;

export function isRawStep(s: Step): s is RawStep {
  return !Array.isArray(s) && 'raw' in s;
}

export function toCommandStep(s: Argv | CommandStep): CommandStep {
  return Array.isArray(s) ? { cmd: s } : s;
}

interface SidePair { nodis: TestClient; redis: TestClient }

/** A fresh nodis and a fresh redis-server with the same configuration, and clients to both. */
export class DiffPair {
  private readonly conns = new Map<number, SidePair>();

  private constructor(
    readonly nodis: RunningServer,
    readonly redis: ChildServer,
    readonly protocol: 2 | 3,
  ) {}

  /**
   * `selfCheck` puts a second redis-server where nodis would be: the harness's own test that
   * its generators and normalizers find no difference between two identical servers.
   */
  static async start(config: Record<string, string> = {}, protocol: 2 | 3 = 2, selfCheck = false): Promise<DiffPair> {
    const args = Object.entries(config).flatMap(([k, v]) => [`--${k}`, v]);
    const first: Promise<RunningServer> = selfCheck
      ? startRedis(args).then((r) => {
          const stopped = new Promise<void>((res) => r.proc.once('exit', () => res()));
          return { port: r.port, host: '127.0.0.1', close: () => r.stop(), closed: stopped };
        })
      : startServer({ port: 0, config });
    const [n, r] = await Promise.all([first, startRedis(args)]);
    return new DiffPair(n, r, protocol);
  }

  async close(): Promise<void> {
    for (const p of this.conns.values()) {
      p.nodis.close();
      p.redis.close();
    }
    this.conns.clear();
    await Promise.all([this.nodis.close(), this.redis.stop()]);
  }

  private async conn(index: number): Promise<SidePair> {
    const have = this.conns.get(index);
    if (have !== undefined && !have.nodis.closed && !have.redis.closed) return have;
    if (have !== undefined) {
      have.nodis.close();
      have.redis.close();
    }
    const [nodis, redis] = await Promise.all([
      TestClient.connect(this.nodis.port, this.nodis.host),
      TestClient.connect(this.redis.port),
    ]);
    if (this.protocol === 3) {
      const [a, b] = await Promise.all([nodis.sendRaw('HELLO', '3'), redis.sendRaw('HELLO', '3')]);
      if (typeof a !== 'string' || a.startsWith('-')) throw new Error(`nodis refused HELLO 3: ${show(String(a))}`);
      if (typeof b !== 'string' || b.startsWith('-')) throw new Error(`redis refused HELLO 3: ${show(String(b))}`);
    }
    const pair = { nodis, redis };
    this.conns.set(index, pair);
    return pair;
  }

  /** Runs one command on both servers at once; returns both raw replies (SCAN loops to the end). */
  async exec(argv: Argv, opts: StepOptions = {}, connIndex = 0): Promise<{ nodis: string; redis: string }> {
    const c = await this.conn(connIndex);
    const one = (client: TestClient) => (opts.scan ? scanAll(client, argv) : sendWithTimeout(client, argv));
    const [nodis, redis] = await Promise.all([one(c.nodis), one(c.redis)]);
    return { nodis, redis };
  }

  /** Sends bytes on a new connection to each server; returns what each replied, and whether it closed. */
  async raw(step: RawStep): Promise<{ nodis: string; redis: string }> {
    const [nodis, redis] = await Promise.all([
      rawExchange(this.nodis.port, step, this.protocol),
      rawExchange(this.redis.port, step, this.protocol),
    ]);
    return { nodis, redis };
  }
}

async function sendWithTimeout(client: TestClient, argv: Argv): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<string>((resolve) => {
    timer = setTimeout(() => {
      client.close();
      resolve(`<no reply within ${REPLY_TIMEOUT_MS} ms>`);
    }, REPLY_TIMEOUT_MS);
  });
  const r = await Promise.race([client.sendRaw(...argv), timeout]);
  clearTimeout(timer);
  return typeof r === 'string' ? r : '<connection closed>';
}

/** Iterates a SCAN-family cursor to 0; answers one synthetic reply holding the sorted union. */
async function scanAll(client: TestClient, argv: Argv): Promise<string> {
  const { cursorAt, pairs } = scanLayout(argv);
  const args = argv.slice();
  args[cursorAt] = '0';
  const seen = new Map<string, RespNode[]>();
  for (let round = 0; round < 100_000; round++) {
    const raw = await sendWithTimeout(client, args);
    let node: RespNode;
    try {
      node = parseWhole(raw);
    } catch {
      return raw;
    }
    const [cur, list] = node.items ?? [];
    if (node.type !== '*' || cur?.body === undefined || list?.items === undefined) return raw;
    const step = pairs ? 2 : 1;
    for (let i = 0; i < list.items.length; i += step) {
      const group = list.items.slice(i, i + step);
      seen.set(group.map(serialize).join(''), group);
    }
    if (cur.body === '0') break;
    args[cursorAt] = cur.body;
  }
  const keys = [...seen.keys()].sort();
  const items = keys.flatMap((k) => seen.get(k)!);
  return serialize({
    type: '*', head: '2',
    items: [{ type: '$', head: '1', body: '0' }, { type: '*', head: String(items.length), items }],
  });
}

/** Writes the raw bytes on a new socket, collects the replies, notes a close. */
function rawExchange(port: number, step: RawStep, protocol: 2 | 3): Promise<string> {
  return new Promise((resolve) => {
    const sock: Socket = connect({ port, host: '127.0.0.1' });
    let data = '';
    let helloPending = protocol === 3;
    let closed = false;
    let done = false;
    const finish = (why: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(data + why);
    };
    const timer = setTimeout(() => finish(closed ? '<closed>' : step.close ? '<still open>' : '<timeout>'), RAW_TIMEOUT_MS);
    const send = () => {
      sock.write(Buffer.from(step.raw, 'latin1'));
      if (step.replies === 0 && !step.close) setImmediate(check);
    };
    const check = () => {
      if (helloPending) {
        // The HELLO 3 that switched this connection's protocol: drop its reply, then send.
        const r = parseNode(data, 0);
        if (r === null) return closed ? finish('<closed>') : undefined;
        data = data.slice(r.end);
        helloPending = false;
        send();
        return;
      }
      const got = countReplies(data).count;
      if (closed) finish('<closed>');
      else if (got >= step.replies && !step.close) finish('');
    };
    sock.on('data', (d: Buffer) => {
      data += d.toString('latin1');
      check();
    });
    sock.on('error', () => {});
    sock.on('close', () => {
      closed = true;
      check();
    });
    sock.on('connect', () => {
      if (helloPending) sock.write('*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n');
      else send();
    });
  });
}

/** Runs one scenario in one protocol on a fresh pair of servers. */
export async function runScenario(s: Scenario, protocol: 2 | 3, selfCheck = false): Promise<ScenarioResult> {
  const pair = await DiffPair.start(s.config, protocol, selfCheck);
  const result: ScenarioResult = { mismatches: [], accepted: [] };
  const fail = (step: number, what: string, nodis: string, redis: string) =>
    result.mismatches.push({ scenario: s.name, protocol, step, what, nodis, redis });
  try {
    for (const [i, argv] of (s.setup ?? []).entries()) {
      const r = await pair.exec(argv);
      if (r.nodis.startsWith('-') || r.redis.startsWith('-') || r.nodis.startsWith('<') || r.redis.startsWith('<')) {
        fail(-1 - i, `setup ${showArgv(argv)}`, r.nodis, r.redis);
        return result;
      }
    }
    for (const [i, step] of s.steps.entries()) {
      if (isRawStep(step)) {
        const r = await pair.raw(step);
        if (r.nodis !== r.redis) fail(i, `raw ${show(step.raw, 120)}`, r.nodis, r.redis);
        continue;
      }
      const cs = toCommandStep(step);
      const opts = optionsFor(cs.cmd, { ...s.defaults, ...cs });
      const r = await pair.exec(cs.cmd, opts, cs.conn ?? 0);
      const what = `${cs.conn ? `[conn ${cs.conn}] ` : ''}${showArgv(cs.cmd)}`;
      const c = compareReplies(r.nodis, r.redis, opts);
      if (c.equal) continue;
      const entry = expectedDifference(c.nodis, c.redis, cs.cmd, protocol);
      if (entry !== null) result.accepted.push({ step: i, what, entry });
      else fail(i, what, c.nodis, c.redis);
    }
  } finally {
    await pair.close();
  }
  return result;
}

/** A mismatch as a readable block: where, what was sent, both replies with CR/LF visible. */
export function formatMismatch(m: Mismatch): string {
  const where = m.step < 0 ? `setup ${-m.step}` : `step ${m.step}`;
  return [
    `scenario "${m.scenario}" RESP${m.protocol} ${where}: ${m.what}`,
    `  nodis: ${show(m.nodis)}`,
    `  redis: ${show(m.redis)}`,
  ].join('\n');
}

/** True when the in-process nodis accepts HELLO 3 (RESP3 runs are skipped until it does). */
export async function nodisSpeaksResp3(): Promise<boolean> {
  const s = await startServer({ port: 0 });
  try {
    const c = await TestClient.connect(s.port, s.host);
    const r = await c.sendRaw('HELLO', '3');
    c.close();
    return typeof r === 'string' && r.startsWith('%');
  } finally {
    await s.close();
  }
}
