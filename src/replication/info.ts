// INFO replication as Redis 7.2 prints it, for both roles: the replica's link fields
// (replica.ts), then connected replicas, failover state, ids, offsets and the backlog window
// (state.ts), with the primary side's per-replica lines (primary.ts).

import type { PrimaryRole } from './primary.js';
import type { ReplicaRole } from './replica.js';
import type { ReplicationState } from './state.js';

type Fields = [string, string | number][];

export function replicationInfoFields(role: ReplicaRole, repl: ReplicationState, config: { num(n: string): number }, now: number, primary: PrimaryRole): Fields {
  const f: Fields = role.isReplica ? role.infoFields(now) : [['role', 'master']];
  const b = repl.buffer;
  const ids = repl.ids;
  f.push(['connected_slaves', primary.links.length], ...primary.infoLines(now));
  f.push(
    ['master_failover_state', primary.failover.state],
    ['master_replid', ids.replid],
    ['master_replid2', ids.replid2],
    ['master_repl_offset', repl.offset],
    ['second_repl_offset', ids.secondOffset],
    ['repl_backlog_active', b !== null ? 1 : 0],
    ['repl_backlog_size', b !== null ? b.backlogSize : Math.max(config.num('repl-backlog-size'), 16384)],
    ['repl_backlog_first_byte_offset', b !== null ? b.firstByteOffset : 0],
    ['repl_backlog_histlen', b !== null ? b.histlen : 0],
  );
  return f;
}
