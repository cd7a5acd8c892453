// The dataset digest Redis computes for DEBUG DIGEST and DEBUG DIGEST-VALUE, rebuilt from its
// definition: 20-byte accumulators combined by XOR with the SHA1 of some bytes ("xor"), or XORed
// and then replaced by their own SHA1 ("mix", which makes order matter). A key contributes
// mix(key), mix(type id as 4 big-endian bytes), then its value, then xor("!!expire!!") when it
// has a TTL (the TTL's value is deliberately not part of it). Each key's digest is then xor-ed
// (hashed) into the dataset digest, so key order does not matter; each non-empty database first
// mixes in its index.

import { createHash } from 'node:crypto';

export const DIGEST_LEN = 20;

/** Redis's type ids as stored in objects (OBJ_STRING = 0 ... OBJ_STREAM = 6). */
export const TYPE_IDS = { string: 0, list: 1, set: 2, zset: 3, hash: 4, module: 5, stream: 6 } as const;

function sha1(data: Buffer | string): Buffer {
  return createHash('sha1').update(typeof data === 'string' ? Buffer.from(data, 'latin1') : data).digest();
}

/** A 20-byte accumulator with Redis's two combining operations. */
export class Digest {
  readonly bytes = Buffer.alloc(DIGEST_LEN);

  /** XOR in the SHA1 of the data (latin1 strings are bytes). */
  xor(data: Buffer | string): void {
    const h = sha1(data);
    for (let i = 0; i < DIGEST_LEN; i++) this.bytes[i]! ^= h[i]!;
  }

  /** XOR in the SHA1 of the data, then replace the accumulator with its own SHA1. */
  mix(data: Buffer | string): void {
    this.xor(data);
    sha1(this.bytes).copy(this.bytes);
  }

  mixUint32(n: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32BE(n >>> 0);
    this.mix(b);
  }

  get isZero(): boolean {
    for (let i = 0; i < DIGEST_LEN; i++) if (this.bytes[i] !== 0) return false;
    return true;
  }

  hex(): string {
    return this.bytes.toString('hex');
  }
}

/**
 * What a collection value implements to take part in digests (the per-type hook): it feeds its
 * elements into `d` with mix/xor exactly as Redis's debug digest does for that type.
 */
export interface Digestible {
  digestInto(d: Digest): void;
}

export function isDigestible(v: unknown): v is Digestible {
  return typeof v === 'object' && v !== null && typeof (v as Partial<Digestible>).digestInto === 'function';
}
