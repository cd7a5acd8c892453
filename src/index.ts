// The embeddable API: start a real nodis server inside a Node process.
//   const s = await startServer({ port: 0, config: { maxmemory: '100mb' } }); ... await s.close();
// Each call builds its own Config, Server and Lifecycle: nothing is shared between servers in one
// process, nothing changes the process (no chdir, no signal handlers, no exit).

import { resolve } from 'node:path';
import { ConfigError, loadStartupConfig } from './server/config-file.js';
import { Config } from './server/config.js';
import { Lifecycle } from './server/lifecycle.js';
import { Logger } from './server/log.js';
import { Server } from './server/server.js';

export interface StartOptions {
  /** TCP port; 0 (the default here) picks a free ephemeral port. */
  port?: number;
  /** Addresses to bind; default 127.0.0.1. */
  bind?: string | string[];
  /** Any redis.conf directives, applied after configFile: { maxmemory: '100mb', save: '' }. */
  config?: Record<string, string | number | boolean>;
  /** A redis.conf to load first (also what CONFIG REWRITE writes back to). */
  configFile?: string;
  /** Log to this file, '' for stdout; by default an embedded server does not log. */
  logfile?: string;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  /** Stops listening and disconnects every client. */
  close(): Promise<void>;
  /** Resolves when the server stopped, by close() or by a SHUTDOWN command. */
  readonly closed: Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = new Config(process.cwd());
  // Embedded servers listen on loopback unless told otherwise; a config file may still say more.
  config.load('bind', ['127.0.0.1']);
  // No save points unless asked for: an embedded server must not write dump.rdb into whatever
  // directory its host process runs in. A config file or the config record may set them.
  config.load('save', '');
  const lines: string[] = [];
  if (options.bind !== undefined) {
    const list = Array.isArray(options.bind) ? options.bind : [options.bind];
    lines.push(`bind ${list.map(quote).join(' ')}`);
  }
  const configFile = options.configFile === undefined ? null : resolve(options.configFile);
  try {
    loadStartupConfig(config, { kind: 'run', configFile, fromStdin: false, options: lines.join('\n') });
    // Record values are applied like CONFIG SET values: multi-argument ones split on spaces.
    for (const [k, v] of Object.entries(options.config ?? {})) {
      const err = config.load(k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
      if (err !== null) throw new Error(`nodis: bad config '${k}': ${err}`);
    }
  } catch (e) {
    if (e instanceof ConfigError) throw new Error(`nodis: ${e.report.trim()}`);
    throw e;
  }
  const logger = new Logger();
  logger.file = options.logfile ?? null;
  const server = new Server(config, logger);
  const lifecycle = new Lifecycle(server, config, logger, {
    exit: null, signals: false, stdoutIsTty: false, programName: 'nodis', noArguments: false,
  });
  lifecycle.logStarting();
  const explicitPort = options.config?.['port'] !== undefined || configFile !== null;
  const port = options.port ?? (explicitPort ? config.num('port') : 0);
  if (!(await lifecycle.start(port))) throw new Error(`nodis: failed listening on port ${port}`);
  return {
    port: server.port,
    host: hostOf(config.str('bind')),
    close: () => lifecycle.close(),
    closed: lifecycle.closed,
  };
}

/** An address clients can reach the server at, from the bind list. */
function hostOf(bind: string): string {
  const first = bind.split(' ').find((a) => a !== '') ?? '127.0.0.1';
  const a = first.startsWith('-') ? first.slice(1) : first;
  return a === '*' || a === '0.0.0.0' ? '127.0.0.1' : a === '::*' || a === '::' ? '::1' : a;
}

/** Quotes a value for a config line when it needs it (spaces, quotes, empty). */
function quote(v: string): string {
  if (v !== '' && /^[^\s"'\\]+$/.test(v)) return v;
  return '"' + v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r') + '"';
}
