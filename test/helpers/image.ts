// A canonical text image of a dataset (type, content, expire per key) for snapshot tests: two
// datasets are equal exactly when their images are. Faster than DEBUG DIGEST on 200k keys.

import { strict as assert } from 'node:assert';
import type { Keyspace } from '../../src/keyspace/keyspace.js';
import { HashValue } from '../../src/keyspace/types/hash.js';
import { ListValue } from '../../src/keyspace/types/list.js';
import { MutableString, stringOf } from '../../src/keyspace/types/string.js';
import { isStringValue, type Value } from '../../src/keyspace/value.js';

export function describeValue(v: Value, expire: number | undefined): string {
  let body: unknown;
  if (isStringValue(v)) body = ['string', v instanceof MutableString ? v.bytes().toString('latin1') : stringOf(v)];
  else if (v instanceof ListValue) body = ['list', v.toArray()];
  else if (v instanceof HashValue) {
    const [f, vals] = v.entries();
    body = ['hash', f.map((x, i) => [x, vals[i]]).sort()];
  } else body = ['?'];
  return JSON.stringify([body, expire ?? null]);
}

/** "db/key" → description, for every stored key. */
export function datasetImage(ks: Keyspace): Map<string, string> {
  const out = new Map<string, string>();
  for (const db of ks.dbs) for (const [k, v] of db.entries()) out.set(`${db.index}/${k}`, describeValue(v, db.getExpire(k)));
  return out;
}

export function assertSameImage(got: Map<string, string>, want: Map<string, string>): void {
  const missing = [...want.keys()].filter((k) => !got.has(k));
  const extra = [...got.keys()].filter((k) => !want.has(k));
  assert.deepEqual({ missing: missing.slice(0, 5), extra: extra.slice(0, 5) }, { missing: [], extra: [] });
  for (const [k, v] of want) if (got.get(k) !== v) assert.equal(got.get(k), v, `value of ${k}`);
  assert.equal(got.size, want.size);
}
