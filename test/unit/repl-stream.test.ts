// The replication stream target: exact RESP bytes (SELECT when the db changes, as Redis emits
// it), MULTI/EXEC through the Propagator, the PING schedule, offsets, and proxying.

import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { Propagator } from '../../src/exec/propagate.js';
import { encodeCommand, encodeSelect } from '../../src/resp/encode.js';
import { ReplBuffer } from '../../src/replication/repl-buffer.js';
import { ReplicationStream } from '../../src/replication/stream.js';

function setup(offset = 0) {
  const buffer = new ReplBuffer({ offset });
  const reader = buffer.addReader(offset)!;
  const stream = new ReplicationStream(buffer);
  const take = () => Buffer.concat(reader.read()).toString('latin1');
  return { buffer, stream, take };
}

describe('encodeCommand', () => {
  it('writes a multibulk with byte lengths', () => {
    assert.equal(encodeCommand(['SET', 'k', 'v']), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    assert.equal(encodeCommand(['PING']), '*1\r\n$4\r\nPING\r\n');
    assert.equal(encodeCommand(['SET', '', '\xff\r\n\x00']), '*3\r\n$3\r\nSET\r\n$0\r\n\r\n$4\r\n\xff\r\n\x00\r\n');
  });
  it('writes SELECT as Redis shares it', () => {
    assert.equal(encodeSelect(0), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n');
    assert.equal(encodeSelect(15), '*2\r\n$6\r\nSELECT\r\n$2\r\n15\r\n');
  });
});

describe('ReplicationStream', () => {
  it('emits SELECT before the first command and again only when the db changes', () => {
    const { stream, take } = setup();
    stream.feed(0, ['set', 'k', 'v']);
    assert.equal(take(), '*2\r\n$6\r\nSELECT\r\n$1\r\n0\r\n*3\r\n$3\r\nset\r\n$1\r\nk\r\n$1\r\nv\r\n');
    stream.feed(0, ['del', 'k']);
    assert.equal(take(), '*2\r\n$3\r\ndel\r\n$1\r\nk\r\n');
    stream.feed(9, ['incr', 'n']);
    assert.equal(take(), '*2\r\n$6\r\nSELECT\r\n$1\r\n9\r\n*2\r\n$4\r\nincr\r\n$1\r\nn\r\n');
    assert.equal(stream.streamDb, 9);
  });

  it('re-emits SELECT after forceSelect (a full sync started, or a promotion)', () => {
    const { stream, take } = setup();
    stream.feed(2, ['del', 'a']);
    take();
    stream.forceSelect();
    assert.equal(stream.streamDb, -1);
    stream.feed(2, ['del', 'b']);
    assert.equal(take(), encodeSelect(2) + encodeCommand(['del', 'b']));
  });

  it('tracks master_repl_offset byte for byte', () => {
    const { stream, buffer } = setup(1000);
    stream.feed(0, ['set', 'k', 'v']);
    assert.equal(stream.offset, 1000 + encodeSelect(0).length + encodeCommand(['set', 'k', 'v']).length);
    assert.equal(stream.offset, buffer.offset);
  });

  it('receives MULTI/EXEC-wrapped units from the Propagator, SELECT first', () => {
    const { stream, take } = setup();
    const p = new Propagator();
    p.addTarget(stream);
    p.depth = 1;
    p.add(3, ['set', 'a', '1']);
    p.add(3, ['set', 'b', '2']);
    p.depth = 0;
    p.flush();
    assert.equal(
      take(),
      encodeSelect(3) + encodeCommand(['MULTI']) + encodeCommand(['set', 'a', '1']) + encodeCommand(['set', 'b', '2']) + encodeCommand(['EXEC']),
    );
  });

  it('PINGs on the first cron call and then every period, only with replicas, never with SELECT', () => {
    const { stream, take } = setup();
    const pinged: number[] = [];
    for (let loop = 0; loop < 25; loop++) if (stream.cron(10, 1)) pinged.push(loop);
    assert.deepEqual(pinged, [0, 10, 20]);
    assert.equal(take(), encodeCommand(['PING']).repeat(3));
    // No replicas: no PING, but the schedule keeps counting (loop 25..34: the 30th would ping).
    for (let loop = 25; loop < 35; loop++) assert.equal(stream.cron(10, 0), false);
    assert.equal(take(), '');
    assert.equal(stream.cron(10, 2, true), false); // loop 35 is not due anyway
    const s2 = setup().stream;
    assert.equal(s2.cron(1, 1, true), false, 'skipped while a failover pauses writes');
    assert.equal(s2.cron(1, 1), true);
    assert.equal(s2.streamDb, -1, 'PING does not select a db');
  });

  it('proxies a primary stream byte for byte', () => {
    const { stream, take } = setup(77);
    const raw = Buffer.from(encodeSelect(4) + encodeCommand(['set', 'x', '\xfe']), 'latin1');
    stream.proxy(raw);
    assert.equal(take(), raw.toString('latin1'));
    assert.equal(stream.offset, 77 + raw.length);
  });
});
