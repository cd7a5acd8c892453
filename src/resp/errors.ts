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
  // Introspection: INFO, SLOWLOG, LATENCY, MEMORY, MONITOR, DEBUG
  replicaKeyspace: () => err("ERR Replica can't interact with the keyspace"),
  slowlogCount: () => err('ERR count should be greater than or equal to -1'),
  latencyNoSamples: (event: string) => err(oneLine(`ERR No samples available for event '${event}'`)),
  subcommandSyntax: (sub: string, container: string) =>
    err(oneLine(`ERR unknown subcommand or wrong number of arguments for '${sub.slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`)),
  debugProtocolType: () =>
    err('ERR Wrong protocol type name. Please use one of the following: string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false'),
  resp2NotSupported: () => err('ERR RESP2 is not supported by this command'),
  notHashTable: () => err('ERR The value stored at the specified key is not represented using an hash table'),
  outOfRangeDb: () => err('ERR Out of range database'),
  // Strings (commands/string): DECRBY and LCS
  decrementOverflow: () => err('ERR decrement would overflow'),
  lcsWrongType: () => err('ERR The specified keys must contain string values'),
  lcsLenAndIdx: () => err('ERR If you want both the length and indexes, please just use IDX.'),
  lcsTooLong: () => err('ERR String too long for LCS'),
  lcsOverBulkLimit: () => err('ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len'),
  lcsAllocFailed: () => err('ERR Insufficient memory, failed allocating transient memory for LCS'),
  // Lists and hashes (collections)
  indexOutOfRange: () => err('ERR index out of range'),
  rankZero: () =>
    err("ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"),
  cantBeNegative: (what: string) => err(`ERR ${what} can't be negative`),
  numkeysPositive: () => err('ERR numkeys should be greater than 0'),
  countPositive: () => err('ERR count should be greater than 0'),
  valueOutOfRange: () => err('ERR value is out of range'),
  valueOutOfRangeBetween: (min: string, max: string) => err(`ERR value is out of range, value must between ${min} and ${max}`),
  hashValueNotInteger: () => err('ERR hash value is not an integer'),
  hashValueNotFloat: () => err('ERR hash value is not a float'),
  invalidCursor: () => err('ERR invalid cursor'),
  valueNanOrInfinity: () => err('ERR value is NaN or Infinity'),
  // Pub/sub (commands/pubsub.ts, pubsub/registry.ts)
  subscribedMode: (fullName: string) =>
    err(`ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`),
} as const;
