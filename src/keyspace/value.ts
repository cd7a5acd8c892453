// What a key can hold. Strings are stored unwrapped to keep memory per key close to Redis:
// a JS number is an int-encoded string, a JS string is a latin1 byte string (embstr/raw by
// length), and a MutableString is a raw string grown in place (APPEND, SETRANGE, SETBIT).
// Every other type is an object deriving from CollectionValue (keyspace/types/*).

import { MutableString } from './types/string.js';

export type TypeName = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream';

/** Base of every non-string value. Types own their encoding and their operations. */
export abstract class CollectionValue {
  abstract readonly type: TypeName;
  /** The name OBJECT ENCODING reports, e.g. 'listpack', 'quicklist', 'hashtable'. */
  abstract encoding(): string;
  /** Number of elements, for DEBUG/MEMORY and lazy-free decisions. */
  abstract get size(): number;
  /** A deep copy sharing nothing mutable with this value (COPY). */
  abstract clone(): CollectionValue;
}

export type Value = number | string | MutableString | CollectionValue;

export function typeName(v: Value): TypeName {
  if (typeof v === 'string' || typeof v === 'number' || v instanceof MutableString) return 'string';
  return v.type;
}

/** A value that can be stored under a second key without sharing mutable state (COPY). */
export function cloneValue(v: Value): Value {
  if (typeof v === 'string') return v;
  // A copy of a small integer is a new object in Redis, not the shared one: OBJECT REFCOUNT
  // reports 1 for it. The string form keeps the int encoding and marks it unshared.
  if (typeof v === 'number') return String(v);
  if (v instanceof MutableString) {
    // An embstr text (an INCRBYFLOAT result) is never changed in place: share it, and COPY
    // reports embstr as Redis's dupStringObject does.
    if (v.embstr) return v;
    const buf = Buffer.allocUnsafe(Math.max(16, v.length));
    v.buf.copy(buf, 0, 0, v.length);
    return new MutableString(buf, v.length);
  }
  return v.clone();
}

export function isStringValue(v: Value): v is number | string | MutableString {
  return typeof v === 'string' || typeof v === 'number' || v instanceof MutableString;
}
