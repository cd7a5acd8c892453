// SAVE, BGSAVE [SCHEDULE], LASTSAVE, DEBUG RELOAD [MERGE] [NOFLUSH] [NOSAVE], INFO persistence and
// the MISCONF gate after a failed background save. Each test points `dir` at its own temp dir
// (CONFIG SET dir is protected: the target allows it), so nothing is written elsewhere.

import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;
let dir: string;
const dirs: string[] = [];

before(async () => {
  target = await startTarget({ 'enable-debug-command': 'yes', 'enable-protected-configs': 'yes' });
  c = await target.client();
});
after(async () => {
  c.close();
  await target.close();
});
beforeEach(async () => {
  await waitIdle();
  dir = mkdtempSync(join(tmpdir(), 'nodis-persist-'));
  dirs.push(dir);
  assert.equal(await c.send('CONFIG', 'SET', 'dir', dir, 'dbfilename', 'dump.rdb', 'save', '', 'rdb-key-save-delay', '0', 'stop-writes-on-bgsave-error', 'yes'), 'OK');
  await c.send('FLUSHALL');
});
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function info(): Promise<Map<string, string>> {
  const text = String(await c.send('INFO', 'persistence'));
  const m = new Map<string, string>();
  for (const line of text.split('\r\n')) {
    const i = line.indexOf(':');
    if (i > 0) m.set(line.slice(0, i), line.slice(i + 1));
  }
  return m;
}

async function waitIdle(): Promise<Map<string, string>> {
  const start = Date.now();
  for (;;) {
    const m = await info();
    if (m.get('rdb_bgsave_in_progress') === '0') return m;
    if (Date.now() - start > 20000) throw new Error('background save did not end');
    await new Promise((r) => setTimeout(r, 20));
  }
}

function errText(r: unknown): string {
  assert.ok(r instanceof RespError, `expected an error, got ${JSON.stringify(r)}`);
  return r.message;
}

describe('SAVE', () => {
  it('writes dump.rdb, resets the change counter and moves LASTSAVE', async () => {
    const changes = Number((await info()).get('rdb_changes_since_last_save'));
    await c.send('SET', 'a', '1');
    await c.send('RPUSH', 'l', 'x', 'y');
    // RPUSH counts one change per element, as in Redis.
    assert.equal(Number((await info()).get('rdb_changes_since_last_save')), changes + 3);
    const before = Number(await c.send('LASTSAVE'));
    const saves = Number((await info()).get('rdb_saves'));
    assert.equal(await c.send('SAVE'), 'OK');
    assert.ok(existsSync(join(dir, 'dump.rdb')));
    const m = await info();
    assert.equal(m.get('rdb_changes_since_last_save'), '0');
    assert.equal(Number(m.get('rdb_saves')), saves + 1);
    assert.ok(Number(await c.send('LASTSAVE')) >= before);
    assert.equal(Number(m.get('rdb_last_save_time')), Number(await c.send('LASTSAVE')));
  });

  it('arity, and a bare ERR when the file cannot be written', async () => {
    assert.equal(errText(await c.send('SAVE', 'x')), "ERR wrong number of arguments for 'save' command");
    mkdirSync(join(dir, 'd.rdb'));
    assert.equal(await c.send('CONFIG', 'SET', 'dbfilename', 'd.rdb'), 'OK');
    assert.equal(errText(await c.send('SAVE')), 'ERR');
  });
});

describe('BGSAVE', () => {
  it('starts a background save that ends with status ok', async () => {
    await c.send('DEBUG', 'POPULATE', '1000');
    assert.equal(await c.send('BGSAVE'), 'Background saving started');
    const m = await waitIdle();
    assert.equal(m.get('rdb_last_bgsave_status'), 'ok');
    assert.equal(m.get('rdb_changes_since_last_save'), '0');
    assert.notEqual(m.get('rdb_last_bgsave_time_sec'), '-1');
    assert.ok(existsSync(join(dir, 'dump.rdb')));
  });

  it('SCHEDULE starts at once when nothing else runs; other arguments are a syntax error', async () => {
    assert.equal(errText(await c.send('BGSAVE', 'foo')), 'ERR syntax error');
    assert.equal(errText(await c.send('BGSAVE', 'SCHEDULE', 'x')), 'ERR syntax error');
    assert.equal(await c.send('BGSAVE', 'schedule'), 'Background saving started');
    await waitIdle();
  });

  it('refuses a second save while one runs, and INFO shows it running', async () => {
    await c.send('DEBUG', 'POPULATE', '100');
    // 100 keys at 10 ms each: about a second of saving.
    await c.send('CONFIG', 'SET', 'rdb-key-save-delay', '10000');
    assert.equal(await c.send('BGSAVE'), 'Background saving started');
    assert.equal(errText(await c.send('BGSAVE')), 'ERR Background save already in progress');
    assert.equal(errText(await c.send('BGSAVE', 'SCHEDULE')), 'ERR Background save already in progress');
    assert.equal(errText(await c.send('SAVE')), 'ERR Background save already in progress');
    const m = await info();
    assert.equal(m.get('rdb_bgsave_in_progress'), '1');
    assert.equal(m.get('current_save_keys_total'), '100');
    assert.notEqual(m.get('rdb_current_bgsave_time_sec'), '-1');
    await c.send('CONFIG', 'SET', 'rdb-key-save-delay', '0');
    const done = await waitIdle();
    assert.equal(done.get('rdb_last_bgsave_status'), 'ok');
    assert.equal(done.get('rdb_current_bgsave_time_sec'), '-1');
  });
});

describe('MISCONF after a failed background save', () => {
  it('refuses writes and PING while save points exist and stop-writes-on-bgsave-error is on', async () => {
    await c.send('SET', 'k', 'v');
    mkdirSync(join(dir, 'taken.rdb'));
    assert.equal(await c.send('CONFIG', 'SET', 'dbfilename', 'taken.rdb', 'save', '3600 1000000'), 'OK');
    assert.equal(await c.send('BGSAVE'), 'Background saving started');
    const m = await waitIdle();
    assert.equal(m.get('rdb_last_bgsave_status'), 'err');
    assert.match(errText(await c.send('SET', 'k', 'w')), /^MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk\./);
    assert.match(errText(await c.send('PING')), /^MISCONF /);
    assert.equal(await c.send('GET', 'k'), 'v');
    // Without save points, or with the option off, writes go through.
    assert.equal(await c.send('CONFIG', 'SET', 'save', ''), 'OK');
    assert.equal(await c.send('SET', 'k', 'w1'), 'OK');
    assert.equal(await c.send('CONFIG', 'SET', 'save', '3600 1000000', 'stop-writes-on-bgsave-error', 'no'), 'OK');
    assert.equal(await c.send('SET', 'k', 'w2'), 'OK');
    assert.equal(await c.send('CONFIG', 'SET', 'stop-writes-on-bgsave-error', 'yes'), 'OK');
    assert.match(errText(await c.send('SET', 'k', 'w3')), /^MISCONF /);
    // A successful save clears the error.
    rmdirSync(join(dir, 'taken.rdb'));
    assert.equal(await c.send('BGSAVE'), 'Background saving started');
    assert.equal((await waitIdle()).get('rdb_last_bgsave_status'), 'ok');
    assert.equal(await c.send('SET', 'k', 'w4'), 'OK');
    assert.equal(await c.send('PING'), 'PONG');
    await c.send('CONFIG', 'SET', 'save', '');
  });

  it('a failed SAVE does not clear the error; a successful one does', async () => {
    mkdirSync(join(dir, 'taken.rdb'));
    assert.equal(await c.send('CONFIG', 'SET', 'dbfilename', 'taken.rdb', 'save', '3600 1000000'), 'OK');
    await c.send('BGSAVE');
    assert.equal((await waitIdle()).get('rdb_last_bgsave_status'), 'err');
    assert.equal(errText(await c.send('SAVE')), 'ERR');
    assert.equal((await info()).get('rdb_last_bgsave_status'), 'err');
    assert.equal(await c.send('CONFIG', 'SET', 'dbfilename', 'ok.rdb'), 'OK');
    assert.equal(await c.send('SAVE'), 'OK');
    assert.equal((await info()).get('rdb_last_bgsave_status'), 'ok');
    assert.equal(await c.send('SET', 'x', 'y'), 'OK');
    await c.send('CONFIG', 'SET', 'save', '');
  });
});

describe('FLUSHALL with save points', () => {
  it('saves the empty dataset and leaves one change to save', async () => {
    await c.send('SET', 'a', '1');
    assert.equal(await c.send('SAVE'), 'OK');
    await c.send('CONFIG', 'SET', 'save', '3600 1000000');
    await c.send('SET', 'b', '2');
    assert.equal(await c.send('FLUSHALL'), 'OK');
    // Redis saves (changes reset to 0) and forces propagation of FLUSHALL separately; nodis
    // counts the FLUSHALL itself after the save, which is how it gets propagated.
    assert.equal((await info()).get('rdb_changes_since_last_save'), againstRedis ? '0' : '1');
    assert.equal(await c.send('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
    assert.equal(await c.send('DBSIZE'), 0, 'the file on disk is the empty dataset');
    await c.send('CONFIG', 'SET', 'save', '');
  });

  it('stops a background save in progress', async () => {
    await c.send('DEBUG', 'POPULATE', '100');
    await c.send('CONFIG', 'SET', 'rdb-key-save-delay', '100000');
    assert.equal(await c.send('BGSAVE'), 'Background saving started');
    assert.equal(await c.send('FLUSHALL'), 'OK');
    const m = await waitIdle();
    assert.equal(m.get('rdb_last_bgsave_status'), 'ok');
  });
});

describe('DEBUG RELOAD', () => {
  it('saves and loads the dataset back', async () => {
    await c.send('SET', 's', 'v');
    await c.send('RPUSH', 'l', 'a', 'b', 'c');
    await c.send('HSET', 'h', 'f', '1', 'g', '2');
    await c.send('SET', 'e', 'x', 'EX', '1000');
    await c.send('SELECT', '5');
    await c.send('SET', 'in5', '5');
    await c.send('SELECT', '0');
    const digest = await c.send('DEBUG', 'DIGEST');
    assert.equal(await c.send('DEBUG', 'RELOAD'), 'OK');
    assert.equal(await c.send('DEBUG', 'DIGEST'), digest);
    const ttl = Number(await c.send('TTL', 'e'));
    assert.ok(ttl > 990 && ttl <= 1000);
    assert.ok(existsSync(join(dir, 'dump.rdb')));
  });

  it('NOSAVE loads the file as it is; NOFLUSH MERGE keeps other keys and takes the file\'s values', async () => {
    await c.send('SET', 'a', 'saved');
    assert.equal(await c.send('SAVE'), 'OK');
    await c.send('SET', 'a', 'changed');
    await c.send('SET', 'b', 'only-in-memory');
    assert.equal(await c.send('DEBUG', 'RELOAD', 'NOSAVE'), 'OK');
    assert.equal(await c.send('GET', 'a'), 'saved');
    assert.equal(await c.send('EXISTS', 'b'), 0);
    await c.send('SET', 'a', 'changed');
    await c.send('SET', 'b', 'only-in-memory');
    assert.equal(await c.send('DEBUG', 'RELOAD', 'nosave', 'noflush', 'merge'), 'OK');
    assert.equal(await c.send('GET', 'a'), 'saved');
    assert.equal(await c.send('GET', 'b'), 'only-in-memory');
  });

  it('errors: unknown option, a save that fails, a missing file', async () => {
    assert.equal(errText(await c.send('DEBUG', 'RELOAD', 'FOO')), 'ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.');
    mkdirSync(join(dir, 'd.rdb'));
    await c.send('CONFIG', 'SET', 'dbfilename', 'd.rdb');
    await c.send('SET', 'keep', 'me');
    assert.equal(errText(await c.send('DEBUG', 'RELOAD')), 'ERR');
    assert.equal(await c.send('GET', 'keep'), 'me', 'nothing was flushed');
    await c.send('CONFIG', 'SET', 'dbfilename', 'missing.rdb');
    // Redis 7.2 added ", check server logs." to this error; the 7.0 oracle stops after "dump".
    const text = againstRedis ? 'ERR Error trying to load the RDB dump' : 'ERR Error trying to load the RDB dump, check server logs.';
    assert.equal(errText(await c.send('DEBUG', 'RELOAD', 'NOSAVE')), text);
  });
});
