// In-process hot-path benchmark: pipelined batches of SET/GET through the real parser, session
// driver, dispatcher, call() and reply writer, with a transport that discards output. It
// isolates nodis's per-command JS cost from sockets and from the load generator, so changes
// to the hot path can be compared on a busy machine. Not a test.
//   node dist/bench/hot-path.js [commands=2000000] [pipeline=16] [distinct commands=65536]
// Prints wall and CPU (user+system, this process) ns per command: on a shared machine the CPU
// figure is the steadier one (time spent descheduled does not count).

import { Config } from '../src/server/config.js';
import { Logger } from '../src/server/log.js';
import { Server } from '../src/server/server.js';
import { RespParser } from '../src/resp/parser.js';
import type { Transport } from '../src/session/client.js';
import { Client } from '../src/session/client.js';

const total = Number(process.argv[2] ?? 2_000_000);
const pipeline = Number(process.argv[3] ?? 16);
const distinct = Number(process.argv[4] ?? 65536);

function encode(args: string[]): string {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return s;
}

/** Pre-built read chunks: each holds `pipeline` commands on random keys, like redis-benchmark -r. */
function chunks(cmd: 'SET' | 'GET', count: number): Buffer[] {
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    let s = '';
    for (let j = 0; j < pipeline; j++) {
      const key = 'key:' + String(Math.floor(Math.random() * 1_000_000)).padStart(12, '0');
      s += encode(cmd === 'SET' ? ['SET', key, 'xxx'] : ['GET', key]);
    }
    out.push(Buffer.from(s, 'latin1'));
  }
  return out;
}

let written = 0;
const transport: Transport = {
  write: (d) => { written += d.length; },
  close: () => {}, closeAfterWrite: () => {}, pauseReading: () => {}, resumeReading: () => {},
  queuedBytes: 0, remoteAddress: '127.0.0.1:1', localAddress: '127.0.0.1:2', fd: -1, kind: 'tcp',
};

const config = new Config();
const logger = new Logger();
logger.file = null;
const server = new Server(config, logger);
const client = new Client(server.clients.allocateId(), transport, (t) => server.countError(t));
client.authenticated = true;
server.clients.add(client);
const sessions = server.sessions;
const parser = new RespParser({ maxBulkLen: 512 * 1024 * 1024, authRequired: () => false });

function run(name: string, data: Buffer[]): void {
  const batch: string[][] = [];
  const rounds = Math.ceil(total / pipeline / data.length);
  const cpu0 = process.cpuUsage();
  const start = process.hrtime.bigint();
  for (let r = 0; r < rounds; r++) {
    for (const chunk of data) {
      parser.feed(chunk, batch);
      sessions.receiveNow(client, batch.splice(0, batch.length));
    }
  }
  const ns = Number(process.hrtime.bigint() - start);
  const cpu = process.cpuUsage(cpu0);
  const n = rounds * data.length * pipeline;
  const cpuNs = (cpu.user + cpu.system) * 1000;
  console.log(`${name} P${pipeline}: ${(ns / n).toFixed(0)} ns/command (${(n / (ns / 1e9) / 1e6).toFixed(2)} M/s), cpu ${(cpuNs / n).toFixed(0)} ns/command`);
}

const setData = chunks('SET', Math.max(1, Math.round(distinct / pipeline)));
const getData = chunks('GET', Math.max(1, Math.round(distinct / pipeline)));
for (let i = 0; i < 3; i++) {
  run('SET', setData);
  run('GET', getData);
}
console.log(`(${written} reply bytes, ${server.ks.dbs[0]!.size} keys)`);
process.exit(0);
