// The server's pub/sub registry: who subscribes to which channel, pattern and shard channel,
// delivery of messages into subscribers' reply buffers (flushed once per loop turn), keyspace
// notifications, the RESP2 subscribed-mode gate and the pubsub output-buffer limit.
// It never writes to sockets; command replies (subscribe confirmations) are commands/pubsub.ts's.

import type { LogLevel } from '../exec/context.js';
import type { Gate } from '../exec/dispatcher.js';
import { Err } from '../resp/errors.js';
import type { Client } from '../session/client.js';
import { globMatch } from '../util/glob.js';
import { chainAfterCommand } from '../tracking/tracking.js';
import { classBit, NOTIFY, parseKeyspaceEvents } from './keyspace-events.js';
import { outputLimitsOf, overLimit, type OutputLimit } from './output-limits.js';

/** What the registry needs from the server. */
export interface PubSubHost {
  /** str() gives a directive's stored text ('' when unknown). */
  readonly config: { str(name: string): string; stored(name: string): string; onApply(names: readonly string[], hook: () => void): void };
  /** The client whose command is running (set by call()), whose messages wait for its reply. */
  readonly currentClient: Client | null;
  /** Called after the running client's reply is written; set only while messages are held. */
  afterCommand: ((c: Client) => void) | null;
  /** Makes sure a client's buffered output leaves at the end of this loop turn. */
  scheduleFlush(c: Client): void;
  disconnect(c: Client): void;
  describeClient(c: Client): string;
  log(level: LogLevel, message: string): void;
}

/** One client's subscriptions; Client.subscriptions is null while it has none. */
export class ClientSubscriptions {
  readonly channels = new Set<string>();
  readonly patterns = new Set<string>();
  readonly shardChannels = new Set<string>();
  /** Unix second the output was first seen above the pubsub soft limit (0: below). */
  softSince = 0;

  get total(): number {
    return this.channels.size + this.patterns.size + this.shardChannels.size;
  }
}

/** Commands a RESP2 client may run while it has subscriptions (Redis's list, by full name). */
const ALLOWED_WHILE_SUBSCRIBED = new Set([
  'ping', 'subscribe', 'ssubscribe', 'unsubscribe', 'sunsubscribe', 'psubscribe', 'punsubscribe', 'quit', 'reset',
]);

type Subscribers = Map<string, Set<Client>>;

export class PubSub {
  private readonly channels: Subscribers = new Map();
  private readonly shardChannels: Subscribers = new Map();
  private readonly patterns: Subscribers = new Map();
  /** notify-keyspace-events as a bit set (keyspace-events.ts); 0 is off. */
  private notifyFlags = 0;

  /** True when notify-keyspace-events selects any event. */
  get notifying(): boolean {
    return this.notifyFlags !== 0;
  }
  private pubsubLimit: OutputLimit = { hard: 0, soft: 0, softSeconds: 0 };
    /** Held messages for the running client: flat [kind, pattern | null, channel, message] groups. */
  private held: (string | null)[] = [];

  /** RESP2 clients with subscriptions may run only the pub/sub commands, PING, QUIT and RESET. */
  readonly subscribedModeGate: Gate = {
    check: (client, cmd) =>
      client.subscriptions !== null && client.resp === 2 && !ALLOWED_WHILE_SUBSCRIBED.has(cmd.fullName)
        ? Err.subscribedMode(cmd.fullName)
        : null,
  };

  constructor(private readonly host: PubSubHost) {
    this.refreshSettings();
    host.config.onApply(['notify-keyspace-events', 'client-output-buffer-limit'], () => this.refreshSettings());
  }

  private refreshSettings(): void {
    const c = this.host.config;
    // The stored text, not what CONFIG GET prints: with 'A' on, that hides an 'n' still in force.
    this.notifyFlags = parseKeyspaceEvents(c.stored('notify-keyspace-events')) ?? 0;
    const limits = c.str('client-output-buffer-limit');
    if (limits !== '') this.pubsubLimit = outputLimitsOf(limits).pubsub;
  }

  // ---- counts (INFO, PUBSUB) ----

  get channelCount(): number { return this.channels.size; }
  get patternCount(): number { return this.patterns.size; }
  get shardChannelCount(): number { return this.shardChannels.size; }

  /** Active channels (with at least one subscriber), optionally only those matching a pattern. */
  activeChannels(pattern: string | null, shard: boolean): string[] {
    const out: string[] = [];
    for (const ch of (shard ? this.shardChannels : this.channels).keys()) {
      if (pattern === null || globMatch(pattern, ch)) out.push(ch);
    }
    return out;
  }

  subscriberCount(channel: string, shard: boolean): number {
    return (shard ? this.shardChannels : this.channels).get(channel)?.size ?? 0;
  }

  /** The count subscribe replies show: channels + patterns, or shard channels alone. */
  replyCount(c: Client, shard: boolean): number {
    const s = c.subscriptions;
    if (s === null) return 0;
    return shard ? s.shardChannels.size : s.channels.size + s.patterns.size;
  }

  // ---- subscribing ----

  /** Adds a channel (or shard channel) subscription; false when the client already had it. */
  subscribe(c: Client, channel: string, shard: boolean): boolean {
    const s = this.subsOf(c);
    const own = shard ? s.shardChannels : s.channels;
    if (own.has(channel)) return false;
    own.add(channel);
    addTo(shard ? this.shardChannels : this.channels, channel, c);
    return true;
  }

  unsubscribe(c: Client, channel: string, shard: boolean): boolean {
    const s = c.subscriptions;
    if (s === null || !(shard ? s.shardChannels : s.channels).delete(channel)) return false;
    removeFrom(shard ? this.shardChannels : this.channels, channel, c);
    this.settle(c, s);
    return true;
  }

  psubscribe(c: Client, pattern: string): boolean {
    const s = this.subsOf(c);
    if (s.patterns.has(pattern)) return false;
    s.patterns.add(pattern);
    addTo(this.patterns, pattern, c);
    return true;
  }

  punsubscribe(c: Client, pattern: string): boolean {
    const s = c.subscriptions;
    if (s === null || !s.patterns.delete(pattern)) return false;
    removeFrom(this.patterns, pattern, c);
    this.settle(c, s);
    return true;
  }

  /** Drops every subscription without replies (disconnection, RESET). */
  forget(c: Client): void {
    const s = c.subscriptions;
    if (s === null) return;
    for (const ch of s.channels) removeFrom(this.channels, ch, c);
    for (const ch of s.shardChannels) removeFrom(this.shardChannels, ch, c);
    for (const p of s.patterns) removeFrom(this.patterns, p, c);
    c.subscriptions = null;
    c.flagLetters.delete('P');
  }

  private subsOf(c: Client): ClientSubscriptions {
    if (c.subscriptions === null) {
      c.subscriptions = new ClientSubscriptions();
      c.flagLetters.add('P');
    }
    return c.subscriptions;
  }

  /** A client with no subscription left leaves subscribed mode. */
  private settle(c: Client, s: ClientSubscriptions): void {
    if (s.total > 0) return;
    c.subscriptions = null;
    c.flagLetters.delete('P');
  }

  // ---- publishing ----

  /** PUBLISH: delivers to channel subscribers, then to every matching pattern's subscribers. */
  publish(channel: string, message: string): number {
    let receivers = 0;
    const subs = this.channels.get(channel);
    if (subs !== undefined) {
      for (const c of subs) this.deliver(c, 'message', null, channel, message);
      receivers += subs.size;
    }
    if (this.patterns.size > 0) {
      for (const [pattern, clients] of this.patterns) {
        if (!globMatch(pattern, channel)) continue;
        for (const c of clients) this.deliver(c, 'pmessage', pattern, channel, message);
        receivers += clients.size;
      }
    }
    return receivers;
  }

  /** SPUBLISH: shard channels have no pattern subscriptions. */
  spublish(channel: string, message: string): number {
    const subs = this.shardChannels.get(channel);
    if (subs === undefined) return 0;
    for (const c of subs) this.deliver(c, 'smessage', null, channel, message);
    return subs.size;
  }

  /** The keyspace hook: publishes __keyspace@<db>__:<key> and __keyevent@<db>__:<event> as enabled. */
  notifyKeyspace(cls: string, event: string, key: string, dbIndex: number): void {
    const flags = this.notifyFlags;
    if (flags === 0 || (flags & classBit(cls)) === 0) return;
    if (flags & NOTIFY.keyspace) this.publish(`__keyspace@${dbIndex}__:${key}`, event);
    if (flags & NOTIFY.keyevent) this.publish(`__keyevent@${dbIndex}__:${event}`, key);
  }

  private deliver(c: Client, kind: string, pattern: string | null, channel: string, message: string): void {
    // A client closing (over its limit, or after QUIT) still counts as a receiver, as in Redis,
    // but gets nothing more.
    if (c.closing || c.closeAfterReply) return;
    if (c === this.host.currentClient) {
      // Chained: client-side caching may also wait for the end of this command.
      if (this.held.length === 0) this.host.afterCommand = chainAfterCommand(this.host.afterCommand, this.flushHeld);
      this.held.push(kind, pattern, channel, message);
      return;
    }
    writeMessage(c, kind, pattern, channel, message);
    this.host.scheduleFlush(c);
    this.checkLimit(c);
  }

  /** After the current client's command: its held messages follow its reply. */
  private readonly flushHeld = (c: Client): void => {
    this.host.afterCommand = null;
    const h = this.held;
    if (h.length === 0) return;
    this.held = [];
    if (c.closing) return;
    for (let i = 0; i < h.length; i += 4) writeMessage(c, h[i]!, h[i + 1]!, h[i + 2]!, h[i + 3]!);
    this.checkLimit(c);
  };

  /** client-output-buffer-limit pubsub: a subscriber that cannot keep up is dropped. */
  private checkLimit(c: Client): void {
    const s = c.subscriptions;
    const limit = this.pubsubLimit;
    if (s === null || (limit.hard === 0 && limit.soft === 0)) return;
    const used = c.reply.pendingBytes + c.transport.queuedBytes;
    if (!overLimit(used, limit, s, Date.now())) return;
    this.host.log('warning', `Client ${this.host.describeClient(c)} scheduled to be closed ASAP for overcoming of output buffer limits.`);
    // Closed after the current command (nothing more is written to it meanwhile), so that
    // the subscriber sets being walked right now do not change under the walk.
    c.closing = true;
    setImmediate(() => this.host.disconnect(c));
  }
}

/** message/smessage: [kind, channel, message]; pmessage: [kind, pattern, channel, message]. */
function writeMessage(c: Client, kind: string, pattern: string | null, channel: string, message: string): void {
  const r = c.reply;
  r.push(pattern === null ? 3 : 4);
  r.bulk(kind);
  if (pattern !== null) r.bulk(pattern);
  r.bulk(channel);
  r.bulk(message);
}

function addTo(map: Subscribers, name: string, c: Client): void {
  let set = map.get(name);
  if (set === undefined) map.set(name, (set = new Set()));
  set.add(c);
}

function removeFrom(map: Subscribers, name: string, c: Client): void {
  const set = map.get(name);
  if (set === undefined) return;
  set.delete(c);
  if (set.size === 0) map.delete(name);
}
