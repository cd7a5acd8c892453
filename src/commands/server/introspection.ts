// The family of introspection commands this area owns, gathered for commands/index.ts:
// INFO, TIME, LASTSAVE, SLOWLOG, LATENCY, MEMORY, MONITOR and DEBUG.

import { defineFamily } from '../table.js';
import { debugSpecs } from './debug.js';
import { infoSpecs } from './info.js';
import { latencySpecs } from './latency.js';
import { memorySpecs } from './memory.js';
import { monitorSpecs } from './monitor.js';
import { slowlogSpecs } from './slowlog.js';

export const introspectionFamily = defineFamily('server', [
  ...infoSpecs, ...slowlogSpecs, ...latencySpecs, ...memorySpecs, ...monitorSpecs, ...debugSpecs,
]);
