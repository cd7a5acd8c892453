// The GENERIC (keyspace) group: command declarations. Handlers live in keys.ts (existence,
// deletion, renaming, copying, iteration, OBJECT) and expire.ts (the EXPIRE and TTL families);
// storage, expiry and access tracking live in keyspace/. FLUSHDB/FLUSHALL/DBSIZE/SWAPDB belong
// to Redis's server group: see commands/server/keyspace.ts.

import { defineFamily, keyAt, keyRange, type CommandSpec } from '../table.js';
import { expire, expireTime, persist, ttl } from './expire.js';
import {
  copy, del, exists, keys, move, objectEncoding, objectFreq, objectHelp, objectIdletime, objectRefcount,
  randomkey, rename, scan, touch, type,
} from './keys.js';

const MULTI_SHARD_SUM = ['request_policy:multi_shard', 'response_policy:agg_sum'];
const ro = keyAt(1, 'RO');
const roAccess = keyAt(1, 'RO', 'access');
const rwUpdate = keyAt(1, 'RW', 'update');

function expireSpec(name: string, unitMs: boolean, absolute: boolean): CommandSpec {
  return { name, arity: -3, flags: ['write', 'fast'], keySpecs: [rwUpdate], run: (ctx) => expire(ctx, unitMs, absolute) };
}

export const genericFamily = defineFamily('generic', [
  { name: 'del', arity: -2, flags: ['write'], keySpecs: [keyRange(1, -1, 1, 'RM', 'delete')], tips: MULTI_SHARD_SUM, run: (ctx) => del(ctx) },
  { name: 'unlink', arity: -2, flags: ['write', 'fast'], keySpecs: [keyRange(1, -1, 1, 'RM', 'delete')], tips: MULTI_SHARD_SUM, run: (ctx) => del(ctx) },
  { name: 'exists', arity: -2, flags: ['readonly', 'fast'], keySpecs: [keyRange(1, -1, 1, 'RO')], tips: MULTI_SHARD_SUM, run: exists },
  { name: 'touch', arity: -2, flags: ['readonly', 'fast'], keySpecs: [keyRange(1, -1, 1, 'RO')], tips: MULTI_SHARD_SUM, run: touch },
  { name: 'type', arity: 2, flags: ['readonly', 'fast'], keySpecs: [ro], run: type },
  {
    name: 'rename', arity: 3, flags: ['write'],
    keySpecs: [keyAt(1, 'RW', 'access', 'delete'), keyAt(2, 'OW', 'update')], run: (ctx) => rename(ctx, false),
  },
  {
    name: 'renamenx', arity: 3, flags: ['write', 'fast'],
    keySpecs: [keyAt(1, 'RW', 'access', 'delete'), keyAt(2, 'OW', 'insert')], run: (ctx) => rename(ctx, true),
  },
  { name: 'copy', arity: -3, flags: ['write', 'denyoom'], keySpecs: [roAccess, keyAt(2, 'OW', 'update')], run: copy },
  { name: 'move', arity: 3, flags: ['write', 'fast'], keySpecs: [keyAt(1, 'RW', 'access', 'update')], run: move },
  { name: 'randomkey', arity: 1, flags: ['readonly'], tips: ['request_policy:all_shards', 'nondeterministic_output'], run: randomkey },
  { name: 'keys', arity: 2, flags: ['readonly'], acl: ['dangerous'], tips: ['request_policy:all_shards', 'nondeterministic_output_order'], run: keys },
  { name: 'scan', arity: -2, flags: ['readonly'], tips: ['nondeterministic_output', 'request_policy:special'], run: scan },
  expireSpec('expire', false, false),
  expireSpec('pexpire', true, false),
  expireSpec('expireat', false, true),
  expireSpec('pexpireat', true, true),
  { name: 'ttl', arity: 2, flags: ['readonly', 'fast'], keySpecs: [roAccess], tips: ['nondeterministic_output'], run: (ctx) => ttl(ctx, false) },
  { name: 'pttl', arity: 2, flags: ['readonly', 'fast'], keySpecs: [roAccess], tips: ['nondeterministic_output'], run: (ctx) => ttl(ctx, true) },
  { name: 'expiretime', arity: 2, flags: ['readonly', 'fast'], keySpecs: [roAccess], run: (ctx) => expireTime(ctx, false) },
  { name: 'pexpiretime', arity: 2, flags: ['readonly', 'fast'], keySpecs: [roAccess], run: (ctx) => expireTime(ctx, true) },
  { name: 'persist', arity: 2, flags: ['write', 'fast'], keySpecs: [rwUpdate], run: persist },
  {
    name: 'object', arity: -2, flags: [],
    subcommands: [
      { name: 'encoding', arity: 3, flags: ['readonly'], keySpecs: [keyAt(2, 'RO')], tips: ['nondeterministic_output'], run: objectEncoding },
      { name: 'freq', arity: 3, flags: ['readonly'], keySpecs: [keyAt(2, 'RO')], tips: ['nondeterministic_output'], run: objectFreq },
      { name: 'idletime', arity: 3, flags: ['readonly'], keySpecs: [keyAt(2, 'RO')], tips: ['nondeterministic_output'], run: objectIdletime },
      { name: 'refcount', arity: 3, flags: ['readonly'], keySpecs: [keyAt(2, 'RO')], tips: ['nondeterministic_output'], run: objectRefcount },
      { name: 'help', arity: 2, flags: ['loading', 'stale'], acl: ['keyspace'], run: objectHelp },
    ],
  },
]);
