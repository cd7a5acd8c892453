// Outgoing TCP connections (a replica's link to its primary): connect, raw bytes in and out, one
// close notification. Like the rest of net/ it knows no command and no protocol: whoever owns the
// link parses what arrives. Timeouts are the owner's business too (it measures silence itself).

import { connect, type Socket } from 'node:net';

export interface OutgoingHandlers {
  /** The TCP connection is established. */
  connected(): void;
  data(chunk: Buffer): void;
  /** The link is gone (refused, reset, closed by the peer or by us); called once. */
  closed(error: string | null): void;
}

export class OutgoingConnection {
  private readonly socket: Socket;
  private done = false;
  private lastError: string | null = null;
  /** Bytes read and written on this link (INFO total_net_repl_input_bytes and friends). */
  bytesIn = 0;
  bytesOut = 0;

  constructor(host: string, port: number, private readonly handlers: OutgoingHandlers) {
    this.socket = connect({ host, port });
    this.socket.setNoDelay(true);
    this.socket.on('connect', () => {
      if (!this.done) handlers.connected();
    });
    this.socket.on('data', (chunk: Buffer) => {
      if (this.done) return;
      this.bytesIn += chunk.length;
      handlers.data(chunk);
    });
    this.socket.on('error', (e: NodeJS.ErrnoException) => {
      this.lastError = e.code === 'ECONNREFUSED' ? 'Connection refused' : (e.message || String(e.code));
    });
    this.socket.on('close', () => this.finish(this.lastError));
  }

  get remoteAddress(): string {
    return formatAddress(this.socket.remoteAddress, this.socket.remotePort);
  }

  get localAddress(): string {
    return formatAddress(this.socket.localAddress, this.socket.localPort);
  }

  /** The socket's file descriptor (CLIENT LIST fd), -1 when unknown. */
  get fd(): number {
    const h = (this.socket as unknown as { _handle?: { fd?: number } })._handle;
    return h?.fd ?? -1;
  }

  get queuedBytes(): number {
    return this.socket.writableLength;
  }

  get closed(): boolean {
    return this.done;
  }

  write(data: string | Buffer): void {
    if (this.done || this.socket.destroyed) return;
    this.bytesOut += data.length;
    if (typeof data === 'string') this.socket.write(data, 'latin1');
    else this.socket.write(data);
  }

  pauseReading(): void {
    this.socket.pause();
  }

  resumeReading(): void {
    if (!this.done) this.socket.resume();
  }

  /** Closes at once; the owner's closed() handler still runs once (with no error). */
  close(): void {
    this.socket.destroy();
    this.finish(null);
  }

  private finish(error: string | null): void {
    if (this.done) return;
    this.done = true;
    this.handlers.closed(error);
  }
}

function formatAddress(ip: string | undefined, port: number | undefined): string {
  if (ip === undefined) return '?:0';
  const v4 = ip.startsWith('::ffff:') ? ip.slice(7) : ip;
  return `${v4}:${port ?? 0}`;
}
