// PING, ECHO, SELECT, QUIT, HELLO, AUTH and RESET: replies, errors, RESP3 shapes, and the
// session state each one changes. Runs against nodis and, with NODIS_TEST_TARGET=redis, Redis.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
import { againstRedis, startTarget, type Target } from '../helpers/server.js';

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

function errText(v: RespValue): string {
  assert.ok(v instanceof RespError, `expected an error, got ${String(v)}`);
  return v.message;
}

async function fresh(): Promise<TestClient> {
  return target.client();
}

describe('PING', () => {
  it('answers PONG or echoes its argument', async () => {
    assert.equal(await c.sendRaw('PING'), '+PONG\r\n');
    assert.equal(await c.sendRaw('PING', 'hello'), '$5\r\nhello\r\n');
    assert.equal(await c.sendRaw('PING', ''), '$0\r\n\r\n');
  });

  it('rejects more than one argument', async () => {
    assert.equal(errText(await c.send('PING', 'a', 'b')), "ERR wrong number of arguments for 'ping' command");
  });

  it('has the same shape in RESP3', async () => {
    const c3 = await fresh();
    await c3.send('HELLO', '3');
    assert.equal(await c3.sendRaw('PING'), '+PONG\r\n');
    assert.equal(await c3.sendRaw('PING', 'x'), '$1\r\nx\r\n');
    c3.close();
  });

  it('works inline', async () => {
    const [r] = await c.writeRaw('PING\r\n', 1);
    assert.equal(r, '+PONG\r\n');
  });
});

describe('ECHO', () => {
  it('returns its argument, binary safe', async () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    assert.equal(await c.send('ECHO', bytes), bytes.toString('latin1'));
    assert.equal(await c.sendRaw('ECHO', ''), '$0\r\n\r\n');
  });

  it('checks arity', async () => {
    assert.equal(errText(await c.send('ECHO')), "ERR wrong number of arguments for 'echo' command");
    assert.equal(errText(await c.send('ECHO', 'a', 'b')), "ERR wrong number of arguments for 'echo' command");
  });
});

describe('SELECT', () => {
  it('switches the database of this connection only', async () => {
    const a = await fresh();
    const b = await fresh();
    assert.equal(await a.send('SELECT', '3'), 'OK');
    await a.send('SET', 'sel-k', 'in3');
    assert.equal(await b.send('GET', 'sel-k'), null);
    await b.send('SELECT', '3');
    assert.equal(await b.send('GET', 'sel-k'), 'in3');
    a.close();
    b.close();
  });

  it('rejects out of range and non-integer indexes', async () => {
    assert.equal(errText(await c.send('SELECT', '16')), 'ERR DB index is out of range');
    assert.equal(errText(await c.send('SELECT', '-1')), 'ERR DB index is out of range');
    assert.equal(errText(await c.send('SELECT', 'x')), 'ERR value is not an integer or out of range');
    assert.equal(errText(await c.send('SELECT', '1.5')), 'ERR value is not an integer or out of range');
    // The index is a C int: past 32 bits Redis names the range.
    assert.equal(errText(await c.send('SELECT', '4294967296')), 'ERR value is out of range, value must between -2147483648 and 2147483647');
    assert.equal(errText(await c.send('SELECT')), "ERR wrong number of arguments for 'select' command");
  });
});

describe('QUIT', () => {
  it('answers OK and closes, ignoring what follows in the pipeline', async () => {
    const q = await fresh();
    const [ok] = await q.writeRaw('*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n', 1);
    assert.equal(ok, '+OK\r\n');
    assert.equal(await q.waitClosed(), true);
  });

  it('accepts extra arguments (arity -1)', async () => {
    const q = await fresh();
    assert.equal(await q.send('QUIT', 'now'), 'OK');
    assert.equal(await q.waitClosed(), true);
  });
});

describe('HELLO', () => {
  it('without arguments reports the session in the current protocol', async () => {
    const h = await fresh();
    const id = await h.send('CLIENT', 'ID');
    const r = (await h.send('HELLO')) as RespValue[];
    assert.ok(Array.isArray(r), 'RESP2 map is a flat array');
    assert.deepEqual(r.filter((_, i) => i % 2 === 0), ['server', 'version', 'proto', 'id', 'mode', 'role', 'modules']);
    assert.equal(r[1], 'redis');
    assert.equal(r[5], 2);
    assert.equal(r[7], id);
    assert.equal(r[9], 'standalone');
    assert.equal(r[11], 'master');
    assert.deepEqual(r[13], []);
    h.close();
  });

  it('HELLO 3 switches to RESP3 and replies with a map', async () => {
    const h = await fresh();
    const raw = await h.sendRaw('HELLO', '3');
    assert.ok(raw.startsWith('%7\r\n$6\r\nserver\r\n$5\r\nredis\r\n$7\r\nversion\r\n'), raw);
    assert.ok(raw.includes('$5\r\nproto\r\n:3\r\n'));
    assert.ok(raw.endsWith('$7\r\nmodules\r\n*0\r\n'));
    // Now RESP3: a missing key is '_', a map stays a map.
    assert.equal(await h.sendRaw('GET', 'hello-missing'), '_\r\n');
    const back = await h.sendRaw('HELLO', '2');
    assert.ok(back.startsWith('*14\r\n'), back);
    assert.equal(await h.sendRaw('GET', 'hello-missing'), '$-1\r\n');
    h.close();
  });

  it('rejects bad protocol versions', async () => {
    assert.equal(errText(await c.send('HELLO', '1')), 'NOPROTO unsupported protocol version');
    assert.equal(errText(await c.send('HELLO', '4')), 'NOPROTO unsupported protocol version');
    assert.equal(errText(await c.send('HELLO', 'x')), 'ERR Protocol version is not an integer or out of range');
  });

  it('SETNAME names the connection; options are checked', async () => {
    const h = await fresh();
    await h.send('HELLO', '2', 'SETNAME', 'via-hello');
    assert.equal(await h.send('CLIENT', 'GETNAME'), 'via-hello');
    assert.equal(errText(await h.send('HELLO', '2', 'SETNAME', 'a b')), 'ERR Client names cannot contain spaces, newlines or special characters.');
    assert.equal(errText(await h.send('HELLO', '2', 'SETNAME')), "ERR Syntax error in HELLO option 'SETNAME'");
    assert.equal(errText(await h.send('HELLO', '2', 'FOO')), "ERR Syntax error in HELLO option 'FOO'");
    assert.equal(errText(await h.send('HELLO', '2', 'AUTH', 'default')), "ERR Syntax error in HELLO option 'AUTH'");
    // A failed HELLO changed nothing.
    assert.equal(await h.send('CLIENT', 'GETNAME'), 'via-hello');
    h.close();
  });

  it('AUTH inside HELLO with no password configured accepts the default user', async () => {
    const h = await fresh();
    const r = (await h.send('HELLO', '3', 'AUTH', 'default', 'whatever')) as Map<RespValue, RespValue>;
    assert.equal(r.get('proto'), 3);
    assert.equal(errText(await h.send('HELLO', '3', 'AUTH', 'nobody', 'x')), 'WRONGPASS invalid username-password pair or user is disabled.');
    h.close();
  });
});

describe('AUTH without a password configured', () => {
  it('the one-argument form explains the configuration', async () => {
    assert.equal(
      errText(await c.send('AUTH', 'x')),
      'ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?',
    );
  });

  it('the default user has no password: any password is accepted', async () => {
    assert.equal(await c.send('AUTH', 'default', 'anything'), 'OK');
    assert.equal(errText(await c.send('AUTH', 'nobody', 'x')), 'WRONGPASS invalid username-password pair or user is disabled.');
  });

  it('checks arity and extra arguments', async () => {
    assert.equal(errText(await c.send('AUTH')), "ERR wrong number of arguments for 'auth' command");
    assert.equal(errText(await c.send('AUTH', 'a', 'b', 'c')), 'ERR syntax error');
  });
});

describe('AUTH with requirepass', () => {
  let t: Target;
  before(async () => {
    t = await startTarget({ requirepass: 'sekret' });
  });
  after(async () => {
    await t.close();
  });

  it('gates commands with NOAUTH until authenticated', async () => {
    const a = await t.client();
    assert.equal(errText(await a.send('PING')), 'NOAUTH Authentication required.');
    assert.equal(errText(await a.send('GET', 'k')), 'NOAUTH Authentication required.');
    assert.equal(errText(await a.send('CLIENT', 'ID')), 'NOAUTH Authentication required.');
    assert.equal(errText(await a.send('AUTH', 'wrong')), 'WRONGPASS invalid username-password pair or user is disabled.');
    assert.equal(errText(await a.send('AUTH', 'default', 'wrong')), 'WRONGPASS invalid username-password pair or user is disabled.');
    assert.equal(await a.send('AUTH', 'sekret'), 'OK');
    assert.equal(await a.send('PING'), 'PONG');
    a.close();
  });

  it('accepts AUTH default <pass>', async () => {
    const a = await t.client();
    assert.equal(await a.send('AUTH', 'default', 'sekret'), 'OK');
    assert.equal(await a.send('PING'), 'PONG');
    a.close();
  });

  it('HELLO needs authentication, or AUTH inside it', async () => {
    const a = await t.client();
    // 7.2 names the protocol argument in this text ("HELLO <proto> AUTH"); 7.0 does not.
    const expected = againstRedis
      ? 'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'
      : 'NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time';
    assert.equal(errText(await a.send('HELLO', '3')), expected);
    assert.equal(errText(await a.send('HELLO', '3', 'AUTH', 'default', 'bad')), 'WRONGPASS invalid username-password pair or user is disabled.');
    assert.equal(errText(await a.send('PING')), 'NOAUTH Authentication required.');
    const r = (await a.send('HELLO', '3', 'AUTH', 'default', 'sekret', 'SETNAME', 'h3')) as Map<RespValue, RespValue>;
    assert.ok(r instanceof Map);
    assert.equal(r.get('proto'), 3);
    assert.equal(await a.send('CLIENT', 'GETNAME'), 'h3');
    a.close();
  });

  it('RESET deauthenticates', async () => {
    const a = await t.client();
    await a.send('AUTH', 'sekret');
    assert.equal(await a.send('RESET'), 'RESET');
    assert.equal(errText(await a.send('PING')), 'NOAUTH Authentication required.');
    a.close();
  });

  it('rejects big requests before authentication (protocol error, then close)', async () => {
    const a = await t.client();
    const [r] = await a.writeRaw('*11\r\n', 1);
    assert.equal(r, '-ERR Protocol error: unauthenticated multibulk length\r\n');
    assert.equal(await a.waitClosed(), true);
    const b = await t.client();
    const [r2] = await b.writeRaw('*1\r\n$16385\r\n', 1);
    assert.equal(r2, '-ERR Protocol error: unauthenticated bulk length\r\n');
    assert.equal(await b.waitClosed(), true);
  });
});

describe('RESET', () => {
  it('restores db 0, RESP2, no name, replies on', async () => {
    const r = await fresh();
    await r.send('HELLO', '3');
    await r.send('SELECT', '5');
    await r.send('CLIENT', 'SETNAME', 'named');
    await r.send('CLIENT', 'NO-EVICT', 'on');
    assert.equal(await r.sendRaw('RESET'), '+RESET\r\n');
    assert.equal(await r.send('CLIENT', 'GETNAME'), null);
    assert.equal(await r.sendRaw('GET', 'reset-missing'), '$-1\r\n');
    const info = (await r.send('CLIENT', 'INFO')) as string;
    assert.match(info, / db=0 /);
    // Redis 7.2 clears NO-EVICT (and NO-TOUCH) on RESET; 7.0 kept the 'e' flag.
    assert.match(info, againstRedis ? / flags=e / : / flags=N /);
    assert.match(info, / resp=2/);
    r.close();
  });

  it('turns replies back on', async () => {
    const r = await fresh();
    await r.writeRaw('*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n');
    assert.equal(await r.send('RESET'), 'RESET');
    assert.equal(await r.send('PING'), 'PONG');
    r.close();
  });

  it('checks arity', async () => {
    assert.equal(errText(await c.send('RESET', 'x')), "ERR wrong number of arguments for 'reset' command");
  });
});
