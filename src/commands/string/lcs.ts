// LCS (Redis 7.0+): longest common subsequence of two string keys by the classic dynamic
// programming table, with Redis's exact backtracking order (so IDX ranges match its output),
// its options (LEN, IDX, MINMATCHLEN, WITHMATCHLEN) and its transient-memory guard.

import type { Ctx } from '../../exec/context.js';
import { isStringValue } from '../../keyspace/value.js';
import { stringOf } from '../../keyspace/types/string.js';
import { Err } from '../../resp/errors.js';

const UINT32_MAX = 0xffffffff;

export function lcs(ctx: Ctx): void {
  const db = ctx.db;
  const va = db.lookupRead(ctx.arg(1));
  const vb = db.lookupRead(ctx.arg(2));
  if ((va !== undefined && !isStringValue(va)) || (vb !== undefined && !isStringValue(vb))) {
    throw Err.lcsWrongType();
  }
  const a = va === undefined ? '' : stringOf(va);
  const b = vb === undefined ? '' : stringOf(vb);

  let getLen = false;
  let getIdx = false;
  let withMatchLen = false;
  let minMatchLen = 0;
  for (let j = 3; j < ctx.argc; j++) {
    const opt = ctx.arg(j).toUpperCase();
    const moreArgs = ctx.argc - 1 - j;
    if (opt === 'IDX') getIdx = true;
    else if (opt === 'LEN') getLen = true;
    else if (opt === 'WITHMATCHLEN') withMatchLen = true;
    else if (opt === 'MINMATCHLEN' && moreArgs > 0) {
      const v = ctx.int64(j + 1);
      minMatchLen = v < 0 ? 0 : Number(v);
      j++;
    } else {
      throw Err.syntax();
    }
  }
  if (getIdx && getLen) throw Err.lcsLenAndIdx();
  if (a.length >= UINT32_MAX - 1 || b.length >= UINT32_MAX - 1) throw Err.lcsTooLong();

  const alen = a.length;
  const blen = b.length;
  const width = blen + 1;
  // Redis allocates (alen+1)(blen+1) 32-bit cells and refuses past proto-max-bulk-len.
  const cells = (alen + 1) * width;
  if (cells * 4 > ctx.server.config.num('proto-max-bulk-len')) throw Err.lcsOverBulkLimit();
  let table: Uint32Array;
  try {
    table = new Uint32Array(cells);
  } catch {
    throw Err.lcsAllocFailed();
  }
  for (let i = 1; i <= alen; i++) {
    const ca = a.charCodeAt(i - 1);
    const row = i * width;
    const prev = row - width;
    for (let j = 1; j <= blen; j++) {
      if (ca === b.charCodeAt(j - 1)) {
        table[row + j] = table[prev + j - 1]! + 1;
      } else {
        const up = table[prev + j]!;
        const left = table[row + j - 1]!;
        table[row + j] = up > left ? up : left;
      }
    }
  }
  const total = table[alen * width + blen]!;

  if (getLen) {
    ctx.reply.integer(total);
    return;
  }

  // Walk back from the end, collecting the subsequence and (for IDX) the matching ranges.
  const out = new Array<string>(total);
  let idx = total;
  const ranges: number[] = [];
  let aStart = alen; // alen means "no range open"
  let aEnd = 0;
  let bStart = 0;
  let bEnd = 0;
  let i = alen;
  let j = blen;
  while (i > 0 && j > 0) {
    let emit = false;
    if (a.charCodeAt(i - 1) === b.charCodeAt(j - 1)) {
      out[idx - 1] = a[i - 1]!;
      if (aStart === alen) {
        aStart = aEnd = i - 1;
        bStart = bEnd = j - 1;
      } else if (aStart === i && bStart === j) {
        aStart--;
        bStart--;
      } else {
        emit = true;
      }
      if (aStart === 0 || bStart === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const up = table[(i - 1) * width + j]!;
      const left = table[i * width + j - 1]!;
      if (up > left) i--;
      else j--;
      if (aStart !== alen) emit = true;
    }
    if (emit) {
      const matchLen = aEnd - aStart + 1;
      if (getIdx && (minMatchLen === 0 || matchLen >= minMatchLen)) ranges.push(aStart, aEnd, bStart, bEnd, matchLen);
      aStart = alen;
    }
  }

  if (!getIdx) {
    ctx.reply.bulk(out.join(''));
    return;
  }
  const r = ctx.reply;
  r.map(2);
  r.bulk('matches');
  r.array(ranges.length / 5);
  for (let k = 0; k < ranges.length; k += 5) {
    r.array(withMatchLen ? 3 : 2);
    r.array(2);
    r.integer(ranges[k]!);
    r.integer(ranges[k + 1]!);
    r.array(2);
    r.integer(ranges[k + 2]!);
    r.integer(ranges[k + 3]!);
    if (withMatchLen) r.integer(ranges[k + 4]!);
  }
  r.bulk('len');
  r.integer(total);
}
