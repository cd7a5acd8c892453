// COMMAND INFO of every implemented command and subcommand equals real Redis's, except for the
// listed 7.2 differences; and the derivation rules of commands/table.ts and commands/keys.ts,
// applied to the oracle's own metadata for ALL its commands, reproduce what the oracle reports
// (ACL categories, legacy key triple, movablekeys, keys found by COMMAND GETKEYSANDFLAGS).
// The oracle's metadata is read at test time only; none of it is stored in the repository.

import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { ALL_FAMILIES } from '../../src/commands/index.js';
import { keysFromSpecs } from '../../src/commands/keys.js';
import {
  aclCategories, CommandTable, flatten, legacyKeys,
  type CommandSpec, type Group, type KeySpec, type KeySpecFlag,
} from '../../src/commands/table.js';
import { replyInfo } from '../../src/commands/server/command.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RespWriter } from '../../src/resp/reply.js';
import { redisAvailable, startRedis, type ChildServer } from '../helpers/oracle.js';
import { RespError, TestClient, type RespValue } from '../helpers/resp-client.js';
import { parseTree, renderTree, text, type Tree } from '../helpers/resp-tree.js';

const FIELDS = ['name', 'arity', 'flags', 'first key', 'last key', 'step', 'acl categories', 'tips', 'key specs', 'subcommands'] as const;
type Field = (typeof FIELDS)[number];

/**
 * Where Redis 7.2 (nodis's target) differs from the 7.0 oracle. `newIn72`: the oracle has no such
 * command. `fields`: what nodis must print instead (RESP3 rendering, see renderTree).
 */
const DIFFERENCES_72: Record<string, { why: string; newIn72?: true; fields?: Partial<Record<Field, string>> }> = {
  'client|setinfo': { why: 'CLIENT SETINFO is new in 7.2', newIn72: true },
  'client|no-touch': { why: 'CLIENT NO-TOUCH is new in 7.2', newIn72: true },
  'cluster|myshardid': { why: 'CLUSTER MYSHARDID is new in 7.2', newIn72: true },
  'waitaof': { why: 'WAITAOF is new in 7.2', newIn72: true },
  // 7.2 declares cluster-wide routing tips for these two; 7.0 had none.
  'config|resetstat': { why: '7.2 adds request/response policy tips', fields: { tips: '~["request_policy:all_nodes" "response_policy:all_succeeded"]' } },
  'config|rewrite': { why: '7.2 adds request/response policy tips', fields: { tips: '~["request_policy:all_nodes" "response_policy:all_succeeded"]' } },
  'zrank': { why: 'ZRANK takes WITHSCORE since 7.2', fields: { arity: ':-3' } },
  'zrevrank': { why: 'ZREVRANK takes WITHSCORE since 7.2', fields: { arity: ':-3' } },
};

/**
 * The commands whose ACL categories do not follow from group and flags alone, as each spec must
 * declare them (spec.acl / spec.aclRemove). Checked below against the oracle for every command.
 */
const ACL_EXCEPTIONS: Record<string, { acl?: string[]; aclRemove?: string[] }> = {
  'asking': { acl: ['connection'] },
  'readonly': { acl: ['connection'] },
  'readwrite': { acl: ['connection'] },
  'command': { acl: ['connection'] },
  'command|count': { acl: ['connection'] },
  'command|docs': { acl: ['connection'] },
  'command|getkeys': { acl: ['connection'] },
  'command|getkeysandflags': { acl: ['connection'] },
  'command|help': { acl: ['connection'] },
  'command|info': { acl: ['connection'] },
  'command|list': { acl: ['connection'] },
  'wait': { acl: ['connection'], aclRemove: ['keyspace'] },
  'dbsize': { acl: ['keyspace'] },
  'flushall': { acl: ['keyspace', 'dangerous'] },
  'flushdb': { acl: ['keyspace', 'dangerous'] },
  'swapdb': { acl: ['keyspace', 'dangerous'] },
  'restore-asking': { acl: ['keyspace', 'dangerous'] },
  'keys': { acl: ['dangerous'] },
  'migrate': { acl: ['dangerous'] },
  'restore': { acl: ['dangerous'] },
  'info': { acl: ['dangerous'] },
  'lastsave': { acl: ['admin', 'dangerous'] },
  'role': { acl: ['admin', 'dangerous'] },
  'sort': { acl: ['set', 'sortedset', 'list', 'dangerous'], aclRemove: ['keyspace'] },
  'sort_ro': { acl: ['set', 'sortedset', 'list', 'dangerous'], aclRemove: ['keyspace'] },
  'pubsub|help': { aclRemove: ['pubsub'] },
};

const table = new CommandTable(ALL_FAMILIES);
const implemented = [...flatten(table.all())];
const haveRedis = redisAvailable();

let redis: ChildServer;
let nodis: RunningServer;
const oracleInfo3 = new Map<string, Tree>();
const oracleInfo2 = new Map<string, Tree>();
const nodisInfo3 = new Map<string, Tree>();
const nodisInfo2 = new Map<string, Tree>();
/** Every oracle command and subcommand: decoded COMMAND INFO entry and its group. */
const oracleAll: { entry: RespValue[]; group: Group; container: boolean }[] = [];
let oracleClient: TestClient;

async function infoTrees(port: number, proto: 2 | 3, names: string[], into: Map<string, Tree>): Promise<void> {
  const c = await TestClient.connect(port);
  if (proto === 3) await c.send('HELLO', '3');
  const reply = parseTree(await c.sendRaw('COMMAND', 'INFO', ...names));
  c.close();
  assert.ok(reply.t === '*' && reply.v.length === names.length);
  names.forEach((n, i) => into.set(n, reply.v[i]!));
}

before(async () => {
  if (!haveRedis) return;
  redis = await startRedis();
  nodis = await startServer({ port: 0 });
  const names = implemented.map((c) => c.fullName);
  await infoTrees(redis.port, 3, names, oracleInfo3);
  await infoTrees(redis.port, 2, names, oracleInfo2);
  // RESP3 straight from the reply writer: the wire needs HELLO, which is not this area's.
  for (const n of names) {
    const w = new RespWriter();
    w.resp = 3;
    replyInfo(w, table.lookup(n));
    nodisInfo3.set(n, parseTree(String(w.take())));
  }
  await infoTrees(nodis.port, 2, names, nodisInfo2);

  oracleClient = await redis.client();
  await oracleClient.send('HELLO', '3');
  const all = (await oracleClient.send('COMMAND')) as RespValue[][];
  const docs = (await oracleClient.send('COMMAND', 'DOCS')) as Map<string, Map<string, RespValue>>;
  for (const entry of all) {
    const d = docs.get(entry[0] as string)!;
    const group = d.get('group') as Group;
    const subs = entry[9] as RespValue[][];
    oracleAll.push({ entry, group, container: subs.length > 0 });
    for (const sub of subs) oracleAll.push({ entry: sub, group, container: false });
  }
});

after(async () => {
  oracleClient?.close();
  await nodis?.close();
  await redis?.stop();
});

// ---- comparing entries ----

/** Key spec notes are prose: nodis words them itself, so only their presence is compared. */
function normalize(entry: Tree): Tree[] {
  if (entry.t !== '*') return [entry];
  const fields = entry.v.slice();
  const specs = fields[8];
  if (specs !== undefined && (specs.t === '*' || specs.t === '~')) {
    fields[8] = {
      t: specs.t,
      v: specs.v.map((ks): Tree => {
        if (ks.t === '%') return { t: '%', v: ks.v.map(([k, v]) => [k, text(k) === 'notes' ? { t: '$', v: '<notes>' } : v]) };
        if (ks.t === '*') {
          const items = ks.v.slice();
          for (let i = 0; i + 1 < items.length; i += 2) if (text(items[i]) === 'notes') items[i + 1] = { t: '$', v: '<notes>' };
          return { t: '*', v: items };
        }
        return ks;
      }),
    };
  }
  return fields;
}

/** Subcommand names of an entry's last field, sorted (Redis lists them in hash order). */
function subNames(field: Tree | undefined): string[] {
  if (field === undefined || (field.t !== '*' && field.t !== '~')) return [];
  return field.v.map((s) => (s.t === '*' ? text(s.v[0]) ?? '?' : '?')).sort();
}

function diffEntry(name: string, ours: Tree, theirs: Tree, proto: 2 | 3): string[] {
  const exp = DIFFERENCES_72[name]?.fields ?? {};
  if (ours.t === '_' || theirs.t === '_') {
    return ours.t === theirs.t ? [] : [`entry: nodis ${renderTree(ours).slice(0, 80)} / redis ${renderTree(theirs).slice(0, 80)}`];
  }
  const a = normalize(ours);
  const b = normalize(theirs);
  const out: string[] = [];
  FIELDS.forEach((field, i) => {
    const x = a[i];
    const y = b[i];
    if (field === 'subcommands') {
      // Subcommands are compared one by one in their own tests; here only the shape and names,
      // and nodis may lack subcommands it does not implement (yet).
      if (x?.t !== y?.t && !(x?.t === '*' && x.v.length === 0)) out.push(`subcommands type: nodis ${x?.t} / redis ${y?.t}`);
      const theirsNames = new Set(subNames(y));
      const extra = subNames(x).filter((n) => !theirsNames.has(n) && !DIFFERENCES_72[n]?.newIn72);
      if (extra.length > 0) out.push(`subcommands unknown to redis: ${extra.join(', ')}`);
      return;
    }
    const want = proto === 3 && exp[field] !== undefined ? exp[field] : y === undefined ? '(missing)' : renderTree(y);
    if (proto === 2 && exp[field] !== undefined) return; // the 7.2 expectation is stated for RESP3
    const got = x === undefined ? '(missing)' : renderTree(x);
    if (got !== want) out.push(`${field}:\n      nodis ${got}\n      redis ${want}`);
  });
  return out;
}

describe('COMMAND INFO equals the oracle for every implemented command', { skip: !haveRedis && 'redis-server not installed' }, () => {
  for (const cmd of implemented) {
    const name = cmd.fullName;
    it(name, () => {
      const d = DIFFERENCES_72[name];
      if (d?.newIn72) {
        assert.equal(oracleInfo3.get(name)?.t, '_', `${name} is listed as new in 7.2 but the oracle knows it`);
        return;
      }
      const problems = [
        ...diffEntry(name, nodisInfo3.get(name)!, oracleInfo3.get(name)!, 3).map((p) => `RESP3 ${p}`),
        ...diffEntry(name, nodisInfo2.get(name)!, oracleInfo2.get(name)!, 2).map((p) => `RESP2 ${p}`),
      ];
      if (problems.length > 0) assert.fail(`COMMAND INFO ${name} differs from Redis:\n  ${problems.join('\n  ')}`);
    });
  }

  it('every listed 7.2 difference names a command the table knows or a 7.2 newcomer', () => {
    for (const [name, d] of Object.entries(DIFFERENCES_72)) assert.ok(d.newIn72 || table.lookup(name), `${name}: ${d.why}`);
  });
});

// ---- derivation rules over the oracle's whole table ----

function toKeySpec(m: RespValue): KeySpec {
  const map = m as Map<string, RespValue>;
  const bs = map.get('begin_search') as Map<string, RespValue>;
  const fk = map.get('find_keys') as Map<string, RespValue>;
  const bspec = bs.get('spec') as Map<string, RespValue>;
  const fspec = fk.get('spec') as Map<string, RespValue>;
  const begin: KeySpec['begin'] = bs.get('type') === 'index' ? { index: bspec.get('index') as number }
    : bs.get('type') === 'keyword' ? { keyword: bspec.get('keyword') as string, startFrom: bspec.get('startfrom') as number }
      : { unknown: true };
  const find: KeySpec['find'] = fk.get('type') === 'range'
    ? { lastKey: fspec.get('lastkey') as number, step: fspec.get('keystep') as number, limit: fspec.get('limit') as number }
    : fk.get('type') === 'keynum'
      ? { keyNumIndex: fspec.get('keynumidx') as number, firstKey: fspec.get('firstkey') as number, step: fspec.get('keystep') as number }
      : { unknown: true };
  return { flags: map.get('flags') as KeySpecFlag[], begin, find };
}

function specFromOracle(o: (typeof oracleAll)[number]): CommandSpec {
  const e = o.entry;
  const name = e[0] as string;
  const exc = ACL_EXCEPTIONS[name] ?? {};
  return {
    name,
    arity: e[1] as number,
    flags: (e[2] as string[]).filter((f) => f !== 'movablekeys') as CommandSpec['flags'],
    keySpecs: (e[8] as RespValue[]).map(toKeySpec),
    ...(o.container ? { subcommands: [] } : {}),
    ...(exc.acl ? { acl: exc.acl } : {}),
    ...(exc.aclRemove ? { aclRemove: exc.aclRemove } : {}),
  };
}

describe('derivation rules reproduce the oracle for all its commands', { skip: !haveRedis && 'redis-server not installed' }, () => {
  it('ACL categories: group + flags + the listed exceptions', () => {
    assert.ok(oracleAll.length > 200);
    const wrong: string[] = [];
    const needed = new Set<string>();
    for (const o of oracleAll) {
      const spec = specFromOracle(o);
      const want = (o.entry[6] as string[]).map((c) => c.slice(1));
      const got = aclCategories(spec, o.group);
      if (got.join() !== want.join()) wrong.push(`${spec.name}: derived ${got.join(',')} / redis ${want.join(',')}`);
      const bare = aclCategories({ ...spec, acl: undefined, aclRemove: undefined }, o.group);
      if (bare.join() !== want.join()) needed.add(spec.name);
    }
    assert.deepEqual(wrong, [], `categories differ:\n${wrong.join('\n')}`);
    const unneeded = Object.keys(ACL_EXCEPTIONS).filter((n) => !needed.has(n));
    assert.deepEqual(unneeded, [], 'exceptions the rules already cover');
  });

  it('legacy first/last/step and movablekeys follow from the key specs', () => {
    const wrong: string[] = [];
    for (const o of oracleAll) {
      const e = o.entry;
      const l = legacyKeys((e[8] as RespValue[]).map(toKeySpec));
      const got = `${l.first},${l.last},${l.step},${l.movable}`;
      const want = `${e[3]},${e[4]},${e[5]},${(e[2] as string[]).includes('movablekeys')}`;
      if (got !== want) wrong.push(`${e[0]}: derived ${got} / redis ${want}`);
    }
    assert.deepEqual(wrong, [], wrong.join('\n'));
  });

  it('keys found through the key specs match COMMAND GETKEYSANDFLAGS', async () => {
    const byName = new Map(oracleAll.map((o) => [o.entry[0] as string, o]));
    let compared = 0;
    const wrong: string[] = [];
    for (const argv of KEY_SAMPLES) {
      const top = byName.get(argv[0]!.toLowerCase())!;
      const o = top.container ? byName.get(`${argv[0]!.toLowerCase()}|${argv[1]!.toLowerCase()}`)! : top;
      const specs = (o.entry[8] as RespValue[]).map(toKeySpec);
      // Redis only trusts the specs when some spec is a real key and none has variable flags;
      // otherwise (or when the specs cannot be resolved) it asks the command's own getkeys code.
      if (!specs.some((s) => !s.flags.includes('not_key')) || specs.some((s) => s.flags.includes('variable_flags'))) continue;
      const ours = keysFromSpecs(specs, argv);
      if (ours === null) continue;
      const theirs = await oracleClient.send('COMMAND', 'GETKEYSANDFLAGS', ...argv);
      compared++;
      const got = ours.map((k) => `${argv[k.pos]}:${k.flags.join('|')}`).join(' ');
      const want = theirs instanceof RespError ? '' : (theirs as RespValue[][]).map(([k, f]) => `${k}:${(f as string[]).join('|')}`).join(' ');
      if (got !== want) wrong.push(`${argv.join(' ')}: ours ${got || '(none)'} / redis ${want || String(theirs)}`);
    }
    assert.deepEqual(wrong, [], wrong.join('\n'));
    assert.ok(compared >= 40, `only ${compared} samples could be compared`);
  });
});

/** Command lines covering every begin_search / find_keys form Redis uses. */
const KEY_SAMPLES: string[][] = [
  ['GET', 'k'], ['MGET', 'a', 'b', 'c'], ['MSET', 'a', '1', 'b', '2'], ['MSETNX', 'a', '1', 'b', '2'], ['DEL', 'a', 'b'],
  ['EXISTS', 'a', 'b', 'a'], ['TOUCH', 'a'], ['UNLINK', 'a', 'b'], ['RENAME', 'a', 'b'], ['RENAMENX', 'a', 'b'], ['COPY', 'a', 'b', 'REPLACE'],
  ['LMOVE', 'a', 'b', 'LEFT', 'RIGHT'], ['BLMOVE', 'a', 'b', 'LEFT', 'LEFT', '0'], ['RPOPLPUSH', 'a', 'b'], ['BRPOPLPUSH', 'a', 'b', '0'],
  ['BLPOP', 'a', 'b', '0'], ['BRPOP', 'a', '1'], ['BZPOPMIN', 'a', 'b', '0'],
  ['ZUNIONSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '1', '2'], ['ZINTERSTORE', 'd', '1', 'a'], ['ZUNIONSTORE', 'd', '3', 'a', 'b'],
  ['ZINTER', '2', 'a', 'b'], ['ZUNION', '1', 'a', 'WITHSCORES'], ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'], ['ZDIFFSTORE', 'd', '2', 'a', 'b'],
  ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'], ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '1'], ['SINTERCARD', '-1', 'a'],
  ['LMPOP', '2', 'a', 'b', 'LEFT', 'COUNT', '2'], ['BLMPOP', '0', '2', 'a', 'b', 'LEFT'], ['ZMPOP', '1', 'z', 'MIN'], ['BZMPOP', '1', '2', 'a', 'b', 'MAX'],
  ['LMPOP', 'x', 'a', 'LEFT'],
  ['EVAL', 'return 1', '2', 'a', 'b', 'x'], ['EVAL', 's', '0'], ['EVAL_RO', 's', '1', 'k'], ['EVALSHA', 'abc', '1', 'k', 'v'], ['FCALL', 'f', '1', 'a', 'x'], ['FCALL_RO', 'f', '2', 'a', 'b'],
  ['XREAD', 'COUNT', '2', 'STREAMS', 'a', 'b', '0', '0'], ['XREAD', 'STREAMS', 'a', '0'], ['XREAD', 'streams', 'a', 'b', 'c', '1', '2', '3'],
  ['XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'a', 'b', '>', '>'], ['XREADGROUP', 'GROUP', 'g', 'c', 'COUNT', '1', 'STREAMS', 's', '>'],
  ['XADD', 's', '*', 'f', 'v'], ['XINFO', 'STREAM', 's'], ['XINFO', 'GROUPS', 's'], ['XGROUP', 'CREATE', 's', 'g', '$'], ['XGROUP', 'DESTROY', 's', 'g'],
  ['OBJECT', 'ENCODING', 'k'], ['MEMORY', 'USAGE', 'k'], ['MEMORY', 'USAGE', 'k', 'SAMPLES', '3'],
  ['MIGRATE', 'h', '1', 'k', '0', '10'], ['MIGRATE', 'h', '1', '', '0', '10', 'KEYS', 'a', 'b'],
  ['GEORADIUS', 'k', '1', '2', '3', 'km', 'STORE', 'x'], ['GEORADIUSBYMEMBER', 'k', 'm', '1', 'km'], ['GEORADIUS_RO', 'k', '1', '2', '3', 'km'],
  ['GEOSEARCHSTORE', 'd', 's', 'FROMMEMBER', 'm', 'BYRADIUS', '1', 'km'], ['GEOADD', 'k', '1', '2', 'm'],
  ['BITOP', 'AND', 'd', 'a', 'b'], ['BITCOUNT', 'k'], ['BITFIELD_RO', 'k', 'GET', 'u8', '0'], ['PFCOUNT', 'a', 'b'], ['PFMERGE', 'd', 'a', 'b'], ['PFADD', 'h', 'x'],
  ['SMOVE', 'a', 'b', 'm'], ['SDIFFSTORE', 'd', 'a', 'b'], ['SUNIONSTORE', 'd', 'a', 'b', 'c'], ['SINTER', 'a', 'b'],
  ['SORT', 'k'], ['SORT_RO', 'k'], ['WATCH', 'a', 'b'], ['GETEX', 'k', 'PX', '10'], ['GETDEL', 'k'], ['LCS', 'a', 'b'],
  ['HSET', 'h', 'f', 'v'], ['ZRANGESTORE', 'd', 's', '0', '-1'], ['ZADD', 'z', '1', 'm'], ['DUMP', 'k'], ['RESTORE', 'k', '0', 'x'],
  ['EXPIRE', 'k', '10'], ['TTL', 'k'], ['TYPE', 'k'], ['APPEND', 'k', 'v'], ['INCRBY', 'k', '1'], ['SETRANGE', 'k', '0', 'v'],
  ['LPUSH', 'l', 'a'], ['LINSERT', 'l', 'BEFORE', 'a', 'b'], ['SPUBLISH', 'c', 'm'], ['PUBLISH', 'c', 'm'],
];
