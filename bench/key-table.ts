// Memory and speed of the keyspace's per-slot table against the per-slot Map it replaced, and of
// a Map that wraps each value to hold an access word. Run: npx tsc -p . && node --expose-gc
// dist/bench/key-table.js [keys]. Keys are "key:N" → "value:N", as redis-server's DEBUG POPULATE.

import { KeyTable } from '../src/keyspace/key-table.js';
import { keySlot, SLOT_COUNT } from '../src/util/crc16.js';

const N = Number(process.argv[2] ?? 1_000_000);
const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error('run with node --expose-gc');

// Flat latin1 strings, as the RESP parser produces them.
const key = (i: number) => Buffer.from(`key:${i}`).toString('latin1');
const val = (i: number) => Buffer.from(`value:${i}`).toString('latin1');

interface Store {
  set(k: string, v: string): void;
  get(k: string): unknown;
}

function mapStore(): Store {
  const t: (Map<string, string> | undefined)[] = new Array(SLOT_COUNT);
  return {
    set: (k, v) => { const s = keySlot(k); (t[s] ??= new Map()).set(k, v); },
    get: (k) => t[keySlot(k)]?.get(k),
  };
}

function wrappedMapStore(): Store {
  const t: (Map<string, { v: string; lru: number }> | undefined)[] = new Array(SLOT_COUNT);
  return {
    set: (k, v) => { const s = keySlot(k); (t[s] ??= new Map()).set(k, { v, lru: 0 }); },
    get: (k) => t[keySlot(k)]?.get(k)?.v,
  };
}

function tableStore(): Store {
  const t: (KeyTable | undefined)[] = new Array(SLOT_COUNT);
  return {
    set: (k, v) => { const s = keySlot(k); (t[s] ??= new KeyTable()).set(k, v, 0, true); },
    get: (k) => t[keySlot(k)]?.get(k),
  };
}

function measure(name: string, make: () => Store): void {
  gc!();
  const mem = () => { const m = process.memoryUsage(); return m.heapUsed + m.external; };
  const base = mem();
  const store = make();
  let t0 = performance.now();
  for (let i = 0; i < N; i++) store.set(key(i), val(i));
  const insertMs = performance.now() - t0;
  gc!();
  // Everything the store keeps alive, key and value strings included (what Redis's used_memory
  // growth counts too).
  const bytes = mem() - base;
  const probes: string[] = [];
  for (let i = 0; i < 100_000; i++) probes.push(key((i * 7919) % N));
  let hits = 0;
  for (const k of probes) if (store.get(k) !== undefined) hits++;
  t0 = performance.now();
  for (let r = 0; r < 10; r++) for (const k of probes) if (store.get(k) !== undefined) hits++;
  const getMs = performance.now() - t0;
  if (hits !== 1_100_000) throw new Error('lookups failed');
  console.log(
    `${name.padEnd(20)} ${(bytes / N).toFixed(1).padStart(6)} B/key   insert ${(N / insertMs / 1000).toFixed(2)} M/s` +
    `   lookup ${(1e6 / getMs / 1000).toFixed(2)} M/s`,
  );
}

const which = process.argv[3] ?? 'all';
if (which === 'all' || which === 'map') measure('Map per slot', mapStore);
if (which === 'all' || which === 'wrapped') measure('Map + {value, lru}', wrappedMapStore);
if (which === 'all' || which === 'table') measure('KeyTable per slot', tableStore);
