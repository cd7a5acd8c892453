// The sorted-set B+tree alone: N entries with random integer scores (ties included, as
// redis-benchmark's ZADD makes them), then random re-scores of existing members, as ZADD of an
// existing member does. Prints CPU ns per operation. Not a test.
//   node dist/bench/score-tree.js [entries=865000] [updates=1000000]

import { ScoreTree } from '../src/keyspace/types/score-tree.js';

const N = Number(process.argv[2] ?? 865_000);
const OPS = Number(process.argv[3] ?? 1_000_000);

let seed = 12345;
const rand = (): number => {
  seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0;
  return seed / 4294967296;
};

const scores = new Float64Array(N);
const names = Array.from({ length: N }, (_, i) => `element:${i}`);
const tree = new ScoreTree();
let t = process.cpuUsage();
for (let i = 0; i < N; i++) {
  scores[i] = Math.floor(rand() * 1e6);
  tree.insert(scores[i]!, names[i]!);
}
let u = process.cpuUsage(t);
console.log(`insert: ${(((u.user + u.system) * 1000) / N).toFixed(0)} ns per entry (${N} entries)`);
t = process.cpuUsage();
for (let k = 0; k < OPS; k++) {
  const i = Math.floor(rand() * N);
  const next = Math.floor(rand() * 1e6);
  tree.updateScore(scores[i]!, names[i]!, next);
  scores[i] = next;
}
u = process.cpuUsage(t);
console.log(`re-score: ${(((u.user + u.system) * 1000) / OPS).toFixed(0)} ns per update (${OPS} updates)`);
t = process.cpuUsage();
let sum = 0;
for (let k = 0; k < OPS; k++) sum += tree.rankOf(scores[k % N]!, names[k % N]!);
u = process.cpuUsage(t);
console.log(`rank: ${(((u.user + u.system) * 1000) / OPS).toFixed(0)} ns per lookup (checksum ${sum % 1000})`);
