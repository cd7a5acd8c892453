// One client socket: bytes in through the RESP parser, commands out to the session layer as
// argv lists, replies back as whole batches. It knows no command. Reading pauses while the
// peer is not draining our output, so a client that never reads cannot grow memory forever.

import type { Socket } from 'node:net';
import { RespParser, type ParserLimits } from '../resp/parser.js';
import type { Transport } from '../session/client.js';

export interface SessionSink {
  readonly limits: ParserLimits;
  /** Bytes read from the peer (INFO total_net_input_bytes). */
  received?(bytes: number): void;
  /** Complete commands parsed from one read, in order. */
  commands(batch: string[][]): void;
  /** A protocol error: the session replies it and closes. */
  protocolError(what: string): void;
  /** Bytes buffered in the parser after a read (for the query buffer limit). */
  queryBuffer(bytes: number): void;
  closed(): void;
}

/** Output queued in user space past which we stop reading from the peer. */
const PAUSE_READING_AT = 16 * 1024 * 1024;

export class Connection implements Transport {
  private parser: RespParser | null = null;
  private pausedByUs = false;
  private isClosed = false;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly kind: 'tcp' | 'unix';

  constructor(private readonly socket: Socket, kind: 'tcp' | 'unix', unixPath = '') {
    this.kind = kind;
    if (kind === 'unix') {
      this.remoteAddress = `${unixPath}:0`;
      this.localAddress = `${unixPath}:0`;
    } else {
      this.remoteAddress = formatAddress(socket.remoteAddress, socket.remotePort);
      this.localAddress = formatAddress(socket.localAddress, socket.localPort);
    }
    socket.setNoDelay(true);
  }

  /** Starts reading once the session is ready. */
  attach(sink: SessionSink): void {
    this.parser = new RespParser(sink.limits);
    const batch: string[][] = [];
    this.socket.on('data', (chunk: Buffer) => {
      sink.received?.(chunk.length);
      const error = this.parser!.feed(chunk, batch);
      if (batch.length > 0) {
        const cmds = batch.splice(0, batch.length);
        sink.commands(cmds);
      }
      if (error !== null) sink.protocolError(error);
      else sink.queryBuffer(this.parser!.pendingBytes);
    });
    this.socket.on('drain', () => {
      if (this.pausedByUs) {
        this.pausedByUs = false;
        this.socket.resume();
      }
    });
    this.socket.on('error', () => {
      // A reset or broken pipe: 'close' follows and cleans up.
    });
    this.socket.on('close', () => {
      this.isClosed = true;
      sink.closed();
    });
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
    if (typeof data === 'string') this.socket.write(data, 'latin1');
    else this.socket.write(data);
    if (!this.pausedByUs && this.socket.writableLength > PAUSE_READING_AT) {
      this.pausedByUs = true;
      this.socket.pause();
    }
  }

  close(): void {
    this.socket.destroy();
  }

  closeAfterWrite(): void {
    this.socket.end();
    // A peer that never reads must not keep a closing connection alive.
    setTimeout(() => this.socket.destroy(), 10_000).unref();
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.pausedByUs) this.socket.resume();
  }

  /** The parser's buffered bytes (CLIENT LIST qbuf). */
  get queryBufferBytes(): number {
    return this.parser?.pendingBytes ?? 0;
  }
}

function formatAddress(ip: string | undefined, port: number | undefined): string {
  if (ip === undefined) return '?:0';
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return v4.includes(':') ? `${v4}:${port ?? 0}` : `${v4}:${port ?? 0}`;
}
