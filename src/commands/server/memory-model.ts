// An estimate of the bytes one key takes in nodis (MEMORY USAGE). The model, for 64-bit V8
// without pointer compression (Node's default):
//   key entry   32 bytes: a slot in the per-slot Map (key, value, chain link) + bucket share
//   key string  16-byte header + bytes rounded up to 8 (sequential one-byte string)
//   int value   0 bytes when it fits a small integer (stored in the entry), else a 16-byte
//               heap number
//   string      16-byte header + bytes rounded up to 8
//   raw string  (MutableString) 32-byte object + ~96-byte Buffer view + its whole capacity
//   collections their own estimate when the type provides one (memoryUsage(samples)); else
//               64 bytes of object plus 16 per element, which a type should replace.
// The key's TTL lives in a separate Map and is not counted, as Redis leaves it out as well.

import type { Value } from '../../keyspace/value.js';
import { MutableString } from '../../keyspace/types/string.js';

const ENTRY = 32;
const STRING_HEADER = 16;
const HEAP_NUMBER = 16;
const MUTABLE_OBJECT = 32;
const BUFFER_VIEW = 96;

/** A collection type can provide its own estimate (sampling `samples` elements, 0 = all). */
export interface MemoryMeasurable {
  memoryUsage(samples: number): number;
}

const align8 = (n: number) => (n + 7) & ~7;

export function stringBytes(len: number): number {
  return STRING_HEADER + align8(len);
}

export function valueBytes(v: Value, samples: number): number {
  if (typeof v === 'number') return v >= -(2 ** 31) && v < 2 ** 31 && Number.isInteger(v) ? 0 : HEAP_NUMBER;
  if (typeof v === 'string') return stringBytes(v.length);
  if (v instanceof MutableString) return MUTABLE_OBJECT + BUFFER_VIEW + v.buf.length;
  const m = v as unknown as Partial<MemoryMeasurable>;
  if (typeof m.memoryUsage === 'function') return m.memoryUsage(samples);
  return 64 + 16 * v.size;
}

export function keyUsage(key: string, v: Value, samples: number): number {
  return ENTRY + stringBytes(key.length) + valueBytes(v, samples);
}
