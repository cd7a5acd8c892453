// PSYNC2 rules as a decision table, the SYNC/PSYNC gates, replication id changes, the replica's
// request and its reading of the primary's replies, and REPLCONF parsing.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import {
  NO_REPLID,
  ReplIds,
  decidePsync,
  fullResyncReply,
  parsePsyncReply,
  pingReplyOk,
  psyncRequest,
  syncGate,
  type PrimaryHistory,
  type SyncGateInput,
} from '../../src/replication/psync.js';
import { parseReplconf } from '../../src/replication/replconf.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);

describe('decidePsync', () => {
  // Primary: replid A, previous history B valid up to PSYNC offset 501 (promoted at offset 500),
  // backlog holding offsets 301..1000 (histlen 700, master_repl_offset 1000).
  const h: PrimaryHistory = { replid: A, replid2: B, secondOffset: 501, backlog: { firstByteOffset: 301, histlen: 700 } };
  type Row = [replid: string, offset: number | bigint, psync2: boolean, expect: string, history?: PrimaryHistory];
  const table: Row[] = [
    [A, 1001, true, `continue +CONTINUE ${A} from 1000 sending 0`], // caught up: asks for the next byte
    [A, 1001, false, 'continue +CONTINUE from 1000 sending 0'], // no capa psync2: no id
    [A, 1002, true, 'full offset-out-of-range'], // beyond master_repl_offset + 1
    [A, 301, true, `continue +CONTINUE ${A} from 300 sending 700`], // the oldest byte held
    [A, 300, true, 'full offset-out-of-range'], // one before it
    [A, 700, true, `continue +CONTINUE ${A} from 699 sending 301`],
    [A.toUpperCase(), 700, true, `continue +CONTINUE ${A} from 699 sending 301`], // ids compare case-insensitively
    [B, 501, true, `continue +CONTINUE ${A} from 500 sending 500`], // old history up to where it forked
    [B, 502, true, 'full replid2-offset'],
    [B, 400, false, 'continue +CONTINUE from 399 sending 601'],
    [B, 200, true, 'full offset-out-of-range'], // old id fine, bytes gone
    [C, 700, true, 'full replid-mismatch'],
    ['?', -1, true, 'full requested'],
    ['?', 700, true, 'full requested'],
    ['?x', 700, true, 'full requested'],
    [A, -1, true, 'full offset-out-of-range'],
    [A, 2n ** 62n, true, 'full offset-out-of-range'],
    [B, 2n ** 62n, true, 'full replid2-offset'],
    [A, 700, true, 'full no-backlog', { ...h, backlog: null }],
    // replid2 unset is forty zeros with offset -1: naming it never continues.
    [NO_REPLID, 700, true, 'full replid2-offset', { ...h, replid2: NO_REPLID, secondOffset: -1 }],
    [NO_REPLID, -1, true, 'full offset-out-of-range', { ...h, replid2: NO_REPLID, secondOffset: -1 }],
    // A fresh backlog: nothing held, the only valid request is master_repl_offset + 1.
    [A, 51, true, `continue +CONTINUE ${A} from 50 sending 0`, { ...h, backlog: { firstByteOffset: 51, histlen: 0 } }],
    [A, 50, true, 'full offset-out-of-range', { ...h, backlog: { firstByteOffset: 51, histlen: 0 } }],
  ];
  for (const [replid, offset, psync2, expect, history] of table) {
    it(`PSYNC ${replid.slice(0, 6)} ${offset}${psync2 ? ' (psync2)' : ''} → ${expect}`, () => {
      const d = decidePsync(replid, offset, psync2, history ?? h);
      const got =
        d.kind === 'continue'
          ? `continue ${d.reply.trimEnd()} from ${d.readerOffset} sending ${d.backlogBytes}`
          : `full ${d.reason}`;
      assert.equal(got, expect);
      if (d.kind === 'full') assert.equal(d.partialError, replid[0] !== '?');
    });
  }

  it('formats +FULLRESYNC', () => {
    assert.equal(fullResyncReply(A, 12345), `+FULLRESYNC ${A} 12345\r\n`);
  });
});

describe('ReplIds', () => {
  it('starts with a random 40-hex id and no second id', () => {
    const ids = new ReplIds();
    assert.match(ids.replid, /^[0-9a-f]{40}$/);
    assert.equal(ids.replid2, NO_REPLID);
    assert.equal(ids.secondOffset, -1);
    assert.notEqual(new ReplIds().replid, ids.replid);
  });

  it('shift on promotion keeps the old history valid up to offset + 1', () => {
    const ids = new ReplIds(A);
    ids.shift(500);
    assert.equal(ids.replid2, A);
    assert.equal(ids.secondOffset, 501);
    assert.notEqual(ids.replid, A);
    // A replica of the old primary that has all 500 bytes continues with the new primary.
    const d = decidePsync(A, 501, true, { replid: ids.replid, replid2: ids.replid2, secondOffset: ids.secondOffset, backlog: { firstByteOffset: 1, histlen: 500 } });
    assert.equal(d.kind, 'continue');
    ids.clearSecond();
    assert.equal(ids.replid2, NO_REPLID);
    assert.equal(ids.secondOffset, -1);
  });

  it('follows a primary that announced a new id in +CONTINUE', () => {
    const ids = new ReplIds(A);
    assert.equal(ids.followPrimary(A, 900), false);
    assert.equal(ids.followPrimary(B, 900), true);
    assert.equal(ids.replid, B);
    assert.equal(ids.replid2, A);
    assert.equal(ids.secondOffset, 901);
  });
});

describe('syncGate', () => {
  const base: SyncGateInput = {
    argv: ['PSYNC', A, '100'],
    clientIsReplica: false,
    myReplid: A,
    isReplica: false,
    primaryLinkUp: false,
    failoverInProgress: false,
    hasPendingOutput: false,
    wantsFilteredRdb: false,
    capaEof: false,
  };
  const gate = (over: Partial<SyncGateInput>) => {
    const g = syncGate({ ...base, ...over });
    return g.kind === 'error' ? g.error.text : g.kind === 'proceed' ? `proceed ${g.promote} ${g.psync} ${g.offset}` : g.kind;
  };

  it('checks in Redis order', () => {
    assert.equal(gate({}), 'proceed false true 100');
    assert.equal(gate({ argv: ['sync'] }), 'proceed false false -1');
    assert.equal(gate({ clientIsReplica: true, failoverInProgress: true }), 'ignore');
    assert.equal(gate({ failoverInProgress: true }), "NOMASTERLINK Can't SYNC while failing over");
    assert.equal(gate({ isReplica: true }), "NOMASTERLINK Can't SYNC while not connected with my master");
    assert.equal(gate({ isReplica: true, primaryLinkUp: true }), 'proceed false true 100');
    assert.equal(gate({ hasPendingOutput: true }), 'ERR SYNC and PSYNC are invalid with pending output');
    assert.equal(gate({ wantsFilteredRdb: true }), 'ERR Filtered replica requires EOF capability');
    assert.equal(gate({ wantsFilteredRdb: true, capaEof: true }), 'proceed false true 100');
    assert.equal(gate({ argv: ['psync', '?', 'abc'] }), 'ERR value is not an integer or out of range');
    assert.equal(gate({ argv: ['psync', '?', '-1'] }), 'proceed false true -1');
    assert.equal(gate({ argv: ['psync', '?', '99999999999999999999'] }), 'ERR value is not an integer or out of range');
  });

  it('handles PSYNC ... FAILOVER from the old primary', () => {
    assert.equal(gate({ argv: ['PSYNC', A, '5', 'failover'] }), "ERR PSYNC FAILOVER can't be sent to a master.");
    assert.equal(gate({ argv: ['PSYNC', B, '5', 'FAILOVER'], isReplica: true }), 'ERR PSYNC FAILOVER replid must match my replid.');
    // Promotion happens first, so the link state no longer matters.
    assert.equal(gate({ argv: ['PSYNC', A, '5', 'FAILOVER'], isReplica: true }), 'proceed true true 5');
  });
});

describe('replica side of PSYNC', () => {
  it('asks to continue from the byte after the cached offset, or for a full sync', () => {
    assert.deepEqual(psyncRequest({ replid: A, offset: 1000 }), ['PSYNC', A, '1001']);
    assert.deepEqual(psyncRequest(null), ['PSYNC', '?', '-1']);
    assert.deepEqual(psyncRequest(null, true), ['PSYNC', '?', '-1', 'FAILOVER']);
  });

  const cases: [string, unknown][] = [
    ['', { kind: 'wait' }],
    ['\r', { kind: 'wait' }],
    [`+FULLRESYNC ${A} 1234`, { kind: 'full', replid: A, offset: 1234 }],
    [`+FULLRESYNC ${A} 1234\r`, { kind: 'full', replid: A, offset: 1234 }],
    [`+FULLRESYNC ${A} 12x`, { kind: 'full', replid: A, offset: 12 }], // strtoll reading
    [`+FULLRESYNC ${A}`, { kind: 'full', replid: null, offset: -1 }],
    [`+FULLRESYNC ${A}b 5`, { kind: 'full', replid: null, offset: -1 }],
    ['+FULLRESYNC', { kind: 'full', replid: null, offset: -1 }],
    ['+CONTINUE', { kind: 'continue', newReplid: null }],
    [`+CONTINUE ${B}`, { kind: 'continue', newReplid: B }],
    [`+CONTINUE ${B}x`, { kind: 'continue', newReplid: null }],
    [`+CONTINUE ${B}\0junk`, { kind: 'continue', newReplid: B }],
    ["-NOMASTERLINK Can't SYNC while not connected with my master", { kind: 'try-later', line: "-NOMASTERLINK Can't SYNC while not connected with my master" }],
    ['-LOADING Redis is loading the dataset in memory', { kind: 'try-later', line: '-LOADING Redis is loading the dataset in memory' }],
    ["-ERR unknown command 'PSYNC'", { kind: 'not-supported', line: "-ERR unknown command 'PSYNC'", isError: true }],
    ['+OK', { kind: 'not-supported', line: '+OK', isError: false }],
  ];
  for (const [line, expected] of cases) {
    it(`reads ${JSON.stringify(line.slice(0, 30))}`, () => assert.deepEqual(parsePsyncReply(line), expected));
  }

  it('accepts the PING reply Redis accepts in the handshake', () => {
    assert.equal(pingReplyOk('+PONG'), true);
    assert.equal(pingReplyOk('-NOAUTH Authentication required.'), true);
    assert.equal(pingReplyOk('-NOPERM this user has no permissions'), true);
    assert.equal(pingReplyOk('-ERR operation not permitted'), true);
    assert.equal(pingReplyOk('-ERR unknown command'), false);
    assert.equal(pingReplyOk(''), false);
  });
});

describe('parseReplconf', () => {
  const p = (...args: string[]) => {
    const r = parseReplconf(['REPLCONF', ...args]);
    const o = r.outcome;
    return { changes: r.changes, out: o.kind === 'error' ? o.error.text : o };
  };

  it('accepts option pairs and no options at all', () => {
    assert.deepEqual(p(), { changes: {}, out: { kind: 'ok' } });
    assert.deepEqual(p('listening-port', '6380', 'CAPA', 'eof', 'capa', 'psync2', 'capa', 'future'), {
      changes: { listeningPort: 6380, capaEof: true, capaPsync2: true },
      out: { kind: 'ok' },
    });
    assert.deepEqual(p('ip-address', '10.0.0.1').changes, { ipAddress: '10.0.0.1' });
    assert.deepEqual(p('ip-address', 'a'.repeat(255)).out, { kind: 'ok' });
    assert.deepEqual(p('rdb-only', '1').changes, { rdbOnly: true });
    assert.deepEqual(p('rdb-only', '0').changes, { rdbOnly: false });
    assert.deepEqual(p('rdb-filter-only', '').changes, { rdbFilter: { includeFunctions: false } });
    assert.deepEqual(p('rdb-filter-only', 'functions').changes, { rdbFilter: { includeFunctions: true } });
    assert.deepEqual(p('listening-port', '-5').changes, { listeningPort: -5 });
  });

  it('answers errors as Redis does, keeping options set before the failing one', () => {
    assert.equal(p('listening-port').out, 'ERR syntax error');
    assert.equal(p('foo', 'bar').out, 'ERR Unrecognized REPLCONF option: foo');
    assert.equal(p('listening-port', 'abc').out, 'ERR value is not an integer or out of range');
    assert.equal(p('ip-address', 'a'.repeat(256)).out, 'ERR REPLCONF ip-address provided by replica instance is too long: 256 bytes');
    assert.equal(p('rdb-only', '2').out, 'ERR value is out of range, value must between 0 and 1');
    assert.equal(p('rdb-only', 'x').out, 'ERR value is not an integer or out of range');
    assert.equal(p('rdb-filter-only', '"').out, 'ERR Missing rdb-filter-only values');
    const r = p('listening-port', '1', 'rdb-filter-only', 'functions keys');
    assert.equal(r.out, 'ERR Unsupported rdb-filter-only option: keys');
    assert.deepEqual(r.changes, { listeningPort: 1, rdbFilter: { includeFunctions: true } });
  });

  it('reads ACK and GETACK, which end the command without a reply', () => {
    assert.deepEqual(p('ack', '100').out, { kind: 'ack', offset: 100, fack: null, fackValid: true });
    assert.deepEqual(p('ACK', '100', 'fack', '90').out, { kind: 'ack', offset: 100, fack: 90, fackValid: true });
    assert.deepEqual(p('ack', '100', 'fack', 'x').out, { kind: 'ack', offset: 100, fack: null, fackValid: false });
    assert.deepEqual(p('ack', 'x', 'fack', '5').out, { kind: 'ack', offset: null, fack: null, fackValid: true });
    assert.deepEqual(p('getack', '*').out, { kind: 'getack' });
    // Options after ACK are never looked at, even invalid ones.
    assert.deepEqual(p('ack', '1', 'bogus', 'x').out, { kind: 'ack', offset: 1, fack: null, fackValid: true });
  });
});
