// nodis-server as a process, side by side with redis-server where the output must match:
// --version/--help, fatal config reports and exit codes, startup lines, the busy-port abort,
// stdin configs, argv forms, CONFIG REWRITE of a real file (compared with Redis's rewrite),
// the working directory, the log file and the pidfile.

import { strict as assert } from 'node:assert';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { NODIS_MAIN, redisAvailable } from '../helpers/oracle.js';
import { freePort } from '../helpers/ports.js';
import { TestClient } from '../helpers/resp-client.js';

const tmp = mkdtempSync(join(tmpdir(), 'nodis-cli-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const hasRedis = redisAvailable();

interface Run { code: number | null; stdout: string; stderr: string }

/** Runs a command that is expected to exit by itself (fatal errors, --version). */
function run(cmd: 'nodis' | 'redis', args: string[], input?: string, cwd = tmp): Run {
  const [exe, pre] = cmd === 'nodis' ? [process.execPath, [NODIS_MAIN]] : ['redis-server', []];
  const r = spawnSync(exe, [...pre, ...args], { cwd, input, encoding: 'latin1', timeout: 10000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A server process kept running until stop(); `out` gathers stdout and stderr. */
interface Proc { out(): string; wait(re: RegExp, ms?: number): Promise<void>; exit: Promise<number | null>; pid: number; stop(): Promise<void> }

function launch(cmd: 'nodis' | 'redis', args: string[], cwd = tmp, input?: string): Proc {
  const [exe, pre] = cmd === 'nodis' ? [process.execPath, [NODIS_MAIN]] : ['redis-server', []];
  const p = spawn(exe, [...pre, ...args], { cwd, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
  if (input !== undefined) p.stdin!.end(input);
  let out = '';
  p.stdout!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  p.stderr!.on('data', (d: Buffer) => { out += d.toString('latin1'); });
  const exit = new Promise<number | null>((r) => p.on('exit', (code) => r(code)));
  return {
    out: () => out,
    pid: p.pid!,
    exit,
    async wait(re, ms = 10000) {
      const start = Date.now();
      while (!re.test(out)) {
        if (Date.now() - start > ms) throw new Error(`timed out waiting for ${re}:\n${out}`);
        if (p.exitCode !== null) throw new Error(`exited (${p.exitCode}) before ${re}:\n${out}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    async stop() {
      if (p.exitCode === null && p.signalCode === null) {
        p.kill('SIGKILL');
        await exit;
      }
    },
  };
}

/** Redis's fatal report names its own version; nodis names the 7.2 it follows. */
const normalizeVersion = (s: string) => s.replace(/\(Redis 7\.\d+\.\d+\)/, '(Redis X)');

describe('nodis-server --version / --help / --test-memory', () => {
  it('prints the version like redis-server, with nodis as the build', () => {
    const r = run('nodis', ['--version']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Redis server v=7\.2\.4 sha=00000000:0 malloc=libc bits=64 build=nodis-\d+\.\d+\.\d+\n$/);
    assert.equal(run('nodis', ['-v']).stdout, r.stdout);
  });

  it('prints usage on --help and exits 1 as redis-server does', () => {
    const r = run('nodis', ['--help']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^Usage: nodis-server \[\/path\/to\/redis\.conf\] \[options\] \[-\]/);
    if (hasRedis) assert.equal(run('redis', ['--help']).code, 1);
  });

  it('refuses --test-memory', () => {
    const r = run('nodis', ['--test-memory', '10']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /not supported/);
  });
});

describe('fatal configuration errors', { skip: !hasRedis }, () => {
  const bad = join(tmp, 'bad.conf');
  const quotes = join(tmp, 'quotes.conf');
  writeFileSync(bad, 'port 7000\n\n# comment\nfoo bar baz\n');
  writeFileSync(quotes, 'save "a\n');
  const cases: [string, string[]][] = [
    ['unknown directive in a file', [bad]],
    ['unknown option on the command line', ['--foo', 'bar']],
    ['bad integer on the command line', ['--port', 'abc']],
    ['wrong argument count', ['--port', '1', '2']],
    ['bad memory value', ['--maxmemory', '12 parsecs']],
    ['unbalanced quotes', [quotes]],
    ['bad enum', ['--loglevel', 'loud']],
    ['file then options', [bad, '--port', '1']],
  ];
  for (const [what, args] of cases) {
    it(`reports ${what} exactly as redis-server`, () => {
      const ours = run('nodis', args);
      const theirs = run('redis', args);
      assert.equal(ours.code, 1);
      assert.equal(theirs.code, 1);
      let expected = normalizeVersion(theirs.stderr);
      // 7.2 lists 'nothing' among the log levels.
      if (what === 'bad enum') expected = expected.replace('notice, warning', 'notice, warning, nothing');
      assert.equal(normalizeVersion(ours.stderr), expected);
    });
  }

  it('reports a missing config file as a log line and exits 1', () => {
    const ours = run('nodis', ['/nonexistent/x.conf']);
    const theirs = run('redis', ['/nonexistent/x.conf']);
    assert.equal(ours.code, 1);
    assert.equal(theirs.code, 1);
    const msg = (s: string) => s.slice(s.indexOf(' # ') + 3);
    assert.equal(msg(ours.stdout), msg(theirs.stdout));
    assert.match(ours.stdout, /^\d+:C \d\d \w{3} \d{4} \d\d:\d\d:\d\d\.\d{3} # Fatal error, can't open config file/);
  });

  it('checks that the log file can be opened', () => {
    const args = ['--logfile', '/nonexistent/dir/x.log'];
    assert.equal(normalizeVersion(run('nodis', args).stderr), normalizeVersion(run('redis', args).stderr));
  });
});

describe('startup', () => {
  it('logs the startup lines and serves', async () => {
    const port = await freePort();
    const p = launch('nodis', ['--port', String(port), '--bind', '127.0.0.1']);
    try {
      await p.wait(/Ready to accept connections tcp/);
      const out = p.out();
      const pid = p.pid;
      const line = (mark: string, role: string, text: string) =>
        new RegExp(`^${pid}:${role} \\d\\d \\w{3} \\d{4} \\d\\d:\\d\\d:\\d\\d\\.\\d{3} ${mark} ${text}$`, 'm');
      assert.match(out, line('\\*', 'C', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo'));
      assert.match(out, line('\\*', 'C', `Redis version=7\\.2\\.4, bits=64, commit=00000000, modified=0, pid=${pid}, just started`));
      assert.match(out, line('\\*', 'C', 'Configuration loaded'));
      assert.match(out, line('\\*', 'M', `Running mode=standalone, port=${port}\\.`));
      assert.match(out, line('\\*', 'M', 'Server initialized'));
      const c = await TestClient.connect(port);
      assert.equal(await c.send('PING'), 'PONG');
      c.close();
    } finally {
      await p.stop();
    }
  });

  it('shows the nodis banner with always-show-logo', async () => {
    const port = await freePort();
    const p = launch('nodis', ['--port', String(port), '--bind', '127.0.0.1', '--always-show-logo', 'yes']);
    try {
      await p.wait(/Ready to accept connections tcp/);
      assert.match(p.out(), new RegExp(`Port: ${port}`));
      assert.match(p.out(), new RegExp(` PID: ${p.pid}`));
      assert.doesNotMatch(p.out(), /Running mode=/);
    } finally {
      await p.stop();
    }
  });

  it('aborts with exit code 1 when the port is busy', async () => {
    const blocker = createServer();
    const port = await new Promise<number>((r) => blocker.listen(0, '127.0.0.1', () => r((blocker.address() as { port: number }).port)));
    try {
      const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', ''];
      const ours = launch('nodis', args);
      assert.equal(await ours.exit, 1);
      assert.match(ours.out(), new RegExp(`# Warning: Could not create server TCP listening socket 127\\.0\\.0\\.1:${port}: bind: Address already in use\\n`));
      // 7.2 names the connection type in lower case; 7.0 wrote "(TCP)".
      assert.match(ours.out(), new RegExp(`# Failed listening on port ${port} \\(tcp\\), aborting\\.\\n`));
      if (hasRedis) {
        const theirs = launch('redis', args);
        assert.equal(await theirs.exit, 1);
        assert.match(theirs.out(), new RegExp(`Could not create server TCP listening socket 127\\.0\\.0\\.1:${port}: bind: Address already in use`));
      }
    } finally {
      blocker.close();
    }
  });

  it('reads the configuration from stdin with "-", and applies argv forms', async () => {
    const port = await freePort();
    const p = launch('nodis', ['-', '--maxmemory 700mb', '--save', '', '--bind', '127.0.0.1'], tmp, `port ${port}\ntimeout 7\n`);
    try {
      await p.wait(/Ready to accept connections tcp/);
      assert.match(p.out(), /# Reading config from stdin/);
      const c = await TestClient.connect(port);
      assert.deepEqual(await c.send('CONFIG', 'GET', 'timeout'), ['timeout', '7']);
      assert.deepEqual(await c.send('CONFIG', 'GET', 'maxmemory'), ['maxmemory', String(700 * 1024 * 1024)]);
      assert.deepEqual(await c.send('CONFIG', 'GET', 'save'), ['save', '']);
      c.close();
    } finally {
      await p.stop();
    }
  });
});

describe('config file, dir, logfile and pidfile', () => {
  it('resolves the file before moving to dir, rewrites it in place, appends to the log and writes the pidfile', async () => {
    const port = await freePort();
    const work = mkdtempSync(join(tmp, 'work-'));
    const data = mkdtempSync(join(tmp, 'data-'));
    writeFileSync(join(work, 'n.conf'), `# nodis test\nport ${port}\nbind 127.0.0.1\nsave ""\ndir ${data}\nlogfile n.log\npidfile n.pid\n`);
    writeFileSync(join(data, 'n.log'), 'earlier line\n');
    const p = launch('nodis', ['n.conf', '--timeout', '9'], work);
    try {
      await waitFor(() => existsSync(join(data, 'n.pid')));
      assert.equal(readFileSync(join(data, 'n.pid'), 'latin1'), `${p.pid}\n`);
      const c = await TestClient.connect(port);
      assert.deepEqual(await c.send('CONFIG', 'GET', 'dir'), ['dir', data]);
      assert.equal(await c.send('CONFIG', 'SET', 'maxmemory', '64mb'), 'OK');
      assert.equal(await c.send('CONFIG', 'REWRITE'), 'OK');
      c.close();
      const conf = readFileSync(join(work, 'n.conf'), 'latin1').split('\n');
      assert.equal(conf[0], '# nodis test');
      assert.ok(conf.includes('timeout 9'));
      assert.ok(conf.includes('maxmemory 64mb'));
      assert.ok(conf.includes('# Generated by CONFIG REWRITE'));
      const log = readFileSync(join(data, 'n.log'), 'latin1');
      assert.ok(log.startsWith('earlier line\n'), 'the log file is appended to');
      assert.match(log, /CONFIG REWRITE executed with success\./);
    } finally {
      await p.stop();
    }
  });

  it('rewrites a file to the same lines as redis-server', { skip: !hasRedis }, async () => {
    const texts: Record<string, string[]> = {};
    for (const kind of ['nodis', 'redis'] as const) {
      const port = await freePort();
      const dir = mkdtempSync(join(tmp, `rw-${kind}-`));
      const file = join(dir, 'r.conf');
      writeFileSync(file, `# top\nport ${port}\nbind 127.0.0.1\nsave 100 1\nsave 200 2\nmaxmemory 1mb\nslave-read-only yes\nnotify-keyspace-events Ex\n\n# end\n`);
      const p = launch(kind, [file], dir);
      try {
        await p.wait(/Ready to accept connections/);
        const c = await TestClient.connect(port);
        assert.equal(await c.send('CONFIG', 'SET', 'maxmemory', '2gb', 'timeout', '3', 'save', '300 3', 'client-output-buffer-limit', 'pubsub 1mb 2mb 3'), 'OK');
        assert.equal(await c.send('CONFIG', 'REWRITE'), 'OK');
        c.close();
      } finally {
        await p.stop();
      }
      texts[kind] = readFileSync(file, 'latin1').split('\n')
        // ACL users are rewritten by the ACL area (not built yet): Redis writes its default user.
        .filter((l) => l !== '' && !l.startsWith('dir ') && !l.startsWith('port ') && !l.startsWith('user '));
    }
    // Redis appends new lines in its hash order: compare the sets of lines.
    assert.deepEqual([...texts['nodis']!].sort(), [...texts['redis']!].sort());
    assert.deepEqual(texts['nodis']!.slice(0, 6), texts['redis']!.slice(0, 6));
  });
});

describe('daemonize', () => {
  it('daemonize yes leaves a detached server behind, with its pidfile', async () => {
    const port = await freePort();
    const pidfile = join(tmp, 'daemon.pid');
    const r = run('nodis', ['--daemonize', 'yes', '--port', String(port), '--bind', '127.0.0.1', '--pidfile', pidfile, '--save', '']);
    assert.equal(r.code, 0);
    await waitFor(() => existsSync(pidfile) && readFileSync(pidfile, 'latin1').endsWith('\n'));
    const pid = Number(readFileSync(pidfile, 'latin1'));
    after(() => { try { process.kill(pid, 'SIGKILL'); } catch { /* already gone */ } });
    const c = await TestClient.connect(port);
    assert.equal(await c.send('PING'), 'PONG');
    c.close();
    process.kill(pid, 'SIGTERM');
    await waitFor(() => !existsSync(pidfile));
  });
});

async function waitFor(cond: () => boolean, ms = 10000): Promise<void> {
  const start = Date.now();
  while (!cond()) {
    if (Date.now() - start > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
