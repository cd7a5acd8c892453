// DEBUG subcommands. Digests are compared with values real Redis computed for the same data.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { RespError, TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;

before(async () => {
  target = await startTarget({ 'enable-debug-command': 'yes' });
  c = await target.client();
});
after(async () => {
  c.close();
  await target.close();
});

const ZERO = '0'.repeat(40);

describe('DEBUG DIGEST / DIGEST-VALUE', () => {
  it('match Redis for the same string data in several databases', async () => {
    assert.equal(await c.send('DEBUG', 'DIGEST'), ZERO);
    await c.send('SET', 'foo', 'bar');
    await c.send('SET', 'n', '100');
    await c.send('SET', 'big', '123456789012');
    await c.send('SELECT', '3');
    await c.send('SET', 'z', 'zz');
    await c.send('SELECT', '0');
    // Values taken from redis-server 7.0 with exactly these keys.
    assert.equal(await c.send('DEBUG', 'DIGEST'), 'b1f502400bb80f40a85e28bc2bb38f7772df4f1a');
    assert.deepEqual(await c.send('DEBUG', 'DIGEST-VALUE', 'foo', 'n', 'nokey'), [
      '68467c70ae30376e7ce005bcc8827f5ba7fd67dc', '3d41d4c94e50ef4c4d595fea543c6a374ebed1e9', ZERO,
    ]);
    assert.deepEqual(await c.send('DEBUG', 'DIGEST-VALUE'), []);
  });

  it('digest-value of negative, empty and binary values', async () => {
    await c.send('SET', 'neg', '-5');
    await c.send('SET', 'e', '');
    assert.deepEqual(await c.send('DEBUG', 'DIGEST-VALUE', 'neg', 'e'), [
      'b8fe4ac02b2f7e40537890f8b06b1107798d89e1', '8b3447c33a834b810e3e181b6fd6a2ee1020921c',
    ]);
  });
});

describe('DEBUG DIGEST-VALUE of sets and sorted sets', () => {
  it('is the same in every encoding and matches Redis', async () => {
    await c.send('SELECT', '7');
    await c.send('SADD', 'si', '1', '2', '3', '-70000');
    await c.send('SADD', 'sl', 'a', 'b', '12');
    await c.send('ZADD', 'z', '1', 'a', '2.5', 'b', '-inf', 'c', 'inf', 'd', '0', 'e');
    await c.send('CONFIG', 'SET', 'set-max-intset-entries', '0');
    await c.send('CONFIG', 'SET', 'set-max-listpack-entries', '0');
    await c.send('CONFIG', 'SET', 'zset-max-listpack-entries', '0');
    try {
      await c.send('SADD', 'sx', '1', '2', '3', '-70000');
      await c.send('SADD', 'sh', 'a', 'b', '12');
      await c.send('ZADD', 'zs', '1', 'a', '2.5', 'b', '-inf', 'c', 'inf', 'd', '0', 'e');
      assert.equal(await c.send('OBJECT', 'ENCODING', 'sx'), 'hashtable');
      assert.equal(await c.send('OBJECT', 'ENCODING', 'zs'), 'skiplist');
      // Values taken from redis-server 7.0 with exactly these keys.
      const setInts = '3f29aef9686ab7640c6e79734f56219f6f27dcac';
      const setStrs = 'a6cb320b073705356139f26fb4e18858a07e0492';
      const zset = '9075776099444221b6165039fcfa544a992bfcba';
      assert.deepEqual(await c.send('DEBUG', 'DIGEST-VALUE', 'si', 'sx', 'sl', 'sh', 'z', 'zs'),
        [setInts, setInts, setStrs, setStrs, zset, zset]);
      await c.send('ZADD', 'zf', '0.1', 'm');
      // Redis 7.2 prints scores with fpconv ("0.1"); 7.0 with "%.17g" ("0.10000000000000001").
      const text = againstRedis ? '0.10000000000000001' : '0.1';
      assert.deepEqual(await c.send('DEBUG', 'DIGEST-VALUE', 'zf'), [zsetDigest([['m', text]])]);
    } finally {
      await c.send('CONFIG', 'SET', 'set-max-intset-entries', '512');
      await c.send('CONFIG', 'SET', 'set-max-listpack-entries', '128');
      await c.send('CONFIG', 'SET', 'zset-max-listpack-entries', '128');
      await c.send('FLUSHDB');
      await c.send('SELECT', '0');
    }
  });
});

/** The value digest of a sorted set from member/score-text pairs, written out independently. */
function zsetDigest(pairs: [string, string][]): string {
  const sha1 = (b: Buffer) => createHash('sha1').update(b).digest();
  const xorInto = (acc: Buffer, data: Buffer) => { const h = sha1(data); for (let i = 0; i < 20; i++) acc[i]! ^= h[i]!; };
  const mixInto = (acc: Buffer, data: Buffer) => { xorInto(acc, data); sha1(acc).copy(acc); };
  const d = Buffer.alloc(20);
  mixInto(d, Buffer.from([0, 0, 0, 3]));
  for (const [m, s] of pairs) {
    const e = Buffer.alloc(20);
    mixInto(e, Buffer.from(m, 'latin1'));
    mixInto(e, Buffer.from(s, 'latin1'));
    xorInto(d, e);
  }
  return d.toString('hex');
}

describe('DEBUG OBJECT', () => {
  it('reports encoding, refcount and RDB length of strings', async () => {
    const cases: [string, string, number, number][] = [
      ['100', 'int', 2147483647, 2],
      ['-5', 'int', 1, 2],
      ['30000', 'int', 1, 3],
      ['12345678901', 'int', 1, 12],
      ['bar', 'embstr', 1, 4],
      ['007', 'embstr', 1, 4],
      ['x'.repeat(50), 'raw', 1, 51],
    ];
    for (const [value, enc, refcount, len] of cases) {
      // Incompressible content for the long one would be LZF-tried by Redis: 'x'*50 compresses,
      // so only check the length on nodis for it.
      await c.send('SET', 'obj', value);
      const r = (await c.send('DEBUG', 'OBJECT', 'obj')) as string;
      const m = /^Value at:0x[0-9a-f]+ refcount:(\d+) encoding:(\w+) serializedlength:(\d+) lru:(\d+) lru_seconds_idle:(\d+)$/.exec(r);
      assert.ok(m, r);
      assert.equal(m[2], enc, value);
      assert.equal(Number(m[1]), refcount, value);
      if (value.length <= 20 || !againstRedis) assert.equal(Number(m[3]), len, value);
    }
    const r = await c.send('DEBUG', 'OBJECT', 'nokey');
    assert.ok(r instanceof RespError && r.message === 'ERR no such key');
  });
});

describe('DEBUG POPULATE', () => {
  it('creates key:N / value:N without overwriting, with prefix and size', async () => {
    await c.send('SELECT', '5');
    await c.send('SET', 'key:1', 'mine');
    assert.equal(await c.send('DEBUG', 'POPULATE', '3'), 'OK');
    assert.equal(await c.send('GET', 'key:0'), 'value:0');
    assert.equal(await c.send('GET', 'key:1'), 'mine');
    assert.equal(await c.send('GET', 'key:2'), 'value:2');
    await c.send('DEBUG', 'POPULATE', '2', 'p', '10');
    assert.equal(await c.send('GET', 'p:1'), 'value:1\0\0\0');
    await c.send('DEBUG', 'POPULATE', '1', 'q', '3');
    assert.equal(await c.send('GET', 'q:0'), 'val');
    const info = (await c.send('INFO', 'keyspace')) as string;
    assert.match(info, /db5:keys=6,/);
    for (const [args, text] of [
      [['-1'], 'ERR value is out of range, must be positive'],
      [['x'], 'ERR value is out of range, must be positive'],
      [['1', 'p', '-3'], 'ERR value is out of range, must be positive'],
    ] as [string[], string][]) {
      const r = await c.send('DEBUG', 'POPULATE', ...args);
      assert.ok(r instanceof RespError && r.message === text, args.join(' '));
    }
    await c.send('SELECT', '0');
  });
});

describe('DEBUG PROTOCOL', () => {
  it('replies each RESP2 sample as Redis does', async () => {
    const expect: [string, string][] = [
      ['string', '$11\r\nHello World\r\n'],
      ['integer', ':12345\r\n'],
      ['double', '$5\r\n3.141\r\n'],
      ['bignum', '$37\r\n1234567999999999999999999999999999999\r\n'],
      ['null', '$-1\r\n'],
      ['array', '*3\r\n:0\r\n:1\r\n:2\r\n'],
      ['set', '*3\r\n:0\r\n:1\r\n:2\r\n'],
      ['map', '*6\r\n:0\r\n:0\r\n:1\r\n:1\r\n:2\r\n:0\r\n'],
      ['attrib', '$39\r\nSome real reply following the attribute\r\n'],
      ['push', '-ERR RESP2 is not supported by this command\r\n'],
      ['verbatim', '$25\r\nThis is a verbatim\nstring\r\n'],
      ['true', ':1\r\n'],
      ['false', ':0\r\n'],
      ['nope', '-ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false\r\n'],
    ];
    for (const [name, raw] of expect) assert.equal(await c.sendRaw('DEBUG', 'PROTOCOL', name), raw, name);
  });
});

describe('DEBUG misc', () => {
  it('SLEEP blocks the server for the given seconds', async () => {
    const other = await TestClient.connect(target.port, target.host);
    try {
      const t0 = Date.now();
      const sleeping = c.send('DEBUG', 'SLEEP', '0.2');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(await other.send('PING'), 'PONG');
      assert.ok(Date.now() - t0 >= 180, 'PING waited for the sleep');
      assert.equal(await sleeping, 'OK');
      assert.equal(await c.send('DEBUG', 'SLEEP', '0'), 'OK');
    } finally {
      other.close();
    }
  });

  it('SET-ACTIVE-EXPIRE, PAUSE-CRON, LOG, REPLYBUFFER reply OK', async () => {
    assert.equal(await c.send('DEBUG', 'SET-ACTIVE-EXPIRE', '0'), 'OK');
    assert.equal(await c.send('DEBUG', 'SET-ACTIVE-EXPIRE', '1'), 'OK');
    assert.equal(await c.send('DEBUG', 'PAUSE-CRON', '1'), 'OK');
    assert.equal(await c.send('DEBUG', 'PAUSE-CRON', '0'), 'OK');
    assert.equal(await c.send('DEBUG', 'LOG', 'hello from the tests'), 'OK');
    assert.equal(await c.send('DEBUG', 'REPLYBUFFER', 'RESIZING', '1'), 'OK');
    assert.equal(await c.send('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'never'), 'OK');
    const r = await c.send('DEBUG', 'REPLYBUFFER', 'PEAK-RESET-TIME', 'x');
    assert.ok(r instanceof RespError && r.message === 'ERR value is not an integer or out of range');
  });

  it('HTSTATS and HTSTATS-KEY', async () => {
    await c.send('SET', 'foo', 'bar');
    const s = (await c.send('DEBUG', 'HTSTATS', '0')) as string;
    assert.match(s, /^\[Dictionary HT\]\nHash table 0 stats \(main hash table\):\n table size: \d+\n number of elements: \d+\n/);
    assert.match(s, /\[Expires HT\]\n/);
    const bad = await c.send('DEBUG', 'HTSTATS', '99');
    assert.ok(bad instanceof RespError && bad.message === 'ERR Out of range database');
    const k = await c.send('DEBUG', 'HTSTATS-KEY', 'foo');
    assert.ok(k instanceof RespError && k.message === 'ERR The value stored at the specified key is not represented using an hash table');
    const m = await c.send('DEBUG', 'HTSTATS-KEY', 'nokey');
    assert.ok(m instanceof RespError && m.message === 'ERR no such key');
  });

  it('unknown subcommands and wrong counts share Redis error', async () => {
    for (const args of [['NOPE'], ['SLEEP'], ['OBJECT'], ['DIGEST', 'x'], ['PROTOCOL']]) {
      const r = await c.send('DEBUG', ...args);
      assert.ok(r instanceof RespError);
      assert.equal(r.message, `ERR unknown subcommand or wrong number of arguments for '${args[0]}'. Try DEBUG HELP.`);
    }
    const a = await c.send('DEBUG');
    assert.ok(a instanceof RespError && a.message === "ERR wrong number of arguments for 'debug' command");
    const h = (await c.send('DEBUG', 'HELP')) as string[];
    assert.match(h[0]!, /^DEBUG <subcommand>/);
  });
});
