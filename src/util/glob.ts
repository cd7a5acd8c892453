// Glob-style matching with exactly Redis's rules (KEYS, SCAN MATCH, PSUBSCRIBE, CONFIG GET, ACL)
// on latin1 byte strings: * ? [abc] [^a-z] and \ escapes, including Redis's quirks (an
// unterminated class ends at the end of the pattern, a range may use ']' as its end, a trailing
// backslash is literal, "nocase" folds only ASCII letters). As in Redis 7.2.5+, matching gives up
// once it is nested more than 1000 stars deep, and a failed star stops longer retries early.

const MAX_NESTING = 1000;

/** Lowercases ASCII letters only, like C's tolower in the "C" locale. */
function fold(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

export function globMatch(pattern: string, str: string, nocase = false): boolean {
  // Note: like Redis, no pattern matches the empty string (not even "*"); KEYS and SCAN
  // special-case the pattern "*" before calling this.
  const state = { skipLonger: false };
  return matchFrom(pattern, 0, str, 0, nocase, state, 0);
}

interface MatchState {
  /** Set once the rest after a star matched nowhere: retrying earlier stars cannot help. */
  skipLonger: boolean;
}

function matchFrom(pat: string, p: number, str: string, s: number, nocase: boolean, st: MatchState, nesting: number): boolean {
  if (nesting > MAX_NESTING) return false;
  const pend = pat.length;
  const send = str.length;
  while (p < pend && s < send) {
    const pc = pat.charCodeAt(p);
    if (pc === 42 /* * */) {
      while (p + 1 < pend && pat.charCodeAt(p + 1) === 42) p++;
      if (p + 1 === pend) return true;
      while (s < send) {
        if (matchFrom(pat, p + 1, str, s, nocase, st, nesting + 1)) return true;
        if (st.skipLonger) return false;
        s++;
      }
      st.skipLonger = true;
      return false;
    } else if (pc === 63 /* ? */) {
      s++;
    } else if (pc === 91 /* [ */) {
      p++;
      const not = p < pend && pat.charCodeAt(p) === 94; /* ^ */
      if (not) p++;
      const ch = str.charCodeAt(s);
      let match = false;
      for (;;) {
        const c = pat.charCodeAt(p); // NaN past the end, like reading the terminator
        if (c === 92 /* \ */ && pend - p >= 2) {
          p++;
          if (pat.charCodeAt(p) === ch) match = true;
        } else if (c === 93 /* ] */) {
          break;
        } else if (p >= pend) {
          // Unterminated: the class ends with the pattern.
          p--;
          break;
        } else if (pend - p >= 3 && pat.charCodeAt(p + 1) === 45 /* - */) {
          let lo = c;
          let hi = pat.charCodeAt(p + 2);
          let x = ch;
          if (lo > hi) [lo, hi] = [hi, lo];
          if (nocase) {
            lo = fold(lo);
            hi = fold(hi);
            x = fold(x);
          }
          p += 2;
          if (x >= lo && x <= hi) match = true;
        } else if (nocase ? fold(c) === fold(ch) : c === ch) {
          match = true;
        }
        p++;
      }
      if (not) match = !match;
      if (!match) return false;
      s++;
    } else {
      let lit = pc;
      if (pc === 92 /* \ */ && pend - p >= 2) lit = pat.charCodeAt(++p);
      const ch = str.charCodeAt(s);
      if (nocase ? fold(lit) !== fold(ch) : lit !== ch) return false;
      s++;
    }
    p++;
    if (s === send) {
      while (p < pend && pat.charCodeAt(p) === 42) p++;
      break;
    }
  }
  return p === pend && s === send;
}
