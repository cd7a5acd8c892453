// client-output-buffer-limit pubsub: a subscriber that does not read is disconnected once its
// pending output passes the hard limit, or stays above the soft limit for longer than allowed;
// a subscriber that keeps up is not. The directive's CONFIG SET/GET forms are checked too.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { startPubSubTarget, subCommand, type PubSubTarget } from './pubsub/target.js';

let t: PubSubTarget;
let pub: TestClient;

before(async () => {
  t = await startPubSubTarget();
  pub = await t.client();
});
after(async () => { await t.close(); });

const numsub = async (ch: string) => ((await pub.send('PUBSUB', 'NUMSUB', ch)) as number[])[1];

/** Publishes 64 KB messages one at a time until the channel has `left` subscribers. */
async function floodUntil(channel: string, left: number, maxBytes = 128 * 1024 * 1024): Promise<number> {
  const msg = 'x'.repeat(64 * 1024);
  let sent = 0;
  while ((await numsub(channel)) !== left) {
    if (sent > maxBytes) throw new Error(`subscriber still there after ${sent} bytes`);
    await pub.send('PUBLISH', channel, msg);
    sent += msg.length;
  }
  return sent;
}

describe('client-output-buffer-limit', () => {
  it('CONFIG SET merges classes and GET prints bytes, replicas as slave', async () => {
    assert.equal(await t.configGet('client-output-buffer-limit'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
    assert.equal(await t.configSet('client-output-buffer-limit', 'pubsub 1mb 512kb 10'), 'OK');
    assert.equal(await t.configSet('client-output-buffer-limit', 'replica 1k 2kb 3 normal 5 6 7'), 'OK');
    assert.equal(await t.configGet('client-output-buffer-limit'), 'normal 5 6 7 slave 1000 2048 3 pubsub 1048576 524288 10');
    const bad: [string, string][] = [
      ['pubsub 1mb 512kb', 'Wrong number of arguments in buffer limit configuration.'],
      ['master 1 1 1', 'Invalid client class specified in buffer limit configuration.'],
      ['foo 1 1 1', 'Invalid client class specified in buffer limit configuration.'],
      ['normal -1 0 0', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'],
      ['normal 1x 0 0', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'],
      ['normal 1 0 -2', 'Error in hard, soft or soft_seconds setting in buffer limit configuration.'],
    ];
    for (const [value, why] of bad) {
      const r = await t.configSet('client-output-buffer-limit', value);
      assert.ok(r instanceof RespError, value);
      assert.equal(r.message, `ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - ${why}`);
    }
    assert.equal(await t.configSet('client-output-buffer-limit', 'normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60'), 'OK');
    assert.equal(await t.configGet('client-output-buffer-limit'), 'normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60');
  });

  it('drops a subscriber past the hard limit and keeps one that reads', async () => {
    assert.equal(await t.configSet('client-output-buffer-limit', 'pubsub 256kb 0 0'), 'OK');
    const slow = await t.client();
    const reader = await t.client();
    await subCommand(slow, ['SUBSCRIBE', 'flood']);
    await subCommand(reader, ['SUBSCRIBE', 'flood']);
    let got = 0;
    reader.socket.on('data', (d: Buffer) => { got += d.length; });
    slow.socket.pause();
    const sent = await floodUntil('flood', 1);
    assert.ok(sent > 256 * 1024);
    slow.socket.resume();
    assert.ok(await slow.waitClosed(), 'the slow subscriber is disconnected');
    assert.equal(await numsub('flood'), 1);
    assert.ok(got > 0);
    reader.close();
    assert.equal(await t.configSet('client-output-buffer-limit', 'pubsub 32mb 8mb 60'), 'OK');
  });

  it('drops a subscriber that stays above the soft limit', async () => {
    assert.equal(await t.configSet('client-output-buffer-limit', 'pubsub 0 128kb 0'), 'OK');
    const slow = await t.client();
    await subCommand(slow, ['SUBSCRIBE', 'soft']);
    slow.socket.pause();
    // Fill the kernel's buffers and pass the soft limit, then keep writing: the subscriber goes
    // once it has been above the limit for more than 0 whole seconds.
    const msg = 'y'.repeat(64 * 1024);
    for (let i = 0; i < 256; i++) await pub.send('PUBLISH', 'soft', msg);
    const start = Date.now();
    while ((await numsub('soft')) !== 0) {
      assert.ok(Date.now() - start < 5000, 'still subscribed after 5 s');
      await pub.send('PUBLISH', 'soft', msg);
      await new Promise((r) => setTimeout(r, 50));
    }
    slow.socket.resume();
    assert.ok(await slow.waitClosed());
    assert.equal(await t.configSet('client-output-buffer-limit', 'pubsub 32mb 8mb 60'), 'OK');
  });
});
