// Forkless snapshots end to end: BGSAVE of 200k keys while clients write hard produces exactly
// the dataset of its start; SIGKILL during BGSAVE leaves the old dump.rdb intact; dump.rdb loads
// at startup with Redis's log lines and LOADING replies meanwhile; a corrupt file stops the start
// with exit code 1; save points trigger a background save; and redis-server loads a file nodis
// wrote while its data changed (version 10, which the 7.0 oracle accepts).

import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { datasetDigest } from '../../src/commands/server/debug.js';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { startServer } from '../../src/index.js';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { FileSink } from '../../src/persistence/file-sink.js';
import { Snapshot } from '../../src/persistence/snapshot.js';
import { NODIS_MAIN, redisAvailable, startNodis, startRedis } from '../helpers/oracle.js';
import { assertSameImage, datasetImage } from '../helpers/image.js';
import { freePort } from '../helpers/ports.js';
import { newKeyspace, rng } from '../helpers/rdb.js';
import { RespError, TestClient } from '../helpers/resp-client.js';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'nodis-snap-'));
  dirs.push(d);
  return d;
}
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function infoField(c: TestClient, name: string): Promise<string> {
  const text = String(await c.send('INFO', 'persistence'));
  const m = text.match(new RegExp(`^${name}:(.*)\\r$`, 'm'));
  return m === null ? '' : m[1]!;
}

async function until(what: string, cond: () => Promise<boolean> | boolean, ms = 20000): Promise<void> {
  const start = Date.now();
  while (!(await cond())) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** An in-process server (not embedded): the test reaches its keyspace and persistence. */
async function inProcess(dir: string, extra: Record<string, string> = {}): Promise<Server> {
  const cfg = new Config(dir);
  cfg.load('bind', '127.0.0.1');
  cfg.load('save', '');
  for (const [k, v] of Object.entries(extra)) cfg.load(k, v);
  const logger = new Logger();
  logger.file = null;
  const s = new Server(cfg, logger);
  await s.listen(0);
  return s;
}

describe('BGSAVE is a point-in-time image', () => {
  it('of 200k keys of every type while another client overwrites, deletes, adds, mutates, expires and flushes', async () => {
    const dir = tempDir();
    const s = await inProcess(dir, { 'enable-debug-command': 'yes', 'rdb-key-save-delay': '1' });
    const c = await TestClient.connect(s.port);
    const w = await TestClient.connect(s.port);
    try {
      await c.send('DEBUG', 'POPULATE', '150000');
      const fillCmds: string[][] = [];
      for (let i = 0; i < 25000; i++) fillCmds.push(['RPUSH', `list:${i}`, 'a', 'b', String(i)]);
      for (let i = 0; i < 25000; i++) fillCmds.push(['HSET', `hash:${i}`, 'f', String(i), 'g', 'x'.repeat(i % 100)]);
      for (let i = 0; i < 2000; i++) fillCmds.push(['EXPIRE', `key:${i}`, '100000']);
      for (let i = 0; i < fillCmds.length; i += 10000) await c.pipeline(fillCmds.slice(i, i + 10000));
      for (const db of ['1', '2', '3']) {
        await c.send('SELECT', db);
        await c.send('DEBUG', 'POPULATE', '3000', `db${db}`);
      }
      await c.send('SELECT', '0');
      assert.equal(await c.send('DBSIZE'), 200000);

      // The expected image and the start of the save in one synchronous step: nothing runs between.
      const want = datasetImage(s.ks);
      assert.equal(s.persistence.bgsave(false), 'Background saving started');
      const r = rng(42);
      let batches = 0;
      while ((await infoField(c, 'rdb_bgsave_in_progress')) === '1') {
        const cmds: string[][] = [];
        for (let i = 0; i < 300; i++) {
          const n = Math.floor(r() * 160000);
          const op = Math.floor(r() * 8);
          if (op === 0) cmds.push(['SET', `key:${n}`, `over:${batches}`]);
          else if (op === 1) cmds.push(['DEL', `key:${n}`, `list:${n % 25000}`]);
          else if (op === 2) cmds.push(['SET', `new:${batches}:${i}`, 'n']);
          else if (op === 3) cmds.push(['LPUSH', `list:${n % 25000}`, 'pushed']);
          else if (op === 4) cmds.push(['HSET', `hash:${n % 25000}`, 'f', 'changed', 'new', 'field']);
          else if (op === 5) cmds.push(['EXPIRE', `key:${n}`, '5000']);
          else if (op === 6) cmds.push(['PEXPIRE', `hash:${n % 25000}`, '1']);
          else cmds.push(['RENAME', `key:${n}`, `renamed:${n}`]);
        }
        if (batches === 1) cmds.push(['SELECT', '1'], ['FLUSHDB'], ['SELECT', '0']);
        if (batches === 2) cmds.push(['SWAPDB', '2', '3']);
        await w.pipeline(cmds);
        batches++;
      }
      assert.ok(batches >= 5, `only ${batches} write batches ran during the save`);
      assert.equal(await infoField(c, 'rdb_last_bgsave_status'), 'ok');
      assert.ok(Number(await infoField(c, 'rdb_last_cow_size')) > 0);

      // A fresh server loads the file as at startup.
      const s2 = await inProcess(dir);
      try {
        assert.equal(await s2.persistence.loadAtStartup(), true);
        assertSameImage(datasetImage(s2.ks), want);
      } finally {
        await s2.close();
      }
    } finally {
      c.close();
      w.close();
      await s.close();
    }
  });
});

describe('crash safety', () => {
  it('SIGKILL during BGSAVE leaves the previous dump.rdb intact', async () => {
    const n = await startNodis(['--enable-debug-command', 'yes']);
    const dir = n.dir;
    const c = await n.client();
    await c.send('DEBUG', 'POPULATE', '2000');
    assert.equal(await c.send('SAVE'), 'OK');
    const saved = readFileSync(join(dir, 'dump.rdb'));
    const digest = await c.send('DEBUG', 'DIGEST');
    await c.send('DEBUG', 'POPULATE', '4000', 'more');
    await c.send('CONFIG', 'SET', 'rdb-key-save-delay', '1000');
    assert.equal(await c.send('BGSAVE'), 'Background saving started');
    await until('the temp file', () => readdirSync(dir).some((f) => /^temp-\d+\.rdb$/.test(f)));
    await until('some bytes in the temp file', () => {
      const f = readdirSync(dir).find((x) => /^temp-\d+\.rdb$/.test(x));
      return f !== undefined && readFileSync(join(dir, f)).length > 1000;
    });
    c.close();
    await n.stop('SIGKILL', true);
    assert.ok(readFileSync(join(dir, 'dump.rdb')).equals(saved), 'dump.rdb unchanged');
    const again = await startNodis(['--dir', dir, '--enable-debug-command', 'yes']);
    const c2 = await again.client();
    assert.equal(await c2.send('DEBUG', 'DIGEST'), digest);
    c2.close();
    await again.stop();
    rmSync(dir, { recursive: true, force: true });
  });
});

interface Proc { port: number; out(): string; exit: Promise<number | null>; kill(): void }

async function launch(args: string[], waitFor: RegExp): Promise<Proc> {
  const port = await freePort();
  const p = spawn(process.execPath, [NODIS_MAIN, '--port', String(port), '--bind', '127.0.0.1', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exit = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  after(() => { if (p.exitCode === null) p.kill('SIGKILL'); });
  let exited = false;
  void exit.then(() => { exited = true; });
  await until(`${waitFor} in the log`, () => waitFor.test(out) || exited, 15000);
  return { port, out: () => out, exit, kill: () => p.kill('SIGKILL') };
}

describe('loading dump.rdb at startup', () => {
  it('logs like Redis, answers LOADING while it loads, and drops expired keys', async () => {
    const dir = tempDir();
    const n = await startNodis(['--dir', dir, '--enable-debug-command', 'yes']);
    const c = await n.client();
    await c.send('DEBUG', 'POPULATE', '3000');
    const setAt = Date.now();
    await c.pipeline(Array.from({ length: 10 }, (_, i) => ['SET', `gone:${i}`, 'x', 'PX', '600']));
    assert.equal(await c.send('SAVE'), 'OK');
    assert.ok(Date.now() - setAt < 500, 'the save ran before the keys expired');
    c.close();
    await n.stop('SIGKILL', true);
    await new Promise((r) => setTimeout(r, Math.max(0, setAt + 650 - Date.now())));

    // 3000 keys at 1 ms each: three seconds of loading.
    const p = await launch(['--dir', dir, '--key-load-delay', '1000', '--save', '', '--enable-debug-command', 'yes'], /Loading RDB produced by version/);
    const lc = await TestClient.connect(p.port);
    const r = await lc.send('PING');
    assert.ok(r instanceof RespError);
    assert.equal(r.message, 'LOADING Redis is loading the dataset in memory');
    const info = String(await lc.send('INFO', 'persistence'));
    assert.match(info, /\r\nloading:1\r\n/);
    assert.match(info, /\r\nloading_total_bytes:\d+\r\n/);
    assert.match(info, /\r\nloading_loaded_perc:\d+\.\d\d\r\n/);
    assert.match(info, /\r\nloading_eta_seconds:\d+\r\n/);
    await lc.send('CONFIG', 'SET', 'key-load-delay', '0');
    await until('the end of loading', async () => (await lc.send('PING')) === 'PONG');
    assert.equal(await lc.send('DBSIZE'), 3000);
    assert.equal(await infoField(lc, 'rdb_last_load_keys_loaded'), '3000');
    assert.equal(await infoField(lc, 'rdb_last_load_keys_expired'), '10');
    const lines = p.out().split('\n').map((l) => l.replace(/^\d+:[MC] \d\d \w{3} \d{4} [\d:.]+ [.\-*#] /, ''));
    const from = lines.findIndex((l) => l.startsWith('Loading RDB produced by version '));
    assert.ok(from > 0, p.out());
    assert.equal(lines[from], 'Loading RDB produced by version 7.2.4');
    assert.match(lines[from + 1]!, /^RDB age \d+ seconds$/);
    assert.match(lines[from + 2]!, /^RDB memory usage when created \d+\.\d\d Mb$/);
    assert.equal(lines[from + 3], 'Done loading RDB, keys loaded: 3000, keys expired: 10.');
    assert.match(lines[from + 4]!, /^DB loaded from disk: \d+\.\d{3} seconds$/);
    assert.equal(lines[from + 5], 'Ready to accept connections tcp');
    lc.close();
    p.kill();
  });

  it('refuses to start on a corrupt or truncated file, with exit code 1', async () => {
    const dir = tempDir();
    const n = await startNodis(['--dir', dir, '--enable-debug-command', 'yes']);
    const c = await n.client();
    await c.send('DEBUG', 'POPULATE', '2000');
    assert.equal(await c.send('SAVE'), 'OK');
    c.close();
    await n.stop('SIGKILL', true);
    const good = readFileSync(join(dir, 'dump.rdb'));

    writeFileSync(join(dir, 'dump.rdb'), good.subarray(0, 5000));
    let p = await launch(['--dir', dir], /Terminating server|Ready to accept/);
    assert.equal(await p.exit, 1);
    assert.match(p.out(), /Short read or OOM loading DB\. Unrecoverable error, aborting now\./);
    assert.match(p.out(), /Terminating server after rdb file reading failure\./);

    const flipped = Buffer.from(good);
    flipped[flipped.length - 3] ^= 0xff;
    writeFileSync(join(dir, 'dump.rdb'), flipped);
    p = await launch(['--dir', dir], /Terminating server|Ready to accept/);
    assert.equal(await p.exit, 1);
    assert.match(p.out(), /Wrong RDB checksum expected: \([0-9a-f]+\) got \([0-9a-f]+\)\. Aborting now\./);

    writeFileSync(join(dir, 'dump.rdb'), 'REDIX0011');
    p = await launch(['--dir', dir], /Exiting\.|Ready to accept/);
    assert.equal(await p.exit, 1);
    assert.match(p.out(), /# Wrong signature trying to load DB from file\n.*# Fatal error loading the DB: Invalid argument\. Exiting\./);
  });
});

describe('save points', () => {
  it('start a background save once enough changes are older than the period', async () => {
    const dir = tempDir();
    const s = await startServer({ config: { dir, save: '1 3', hz: '50' }, logfile: join(dir, 'log') });
    const c = await TestClient.connect(s.port);
    try {
      await c.send('SET', 'a', '1');
      await c.send('SET', 'b', '2');
      // Two changes: below the save point however long we wait.
      await new Promise((r) => setTimeout(r, 1300));
      assert.equal(existsSync(join(dir, 'dump.rdb')), false);
      await c.send('SET', 'c', '3');
      await until('the save point', () => existsSync(join(dir, 'dump.rdb')), 5000);
      await until('the end of the save', async () => (await infoField(c, 'rdb_bgsave_in_progress')) === '0');
      assert.equal(await infoField(c, 'rdb_changes_since_last_save'), '0');
      assert.match(readFileSync(join(dir, 'log'), 'latin1'), /\* 3 changes in 1 seconds\. Saving\.\.\.\n.*\* Background saving started by pid \d+\n/);
    } finally {
      c.close();
      await s.close();
    }
  });
});

describe('interop', { skip: !redisAvailable() }, () => {
  it('redis-server loads a version 10 file written by a snapshot while the data changed', async () => {
    const dir = tempDir();
    const ks = newKeyspace(4);
    const r = rng(99);
    for (let i = 0; i < 20000; i++) {
      const db = ks.dbs[i % 3]!;
      if (i % 3 === 0) {
        const l = new ListValue();
        l.push([`a${i}`, `b${i}`], 0, 'tail', -2);
        db.set(`l:${i}`, l);
      } else if (i % 3 === 1) {
        const h = new HashValue();
        h.set('f', String(i), { entries: 128, value: 64 });
        db.set(`h:${i}`, h);
      } else {
        db.set(`s:${i}`, i % 2 === 0 ? i : `v${i}`);
        if (i % 10 === 2) db.setExpire(`s:${i}`, Date.now() + 3_600_000);
      }
    }
    const want = datasetDigest(ks);
    const sink = new FileSink({ dir, filename: 'dump.rdb', tempName: 'temp-test.rdb' }, true);
    const p = new Snapshot(ks, [sink], { rdb: { compress: true, checksum: true, version: 10 }, aux: { redisVer: '7.2.4', redisBits: 64, ctime: Math.floor(Date.now() / 1000), usedMem: 1, aofBase: 0 }, sliceMs: 0.1 }).start();
    let done = false;
    void p.then(() => { done = true; }, () => { done = true; });
    let step = 0;
    while (!done) {
      for (let k = 0; k < 30; k++, step++) {
        const db = ks.dbs[Math.floor(r() * 3)]!;
        const i = Math.floor(r() * 20000);
        db.delete(`s:${i}`);
        db.set(`new:${step}`, 'x');
        const l = db.lookupWrite(`l:${i}`);
        if (l instanceof ListValue) l.push(['more'], 0, 'head', -2);
      }
      await new Promise((res) => setImmediate(res));
    }
    await p;
    assert.notEqual(datasetDigest(ks), want);
    const redis = await startRedis(['--dir', dir, '--enable-debug-command', 'yes']);
    try {
      const rc = await redis.client();
      assert.equal(await rc.send('DEBUG', 'DIGEST'), want);
      rc.close();
    } finally {
      await redis.stop('SIGKILL', true);
    }
  });
});
