// The directive table and value parsing: defaults against the oracle's CONFIG GET *, every type's
// parse and render, atomic set with apply hooks and rollback, the command line and config-file
// loading (include, globs, repeated directives, fatal reports) and CONFIG REWRITE on files.

import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Config } from '../../src/server/config.js';
import { ConfigError, loadConfigText, loadStartupConfig, parseCommandLine } from '../../src/server/config-file.js';
import { DIRECTIVES } from '../../src/server/config-table.js';
import { formatMemory, parseMemory } from '../../src/server/config-types.js';
import { redisAvailable, startRedis } from '../helpers/oracle.js';

const tmp = mkdtempSync(join(tmpdir(), 'nodis-config-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

/** Directives Redis 7.2 has and the 7.0 oracle does not. */
const NEW_IN_72 = new Set(['set-max-listpack-entries', 'set-max-listpack-value', 'locale-collate', 'cluster-announce-human-nodename']);

describe('directive table', () => {
  it('has every directive and alias of the oracle, with the same defaults', { skip: !redisAvailable() }, async () => {
    const r = await startRedis();
    try {
      const c = await r.client();
      const reply = await c.send('CONFIG', 'GET', '*') as string[];
      c.close();
      const oracle = new Map<string, string>();
      for (let i = 0; i < reply.length; i += 2) oracle.set(reply[i]!, reply[i + 1]!);
      const ours = new Map(new Config('/').match(['*']));
      // startRedis passes these on its command line.
      const passed = new Set(['port', 'bind', 'dir', 'save', 'appendonly']);
      for (const [name, value] of oracle) {
        assert.ok(ours.has(name), `missing directive ${name}`);
        if (!passed.has(name)) assert.equal(ours.get(name), value, `default of ${name}`);
      }
      for (const name of ours.keys()) assert.ok(oracle.has(name) || NEW_IN_72.has(name), `unexpected directive ${name}`);
    } finally {
      await r.stop();
    }
  });

  it('keeps hidden directives out of patterns but answers them by name', () => {
    const c = new Config('/');
    assert.deepEqual(c.match(['key-load-delay']), [['key-load-delay', '0']]);
    assert.ok(!c.match(['*']).some(([n]) => n === 'key-load-delay'));
    assert.ok(DIRECTIVES.some((d) => d.hidden));
  });

  it('answers aliases under the name asked for', () => {
    const c = new Config('/');
    assert.deepEqual(c.match(['hash-max-ziplist-entries']), [['hash-max-ziplist-entries', '512']]);
    const m = new Map(c.match(['*-max-*-entries']));
    assert.equal(m.get('hash-max-listpack-entries'), '512');
    assert.equal(m.get('hash-max-ziplist-entries'), '512');
  });
});

describe('value parsing', () => {
  const c = () => new Config(tmp);

  it('parses memory units as redis.conf does', () => {
    assert.equal(parseMemory('1k'), 1000n);
    assert.equal(parseMemory('1KB'), 1024n);
    assert.equal(parseMemory('2mb'), 2097152n);
    assert.equal(parseMemory('1b'), 1n);
    assert.equal(parseMemory('1.5mb'), null);
    assert.equal(parseMemory('-1'), null);
    assert.equal(formatMemory(1073741824n), '1gb');
    assert.equal(formatMemory(1000n), '1000');
  });

  it('validates and renders each type', () => {
    const cfg = c();
    assert.equal(cfg.set([['maxmemory', '10mb']]), null);
    assert.equal(cfg.get('maxmemory'), '10485760');
    assert.equal(cfg.num('maxmemory'), 10485760);
    assert.equal(cfg.set([['maxmemory-clients', '5%']]), null);
    assert.equal(cfg.get('maxmemory-clients'), '5%');
    assert.equal(cfg.num('maxmemory-clients'), -5);
    assert.match(cfg.set([['maxmemory-clients', '200%']])!, /percentage argument must be less or equal to 100$/);
    assert.match(cfg.set([['hz', '01']])!, /argument couldn't be parsed into an integer$/);
    assert.equal(cfg.set([['hz', '1000']]), null);
    assert.equal(cfg.get('hz'), '500', 'hz is clamped as Redis does');
    assert.equal(cfg.set([['appendonly', 'YES']]), null);
    assert.equal(cfg.get('appendonly'), 'yes');
    assert.equal(cfg.set([['oom-score-adj', 'relative']]), null);
    assert.equal(cfg.get('oom-score-adj'), 'yes');
    assert.equal(cfg.set([['maxmemory-policy', 'ALLKEYS-LRU']]), null);
    assert.equal(cfg.get('maxmemory-policy'), 'allkeys-lru');
    assert.equal(cfg.load('unixsocketperm', ['700']), null);
    assert.equal(cfg.get('unixsocketperm'), '700');
    assert.equal(cfg.num('unixsocketperm'), 0o700);
    assert.equal(cfg.load('unixsocketperm', ['800']), "argument couldn't be parsed as an octal number");
  });

  it('renders keyspace event classes canonically', () => {
    const cfg = c();
    for (const [input, out] of [['KEA', 'AKE'], ['gx$K', 'g$xK'], ['', ''], ['Em', 'Em'], ['An', 'A']]) {
      assert.equal(cfg.set([['notify-keyspace-events', input!]]), null);
      assert.equal(cfg.get('notify-keyspace-events'), out, input);
    }
    assert.match(cfg.set([['notify-keyspace-events', 'Z']])!, /Invalid event class character/);
  });

  it('handles save, output buffer limits, bind, oom values and shutdown flags', () => {
    const cfg = c();
    assert.equal(cfg.set([['save', '']]), null);
    assert.equal(cfg.get('save'), '');
    assert.equal(cfg.set([['save', '100 10 200 20']]), null);
    assert.equal(cfg.get('save'), '100 10 200 20');
    assert.match(cfg.set([['save', '10 -1']])!, /Invalid save parameters/);
    assert.equal(cfg.set([['client-output-buffer-limit', 'replica 1mb 2 3']]), null);
    assert.equal(cfg.get('client-output-buffer-limit'), 'normal 0 0 0 slave 1048576 2 3 pubsub 33554432 8388608 60');
    assert.match(cfg.set([['client-output-buffer-limit', 'master 1 2 3']])!, /Invalid client class/);
    assert.equal(cfg.load('bind', ['127.0.0.1', '-::1']), null);
    assert.equal(cfg.get('bind'), '127.0.0.1 -::1');
    assert.match(cfg.set([['oom-score-adj-values', '1 2']])!, /wrong number of arguments$/);
    assert.equal(cfg.set([['shutdown-on-sigterm', 'now NOSAVE']]), null);
    assert.equal(cfg.get('shutdown-on-sigterm'), 'nosave now');
    assert.match(cfg.set([['shutdown-on-sigterm', 'save nosave']])!, /SAVE and NOSAVE/);
    assert.equal(cfg.set([['latency-tracking-info-percentiles', '50 99.99 100']]), null);
    assert.equal(cfg.get('latency-tracking-info-percentiles'), '50 99.99 100');
  });
});

describe('CONFIG SET atomicity', () => {
  it('applies nothing when one value is bad', () => {
    const cfg = new Config('/');
    const e = cfg.set([['maxmemory', '5mb'], ['hz', 'x']]);
    assert.match(e!, /argument 'hz'/);
    assert.equal(cfg.get('maxmemory'), '0');
  });

  it('rolls every value back when an apply hook fails, and re-applies the old ones', () => {
    const cfg = new Config('/');
    const seen: string[][] = [];
    cfg.onApply(['timeout'], (names) => { seen.push([...names]); return null; });
    cfg.onApply(['tcp-keepalive'], () => (cfg.num('tcp-keepalive') === 7 ? 'no sevens' : null));
    const e = cfg.set([['timeout', '30'], ['tcp-keepalive', '7']]);
    assert.equal(e, "ERR CONFIG SET failed (possibly related to argument 'tcp-keepalive') - no sevens");
    assert.equal(cfg.get('timeout'), '0');
    assert.equal(cfg.get('tcp-keepalive'), '300');
    assert.deepEqual(seen, [['timeout'], ['timeout']], 'applied, then re-applied after the rollback');
  });

  it('runs hooks once per change and not for unchanged values', () => {
    const cfg = new Config('/');
    let calls = 0;
    cfg.onApply(['timeout', 'tcp-keepalive'], () => { calls++; });
    assert.equal(cfg.set([['timeout', '5'], ['tcp-keepalive', '300']]), null);
    assert.equal(calls, 1);
  });

  it('refuses protected configs unless enable-protected-configs allows them', () => {
    const cfg = new Config(tmp);
    assert.match(cfg.set([['dir', tmp]])!, /can't set protected config$/);
    const local = new Config(tmp);
    local.load('enable-protected-configs', ['local']);
    assert.match(local.set([['dir', tmp]], { local: false })!, /can't set protected config$/);
    assert.equal(local.set([['dir', tmp]], { local: true }), null);
    assert.match(local.set([['dir', join(tmp, 'nope')]])!, /No such file or directory$/);
  });
});

describe('command line', () => {
  it('turns arguments into config lines as redis-server does', () => {
    const cl = parseCommandLine(['my.conf', '--port', '7000', '--save', '--maxmemory 700mb', '--bind', '127.0.0.1', '::1', '-'], '/etc');
    assert.equal(cl.configFile, '/etc/my.conf');
    assert.equal(cl.fromStdin, true);
    assert.equal(cl.options, 'port "7000" \nsave ""\nmaxmemory 700mb \nbind "127.0.0.1" "::1" ');
  });

  it('gives --save "" and --save at the end no save points', () => {
    assert.equal(parseCommandLine(['--save', ''], '/').options, 'save "" ');
    assert.equal(parseCommandLine(['--port', '1', '--save'], '/').options, 'port "1" \nsave ""');
  });

  it('recognises -v, --help and --test-memory only first', () => {
    assert.equal(parseCommandLine(['-v'], '/').kind, 'version');
    assert.equal(parseCommandLine(['--version'], '/').kind, 'version');
    assert.equal(parseCommandLine(['-h'], '/').kind, 'help');
    assert.equal(parseCommandLine(['--test-memory', '10'], '/').kind, 'test-memory');
    assert.equal(parseCommandLine(['--port', '1', '-v'], '/').kind, 'run');
  });
});

describe('config file loading', () => {
  function fatal(text: string): string {
    try {
      loadConfigText(new Config(tmp), text);
    } catch (e) {
      assert.ok(e instanceof ConfigError);
      return e.report;
    }
    assert.fail('no error');
  }

  it('reports the first bad line in Redis format', () => {
    assert.equal(fatal('port 7000\n# c\n\nfoo bar\n'),
      "\n*** FATAL CONFIG FILE ERROR (Redis 7.2.4) ***\nReading the configuration file, at line 4\n>>> 'foo bar'\nBad directive or wrong number of arguments\n");
    assert.match(fatal('port 1 2'), /wrong number of arguments\n$/);
    assert.match(fatal('save "a'), /Unbalanced quotes in configuration line\n$/);
    assert.match(fatal('maxmemory lots'), /argument must be a memory value\n$/);
  });

  it('accumulates repeated save lines and merges output buffer classes', () => {
    const cfg = new Config(tmp);
    loadConfigText(cfg, 'save 900 1\nsave 300 10\nclient-output-buffer-limit pubsub 1mb 1mb 1\nclient-output-buffer-limit normal 1 1 1');
    assert.equal(cfg.get('save'), '900 1 300 10');
    assert.equal(cfg.get('client-output-buffer-limit'), 'normal 1 1 1 slave 268435456 67108864 60 pubsub 1048576 1048576 1');
  });

  it('accepts quoting, escapes, aliases and deprecated directives', () => {
    const cfg = new Config(tmp);
    loadConfigText(cfg, 'requirepass "a b\\x41"\nslaveof 10.0.0.1 6380\nhash-max-ziplist-entries 9\nlist-max-ziplist-entries 5\n  loglevel   warning  \r\n');
    assert.equal(cfg.get('requirepass'), 'a bA');
    assert.equal(cfg.get('replicaof'), '10.0.0.1 6380');
    assert.equal(cfg.get('hash-max-listpack-entries'), '9');
    assert.equal(cfg.get('loglevel'), 'warning');
  });

  it('includes files relative to dir, and globs in name order', () => {
    const d = join(tmp, 'inc');
    mkdirSync(join(d, 'conf.d'), { recursive: true });
    writeFileSync(join(d, 'conf.d', 'b.conf'), 'maxclients 200\n');
    writeFileSync(join(d, 'conf.d', 'a.conf'), 'maxclients 100\ntimeout 9\n');
    writeFileSync(join(d, 'one.conf'), 'tcp-keepalive 11\n');
    const cfg = new Config(d);
    loadConfigText(cfg, `dir ${d}\ninclude one.conf\ninclude ${d}/conf.d/*.conf\ninclude ${d}/empty.d/*.conf\n`);
    assert.equal(cfg.get('tcp-keepalive'), '11');
    assert.equal(cfg.get('maxclients'), '200');
    assert.equal(cfg.get('timeout'), '9');
    assert.throws(() => loadConfigText(cfg, 'include /nonexistent/x.conf'), /can't open config file/);
  });

  it('appends command-line options after the file, and checks the log file', () => {
    const file = join(tmp, 'main.conf');
    writeFileSync(file, 'port 7000\nsave 1 1\n');
    const cfg = new Config(tmp);
    loadStartupConfig(cfg, parseCommandLine([file, '--port', '7001', '--save', '2 2'], tmp));
    assert.equal(cfg.get('port'), '7001');
    assert.equal(cfg.get('save'), '1 1 2 2', 'a command-line save adds to the file as one more line');
    assert.equal(cfg.configFile, file);
    assert.throws(() => loadStartupConfig(new Config(tmp), parseCommandLine(['--logfile', '/nonexistent/dir/x.log'], tmp)),
      (e: unknown) => e instanceof ConfigError && e.report.endsWith("Can't open the log file: No such file or directory\n"));
  });

  it('validates rename-command against the command table', () => {
    const cfg = new Config(tmp);
    loadConfigText(cfg, 'rename-command get fetch\nrename-command fetch ""');
    assert.deepEqual(cfg.renames, [['get', 'fetch'], ['fetch', '']]);
    assert.throws(() => loadConfigText(new Config(tmp), 'rename-command nosuch x'), /No such command in rename-command/);
    assert.throws(() => loadConfigText(new Config(tmp), 'rename-command get set'), /Target command name already exists/);
  });
});

describe('CONFIG REWRITE', () => {
  it('keeps comments and unknown lines, updates in place, appends under the marker', () => {
    const file = join(tmp, 'rw.conf');
    writeFileSync(file, '# my comment\nport 7000\nmaxmemory 1mb\nsave 10 1\nsave 20 2\n\n\nhash-max-ziplist-entries 7\n');
    const cfg = new Config(tmp);
    loadStartupConfig(cfg, parseCommandLine([file], tmp));
    writeFileSync(file, readFileSync(file, 'latin1') + 'unknown-thing 1\n');
    assert.equal(cfg.set([['maxmemory', '2gb'], ['timeout', '5'], ['save', '30 3']]), null);
    assert.equal(cfg.rewrite(), null);
    const out = readFileSync(file, 'latin1');
    assert.ok(out.startsWith('# my comment\nport 7000\nmaxmemory 2gb\nsave 30 3\n\nhash-max-listpack-entries 7\n# ??? unknown-thing 1\n# Generated by CONFIG REWRITE\n'), out);
    const tail = out.split('# Generated by CONFIG REWRITE\n')[1]!.split('\n');
    assert.ok(tail.includes('timeout 5'));
    assert.ok(tail.includes(`dir "${tmp}"`));
    // A second rewrite changes nothing and adds no second marker.
    assert.equal(cfg.rewrite(), null);
    assert.equal(readFileSync(file, 'latin1'), out);
    // What was written loads back to the same configuration.
    const again = new Config(tmp);
    loadStartupConfig(again, parseCommandLine([file], tmp));
    for (const [n, v] of cfg.match(['*'])) assert.equal(again.get(n), v, n);
  });

  it('drops lines of directives back at their default and quotes strings', () => {
    const file = join(tmp, 'rw2.conf');
    writeFileSync(file, 'timeout 10\nrequirepass "x y"\n');
    const cfg = new Config(tmp);
    loadStartupConfig(cfg, parseCommandLine([file], tmp));
    assert.equal(cfg.set([['requirepass', ''], ['masterauth', 'a"b']]), null);
    assert.equal(cfg.rewrite(), null);
    const lines = readFileSync(file, 'latin1').split('\n');
    assert.equal(lines[0], 'timeout 10');
    assert.ok(!lines.some((l) => l.startsWith('requirepass')));
    assert.ok(lines.includes('masterauth "a\\"b"'));
  });

  it('fails without a config file', () => {
    assert.equal(new Config(tmp).rewrite(), 'ERR The server is running without a config file');
  });
});
