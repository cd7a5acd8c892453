// Per-connection session state: selected db, protocol, name, auth, reply mode, the queue of
// parsed commands not yet executed. A Client knows its transport only through the small
// Transport interface; it never sees a socket.

import type { ClientSubscriptions } from '../pubsub/registry.js';
import type { ClientTracking } from '../tracking/tracking.js';
import { RespWriter } from '../resp/reply.js';

export interface Transport {
  write(data: string | Buffer): void;
  /** Closes at once, discarding unsent output. */
  close(): void;
  /** Sends what is pending, then closes. */
  closeAfterWrite(): void;
  pauseReading(): void;
  resumeReading(): void;
  /** Bytes accepted by write() but not yet handed to the kernel. */
  readonly queuedBytes: number;
  readonly remoteAddress: string;
  readonly localAddress: string;
  readonly fd: number;
  readonly kind: 'tcp' | 'unix' | 'internal';
  /** Bytes read but not yet parsed into commands (CLIENT LIST qbuf). */
  readonly queryBufferBytes?: number;
  /** Size of the last read and the largest so far (CLIENT LIST rbs, rbp). */
  readonly lastRead?: number;
  readonly peakRead?: number;
}

export type ReplyMode = 'on' | 'off' | 'skip';

export class Client {
  name = '';
  dbIndex = 0;
  authenticated = false;
  user = 'default';
  libName = '';
  libVer = '';
  readonly createdAt = Date.now();
  lastInteraction = Date.now();
  /** Full name of the last command run ('NULL' before any), for CLIENT LIST cmd=. */
  lastCommand = 'NULL';
  replyMode: ReplyMode = 'on';
  noEvict = false;
  noTouch = false;
  /** Commands parsed but not yet run (the client is blocked, paused, or mid-batch). */
  readonly pending: string[][] = [];
  /** Set once the client is closing: nothing more is executed for it. */
  closing = false;
  /** Set when a protocol error or QUIT asked to close after the pending replies are written. */
  closeAfterReply = false;
  /** Flags shown in CLIENT LIST (single letters as Redis prints them). */
  readonly flagLetters = new Set<string>();
  /** Sum of argument bytes of the command being run (CLIENT LIST argv-mem). */
  argvMem = 0;
  /**
   * Pub/sub channels, patterns and shard channels (CLIENT LIST sub/psub/ssub; flag P is set
   * with them); null while there are none. pubsub/registry.ts keeps it in step.
   */
  subscriptions: ClientSubscriptions | null = null;
  readonly reply: RespWriter;

  // ---- session layer (session/, server/sessions.ts) ----
  /** Index of the next command of `pending` to run: the queue is consumed without shifting. */
  pendingIndex = 0;
  /** Waiting for a CLIENT PAUSE to end before running pending[pendingIndex]. */
  postponed = false;
  /** Waiting for the socket to drain before running more of its pipeline. */
  waitingDrain = false;
  /**
   * Set by a command that parked its client (a blocking command with nothing to serve): the
   * session stops running this client's pipeline after it until resume() is called.
   */
  blocked = false;
  /** When the output first went over the soft output-buffer limit (0: it is not over). */
  obufSoftLimitSince = 0;
  /** Counters other areas maintain for CLIENT LIST: sub, psub, ssub, multi (-1 outside MULTI). */
  subCount = 0;
  psubCount = 0;
  ssubCount = 0;
  multiCount = -1;
  multiMem = 0;
  /** Client-side caching redirection target (CLIENT LIST redir): -1 when none. */
  trackingRedirect = -1;
  /** Client-side caching mode (tracking/tracking.ts); null while CLIENT TRACKING is off. */
  tracking: ClientTracking | null = null;
  /** Set by replication for replicas: their socket drained, more of the stream can be written. */
  onDrained: (() => void) | null = null;
  /** Replication offset after this client's last propagated unit (Redis's woff; WAIT's target). */
  woff = 0;

  constructor(
    readonly id: number,
    readonly transport: Transport,
    onError: (text: string) => void,
  ) {
    this.reply = new RespWriter(onError);
  }

  get resp(): 2 | 3 {
    return this.reply.resp;
  }
  set resp(v: 2 | 3) {
    this.reply.resp = v;
  }

  /** Writes whatever replies are pending to the transport. */
  flush(): void {
    const out = this.reply.take();
    if (out !== null) this.transport.write(out);
  }
}
