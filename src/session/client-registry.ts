// Every connected client by id, in connection order (CLIENT LIST order), and the id counter.

import type { Client } from './client.js';

export class ClientRegistry {
  private nextId = 1;
  private readonly byId = new Map<number, Client>();
  /** Clients that connected since start (INFO total_connections_received). */
  totalConnections = 0;
  rejectedConnections = 0;

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
