// The multi-part AOF manifest of Redis 7: which base, incremental and history files make up the
// append-only log, their names and sequence numbers, the text format of <appendfilename>.manifest
// (parsed as strictly as Redis does) and its atomic replacement on disk. Pure bookkeeping: no
// server, no config; file I/O only in writeManifestFile.

import { closeSync, fsyncSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { splitArgs } from '../../util/split-args.js';

export type AofFileType = 'b' | 'h' | 'i';

export interface AofFileInfo {
  name: string;
  seq: number;
  type: AofFileType;
}

/** The manifest's content. Treated as immutable: changes go through clone() first. */
export interface AofManifest {
  base: AofFileInfo | null;
  /** Incremental files in the order they are loaded (ascending seq). */
  incr: AofFileInfo[];
  /** Files replaced by a rewrite, deleted unless aof-disable-auto-gc is set. */
  history: AofFileInfo[];
  baseSeq: number;
  incrSeq: number;
}

export const MANIFEST_SUFFIX = '.manifest';
export const TEMP_PREFIX = 'temp-';
/** Redis reads manifest lines into a buffer of this many bytes. */
const MAX_LINE = 1024;

export function emptyManifest(): AofManifest {
  return { base: null, incr: [], history: [], baseSeq: 0, incrSeq: 0 };
}

export function cloneManifest(m: AofManifest): AofManifest {
  return {
    base: m.base === null ? null : { ...m.base },
    incr: m.incr.map((f) => ({ ...f })),
    history: m.history.map((f) => ({ ...f })),
    baseSeq: m.baseSeq,
    incrSeq: m.incrSeq,
  };
}

export function manifestName(appendFilename: string): string {
  return appendFilename + MANIFEST_SUFFIX;
}

/** Where writes accumulate while AOF is being turned on (renamed into an incr file when done). */
export function tempIncrName(appendFilename: string): string {
  return `${TEMP_PREFIX}${appendFilename}.incr`;
}

/** A new base file (the old base becomes history); returns its name. */
export function addNewBase(m: AofManifest, appendFilename: string, rdb: boolean): string {
  if (m.base !== null) m.history.unshift({ ...m.base, type: 'h' });
  m.baseSeq++;
  const name = `${appendFilename}.${m.baseSeq}.base.${rdb ? 'rdb' : 'aof'}`;
  m.base = { name, seq: m.baseSeq, type: 'b' };
  return name;
}

/** A new incremental file at the end of the list; returns its name. */
export function addNewIncr(m: AofManifest, appendFilename: string): string {
  m.incrSeq++;
  const name = `${appendFilename}.${m.incrSeq}.incr.aof`;
  m.incr.push({ name, seq: m.incrSeq, type: 'i' });
  return name;
}

/** After a rewrite: every incr file but the last `keep` ones becomes history. */
export function markIncrAsHistory(m: AofManifest, keep: number): void {
  const moved = m.incr.splice(0, Math.max(0, m.incr.length - keep));
  // Redis adds them to the head of the history list from the newest back.
  for (let i = moved.length - 1; i >= 0; i--) m.history.unshift({ ...moved[i]!, type: 'h' });
}

/** The manifest text: base first, then history, then incremental files. */
export function formatManifest(m: AofManifest): string {
  let out = '';
  const line = (f: AofFileInfo) => { out += `file ${quoteName(f.name)} seq ${f.seq} type ${f.type}\n`; };
  if (m.base !== null) line(m.base);
  for (const f of m.history) line(f);
  for (const f of m.incr) line(f);
  return out;
}

/** A name goes out quoted, with escapes, when it holds spaces, quotes or unprintable bytes. */
function quoteName(name: string): string {
  if (/^[\x21-\x7e]*$/.test(name) && !/["'\\]/.test(name)) return name;
  let s = '"';
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i);
    const ch = name[i]!;
    if (ch === '\\' || ch === '"') s += '\\' + ch;
    else if (ch === '\n') s += '\\n';
    else if (ch === '\r') s += '\\r';
    else if (ch === '\t') s += '\\t';
    else if (ch === '\x07') s += '\\a';
    else if (ch === '\b') s += '\\b';
    else if (c >= 0x20 && c <= 0x7e) s += ch;
    else s += '\\x' + c.toString(16).padStart(2, '0');
  }
  return s + '"';
}

export class ManifestError extends Error {
  constructor(readonly reason: string, readonly lineNo: number, readonly line: string | null) {
    super(reason);
  }
}

/** Parses manifest text with Redis's checks; throws ManifestError. */
export function parseManifest(text: string): AofManifest {
  const m = emptyManifest();
  let maxIncrSeq = 0;
  let lineNo = 0;
  let pos = 0;
  while (pos < text.length) {
    const nl = text.indexOf('\n', pos);
    // Redis reads with a 1024-byte buffer: a longer line (or a last line without its newline
    // that still fills the buffer) is refused rather than split.
    const raw = nl === -1 ? text.slice(pos) : text.slice(pos, nl + 1);
    lineNo++;
    if (raw.startsWith('#')) {
      pos = nl === -1 ? text.length : nl + 1;
      continue;
    }
    if (nl === -1 || raw.length > MAX_LINE) throw new ManifestError('The AOF manifest file contains too long line', lineNo, null);
    pos = nl + 1;
    const line = raw.replace(/^[ \t\r\n]+|[ \t\r\n]+$/g, '');
    if (line === '') throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
    const argv = splitArgs(line);
    // Six or more words, in pairs, for forward compatibility with added keys.
    if (argv === null || argv.length < 6 || argv.length % 2 !== 0) throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
    let name: string | null = null;
    let seq = 0;
    let type = '';
    for (let i = 0; i < argv.length; i += 2) {
      const k = argv[i]!.toLowerCase();
      const v = argv[i + 1]!;
      if (k === 'file') {
        name = v;
        if (name.includes('/')) throw new ManifestError("File can't be a path, just a filename", lineNo, line);
      } else if (k === 'seq') {
        seq = atoll(v);
      } else if (k === 'type') {
        type = v.charAt(0);
      }
    }
    if (name === null || name === '' || seq === 0 || type === '') throw new ManifestError('Invalid AOF manifest file format', lineNo, line);
    if (type === 'b') {
      if (m.base !== null) throw new ManifestError('Found duplicate base file information', lineNo, line);
      m.base = { name, seq, type: 'b' };
      m.baseSeq = seq;
    } else if (type === 'h') {
      m.history.push({ name, seq, type: 'h' });
    } else if (type === 'i') {
      if (seq <= maxIncrSeq) throw new ManifestError('Found a non-monotonic sequence number', lineNo, line);
      m.incr.push({ name, seq, type: 'i' });
      m.incrSeq = seq;
      maxIncrSeq = seq;
    } else {
      throw new ManifestError('Unknown AOF file type', lineNo, line);
    }
  }
  if (lineNo === 0) throw new ManifestError('Found an empty AOF manifest', 0, null);
  return m;
}

/** C's atoll: optional sign and leading digits, 0 when there are none. */
function atoll(s: string): number {
  const m = /^\s*([+-]?\d+)/.exec(s);
  return m === null ? 0 : Number(m[1]);
}

/**
 * Replaces the manifest atomically: a temp file written and fsynced, renamed over the old one,
 * then the directory fsynced so the new files and the rename are durable. Throws on failure
 * (the caller logs Redis's line and keeps its old manifest).
 */
export function writeManifestFile(dir: string, appendFilename: string, m: AofManifest): void {
  const tmp = join(dir, TEMP_PREFIX + manifestName(appendFilename));
  const fd = openSync(tmp, 'w', 0o644);
  try {
    const b = Buffer.from(formatManifest(m), 'latin1');
    let off = 0;
    while (off < b.length) off += writeSync(fd, b, off, b.length - off);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, join(dir, manifestName(appendFilename)));
  fsyncDir(dir);
}

export function fsyncDir(dir: string): void {
  const fd = openSync(dir, 'r');
  try { fsyncSync(fd); } finally { closeSync(fd); }
}
