// What the persistence commands (SAVE, BGSAVE, LASTSAVE, DEBUG RELOAD) may ask of the server.
// server/persistence.ts implements it; commands reach it through ServerApi.persistence and never
// see snapshots, files or the cron.

import type { CommandError } from '../resp/errors.js';

export interface ReloadOptions {
  /** Keys already present are replaced by the file's (MERGE). */
  merge: boolean;
  /** Empty every database first (not with NOFLUSH). */
  flush: boolean;
  /** Save the dataset before loading it back (not with NOSAVE). */
  save: boolean;
}

export interface PersistenceApi {
  /** SAVE: a synchronous save; null when the file was written, else the error to reply. */
  save(): CommandError | null;
  /** BGSAVE [SCHEDULE]: the status reply text, or throws the error to reply. */
  bgsave(schedule: boolean): string;
  /** LASTSAVE: Unix seconds of the last successful save (the start time before any). */
  lastSave(): number;
  /** DEBUG RELOAD: save (unless NOSAVE), flush (unless NOFLUSH), load dump.rdb back. */
  debugReload(o: ReloadOptions): CommandError | null;
  /** FLUSHALL emptied everything: stop a background save, save the empty dataset if save points exist. */
  flushedAll(): void;
}
