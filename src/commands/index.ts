// Every command family. One family per line, so that branches adding families merge cleanly.

import type { Family } from './table.js';
import { connectionFamily } from './connection.js';
import { hashFamily } from './hash.js';
import { listFamily } from './list.js';
import { pubsubFamily } from './pubsub.js';
import { stringFamily } from './string.js';
import { commandFamily } from './server/command.js';
import { introspectionFamily } from './server/introspection.js';

export const ALL_FAMILIES: readonly Family[] = [
  connectionFamily,
  stringFamily,
  commandFamily,
  introspectionFamily,
  listFamily,
  hashFamily,
  pubsubFamily,
];
