// Runs every scenario file in test/diff/scenarios/ against nodis and the real redis-server, in
// RESP2 and (once nodis has HELLO) RESP3. A new scenario file is picked up without touching this
// file or the runner. Set NODIS_DIFF_FILTER=text to run only scenarios whose name contains it.

import { strict as assert } from 'node:assert';
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { before, describe, it } from 'node:test';
import { formatMismatch, nodisSpeaksResp3, runScenario, type Scenario } from './runner.js';

const dir = join(dirname(fileURLToPath(import.meta.url)), 'scenarios');
const files = readdirSync(dir).filter((f) => f.endsWith('.js')).sort();
const filter = process.env['NODIS_DIFF_FILTER'] ?? '';

let resp3 = false;
before(async () => {
  resp3 = await nodisSpeaksResp3();
  if (!resp3) console.log('# nodis has no HELLO yet: RESP3 runs are skipped');
});

for (const file of files) {
  const mod = (await import(pathToFileURL(join(dir, file)).href)) as { scenarios?: Scenario[] };
  const list = mod.scenarios;
  describe(`diff ${file.replace(/\.js$/, '')}`, () => {
    it('exports a scenarios array', () => assert.ok(Array.isArray(list), `${file} must export "scenarios"`));
    for (const s of list ?? []) {
      if (filter !== '' && !s.name.includes(filter)) continue;
      for (const protocol of s.protocols ?? [2, 3]) {
        const opts = s.todo !== undefined ? { todo: s.todo } : {};
        it(`${s.name} (RESP${protocol})`, opts, async (t) => {
          if (protocol === 3 && !resp3) return t.skip('nodis has no HELLO 3 yet');
          const r = await runScenario(s, protocol);
          for (const a of r.accepted) t.diagnostic(`step ${a.step} ${a.what}: expected difference ${a.entry.id}`);
          assert.ok(r.mismatches.length === 0, '\n' + r.mismatches.map(formatMismatch).join('\n'));
        });
      }
    }
  });
}
