// The differential fuzzer in the suite: a few fixed seeds of ~1500 random commands each against
// nodis and the real redis-server. Environment: NODIS_FUZZ_SEED (one seed, or "random"),
// NODIS_FUZZ_SEEDS (how many fixed seeds, default 3), NODIS_FUZZ_STEPS (default 1500),
// NODIS_FUZZ_PROTOCOL (2 or 3; default alternates when nodis has HELLO), NODIS_FUZZ_SKIP (a,b).

import { strict as assert } from 'node:assert';
import { before, describe, it } from 'node:test';
import { formatFailure, fuzz, nodisCommandNames } from './fuzz.js';
import { nodisSpeaksResp3 } from './runner.js';

const env = process.env;
const steps = Number(env['NODIS_FUZZ_STEPS'] ?? 1500);
const seedEnv = env['NODIS_FUZZ_SEED'];
const seeds = seedEnv === 'random'
  ? [Math.floor(Math.random() * 0x7fffffff)]
  : seedEnv !== undefined && seedEnv !== ''
    ? [Number(seedEnv)]
    : Array.from({ length: Number(env['NODIS_FUZZ_SEEDS'] ?? 3) }, (_, i) => 1000 + i);

let resp3 = false;
before(async () => {
  resp3 = await nodisSpeaksResp3();
});

describe('differential fuzzer', () => {
  it('knows nodis commands from the table', () => {
    const names = nodisCommandNames();
    assert.ok(names.has('get') && names.has('ping'), [...names].join(' '));
  });

  for (const [i, seed] of seeds.entries()) {
    it(`seed ${seed}, ${steps} steps`, async (t) => {
      assert.ok(Number.isInteger(seed) && Number.isInteger(steps) && steps > 0, 'bad NODIS_FUZZ_SEED / NODIS_FUZZ_STEPS');
      const want = env['NODIS_FUZZ_PROTOCOL'];
      const protocol: 2 | 3 = want === '3' ? 3 : want === '2' ? 2 : resp3 && i % 2 === 1 ? 3 : 2;
      if (protocol === 3 && !resp3) return t.skip('nodis has no HELLO 3 yet');
      const report = await fuzz({ seed, steps, protocol });
      t.diagnostic(`seed ${seed} RESP${protocol}: ${report.commands.length} commands: ${report.commands.join(' ')}`);
      if (report.accepted > 0) t.diagnostic(`${report.accepted} expected differences accepted`);
      assert.ok(report.failure === null, '\n' + formatFailure(report));
    });
  }
});
