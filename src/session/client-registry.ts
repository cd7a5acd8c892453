// Every connected client by id, in connection order (CLIENT LIST order), the id counter, and
// the hooks through which other areas clean up a client's state when it is reset or closed
// (pub/sub subscriptions, MULTI, WATCH, blocked keys, tracking): the session layer runs them.

import type { Client } from './client.js';

export class ClientRegistry {
  private nextId = 1;
  private readonly byId = new Map<number, Client>();
  /** Clients that connected since start (INFO total_connections_received). */
  totalConnections = 0;
  rejectedConnections = 0;
  private readonly resetHooks: ((c: Client) => void)[] = [];
  private readonly closeHooks: ((c: Client) => void)[] = [];

  /** Runs on RESET, after the session state itself was reset. */
  onReset(fn: (c: Client) => void): void {
    this.resetHooks.push(fn);
  }

  /** Runs when a client is freed (disconnect, kill, timeout, limits). */
  onClose(fn: (c: Client) => void): void {
    this.closeHooks.push(fn);
  }

  runResetHooks(c: Client): void {
    for (const h of this.resetHooks) h(c);
  }

  runCloseHooks(c: Client): void {
    for (const h of this.closeHooks) h(c);
  }

  allocateId(): number {
    return this.nextId++;
  }

  add(c: Client): void {
    this.byId.set(c.id, c);
    this.totalConnections++;
  }

  remove(c: Client): void {
    this.byId.delete(c.id);
  }

  get(id: number): Client | undefined {
    return this.byId.get(id);
  }

  get size(): number {
    return this.byId.size;
  }

  [Symbol.iterator](): IterableIterator<Client> {
    return this.byId.values();
  }
}
