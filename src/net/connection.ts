// One client socket: bytes in through the RESP parser, commands out to the session layer as
// argv lists, replies back as whole batches. It knows no command. Reading stops for two
// independent reasons: the peer is not draining our output (so a client that never reads
// cannot grow memory forever), or the session asked (a paused or blocked client).

import type { Socket } from 'node:net';
import { RespParser, type ParserLimits } from '../resp/parser.js';
import type { Transport } from '../session/client.js';

/** Byte counters shared by every connection of a server (INFO total_net_*_bytes). */
export interface IoStats {
  netInputBytes: number;
  netOutputBytes: number;
}

export interface SessionSink {
  readonly limits: ParserLimits;
  readonly io: IoStats;
  /** Complete commands parsed from one read, in order. */
  commands(batch: string[][]): void;
  /** A protocol error: the session replies it and closes. */
  protocolError(what: string): void;
  /** Bytes buffered in the parser after a read (for the query buffer limit). */
  queryBuffer(bytes: number): void;
  /** Everything queued was handed to the kernel: the session may produce more output. */
  drained(): void;
  closed(): void;
}

/** Output queued in user space past which we stop reading from the peer. */
export const PAUSE_READING_AT = 16 * 1024 * 1024;

const BY_BACKPRESSURE = 1;
const BY_SESSION = 2;

export class Connection implements Transport {
  private parser: RespParser | null = null;
  /** Why reading is stopped: a bit per reason; the socket reads again when all are gone. */
  private stopped = 0;
  private isClosed = false;
  private ioStats: IoStats | null = null;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly kind: 'tcp' | 'unix';
  /** True when the peer is on this host (loopback address or unix socket): protected-mode. */
  readonly isLocal: boolean;
  /** Size of the last read and the largest read so far (CLIENT LIST rbs / rbp). */
  lastRead = 0;
  peakRead = 0;

  /**
   * `readBuffer`: a buffer shared by the listener's connections that reads land in (each read
   * is parsed before the next one happens); null reads through the socket's 'data' events.
   */
  constructor(private readonly socket: Socket, kind: 'tcp' | 'unix', unixPath = '',
    private readonly readBuffer: Buffer | null = null) {
    this.kind = kind;
    if (kind === 'unix') {
      this.remoteAddress = `${unixPath}:0`;
      this.localAddress = `${unixPath}:0`;
      this.isLocal = true;
    } else {
      this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
      this.localAddress = formatAddress(socket.localAddress, socket.localPort);
      this.isLocal = isLoopback(socket.remoteAddress);
    }
    socket.setNoDelay(true);
  }

  /** Starts reading once the session is ready. */
  attach(sink: SessionSink): void {
    const parser = new RespParser(sink.limits);
    this.parser = parser;
    const io = sink.io;
    const batch: string[][] = [];
    const onRead = (chunk: Buffer, borrowed: boolean): void => {
      io.netInputBytes += chunk.length;
      this.lastRead = chunk.length;
      if (chunk.length > this.peakRead) this.peakRead = chunk.length;
      const error = parser.feed(chunk, batch, borrowed);
      if (batch.length > 0) {
        const cmds = batch.splice(0, batch.length);
        sink.commands(cmds);
      }
      if (error !== null) sink.protocolError(error);
      else if (!this.isClosed) sink.queryBuffer(parser.pendingBytes);
    };
    const hooks = this.readBuffer !== null ? userBufferHooks(this.socket) : null;
    if (hooks !== null) {
      // Read straight into the listener's buffer: no buffer allocated per read and no trip
      // through the stream's push/emit (about 2 µs per request at pipeline 1).
      const buf = this.readBuffer!;
      const s = this.socket as unknown as Record<symbol, unknown>;
      s[hooks.buffer] = buf;
      s[hooks.callback] = (n: number): void => onRead(buf.subarray(0, n), true);
      hooks.handle.useUserBuffer(buf);
    } else {
      this.socket.on('data', (chunk: Buffer) => onRead(chunk, false));
    }
    this.socket.on('drain', () => {
      if (this.stopped & BY_BACKPRESSURE) this.resume(BY_BACKPRESSURE);
      sink.drained();
    });
    this.socket.on('error', () => {
      // A reset or broken pipe: 'close' follows and cleans up.
    });
    this.socket.on('close', () => {
      this.isClosed = true;
      sink.closed();
    });
    this.ioStats = io;
    // Accepted paused (the listener's pauseOnConnect), so nothing was read before this point.
    if (this.stopped === 0) this.socket.resume();
  }

  get fd(): number {
    const h = (this.socket as unknown as { _handle?: { fd?: number } })._handle;
    return h?.fd ?? -1;
  }

  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  get closed(): boolean {
    return this.isClosed;
  }

  write(data: string | Buffer): void {
    if (this.isClosed || this.socket.destroyed) return;
    if (this.ioStats !== null) this.ioStats.netOutputBytes += data.length;
    if (typeof data === 'string') this.socket.write(data, 'latin1');
    else this.socket.write(data);
    if (!(this.stopped & BY_BACKPRESSURE) && this.socket.writableLength > PAUSE_READING_AT) {
      this.stop(BY_BACKPRESSURE);
    }
  }

  close(): void {
    this.isClosed = true;
    this.socket.destroy();
  }

  closeAfterWrite(): void {
    this.socket.end();
    // Keep reading (and discarding) so that the peer's FIN is seen and the socket can close:
    // a socket nobody reads never notices the end of its input.
    this.stopped = 0;
    this.socket.resume();
    // A peer that never reads must not keep a closing connection alive.
    setTimeout(() => this.socket.destroy(), 10_000).unref();
  }

  pauseReading(): void {
    this.stop(BY_SESSION);
  }

  resumeReading(): void {
    this.resume(BY_SESSION);
  }

  /** The parser's buffered bytes (CLIENT LIST qbuf). */
  get queryBufferBytes(): number {
    return this.parser?.pendingBytes ?? 0;
  }

  private stop(reason: number): void {
    if (this.stopped === 0) this.socket.pause();
    this.stopped |= reason;
  }

  private resume(reason: number): void {
    if (!(this.stopped & reason)) return;
    this.stopped &= ~reason;
    if (this.stopped === 0 && !this.isClosed) this.socket.resume();
  }
}

interface UserBufferHooks {
  buffer: symbol;
  callback: symbol;
  handle: { useUserBuffer(buf: Buffer): void };
}

/**
 * net.Socket's `onread` option (read into a caller's buffer, get a callback) exists only for
 * sockets we create, not for accepted ones; these are the fields the option sets, found on the
 * socket by name. Null when this Node does not have them: the caller falls back to 'data'.
 */
function userBufferHooks(socket: Socket): UserBufferHooks | null {
  let buffer: symbol | null = null;
  let callback: symbol | null = null;
  const fields = socket as unknown as Record<symbol, unknown>;
  for (const sym of Object.getOwnPropertySymbols(socket)) {
    if (sym.description === 'kBuffer' && fields[sym] === null) buffer = sym;
    else if (sym.description === 'kBufferCb' && fields[sym] === null) callback = sym;
  }
  const handle = (socket as unknown as { _handle?: { useUserBuffer?: unknown } })._handle;
  if (buffer === null || callback === null || typeof handle?.useUserBuffer !== 'function') return null;
  return { buffer, callback, handle: handle as UserBufferHooks['handle'] };
}

function formatAddress(ip: string | undefined, port: number | undefined): string {
  if (ip === undefined) return '?:0';
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return `${v4}:${port ?? 0}`;
}

/** Loopback as Redis's connIsLocal sees it: 127.0.0.0/8 and ::1 (also as IPv4-mapped). */
export function isLoopback(ip: string | undefined): boolean {
  if (ip === undefined) return false;
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.startsWith('127.') || v4 === '::1';
}
