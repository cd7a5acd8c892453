// Startup configuration as redis-server reads it: the command line turned into config lines
// (`[file] [--name v ...] [-]`), the file's text, stdin, `include` (with globs), and the fatal
// report on the first bad line. Loading never exits the process itself: it returns a ConfigError
// that main.ts prints and turns into exit code 1, so embedded servers can throw instead.

import { closeSync, openSync, readFileSync, readSync, readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { ALL_FAMILIES } from '../commands/index.js';
import { CommandTable } from '../commands/table.js';
import { globMatch } from '../util/glob.js';
import { splitArgs } from '../util/split-args.js';
import type { Config } from './config.js';
import { findDirective } from './config-table.js';
import { repr } from './config-rewrite.js';

/** The Redis version named in fatal config reports (what redis-server 7.2 prints there). */
export const FATAL_VERSION = '7.2.4';

/** A configuration problem that stops the server, with the text redis-server would print. */
export class ConfigError extends Error {
  constructor(readonly report: string, readonly logLine = false) {
    super(report.trim());
  }
}

/** What the command line asks for. */
export interface CommandLine {
  kind: 'run' | 'version' | 'help' | 'test-memory';
  configFile: string | null;
  fromStdin: boolean;
  /** Directive lines from `--name value` arguments, newline-separated, values quoted. */
  options: string;
}

/** Parses redis-server's command line (argv without node and the script). */
export function parseCommandLine(argv: readonly string[], cwd: string): CommandLine {
  const first = argv[0];
  const base = { configFile: null, fromStdin: false, options: '' };
  if (first === '-v' || first === '--version') return { kind: 'version', ...base };
  if (first === '-h' || first === '--help') return { kind: 'help', ...base };
  if (first === '--test-memory') return { kind: 'test-memory', ...base };
  let j = 0;
  let configFile: string | null = null;
  if (first !== undefined && !first.startsWith('-')) {
    configFile = resolve(cwd, first);
    j = 1;
  }
  let fromStdin = false;
  let options = '';
  // After an option name, everything up to the next "--name" is its value; a name-only option
  // right before another "--" argument takes that argument as its value (e.g. "--masterauth --x").
  let valueSeen = true;
  for (; j < argv.length; j++) {
    const a = argv[j]!;
    if (a === '-' && (j === 0 || j === argv.length - 1)) {
      fromStdin = true;
    } else if (valueSeen && a.startsWith('--')) {
      if (options !== '') options += '\n';
      options += a.slice(2) + ' ';
      const parts = splitArgs(a) ?? [];
      if (parts.length === 1) {
        valueSeen = false;
        const last = j === argv.length - 1;
        const nextIsOption = !last && argv[j + 1]!.startsWith('--');
        // "--save" with no value means no save points (a generated empty list).
        if (a.toLowerCase() === '--save' && (last || nextIsOption)) {
          options += '""';
          valueSeen = nextIsOption;
        }
      } else {
        valueSeen = true;
      }
    } else {
      options += repr(a) + ' ';
      valueSeen = true;
    }
  }
  return { kind: 'run', configFile, fromStdin, options };
}

/** Where extra text comes from (stdin for `-`); injectable for tests. */
export interface LoadSources {
  readStdin?: () => string;
  /** Called for each warning Redis logs while loading ("Reading config from stdin"). */
  warn?: (message: string) => void;
}

/** Loads the file (if any), stdin (if asked) and the command-line options into `config`. */
export function loadStartupConfig(config: Config, cl: CommandLine, src: LoadSources = {}): void {
  let text = '';
  if (cl.configFile !== null) text += readConfigPath(cl.configFile);
  if (cl.fromStdin) {
    src.warn?.('Reading config from stdin');
    text += (src.readStdin ?? readAllStdin)();
  }
  if (cl.options !== '') text += '\n' + cl.options;
  config.configFile = cl.configFile;
  loadConfigText(config, text);
  config.loadingDone();
  checkAfterLoad(config);
}

/** Applies config-file text line by line; throws ConfigError on the first bad line. */
export function loadConfigText(config: Config, text: string): void {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '' || line.startsWith('#')) continue;
    const argv = splitArgs(line);
    if (argv === null) throw fatalAt(i + 1, line, 'Unbalanced quotes in configuration line');
    if (argv.length === 0) continue;
    const err = applyLine(config, argv);
    if (err !== null) throw fatalAt(i + 1, line, err);
  }
}

/** Directives Redis still accepts and ignores. */
const DEPRECATED = new Set(['list-max-ziplist-entries', 'list-max-ziplist-value', 'lua-replicate-commands']);

function applyLine(config: Config, argv: string[]): string | null {
  const name = argv[0]!.toLowerCase();
  const d = findDirective(name);
  if (d !== undefined) {
    if (!d.multiArg && argv.length !== 2) return 'wrong number of arguments';
    // A single argument with spaces ('--save "900 1"' on the command line) is split, as Redis 7 does.
    if (d.multiArg && argv.length === 2 && argv[1]!.includes(' ')) return config.load(name, argv[1]!.split(' '));
    return config.load(name, argv.slice(1));
  }
  if (DEPRECATED.has(name) && argv.length === 2) return null;
  if (name === 'include' && argv.length === 2) {
    includeFile(config, argv[1]!);
    return null;
  }
  if (name === 'rename-command' && argv.length === 3) return renameCommand(config, argv[1]!, argv[2]!);
  // ACL users, modules and sentinel are not part of nodis: refusing is better than ignoring.
  if (name === 'user' && argv.length >= 2) return 'ACL users in the config file are not supported by nodis yet';
  if (name === 'loadmodule' && argv.length >= 2) return 'Modules are not supported by nodis';
  if (name === 'sentinel') return 'sentinel directive while not in sentinel mode';
  if (name.includes('.')) return argv.length !== 2 ? 'Module config specified without value' : 'Modules are not supported by nodis';
  return 'Bad directive or wrong number of arguments';
}

/** include: a path relative to the working directory (`dir`), or a glob of files in name order. */
function includeFile(config: Config, path: string): void {
  const full = isAbsolute(path) ? path : resolve(config.str('dir') || config.cwd, path);
  if (!/[*?[]/.test(full)) {
    loadConfigText(config, readConfigPath(full));
    return;
  }
  // A pattern matching nothing is not an error: an empty conf.d directory is fine.
  for (const file of expandGlob(full)) loadConfigText(config, readConfigPath(file));
}

/** Expands a glob whose wildcards may sit in any path component, sorted like glob(3). */
function expandGlob(pattern: string): string[] {
  const parts = pattern.split('/').filter((p) => p !== '');
  let paths = ['/'];
  for (let k = 0; k < parts.length; k++) {
    const part = parts[k]!;
    const last = k === parts.length - 1;
    const next: string[] = [];
    for (const base of paths) {
      if (!/[*?[]/.test(part)) {
        next.push(join(base, part));
        continue;
      }
      let names: string[] = [];
      try { names = readdirSync(base); } catch { continue; }
      for (const n of names.sort()) {
        if (n.startsWith('.') && !part.startsWith('.')) continue;
        if (globMatch(part, n, false)) next.push(join(base, n));
      }
    }
    paths = last ? next : next.filter((p) => isDir(p));
  }
  return paths.filter((p) => { try { return statSync(p).isFile(); } catch { return false; } }).sort();
}

function isDir(p: string): boolean {
  try { return statSync(p).isDirectory(); } catch { return false; }
}

function renameCommand(config: Config, from: string, to: string): string | null {
  const table = new CommandTable(ALL_FAMILIES);
  const renamed = new Map(config.renames.map(([a, b]) => [a.toLowerCase(), b.toLowerCase()]));
  const known = (n: string) => {
    for (const [, b] of renamed) if (b === n) return true;
    return table.get(n) !== undefined && !renamed.has(n);
  };
  if (!known(from.toLowerCase())) return 'No such command in rename-command';
  if (to !== '' && known(to.toLowerCase())) return 'Target command name already exists';
  config.renames.push([from, to]);
  return null;
}

function readConfigPath(path: string): string {
  try {
    return readFileSync(path, 'latin1');
  } catch (e) {
    throw new ConfigError(`Fatal error, can't open config file '${path}': ${errnoText(e)}`, true);
  }
}

function readAllStdin(): string {
  const chunks: Buffer[] = [];
  const buf = Buffer.alloc(65536);
  const fd = 0;
  for (;;) {
    let n = 0;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'EAGAIN') continue;
      if ((e as NodeJS.ErrnoException).code === 'EOF') break;
      throw e;
    }
    if (n === 0) break;
    chunks.push(Buffer.from(buf.subarray(0, n)));
  }
  return Buffer.concat(chunks).toString('latin1');
}

/** Checks Redis makes once everything is loaded. */
function checkAfterLoad(config: Config): void {
  const logfile = config.str('logfile');
  if (logfile !== '') {
    try {
      closeSync(openSync(resolve(config.str('dir') || config.cwd, logfile), 'a'));
    } catch (e) {
      throw new ConfigError(fatalHeader() + `Can't open the log file: ${errnoText(e)}\n`);
    }
  }
  if (config.bool('cluster-enabled') && config.str('replicaof') !== '') {
    throw new ConfigError(fatalHeader() + 'replicaof directive not allowed in cluster mode\n');
  }
}

function fatalHeader(): string {
  return `\n*** FATAL CONFIG FILE ERROR (Redis ${FATAL_VERSION}) ***\n`;
}

function fatalAt(lineNo: number, line: string, err: string): ConfigError {
  return new ConfigError(`${fatalHeader()}Reading the configuration file, at line ${lineNo}\n>>> '${line}'\n${err}\n`);
}

export function errnoText(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'No such file or directory';
    case 'EACCES': return 'Permission denied';
    case 'EISDIR': return 'Is a directory';
    case 'ENOTDIR': return 'Not a directory';
    default: return (e as Error).message ?? String(e);
  }
}
