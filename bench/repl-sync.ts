// Full-sync benchmark (not a test): the time from REPLICAOF to master_link_status:up for a
// primary holding N keys (DEBUG POPULATE, default 1M), with repl-diskless-sync no and yes, for
// every pairing of a nodis or redis-server primary with a nodis or redis-server replica. Run: `npx tsc -p . && node dist/bench/repl-sync.js` (NODIS_BENCH_KEYS=N).

import { startNodis, startRedis, type ChildServer } from '../test/helpers/oracle.js';
import { info } from '../test/helpers/replication.js';

const KEYS = Number(process.env.NODIS_BENCH_KEYS ?? 1_000_000);
const ROUNDS = Number(process.env.NODIS_BENCH_ROUNDS ?? 2);

type Kind = 'nodis' | 'redis';

async function once(kind: Kind, diskless: 'yes' | 'no', replicaKind: Kind): Promise<{ ms: number; size: string }> {
  const args = ['--repl-diskless-sync', diskless, '--repl-diskless-sync-delay', '0', '--enable-debug-command', 'yes'];
  const primary: ChildServer = kind === 'nodis' ? await startNodis(args) : await startRedis(args);
  const replica = replicaKind === 'nodis' ? await startNodis([]) : await startRedis([]);
  try {
    const p = await primary.client();
    const r = await replica.client();
    await p.send('DEBUG', 'POPULATE', KEYS, 'key', 16);
    const start = performance.now();
    await r.send('REPLICAOF', '127.0.0.1', primary.port);
    for (;;) {
      if ((await info(r, 'master_link_status')) === 'up') break;
      await new Promise((res) => setTimeout(res, 5));
    }
    const ms = performance.now() - start;
    const dbsize = await r.send('DBSIZE');
    if (dbsize !== KEYS) throw new Error(`replica has ${String(dbsize)} keys`);
    const m = /receiving (\d+) bytes/.exec(replica.output());
    p.close();
    r.close();
    return { ms, size: m !== null ? `${(Number(m[1]) / 1e6).toFixed(1)} MB` : 'streamed' };
  } finally {
    await replica.stop();
    await primary.stop();
  }
}

const rows: string[] = [];
const pairs: [Kind, Kind][] = [['redis', 'redis'], ['nodis', 'redis'], ['redis', 'nodis'], ['nodis', 'nodis']];
for (const diskless of ['no', 'yes'] as const) {
  for (const [kind, replicaKind] of pairs) {
    const times: number[] = [];
    let size = '';
    for (let i = 0; i < ROUNDS; i++) {
      const r = await once(kind, diskless, replicaKind);
      times.push(r.ms);
      size = r.size;
    }
    times.sort((a, b) => a - b);
    const row = `| ${kind} | ${replicaKind} | ${diskless} | ${KEYS} | ${times.map((t) => (t / 1000).toFixed(2)).join(' / ')} s | ${size} |`;
    rows.push(row);
    console.log(row);
  }
}
console.log('\n| primary | replica | repl-diskless-sync | keys | REPLICAOF → link up (each round, sorted) | RDB |');
console.log('|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
process.exit(0);
