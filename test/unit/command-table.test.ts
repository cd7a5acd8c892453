import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { commandKeys, hasKeys, keysFromSpecs } from '../../src/commands/keys.js';
import { replyDocs, replyInfo } from '../../src/commands/server/command.js';
import {
  aclCategories, CommandTable, defineFamily, keyAt, keyNum, keyRange, legacyKeys,
  type CommandSpec, type KeySpec,
} from '../../src/commands/table.js';
import { Dispatcher } from '../../src/exec/dispatcher.js';
import { CommandError } from '../../src/resp/errors.js';
import { RespWriter } from '../../src/resp/reply.js';
import { parseTree, renderTree } from '../helpers/resp-tree.js';

const spec = (s: Partial<CommandSpec>): CommandSpec => ({ name: 'x', arity: -1, flags: [], ...s });
const keyword = (kw: string, startFrom: number, lastKey: number, limit = 0, ...flags: KeySpec['flags']): KeySpec =>
  ({ flags, begin: { keyword: kw, startFrom }, find: { lastKey, step: 1, limit } });
const UNKNOWN: KeySpec = { flags: ['RO'], begin: { unknown: true }, find: { unknown: true } };

describe('aclCategories', () => {
  it('derives from flags and group, in Redis order', () => {
    assert.deepEqual(aclCategories(spec({ flags: ['readonly', 'fast'] }), 'string'), ['read', 'string', 'fast']);
    assert.deepEqual(aclCategories(spec({ flags: ['write', 'denyoom'] }), 'sorted-set'), ['write', 'sortedset', 'slow']);
    assert.deepEqual(aclCategories(spec({ flags: ['write', 'blocking'] }), 'list'), ['write', 'list', 'slow', 'blocking']);
    assert.deepEqual(aclCategories(spec({ flags: ['admin', 'noscript'] }), 'server'), ['admin', 'slow', 'dangerous']);
    assert.deepEqual(aclCategories(spec({ flags: ['pubsub', 'fast'] }), 'pubsub'), ['pubsub', 'fast']);
  });

  it('gives containers no data category and scripting commands no @read', () => {
    assert.deepEqual(aclCategories(spec({ subcommands: [] }), 'stream'), ['slow']);
    assert.deepEqual(aclCategories(spec({ flags: ['readonly'] }), 'scripting'), ['slow', 'scripting']);
  });

  it('applies the declared exceptions, with or without @', () => {
    assert.deepEqual(aclCategories(spec({ flags: ['noscript'], acl: ['@connection'], aclRemove: ['keyspace'] }), 'generic'), ['slow', 'connection']);
    assert.deepEqual(aclCategories(spec({ flags: ['write', 'denyoom'], acl: ['set', 'sortedset', 'list', 'dangerous'], aclRemove: ['@keyspace'] }), 'generic'),
      ['write', 'set', 'sortedset', 'list', 'slow', 'dangerous']);
  });
});

describe('legacyKeys', () => {
  it('uses a single range spec as it is', () => {
    assert.deepEqual(legacyKeys([keyAt(1, 'RO')]), { first: 1, last: 1, step: 1, movable: false });
    assert.deepEqual(legacyKeys([keyRange(1, -1, 2, 'OW')]), { first: 1, last: -1, step: 2, movable: false });
    assert.deepEqual(legacyKeys([keyRange(1, -2, 1, 'RW')]), { first: 1, last: -2, step: 1, movable: false });
    assert.deepEqual(legacyKeys([{ ...keyAt(2, 'RO'), flags: ['RO', 'incomplete'] }]), { first: 2, last: 2, step: 1, movable: true });
  });

  it('glues consecutive step-1 ranges', () => {
    assert.deepEqual(legacyKeys([keyAt(1, 'RW'), keyAt(2, 'RW')]), { first: 1, last: 2, step: 1, movable: false });
    assert.deepEqual(legacyKeys([keyAt(1, 'OW'), keyRange(2, -1, 1, 'RO')]), { first: 1, last: -1, step: 1, movable: false });
  });

  it('makes anything else movable', () => {
    assert.deepEqual(legacyKeys([keyAt(1, 'OW'), keyNum(2, 'RO')]), { first: 1, last: 1, step: 1, movable: true });
    assert.deepEqual(legacyKeys([keyNum(1, 'RO')]), { first: 0, last: 0, step: 0, movable: true });
    assert.deepEqual(legacyKeys([keyAt(1, 'RO'), keyAt(3, 'RO')]), { first: 1, last: 1, step: 1, movable: true });
    assert.deepEqual(legacyKeys([keyAt(1, 'RO'), UNKNOWN]), { first: 1, last: 1, step: 1, movable: true });
    assert.deepEqual(legacyKeys([]), { first: 0, last: 0, step: 0, movable: false });
  });

  it('feeds the movablekeys flag, which a spec cannot declare', () => {
    const t = new CommandTable([defineFamily('list', [
      { name: 'a', arity: -3, flags: ['write', 'movablekeys'], keySpecs: [keyAt(1, 'RW')] },
      { name: 'b', arity: -3, flags: ['write'], keySpecs: [keyNum(1, 'RW')] },
    ])]);
    assert.deepEqual(t.get('a')!.shownFlags, ['write']);
    assert.deepEqual(t.get('b')!.shownFlags, ['write', 'movablekeys']);
    assert.deepEqual([t.get('b')!.firstKey, t.get('b')!.lastKey, t.get('b')!.keyStep], [0, 0, 0]);
  });
});

describe('keysFromSpecs', () => {
  const pos = (specs: KeySpec[], argv: string[]) => keysFromSpecs(specs, argv)?.map((k) => k.pos) ?? null;

  it('finds index ranges, with steps and open ends', () => {
    assert.deepEqual(pos([keyRange(1, -1, 2, 'OW')], ['mset', 'a', '1', 'b', '2']), [1, 3]);
    assert.deepEqual(pos([keyRange(1, -2, 1, 'RW')], ['blpop', 'a', 'b', '0']), [1, 2]);
    assert.equal(pos([keyAt(1, 'RO')], ['get']), null);
  });

  it('searches keywords forward and backward, skipping the bound', () => {
    const streams = keyword('STREAMS', 1, -1, 2, 'RO');
    assert.deepEqual(pos([streams], ['xread', 'count', '1', 'streams', 'a', 'b', '0', '0']), [4, 5]);
    assert.deepEqual(pos([streams], ['xread', 'streams', 'a', 'b', 'c', '1', '2', '3']), [2, 3, 4]);
    assert.deepEqual(pos([streams], ['xread', 'count', 'streams']), [], 'keyword in the last place is not searched');
    const keys = keyword('KEYS', -2, -1, 0, 'RW');
    assert.deepEqual(pos([keys], ['migrate', 'h', 'p', '', '0', '5', 'keys', 'a', 'b']), [7, 8]);
  });

  it('reads key counts strictly', () => {
    const eval_ = [keyNum(2, 'RW')];
    assert.deepEqual(pos(eval_, ['eval', 's', '2', 'a', 'b', 'x']), [3, 4]);
    assert.equal(pos(eval_, ['eval', 's', '3', 'a']), null, 'more keys than arguments');
    assert.equal(pos(eval_, ['eval', 's', '0']), null, 'zero keys is not a range');
    assert.equal(pos(eval_, ['eval', 's', '-1']), null);
    assert.equal(pos(eval_, ['eval', 's', '01', 'a']), null);
    assert.equal(pos(eval_, ['eval', 's']), null);
  });

  it('fails on unknown and incomplete specs unless partial results are asked for', () => {
    assert.equal(pos([keyAt(1, 'RO'), UNKNOWN], ['sort', 'k']), null);
    assert.deepEqual(keysFromSpecs([keyAt(1, 'RO'), UNKNOWN], ['sort', 'k'], { partial: true })?.map((k) => k.pos), [1]);
    const incomplete = keyword('KEYS', -2, -1, 0, 'RW', 'incomplete');
    assert.equal(pos([incomplete], ['migrate', 'h', 'p', '', '0', '5', 'keys', 'a']), null);
    assert.deepEqual(keysFromSpecs([incomplete], ['migrate', 'h', 'p', '', '0', '5', 'keys', 'a'], { partial: true })?.map((k) => k.pos), [7]);
  });

  it('skips not_key specs unless asked', () => {
    const notKey: KeySpec = { ...keyAt(1, 'RO'), flags: ['not_key'] };
    assert.deepEqual(pos([notKey], ['spublish', 'c', 'm']), []);
    assert.deepEqual(keysFromSpecs([notKey], ['spublish', 'c', 'm'], { includeNotKeys: true })?.map((k) => k.pos), [1]);
  });
});

describe('commandKeys', () => {
  const t = new CommandTable([defineFamily('generic', [
    { name: 'plain', arity: -2, flags: ['readonly'], keySpecs: [keyRange(1, -1, 1, 'RO', 'access')] },
    { name: 'var', arity: -2, flags: ['write'], keySpecs: [keyAt(1, 'RW', 'variable_flags')], getKeys: () => [1] },
    { name: 'varnoproc', arity: -2, flags: ['write'], keySpecs: [keyAt(1, 'RW', 'variable_flags')] },
    { name: 'proc', arity: -3, flags: ['write'], keySpecs: [keyAt(1, 'OW'), keyNum(2, 'RO')],
      getKeys: (argv) => argv.length > 3 ? [{ pos: 1, flags: ['OW'] }, { pos: 3, flags: ['RO'] }] : [] },
    { name: 'nokeys', arity: -1, flags: ['fast'] },
  ])]);

  it('prefers key specs, falls back to getKeys', () => {
    assert.deepEqual(commandKeys(t.get('plain')!, ['plain', 'a', 'b']), [{ pos: 1, flags: ['RO', 'access'] }, { pos: 2, flags: ['RO', 'access'] }]);
    assert.deepEqual(commandKeys(t.get('proc')!, ['proc', 'd', '1', 'a']), [{ pos: 1, flags: ['OW'] }, { pos: 3, flags: ['RO'] }]);
    assert.deepEqual(commandKeys(t.get('proc')!, ['proc', 'd', '5', 'a']), [{ pos: 1, flags: ['OW'] }, { pos: 3, flags: ['RO'] }]);
    assert.deepEqual(commandKeys(t.get('proc')!, ['proc', 'd', '5']), []);
  });

  it('asks getKeys first when flags vary, and gives bare positions the only spec\'s flags', () => {
    assert.deepEqual(commandKeys(t.get('var')!, ['var', 'k']), [{ pos: 1, flags: ['RW', 'variable_flags'] }]);
    assert.deepEqual(commandKeys(t.get('varnoproc')!, ['varnoproc', 'k']), [{ pos: 1, flags: ['RW', 'variable_flags'] }]);
  });

  it('knows which commands have keys', () => {
    assert.equal(hasKeys(t.get('plain')!), true);
    assert.equal(hasKeys(t.get('nokeys')!), false);
    assert.deepEqual(commandKeys(t.get('nokeys')!, ['nokeys']), []);
  });
});

describe('COMMAND INFO / DOCS shapes', () => {
  const t = new CommandTable([defineFamily('string', [
    { name: 'get', arity: 2, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO', 'access')] },
    {
      name: 'box', arity: -2, flags: [], subcommands: [
        { name: 'open', arity: 3, flags: ['write'], keySpecs: [{ ...keyAt(2, 'RW'), notes: 'why' }], tips: ['nondeterministic_output'],
          doc: { summary: 'Opens.', since: '9.9.9', complexity: 'O(1)', docFlags: ['deprecated'], deprecatedSince: '9.9.10', replacedBy: 'nothing',
            history: [['9.9.10', 'Changed.']], arguments: [
              { name: 'key', type: 'key', keySpecIndex: 0 },
              { name: 'mode', type: 'oneof', optional: true, arguments: [{ name: 'fast', type: 'pure-token', token: 'FAST', since: '9.9.10' }] },
            ] } },
      ],
    },
  ])]);
  const render = (write: (w: RespWriter) => void, resp: 2 | 3 = 3) => {
    const w = new RespWriter();
    w.resp = resp;
    write(w);
    return renderTree(parseTree(String(w.take())));
  };

  it('writes INFO entries with sets where Redis does (RESP3)', () => {
    // The exact RESP3 shape real Redis 7.0 sends for COMMAND INFO GET.
    const redis = '*10\r\n$3\r\nget\r\n:2\r\n~2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@string\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n' +
      '$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n' +
      '$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n';
    const w = new RespWriter();
    w.resp = 3;
    replyInfo(w, t.get('get'));
    assert.equal(String(w.take()), redis);
    assert.equal(render((w) => replyInfo(w, undefined)), '_');
  });

  it('nests subcommands in an array, notes first in a key spec', () => {
    const r = render((w) => replyInfo(w, t.get('box')));
    assert.match(r, /^\*\["box" :-2 ~\[\] :0 :0 :0 ~\[\+@slow\] ~\[\] ~\[\] \*\[\*\["box\|open" :3 ~\[\+write\] :2 :2 :1 ~\[\+@write \+@string \+@slow\] ~\["nondeterministic_output"\] ~\[%\{"notes": "why", "flags": ~\[\+RW\]/);
  });

  it('writes DOCS with every optional field, display_text on plain arguments', () => {
    const r = render((w) => replyDocs(w, t.lookup('box|open')!));
    assert.equal(r, '%{"summary": "Opens.", "since": "9.9.9", "group": "string", "complexity": "O(1)", "doc_flags": ~[+deprecated], ' +
      '"deprecated_since": "9.9.10", "replaced_by": "nothing", "history": ~[*["9.9.10" "Changed."]], "arguments": *[' +
      '%{"name": "key", "type": "key", "key_spec_index": :0, "display_text": "key"} ' +
      '%{"name": "mode", "type": "oneof", "flags": ~[+optional], "arguments": *[%{"name": "fast", "type": "pure-token", "token": "FAST", "since": "9.9.10", "display_text": "fast"}]}]}');
  });

  it('documents a command without a doc by what its spec knows', () => {
    assert.equal(render((w) => replyDocs(w, t.get('get')!)), '%{"group": "string"}');
    assert.match(render((w) => replyDocs(w, t.get('box')!)), /^%\{"group": "string", "subcommands": %\{"box\|open": %\{"summary"/);
    assert.match(render((w) => replyDocs(w, t.get('box')!), 2), /^\*\["group" "string" "subcommands" \*\["box\|open" \*\["summary"/);
  });

  it('looks names up the way COMMAND INFO does', () => {
    assert.equal(t.lookup('BOX|OPEN')?.fullName, 'box|open');
    assert.equal(t.lookup('box')?.fullName, 'box');
    assert.equal(t.lookup('get|x'), undefined);
    assert.equal(t.lookup('box|open|x'), undefined);
    assert.equal(t.lookup('box|'), undefined);
  });
});

describe('dispatching containers', () => {
  const ran: string[] = [];
  const table = new CommandTable([defineFamily('server', [
    { name: 'cont', arity: -2, flags: [], subcommands: [{ name: 'sub', arity: 2, flags: [], run: () => { ran.push('sub'); } }] },
  ])]);
  const d = new Dispatcher({ table } as unknown as ConstructorParameters<typeof Dispatcher>[0]);
  const resolveError = (argv: string[]) => {
    try {
      d.resolve(argv);
    } catch (e) {
      if (e instanceof CommandError) return e.text;
      throw e;
    }
    return null;
  };

  it('answers a container alone with the arity error', () => {
    assert.equal(resolveError(['CONT']), "ERR wrong number of arguments for 'cont' command");
  });

  it('answers an unknown subcommand with the HELP hint, in upper case', () => {
    assert.equal(resolveError(['cont', 'Nope']), "ERR unknown subcommand 'Nope'. Try CONT HELP.");
  });

  it('finds subcommands in any case and checks their arity', () => {
    assert.equal(d.resolve(['Cont', 'SUB']).fullName, 'cont|sub');
    assert.equal(resolveError(['cont', 'sub', 'x']), "ERR wrong number of arguments for 'cont|sub' command");
  });
});
