// nodis-server's Node flags are written in three places that must agree: the entry's shebang
// (how `nodis-server` and `npx nodis-server` start), `npm start`, and the test and bench
// helpers that spawn the server.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'node:test';
import { NODIS_MAIN, NODIS_NODE_FLAGS } from '../helpers/oracle.js';

const root = resolve(fileURLToPath(import.meta.url), '../../../..');

describe('nodis-server Node flags', () => {
  it('the built entry, npm start and the helpers pass the same flags', () => {
    const shebang = readFileSync(NODIS_MAIN, 'utf8').split('\n')[0]!;
    assert.equal(shebang, `#!/usr/bin/env -S node ${NODIS_NODE_FLAGS.join(' ')}`);
    const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.equal(pkg.scripts['start'], `node ${NODIS_NODE_FLAGS.join(' ')} dist/src/main.js`);
  });
});
