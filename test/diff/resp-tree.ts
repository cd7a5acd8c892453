// Raw reply trees for the differential tests: a reply's exact bytes split into nodes (type byte,
// header line, body, children) so that normalizers can reorder or blank parts of a reply and
// serialize it back to bytes. Comparison stays byte-exact on everything a normalizer leaves alone.
// It decodes nothing into JS values: two replies are equal only when their bytes are.

/** One reply element. `head` is the text after the type byte up to CRLF. */
export interface RespNode {
  type: string;
  head: string;
  /** Payload of a bulk-like element ($ = !), without its trailing CRLF. */
  body?: string;
  /** Elements of an aggregate (* ~ % > |); a map or attribute has 2 per pair. */
  items?: RespNode[];
  /** For '|' (attribute): the reply that follows the attribute. */
  attributed?: RespNode;
}

const AGGREGATES = '*~%>|';
const BULKS = '$=!';

/** Parses one reply from a latin1 string at `pos`; null when incomplete or malformed. */
export function parseNode(s: string, pos: number): { node: RespNode; end: number } | null {
  if (pos >= s.length) return null;
  const nl = s.indexOf('\r\n', pos);
  if (nl === -1) return null;
  const type = s[pos]!;
  const head = s.slice(pos + 1, nl);
  let end = nl + 2;
  if (BULKS.includes(type)) {
    const len = Number(head);
    if (!Number.isInteger(len)) return null;
    if (len < 0) return { node: { type, head }, end };
    if (s.length < end + len + 2) return null;
    const body = s.slice(end, end + len);
    return { node: { type, head, body }, end: end + len + 2 };
  }
  if (AGGREGATES.includes(type)) {
    const n = Number(head);
    if (!Number.isInteger(n)) return null;
    if (n < 0) return { node: { type, head }, end };
    const count = type === '%' || type === '|' ? n * 2 : n;
    const items: RespNode[] = [];
    for (let i = 0; i < count; i++) {
      const r = parseNode(s, end);
      if (r === null) return null;
      items.push(r.node);
      end = r.end;
    }
    if (type === '|') {
      const r = parseNode(s, end);
      if (r === null) return null;
      return { node: { type, head, items, attributed: r.node }, end: r.end };
    }
    return { node: { type, head, items }, end };
  }
  if ('+-:_,#('.includes(type)) return { node: { type, head }, end };
  return null;
}

/** Parses a whole reply string into one node; throws when it is not exactly one reply. */
export function parseWhole(s: string): RespNode {
  const r = parseNode(s, 0);
  if (r === null || r.end !== s.length) throw new Error(`not one complete reply: ${show(s)}`);
  return r.node;
}

export function serialize(n: RespNode): string {
  let out = n.type + n.head + '\r\n';
  if (n.body !== undefined) out += n.body + '\r\n';
  if (n.items !== undefined) for (const it of n.items) out += serialize(it);
  if (n.attributed !== undefined) out += serialize(n.attributed);
  return out;
}

/** Counts complete replies in a byte string (raw socket steps wait for a number of replies). */
export function countReplies(s: string): { count: number; end: number } {
  let pos = 0;
  let count = 0;
  for (;;) {
    const r = parseNode(s, pos);
    if (r === null) return { count, end: pos };
    pos = r.end;
    count++;
  }
}

/** Bytes made readable: CR, LF and non-printable bytes escaped, long runs shortened. */
export function show(s: string, max = 400): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 13) out += '\\r';
    else if (c === 10) out += '\\n';
    else if (c === 92) out += '\\\\';
    else if (c === 34) out += '\\"';
    else if (c < 32 || c > 126) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += s[i];
  }
  if (out.length > max) out = out.slice(0, max) + `... (${s.length} bytes)`;
  return `"${out}"`;
}

/** An argv shown as a command line, each argument quoted only when it needs to be. */
export function showArgv(argv: readonly string[]): string {
  return argv.map((a) => (/^[\x21-\x7e]+$/.test(a) && !a.includes('"') && !a.includes('\\') ? a : show(a, 80))).join(' ');
}

// ---- transformations used by normalizers ----

/** Sorts an aggregate's elements bytewise (pairs stay together for maps). Recursion is opt-in. */
export function sortNode(n: RespNode, pairs = n.type === '%'): RespNode {
  if (n.items === undefined) return n;
  const step = pairs ? 2 : 1;
  const groups: RespNode[][] = [];
  for (let i = 0; i < n.items.length; i += step) groups.push(n.items.slice(i, i + step));
  const key = (g: RespNode[]) => g.map(serialize).join('');
  groups.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return { ...n, items: groups.flat() };
}

/** Replaces a bulk or simple string's content with a placeholder (keeps null and errors). */
export function blankNode(n: RespNode, placeholder = '<any>'): RespNode {
  if (n.body !== undefined) return { type: n.type, head: String(placeholder.length), body: placeholder };
  if (n.type === '+' || n.type === ':' || n.type === ',') return { type: n.type, head: placeholder };
  return n;
}

/** The integer value of an integer reply (or a RESP3 double / bulk holding digits), else null. */
export function numberOf(n: RespNode): number | null {
  const text = n.body ?? (n.type === ':' || n.type === ',' ? n.head : null);
  if (text === null || text === '' || !/^-?[0-9.e+]+$/i.test(text)) return null;
  const v = Number(text);
  return Number.isFinite(v) ? v : null;
}

/** Structural equality where leaves may differ as `leafOk` allows. */
export function equalWith(a: RespNode, b: RespNode, leafOk: (a: RespNode, b: RespNode) => boolean): boolean {
  if (a.items !== undefined || b.items !== undefined) {
    if (a.type !== b.type || a.head !== b.head || a.items === undefined || b.items === undefined) return false;
    for (let i = 0; i < a.items.length; i++) if (!equalWith(a.items[i]!, b.items[i]!, leafOk)) return false;
    if (a.attributed !== undefined || b.attributed !== undefined) {
      if (a.attributed === undefined || b.attributed === undefined) return false;
      return equalWith(a.attributed, b.attributed, leafOk);
    }
    return true;
  }
  if (serialize(a) === serialize(b)) return true;
  return leafOk(a, b);
}
