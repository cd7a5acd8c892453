// SUBSCRIBE, UNSUBSCRIBE, PSUBSCRIBE, PUNSUBSCRIBE, SSUBSCRIBE, SUNSUBSCRIBE, PUBLISH, SPUBLISH
// and PUBSUB: confirmation shapes and counts, delivery to several clients, patterns, binary
// names, RESP3 pushes, the RESP2 subscribed mode, introspection counts and cleanup on disconnect.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { encodeCommand, RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { againstRedis } from '../helpers/server.js';
import { messagesUntil, startPubSubTarget, subCommand, until, type PubSubTarget } from './pubsub/target.js';

let t: PubSubTarget;
let pub: TestClient;

before(async () => {
  t = await startPubSubTarget();
  pub = await t.client();
});
after(async () => { await t.close(); });

const sorted = (rows: RespValue[][]) => [...rows].sort((a, b) => (String(a[1]) < String(b[1]) ? -1 : 1));
const errText = (r: RespValue) => (r instanceof RespError ? r.message : `not an error: ${JSON.stringify(r)}`);
const subscribedModeError = (cmd: string) =>
  `ERR Can't execute '${cmd}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`;

describe('SUBSCRIBE and UNSUBSCRIBE', () => {
  it('confirms each channel with the running count, duplicates included', async () => {
    const c = await t.client();
    assert.deepEqual(await subCommand(c, ['SUBSCRIBE', 'a', 'b', 'a']), [
      ['subscribe', 'a', 1], ['subscribe', 'b', 2], ['subscribe', 'a', 2],
    ]);
    assert.deepEqual(await subCommand(c, ['UNSUBSCRIBE', 'a', 'zz']), [['unsubscribe', 'a', 1], ['unsubscribe', 'zz', 1]]);
    assert.deepEqual(await subCommand(c, ['UNSUBSCRIBE', 'b']), [['unsubscribe', 'b', 0]]);
    c.close();
  });

  it('without arguments leaves every channel; with none left it answers a nil channel', async () => {
    const c = await t.client();
    await subCommand(c, ['SUBSCRIBE', 'x1', 'x2', 'x3']);
    // The order is the server's own (Redis walks a hash table): compare as a set.
    assert.deepEqual(sorted(await subCommand(c, ['UNSUBSCRIBE'], 3)).map((r) => r.slice(0, 2)),
      [['unsubscribe', 'x1'], ['unsubscribe', 'x2'], ['unsubscribe', 'x3']]);
    assert.deepEqual(await subCommand(c, ['UNSUBSCRIBE'], 1), [['unsubscribe', null, 0]]);
    assert.deepEqual(await subCommand(c, ['PUNSUBSCRIBE'], 1), [['punsubscribe', null, 0]]);
    assert.deepEqual(await subCommand(c, ['SUNSUBSCRIBE'], 1), [['sunsubscribe', null, 0]]);
    assert.equal(await c.send('GET', 'x'), null, 'no longer in subscribed mode');
    c.close();
  });

  it('the nil confirmation still counts the patterns', async () => {
    const c = await t.client();
    await subCommand(c, ['PSUBSCRIBE', 'p*']);
    assert.deepEqual(await subCommand(c, ['UNSUBSCRIBE'], 1), [['unsubscribe', null, 1]]);
    assert.deepEqual(await subCommand(c, ['PUNSUBSCRIBE'], 1), [['punsubscribe', 'p*', 0]]);
    c.close();
  });

  it('counts channels and patterns together, shard channels apart', async () => {
    const c = await t.client();
    assert.deepEqual(await subCommand(c, ['SUBSCRIBE', 'ch']), [['subscribe', 'ch', 1]]);
    assert.deepEqual(await subCommand(c, ['PSUBSCRIBE', 'ch*', 'ch*']), [['psubscribe', 'ch*', 2], ['psubscribe', 'ch*', 2]]);
    assert.deepEqual(await subCommand(c, ['SSUBSCRIBE', 's1', 's2']), [['ssubscribe', 's1', 1], ['ssubscribe', 's2', 2]]);
    assert.deepEqual(await subCommand(c, ['PUNSUBSCRIBE', 'nope', 'ch*']), [['punsubscribe', 'nope', 2], ['punsubscribe', 'ch*', 1]]);
    const left = await subCommand(c, ['SUNSUBSCRIBE'], 2);
    assert.deepEqual(left.map((r) => r[2]), [1, 0]);
    assert.deepEqual(left.map((r) => r[1]).sort(), ['s1', 's2']);
    c.close();
  });

  it('rejects wrong arity', async () => {
    assert.equal(errText(await pub.send('SUBSCRIBE')), "ERR wrong number of arguments for 'subscribe' command");
    assert.equal(errText(await pub.send('PSUBSCRIBE')), "ERR wrong number of arguments for 'psubscribe' command");
    assert.equal(errText(await pub.send('SSUBSCRIBE')), "ERR wrong number of arguments for 'ssubscribe' command");
    assert.equal(errText(await pub.send('PUBLISH', 'a')), "ERR wrong number of arguments for 'publish' command");
    assert.equal(errText(await pub.send('PUBLISH', 'a', 'b', 'c')), "ERR wrong number of arguments for 'publish' command");
    assert.equal(errText(await pub.send('SPUBLISH', 'a')), "ERR wrong number of arguments for 'spublish' command");
  });
});

describe('PUBLISH and SPUBLISH', () => {
  it('delivers to every subscriber and pattern, and counts the receivers', async () => {
    const a = await t.client();
    const b = await t.client();
    await subCommand(a, ['SUBSCRIBE', 'news', 'mark']);
    await subCommand(b, ['SUBSCRIBE', 'news', 'mark']);
    await subCommand(b, ['PSUBSCRIBE', 'n*', 'ne?s', 'x*']);
    assert.equal(await pub.send('PUBLISH', 'news', 'hello'), 4);
    assert.equal(await pub.send('PUBLISH', 'nothing', 'hi'), 1);
    assert.equal(await pub.send('PUBLISH', 'nobody', 'hi'), 1);
    assert.equal(await pub.send('PUBLISH', 'zzz', 'hi'), 0);
    await pub.send('PUBLISH', 'mark', '');
    assert.deepEqual(await messagesUntil(a, 'mark'), [['message', 'news', 'hello']]);
    const got = await messagesUntil(b, 'mark');
    assert.deepEqual(got[0], ['message', 'news', 'hello']);
    // Pattern messages of one publication come in the server's pattern order.
    assert.deepEqual(got.slice(1, 3).sort(), [['pmessage', 'n*', 'news', 'hello'], ['pmessage', 'ne?s', 'news', 'hello']]);
    assert.deepEqual(got.slice(3), [['pmessage', 'n*', 'nothing', 'hi'], ['pmessage', 'n*', 'nobody', 'hi']]);
    a.close();
    b.close();
  });

  it('shard channels are apart from channels and patterns', async () => {
    const a = await t.client();
    await subCommand(a, ['SSUBSCRIBE', 'shard']);
    await subCommand(a, ['PSUBSCRIBE', '*']);
    assert.equal(await pub.send('SPUBLISH', 'shard', 'one'), 1);
    assert.equal(await pub.send('PUBLISH', 'shard', 'two'), 1); // the pattern only
    assert.equal(await pub.send('SPUBLISH', 'other', 'x'), 0);
    assert.deepEqual(await a.nextPush(), ['smessage', 'shard', 'one']);
    assert.deepEqual(await a.nextPush(), ['pmessage', '*', 'shard', 'two']);
    a.close();
  });

  it('matches patterns with classes, ranges, negation and escapes', async () => {
    const a = await t.client();
    const pats = ['h[ae]llo', 'r[^a]n', 'x[a-c]y', 'lit\\*', 'q\\?', 'star*end', '[!x]z'];
    await subCommand(a, ['PSUBSCRIBE', ...pats]);
    const cases: [string, string[]][] = [
      ['hello', ['h[ae]llo']], ['hallo', ['h[ae]llo']], ['hillo', []],
      ['run', ['r[^a]n']], ['ran', []],
      ['xby', ['x[a-c]y']], ['xdy', []],
      ['lit*', ['lit\\*']], ['litx', []],
      ['q?', ['q\\?']], ['qx', []],
      ['star-and-end', ['star*end']], ['starend', ['star*end']], ['star-and-ends', []],
      // Only '^' negates a class: '!' is a member like any other.
      ['az', []], ['!z', ['[!x]z']], ['xz', ['[!x]z']],
    ];
    for (const [channel, expect] of cases) {
      assert.equal(await pub.send('PUBLISH', channel, 'm'), expect.length, `PUBLISH ${channel}`);
      for (const p of expect) assert.deepEqual(await a.nextPush(), ['pmessage', p, channel, 'm']);
    }
    a.close();
  });

  it('carries binary channel names, patterns and messages unchanged', async () => {
    const a = await t.client();
    const channel = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x80, 0x41]);
    const pattern = Buffer.concat([Buffer.from([0x00, 0xff]), Buffer.from('*')]);
    const message = Buffer.from([0xc3, 0x28, 0x00, 0x0d, 0x0a]);
    const [[, subName]] = await subCommand(a, ['SUBSCRIBE', channel]);
    assert.equal(subName, channel.toString('latin1'));
    await subCommand(a, ['PSUBSCRIBE', pattern]);
    assert.equal(await pub.send('PUBLISH', channel, message), 2);
    assert.deepEqual(await a.nextPush(), ['message', channel.toString('latin1'), message.toString('latin1')]);
    assert.deepEqual(await a.nextPush(), ['pmessage', pattern.toString('latin1'), channel.toString('latin1'), message.toString('latin1')]);
    assert.deepEqual(await pub.send('PUBSUB', 'NUMSUB', channel), [channel.toString('latin1'), 1]);
    a.close();
  });

  it('a publisher subscribed itself in RESP3 gets the message after its reply (7.2)', async () => {
    const a = await t.client();
    await t.resp3(a);
    await subCommand(a, ['SUBSCRIBE', 'self']);
    const raw: string[] = [];
    a.socket.on('data', (d: Buffer) => raw.push(d.toString('latin1')));
    assert.equal(await a.send('PUBLISH', 'self', 'me'), 1);
    await until(() => raw.join('').length >= 32);
    const reply = ':1\r\n';
    const push = '>3\r\n$7\r\nmessage\r\n$4\r\nself\r\n$2\r\nme\r\n';
    // Redis 7.0 writes the push before the reply; 7.2 (PR 12326) after it, as nodis does.
    assert.equal(raw.join(''), againstRedis ? push + reply : reply + push);
    assert.deepEqual(await a.nextPush(), ['message', 'self', 'me']);
    a.close();
  });
});

describe('RESP3', () => {
  it('confirmations and messages are push messages; any command may run', async () => {
    const a = await t.client();
    await t.resp3(a);
    const raw: string[] = [];
    a.socket.on('data', (d: Buffer) => raw.push(d.toString('latin1')));
    a.socket.write(encodeCommand(['SUBSCRIBE', 'r3']));
    assert.deepEqual(await a.nextPush(), ['subscribe', 'r3', 1]);
    assert.equal(await pub.send('PUBLISH', 'r3', 'hi'), 1);
    assert.deepEqual(await a.nextPush(), ['message', 'r3', 'hi']);
    await until(() => raw.join('').includes('message'));
    assert.equal(raw.join(''), '>3\r\n$9\r\nsubscribe\r\n$2\r\nr3\r\n:1\r\n>3\r\n$7\r\nmessage\r\n$2\r\nr3\r\n$2\r\nhi\r\n');
    assert.equal(await a.send('SET', 'r3key', 'v'), 'OK');
    assert.equal(await a.send('PING'), 'PONG');
    assert.deepEqual(await subCommand(a, ['UNSUBSCRIBE'], 1), [['unsubscribe', 'r3', 0]]);
    a.close();
  });

  it('the nil unsubscribe confirmation is a RESP3 null', async () => {
    const a = await t.client();
    await t.resp3(a);
    const raw: string[] = [];
    a.socket.on('data', (d: Buffer) => raw.push(d.toString('latin1')));
    a.socket.write(encodeCommand(['PUNSUBSCRIBE']));
    await a.nextPush();
    assert.equal(raw.join(''), '>3\r\n$12\r\npunsubscribe\r\n_\r\n:0\r\n');
    a.close();
  });
});

describe('RESP2 subscribed mode', () => {
  it('allows only the subscribe family, PING, QUIT and RESET', async () => {
    const a = await t.client();
    await subCommand(a, ['SUBSCRIBE', 'm']);
    assert.equal(errText(await a.send('GET', 'k')), subscribedModeError('get'));
    assert.equal(errText(await a.send('PUBLISH', 'm', 'x')), subscribedModeError('publish'));
    assert.equal(errText(await a.send('PUBSUB', 'NUMPAT')), subscribedModeError('pubsub|numpat'));
    assert.equal(errText(await a.send('NOSUCHCMD')), "ERR unknown command 'NOSUCHCMD', with args beginning with: ");
    assert.equal(errText(await a.send('PING', 'a', 'b')), "ERR wrong number of arguments for 'ping' command");
    assert.deepEqual(await a.send('PING'), ['pong', '']);
    assert.deepEqual(await a.send('PING', 'hey'), ['pong', 'hey']);
    assert.deepEqual(await subCommand(a, ['SSUBSCRIBE', 'sm']), [['ssubscribe', 'sm', 1]]);
    // Leaving the channels is not enough while a shard channel remains.
    assert.deepEqual(await subCommand(a, ['UNSUBSCRIBE']), [['unsubscribe', 'm', 0]]);
    assert.equal(errText(await a.send('GET', 'k')), subscribedModeError('get'));
    assert.deepEqual(await subCommand(a, ['SUNSUBSCRIBE']), [['sunsubscribe', 'sm', 0]]);
    assert.equal(await a.send('GET', 'k'), null);
    assert.equal(await a.send('PING'), 'PONG');
    a.close();
  });

  it('QUIT is allowed', async () => {
    const a = await t.client();
    await subCommand(a, ['PSUBSCRIBE', 'q*']);
    assert.equal(await a.send('QUIT'), 'OK');
    assert.ok(await a.waitClosed());
  });
});

describe('PUBSUB', () => {
  it('CHANNELS, NUMSUB, NUMPAT, SHARDCHANNELS and SHARDNUMSUB', async () => {
    const a = await t.client();
    const b = await t.client();
    await subCommand(a, ['SUBSCRIBE', 'chan:1', 'chan:2', 'other']);
    await subCommand(b, ['SUBSCRIBE', 'chan:1']);
    await subCommand(a, ['PSUBSCRIBE', 'p1*', 'p2*']);
    await subCommand(b, ['PSUBSCRIBE', 'p1*']);
    await subCommand(b, ['SSUBSCRIBE', 'sh:1', 'sh:2']);
    assert.deepEqual(((await pub.send('PUBSUB', 'CHANNELS')) as string[]).sort(), ['chan:1', 'chan:2', 'other']);
    assert.deepEqual(((await pub.send('PUBSUB', 'CHANNELS', 'chan:*')) as string[]).sort(), ['chan:1', 'chan:2']);
    assert.deepEqual(await pub.send('PUBSUB', 'CHANNELS', 'none*'), []);
    assert.deepEqual(await pub.send('PUBSUB', 'NUMSUB'), []);
    assert.deepEqual(await pub.send('PUBSUB', 'NUMSUB', 'chan:1', 'chan:2', 'nope'), ['chan:1', 2, 'chan:2', 1, 'nope', 0]);
    assert.equal(await pub.send('PUBSUB', 'NUMPAT'), 2, 'distinct patterns');
    assert.deepEqual(((await pub.send('PUBSUB', 'SHARDCHANNELS')) as string[]).sort(), ['sh:1', 'sh:2']);
    assert.deepEqual(await pub.send('PUBSUB', 'SHARDCHANNELS', '*2'), ['sh:2']);
    assert.deepEqual(await pub.send('PUBSUB', 'SHARDNUMSUB', 'sh:1', 'chan:1'), ['sh:1', 1, 'chan:1', 0]);
    assert.deepEqual(await pub.send('PUBSUB', 'SHARDNUMSUB'), []);
    const info = String(await pub.send('INFO', 'stats'));
    assert.match(info, /\r\npubsub_channels:3\r\n/);
    assert.match(info, /\r\npubsub_patterns:2\r\n/);
    assert.match(info, /\r\npubsubshard_channels:2\r\n/);

    // A disconnected client's subscriptions go with it.
    b.close();
    await until(async () => (await pub.send('PUBSUB', 'NUMPAT')) === 2 &&
      JSON.stringify(await pub.send('PUBSUB', 'NUMSUB', 'chan:1')) === JSON.stringify(['chan:1', 1]));
    await until(async () => JSON.stringify(await pub.send('PUBSUB', 'SHARDCHANNELS')) === '[]');
    a.close();
    await until(async () => JSON.stringify(await pub.send('PUBSUB', 'CHANNELS')) === '[]' && (await pub.send('PUBSUB', 'NUMPAT')) === 0);
    assert.match(String(await pub.send('INFO', 'stats')), /\r\npubsub_channels:0\r\npubsub_patterns:0\r\npubsubshard_channels:0\r\n/);
  });

  it('NUMSUB is a flat array in RESP3 too', async () => {
    const c = await t.client();
    await t.resp3(c);
    assert.equal(await c.sendRaw('PUBSUB', 'NUMSUB', 'zz'), '*2\r\n$2\r\nzz\r\n:0\r\n');
    c.close();
  });

  it('errors and HELP', async () => {
    assert.equal(errText(await pub.send('PUBSUB')), "ERR wrong number of arguments for 'pubsub' command");
    assert.equal(errText(await pub.send('PUBSUB', 'foo')), "ERR unknown subcommand 'foo'. Try PUBSUB HELP.");
    assert.equal(errText(await pub.send('PUBSUB', 'NUMPAT', 'x')), "ERR wrong number of arguments for 'pubsub|numpat' command");
    assert.equal(errText(await pub.send('PUBSUB', 'channels', 'a', 'b')),
      "ERR unknown subcommand or wrong number of arguments for 'channels'. Try PUBSUB HELP.");
    assert.equal(errText(await pub.send('PUBSUB', 'SHARDCHANNELS', 'a', 'b')),
      "ERR unknown subcommand or wrong number of arguments for 'SHARDCHANNELS'. Try PUBSUB HELP.");
    assert.equal(errText(await pub.send('PUBSUB', 'HELP', 'x')), "ERR wrong number of arguments for 'pubsub|help' command");
    const help = (await pub.send('PUBSUB', 'HELP')) as string[];
    assert.match(help[0]!, /^PUBSUB <subcommand> /);
    for (const sub of ['CHANNELS', 'NUMPAT', 'NUMSUB', 'SHARDCHANNELS', 'SHARDNUMSUB', 'HELP']) {
      assert.ok(help.some((l) => l.startsWith(sub)), sub);
    }
  });
});
