// The STRING group: argument parsing and replies. Storage forms live in keyspace/types/string.ts.

import type { Ctx } from '../exec/context.js';
import { storedString, stringOf, type StringValue } from '../keyspace/types/string.js';
import { keyAt, defineFamily, type KeyRef } from './table.js';

export const stringFamily = defineFamily('string', [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO', 'access')], run: get },
  { name: 'set', arity: -3, flags: ['write', 'denyoom'], keySpecs: [{ ...keyAt(1, 'RW', 'access', 'update', 'variable_flags'), notes: 'RW and ACCESS only because of the optional GET.' }], getKeys: setKeys, run: set },
]);

function get(ctx: Ctx): void {
  const v = ctx.db.readOfType<StringValue>(ctx.arg(1), 'string');
  if (v === undefined) ctx.reply.null();
  else ctx.reply.bulk(stringOf(v));
}

function set(ctx: Ctx): void {
  const key = ctx.arg(1);
  ctx.db.set(key, storedString(ctx.arg(2)));
  ctx.db.changed(key, 'set');
  ctx.reply.ok();
}

/** SET's key flags depend on GET: it reads the old value only then (else it just overwrites). */
function setKeys(argv: readonly string[]): KeyRef[] {
  for (let i = 3; i < argv.length; i++) {
    if (argv[i]!.length === 3 && argv[i]!.toUpperCase() === 'GET') return [{ pos: 1, flags: ['RW', 'access', 'update'] }];
  }
  return [{ pos: 1, flags: ['OW', 'update'] }];
}
