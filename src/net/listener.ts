// Listening sockets: TCP on each bind address, and an optional unix socket. Accepted sockets
// become Connections handed to the session layer; the listener knows nothing else.

import { chmodSync, existsSync, unlinkSync } from 'node:fs';
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import { Connection } from './connection.js';

export interface ListenOptions {
  bind: string[];
  port: number;
  backlog: number;
  unixSocket: string;
  unixSocketPerm: number;
  tcpKeepAlive: number;
}

export type AcceptHandler = (conn: Connection) => void;

export class Listener {
  private servers: NetServer[] = [];
  /**
   * Every connection reads into this one buffer: a read is parsed before the next is made.
   * 16 KB per read, as Redis reads. With 64 KB a bulk load (100k 10-field HSETs in 286 KB
   * writes) kept so many of one read's parsed arguments alive at each scavenge that V8 began
   * promoting every survivor: 109 MB promoted for 27 MB of data, the rest old-generation garbage
   * that held RSS at 3x the data until a full GC that an idle server may never run.
   */
  private readonly readBuffer = Buffer.allocUnsafe(16 * 1024);
  /** The TCP port actually bound (differs from the option when it was 0 in embedded use). */
  port = 0;

  constructor(private readonly onAccept: AcceptHandler) {}

  async listen(opts: ListenOptions): Promise<void> {
    if (opts.port >= 0 && !(opts.port === 0 && opts.bind.length === 0)) {
      let port = opts.port;
      for (const addr of opts.bind) {
        const optional = addr.startsWith('-');
        const host = optional ? addr.slice(1) : addr;
        try {
          port = await this.listenTcp(host, port, opts);
          this.port = port;
        } catch (e) {
          const code = (e as NodeJS.ErrnoException).code;
          if (optional && (code === 'EADDRNOTAVAIL' || code === 'EAFNOSUPPORT')) continue;
          throw e;
        }
      }
    }
    if (opts.unixSocket !== '') await this.listenUnix(opts.unixSocket, opts.unixSocketPerm, opts.backlog);
  }

  private listenTcp(host: string, port: number, opts: ListenOptions): Promise<number> {
    // Accepted paused: the connection starts reading once its session is attached.
    const srv = createServer({ noDelay: true, pauseOnConnect: true }, (socket: Socket) => {
      if (opts.tcpKeepAlive > 0) socket.setKeepAlive(true, opts.tcpKeepAlive * 1000);
      this.onAccept(new Connection(socket, 'tcp', '', this.readBuffer));
    });
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      // Redis spells "every IPv4 address" '*' and "every IPv6 address" '::*'.
      const h = host === '*' ? '0.0.0.0' : host === '::*' ? '::' : host;
      srv.listen({ host: h, port, backlog: opts.backlog, exclusive: true, ipv6Only: h.includes(':') }, () => {
        srv.off('error', reject);
        this.servers.push(srv);
        const a = srv.address();
        resolve(typeof a === 'object' && a !== null ? a.port : port);
      });
    });
  }

  private listenUnix(path: string, perm: number, backlog: number): Promise<void> {
    if (existsSync(path)) unlinkSync(path);
    const srv = createServer({ pauseOnConnect: true },
      (socket: Socket) => this.onAccept(new Connection(socket, 'unix', path, this.readBuffer)));
    return new Promise((resolve, reject) => {
      srv.once('error', reject);
      srv.listen({ path, backlog }, () => {
        srv.off('error', reject);
        // The config table already read unixsocketperm's octal digits into a mode number.
        if (perm !== 0) chmodSync(path, perm);
        this.servers.push(srv);
        resolve();
      });
    });
  }

  async close(): Promise<void> {
    const servers = this.servers;
    this.servers = [];
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
