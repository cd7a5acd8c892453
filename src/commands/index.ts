// Every command family, in the order COMMAND lists nothing in particular: the table is a map.

import { connectionFamily } from './connection.js';
import { genericFamily } from './generic/index.js';
import { serverKeyspaceFamily } from './server/keyspace.js';
import { stringFamily } from './string.js';
import type { Family } from './table.js';

export const ALL_FAMILIES: readonly Family[] = [connectionFamily, stringFamily, genericFamily, serverKeyspaceFamily];
