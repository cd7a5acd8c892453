// A small RESP2/RESP3 client for tests. Replies decode to plain JS values (simple and bulk
// strings → latin1 strings, errors → RespError, integers → number or bigint, null → null,
// arrays/sets/pushes → arrays, maps → Map, doubles → number, booleans → boolean); `raw` mode
// returns the exact reply bytes, which the differential tests compare.

import { connect, type Socket } from 'node:net';

export class RespError {
  constructor(readonly message: string) {}
  toString(): string { return `RespError(${this.message})`; }
}

/** A RESP3 push message (pub/sub, invalidation), kept apart from command replies. */
export class RespPush {
  constructor(readonly items: RespValue[]) {}
}

export type RespValue =
  | string | number | bigint | boolean | null | RespError | RespValue[] | Map<RespValue, RespValue>;

type Pending = { resolve: (v: RespValue) => void; raw: boolean };

export class TestClient {
  private buf = Buffer.alloc(0);
  private readonly queue: Pending[] = [];
  readonly pushes: RespValue[][] = [];
  private pushWaiters: (() => void)[] = [];
  closed = false;
  private closeWaiters: (() => void)[] = [];

  private constructor(readonly socket: Socket) {
    socket.on('data', (d) => {
      this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]);
      this.drain();
    });
    socket.on('close', () => {
      this.closed = true;
      for (const w of this.closeWaiters) w();
      for (const p of this.queue.splice(0)) p.resolve(new RespError('connection closed'));
    });
    socket.on('error', () => {});
  }

  static connect(port: number, host = '127.0.0.1'): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const s = connect({ port, host }, () => resolve(new TestClient(s)));
      s.once('error', reject);
    });
  }

  /** Sends one command and resolves with its decoded reply. */
  send(...args: (string | number | Buffer)[]): Promise<RespValue> {
    return this.request(args, false);
  }

  /** Sends one command and resolves with the exact bytes of its reply (latin1 string). */
  sendRaw(...args: (string | number | Buffer)[]): Promise<string> {
    return this.request(args, true) as Promise<string>;
  }

  /** Sends several commands in one write and resolves with all their replies. */
  pipeline(cmds: (string | number | Buffer)[][]): Promise<RespValue[]> {
    const bufs = cmds.map(encodeCommand);
    const ps = cmds.map(() => new Promise<RespValue>((resolve) => this.queue.push({ resolve, raw: false })));
    this.socket.write(Buffer.concat(bufs));
    return Promise.all(ps);
  }

  /** Writes bytes as they are; `replies` is how many replies to wait for. */
  writeRaw(bytes: string | Buffer, replies = 0, raw = true): Promise<RespValue[]> {
    const ps: Promise<RespValue>[] = [];
    for (let i = 0; i < replies; i++) ps.push(new Promise((resolve) => this.queue.push({ resolve, raw })));
    this.socket.write(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
    return Promise.all(ps);
  }

  /** Waits for the next push message (RESP3 '>' or a RESP2 pub/sub array outside a reply). */
  async nextPush(timeoutMs = 5000): Promise<RespValue[]> {
    const start = Date.now();
    while (this.pushes.length === 0) {
      if (Date.now() - start > timeoutMs) throw new Error('no push message');
      await new Promise<void>((r) => {
        this.pushWaiters.push(r);
        setTimeout(r, 50);
      });
    }
    return this.pushes.shift()!;
  }

  /** Resolves when the server closes the connection. */
  waitClosed(timeoutMs = 5000): Promise<boolean> {
    if (this.closed) return Promise.resolve(true);
    return new Promise((resolve) => {
      const t = setTimeout(() => resolve(false), timeoutMs);
      this.closeWaiters.push(() => { clearTimeout(t); resolve(true); });
    });
  }

  close(): void {
    this.socket.destroy();
  }

  private request(args: (string | number | Buffer)[], raw: boolean): Promise<RespValue> {
    return new Promise((resolve) => {
      this.queue.push({ resolve, raw });
      this.socket.write(encodeCommand(args));
    });
  }

  private drain(): void {
    for (;;) {
      const r = parseReply(this.buf, 0);
      if (r === null) return;
      const bytes = this.buf.toString('latin1', 0, r.end);
      this.buf = this.buf.subarray(r.end);
      if (r.push) {
        this.pushes.push(r.value as RespValue[]);
        for (const w of this.pushWaiters.splice(0)) w();
        continue;
      }
      const p = this.queue.shift();
      if (p === undefined) {
        // A RESP2 pub/sub message arrives without a request.
        this.pushes.push(r.value as RespValue[]);
        for (const w of this.pushWaiters.splice(0)) w();
        continue;
      }
      p.resolve(p.raw ? bytes : r.value);
    }
  }
}

export function encodeCommand(args: (string | number | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(String(a), 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

interface Parsed { value: RespValue; end: number; push: boolean }

/** Parses one reply at `pos`; null when incomplete. */
export function parseReply(buf: Buffer, pos: number): Parsed | null {
  if (pos >= buf.length) return null;
  const nl = buf.indexOf('\r\n', pos);
  if (nl === -1) return null;
  const type = String.fromCharCode(buf[pos]!);
  const line = buf.toString('latin1', pos + 1, nl);
  const next = nl + 2;
  switch (type) {
    case '+': return { value: line, end: next, push: false };
    case '-': return { value: new RespError(line), end: next, push: false };
    case ':': {
      const n = Number(line);
      return { value: Number.isSafeInteger(n) ? n : BigInt(line), end: next, push: false };
    }
    case '$':
    case '=':
    case '!': {
      const len = Number(line);
      if (len < 0) return { value: null, end: next, push: false };
      if (buf.length < next + len + 2) return null;
      let s = buf.toString('latin1', next, next + len);
      if (type === '=') s = s.slice(4);
      return { value: type === '!' ? new RespError(s) : s, end: next + len + 2, push: false };
    }
    case '_': return { value: null, end: next, push: false };
    case ',': {
      const v = line === 'inf' ? Infinity : line === '-inf' ? -Infinity : line === 'nan' ? NaN : Number(line);
      return { value: v, end: next, push: false };
    }
    case '#': return { value: line === 't', end: next, push: false };
    case '(': return { value: BigInt(line), end: next, push: false };
    case '*':
    case '~':
    case '>':
    case '%':
    case '|': {
      const n = Number(line);
      if (n < 0) return { value: null, end: next, push: false };
      const count = type === '%' || type === '|' ? n * 2 : n;
      const items: RespValue[] = [];
      let p = next;
      for (let i = 0; i < count; i++) {
        const r = parseReply(buf, p);
        if (r === null) return null;
        items.push(r.value);
        p = r.end;
      }
      if (type === '|') {
        // An attribute precedes the real reply: skip it.
        const r = parseReply(buf, p);
        if (r === null) return null;
        return { value: r.value, end: r.end, push: r.push };
      }
      if (type === '%') {
        const m = new Map<RespValue, RespValue>();
        for (let i = 0; i < items.length; i += 2) m.set(items[i]!, items[i + 1]!);
        return { value: m, end: p, push: false };
      }
      return { value: items, end: p, push: type === '>' };
    }
    default:
      throw new Error(`bad reply type byte '${type}'`);
  }
}
