// Table-driven checks for the STRING tests: each step is a command and the reply expected,
// compared after decoding (errors by their full text).

import { strict as assert } from 'node:assert';
import { RespError, type RespValue, type TestClient } from '../../helpers/resp-client.js';

/** An expected error reply. */
export class ErrorText {
  constructor(readonly text: string) {}
}
export const error = (text: string): ErrorText => new ErrorText(text);

export const WRONGTYPE = error('WRONGTYPE Operation against a key holding the wrong kind of value');
export const NOT_INTEGER = error('ERR value is not an integer or out of range');
export const NOT_FLOAT = error('ERR value is not a valid float');
export const SYNTAX = error('ERR syntax error');
export const arity = (cmd: string): ErrorText => error(`ERR wrong number of arguments for '${cmd}' command`);

export type Expected = RespValue | ErrorText | bigint;
export type Step = [cmd: (string | number | Buffer)[], expected: Expected];

export async function expectSteps(c: TestClient, steps: Step[]): Promise<void> {
  for (const [cmd, expected] of steps) {
    const got = await c.send(...cmd);
    const label = JSON.stringify(cmd.map(String));
    if (expected instanceof ErrorText) {
      assert.ok(got instanceof RespError, `${label}: expected error "${expected.text}", got ${String(got)}`);
      assert.equal(got.message, expected.text, label);
    } else {
      assert.deepEqual(got, expected, label);
    }
  }
}
