import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { RespParser } from '../../src/resp/parser.js';

const limits = { maxBulkLen: 512 * 1024 * 1024, authRequired: () => false };

function parseAll(chunks: (string | Buffer)[], l = limits): { cmds: string[][]; error: string | null } {
  const p = new RespParser(l);
  const cmds: string[][] = [];
  let error: string | null = null;
  for (const c of chunks) {
    error = p.feed(typeof c === 'string' ? Buffer.from(c, 'latin1') : c, cmds);
    if (error) break;
  }
  return { cmds, error };
}

describe('RespParser', () => {
  it('parses pipelined multibulk commands', () => {
    const r = parseAll(['*2\r\n$3\r\nGET\r\n$1\r\na\r\n*1\r\n$4\r\nPING\r\n']);
    assert.deepEqual(r.cmds, [['GET', 'a'], ['PING']]);
  });

  it('parses a command split at every byte', () => {
    const text = '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n';
    const r = parseAll([...text]);
    assert.deepEqual(r.cmds, [['SET', 'key', 'va\r\nl']]);
  });

  it('keeps every byte value 0-255 in arguments', () => {
    const bytes = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const r = parseAll([Buffer.concat([Buffer.from('*1\r\n$256\r\n'), bytes, Buffer.from('\r\n')])]);
    assert.equal(Buffer.from(r.cmds[0]![0]!, 'latin1').compare(bytes), 0);
  });

  it('collects a big bulk argument across many reads', () => {
    const size = 1024 * 1024;
    const payload = Buffer.alloc(size, 'x');
    const whole = Buffer.concat([Buffer.from(`*2\r\n$3\r\nSET\r\n$${size}\r\n`), payload, Buffer.from('\r\n')]);
    const chunks: Buffer[] = [];
    for (let i = 0; i < whole.length; i += 1000) chunks.push(whole.subarray(i, i + 1000));
    const r = parseAll(chunks);
    assert.equal(r.cmds.length, 1);
    assert.equal(r.cmds[0]![1]!.length, size);
  });

  it('parses inline commands with quotes', () => {
    const r = parseAll(['SET a "x y\\n"\r\nGET \'b c\'\n']);
    assert.deepEqual(r.cmds, [['SET', 'a', 'x y\n'], ['GET', 'b c']]);
  });

  it('ignores empty multibulk and empty inline lines', () => {
    assert.deepEqual(parseAll(['*0\r\n\r\n*-1\r\n*1\r\n$1\r\nx\r\n']).cmds, [['x']]);
  });

  it('reports Redis protocol errors', () => {
    assert.equal(parseAll(['*x\r\n']).error, 'invalid multibulk length');
    assert.equal(parseAll(['*1\r\n+x\r\n']).error, "expected '$', got '+'");
    assert.equal(parseAll(['*1\r\n$-5\r\n']).error, 'invalid bulk length');
    assert.equal(parseAll(['*1\r\n$99999999999\r\n']).error, 'invalid bulk length');
    assert.equal(parseAll(['SET "a\r\n']).error, 'unbalanced quotes in request');
    assert.equal(parseAll(['x'.repeat(70000)]).error, 'too big inline request');
    assert.equal(parseAll(['*' + '1'.repeat(70000)]).error, 'too big mbulk count string');
  });

  it('limits unauthenticated clients to small requests', () => {
    const l = { ...limits, authRequired: () => true };
    // Redis 7 names these errors apart (checked against redis-server in protocol.test.ts).
    assert.equal(parseAll(['*11\r\n'], l).error, 'unauthenticated multibulk length');
    assert.equal(parseAll(['*1\r\n$16385\r\n'], l).error, 'unauthenticated bulk length');
  });
});
