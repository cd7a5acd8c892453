// Latin1 strings from bytes: one char per byte, as keys and values are kept in memory. Shared by
// the request parser and the keyspace's packed short strings.

type Latin1 = { latin1Slice(start: number, end: number): string };
const fc = String.fromCharCode;

/**
 * buf[s, e) as a latin1 string. Arguments up to 16 bytes (command names, typical keys and small
 * values) are built with String.fromCharCode at a fixed arity: about half the cost of
 * latin1Slice, whose call into C++ dominates at these sizes. Both give a flat one-byte string.
 */
export function slice(b: Buffer, s: number, e: number): string {
  switch (e - s) {
    case 0: return '';
    case 1: return fc(b[s]!);
    case 2: return fc(b[s]!, b[s + 1]!);
    case 3: return fc(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4: return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5: return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6: return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7: return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8: return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    case 9:
      return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!,
        b[s + 8]!);
    case 10:
      return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!,
        b[s + 8]!, b[s + 9]!);
    case 11:
      return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!,
        b[s + 8]!, b[s + 9]!, b[s + 10]!);
    case 12:
      return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!,
        b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!);
    case 13:
      return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!,
        b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!);
    case 14:
      return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!,
        b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!);
    case 15:
      return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!,
        b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!);
    case 16:
      return fc(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!,
        b[s + 8]!, b[s + 9]!, b[s + 10]!, b[s + 11]!, b[s + 12]!, b[s + 13]!, b[s + 14]!, b[s + 15]!);
    default: return (b as unknown as Latin1).latin1Slice(s, e);
  }
}
