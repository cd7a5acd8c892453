// argv → RESP multibulk, the form commands take in the AOF and the replication stream.
// Arguments are latin1 strings (one char per byte), so a string's length is its byte length and
// the result is a latin1 string ready for Buffer.write(..., 'latin1'). No I/O here.

/** `*<argc>\r\n` then `$<len>\r\n<arg>\r\n` per argument, byte for byte as Redis feeds replicas. */
export function encodeCommand(argv: readonly string[]): string {
  let out = '*' + argv.length + '\r\n';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    out += '$' + a.length + '\r\n' + a + '\r\n';
  }
  return out;
}

/** SELECT <db> as a multibulk: what a stream emits before the first command of another db. */
export function encodeSelect(db: number): string {
  const d = String(db);
  return '*2\r\n$6\r\nSELECT\r\n$' + d.length + '\r\n' + d + '\r\n';
}
