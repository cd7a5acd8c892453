// Runs the compiled test files with node's test runner: unit and command tests in parallel,
// then integration tests. NODIS_TEST_TARGET=redis runs the command tests against real Redis.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  let out = [];
  let names = [];
  try { names = readdirSync(dir); } catch { return out; }
  for (const n of names.sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) out = out.concat(find(p));
    else if (n.endsWith('.test.js')) out.push(p);
  }
  return out;
}

const only = process.argv.slice(2);
let files = find('dist/test');
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));
if (process.env.NODIS_TEST_TARGET) files = files.filter((f) => f.includes('/commands/'));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.NODIS_TEST_TARGET && process.env.NODIS_TEST_TARGET !== 'redis' ? 1 : 2;
const r = spawnSync(process.execPath, ['--test', `--test-concurrency=${concurrency}`, '--test-timeout=120000', ...files], {
  stdio: 'inherit',
});
process.exit(r.status ?? 1);
