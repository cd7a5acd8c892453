// Unit tests of the pub/sub settings parsers: notify-keyspace-events letters (including the 'n'
// that 'A' hides from CONFIG GET but keeps in force) and client-output-buffer-limit merging,
// plus the soft/hard output limit decision over time.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  classBit, formatKeyspaceEvents, NOTIFY, NOTIFY_ALL, parseKeyspaceEvents, parseKeyspaceEventsDirective, showKeyspaceEvents,
} from '../../src/pubsub/keyspace-events.js';
import { DEFAULT_OUTPUT_LIMITS, outputLimitsOf, overLimit, parseOutputLimitsDirective } from '../../src/pubsub/output-limits.js';

describe('notify-keyspace-events letters', () => {
  it('A is every data class but neither m nor n', () => {
    assert.equal(parseKeyspaceEvents('A'), NOTIFY_ALL);
    assert.equal(NOTIFY_ALL & (NOTIFY.keyMiss | NOTIFY.new | NOTIFY.keyspace | NOTIFY.keyevent), 0);
    assert.equal(parseKeyspaceEvents('x?'), null);
  });
  it("keeps 'n' under A while CONFIG GET hides it", () => {
    const stored = parseKeyspaceEventsDirective('KEAn');
    assert.equal(typeof stored, 'string');
    assert.ok((parseKeyspaceEvents(stored as string)! & NOTIFY.new) !== 0);
    assert.equal(showKeyspaceEvents(stored as string), 'AKE');
    assert.equal(formatKeyspaceEvents(parseKeyspaceEvents('dtexzhsl$g')!), 'A');
  });
  it('maps event classes to bits', () => {
    assert.equal(classBit('$'), NOTIFY.string);
    assert.equal(classBit('m'), NOTIFY.keyMiss);
    assert.equal(classBit('?'), 0);
  });
});

describe('client-output-buffer-limit', () => {
  it('merges named classes into the current value', () => {
    assert.equal(parseOutputLimitsDirective('pubsub 1kb 1k 5', DEFAULT_OUTPUT_LIMITS),
      'normal 0 0 0 slave 268435456 67108864 60 pubsub 1024 1000 5');
    assert.equal(parseOutputLimitsDirective('REPLICA 1 2 3'), 'normal 0 0 0 slave 1 2 3 pubsub 33554432 8388608 60');
    assert.deepEqual(parseOutputLimitsDirective('normal 1 2'), { error: 'Wrong number of arguments in buffer limit configuration.' });
    assert.deepEqual(outputLimitsOf(DEFAULT_OUTPUT_LIMITS).pubsub, { hard: 33554432, soft: 8388608, softSeconds: 60 });
  });
  it('hard limits act at once, soft ones after the grace seconds', () => {
    const state = { softSince: 0 };
    const limit = { hard: 100, soft: 50, softSeconds: 2 };
    assert.equal(overLimit(100, limit, state, 10_000), true);
    const s2 = { softSince: 0 };
    assert.equal(overLimit(60, limit, s2, 10_000), false);
    assert.equal(s2.softSince, 10);
    assert.equal(overLimit(60, limit, s2, 12_999), false);
    assert.equal(overLimit(60, limit, s2, 13_000), true);
    assert.equal(overLimit(10, limit, s2, 13_500), false);
    assert.equal(s2.softSince, 0, 'below the soft limit resets the clock');
  });
});
