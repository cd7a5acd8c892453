// The life of one server as redis-server lives it: the startup lines and banner, listening (or
// the "Failed listening" abort), the pidfile, SIGTERM/SIGINT handling, and the shutdown sequence
// (final save through a persistence hook, pidfile and unix socket removal, "bye bye"). It only
// exits the process when told to (the CLI); an embedded server just closes.

import { unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ShutdownRequest } from '../exec/context.js';
import { Err, type CommandError } from '../resp/errors.js';
import type { Config } from './config.js';
import type { Logger } from './log.js';
import { NODIS_VERSION, REDIS_COMPAT_VERSION, type Server } from './server.js';

export interface LifecycleOptions {
  /** Ends the process with a status (the CLI); null for embedded servers, which only close. */
  exit: ((code: number) => void) | null;
  /** Install SIGTERM/SIGINT handlers (one server per process only). */
  signals: boolean;
  /** Whether standard output is a terminal (the banner shows there, as Redis's logo does). */
  stdoutIsTty: boolean;
  /** The program name used in the "no config file" warning. */
  programName: string;
  /** True when the command line had no arguments at all (Redis's argc == 1). */
  noArguments: boolean;
}

/**
 * Writes the final snapshot; returns false when it failed. Filled in by persistence; while it is
 * null nodis has nothing it could save, so only an explicit SAVE request is refused.
 */
export type FinalSave = (log: Logger) => boolean;

export class Lifecycle {
  finalSave: FinalSave | null = null;
  /** Loads the dataset once listening (clients get LOADING meanwhile); false stops the start. */
  loadData: (() => Promise<boolean>) | null = null;
  private shuttingDown = false;
  private pendingSignal = false;
  private pidfileWritten: string | null = null;
  private readonly signalHandlers: [NodeJS.Signals, () => void][] = [];
  /** Resolves once the server has closed (whatever the reason). */
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;

  constructor(
    readonly server: Server,
    readonly config: Config,
    readonly logger: Logger,
    readonly opts: LifecycleOptions,
  ) {
    this.closed = new Promise((r) => { this.resolveClosed = r; });
    server.shutdownHandler = (req) => this.shutdown(req, false);
    // A failed write under appendfsync always ends the server, as it ends redis-server.
    server.aof.onFatal = () => {
      if (opts.exit !== null) opts.exit(1);
      else void this.close();
    };
    // RDB persistence: dump.rdb is loaded before "Ready to accept connections", saved at exit.
    this.loadData = () => server.persistence.loadAtStartup();
    this.finalSave = () => server.persistence.finalSave();
  }

  /** The lines Redis logs before the server exists (role C). */
  logStarting(): void {
    const log = this.logger;
    const prev = log.role;
    log.role = 'C';
    log.log('notice', 'oO0OoO0OoO0Oo Redis is starting oO0OoO0OoO0Oo');
    log.log('notice', `Redis version=${REDIS_COMPAT_VERSION}, bits=64, commit=00000000, modified=0, pid=${log.pid}, just started`);
    if (this.opts.noArguments) {
      log.log('warning', `Warning: no config file specified, using the default config. In order to specify a config file use ${this.opts.programName} /path/to/redis.conf`);
    } else {
      log.log('notice', 'Configuration loaded');
    }
    log.role = prev;
  }

  /** Listens and announces readiness; false (after logging why) when a port could not be bound. */
  async start(portOverride?: number): Promise<boolean> {
    const log = this.logger;
    // redis.conf's port 0 means no TCP at all; an embedded server's port 0 means any free port.
    const tcp = portOverride !== undefined || this.config.num('port') !== 0;
    try {
      await this.server.listen(portOverride, tcp);
    } catch (e) {
      const err = e as NodeJS.ErrnoException & { address?: string; port?: number };
      if (err.code === 'EADDRINUSE' || err.code === 'EACCES' || err.code === 'EADDRNOTAVAIL') {
        const addr = err.address === '0.0.0.0' ? '*' : err.address === '::' ? '::*' : (err.address ?? '*');
        log.log('warning', `Warning: Could not create server TCP listening socket ${addr}:${err.port ?? portOverride ?? this.config.num('port')}: bind: ${bindErrorText(err.code)}`);
        log.log('warning', `Failed listening on port ${portOverride ?? this.config.num('port')} (tcp), aborting.`);
      } else {
        log.log('warning', `Failed listening: ${err.message}, aborting.`);
      }
      await this.server.close();
      this.resolveClosed();
      return false;
    }
    // An embedded server asked for port 0 reports the port it really got (CONFIG GET port).
    if (this.server.port !== 0 && String(this.server.port) !== this.config.str('port')) {
      this.config.load('port', [String(this.server.port)]);
    }
    this.writePidfile();
    this.banner();
    log.log('notice', 'Server initialized');
    // Redis loads the AOF when appendonly is on, and dump.rdb only otherwise.
    if (!this.server.aof.startup() ||
        (!this.server.config.bool('appendonly') && this.loadData !== null && !(await this.loadData()))) {
      await this.server.close();
      this.resolveClosed();
      return false;
    }
    // With AOF on, writes move the replication offset from the first one (WAITAOF).
    this.server.repl.syncCounter();
    if (tcp) log.log('notice', 'Ready to accept connections tcp');
    if (this.config.str('unixsocket') !== '') log.log('notice', 'Ready to accept connections unix');
    if (this.opts.signals) this.installSignals();
    return true;
  }

  private banner(): void {
    const port = this.server.port;
    const show = this.config.bool('always-show-logo') ||
      (this.config.str('logfile') === '' && !this.config.bool('syslog-enabled') && this.opts.stdoutIsTty);
    if (!show) {
      this.logger.log('notice', `Running mode=standalone, port=${port}.`);
      return;
    }
    const pid = this.logger.pid;
    const row = (text: string) => `    │  ${pad(text, 36)}│`;
    const art = [
      '',
      `    ┌${'─'.repeat(38)}┐`,
      row(`n o d i s   v${NODIS_VERSION}`),
      row(`Redis ${REDIS_COMPAT_VERSION} compatible, 64 bit`),
      row('Running in standalone mode'),
      row(`Port: ${port}`),
      row(`PID: ${pid}`),
      `    └${'─'.repeat(38)}┘`,
      '',
      '',
    ];
    if (this.logger.enabled('notice')) this.logger.raw(art.join('\n'));
  }

  private writePidfile(): void {
    const pidfile = this.config.str('pidfile');
    if (pidfile === '') return;
    const path = resolve(this.config.str('dir') || this.config.cwd, pidfile);
    try {
      writeFileSync(path, `${process.pid}\n`);
      this.pidfileWritten = path;
    } catch (e) {
      this.logger.log('warning', `Failed to write PID file: ${(e as Error).message}`);
    }
  }

  private installSignals(): void {
    for (const sig of ['SIGTERM', 'SIGINT'] as const) {
      const h = () => this.onSignal(sig);
      process.on(sig, h);
      this.signalHandlers.push([sig, h]);
    }
  }

  private removeSignals(): void {
    for (const [sig, h] of this.signalHandlers) process.off(sig, h);
    this.signalHandlers.length = 0;
  }

  /** As Redis: a first signal schedules the shutdown; a second one while it runs exits at once. */
  private onSignal(sig: 'SIGTERM' | 'SIGINT'): void {
    if (this.pendingSignal || this.shuttingDown) {
      this.logger.logFromSignal('You insist... exiting now.');
      this.removePidfile(false);
      this.opts.exit?.(1);
      return;
    }
    this.pendingSignal = true;
    this.logger.logFromSignal(`Received ${sig} scheduling shutdown...`);
    const flags = this.config.str(sig === 'SIGTERM' ? 'shutdown-on-sigterm' : 'shutdown-on-sigint').split(' ');
    const req: ShutdownRequest = {
      save: flags.includes('save'), nosave: flags.includes('nosave'), now: flags.includes('now'), force: flags.includes('force'),
    };
    setImmediate(() => {
      const e = this.shutdown(req, true);
      // A refused shutdown leaves the server running, as Redis does; a new signal may retry.
      if (e !== null) {
        this.logger.log('warning', `${sig} received but errors trying to shut down the server, check the logs for more information`);
        this.pendingSignal = false;
      }
    });
  }

  /**
   * The shutdown sequence. Returns null when the server is going down, or the error SHUTDOWN
   * replies when it refused (the final save failed and FORCE was not given).
   */
  shutdown(req: ShutdownRequest, _fromSignal: boolean): CommandError | null {
    if (this.shuttingDown) return null;
    const log = this.logger;
    log.log('warning', 'User requested shutdown...');
    // Like Redis killing its saving child: the snapshot stops and its temp file goes.
    this.server.persistence.killBgsave('shutdown');
    if (!this.server.aof.prepareShutdown(req.force)) {
      log.log('warning', 'Errors trying to shut down the server. Check the logs for more information.');
      return Err.shutdownFailed();
    }
    if (!this.saveBeforeExit(req)) {
      log.log('warning', 'Errors trying to shut down the server. Check the logs for more information.');
      return Err.shutdownFailed();
    }
    this.shuttingDown = true;
    this.removePidfile(true);
    if (this.config.str('unixsocket') !== '') {
      log.log('notice', 'Removing the unix socket file.');
      // The listener unlinks the socket path when it closes; an error here only means it is gone.
      try { unlinkSync(this.config.str('unixsocket')); } catch { /* already removed */ }
    }
    log.log('warning', 'Redis is now ready to exit, bye bye...');
    this.removeSignals();
    const exit = this.opts.exit;
    if (exit !== null) {
      exit(0);
      return null;
    }
    // Let the SHUTDOWN command finish its turn before its own connection goes away.
    setImmediate(() => void this.server.close().then(() => this.resolveClosed()));
    return null;
  }

  /** The final save: true when the server may exit. */
  private saveBeforeExit(req: ShutdownRequest): boolean {
    if (req.nosave) return true;
    const log = this.logger;
    if (this.finalSave === null) {
      // No persistence in this build: there is nothing a default shutdown could save, but an
      // explicit SAVE must not be reported as done.
      if (!req.save) return true;
      log.log('warning', 'No persistence is available in this nodis build: the final RDB snapshot cannot be written.');
      if (req.force) {
        log.log('warning', 'Error trying to save the DB. Exit anyway.');
        return true;
      }
      log.log('warning', "Error trying to save the DB, can't exit.");
      return false;
    }
    if (!req.save && this.config.str('save') === '') return true;
    log.log('notice', 'Saving the final RDB snapshot before exiting.');
    if (this.finalSave(log)) return true;
    if (req.force) {
      log.log('warning', 'Error trying to save the DB. Exit anyway.');
      return true;
    }
    log.log('warning', "Error trying to save the DB, can't exit.");
    return false;
  }

  private removePidfile(logIt: boolean): void {
    if (this.pidfileWritten === null) return;
    if (logIt) this.logger.log('notice', 'Removing the pid file.');
    try { unlinkSync(this.pidfileWritten); } catch { /* already gone */ }
    this.pidfileWritten = null;
  }

  /** Closes without the shutdown sequence (embedded close(), tests). */
  async close(): Promise<void> {
    this.removeSignals();
    this.removePidfile(false);
    await this.server.close();
    this.resolveClosed();
  }
}

function pad(s: string, w: number): string {
  return s.length >= w ? s : s + ' '.repeat(w - s.length);
}

function bindErrorText(code: string | undefined): string {
  switch (code) {
    case 'EADDRINUSE': return 'Address already in use';
    case 'EACCES': return 'Permission denied';
    case 'EADDRNOTAVAIL': return 'Cannot assign requested address';
    default: return String(code);
  }
}
