// RESET leaves pub/sub mode: its subscriptions go, and a RESP2 client may run any command again.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import type { TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;
let other: TestClient;

before(async () => {
  target = await startTarget();
  c = await target.client();
  other = await target.client();
});
after(async () => {
  c.close();
  other.close();
  await target.close();
});

describe('RESET in subscribed mode', () => {
  it('drops every subscription', async () => {
    await c.writeRaw('*3\r\n$9\r\nSUBSCRIBE\r\n$2\r\nr1\r\n$2\r\nr2\r\n', 2, false);
    await c.writeRaw('*2\r\n$10\r\nPSUBSCRIBE\r\n$2\r\nr*\r\n', 1, false);
    assert.deepEqual(await other.send('PUBSUB', 'NUMSUB', 'r1', 'r2'), ['r1', 1, 'r2', 1]);
    assert.equal(await c.send('RESET'), 'RESET');
    assert.deepEqual(await other.send('PUBSUB', 'NUMSUB', 'r1', 'r2'), ['r1', 0, 'r2', 0]);
    assert.equal(await other.send('PUBSUB', 'NUMPAT'), 0);
    assert.equal(await other.send('PUBLISH', 'r1', 'x'), 0);
    assert.equal(await c.send('SET', 'after-reset', 'ok'), 'OK');
  });
});
