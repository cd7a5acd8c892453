// CRC16-CCITT (XMODEM), the hash Redis Cluster uses to map keys to its 16384 slots.
// Keys are latin1 strings (one char per byte), so charCodeAt gives the byte.

const TABLE = new Uint16Array(256);
for (let i = 0; i < 256; i++) {
  let crc = i << 8;
  for (let j = 0; j < 8; j++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  TABLE[i] = crc;
}

export const SLOT_COUNT = 16384;

export function crc16(s: string, start = 0, end = s.length): number {
  let crc = 0;
  for (let i = start; i < end; i++) crc = ((crc << 8) & 0xffff) ^ TABLE[((crc >> 8) ^ s.charCodeAt(i)) & 0xff]!;
  return crc;
}

/** The cluster slot of a key, honouring {hash tags}: only a non-empty tag is hashed. */
export function keySlot(key: string): number {
  const open = key.indexOf('{');
  if (open !== -1) {
    const close = key.indexOf('}', open + 1);
    if (close !== -1 && close !== open + 1) return crc16(key, open + 1, close) & (SLOT_COUNT - 1);
  }
  return crc16(key) & (SLOT_COUNT - 1);
}
