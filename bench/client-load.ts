// The load bench scripts put on a server while something else runs (a BGSAVE, a full sync): one
// client pipelining SETs over a key range, another sending PING about every millisecond to
// sample latency. Shared by bench/snapshot.ts and bench/repl-load.ts. Not a test.

import type { TestClient } from '../test/helpers/resp-client.js';

/** The p-th percentile (0..100) of xs, 0 when empty. */
export function percentile(xs: number[], p: number): number {
  if (xs.length === 0) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]!;
}

/** Pipelined SETs (50 per round trip) over `keys` keys and a PING about every 1 ms until stop(). */
export function writeAndProbe(
  writer: TestClient, prober: TestClient, keys: number,
): { stop: () => Promise<{ rtts: number[]; writes: number }> } {
  let running = true;
  let writes = 0;
  const rtts: number[] = [];
  const w = (async () => {
    let n = 0;
    while (running) {
      const cmds: string[][] = [];
      for (let i = 0; i < 50; i++) cmds.push(['SET', `key:${(n++ * 7919) % keys}`, `new:${n}`]);
      await writer.pipeline(cmds);
      writes += cmds.length;
    }
  })();
  const p = (async () => {
    while (running) {
      const t = performance.now();
      await prober.send('PING');
      rtts.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 1));
    }
  })();
  return {
    stop: async () => {
      running = false;
      await Promise.all([w, p]);
      return { rtts, writes };
    },
  };
}
