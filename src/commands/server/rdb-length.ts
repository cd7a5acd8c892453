// The length of a string value once written in RDB format (DEBUG OBJECT serializedlength),
// following Redis's string encoding rules: integers in the int32 range as 2, 3 or 5 bytes,
// other values as a length prefix plus the bytes. Strings over 20 bytes would be tried with
// LZF first; until an LZF compressor exists in nodis this reports the uncompressed length.

import { MutableString, type StringValue } from '../../keyspace/types/string.js';

/** RDB length prefix: 1 byte below 64, 2 below 16384, 5 up to 2^32-1, else 9. */
export function rdbLenPrefix(len: number): number {
  return len < 64 ? 1 : len < 16384 ? 2 : len <= 0xffffffff ? 5 : 9;
}

/** Bytes of the int encoding, or 0 when the integer does not fit int32. */
function intEncodingLength(n: number): number {
  if (n >= -128 && n <= 127) return 2;
  if (n >= -32768 && n <= 32767) return 3;
  if (n >= -2147483648 && n <= 2147483647) return 5;
  return 0;
}

export function rdbStringLength(v: StringValue): number {
  if (typeof v === 'number') {
    const enc = intEncodingLength(v);
    if (enc !== 0) return enc;
    const digits = String(v).length;
    return rdbLenPrefix(digits) + digits;
  }
  const len = v instanceof MutableString ? v.length : v.length;
  if (len <= 11 && typeof v === 'string' && /^-?[1-9][0-9]*$|^0$/.test(v)) {
    const enc = intEncodingLength(Number(v));
    if (enc !== 0) return enc;
  }
  return rdbLenPrefix(len) + len;
}
