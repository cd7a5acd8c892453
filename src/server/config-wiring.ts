// Connects the configuration to a running Server: apply hooks for directives that act at
// runtime (loglevel, hz, port/bind), rename-command from the config file, the gate refusing
// 'protected' commands (DEBUG, MODULE) unless enable-debug-command / enable-module-command
// allow them, and CONFIG RESETSTAT. Called once from the Server's constructor.

import { isLocalClient } from '../commands/server/config.js';
import type { Command } from '../commands/table.js';
import { flatten } from '../commands/table.js';
import type { Gate } from '../exec/dispatcher.js';
import { Err } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import type { Logger } from './log.js';
import type { Server } from './server.js';

export function wireConfig(server: Server): void {
  const { config } = server;
  config.log = (level, message) => server.log(level, message);
  applyLogLevel(server.log_, config.str('loglevel'));
  config.onApply(['loglevel'], () => applyLogLevel(server.log_, config.str('loglevel')));
  config.onApply(['hz'], () => server.restartCron());
  // Node cannot bind a socket synchronously inside CONFIG SET: refuse rather than pretend.
  config.onApply(['port', 'bind'], () => 'Changing port or bind at runtime is not supported by nodis yet');
  for (const [from, to] of config.renames) server.table.rename(from, to);
  server.dispatcher.addGate(protectedCommandGate(server));
}

function applyLogLevel(logger: Logger, level: string): void {
  logger.level = level as Logger['level'];
}

/** DEBUG and MODULE are 'protected': refused unless their enable-*-command directive allows. */
export function protectedCommandGate(server: Server): Gate {
  return {
    check(client: Client, cmd: Command) {
      if (!cmd.isProtected) return null;
      const top = cmd.parent ?? cmd;
      const isDebug = top.name === 'debug';
      const option = isDebug ? 'enable-debug-command' : 'enable-module-command';
      if (server.config.allows(option, isLocalClient(client))) return null;
      return Err.protectedCommand(isDebug ? 'DEBUG' : 'MODULE', option);
    },
  };
}

/** CONFIG RESETSTAT: the statistics this server keeps, then every registered resetter. */
export function resetServerStats(server: Server): void {
  const s = server.stats;
  s.numCommands = 0;
  s.totalErrorReplies = 0;
  s.errorCodes.clear();
  s.netInputBytes = 0;
  s.netOutputBytes = 0;
  s.netReplInputBytes = 0;
  s.netReplOutputBytes = 0;
  const ks = server.ks.stats;
  ks.keyspaceHits = 0;
  ks.keyspaceMisses = 0;
  ks.expiredKeys = 0;
  ks.evictedKeys = 0;
  ks.expiredStalePerc = 0;
  ks.expiredTimeCapReached = 0;
  ks.expireCycleCpuMs = 0;
  server.clients.totalConnections = 0;
  server.clients.rejectedConnections = 0;
  server.dispatcher.rejectedCalls = 0;
  for (const cmd of flatten(server.table.all())) {
    cmd.stats.calls = 0;
    cmd.stats.usec = 0;
    cmd.stats.rejected = 0;
    cmd.stats.failed = 0;
  }
  for (const reset of server.statResetters) reset();
}
