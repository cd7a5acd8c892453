// Regenerates src/commands/unsupported.ts from ../shared/redis72-commands.tsv and the built
// command table (run `npx tsc -p .` first): every row not implemented gets a line, keeping the
// reason already written for it, or "not implemented yet: <group>" for a new one.
// Usage: node scripts/gen-unsupported.mjs [--write]
import { readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';

const root = process.cwd();
const { sharedFile } = await import(resolve(root, 'dist/test/helpers/shared.js'));
const tsv = sharedFile('redis72-commands.tsv');
const { ALL_FAMILIES } = await import(resolve(root, 'dist/src/commands/index.js'));
const { CommandTable, flatten } = await import(resolve(root, 'dist/src/commands/table.js'));
const { UNSUPPORTED } = await import(resolve(root, 'dist/src/commands/unsupported.js'));

const table = new CommandTable(ALL_FAMILIES);
const implemented = new Set([...flatten(table.all())].map((c) => c.fullName));
const lines = [];
for (const row of readFileSync(tsv, 'utf8').split('\n').slice(1)) {
  if (row.trim() === '') continue;
  const [group, name] = row.split('\t');
  if (implemented.has(name)) continue;
  const reason = UNSUPPORTED.get(name) ?? `not implemented yet: ${group.replace('_', '-')}`;
  lines.push(`  [${JSON.stringify(name).replace(/"/g, "'")}, ${JSON.stringify(reason).replace(/"/g, "'")}],`);
}
const file = resolve(root, 'src/commands/unsupported.ts');
const text = readFileSync(file, 'utf8');
const start = text.indexOf('// BEGIN LIST');
const end = text.indexOf('  // END LIST');
const out = text.slice(0, text.indexOf('\n', start) + 1) + lines.join('\n') + '\n' + text.slice(end);
if (process.argv.includes('--write')) writeFileSync(file, out);
else process.stdout.write(lines.join('\n') + '\n');
