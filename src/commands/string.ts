// The STRING group: argument parsing and replies. Storage forms live in keyspace/types/string.ts.

import type { Ctx } from '../exec/context.js';
import { storedString, stringOf, type StringValue } from '../keyspace/types/string.js';
import { keyAt, defineFamily } from './table.js';

export const stringFamily = defineFamily('string', [
  { name: 'get', arity: 2, flags: ['readonly', 'fast'], keySpecs: [keyAt(1, 'RO', 'access')], run: get },
  { name: 'set', arity: -3, flags: ['write', 'denyoom'], keySpecs: [{ ...keyAt(1, 'RW', 'access', 'update', 'variable_flags'), notes: 'RW and ACCESS only because of the optional GET.' }], run: set },
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
