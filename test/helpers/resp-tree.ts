// Parses exact reply bytes into a tree that keeps every RESP type (set vs array, simple vs bulk
// string, map), so tests can compare reply shapes, not just decoded values, and print them
// compactly. For metadata tests (COMMAND INFO/DOCS) where the shape is part of the contract.

export type Tree =
  | { t: '+' | '-' | '$' | ':' | ',' | '(' | '#' | '='; v: string }
  | { t: '_' }
  | { t: '*' | '~' | '>'; v: Tree[] }
  | { t: '%'; v: [Tree, Tree][] };

/** Parses one complete reply (as returned by TestClient.sendRaw). */
export function parseTree(raw: string): Tree {
  const [tree, end] = parseAt(raw, 0);
  if (end !== raw.length) throw new Error(`trailing bytes after reply at ${end}`);
  return tree;
}

function parseAt(s: string, pos: number): [Tree, number] {
  const nl = s.indexOf('\r\n', pos);
  if (nl === -1) throw new Error('incomplete reply');
  const type = s[pos]!;
  const line = s.slice(pos + 1, nl);
  let p = nl + 2;
  switch (type) {
    case '+': case '-': case ':': case ',': case '(': case '#':
      return [{ t: type, v: line }, p];
    case '$': case '=': {
      const n = Number(line);
      if (n < 0) return [{ t: '_' }, p];
      return [{ t: type, v: s.slice(p, p + n) }, p + n + 2];
    }
    case '_':
      return [{ t: '_' }, p];
    case '*': case '~': case '>': {
      const n = Number(line);
      if (n < 0) return [{ t: '_' }, p];
      const items: Tree[] = [];
      for (let i = 0; i < n; i++) {
        const [it, next] = parseAt(s, p);
        items.push(it);
        p = next;
      }
      return [{ t: type, v: items }, p];
    }
    case '%': {
      const n = Number(line);
      const pairs: [Tree, Tree][] = [];
      for (let i = 0; i < n; i++) {
        const [k, p1] = parseAt(s, p);
        const [v, p2] = parseAt(s, p1);
        pairs.push([k, v]);
        p = p2;
      }
      return [{ t: '%', v: pairs }, p];
    }
    default:
      throw new Error(`unknown reply type ${JSON.stringify(type)}`);
  }
}

/** A compact one-line rendering: +simple "bulk" :1 _ *[..] ~[..] %{k: v}. */
export function renderTree(t: Tree): string {
  switch (t.t) {
    case '_': return '_';
    case '+': return '+' + t.v;
    case '$': return JSON.stringify(t.v);
    case '*': case '~': case '>': return t.t + '[' + t.v.map(renderTree).join(' ') + ']';
    case '%': return '%{' + t.v.map(([k, v]) => `${renderTree(k)}: ${renderTree(v)}`).join(', ') + '}';
    default: return t.t + t.v;
  }
}

/** The value of a string-ish leaf (simple, bulk, verbatim), or undefined. */
export function text(t: Tree | undefined): string | undefined {
  return t !== undefined && (t.t === '+' || t.t === '$' || t.t === '=') ? t.v : undefined;
}

/** The entry of a map tree under a string key. */
export function mapGet(t: Tree, key: string): Tree | undefined {
  if (t.t !== '%') return undefined;
  for (const [k, v] of t.v) if (text(k) === key) return v;
  return undefined;
}
