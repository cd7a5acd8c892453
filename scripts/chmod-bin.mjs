// Makes the nodis-server entry executable after a build, so that `npx nodis-server` (which runs
// the bin through its shebang) works from a fresh checkout; tsc writes files without the x bit.
import { chmodSync } from 'node:fs';

chmodSync('dist/src/main.js', 0o755);
