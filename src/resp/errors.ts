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

/** Redis formats user input into errors with C's %s, which stops at the first NUL byte. */
function cString(s: string): string {
  const z = s.indexOf('\0');
  return z === -1 ? s : s.slice(0, z);
}

/** Redis strips CR/LF from error texts that may contain user input. */
function oneLine(s: string): string {
  return s.replace(/[\r\n]/g, ' ');
}

export const Err = {
  // Dispatch
  unknownCommand(name: string, args: readonly string[]): CommandError {
    let list = '';
    for (let i = 0; i < args.length && list.length < 128; i++) list += `'${cString(args[i]!).slice(0, 128 - list.length)}' `;
    return err(oneLine(`ERR unknown command '${cString(name).slice(0, 128)}', with args beginning with: ${list}`));
  },
  unknownSubcommand(sub: string, container: string): CommandError {
    return err(oneLine(`ERR unknown subcommand '${cString(sub).slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`));
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
  latencyNoSamples: (event: string) => err(oneLine(`ERR No samples available for event '${cString(event)}'`)),
  subcommandSyntax: (sub: string, container: string) =>
    err(oneLine(`ERR unknown subcommand or wrong number of arguments for '${cString(sub).slice(0, 128)}'. Try ${container.toUpperCase()} HELP.`)),
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
  // Config, CONFIG and SHUTDOWN (config area)
  configSetUnknown: (name: string) => err(oneLine(`ERR Unknown option or number of arguments for CONFIG SET - '${cString(name)}'`)),
  configSetFailed: (name: string, why: string) =>
    err(oneLine(`ERR CONFIG SET failed (possibly related to argument '${cString(name)}') - ${why}`)),
  noConfigFile: () => err('ERR The server is running without a config file'),
  rewriteFailed: (why: string) => err(oneLine(`ERR Rewriting config file: ${why}`)),
  shutdownFailed: () => err('ERR Errors trying to SHUTDOWN. Check logs.'),
  noShutdownInProgress: () => err('ERR No shutdown in progress.'),
  protectedCommand: (cmd: string, option: string) =>
    err(`ERR ${cmd} command not allowed. If the ${option} option is set to "local", you can run it from a local connection, otherwise you need to set this option in the configuration file, and then restart the server.`),
  // Keyspace (generic) commands: expire options, SCAN, OBJECT, SWAPDB
  intRange: () => err('ERR value is out of range, value must between -2147483648 and 2147483647'),
  unsupportedOption: (opt: string) => err(oneLine(`ERR Unsupported option ${cString(opt)}`)),
  expireGtLt: () => err('ERR GT and LT options at the same time are not compatible'),
  expireNxWithOthers: () => err('ERR NX and XX, GT or LT options at the same time are not compatible'),
  invalidFirstDb: () => err('ERR invalid first DB index'),
  invalidSecondDb: () => err('ERR invalid second DB index'),
  lfuNotSelected: () =>
    err('ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'),
  lfuSelected: () =>
    err('ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when switching between policies at runtime LRU and LFU data will take some time to adjust.'),
  // Connection, CLIENT and session commands (conn area)
  helloNoAuth: () =>
    err('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'),
  helloSyntax: (opt: string) => err(oneLine(`ERR Syntax error in HELLO option '${opt}'`)),
  protoVersion: () => err('ERR Protocol version is not an integer or out of range'),
  badClientName: () => err('ERR Client names cannot contain spaces, newlines or special characters.'),
  badClientAttribute: (attr: string) => err(oneLine(`ERR ${attr} cannot contain spaces, newlines or special characters.`)),
  unrecognizedOption: (opt: string) => err(oneLine(`ERR Unrecognized option '${opt}'`)),
  noSuchClient: () => err('ERR No such client'),
  clientIdPositive: () => err('ERR client-id should be greater than 0'),
  unknownClientType: (t: string) => err(oneLine(`ERR Unknown client type '${t}'`)),
  invalidClientId: () => err('ERR Invalid client ID'),
  noSuchUser: (u: string) => err(oneLine(`ERR No such user '${u}'`)),
  pauseMode: () => err('ERR CLIENT PAUSE mode must be WRITE or ALL'),
  timeoutNotInteger: () => err('ERR timeout is not an integer or out of range'),
  selectInCluster: () => err('ERR SELECT is not allowed in cluster mode'),
  /** An integer argument Redis reads as a C int, outside that range. */
  notInIntRange: () => err('ERR value is out of range, value must between -2147483648 and 2147483647'),
  // Redis 7.2's text; 7.0 says "Setup a an authentication password" in point 4.
  protectedMode: () =>
    err("DENIED Redis is running in protected mode because protected mode is enabled and no password is set for the default user. In this mode connections are only accepted from the loopback interface. If you want to connect from external computers to Redis you may adopt one of the following solutions: 1) Just disable protected mode sending the command 'CONFIG SET protected-mode no' from the loopback interface by connecting to Redis from the same host the server is running, however MAKE SURE Redis is not publicly accessible from internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) Alternatively you can just disable the protected mode by editing the Redis configuration file, and setting the protected mode option to 'no', and then restarting the server. 3) If you started the server manually just for testing, restart it with the '--protected-mode no' option. 4) Set up an authentication password for the default user. NOTE: You only need to do one of the above things in order for the server to start accepting connections from the outside."),
  // Persistence (persistence/rdb, DUMP/RESTORE)
  busyKey: () => err('BUSYKEY Target key name already exists.'),
  invalidTtl: () => err('ERR Invalid TTL value, must be >= 0'),
  invalidIdletime: () => err('ERR Invalid IDLETIME value, must be >= 0'),
  invalidFreq: () => err('ERR Invalid FREQ value, must be >= 0 and <= 255'),
  dumpPayload: () => err('ERR DUMP payload version or checksum are wrong'),
  badDataFormat: () => err('ERR Bad data format'),

  // Sets and sorted sets (commands/set.ts, commands/sorted-set/)
  countOutOfRange: () => err('ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807'),
  numkeysNotPositive: () => err('ERR numkeys should be greater than 0'),
  numkeysTooMany: () => err("ERR Number of keys can't be greater than number of args"),
  limitNegative: () => err("ERR LIMIT can't be negative"),
  countNotPositive: () => err('ERR count should be greater than 0'),
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
  // Replication: SYNC/PSYNC gates and REPLCONF (replbuf area)
  psyncFailoverToPrimary: () => err("ERR PSYNC FAILOVER can't be sent to a master."),
  psyncFailoverReplid: () => err('ERR PSYNC FAILOVER replid must match my replid.'),
  syncWhileFailingOver: () => err("NOMASTERLINK Can't SYNC while failing over"),
  syncWhileNoPrimaryLink: () => err("NOMASTERLINK Can't SYNC while not connected with my master"),
  syncWithPendingOutput: () => err('ERR SYNC and PSYNC are invalid with pending output'),
  filteredReplicaNeedsEof: () => err('ERR Filtered replica requires EOF capability'),
  replconfUnknownOption: (opt: string) => err(oneLine(`ERR Unrecognized REPLCONF option: ${opt}`)),
  replconfIpTooLong: (bytes: number) => err(`ERR REPLCONF ip-address provided by replica instance is too long: ${bytes} bytes`),
  replconfFilterMissing: () => err('ERR Missing rdb-filter-only values'),
  replconfFilterUnsupported: (opt: string) => err(oneLine(`ERR Unsupported rdb-filter-only option: ${opt}`)),
  // Pub/sub (commands/pubsub.ts, pubsub/registry.ts)
  subscribedMode: (fullName: string) =>
    err(`ERR Can't execute '${fullName}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context`),
  // Transactions (MULTI/EXEC/WATCH)
  execWithoutMulti: () => err('ERR EXEC without MULTI'),
  discardWithoutMulti: () => err('ERR DISCARD without MULTI'),
  multiNested: () => err('ERR MULTI calls can not be nested'),
  watchInMulti: () => err('ERR WATCH inside MULTI is not allowed'),
  notInMulti: () => err('ERR Command not allowed inside a transaction'),
  execAbortPrevious: () => err('EXECABORT Transaction discarded because of previous errors.'),
  /** EXEC itself rejected: Redis quotes the rejection without its ERR code (other codes stay). */
  execAbortBecause: (why: string) =>
    err(`EXECABORT Transaction discarded because of: ${why.startsWith('ERR ') ? why.slice(4) : why}`),
  // Append-only file (persistence/aof, BGREWRITEAOF)
  aofRewriteInProgress: () => err('ERR Background append only file rewriting already in progress'),
  aofRewriteFailed: () => err("ERR Can't execute an AOF background rewriting. Please check the server logs for more information."),
  aofWriteError: (reason: string) => err(oneLine(`MISCONF Errors writing to the AOF file: ${reason}`)),
  // Replica side: REPLICAOF/SLAVEOF and the replica gates (replica area)
  masterDown: () => err("MASTERDOWN Link with MASTER is down and replica-serve-stale-data is set to 'no'."),
  replicaofInCluster: () => err('ERR REPLICAOF not allowed in cluster mode.'),
  replicaofWhileFailingOver: () => err('ERR REPLICAOF not allowed while failing over.'),
  replicaofFromReplica: () => err('ERR Command is not valid when client is a replica.'),
  invalidPrimaryPort: () => err('ERR Invalid master port'),
  // Blocking commands and CLIENT UNBLOCK (blocking area)
  timeoutOutOfRange: () => err('ERR timeout is out of range'),
  unblockReason: () => err('ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR'),
  unblockedByClient: () => err('UNBLOCKED client unblocked via CLIENT UNBLOCK'),
  // Persistence: SAVE, BGSAVE, DEBUG RELOAD (snapshot area)
  bgsaveInProgress: () => err('ERR Background save already in progress'),
  bgsaveOtherChild: () =>
    err("ERR Another child process is active (AOF?): can't BGSAVE right now. Use BGSAVE SCHEDULE in order to schedule a BGSAVE whenever possible."),
  /** Redis's shared.err: a bare ERR after a failed SAVE (the log says why). */
  saveFailed: () => err('ERR'),
  debugReloadOptions: () => err('ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.'),
  debugReloadFailed: () => err('ERR Error trying to load the RDB dump, check server logs.'),
  // Client-side caching (CLIENT TRACKING, CACHING; commands/tracking.ts)
  trackingOneRedirect: () => err('ERR A client can only redirect to a single other client'),
  trackingNoRedirectTarget: () => err('ERR The client ID you want redirect to does not exist'),
  trackingPrefixNeedsBcast: () => err('ERR PREFIX option requires BCAST mode to be enabled'),
  trackingBcastSwitch: () =>
    err("ERR You can't switch BCAST mode on/off before disabling tracking for this client, and then re-enabling it with a different mode."),
  trackingOptBcast: () => err('ERR OPTIN and OPTOUT are not compatible with BCAST'),
  trackingOptinOptout: () => err("ERR You can't specify both OPTIN mode and OPTOUT mode"),
  trackingOptSwitch: () =>
    err("ERR You can't switch OPTIN/OPTOUT mode before disabling tracking for this client, and then re-enabling it with a different mode."),
  trackingPrefixOverlapsExisting: (p: string, existing: string) =>
    err(oneLine(`ERR Prefix '${p}' overlaps with an existing prefix '${existing}'. Prefixes for a single client must not overlap.`)),
  trackingPrefixOverlapsGiven: (p: string, other: string) =>
    err(oneLine(`ERR Prefix '${p}' overlaps with another provided prefix '${other}'. Prefixes for a single client must not overlap.`)),
  cachingNotTracking: () =>
    err('ERR CLIENT CACHING can be called only when the client is in tracking mode with OPTIN or OPTOUT mode enabled'),
  cachingYesNeedsOptin: () => err('ERR CLIENT CACHING YES is only valid when tracking is enabled in OPTIN mode.'),
  cachingNoNeedsOptout: () => err('ERR CLIENT CACHING NO is only valid when tracking is enabled in OPTOUT mode.'),
  // SORT / SORT_RO (collections2 area, commands/sort.ts)
  sortScores: () => err("ERR One or more scores can't be converted into double"),
  sortByInCluster: () => err('ERR BY option of SORT denied in Cluster mode.'),
  sortGetInCluster: () => err('ERR GET option of SORT denied in Cluster mode.'),
  // Primary side: WAIT (primary area)
  waitOnReplica: () => err('ERR WAIT cannot be used with replica instances. Please also note that since Redis 4.0 if a replica is configured to be writable (which is not the default) writes to replicas are just local and are not propagated.'),
  // FAILOVER (failover area, commands/failover.ts and replication/failover.ts)
  failoverInCluster: () => err('ERR FAILOVER not allowed in cluster mode. Use CLUSTER FAILOVER command instead.'),
  failoverNotInProgress: () => err('ERR No failover in progress.'),
  failoverTimeoutNotPositive: () => err('ERR FAILOVER timeout must be greater than 0'),
  failoverInProgress: () => err('ERR FAILOVER already in progress.'),
  failoverOnReplica: () => err('ERR FAILOVER is not valid when server is a replica.'),
  failoverNoReplicas: () => err('ERR FAILOVER requires connected replicas.'),
  failoverForceNeedsTarget: () => err('ERR FAILOVER with force option requires both a timeout and target HOST and IP.'),
  failoverTargetNotReplica: () => err('ERR FAILOVER target HOST and PORT is not a replica.'),
  failoverTargetNotOnline: () => err('ERR FAILOVER target replica is not online.'),
  // Replica side: becoming a replica ends every blocked client's wait (replication area)
  unblockedRoleChange: () => err('UNBLOCKED force unblock from blocking operation, instance state changed (master -> replica?)'),
  // WAITAOF (replication area, Redis 7.2)
  waitaofOnReplica: () => err('ERR WAITAOF cannot be used with replica instances. Please also note that writes to replicas are just local and are not propagated.'),
  waitaofNoAof: () => err('ERR WAITAOF cannot be used when numlocal is set but appendonly is disabled.'),
} as const;
