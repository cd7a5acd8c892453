// Append throughput of the replication stream (encode + append, as the primary feeds it) and
// memory per attached replica. Run: npx tsc -p . && node --expose-gc dist/bench/repl-buffer.js

import { ReplBuffer, type ReplReader } from '../src/replication/repl-buffer.js';
import { ReplicationStream } from '../src/replication/stream.js';

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

function throughput(label: string, valueBytes: number, readers: number): void {
  const buf = new ReplBuffer({ backlogSize: 64 * 1024 * 1024 });
  const stream = new ReplicationStream(buf);
  const rs: ReplReader[] = [];
  for (let i = 0; i < readers; i++) rs.push(buf.addReader(0)!);
  const value = 'x'.repeat(valueBytes);
  const n = Math.max(20_000, Math.floor(200_000_000 / (valueBytes + 40)));
  const argv = ['SET', 'key:000000000000', value];
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) {
    stream.feed(0, argv);
    // Readers drain every 64 commands, as sockets would between event-loop turns.
    if ((i & 63) === 63) for (const r of rs) r.read();
  }
  const ns = Number(process.hrtime.bigint() - t0);
  const mb = buf.offset / 1024 / 1024;
  console.log(`${label.padEnd(34)} ${((n / ns) * 1e9 / 1e6).toFixed(2)} M cmd/s  ${((mb / ns) * 1e9).toFixed(0)} MB/s  (${n} commands, ${readers} readers)`);
}

function memoryPerReader(count: number): void {
  const buf = new ReplBuffer({ backlogSize: 16 * 1024 * 1024 });
  const chunk = Buffer.alloc(1024, 1);
  for (let i = 0; i < 16 * 1024; i++) buf.append(chunk);
  const readers: ReplReader[] = [];
  gc!();
  const before = process.memoryUsage();
  for (let i = 0; i < count; i++) readers.push(buf.addReader(buf.offset - ((i * 4099) % buf.histlen))!);
  gc!();
  const after = process.memoryUsage();
  const heap = (after.heapUsed - before.heapUsed) / count;
  const ext = (after.external + after.arrayBuffers - before.external - before.arrayBuffers) / count;
  console.log(`memory per reader (${count} readers over a 16 MB backlog): ${heap.toFixed(0)} B heap, ${ext.toFixed(1)} B external; buffer ${(buf.memoryBytes / 1048576).toFixed(1)} MB unchanged`);
  if (readers.length !== count) throw new Error('unreachable');
}

memoryPerReader(100_000);
throughput('(warm-up)', 16, 0);
throughput('SET 16-byte value, no reader', 16, 0);
throughput('SET 16-byte value, 1 reader', 16, 1);
throughput('SET 16-byte value, 10 readers', 16, 10);
throughput('SET 1 KB value, 1 reader', 1024, 1);
throughput('SET 64 KB value (> block), 1 reader', 64 * 1024, 1);
