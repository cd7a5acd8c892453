// The AOF formats on their own: the manifest (Redis's names, order, and every parse error), the
// RESP encoding of the writer, the loader against a corpus of good, truncated and corrupt files
// (with aof-load-truncated yes and no), and base files in both encodings read back through a
// real server's command path. Process-level behaviour is in test/integration/aof*.test.ts.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { datasetDigest } from '../../src/commands/server/debug.js';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { AofBaseEncoder, encodeImageSync, ITEMS_PER_CMD, RdbBaseEncoder } from '../../src/persistence/aof/image.js';
import { Snapshot } from '../../src/persistence/snapshot.js';
import { loadAofFile, type LoadStatus, type Replayer } from '../../src/persistence/aof/loader.js';
import {
  addNewBase, addNewIncr, emptyManifest, formatManifest, ManifestError, markIncrAsHistory, parseManifest,
} from '../../src/persistence/aof/manifest.js';
import { AofReplayer } from '../../src/persistence/aof/replay.js';
import { encodeCommand } from '../../src/persistence/aof/writer.js';
import { DEFAULT_LIMITS } from '../../src/persistence/rdb/codecs.js';
import { loadRdb } from '../../src/persistence/rdb/load.js';
import { Config } from '../../src/server/config.js';
import { Logger } from '../../src/server/log.js';
import { Server } from '../../src/server/server.js';
import { newKeyspace } from '../helpers/rdb.js';

const tmp = mkdtempSync(join(tmpdir(), 'nodis-aof-unit-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('AOF manifest', () => {
  it('names files and orders lines as Redis 7 does', () => {
    const m = emptyManifest();
    assert.equal(addNewBase(m, 'appendonly.aof', true), 'appendonly.aof.1.base.rdb');
    assert.equal(addNewIncr(m, 'appendonly.aof'), 'appendonly.aof.1.incr.aof');
    assert.equal(formatManifest(m), 'file appendonly.aof.1.base.rdb seq 1 type b\nfile appendonly.aof.1.incr.aof seq 1 type i\n');
    // A rewrite: a new incr file, then a new base; the old ones become history.
    assert.equal(addNewIncr(m, 'appendonly.aof'), 'appendonly.aof.2.incr.aof');
    assert.equal(addNewBase(m, 'appendonly.aof', false), 'appendonly.aof.2.base.aof');
    markIncrAsHistory(m, 1);
    // History: the replaced incr files go to the head, in order, before the old base.
    assert.equal(formatManifest(m), [
      'file appendonly.aof.2.base.aof seq 2 type b',
      'file appendonly.aof.1.incr.aof seq 1 type h',
      'file appendonly.aof.1.base.rdb seq 1 type h',
      'file appendonly.aof.2.incr.aof seq 2 type i',
      '',
    ].join('\n'));
    assert.deepEqual(parseManifest(formatManifest(m)), m);
  });

  it('quotes names that need it and reads them back', () => {
    const m = emptyManifest();
    addNewBase(m, 'my aof', true);
    const text = formatManifest(m);
    assert.equal(text, 'file "my aof.1.base.rdb" seq 1 type b\n');
    assert.equal(parseManifest(text).base!.name, 'my aof.1.base.rdb');
  });

  it('accepts comments, extra key pairs and any key case', () => {
    const m = parseManifest('# comment\nFILE a.1.base.rdb SEQ 1 TYPE b extra x\nfile a.1.incr.aof seq 1 type i\n');
    assert.equal(m.base!.name, 'a.1.base.rdb');
    assert.equal(m.incr.length, 1);
    assert.equal(m.incrSeq, 1);
  });

  const bad: [string, string][] = [
    ['', 'Found an empty AOF manifest'],
    ['file a seq 1 type b', 'The AOF manifest file contains too long line'],
    ['\n', 'Invalid AOF manifest file format'],
    ['file a seq 1\n', 'Invalid AOF manifest file format'],
    ['file a seq 1 type\n', 'Invalid AOF manifest file format'],
    ['file a seq 0 type b\n', 'Invalid AOF manifest file format'],
    ['file "a seq 1 type b\n', 'Invalid AOF manifest file format'],
    ['file dir/a seq 1 type b\n', "File can't be a path, just a filename"],
    ['file a seq 1 type b\nfile b seq 2 type b\n', 'Found duplicate base file information'],
    ['file a seq 2 type i\nfile b seq 2 type i\n', 'Found a non-monotonic sequence number'],
    ['file a seq 1 type x\n', 'Unknown AOF file type'],
    [`file ${'a'.repeat(1100)} seq 1 type b\n`, 'The AOF manifest file contains too long line'],
  ];
  for (const [text, reason] of bad) {
    it(`refuses ${JSON.stringify(text.slice(0, 40))}`, () => {
      assert.throws(() => parseManifest(text), (e) => e instanceof ManifestError && e.reason === reason);
    });
  }
});

describe('AOF command encoding', () => {
  it('is RESP with byte lengths of latin1 arguments', () => {
    assert.equal(encodeCommand(['SET', 'k', '\xff\x00v']), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$3\r\n\xff\x00v\r\n');
    assert.equal(encodeCommand(['X', '']), '*2\r\n$1\r\nX\r\n$0\r\n\r\n');
  });
});

/** A replayer that records what it is asked to run. */
class Recorder implements Replayer {
  ran: string[][] = [];
  transactions: string[][][] = [];
  known(argv: readonly string[]): boolean { return argv[0]!.toLowerCase() !== 'nosuchcommand'; }
  run(argv: string[]): void { this.ran.push(argv); }
  runTransaction(cmds: string[][]): void { this.transactions.push(cmds); }
}

function load(content: Buffer | string, loadTruncated = true): { status: LoadStatus; rec: Recorder; logs: string[]; after: Buffer } {
  const name = 'appendonly.aof.1.incr.aof';
  writeFileSync(join(tmp, name), typeof content === 'string' ? Buffer.from(content, 'latin1') : content);
  const rec = new Recorder();
  const logs: string[] = [];
  const status = loadAofFile({
    dir: tmp, name, oldStyle: false, loadTruncated, replay: rec,
    log: (_l, m) => logs.push(m),
    loadRdb: () => { throw new Error('no RDB expected'); },
  });
  return { status, rec, logs, after: readFileSync(join(tmp, name)) };
}

const SET_A = encodeCommand(['SET', 'a', '1']);
const SET_B = encodeCommand(['SET', 'b', '2']);

describe('AOF loader corpus', () => {
  it('runs every command in order, skipping annotations', () => {
    const r = load(`#TS:1700000000\r\n${SET_A}${SET_B}`);
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.rec.ran, [['SET', 'a', '1'], ['SET', 'b', '2']]);
  });

  it('an empty file is empty, not an error', () => {
    assert.equal(load('').status, 'empty');
  });

  it('runs MULTI ... EXEC as one transaction', () => {
    const r = load(encodeCommand(['MULTI']) + SET_A + SET_B + encodeCommand(['EXEC']));
    assert.equal(r.status, 'ok');
    assert.deepEqual(r.rec.transactions, [[['SET', 'a', '1'], ['SET', 'b', '2']]]);
    assert.deepEqual(r.rec.ran, []);
  });

  // Every proper prefix of a valid stream is a short read: cut back to the last whole command.
  const whole = SET_A + SET_B;
  for (let cut = SET_A.length + 1; cut < whole.length; cut += 3) {
    it(`truncated at byte ${cut}: cut back to the first command`, () => {
      const r = load(whole.slice(0, cut));
      assert.equal(r.status, 'truncated');
      assert.deepEqual(r.rec.ran, [['SET', 'a', '1']]);
      assert.equal(r.after.toString('latin1'), SET_A);
      assert.ok(r.logs.some((l) => l.includes('!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!')));
      assert.ok(r.logs.some((l) => l.includes(`Truncating the AOF appendonly.aof.1.incr.aof at offset ${SET_A.length}`)));
    });
  }

  it('with aof-load-truncated no a short read fails and the file is left alone', () => {
    const r = load(whole.slice(0, whole.length - 1), false);
    assert.equal(r.status, 'failed');
    assert.equal(r.after.length, whole.length - 1);
    assert.ok(r.logs.some((l) => l.startsWith('Unexpected end of file reading the append only file appendonly.aof.1.incr.aof.')));
  });

  it('an open MULTI at the end is reverted to before the MULTI', () => {
    const r = load(SET_A + encodeCommand(['MULTI']) + SET_B);
    assert.equal(r.status, 'truncated');
    assert.deepEqual(r.rec.transactions, []);
    assert.equal(r.after.toString('latin1'), SET_A);
    assert.ok(r.logs.includes('Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof'));
  });

  const corrupt: [string, string][] = [
    ['garbage line', `${SET_A}hello\r\n`],
    ['zero argc', `*0\r\n${SET_A}`],
    ['argument without $', '*2\r\n$3\r\nSET\r\nxx\r\n'],
    ['negative length', '*1\r\n$-3\r\n'],
  ];
  for (const [what, text] of corrupt) {
    it(`a corrupt file fails to load (${what})`, () => {
      const r = load(text);
      assert.equal(r.status, 'failed');
      assert.ok(r.logs.some((l) => l.startsWith('Bad file format reading the append only file appendonly.aof.1.incr.aof')), r.logs.join('\n'));
    });
  }

  it('an unknown command fails the load', () => {
    const r = load(SET_A + encodeCommand(['NOSUCHCOMMAND', 'x']));
    assert.equal(r.status, 'failed');
    assert.ok(r.logs.includes("Unknown command 'NOSUCHCOMMAND' reading the append only file appendonly.aof.1.incr.aof"));
  });

  it('a missing file is reported as such', () => {
    const rec = new Recorder();
    const logs: string[] = [];
    const status = loadAofFile({
      dir: tmp, name: 'nope.aof', oldStyle: false, loadTruncated: true, replay: rec,
      log: (_l, m) => logs.push(m), loadRdb: () => 0,
    });
    assert.equal(status, 'not-exist');
  });
});

function newServer(): Server {
  const cfg = new Config();
  const logger = new Logger();
  logger.file = null;
  return new Server(cfg, logger);
}

function fill(s: Server): void {
  const ks = s.ks;
  ks.dbs[0]!.set('str', 'hello', true);
  ks.dbs[0]!.set('int', 12345, true);
  ks.dbs[0]!.set('bin', '\x00\xff\r\n', true);
  ks.dbs[0]!.setExpire('str', Date.now() + 100000);
  const l = new ListValue();
  l.push(Array.from({ length: ITEMS_PER_CMD * 2 + 5 }, (_, i) => `e${i}`), 0, 'tail', -2);
  ks.dbs[3]!.set('list', l, true);
  const h = new HashValue();
  for (let i = 0; i < 150; i++) h.set(`f${i}`, `v${i}`, { entries: 128, value: 64 });
  ks.dbs[3]!.set('hash', h, true);
}

describe('AOF base files', () => {
  it('an AOF-format base replays into the same data set, in batches of 64 items', () => {
    const src = newServer();
    fill(src);
    const enc = new AofBaseEncoder(undefined, 1700000000);
    const parts = encodeImageSync(src.ks.dbs, enc);
    const text = Buffer.concat(parts).toString('latin1');
    assert.ok(text.startsWith('#TS:1700000000\r\n*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n'));
    assert.ok(text.includes(encodeCommand(['PEXPIREAT', 'str', String(src.ks.dbs[0]!.getExpire('str'))])));
    assert.equal(text.split('$5\r\nRPUSH\r\n').length - 1, 3);
    assert.equal(text.split('$5\r\nHMSET\r\n').length - 1, 3);

    const dst = newServer();
    const replayer = new AofReplayer(dst, dst.table);
    writeFileSync(join(tmp, 'base.aof'), text, 'latin1');
    replayer.begin();
    const status = loadAofFile({
      dir: tmp, name: 'base.aof', oldStyle: false, loadTruncated: true, replay: replayer, log: () => {}, loadRdb: () => 0,
    });
    replayer.end();
    assert.equal(status, 'ok');
    assert.equal(datasetDigest(dst.ks), datasetDigest(src.ks));
    assert.equal(dst.ks.dbs[0]!.getExpire('str'), src.ks.dbs[0]!.getExpire('str'));
    // Replayed commands leave no command statistics behind.
    assert.equal(dst.table.get('rpush')!.stats.calls, 0);
    void dst.close();
    void src.close();
  });

  it('an RDB base carries aof-base 1', () => {
    const src = newServer();
    fill(src);
    const enc = new RdbBaseEncoder({ compress: true, checksum: true }, src.rdbAux());
    const parts = encodeImageSync(src.ks.dbs, enc);
    const ks = newKeyspace();
    const r = loadRdb(Buffer.concat(parts), ks.dbs, { limits: DEFAULT_LIMITS, verifyChecksum: true });
    assert.equal(r.aux.get('aof-base'), '1');
    assert.equal(datasetDigest(ks), datasetDigest(src.ks));
    void src.close();
  });

  it('a forkless AOF-format image is the keyspace at its start, whatever happens during the walk', async () => {
    const src = newServer();
    fill(src);
    const before = datasetDigest(src.ks);
    const parts: Buffer[] = [];
    const sink = {
      backlog: 0, error: null, write: (c: Buffer) => { parts.push(c); },
      drained: () => Promise.resolve(), finish: () => Promise.resolve(), abort: () => {},
    };
    // A key delay walks key by key with pauses, so the changes below land in the middle.
    const snap = new Snapshot(src.ks, [sink], {
      rdb: { compress: false, checksum: true }, aux: src.rdbAux(), encoder: new AofBaseEncoder(), keyDelayUs: 500,
    });
    const done = snap.start();
    src.ks.dbs[0]!.set('later', 'x', true);
    (src.ks.dbs[3]!.lookupWrite('list') as ListValue).push(['more'], 0, 'tail', -2);
    src.ks.dbs[0]!.delete('str');
    await done;
    assert.notEqual(datasetDigest(src.ks), before);
    const dst = newServer();
    const replayer = new AofReplayer(dst, dst.table);
    writeFileSync(join(tmp, 'snap.aof'), Buffer.concat(parts));
    replayer.begin();
    const status = loadAofFile({
      dir: tmp, name: 'snap.aof', oldStyle: false, loadTruncated: true, replay: replayer, log: () => {}, loadRdb: () => 0,
    });
    replayer.end();
    assert.equal(status, 'ok');
    assert.equal(datasetDigest(dst.ks), before);
    void dst.close();
    void src.close();
  });
});
