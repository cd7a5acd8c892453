// The embeddable API: start a real nodis server inside a Node process.
//   const s = await startServer({ port: 0 }); ... await s.close();
// Each call builds its own Server: no state is shared between servers in one process.

import { Config } from './server/config.js';
import { Logger } from './server/log.js';
import { Server } from './server/server.js';

export interface StartOptions {
  /** TCP port; 0 (the default here) picks a free ephemeral port. */
  port?: number;
  /** Addresses to bind; default 127.0.0.1. */
  bind?: string | string[];
  /** Any redis.conf directives, e.g. { databases: '4', 'requirepass': 'secret' }. */
  config?: Record<string, string | number | boolean>;
  /** Log to this file, '' for stdout; by default an embedded server does not log. */
  logfile?: string;
}

export interface RunningServer {
  readonly port: number;
  readonly host: string;
  close(): Promise<void>;
}

export async function startServer(options: StartOptions = {}): Promise<RunningServer> {
  const config = new Config();
  const set = (name: string, value: string) => {
    const err = config.load(name, value);
    if (err !== null) throw new Error(`nodis: bad config '${name} ${value}': ${err}`);
  };
  const bind = options.bind === undefined ? ['127.0.0.1'] : Array.isArray(options.bind) ? options.bind : [options.bind];
  set('bind', bind.join(' '));
  for (const [k, v] of Object.entries(options.config ?? {})) {
    set(k, typeof v === 'boolean' ? (v ? 'yes' : 'no') : String(v));
  }
  const logger = new Logger();
  logger.file = options.logfile ?? null;
  const server = new Server(config, logger);
  await server.listen(options.port ?? 0);
  return {
    port: server.port,
    host: bind[0]!,
    close: () => server.close(),
  };
}
