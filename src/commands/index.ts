// Every command family. One family per line, so that branches adding families merge cleanly.

import type { Family } from './table.js';
import { blockingListFamily } from './blocking.js';
import { connectionFamily } from './connection.js';
import { dumpRestoreFamily } from './dump-restore.js';
import { failoverFamily } from './failover.js';
import { genericFamily } from './generic/index.js';
import { hashFamily } from './hash.js';
import { listFamily } from './list.js';
import { pubsubFamily } from './pubsub.js';
import { replicationFamily, waitFamily } from './replication.js';
import { aofFamily } from './server/aof.js';
import { commandFamily } from './server/command.js';
import { configFamily } from './server/config.js';
import { introspectionFamily } from './server/introspection.js';
import { serverKeyspaceFamily } from './server/keyspace.js';
import { persistenceFamily } from './server/persistence.js';
import { shutdownFamily } from './server/shutdown.js';
import { setFamily } from './set.js';
import { sortFamily } from './sort.js';
import { blockingSortedSetFamily } from './sorted-set/blocking.js';
import { sortedSetFamily } from './sorted-set/index.js';
import { stringFamily } from './string.js';
import { transactionsFamily } from './transactions.js';

export const ALL_FAMILIES: readonly Family[] = [
  connectionFamily,
  stringFamily,
  commandFamily,
  introspectionFamily,
  listFamily,
  hashFamily,
  configFamily,
  shutdownFamily,
  genericFamily,
  serverKeyspaceFamily,
  dumpRestoreFamily,
  setFamily,
  sortedSetFamily,
  pubsubFamily,
  transactionsFamily,
  aofFamily,
  replicationFamily,
  blockingListFamily,
  persistenceFamily,
  blockingSortedSetFamily,
  sortFamily,
  waitFamily,
  failoverFamily,
];
