// FAILOVER's argument checks and the errors that need no replica, against nodis and real Redis
// alike: syntax, TIMEOUT values, ABORT only alone, the order of the checks (parsing first, then
// the server's state), inside MULTI and from a script. Failovers themselves are in
// test/integration/failover.test.ts.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { freePort } from '../helpers/ports.js';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let t: Target;
let c: TestClient;
before(async () => {
  t = await startTarget();
  c = await t.client();
});
after(async () => {
  await c.send('REPLICAOF', 'NO', 'ONE');
  c.close();
  await t.close();
});

const err = (v: unknown) => (v instanceof RespError ? v.message : `not an error: ${String(v)}`);

describe('FAILOVER arguments', () => {
  it('answers syntax errors for unknown, repeated or incomplete options', async () => {
    for (const args of [
      ['foo'], ['TO', '127.0.0.1'], ['TIMEOUT'], ['TIMEOUT', '10', 'TIMEOUT', '20'], ['FORCE', 'FORCE'],
      ['TO', 'h', '1', 'TO', 'h', '2'], ['ABORT', 'FORCE'], ['ABORT', 'TIMEOUT', '10'], ['TIMEOUT', '10', 'ABORT'],
    ]) {
      assert.equal(err(await c.send('FAILOVER', ...args)), 'ERR syntax error', args.join(' '));
    }
  });

  it('checks TIMEOUT and the port as integers, and TIMEOUT as positive', async () => {
    assert.equal(err(await c.send('FAILOVER', 'TIMEOUT', 'abc')), 'ERR value is not an integer or out of range');
    assert.equal(err(await c.send('FAILOVER', 'TIMEOUT', '1.5')), 'ERR value is not an integer or out of range');
    assert.equal(err(await c.send('FAILOVER', 'TIMEOUT', '0')), 'ERR FAILOVER timeout must be greater than 0');
    assert.equal(err(await c.send('FAILOVER', 'timeout', '-1')), 'ERR FAILOVER timeout must be greater than 0');
    assert.equal(err(await c.send('FAILOVER', 'TO', '127.0.0.1', 'port')), 'ERR value is not an integer or out of range');
    // Parsing comes before any check of the server's state.
    assert.equal(err(await c.send('FAILOVER', 'TO', 'h', '1', 'bogus')), 'ERR syntax error');
  });

  it('needs connected replicas, whatever the options', async () => {
    for (const args of [[], ['TIMEOUT', '100'], ['TO', '127.0.0.1', '99999'], ['FORCE'], ['to', 'h', '1', 'force'], ['FORCE', 'TIMEOUT', '100']]) {
      assert.equal(err(await c.send('FAILOVER', ...args)), 'ERR FAILOVER requires connected replicas.', args.join(' '));
    }
    assert.equal(await info(c, 'master_failover_state'), 'no-failover');
  });

  it('ABORT without a failover in progress', async () => {
    assert.equal(err(await c.send('FAILOVER', 'ABORT')), 'ERR No failover in progress.');
    assert.equal(err(await c.send('FAILOVER', 'abort')), 'ERR No failover in progress.');
  });

  it('is queued in MULTI and answers in EXEC; scripts may not call it', async () => {
    assert.equal(await c.send('MULTI'), 'OK');
    assert.equal(await c.send('FAILOVER'), 'QUEUED');
    assert.equal(await c.send('FAILOVER', 'ABORT'), 'QUEUED');
    const r = (await c.send('EXEC')) as unknown[];
    assert.deepEqual(r.map(err), ['ERR FAILOVER requires connected replicas.', 'ERR No failover in progress.']);
    const s = await c.send('EVAL', "return redis.call('failover')", '0');
    // Without scripting in nodis EVAL is unknown; with it, FAILOVER is refused (noscript).
    assert.ok(s instanceof RespError);
  });

  it('is refused on a replica', async () => {
    const port = await freePort();
    assert.equal(await c.send('REPLICAOF', '127.0.0.1', port), 'OK');
    assert.equal(err(await c.send('FAILOVER')), 'ERR FAILOVER is not valid when server is a replica.');
    assert.equal(err(await c.send('FAILOVER', 'TO', '127.0.0.1', port)), 'ERR FAILOVER is not valid when server is a replica.');
    assert.equal(err(await c.send('FAILOVER', 'TIMEOUT', '0')), 'ERR FAILOVER timeout must be greater than 0');
    assert.equal(err(await c.send('FAILOVER', 'ABORT')), 'ERR No failover in progress.');
    assert.equal(await c.send('REPLICAOF', 'NO', 'ONE'), 'OK');
  });
});

async function info(client: TestClient, field: string): Promise<string | undefined> {
  const text = (await client.send('INFO', 'replication')) as string;
  return new RegExp(`^${field}:(.*)\\r$`, 'm').exec(text)?.[1];
}
