// String values. Most strings are stored as plain latin1 JS strings or numbers (see value.ts);
// MutableString is the 'raw' form used once a value is changed in place, with spare capacity so
// that APPEND or SETRANGE loops are amortized O(1) per byte, as with Redis's sds.
// This module decides what OBJECT ENCODING reports for each stored form; it imports only util/.

import { parseInt64 } from '../../util/numbers.js';

/** Redis's OBJ_ENCODING_EMBSTR_SIZE_LIMIT: longer strings are 'raw'. */
export const EMBSTR_MAX = 44;

export class MutableString {
  /**
   * Set on a frozen text that Redis keeps as an embstr even though it looks like an integer
   * (an INCRBYFLOAT result such as "3"): it must not be mutated in place (from() copies it).
   */
  embstr = false;

  constructor(public buf: Buffer, public length: number) {}

  /** A raw, mutable form of a string value: the value itself when already raw, else a copy. */
  static from(v: string | number | MutableString, extra = 0): MutableString {
    if (v instanceof MutableString) {
      if (!v.embstr) return v;
      v = v.toString();
    }
    const s = typeof v === 'number' ? String(v) : v;
    const buf = Buffer.allocUnsafe(Math.max(16, s.length + extra));
    buf.write(s, 0, 'latin1');
    return new MutableString(buf, s.length);
  }

  /** An int-looking text stored with the embstr encoding (see `embstr`). */
  static frozenText(s: string): MutableString {
    const m = new MutableString(Buffer.from(s, 'latin1'), s.length);
    m.embstr = true;
    return m;
  }

  /** Makes room for `size` bytes (zero-filling any gap past the current length). */
  reserve(size: number): void {
    if (size > this.buf.length) {
      const grown = Buffer.alloc(size < 1024 * 1024 ? size * 2 : size + 1024 * 1024);
      this.buf.copy(grown, 0, 0, this.length);
      this.buf = grown;
    } else if (size > this.length) {
      this.buf.fill(0, this.length, size);
    }
  }

  append(s: string): void {
    this.reserve(this.length + s.length);
    this.buf.write(s, this.length, 'latin1');
    this.length += s.length;
  }

  /** Writes s at offset, zero-padding any gap and growing as needed (SETRANGE). */
  writeAt(offset: number, s: string): void {
    const end = offset + s.length;
    if (end > this.length) {
      this.reserve(end);
      this.length = end;
    }
    this.buf.write(s, offset, 'latin1');
  }

  /** The current bytes (a view: copy before keeping it beyond the current command). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  toString(): string {
    return this.buf.toString('latin1', 0, this.length);
  }
}

export type StringValue = number | string | MutableString;

/** The bytes of a string value as a latin1 string. */
export function stringOf(v: StringValue): string {
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : v.toString();
}

export function stringLength(v: StringValue): number {
  return typeof v === 'string' ? v.length : typeof v === 'number' ? String(v).length : v.length;
}

/**
 * The representation to store for a string a client sent (Redis's tryObjectEncoding): a number
 * when Redis would use the int encoding and the value is a safe JS integer, else the string
 * itself (an int64 beyond 2^53 stays a string but still reports 'int').
 */
export function storedString(s: string): StringValue {
  if (s.length <= 20 && s.length > 0) {
    const c = s.charCodeAt(0);
    if ((c >= 48 && c <= 57) || c === 45) {
      const n = parseInt64(s);
      if (typeof n === 'number') return n;
    }
  }
  return s;
}

/** The stored form of an integer result (INCR family): always int-encoded in Redis. */
export function storedInteger(v: number | bigint): StringValue {
  return typeof v === 'number' ? v : v.toString();
}

/**
 * The stored form of a text Redis keeps as it is, without trying the int encoding
 * (createStringObject: INCRBYFLOAT results): embstr up to 44 bytes, raw beyond.
 */
export function storedPlainText(s: string): StringValue {
  if (s.length <= 20 && s.length > 0 && parseInt64(s) !== null) return MutableString.frozenText(s);
  return s;
}

/** OBJECT ENCODING of a string value. */
export function stringEncoding(v: StringValue): 'int' | 'embstr' | 'raw' {
  if (typeof v === 'number') return 'int';
  if (v instanceof MutableString) return v.embstr ? 'embstr' : 'raw';
  if (v.length <= 20 && parseInt64(v) !== null) return 'int';
  return v.length <= EMBSTR_MAX ? 'embstr' : 'raw';
}

/** The integer value of a string value, as Redis's getLongLongFromObject: null if not an int64. */
export function integerOf(v: StringValue): number | bigint | null {
  if (typeof v === 'number') return v;
  return parseInt64(typeof v === 'string' ? v : v.toString());
}
