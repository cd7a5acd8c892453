#!/usr/bin/env -S node --max-semi-space-size=4
// nodis-server: the command-line entry, shaped like redis-server so that scripts and service
// managers can use it unchanged:  nodis-server [/path/to/redis.conf] [--directive value ...] [-]
// It parses the command line, loads the configuration, moves to `dir`, and hands over to the
// server lifecycle; exit code 1 for configuration and listening failures, as redis-server.

import { spawn } from 'node:child_process';
import { ConfigError, loadStartupConfig, parseCommandLine } from './server/config-file.js';
import { Config } from './server/config.js';
import { Lifecycle } from './server/lifecycle.js';
import { Logger } from './server/log.js';
import { NODIS_VERSION, REDIS_COMPAT_VERSION, Server } from './server/server.js';

const PROGRAM = 'nodis-server';
/** Set in the environment of the background copy started by `daemonize yes`. */
const DAEMON_ENV = 'NODIS_DAEMONIZED';

function usage(): string {
  return [
    `Usage: ${PROGRAM} [/path/to/redis.conf] [options] [-]`,
    `       ${PROGRAM} - (the configuration comes from standard input)`,
    `       ${PROGRAM} -v or --version`,
    `       ${PROGRAM} -h or --help`,
    '',
    'Examples:',
    `       ${PROGRAM}                                  (defaults: port 6379, no config file)`,
    `       ${PROGRAM} --port 7000`,
    `       ${PROGRAM} /etc/redis/redis.conf --loglevel verbose`,
    `       ${PROGRAM} --save "" --maxmemory 100mb`,
    `       echo 'port 7001' | ${PROGRAM} -`,
    '',
  ].join('\n');
}

async function main(argv: string[]): Promise<void> {
  const cl = parseCommandLine(argv, process.cwd());
  if (cl.kind === 'version') {
    process.stdout.write(`Redis server v=${REDIS_COMPAT_VERSION} sha=00000000:0 malloc=libc bits=64 build=nodis-${NODIS_VERSION}\n`);
    return;
  }
  if (cl.kind === 'help') {
    process.stderr.write(usage());
    process.exit(1);
  }
  if (cl.kind === 'test-memory') {
    process.stderr.write(`${PROGRAM}: --test-memory is not supported by nodis (it has no memory tester).\n`);
    process.exit(1);
  }

  const logger = new Logger();
  logger.role = 'C';
  const config = new Config(process.cwd());
  try {
    loadStartupConfig(config, cl, { warn: (m) => logger.log('warning', m) });
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    if (e.logLine) logger.log('warning', e.report);
    else process.stderr.write(e.report);
    process.exit(1);
  }
  const daemonChild = process.env[DAEMON_ENV] === '1';
  if (config.bool('daemonize') && !daemonChild && config.str('supervised') === 'no') {
    // Node cannot fork(): the background server is a detached copy of this process, started
    // before moving to `dir` so that relative paths on the command line mean the same to it.
    const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...argv], {
      detached: true, stdio: 'ignore', env: { ...process.env, [DAEMON_ENV]: '1' },
    });
    child.unref();
    return;
  }
  if (daemonChild && config.str('pidfile') === '') config.load('pidfile', ['/var/run/redis.pid']);

  // `dir` is the working directory, as with redis-server: relative paths (pidfile, unix socket,
  // snapshots) resolve from there. The config file path was made absolute before this.
  const dir = config.str('dir');
  process.chdir(dir);
  config.cwd = dir;
  const logfile = config.str('logfile');
  logger.file = logfile === '' ? '' : logfile;
  logger.level = config.str('loglevel') as Logger['level'];

  logger.role = 'M';
  const server = new Server(config, logger);
  const lifecycle = new Lifecycle(server, config, logger, {
    exit: (code) => process.exit(code),
    signals: true,
    stdoutIsTty: process.stdout.isTTY === true && !daemonChild,
    programName: PROGRAM,
    noArguments: argv.length === 0,
  });
  logger.role = 'C';
  lifecycle.logStarting();
  logger.role = 'M';
  if (!(await lifecycle.start())) process.exit(1);
}

void main(process.argv.slice(2));
