// LATENCY LATEST/HISTORY/RESET/DOCTOR/GRAPH/HISTOGRAM/HELP, fed by DEBUG SLEEP spikes.
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;

before(async () => {
  // A threshold well above what a loaded machine's scheduling can add to an ordinary command, so
  // that only the DEBUG SLEEP spike is recorded.
  target = await startTarget({ 'latency-monitor-threshold': '100', 'enable-debug-command': 'yes' });
  c = await target.client();
});
after(async () => {
  c.close();
  await target.close();
});

describe('LATENCY monitor', () => {
  it('records a spike of a slow command as the "command" event', async () => {
    assert.equal(await c.send('LATENCY', 'RESET'), 0);
    assert.deepEqual(await c.send('LATENCY', 'LATEST'), []);
    await c.send('DEBUG', 'SLEEP', '0.2');
    const latest = (await c.send('LATENCY', 'LATEST')) as [string, number, number, number][];
    assert.equal(latest.length, 1);
    const [event, time, ms, max] = latest[0]!;
    assert.equal(event, 'command');
    assert.ok(Math.abs(time - Date.now() / 1000) < 5);
    assert.ok(ms >= 199 && max >= ms);
    const hist = (await c.send('LATENCY', 'HISTORY', 'command')) as [number, number][];
    assert.equal(hist.length, 1);
    assert.deepEqual(hist[0], [time, ms]);
    assert.deepEqual(await c.send('LATENCY', 'HISTORY', 'nosuchevent'), []);
  });

  it('GRAPH and DOCTOR describe the samples; GRAPH of an unknown event errors', async () => {
    assert.equal(typeof (await c.send('LATENCY', 'GRAPH', 'command')), 'string');
    assert.equal(typeof (await c.send('LATENCY', 'DOCTOR')), 'string');
    const r = await c.send('LATENCY', 'GRAPH', 'nosuchevent');
    assert.ok(r instanceof RespError && r.message === "ERR No samples available for event 'nosuchevent'");
  });

  it('RESET counts the events it removed', async () => {
    assert.equal(await c.send('LATENCY', 'RESET', 'nosuchevent', 'command'), 1);
    assert.equal(await c.send('LATENCY', 'RESET'), 0);
  });

  it('errors: arity and unknown subcommand', async () => {
    const a = await c.send('LATENCY', 'HISTORY');
    assert.ok(a instanceof RespError && a.message === "ERR wrong number of arguments for 'latency|history' command");
    const u = await c.send('LATENCY', 'FOO');
    assert.ok(u instanceof RespError && u.message === "ERR unknown subcommand 'FOO'. Try LATENCY HELP.");
    const h = (await c.send('LATENCY', 'HELP')) as string[];
    assert.match(h[0]!, /^LATENCY <subcommand>/);
  });
});

describe('LATENCY HISTOGRAM', () => {
  it('replies calls and cumulative power-of-two buckets per command', async () => {
    for (let i = 0; i < 3; i++) await c.send('ECHO', 'x');
    const r = (await c.send('LATENCY', 'HISTOGRAM', 'echo', 'nosuchcommand')) as RespValue[];
    assert.equal(r.length, 2);
    assert.equal(r[0], 'echo');
    const body = r[1] as RespValue[];
    assert.equal(body[0], 'calls');
    assert.equal(body[1], 3);
    assert.equal(body[2], 'histogram_usec');
    const buckets = body[3] as number[];
    assert.ok(buckets.length >= 2 && buckets.length % 2 === 0);
    const allowed = new Set([1, 2, 4, 8, 16, 33, 66, 132, 264, 528, 1056, 2113, 4227, 8454, 16908]);
    let prev = 0;
    for (let i = 0; i < buckets.length; i += 2) {
      assert.ok(allowed.has(buckets[i]!) || buckets[i]! > 16908, `bucket ${buckets[i]}`);
      assert.ok(buckets[i + 1]! > prev, 'cumulative counts grow');
      prev = buckets[i + 1]!;
    }
    assert.equal(prev, 3);
  });

  it('with no names lists every command that ran', async () => {
    const r = (await c.send('LATENCY', 'HISTOGRAM')) as RespValue[];
    const names = r.filter((_, i) => i % 2 === 0);
    assert.ok(names.includes('echo'));
    assert.ok(names.includes('debug'));
  });
});
