// What commands may ask of the session layer (CLIENT KILL, CLIENT PAUSE, RESET): an interface
// so that commands/ never reaches into server/ (server/sessions.ts implements it).

import type { Client } from './client.js';
import type { ClientPause } from './pause.js';

export interface SessionControl {
  readonly pause: ClientPause;
  /**
   * Closes a client. The client running the current command is closed once its replies are
   * written (as Redis does when CLIENT KILL kills its caller); any other client at once.
   */
  kill(client: Client, caller: Client | null): void;
  /**
   * Runs a parked client's queued commands again (after clearing `client.blocked`), then writes
   * its replies. Blocking commands call it when they serve or time out a blocked client.
   */
  resume(client: Client): void;
}
