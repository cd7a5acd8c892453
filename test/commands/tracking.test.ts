// CLIENT TRACKING, CLIENT CACHING, CLIENT GETREDIR and CLIENT TRACKINGINFO: replies, every error
// in Redis's validation order, TRACKINGINFO shapes in RESP2 and RESP3, CLIENT LIST flags and
// redir=, INFO counters, and what RESET and disconnects undo. Invalidations themselves are in
// tracking-invalidation.test.ts.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let t: Target;
let admin: TestClient;

before(async () => {
  t = await startTarget();
  admin = await t.client();
});
after(async () => {
  admin.close();
  await t.close();
});

const errText = (r: RespValue) => (r instanceof RespError ? r.message : `not an error: ${JSON.stringify(r)}`);
const idOf = async (c: TestClient) => Number(await c.send('CLIENT', 'ID'));

async function info(section: string, field: string): Promise<number> {
  const text = String(await admin.send('INFO', section));
  const m = new RegExp(`^${field}:(\\d+)`, 'm').exec(text);
  assert.ok(m, `${field} in INFO ${section}`);
  return Number(m[1]);
}

/** TRACKINGINFO decoded to a plain object (RESP2 flat array or RESP3 map). */
async function trackingInfo(c: TestClient): Promise<{ flags: string[]; redirect: number; prefixes: string[] }> {
  const r = await c.send('CLIENT', 'TRACKINGINFO');
  const m = r instanceof Map ? r : new Map(pairs(r as RespValue[]));
  return { flags: m.get('flags') as string[], redirect: m.get('redirect') as number, prefixes: m.get('prefixes') as string[] };
}

function pairs(a: RespValue[]): [RespValue, RespValue][] {
  const out: [RespValue, RespValue][] = [];
  for (let i = 0; i < a.length; i += 2) out.push([a[i]!, a[i + 1]!]);
  return out;
}

async function listLine(c: TestClient): Promise<string> {
  return String(await admin.send('CLIENT', 'LIST', 'ID', String(await idOf(c))));
}

describe('CLIENT TRACKING', () => {
  it('turns tracking on and off', async () => {
    const c = await t.client();
    assert.equal(await c.send('CLIENT', 'TRACKING', 'on'), 'OK');
    assert.deepEqual(await trackingInfo(c), { flags: ['on'], redirect: 0, prefixes: [] });
    assert.equal(await c.send('CLIENT', 'TRACKING', 'ON'), 'OK', 'again: still fine');
    assert.equal(await c.send('CLIENT', 'TRACKING', 'off'), 'OK');
    assert.deepEqual(await trackingInfo(c), { flags: ['off'], redirect: -1, prefixes: [] });
    assert.equal(await c.send('CLIENT', 'TRACKING', 'off'), 'OK', 'off when already off');
    c.close();
  });

  it('rejects wrong arity and unknown words', async () => {
    assert.equal(errText(await admin.send('CLIENT', 'TRACKING')), "ERR wrong number of arguments for 'client|tracking' command");
    assert.equal(errText(await admin.send('CLIENT', 'TRACKING', 'maybe')), 'ERR syntax error');
    assert.equal(errText(await admin.send('CLIENT', 'TRACKING', 'on', 'foo')), 'ERR syntax error');
    // REDIRECT and PREFIX need their value; alone they are unknown words.
    assert.equal(errText(await admin.send('CLIENT', 'TRACKING', 'on', 'redirect')), 'ERR syntax error');
    assert.equal(errText(await admin.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix')), 'ERR syntax error');
    assert.equal(errText(await admin.send('CLIENT', 'TRACKING', 'off', 'bcast', 'prefix')), 'ERR syntax error');
  });

  it('checks the redirect target while parsing, even for OFF', async () => {
    const c = await t.client();
    const other = await t.client();
    const otherId = String(await idOf(other));
    assert.equal(errText(await c.send('CLIENT', 'TRACKING', 'on', 'redirect', 'abc')), 'ERR value is not an integer or out of range');
    assert.equal(errText(await c.send('CLIENT', 'TRACKING', 'on', 'redirect', '999999')), 'ERR The client ID you want redirect to does not exist');
    assert.equal(errText(await c.send('CLIENT', 'TRACKING', 'on', 'redirect', '0')), 'ERR The client ID you want redirect to does not exist');
    assert.equal(errText(await c.send('CLIENT', 'TRACKING', 'off', 'redirect', '999999')), 'ERR The client ID you want redirect to does not exist');
    assert.equal(errText(await c.send('CLIENT', 'TRACKING', 'on', 'redirect', otherId, 'redirect', otherId)),
      'ERR A client can only redirect to a single other client');
    // Parsing comes before the ON/OFF word is read.
    assert.equal(errText(await c.send('CLIENT', 'TRACKING', 'maybe', 'redirect', '999999')), 'ERR The client ID you want redirect to does not exist');
    assert.equal(errText(await c.send('CLIENT', 'TRACKING', 'on', 'optin', 'optout', 'redirect', '999999')),
      'ERR The client ID you want redirect to does not exist');
    assert.deepEqual((await trackingInfo(c)).flags, ['off'], 'nothing was enabled');
    assert.equal(await c.send('CLIENT', 'TRACKING', 'on', 'redirect', otherId), 'OK');
    assert.equal(await c.send('CLIENT', 'GETREDIR'), Number(otherId));
    assert.deepEqual(await trackingInfo(c), { flags: ['on'], redirect: Number(otherId), prefixes: [] });
    c.close();
    other.close();
  });

  it('validates option combinations in Redis order', async () => {
    const c = await t.client();
    const on = (...opts: string[]) => c.send('CLIENT', 'TRACKING', 'on', ...opts);
    assert.equal(errText(await on('prefix', 'a')), 'ERR PREFIX option requires BCAST mode to be enabled');
    assert.equal(errText(await on('optin', 'optout', 'prefix', 'x')), 'ERR PREFIX option requires BCAST mode to be enabled');
    assert.equal(errText(await on('bcast', 'optin')), 'ERR OPTIN and OPTOUT are not compatible with BCAST');
    assert.equal(errText(await on('bcast', 'optout', 'prefix', 'x')), 'ERR OPTIN and OPTOUT are not compatible with BCAST');
    assert.equal(errText(await on('optin', 'optout')), "ERR You can't specify both OPTIN mode and OPTOUT mode");
    assert.deepEqual((await trackingInfo(c)).flags, ['off']);

    assert.equal(await on('optin'), 'OK');
    assert.equal(errText(await on('optout')),
      "ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode.");
    assert.equal(errText(await on('bcast')),
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
    // Without OPTIN the mode is simply replaced.
    assert.equal(await on('noloop'), 'OK');
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'noloop']);
    assert.equal(await c.send('CLIENT', 'TRACKING', 'off'), 'OK');

    assert.equal(await on('bcast'), 'OK');
    assert.equal(errText(await on()),
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
    assert.equal(errText(await on('optin')),
      "ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode.");
    c.close();
  });

  it('refuses overlapping prefixes', async () => {
    const c = await t.client();
    const on = (...opts: string[]) => c.send('CLIENT', 'TRACKING', 'on', 'bcast', ...opts);
    const given = (a: string, b: string) =>
      `ERR Prefix '${a}' overlaps with another provided prefix '${b}'. Prefixes for a single client must not overlap.`;
    const existing = (a: string, b: string) =>
      `ERR Prefix '${a}' overlaps with an existing prefix '${b}'. Prefixes for a single client must not overlap.`;
    assert.equal(errText(await on('prefix', 'a', 'prefix', 'ab')), given('a', 'ab'));
    assert.equal(errText(await on('prefix', 'ab', 'prefix', 'a')), given('ab', 'a'));
    assert.equal(errText(await on('prefix', 'a', 'prefix', 'a')), given('a', 'a'));
    assert.equal(errText(await on('prefix', '', 'prefix', 'a')), given('', 'a'));
    assert.deepEqual((await trackingInfo(c)).flags, ['off']);

    assert.equal(await on('prefix', 'ab'), 'OK');
    assert.equal(errText(await on('prefix', 'a')), existing('a', 'ab'));
    assert.equal(errText(await on('prefix', 'abc')), existing('abc', 'ab'));
    assert.equal(errText(await on('prefix', 'ab')), existing('ab', 'ab'));
    // Prefixes accumulate over repeated TRACKING ON calls; the existing ones are checked first, in byte order.
    assert.equal(await on('prefix', 'x', 'prefix', 'b'), 'OK');
    assert.equal(errText(await on('prefix', 'c', 'prefix', 'bz', 'prefix', 'x1')), existing('bz', 'b'));
    assert.deepEqual(await trackingInfo(c), { flags: ['on', 'bcast'], redirect: 0, prefixes: ['ab', 'b', 'x'] });
    // BCAST without PREFIX adds the empty prefix (every key), overlapping or not.
    assert.equal(await on(), 'OK');
    assert.deepEqual((await trackingInfo(c)).prefixes, ['', 'ab', 'b', 'x']);
    c.close();
  });

  it('an overlap found after the first given prefix is an error and nothing else', { skip: againstRedis && 'Redis 7.0/7.2 also answer +OK and enable tracking' }, async () => {
    const c = await t.client();
    const r = await c.pipeline([['CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'a', 'prefix', 'b', 'prefix', 'bc'], ['PING']]);
    assert.equal(errText(r[0]!), "ERR Prefix 'b' overlaps with another provided prefix 'bc'. Prefixes for a single client must not overlap.");
    assert.equal(r[1], 'PONG');
    assert.deepEqual((await trackingInfo(c)).flags, ['off']);
    c.close();
  });
});

describe('CLIENT CACHING', () => {
  it('needs tracking with the matching mode', async () => {
    const c = await t.client();
    const notTracking = 'ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled';
    assert.equal(errText(await c.send('CLIENT', 'CACHING', 'yes')), notTracking);
    assert.equal(errText(await c.send('CLIENT', 'CACHING', 'maybe')), notTracking);
    assert.equal(errText(await c.send('CLIENT', 'CACHING')), "ERR wrong number of arguments for 'client|caching' command");
    assert.equal(errText(await c.send('CLIENT', 'CACHING', 'yes', 'no')), "ERR wrong number of arguments for 'client|caching' command");
    assert.equal(await c.send('CLIENT', 'TRACKING', 'on'), 'OK');
    assert.equal(errText(await c.send('CLIENT', 'CACHING', 'yes')), 'ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.');
    assert.equal(errText(await c.send('CLIENT', 'CACHING', 'no')), 'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
    assert.equal(errText(await c.send('CLIENT', 'CACHING', 'maybe')), 'ERR syntax error');
    c.close();
  });

  it('shows in TRACKINGINFO until the next command that is not CLIENT', async () => {
    const c = await t.client();
    assert.equal(await c.send('CLIENT', 'TRACKING', 'on', 'optin'), 'OK');
    assert.equal(await c.send('CLIENT', 'CACHING', 'YES'), 'OK');
    assert.equal(await c.send('CLIENT', 'CACHING', 'yes'), 'OK', 'twice is fine');
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'optin', 'caching-yes']);
    await c.send('CLIENT', 'ID');
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'optin', 'caching-yes'], 'CLIENT commands keep it');
    await c.send('PING');
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'optin']);
    assert.equal(errText(await c.send('CLIENT', 'CACHING', 'no')), 'ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.');
    // A rejected command uses it up too, unless it is CLIENT again.
    await c.send('CLIENT', 'CACHING', 'yes');
    assert.equal(errText(await c.send('CLIENT', 'CACHING')), "ERR wrong number of arguments for 'client|caching' command");
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'optin', 'caching-yes']);
    assert.equal(errText(await c.send('GET')), "ERR wrong number of arguments for 'get' command");
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'optin']);
    await c.send('CLIENT', 'CACHING', 'yes');
    assert.ok(errText(await c.send('NOSUCHCOMMAND')).startsWith("ERR unknown command 'NOSUCHCOMMAND'"));
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'optin']);
    await c.send('CLIENT', 'TRACKING', 'off');
    assert.equal(await c.send('CLIENT', 'TRACKING', 'on', 'optout', 'noloop'), 'OK');
    assert.equal(await c.send('CLIENT', 'CACHING', 'no'), 'OK');
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'optout', 'caching-no', 'noloop']);
    // MULTI keeps it for the whole transaction; EXEC ends it.
    assert.equal(await c.send('MULTI'), 'OK');
    assert.equal(await c.send('PING'), 'QUEUED');
    assert.deepEqual(await c.send('EXEC'), ['PONG']);
    assert.deepEqual((await trackingInfo(c)).flags, ['on', 'optout', 'noloop']);
    c.close();
  });
});

describe('CLIENT GETREDIR and TRACKINGINFO', () => {
  it('GETREDIR: -1 off, 0 without redirect, else the id', async () => {
    const c = await t.client();
    assert.equal(await c.send('CLIENT', 'GETREDIR'), -1);
    await c.send('CLIENT', 'TRACKING', 'on');
    assert.equal(await c.send('CLIENT', 'GETREDIR'), 0);
    const adminId = await idOf(admin);
    await c.send('CLIENT', 'TRACKING', 'on', 'redirect', String(adminId));
    assert.equal(await c.send('CLIENT', 'GETREDIR'), adminId);
    // A later ON without REDIRECT drops it.
    await c.send('CLIENT', 'TRACKING', 'on');
    assert.equal(await c.send('CLIENT', 'GETREDIR'), 0);
    assert.equal(errText(await c.send('CLIENT', 'GETREDIR', 'x')), "ERR wrong number of arguments for 'client|getredir' command");
    assert.equal(errText(await c.send('CLIENT', 'TRACKINGINFO', 'x')), "ERR wrong number of arguments for 'client|trackinginfo' command");
    c.close();
  });

  it('TRACKINGINFO is a map with a set of flags in RESP3, a flat array in RESP2', async () => {
    const c = await t.client();
    await c.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'b', 'prefix', 'a');
    assert.equal(await c.sendRaw('CLIENT', 'TRACKINGINFO'),
      '*6\r\n$5\r\nflags\r\n*2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    await c.send('HELLO', '3');
    assert.equal(await c.sendRaw('CLIENT', 'TRACKINGINFO'),
      '%3\r\n$5\r\nflags\r\n~2\r\n$2\r\non\r\n$5\r\nbcast\r\n$8\r\nredirect\r\n:0\r\n$8\r\nprefixes\r\n*2\r\n$1\r\na\r\n$1\r\nb\r\n');
    await c.send('CLIENT', 'TRACKING', 'off');
    assert.equal(await c.sendRaw('CLIENT', 'TRACKINGINFO'),
      '%3\r\n$5\r\nflags\r\n~1\r\n$3\r\noff\r\n$8\r\nredirect\r\n:-1\r\n$8\r\nprefixes\r\n*0\r\n');
    c.close();
  });
});

describe('tracking state in CLIENT LIST and INFO', () => {
  it('flags t and B, redir= and tracking_clients', async () => {
    const before = await info('clients', 'tracking_clients');
    const c = await t.client();
    assert.match(await listLine(c), / flags=N .* redir=-1 /);
    await c.send('CLIENT', 'TRACKING', 'on');
    assert.match(await listLine(c), / flags=t .* redir=0 /);
    assert.equal(await info('clients', 'tracking_clients'), before + 1);
    const adminId = await idOf(admin);
    await c.send('CLIENT', 'TRACKING', 'on', 'redirect', String(adminId));
    assert.match(await listLine(c), new RegExp(` flags=t .* redir=${adminId} `));
    await c.send('CLIENT', 'TRACKING', 'off');
    await c.send('CLIENT', 'TRACKING', 'on', 'bcast');
    assert.match(await listLine(c), / flags=tB .* redir=0 /);
    assert.equal(await info('clients', 'tracking_clients'), before + 1, 'counted once');
    await c.send('CLIENT', 'TRACKING', 'off');
    assert.match(await listLine(c), / flags=N .* redir=-1 /);
    assert.equal(await info('clients', 'tracking_clients'), before);
    c.close();
  });

  it('tracking_total_prefixes counts prefixes of all clients once', async () => {
    const a = await t.client();
    const b = await t.client();
    const base = await info('stats', 'tracking_total_prefixes');
    await a.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'p1:', 'prefix', 'p2:');
    await b.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'p1:');
    assert.equal(await info('stats', 'tracking_total_prefixes'), base + 2);
    await b.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'p3:');
    assert.equal(await info('stats', 'tracking_total_prefixes'), base + 3);
    await a.send('CLIENT', 'TRACKING', 'off');
    assert.equal(await info('stats', 'tracking_total_prefixes'), base + 2, 'p1: stays for b');
    b.close();
    await until(async () => (await info('stats', 'tracking_total_prefixes')) === base, 'a disconnect drops its prefixes');
    a.close();
  });

  it('tracking_total_keys and _items count keys and (key, client) pairs', async () => {
    await admin.send('FLUSHALL');
    const a = await t.client();
    const b = await t.client();
    await a.send('CLIENT', 'TRACKING', 'on');
    await b.send('CLIENT', 'TRACKING', 'on');
    await a.send('MGET', 'k1', 'k2', 'k1');
    await b.send('GET', 'k1');
    await b.send('GET', 'k1');
    assert.equal(await info('stats', 'tracking_total_keys'), 2);
    assert.equal(await info('stats', 'tracking_total_items'), 3);
    // Turning tracking off keeps the entries until their key changes (lazy cleanup, as Redis).
    await a.send('CLIENT', 'TRACKING', 'off');
    assert.equal(await info('stats', 'tracking_total_items'), 3);
    await admin.send('SET', 'k1', 'v');
    assert.equal(await info('stats', 'tracking_total_keys'), 1);
    assert.equal(await info('stats', 'tracking_total_items'), 1);
    await admin.send('FLUSHALL');
    assert.equal(await info('stats', 'tracking_total_keys'), 0);
    assert.equal(await info('stats', 'tracking_total_items'), 0);
    a.close();
    b.close();
  });

  it('RESET turns tracking off', async () => {
    const c = await t.client();
    await c.send('CLIENT', 'TRACKING', 'on', 'bcast', 'prefix', 'reset:');
    assert.equal(await c.send('RESET'), 'RESET');
    assert.deepEqual(await trackingInfo(c), { flags: ['off'], redirect: -1, prefixes: [] });
    assert.match(await listLine(c), / flags=N .* redir=-1 /);
    c.close();
  });
});

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
