// Every command family, in the order COMMAND lists nothing in particular: the table is a map.

import { connectionFamily } from './connection.js';
import { stringFamily } from './string.js';
import { setFamily } from './set.js';
import { sortedSetFamily } from './sorted-set/index.js';
import { commandFamily } from './server/command.js';
import type { Family } from './table.js';

export const ALL_FAMILIES: readonly Family[] = [connectionFamily, stringFamily,
  commandFamily,
  setFamily,
  sortedSetFamily,
];
