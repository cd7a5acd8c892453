// Enforces the import rule: keyspace/ imports only util/ (and itself); commands/ never imports
// net/ or server/; only main.ts and index.ts import server/.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, dirname, resolve } from 'node:path';

const SRC = resolve('src');
function walk(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? walk(p) : p.endsWith('.ts') ? [p] : [];
  });
}
const problems = [];
for (const file of walk(SRC)) {
  const rel = relative(SRC, file);
  const top = rel.split('/')[0];
  const text = readFileSync(file, 'utf8');
  for (const m of text.matchAll(/^\s*(?:import|export)[^'"]*from\s+['"](\.[^'"]+)['"]/gm)) {
    const target = relative(SRC, resolve(dirname(file), m[1]));
    const ttop = target.split('/')[0];
    if (top === 'keyspace' && !['keyspace', 'util'].includes(ttop)) problems.push(`${rel}: keyspace/ may import only util/ (imports ${target})`);
    if (top === 'commands' && ['net', 'server'].includes(ttop)) problems.push(`${rel}: commands/ must not import ${ttop}/ (imports ${target})`);
    if (ttop === 'server' && top !== 'server' && !['main.ts', 'index.ts'].includes(rel)) problems.push(`${rel}: only main.ts and index.ts import server/ (imports ${target})`);
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
