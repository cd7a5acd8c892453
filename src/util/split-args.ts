// Splits a line into arguments with the quoting rules Redis uses for inline commands and for
// redis.conf lines: "double quotes" with \n \r \t \b \a \\ \" and \xHH escapes, 'single quotes'
// with only \' escaped, and a closing quote that must be followed by a space or the end.

const isSpace = (c: number) => c === 32 || (c >= 9 && c <= 13);
const isHex = (c: number) => (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);

/** Returns the arguments (latin1 strings) or null when the quotes are unbalanced. */
export function splitArgs(line: string): string[] | null {
  const out: string[] = [];
  const n = line.length;
  let p = 0;
  for (;;) {
    while (p < n && isSpace(line.charCodeAt(p))) p++;
    if (p >= n) return out;
    let cur = '';
    let inDouble = false;
    let inSingle = false;
    for (;;) {
      if (inDouble) {
        if (p >= n) return null;
        const c = line[p]!;
        if (c === '\\' && p + 3 < n && line[p + 1] === 'x' && isHex(line.charCodeAt(p + 2)) && isHex(line.charCodeAt(p + 3))) {
          cur += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === '\\' && p + 1 < n) {
          p++;
          const e = line[p]!;
          cur += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e === 'b' ? '\b' : e === 'a' ? '\x07' : e;
        } else if (c === '"') {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          p++;
          break;
        } else {
          cur += c;
        }
        p++;
      } else if (inSingle) {
        if (p >= n) return null;
        const c = line[p]!;
        if (c === '\\' && p + 1 < n && line[p + 1] === "'") {
          p++;
          cur += "'";
        } else if (c === "'") {
          if (p + 1 < n && !isSpace(line.charCodeAt(p + 1))) return null;
          p++;
          break;
        } else {
          cur += c;
        }
        p++;
      } else {
        if (p >= n) break;
        const c = line[p]!;
        if (isSpace(c.charCodeAt(0))) break;
        if (c === '"') inDouble = true;
        else if (c === "'") inSingle = true;
        else cur += c;
        p++;
      }
    }
    out.push(cur);
  }
}
