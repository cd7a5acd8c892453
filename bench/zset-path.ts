// In-process ZADD / ZRANGEBYSCORE benchmark: the commands redis-benchmark sends (`-t zadd`:
// random scores and members into one growing sorted set; the side-by-side bench's
// `ZRANGEBYSCORE bench:zset 0 100` over 1000 members), through the real parser, session driver,
// dispatcher, call() and reply writer, one command per read batch (pipeline 1). Prints CPU ns
// per command, steadier than rps on a shared machine. Not a test.
//   node dist/bench/zset-path.js [commands=200000] [rounds=3] [only=zadd|zrangebyscore|-] [keep]
// With `keep` the ZADD set is not emptied between rounds (as in the side-by-side run, where it
// grows toward 1M members and most ZADDs then give an existing member a new score).

import { Config } from '../src/server/config.js';
import { Logger } from '../src/server/log.js';
import { Server } from '../src/server/server.js';
import { RespParser } from '../src/resp/parser.js';
import type { Transport } from '../src/session/client.js';
import { Client } from '../src/session/client.js';

const total = Number(process.argv[2] ?? 200_000);
const rounds = Number(process.argv[3] ?? 3);
const only = process.argv[4] ?? '';
const keep = process.argv[5] === 'keep';

function encode(args: string[]): Buffer {
  let s = `*${args.length}\r\n`;
  for (const a of args) s += `$${a.length}\r\n${a}\r\n`;
  return Buffer.from(s, 'latin1');
}

// The socket copies each reply out as latin1 (walking a concatenated string's pieces): so does
// this transport, into a sink, so that a reply's shape costs here what it costs on the wire.
const sink = Buffer.allocUnsafe(1 << 20);
const transport: Transport = {
  write: (d) => { if (typeof d === 'string') sink.write(d, 0, 'latin1'); else d.copy(sink, 0); },
  close: () => {}, closeAfterWrite: () => {}, pauseReading: () => {}, resumeReading: () => {},
  queuedBytes: 0, remoteAddress: '127.0.0.1:1', localAddress: '127.0.0.1:2', fd: -1, kind: 'tcp',
};
const server = new Server(new Config(), Object.assign(new Logger(), { file: null }));
const client = new Client(server.clients.allocateId(), transport, (t) => server.countError(t));
client.authenticated = true;
server.clients.add(client);
const parser = new RespParser({ maxBulkLen: 512 * 1024 * 1024, authRequired: () => false });

function run(name: string, data: Buffer[]): void {
  const batch: string[][] = [];
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  for (const chunk of data) {
    parser.feed(chunk, batch);
    server.sessions.receiveNow(client, batch.splice(0, batch.length));
  }
  const ns = Number(process.hrtime.bigint() - t0);
  const cpu = process.cpuUsage(cpu0);
  console.log(`${name}: ${(ns / data.length).toFixed(0)} ns/command wall, ${(((cpu.user + cpu.system) * 1000) / data.length).toFixed(0)} ns/command cpu`);
}

const rnd = (): string => String(Math.floor(Math.random() * 1_000_000)).padStart(12, '0');
const setup: string[] = [];
for (let i = 0; i < 1000; i++) setup.push(String(i), `member:${i}`);
server.sessions.receiveNow(client, [['ZADD', 'bench:zset', ...setup]]);
const range = Array.from({ length: only === 'zrangebyscore' ? total : 20000 }, () => encode(['ZRANGEBYSCORE', 'bench:zset', '0', '100']));
for (let r = 0; r < rounds; r++) {
  if (!keep) server.sessions.receiveNow(client, [['DEL', 'myzset']]);
  const zadd = only === 'zrangebyscore' ? [] : Array.from({ length: total }, () => { const v = rnd(); return encode(['ZADD', 'myzset', v, `element:${v}`]); });
  if (only !== 'zrangebyscore') run('ZADD', zadd);
  if (only !== 'zadd') run('ZRANGEBYSCORE', range);
}
process.exit(0);
