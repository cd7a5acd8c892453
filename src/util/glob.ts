// Glob-style matching with Redis's rules (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, ACL):
// * ? [abc] [^a-z] [!x] and \ escapes, on latin1 byte strings. Iterative with backtracking
// only to the last star, so a hostile pattern cannot make it exponential.

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  if (nocase) {
    pattern = pattern.toLowerCase();
    str = str.toLowerCase();
  }
  let p = 0;
  let s = 0;
  let starP = -1;
  let starS = 0;
  const plen = pattern.length;
  const slen = str.length;
  while (s < slen) {
    if (p < plen) {
      const c = pattern[p]!;
      if (c === '*') {
        while (p + 1 < plen && pattern[p + 1] === '*') p++;
        if (p + 1 === plen) return true;
        starP = p++;
        starS = s;
        continue;
      }
      if (c === '?') {
        p++;
        s++;
        continue;
      }
      if (c === '[') {
        const r = matchClass(pattern, p, str.charCodeAt(s));
        if (r.matched) {
          p = r.next;
          s++;
          continue;
        }
      } else {
        let lit = c;
        let next = p + 1;
        if (c === '\\' && p + 1 < plen) {
          lit = pattern[p + 1]!;
          next = p + 2;
        }
        if (lit === str[s]) {
          p = next;
          s++;
          continue;
        }
      }
    }
    if (starP === -1) return false;
    p = starP + 1;
    s = ++starS;
  }
  while (p < plen && pattern[p] === '*') p++;
  return p === plen;
}

/** Matches one char against the class starting at pattern[p] === '['. */
function matchClass(pattern: string, p: number, ch: number): { matched: boolean; next: number } {
  const plen = pattern.length;
  p++;
  let not = false;
  if (p < plen && pattern[p] === '^') {
    not = true;
    p++;
  }
  let match = false;
  for (;;) {
    if (p >= plen) {
      // Unterminated class: Redis treats the end of pattern as the end of the class.
      p--;
      break;
    }
    const c = pattern[p]!;
    if (c === ']') break;
    if (c === '\\' && p + 2 < plen) {
      p++;
      if (pattern.charCodeAt(p) === ch) match = true;
    } else if (p + 2 < plen && pattern[p + 1] === '-') {
      let lo = pattern.charCodeAt(p);
      let hi = pattern.charCodeAt(p + 2);
      if (lo > hi) [lo, hi] = [hi, lo];
      p += 2;
      if (ch >= lo && ch <= hi) match = true;
    } else if (pattern.charCodeAt(p) === ch) {
      match = true;
    }
    p++;
  }
  if (not) match = !match;
  return { matched: match, next: p + 1 };
}
