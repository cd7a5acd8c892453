// Every Redis 7.2 command and subcommand in ../shared/redis72-commands.tsv is either implemented
// (in the command table) or listed in src/commands/unsupported.ts with a reason, never both and
// never neither; and a live server answers the unsupported ones with Redis's unknown-command or
// unknown-subcommand error. After implementing a command, delete its line from unsupported.ts.

import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { ALL_FAMILIES } from '../../src/commands/index.js';
import { CommandTable, flatten } from '../../src/commands/table.js';
import { UNSUPPORTED } from '../../src/commands/unsupported.js';
import { startServer, type RunningServer } from '../../src/index.js';
import { RespError, TestClient } from '../helpers/resp-client.js';
import { sharedFile } from '../helpers/shared.js';

const tsvPath = sharedFile('redis72-commands.tsv');
const rows = readFileSync(tsvPath, 'utf8').split('\n').slice(1).filter((l) => l.trim() !== '').map((l) => {
  const [group, name] = l.split('\t');
  return { group: group!.replace('_', '-'), name: name! };
});
const redisNames = new Set(rows.map((r) => r.name));
const table = new CommandTable(ALL_FAMILIES);
const implemented = new Map([...flatten(table.all())].map((c) => [c.fullName, c]));

describe('completeness against redis72-commands.tsv', () => {
  it('the list has every Redis 7.2 command', () => {
    assert.ok(rows.length >= 370, `${tsvPath} has only ${rows.length} rows`);
    assert.equal(redisNames.size, rows.length, 'duplicate rows');
  });

  it('every command is implemented or listed unsupported', () => {
    const neither = rows.filter((r) => !implemented.has(r.name) && !UNSUPPORTED.has(r.name)).map((r) => r.name);
    assert.deepEqual(neither, [], `neither implemented nor in src/commands/unsupported.ts: ${neither.join(', ')}`);
  });

  it('nothing is both implemented and listed unsupported', () => {
    const both = [...UNSUPPORTED.keys()].filter((n) => implemented.has(n));
    assert.deepEqual(both, [], `implemented now, delete from src/commands/unsupported.ts: ${both.join(', ')}`);
  });

  it('the unsupported list names only Redis 7.2 commands, each with a reason', () => {
    for (const [name, reason] of UNSUPPORTED) {
      assert.ok(redisNames.has(name), `${name} is not a Redis 7.2 command`);
      assert.match(reason, /^(not implemented yet|not supported): \S/, `${name}: reason "${reason}"`);
    }
  });

  it('nodis implements no command Redis 7.2 does not have, each in Redis\'s group', () => {
    const groupOf = new Map(rows.map((r) => [r.name, r.group]));
    for (const [name, cmd] of implemented) {
      assert.ok(groupOf.has(name), `${name} is not a Redis 7.2 command`);
      assert.equal(cmd.group, groupOf.get(name), `${name} group`);
    }
  });

  it('a container with an unsupported subcommand is itself implemented or unsupported', () => {
    for (const name of UNSUPPORTED.keys()) {
      const bar = name.indexOf('|');
      if (bar === -1) continue;
      const parent = name.slice(0, bar);
      assert.ok(implemented.has(parent) || UNSUPPORTED.has(parent), `${parent} of ${name}`);
    }
  });
});

describe('unsupported commands answer as unknown', () => {
  let server: RunningServer;
  let c: TestClient;
  before(async () => {
    server = await startServer({ port: 0 });
    c = await TestClient.connect(server.port);
  });
  after(async () => {
    c.close();
    await server.close();
  });

  it('each gets the unknown command or unknown subcommand error', async () => {
    const wrong: string[] = [];
    const cmds: string[][] = [];
    for (const name of UNSUPPORTED.keys()) {
      const [top, sub] = name.split('|');
      cmds.push(sub === undefined ? [top!.toUpperCase(), 'x'] : [top!.toUpperCase(), sub.toUpperCase(), 'x']);
    }
    const replies = await c.pipeline(cmds);
    cmds.forEach((argv, i) => {
      const r = replies[i];
      const [top, sub] = argv;
      const want = implemented.has(top!.toLowerCase()) && argv.length === 3
        ? `ERR unknown subcommand '${sub}'. Try ${top} HELP.`
        : `ERR unknown command '${top}', with args beginning with: ${argv.slice(1).map((a) => `'${a}' `).join('')}`;
      if (!(r instanceof RespError) || r.message !== want) wrong.push(`${argv.join(' ')} → ${String(r)}`);
    });
    assert.deepEqual(wrong, []);
  });

  it('implemented commands are found', async () => {
    const wrong: string[] = [];
    for (const name of implemented.keys()) {
      const argv = name.split('|');
      const r = await c.send('COMMAND', 'INFO', name);
      if (!Array.isArray(r) || r[0] === null) wrong.push(`${argv.join(' ')}: ${String(r)}`);
    }
    assert.deepEqual(wrong, []);
  });
});
