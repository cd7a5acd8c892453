// CLIENT subcommands except PAUSE/UNPAUSE (client-pause.test.ts): identity, LIST/INFO format,
// KILL in both forms, REPLY modes, NO-EVICT, NO-TOUCH, HELP and the subcommands that must stay
// unknown until their area exists. Runs against nodis and real Redis.

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

/** Redis 7.2's CLIENT LIST fields, in order; 7.0 (the oracle) lacks lib-name and lib-ver. */
const FIELDS_72 = [
  'id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi',
  'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events',
  'cmd', 'user', 'redir', 'resp', 'lib-name', 'lib-ver',
];
const FIELDS = againstRedis ? FIELDS_72.slice(0, -2) : FIELDS_72;

function parseLine(line: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const part of line.split(' ')) {
    const eq = part.indexOf('=');
    m.set(part.slice(0, eq), part.slice(eq + 1));
  }
  return m;
}

function lines(text: RespValue): Map<string, string>[] {
  assert.equal(typeof text, 'string');
  const s = text as string;
  assert.ok(s.endsWith('\n'), 'every line ends with a newline');
  return s.slice(0, -1).split('\n').map(parseLine);
}

async function idOf(t: TestClient): Promise<number> {
  return (await t.send('CLIENT', 'ID')) as number;
}

describe('CLIENT ID / GETNAME / SETNAME', () => {
  it('ids are unique and increasing', async () => {
    const a = await target.client();
    const b = await target.client();
    const ia = await idOf(a);
    const ib = await idOf(b);
    assert.ok(ib > ia);
    a.close();
    b.close();
  });

  it('names a connection, clears with an empty name', async () => {
    const a = await target.client();
    assert.equal(await a.send('CLIENT', 'GETNAME'), null);
    assert.equal(await a.send('CLIENT', 'SETNAME', 'worker-1'), 'OK');
    assert.equal(await a.send('CLIENT', 'GETNAME'), 'worker-1');
    assert.match((await a.send('CLIENT', 'INFO')) as string, / name=worker-1 /);
    assert.equal(await a.send('CLIENT', 'SETNAME', ''), 'OK');
    assert.equal(await a.send('CLIENT', 'GETNAME'), null);
    a.close();
  });

  it('rejects names with spaces, newlines or special characters', async () => {
    for (const bad of ['a b', 'a\nb', 'tab\t', 'caf\xe9', '\x00']) {
      assert.equal(errText(await c.send('CLIENT', 'SETNAME', bad)), 'ERR Client names cannot contain spaces, newlines or special characters.');
    }
    assert.equal(await c.send('CLIENT', 'SETNAME', '!~{}[]'), 'OK');
    await c.send('CLIENT', 'SETNAME', '');
  });

  it('checks arity', async () => {
    assert.equal(errText(await c.send('CLIENT', 'SETNAME')), "ERR wrong number of arguments for 'client|setname' command");
    assert.equal(errText(await c.send('CLIENT', 'GETNAME', 'x')), "ERR wrong number of arguments for 'client|getname' command");
    assert.equal(errText(await c.send('CLIENT', 'ID', 'x')), "ERR wrong number of arguments for 'client|id' command");
    assert.equal(errText(await c.send('CLIENT')), "ERR wrong number of arguments for 'client' command");
  });
});

describe('CLIENT SETINFO (Redis 7.2)', () => {
  it('sets lib-name and lib-ver shown by CLIENT INFO', { skip: againstRedis && 'SETINFO is new in 7.2; the 7.0 oracle lacks it' }, async () => {
    const a = await target.client();
    assert.equal(await a.send('CLIENT', 'SETINFO', 'LIB-NAME', 'nodis-test'), 'OK');
    assert.equal(await a.send('CLIENT', 'SETINFO', 'lib-ver', '1.2.3'), 'OK');
    const info = parseLine(((await a.send('CLIENT', 'INFO')) as string).trimEnd());
    assert.equal(info.get('lib-name'), 'nodis-test');
    assert.equal(info.get('lib-ver'), '1.2.3');
    assert.equal(errText(await a.send('CLIENT', 'SETINFO', 'lib-name', 'a b')), 'ERR lib-name cannot contain spaces, newlines or special characters.');
    assert.equal(errText(await a.send('CLIENT', 'SETINFO', 'LIB-VER', 'x\ny')), 'ERR LIB-VER cannot contain spaces, newlines or special characters.');
    assert.equal(errText(await a.send('CLIENT', 'SETINFO', 'foo', 'x')), "ERR Unrecognized option 'foo'");
    assert.equal(errText(await a.send('CLIENT', 'SETINFO', 'lib-name')), "ERR wrong number of arguments for 'client|setinfo' command");
    // RESET keeps the library attributes: they describe the connection's library, not a session.
    await a.send('RESET');
    assert.equal(parseLine(((await a.send('CLIENT', 'INFO')) as string).trimEnd()).get('lib-name'), 'nodis-test');
    a.close();
  });
});

describe('CLIENT INFO / CLIENT LIST', () => {
  it('INFO prints this connection in the 7.2 field order', async () => {
    const a = await target.client();
    const id = await idOf(a);
    const [info] = lines(await a.send('CLIENT', 'INFO'));
    assert.deepEqual([...info!.keys()], FIELDS);
    assert.equal(info!.get('id'), String(id));
    assert.equal(info!.get('flags'), 'N');
    assert.equal(info!.get('db'), '0');
    assert.equal(info!.get('multi'), '-1');
    assert.equal(info!.get('cmd'), 'client|info');
    assert.equal(info!.get('user'), 'default');
    assert.equal(info!.get('redir'), '-1');
    assert.equal(info!.get('resp'), '2');
    assert.equal(info!.get('argv-mem'), '10', 'the bytes of "client" and "info"');
    assert.match(info!.get('addr')!, /^127\.0\.0\.1:\d+$/);
    assert.equal(info!.get('laddr'), `127.0.0.1:${target.port}`);
    a.close();
  });

  it('INFO and LIST are verbatim strings in RESP3', async () => {
    const a = await target.client();
    await a.send('HELLO', '3');
    const raw = await a.sendRaw('CLIENT', 'INFO');
    assert.match(raw, /^=\d+\r\ntxt:id=/);
    const rawList = await a.sendRaw('CLIENT', 'LIST');
    assert.match(rawList, /^=\d+\r\ntxt:id=/);
    a.close();
  });

  it('LIST shows every connection, with the last command of the others', async () => {
    const a = await target.client();
    const b = await target.client();
    await b.send('SELECT', '2');
    await b.send('CLIENT', 'SETNAME', 'bee');
    const ib = await idOf(b);
    const all = lines(await a.send('CLIENT', 'LIST'));
    const row = all.find((m) => m.get('id') === String(ib));
    assert.ok(row, 'b is listed');
    assert.equal(row.get('name'), 'bee');
    assert.equal(row.get('db'), '2');
    assert.equal(row.get('cmd'), 'client|id');
    const ids = all.map((m) => Number(m.get('id')));
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y), 'in connection order');
    a.close();
    b.close();
  });

  it('cmd= is the last command looked up, rejected or not', async () => {
    const a = await target.client();
    const b = await target.client();
    const ib = String(await idOf(b));
    const cmdOf = async () => lines(await a.send('CLIENT', 'LIST', 'ID', ib))[0]!.get('cmd');
    await b.send('GET', 'k');
    assert.equal(await cmdOf(), 'get');
    await b.send('NOSUCH');
    assert.equal(await cmdOf(), 'NULL');
    await b.send('GET');
    assert.equal(await cmdOf(), 'get', 'an arity error still names the command');
    await b.send('CLIENT', 'NOSUCH');
    assert.equal(await cmdOf(), 'NULL');
    await b.send('CLIENT', 'SETNAME');
    assert.equal(await cmdOf(), 'client|setname');
    a.close();
    b.close();
  });

  it('LIST TYPE and LIST ID filter', async () => {
    const a = await target.client();
    const ia = await idOf(a);
    const normal = lines(await a.send('CLIENT', 'LIST', 'TYPE', 'normal'));
    assert.ok(normal.some((m) => m.get('id') === String(ia)));
    assert.equal(await a.send('CLIENT', 'LIST', 'TYPE', 'pubsub'), '');
    assert.equal(await a.send('CLIENT', 'LIST', 'TYPE', 'replica'), '');
    assert.equal(await a.send('CLIENT', 'LIST', 'TYPE', 'slave'), '');
    assert.equal(await a.send('CLIENT', 'LIST', 'TYPE', 'MASTER'), '');
    const byId = lines(await a.send('CLIENT', 'LIST', 'ID', String(ia), '999999', String(ia)));
    assert.deepEqual(byId.map((m) => m.get('id')), [String(ia), String(ia)], 'unknown ids skipped, repeats kept');
    assert.equal(await a.send('CLIENT', 'LIST', 'ID', '999999'), '');
    a.close();
  });

  it('LIST errors', async () => {
    assert.equal(errText(await c.send('CLIENT', 'LIST', 'TYPE', 'foo')), "ERR Unknown client type 'foo'");
    assert.equal(errText(await c.send('CLIENT', 'LIST', 'ID', '1', 'x')), 'ERR Invalid client ID');
    assert.equal(errText(await c.send('CLIENT', 'LIST', 'ID')), 'ERR syntax error');
    assert.equal(errText(await c.send('CLIENT', 'LIST', 'foo')), 'ERR syntax error');
    assert.equal(errText(await c.send('CLIENT', 'LIST', 'TYPE', 'normal', 'x')), 'ERR syntax error');
    assert.equal(errText(await c.send('CLIENT', 'INFO', 'x')), "ERR wrong number of arguments for 'client|info' command");
  });
});

describe('CLIENT KILL', () => {
  it('legacy form kills by address and answers OK', async () => {
    const victim = await target.client();
    const addr = parseLine(((await victim.send('CLIENT', 'INFO')) as string).trimEnd()).get('addr')!;
    assert.equal(await c.send('CLIENT', 'KILL', addr), 'OK');
    assert.equal(await victim.waitClosed(), true);
    assert.equal(errText(await c.send('CLIENT', 'KILL', addr)), 'ERR No such client');
    assert.equal(errText(await c.send('CLIENT', 'KILL', '1.2.3.4:5')), 'ERR No such client');
  });

  it('legacy form can kill the caller, after its reply', async () => {
    const self = await target.client();
    const addr = parseLine(((await self.send('CLIENT', 'INFO')) as string).trimEnd()).get('addr')!;
    assert.equal(await self.send('CLIENT', 'KILL', addr), 'OK');
    assert.equal(await self.waitClosed(), true);
  });

  it('filters answer how many were killed', async () => {
    const v1 = await target.client();
    const v2 = await target.client();
    const id1 = await idOf(v1);
    const id2 = await idOf(v2);
    assert.equal(await c.send('CLIENT', 'KILL', 'ID', String(id1)), 1);
    assert.equal(await v1.waitClosed(), true);
    assert.equal(await c.send('CLIENT', 'KILL', 'ID', String(id1)), 0);
    const addr2 = parseLine(((await v2.send('CLIENT', 'INFO')) as string).trimEnd()).get('addr')!;
    // Filters combine with AND.
    assert.equal(await c.send('CLIENT', 'KILL', 'ADDR', addr2, 'ID', String(id1)), 0);
    assert.equal(await c.send('CLIENT', 'KILL', 'ADDR', addr2, 'ID', String(id2), 'TYPE', 'normal', 'USER', 'default'), 1);
    assert.equal(await v2.waitClosed(), true);
  });

  it('SKIPME decides whether the caller is spared', async () => {
    const t = await startTarget();
    try {
      const a = await t.client();
      const b = await t.client();
      const laddr = `127.0.0.1:${t.port}`;
      // SKIPME yes is the default: b dies, a survives.
      assert.equal(await a.send('CLIENT', 'KILL', 'LADDR', laddr), 1);
      assert.equal(await b.waitClosed(), true);
      assert.equal(await a.send('PING'), 'PONG');
      const [r] = await a.writeRaw('*6\r\n$6\r\nCLIENT\r\n$4\r\nKILL\r\n$5\r\nLADDR\r\n$' + laddr.length + '\r\n' + laddr + '\r\n$6\r\nSKIPME\r\n$2\r\nno\r\n*1\r\n$4\r\nPING\r\n', 1);
      assert.equal(r, ':1\r\n', 'the reply is written before closing; the pipelined PING is dropped');
      assert.equal(await a.waitClosed(), true);
    } finally {
      await t.close();
    }
  });

  it('kills by TYPE', async () => {
    const t = await startTarget();
    try {
      const a = await t.client();
      const b = await t.client();
      assert.equal(await a.send('CLIENT', 'KILL', 'TYPE', 'pubsub'), 0);
      assert.equal(await a.send('CLIENT', 'KILL', 'TYPE', 'master'), 0);
      assert.equal(await a.send('CLIENT', 'KILL', 'TYPE', 'replica'), 0);
      assert.equal(await a.send('CLIENT', 'KILL', 'TYPE', 'normal'), 1);
      assert.equal(await b.waitClosed(), true);
      a.close();
    } finally {
      await t.close();
    }
  });

  it('errors', async () => {
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'ID', 'abc')), 'ERR client-id should be greater than 0');
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'ID', '0')), 'ERR client-id should be greater than 0');
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'ID', '-3')), 'ERR client-id should be greater than 0');
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'TYPE', 'foo')), "ERR Unknown client type 'foo'");
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'USER', 'nobody')), "ERR No such user 'nobody'");
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'SKIPME', 'maybe')), 'ERR syntax error');
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'FOO', 'bar')), 'ERR syntax error');
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'ID', '1', 'TYPE')), 'ERR syntax error');
    assert.equal(errText(await c.send('CLIENT', 'KILL')), "ERR wrong number of arguments for 'client|kill' command");
  });

  it('MAXAGE kills connections older than the given seconds (from 7.4; a superset of 7.2)', { skip: againstRedis && 'the 7.0 oracle has no MAXAGE' }, async () => {
    assert.equal(await c.send('CLIENT', 'KILL', 'MAXAGE', '100000'), 0);
    assert.equal(errText(await c.send('CLIENT', 'KILL', 'MAXAGE', 'x')), 'ERR value is not an integer or out of range');
  });
});

describe('CLIENT REPLY', () => {
  it('OFF silences replies until ON, which answers OK', async () => {
    const a = await target.client();
    const out = await a.writeRaw(
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n' +
      '*2\r\n$4\r\nPING\r\n$1\r\n1\r\n' +
      '*1\r\n$3\r\nBAD\r\n' +
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n' +
      '*2\r\n$4\r\nPING\r\n$1\r\n2\r\n', 2);
    assert.deepEqual(out, ['+OK\r\n', '$1\r\n2\r\n']);
    a.close();
  });

  it('SKIP silences exactly the next command', async () => {
    const a = await target.client();
    const skip = '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n';
    const ping = (n: number) => `*2\r\n$4\r\nPING\r\n$1\r\n${n}\r\n`;
    // SKIP, 1 (skipped), 2; then SKIP SKIP 3 4: the second SKIP is the skipped command and
    // arms another skip, so 3 is skipped too.
    const out = await a.writeRaw(skip + ping(1) + ping(2) + skip + skip + ping(3) + ping(4), 2);
    assert.deepEqual(out, ['$1\r\n2\r\n', '$1\r\n4\r\n']);
    a.close();
  });

  it('SKIP while OFF changes nothing', async () => {
    const a = await target.client();
    const out = await a.writeRaw(
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$3\r\nOFF\r\n' +
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$4\r\nSKIP\r\n' +
      '*3\r\n$6\r\nCLIENT\r\n$5\r\nREPLY\r\n$2\r\nON\r\n' +
      '*2\r\n$4\r\nPING\r\n$1\r\n5\r\n', 2);
    assert.deepEqual(out, ['+OK\r\n', '$1\r\n5\r\n']);
    a.close();
  });

  it('rejects other modes', async () => {
    assert.equal(errText(await c.send('CLIENT', 'REPLY', 'MAYBE')), 'ERR syntax error');
    assert.equal(errText(await c.send('CLIENT', 'REPLY')), "ERR wrong number of arguments for 'client|reply' command");
  });
});

describe('CLIENT NO-EVICT / NO-TOUCH', () => {
  it('NO-EVICT sets the e flag', async () => {
    const a = await target.client();
    assert.equal(await a.send('CLIENT', 'NO-EVICT', 'on'), 'OK');
    assert.match((await a.send('CLIENT', 'INFO')) as string, / flags=e /);
    assert.equal(await a.send('CLIENT', 'NO-EVICT', 'OFF'), 'OK');
    assert.match((await a.send('CLIENT', 'INFO')) as string, / flags=N /);
    assert.equal(errText(await a.send('CLIENT', 'NO-EVICT', 'x')), 'ERR syntax error');
    a.close();
  });

  it('NO-TOUCH sets the T flag (Redis 7.2)', { skip: againstRedis && 'NO-TOUCH is new in 7.2' }, async () => {
    const a = await target.client();
    assert.equal(await a.send('CLIENT', 'NO-TOUCH', 'on'), 'OK');
    assert.match((await a.send('CLIENT', 'INFO')) as string, / flags=T /);
    await a.send('CLIENT', 'NO-EVICT', 'on');
    assert.match((await a.send('CLIENT', 'INFO')) as string, / flags=eT /, 'flags print in Redis order');
    assert.equal(await a.send('CLIENT', 'NO-TOUCH', 'off'), 'OK');
    assert.equal(errText(await a.send('CLIENT', 'NO-TOUCH', 'x')), 'ERR syntax error');
    a.close();
  });
});

describe('CLIENT HELP and unknown subcommands', () => {
  it('HELP lists subcommands as status lines', async () => {
    const r = (await c.send('CLIENT', 'HELP')) as string[];
    assert.ok(Array.isArray(r) && r.length > 10);
    assert.equal(r[0], 'CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.ok(r.includes('HELP'));
    const raw = await c.sendRaw('CLIENT', 'HELP');
    assert.ok(raw.split('\r\n')[1]!.startsWith('+'), 'status strings, not bulk');
  });

  it('unknown subcommands name the container', async () => {
    assert.equal(errText(await c.send('CLIENT', 'FOO')), "ERR unknown subcommand 'FOO'. Try CLIENT HELP.");
  });

});
