// The catalogue of error replies. Every Redis error text nodis sends is written once, here;
// handlers `throw Err.x()` and call() turns the throw into an error reply.
// CommandError deliberately does not extend Error: no stack is captured on this hot path.

export class CommandError {
  /** Full error text as sent after '-', starting with its code (ERR, WRONGTYPE, ...). */
  constructor(readonly text: string) {}
  /** The code that INFO errorstats counts this error under. */
  get code(): string {
    const sp = this.text.indexOf(' ');
    return sp === -1 ? this.text : this.text.slice(0, sp);
  }
}

const err = (text: string) => new CommandError(text);

/** Redis strips CR/LF from error texts that may contain user input. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

export const Err = {
  // Dispatch
  unknownCommand(name: string, args: readonly string[]): CommandError {
    let list = '';
    for (let i = 0; i < args.length && list.length < 128; i++) list += `'${args[i]!.slice(0, 128 - list.length)}' `;
    return err(oneLine(`ERR unknown command '${name.slice(0, 128)}', with args beginning with: ${list}`));
  },
  unknownSubcommand(sub: string, container: string): CommandError {
    return err(oneLine(`ERR unknown subcommand '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`));
  },
  arity: (fullName: string) => err(`ERR wrong number of arguments for '${fullName}' command`),
  syntax: () => err('ERR syntax error'),
  custom: (text: string) => err(text),

  // Types and numbers
  wrongType: () => err('WRONGTYPE Operation against a key holding the wrong kind of value'),
  notInteger: () => err('ERR value is not an integer or out of range'),
  notFloat: () => err('ERR value is not a valid float'),
  overflow: () => err('ERR increment or decrement would overflow'),
  nanOrInfinity: () => err('ERR increment would produce NaN or Infinity'),
  outOfRangePositive: (what: string) => err(`ERR ${what} is out of range, must be positive`),
  invalidExpire: (cmd: string) => err(`ERR invalid expire time in '${cmd}' command`),
  stringTooLong: () => err('ERR string exceeds maximum allowed size (proto-max-bulk-len)'),
  offsetOutOfRange: () => err('ERR offset is out of range'),
  timeoutNotFloat: () => err('ERR timeout is not a float or out of range'),
  timeoutNegative: () => err('ERR timeout is negative'),

  // Keys and databases
  noSuchKey: () => err('ERR no such key'),
  dbOutOfRange: () => err('ERR DB index is out of range'),
  invalidDbIndex: () => err('ERR invalid DB index'),
  sameObject: () => err('ERR source and destination objects are the same'),

  // Connection and auth
  noAuth: () => err('NOAUTH Authentication required.'),
  wrongPass: () => err('WRONGPASS invalid username-password pair or user is disabled.'),
  authNotConfigured: () =>
    err('ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?'),
  maxClients: () => err('ERR max number of clients reached'),
  noProto: () => err('NOPROTO unsupported protocol version'),

  // Server state gates
  loading: () => err('LOADING Redis is loading the dataset in memory'),
  readonlyReplica: () => err("READONLY You can't write against a read only replica."),
  oom: () => err("OOM command not allowed when used memory > 'maxmemory'."),
  misconf: () =>
    err('MISCONF Redis is configured to save RDB snapshots, but it\'s currently unable to persist to disk. Commands that may modify the data set are disabled, because this instance is configured to report errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the Redis logs for details about the RDB error.'),
  noReplicas: () => err('NOREPLICAS Not enough good replicas to write.'),
  execAbort: () => err('EXECABORT Transaction discarded because of previous errors.'),

  // Protocol (sent just before the connection is closed)
  protocol: (what: string) => err(`ERR Protocol error: ${what}`),

  // Command metadata (COMMAND GETKEYS / GETKEYSANDFLAGS)
  getKeysInvalidCommand: () => err('ERR Invalid command specified'),
  getKeysBadArity: () => err('ERR Invalid number of arguments specified for command'),
  getKeysNoKeys: () => err('ERR The command has no key arguments'),
  getKeysBadArguments: () => err('ERR Invalid arguments specified for command'),

  // Sets and sorted sets (commands/set.ts, commands/sorted-set/)
  countOutOfRange: () => err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'),
  numkeysNotPositive: () => err('ERR numkeys should be greater than 0'),
  numkeysTooMany: () => err("ERR Number of keys can't be greater than number of args"),
  limitNegative: () => err("ERR LIMIT can't be negative"),
  countNotPositive: () => err('ERR count should be greater than 0'),
  invalidCursor: () => err('ERR invalid cursor'),
  zaddXxNx: () => err('ERR XX and NX options at the same time are not compatible'),
  zaddGtLtNx: () => err('ERR GT, LT, and/or NX options at the same time are not compatible'),
  zaddIncrPair: () => err('ERR INCR option supports a single increment-element pair'),
  scoreNaN: () => err('ERR resulting score is not a number (NaN)'),
  limitNeedsBy: () => err('ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX'),
  withscoresByLex: () => err('ERR syntax error, WITHSCORES not supported in combination with BYLEX'),
  minMaxNotFloat: () => err('ERR min or max is not a float'),
  minMaxNotLex: () => err('ERR min or max not valid string range item'),
  needInputKey: (cmd: string) => err(`ERR at least 1 input key is needed for '${cmd}' command`),
  weightNotFloat: () => err('ERR weight value is not a float'),
  /** nodis only: a reply Redis would build without bound (e.g. SRANDMEMBER key -1e18) is refused. */
  replyTooLarge: () => err('ERR reply would be too large'),
} as const;
