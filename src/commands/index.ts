// Every command family, in the order COMMAND lists nothing in particular: the table is a map.

import { connectionFamily } from './connection.js';
import { configFamily } from './server/config.js';
import { shutdownFamily } from './server/shutdown.js';
import { stringFamily } from './string.js';
import type { Family } from './table.js';

export const ALL_FAMILIES: readonly Family[] = [connectionFamily, stringFamily, configFamily, shutdownFamily];
