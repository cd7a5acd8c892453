// A raw TCP exchange for protocol tests: send exact bytes, collect every byte the server sends
// until it closes the connection or stays silent for a while. Nothing is decoded.

import { connect } from 'node:net';

export interface RawResult {
  /** Everything received, latin1. */
  data: string;
  /** True when the server closed the connection. */
  closed: boolean;
}

/**
 * Sends `chunks` (each written separately, `gapMs` apart) and resolves once the server closed
 * or `quietMs` passed without new bytes after the last write.
 */
export function rawExchange(port: number, chunks: (string | Buffer)[], quietMs = 300, gapMs = 0, host = '127.0.0.1'): Promise<RawResult> {
  return new Promise((resolve, reject) => {
    const s = connect({ port, host });
    let data = '';
    let timer: NodeJS.Timeout | null = null;
    let sent = false;
    const finish = (closed: boolean) => {
      if (timer) clearTimeout(timer);
      s.destroy();
      resolve({ data, closed });
    };
    const arm = () => {
      if (!sent) return;
      if (timer) clearTimeout(timer);
      timer = setTimeout(() => finish(false), quietMs);
    };
    s.on('data', (d) => {
      data += d.toString('latin1');
      arm();
    });
    let connected = false;
    s.on('close', () => finish(true));
    // A reset after connecting is the server closing on us (e.g. while we still write).
    s.on('error', (e) => (connected ? finish(true) : reject(e)));
    s.once('connect', async () => {
      connected = true;
      for (const c of chunks) {
        s.write(typeof c === 'string' ? Buffer.from(c, 'latin1') : c);
        if (gapMs > 0) await new Promise((r) => setTimeout(r, gapMs));
      }
      sent = true;
      arm();
    });
  });
}

/** Polls `cond` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(cond: () => boolean | Promise<boolean>, timeoutMs = 5000, stepMs = 10): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await cond()) return true;
    if (Date.now() > end) return false;
    await new Promise((r) => setTimeout(r, stepMs));
  }
}
