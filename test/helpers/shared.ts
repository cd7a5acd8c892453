// Files the project shares beside the repository (../shared/, e.g. redis72-commands.tsv). In a
// git worktree the shared folder sits beside the main checkout instead, so that is tried too;
// NODIS_SHARED_DIR overrides both. Missing files fail loudly: a suite-wide check must not pass
// because its input was not found.

import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (the compiled helper lives in dist/test/helpers/). */
export const REPO_ROOT = resolve(fileURLToPath(import.meta.url), '../../../..');

/** Absolute path of a shared file; throws naming every place looked at when it is missing. */
export function sharedFile(name: string): string {
  const dirs: string[] = [];
  const env = process.env['NODIS_SHARED_DIR'];
  if (env !== undefined && env !== '') dirs.push(resolve(env));
  dirs.push(resolve(REPO_ROOT, '../shared'));
  try {
    const common = execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], {
      cwd: REPO_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    dirs.push(resolve(dirname(common), '../shared'));
  } catch {
    // not a git checkout: only the plain layout applies
  }
  for (const d of dirs) {
    const p = resolve(d, name);
    if (existsSync(p)) return p;
  }
  throw new Error(`shared file ${name} not found; looked in: ${dirs.join(', ')} (set NODIS_SHARED_DIR)`);
}
