import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;

before(async () => {
  target = await startTarget();
  c = await target.client();
});
after(async () => {
  c.close();
  await target.close();
});

describe('GET / SET', () => {
  it('stores and returns values', async () => {
    assert.equal(await c.send('SET', 'k', 'v'), 'OK');
    assert.equal(await c.send('GET', 'k'), 'v');
    assert.equal(await c.send('GET', 'missing'), null);
  });

  it('rejects wrong arity with Redis text', async () => {
    const r = await c.send('GET');
    assert.ok(r instanceof RespError);
    assert.equal(r.message, "ERR wrong number of arguments for 'get' command");
  });
});
