// The dispatcher gates of a replica and of a loading server, in Redis's order: READONLY for writes
// from normal clients (replica-read-only), MASTERDOWN while the link is down
// (replica-serve-stale-data no), LOADING while a dataset loads (everything without the `loading`
// flag) and during async loading (commands flagged no_async_loading). The primary's own client
// passes the first two, as Redis's "must obey" clients do.

import type { Gate } from '../exec/dispatcher.js';
import type { Keyspace } from '../keyspace/keyspace.js';
import { Err } from '../resp/errors.js';
import type { ReplicaRole } from './replica.js';

export function replicaGate(role: ReplicaRole, ks: Keyspace, config: { bool(name: string): boolean }): Gate {
  return {
    check(client, cmd) {
      const replica = role.primaryHost !== null;
      // One test on the hot path of a primary that is not loading.
      if (!replica && !ks.loading && !role.asyncLoading) return null;
      if (replica && !client.flagLetters.has('M')) {
        if (cmd.isWrite && config.bool('replica-read-only')) return Err.readonlyReplica();
        if (role.state !== 'connected' && !cmd.flags.has('stale') && !config.bool('replica-serve-stale-data')) {
          return Err.masterDown();
        }
      }
      if (role.asyncLoading) return cmd.flags.has('no_async_loading') ? Err.loading() : null;
      if (ks.loading && !cmd.flags.has('loading')) return Err.loading();
      return null;
    },
  };
}
