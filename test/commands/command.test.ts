import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type RespValue, type TestClient } from '../helpers/resp-client.js';
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

async function err(...args: string[]): Promise<string> {
  const r = await c.send(...args);
  assert.ok(r instanceof RespError, `expected an error from ${args.join(' ')}, got ${JSON.stringify(r)}`);
  return r.message;
}

const COMMAND_SUBS = ['command|count', 'command|docs', 'command|getkeys', 'command|getkeysandflags', 'command|help', 'command|info', 'command|list'];

describe('COMMAND', () => {
  it('describes every command, as many as COMMAND COUNT', async () => {
    const all = (await c.send('COMMAND')) as RespValue[][];
    assert.equal(all.length, await c.send('COMMAND', 'COUNT'));
    for (const e of all) assert.equal(e.length, 10);
    const names = all.map((e) => e[0]);
    for (const n of ['get', 'set', 'ping', 'command']) assert.ok(names.includes(n), n);
    assert.ok(!names.includes('command|info'), 'subcommands are nested, not listed');
  });

  it('rejects unknown subcommands and wrong arity like Redis', async () => {
    assert.equal(await err('COMMAND', 'FOO'), "ERR unknown subcommand 'FOO'. Try COMMAND HELP.");
    assert.equal(await err('command', 'foo', 'bar'), "ERR unknown subcommand 'foo'. Try COMMAND HELP.");
    assert.equal(await err('COMMAND', 'x'.repeat(200)), `ERR unknown subcommand '${'x'.repeat(128)}'. Try COMMAND HELP.`);
    assert.equal(await err('COMMAND', 'a\r\nb'), "ERR unknown subcommand 'a  b'. Try COMMAND HELP.");
    assert.equal(await err('COMMAND', 'COUNT', 'x'), "ERR wrong number of arguments for 'command|count' command");
    assert.equal(await err('COMMAND', 'HELP', 'x'), "ERR wrong number of arguments for 'command|help' command");
  });
});

describe('COMMAND INFO', () => {
  it('gives Redis 7 shaped entries', async () => {
    const [get] = (await c.send('COMMAND', 'INFO', 'get')) as RespValue[][];
    assert.deepEqual(get, [
      'get', 2, ['readonly', 'fast'], 1, 1, 1, ['@read', '@string', '@fast'], [],
      [['flags', ['RO', 'access'], 'begin_search', ['type', 'index', 'spec', ['index', 1]],
        'find_keys', ['type', 'range', 'spec', ['lastkey', 0, 'keystep', 1, 'limit', 0]]]],
      [],
    ]);
  });

  it('nests subcommands and finds them by container|sub, any case', async () => {
    const r = (await c.send('COMMAND', 'INFO', 'command|info', 'COMMAND|INFO', 'Command')) as RespValue[][];
    assert.equal(r[0]![0], 'command|info');
    assert.deepEqual(r[1], r[0]);
    assert.deepEqual(r[0]!.slice(1, 8), [-2, ['loading', 'stale'], 0, 0, 0, ['@slow', '@connection'], ['nondeterministic_output_order']]);
    const subs = (r[2]![9] as RespValue[][]).map((s) => s[0]).sort();
    assert.deepEqual(subs, COMMAND_SUBS);
  });

  it('answers null for unknown names', async () => {
    const r = await c.send('COMMAND', 'INFO', 'get', 'nosuch', 'get|x', 'command|info|x', 'command|nosuch', '|');
    assert.ok(Array.isArray(r));
    assert.equal((r[0] as RespValue[])[0], 'get');
    assert.deepEqual(r.slice(1), [null, null, null, null, null]);
  });

  it('describes every command when no name is given (7.0+)', async () => {
    const r = (await c.send('COMMAND', 'INFO')) as RespValue[][];
    assert.equal(r.length, await c.send('COMMAND', 'COUNT'));
  });
});

describe('COMMAND DOCS', () => {
  it('maps names to documentation', async () => {
    const r = (await c.send('COMMAND', 'DOCS', 'command|info', 'nosuch')) as RespValue[];
    assert.equal(r.length, 2, 'unknown names are left out');
    assert.equal(r[0], 'command|info');
    const doc = r[1] as RespValue[];
    const field = (k: string) => doc[doc.indexOf(k) + 1];
    assert.equal(typeof field('summary'), 'string');
    assert.equal(field('since'), '2.8.13');
    assert.equal(field('group'), 'server');
    assert.ok(doc.includes('history') && doc.includes('arguments'));
  });

  it('nests the docs of subcommands', async () => {
    const r = (await c.send('COMMAND', 'DOCS', 'COMMAND')) as RespValue[];
    assert.equal(r[0], 'command');
    const doc = r[1] as RespValue[];
    const subs = doc[doc.indexOf('subcommands') + 1] as RespValue[];
    const names = subs.filter((_, i) => i % 2 === 0).sort();
    assert.deepEqual(names, COMMAND_SUBS);
  });

  it('answers an empty map when nothing is known, and all commands without names', async () => {
    assert.deepEqual(await c.send('COMMAND', 'DOCS', 'nosuch'), []);
    const all = (await c.send('COMMAND', 'DOCS')) as RespValue[];
    assert.equal(all.length, 2 * (await c.send('COMMAND', 'COUNT') as number));
  });
});

describe('COMMAND LIST', () => {
  it('names commands and subcommands', async () => {
    const all = (await c.send('COMMAND', 'LIST')) as string[];
    for (const n of ['get', 'command', ...COMMAND_SUBS]) assert.ok(all.includes(n), n);
  });

  it('filters by pattern, case-insensitively, on full names', async () => {
    const r = (await c.send('COMMAND', 'LIST', 'FILTERBY', 'PATTERN', 'command*')) as string[];
    assert.deepEqual(r.sort(), ['command', ...COMMAND_SUBS]);
    assert.deepEqual(await c.send('COMMAND', 'LIST', 'filterby', 'pattern', 'COMMAND|C*'), ['command|count']);
  });

  it('filters by ACL category (name without @, any case)', async () => {
    const r = (await c.send('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'CONNECTION')) as string[];
    assert.ok(r.includes('ping') && r.includes('command|docs'));
    assert.ok(!r.includes('get'));
    assert.deepEqual(await c.send('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', '@connection'), []);
    assert.deepEqual(await c.send('COMMAND', 'LIST', 'FILTERBY', 'ACLCAT', 'nosuch'), []);
  });

  it('filters by module: no module is loaded', async () => {
    assert.deepEqual(await c.send('COMMAND', 'LIST', 'FILTERBY', 'MODULE', 'x'), []);
  });

  it('rejects anything else as a syntax error', async () => {
    for (const args of [['x'], ['FILTERBY'], ['FILTERBY', 'PATTERN'], ['FILTERBY', 'foo', 'x'], ['FILTERBY', 'PATTERN', '*', 'x'],
      ['FILTERBY', 'PATTERN', '*', 'FILTERBY', 'ACLCAT', 'read']]) {
      assert.equal(await err('COMMAND', 'LIST', ...args), 'ERR syntax error', args.join(' '));
    }
  });
});

describe('COMMAND GETKEYS / GETKEYSANDFLAGS', () => {
  it('lists the keys of a command line', async () => {
    assert.deepEqual(await c.send('COMMAND', 'GETKEYS', 'GET', 'k'), ['k']);
    assert.deepEqual(await c.send('COMMAND', 'GETKEYS', 'set', 'k', 'v', 'EX', '10'), ['k']);
  });

  it('gives each key its access flags', async () => {
    assert.deepEqual(await c.send('COMMAND', 'GETKEYSANDFLAGS', 'get', 'k'), [['k', ['RO', 'access']]]);
    // SET only reads the old value when GET is given (its key spec has variable flags).
    assert.deepEqual(await c.send('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v'), [['k', ['OW', 'update']]]);
    assert.deepEqual(await c.send('COMMAND', 'GETKEYSANDFLAGS', 'set', 'k', 'v', 'get'), [['k', ['RW', 'access', 'update']]]);
  });

  it('reports Redis errors', async () => {
    assert.equal(await err('COMMAND', 'GETKEYS', 'get'), "ERR wrong number of arguments for 'command|getkeys' command");
    assert.equal(await err('COMMAND', 'GETKEYSANDFLAGS', 'get'), "ERR wrong number of arguments for 'command|getkeysandflags' command");
    assert.equal(await err('COMMAND', 'GETKEYS', 'nosuch', 'a'), 'ERR Invalid command specified');
    assert.equal(await err('COMMAND', 'GETKEYS', 'command', 'nosuch'), 'ERR Invalid command specified');
    assert.equal(await err('COMMAND', 'GETKEYS', 'get', 'a', 'b'), 'ERR Invalid number of arguments specified for command');
    assert.equal(await err('COMMAND', 'GETKEYS', 'set', 'k'), 'ERR Invalid number of arguments specified for command');
    assert.equal(await err('COMMAND', 'GETKEYS', 'ping', 'x'), 'ERR The command has no key arguments');
    assert.equal(await err('COMMAND', 'GETKEYS', 'command', 'info', 'get'), 'ERR The command has no key arguments');
  });
});

describe('COMMAND HELP', () => {
  it('explains every subcommand', async () => {
    const lines = (await c.send('COMMAND', 'HELP')) as string[];
    assert.equal(lines[0], 'COMMAND <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
    assert.deepEqual(lines.slice(-2), ['HELP', '    Prints this help.']);
    for (const sub of ['COUNT', 'LIST', 'INFO', 'DOCS', 'GETKEYS', 'GETKEYSANDFLAGS', '(no subcommand)']) {
      assert.ok(lines.some((l) => l.startsWith(sub)), sub);
    }
  });
});

describe('unknown commands', () => {
  it('answer with the command name and the first arguments', async () => {
    assert.equal(await err('NOSUCH', 'a', 'b'), "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' ");
    assert.equal(await err('nosuch'), "ERR unknown command 'nosuch', with args beginning with: ");
  });
});
