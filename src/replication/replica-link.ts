// The replica's link to its primary, as data: the handshake states, what a dropped link keeps for
// a partial resync, the live primary (its client, offsets, stream parser), a transfer in progress,
// and the transport of the primary's client (Redis sends its primary no replies).
// replica.ts drives these; nothing here acts on its own.

import type { OutgoingConnection } from '../net/client-connection.js';
import type { Client, Transport } from '../session/client.js';
import type { RdbTransferReader } from './rdb-transfer.js';
import type { PayloadSink } from './replica-load.js';
import type { PrimaryStreamParser, StreamCommand } from './stream-parser.js';

export type LinkState =
  | 'none' | 'connect' | 'connecting' | 'receive_ping_reply' | 'receive_auth_reply' | 'receive_port_reply'
  | 'receive_ip_reply' | 'receive_capa_reply' | 'receive_psync_reply' | 'transfer' | 'connected';

export type ReplyKind = 'auth' | 'port' | 'ip' | 'capa';
export const STATE_OF: Record<ReplyKind, LinkState> = {
  auth: 'receive_auth_reply', port: 'receive_port_reply', ip: 'receive_ip_reply', capa: 'receive_capa_reply',
};

/** What survives a dropped link, so that the next attempt can ask for a partial resync. */
export interface Cached {
  replid: string;
  /** Offset of the last byte applied. */
  offset: number;
  db: number;
}

export interface Primary {
  readonly client: Client;
  readonly link: OutgoingConnection;
  replid: string;
  /** Offset of the last byte of a fully applied command (slave_repl_offset). */
  reploff: number;
  /** Offset of the last byte read (slave_read_repl_offset). */
  readReploff: number;
  lastInteraction: number;
  /** A pre-PSYNC primary (we fell back to SYNC): it gets no ACKs. */
  readonly prePsync: boolean;
  readonly parser: PrimaryStreamParser;
  /** Commands of a MULTI from the primary, run together at its EXEC. */
  multi: StreamCommand[] | null;
}

export interface Transfer {
  readonly reader: RdbTransferReader;
  sink: PayloadSink | null;
  /** Payload size (-1 with an EOF mark), bytes read so far. */
  size: number;
  read: number;
}

/** The primary's client writes nowhere: Redis sends no replies to its primary (ACKs go raw). */
export class PrimaryTransport implements Transport {
  readonly kind = 'tcp';
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly fd: number;

  constructor(private readonly link: OutgoingConnection) {
    this.remoteAddress = link.remoteAddress;
    this.localAddress = link.localAddress;
    this.fd = link.fd;
  }

  write(): void {}
  close(): void { this.link.close(); }
  closeAfterWrite(): void { this.link.close(); }
  pauseReading(): void { this.link.pauseReading(); }
  resumeReading(): void { this.link.resumeReading(); }
  get queuedBytes(): number { return this.link.queuedBytes; }
}
