// The embedding API's configuration options: several servers in one process with their own
// settings, a config file (and CONFIG REWRITE back to it), bad options, and the log file.

import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startServer } from '../../src/index.js';
import { TestClient } from '../helpers/resp-client.js';

const tmp = mkdtempSync(join(tmpdir(), 'nodis-embed-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

describe('startServer options', () => {
  it('runs several servers in one process, sharing nothing', async () => {
    const a = await startServer({ config: { maxmemory: '1mb', save: '' } });
    const b = await startServer({ config: { maxmemory: '2mb', databases: 4 } });
    try {
      assert.notEqual(a.port, b.port);
      const ca = await TestClient.connect(a.port, a.host);
      const cb = await TestClient.connect(b.port, b.host);
      assert.deepEqual(await ca.send('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '1048576']);
      assert.deepEqual(await cb.send('CONFIG', 'GET', 'maxmemory'), ['maxmemory', '2097152']);
      assert.deepEqual(await cb.send('CONFIG', 'GET', 'databases'), ['databases', '4']);
      assert.equal(await ca.send('CONFIG', 'SET', 'timeout', '5'), 'OK');
      assert.deepEqual(await cb.send('CONFIG', 'GET', 'timeout'), ['timeout', '0']);
      assert.deepEqual(await ca.send('CONFIG', 'GET', 'port'), ['port', String(a.port)]);
      ca.close();
      cb.close();
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('loads a config file, lets options override it, and rewrites it', async () => {
    const file = join(tmp, 'e.conf');
    writeFileSync(file, '# embedded\nport 0\ntimeout 11\nmaxclients 50\n');
    const s = await startServer({ configFile: file, config: { maxclients: 60 } });
    try {
      const c = await TestClient.connect(s.port, s.host);
      assert.deepEqual(await c.send('CONFIG', 'GET', 'timeout'), ['timeout', '11']);
      assert.deepEqual(await c.send('CONFIG', 'GET', 'maxclients'), ['maxclients', '60']);
      assert.equal(await c.send('CONFIG', 'SET', 'timeout', '12'), 'OK');
      assert.equal(await c.send('CONFIG', 'REWRITE'), 'OK');
      c.close();
      const text = readFileSync(file, 'latin1');
      assert.ok(text.startsWith('# embedded\n'));
      assert.match(text, /^timeout 12$/m);
    } finally {
      await s.close();
    }
  });

  it('applies rename-command from the config file', async () => {
    const file = join(tmp, 'rename.conf');
    writeFileSync(file, 'port 0\nrename-command config nodis-config\nrename-command shutdown ""\n');
    const s = await startServer({ configFile: file });
    try {
      const c = await TestClient.connect(s.port, s.host);
      assert.match(String(await c.send('CONFIG', 'GET', 'timeout')), /unknown command 'CONFIG'/);
      assert.deepEqual(await c.send('NODIS-CONFIG', 'GET', 'timeout'), ['timeout', '0']);
      assert.match(String(await c.send('SHUTDOWN')), /unknown command 'SHUTDOWN'/);
      c.close();
    } finally {
      await s.close();
    }
  });

  it('throws on bad configuration instead of exiting', async () => {
    await assert.rejects(startServer({ config: { maxmemory: 'lots' } }), /bad config 'maxmemory': argument must be a memory value/);
    const file = join(tmp, 'bad.conf');
    writeFileSync(file, 'nonsense here\n');
    await assert.rejects(startServer({ configFile: file }), /Bad directive or wrong number of arguments/);
  });

  it('logs to the given file, appending', async () => {
    const logfile = join(tmp, 'e.log');
    writeFileSync(logfile, 'before\n');
    const s = await startServer({ logfile });
    await s.close();
    const log = readFileSync(logfile, 'latin1');
    assert.ok(log.startsWith('before\n'));
    assert.match(log, /Ready to accept connections tcp/);
  });
});
