// Every command family, in the order COMMAND lists nothing in particular: the table is a map.

import { connectionFamily } from './connection.js';
import { hashFamily } from './hash.js';
import { listFamily } from './list.js';
import { stringFamily } from './string.js';
import type { Family } from './table.js';

export const ALL_FAMILIES: readonly Family[] = [connectionFamily, stringFamily, listFamily, hashFamily];
