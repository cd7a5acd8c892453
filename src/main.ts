#!/usr/bin/env node
// nodis-server: the command-line entry, shaped like redis-server.
//   nodis-server [/path/to/redis.conf] [--directive value ...] [-]

import { Config } from './server/config.js';
import { Logger } from './server/log.js';
import { NODIS_VERSION, Server } from './server/server.js';

async function main(argv: string[]): Promise<void> {
  if (argv[0] === '--version' || argv[0] === '-v') {
    process.stdout.write(`Redis server v=7.2.4 sha=00000000:0 malloc=libc bits=64 build=nodis-${NODIS_VERSION}\n`);
    return;
  }
  const config = new Config();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const name = a.slice(2);
      const vals: string[] = [];
      while (i + 1 < argv.length && !argv[i + 1]!.startsWith('--')) vals.push(argv[++i]!);
      const err = config.load(name, vals.join(' '));
      if (err !== null) {
        process.stderr.write(`*** FATAL CONFIG FILE ERROR ***\n>>> '${name} ${vals.join(' ')}'\n${err}\n`);
        process.exit(1);
      }
    }
  }
  const logger = new Logger();
  logger.level = config.get('loglevel') as Logger['level'];
  logger.file = config.str('logfile');
  const server = new Server(config, logger);
  try {
    await server.listen();
  } catch (e) {
    logger.log('warning', `Failed listening on port ${config.num('port')} (tcp), aborting.`);
    void e;
    process.exit(1);
  }
  logger.log('notice', 'Ready to accept connections tcp');
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

void main(process.argv.slice(2));
