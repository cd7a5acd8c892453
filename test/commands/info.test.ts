// INFO, TIME, LASTSAVE, and the stats they report (commandstats, errorstats, keyspace).
import { strict as assert } from 'node:assert';
import { after, before, describe, it } from 'node:test';
import { RespError, type TestClient } from '../helpers/resp-client.js';
import { startTarget, type Target } from '../helpers/server.js';

let target: Target;
let c: TestClient;

before(async () => {
  target = await startTarget();
  c = await target.client();
});
after(async () => {
  c.close();
  await target.close();
});

function headers(info: string): string[] {
  return info.split('\r\n').filter((l) => l.startsWith('# ')).map((l) => l.slice(2));
}

function field(info: string, name: string): string | undefined {
  for (const line of info.split('\r\n')) if (line.startsWith(name + ':')) return line.slice(name.length + 1);
  return undefined;
}

describe('INFO', () => {
  it('lists the default sections in order with CRLF lines and blank separators', async () => {
    const info = (await c.send('INFO')) as string;
    assert.deepEqual(headers(info), ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Errorstats', 'Cluster', 'Keyspace']);
    assert.ok(info.endsWith('\r\n'));
    assert.ok(!/[^\r]\n/.test(info), 'every line ends with CRLF');
    assert.match(info, /\r\n\r\n# Clients\r\n/);
    assert.deepEqual(headers((await c.send('INFO', 'default')) as string), headers(info));
  });

  it('all and everything add commandstats and latencystats', async () => {
    for (const arg of ['all', 'everything', 'ALL']) {
      const h = headers((await c.send('INFO', arg)) as string);
      assert.deepEqual(h, ['Server', 'Clients', 'Memory', 'Persistence', 'Stats', 'Replication', 'CPU', 'Modules', 'Commandstats', 'Errorstats', 'Latencystats', 'Cluster', 'Keyspace']);
    }
  });

  it('takes several sections in canonical order; unknown sections add nothing', async () => {
    assert.deepEqual(headers((await c.send('INFO', 'keyspace', 'cpu', 'server')) as string), ['Server', 'CPU', 'Keyspace']);
    assert.equal(await c.send('INFO', 'nosuchsection'), '');
    assert.deepEqual(headers((await c.send('INFO', 'nosuch', 'CLIENTS')) as string), ['Clients']);
  });

  it('reports real server, clients and idle subsystem values', async () => {
    const info = (await c.send('INFO', 'everything')) as string;
    assert.match(field(info, 'redis_version')!, /^7\.\d+\.\d+$/);
    assert.equal(Number(field(info, 'tcp_port')), target.port);
    assert.ok(Number(field(info, 'process_id')) > 0);
    assert.ok(Number(field(info, 'connected_clients')) >= 1);
    assert.equal(field(info, 'maxclients'), '10000');
    assert.ok(Number(field(info, 'used_memory')) > 0);
    assert.match(field(info, 'used_memory_human')!, /^\d+(\.\d\d[KMGTP])?B?$/);
    assert.match(field(info, 'used_cpu_user')!, /^\d+\.\d{6}$/);
    assert.equal(field(info, 'role'), 'master');
    assert.equal(field(info, 'connected_slaves'), '0');
    assert.equal(field(info, 'rdb_bgsave_in_progress'), '0');
    assert.equal(field(info, 'aof_enabled'), '0');
    assert.equal(field(info, 'loading'), '0');
    assert.equal(field(info, 'cluster_enabled'), '0');
  });

  it('counts commands, network bytes and keyspace hits/misses', async () => {
    const before = (await c.send('INFO', 'stats')) as string;
    await c.send('SET', 'info:k', 'v');
    await c.send('GET', 'info:k');
    await c.send('GET', 'info:missing');
    const after = (await c.send('INFO', 'stats')) as string;
    const d = (n: string) => Number(field(after, n)) - Number(field(before, n));
    assert.equal(d('total_commands_processed'), 4); // SET, GET, GET, and the first INFO
    assert.equal(d('keyspace_hits'), 1);
    assert.equal(d('keyspace_misses'), 1);
    assert.ok(d('total_net_input_bytes') > 0);
    assert.ok(d('total_net_output_bytes') > 0);
    await c.send('DEL', 'info:k');
  });

  it('counts rejected and failed calls and every error reply', async () => {
    const before = (await c.send('INFO', 'stats')) as string;
    assert.ok((await c.send('NOSUCHCOMMAND')) instanceof RespError);
    assert.ok((await c.send('GET')) instanceof RespError);
    assert.ok((await c.send('SLOWLOG', 'GET', '-5')) instanceof RespError);
    const info = (await c.send('INFO', 'everything')) as string;
    // A rejected command is not "processed"; the error replies are all counted.
    assert.equal(Number(field(info, 'total_commands_processed')) - Number(field(before, 'total_commands_processed')), 2);
    assert.equal(Number(field(info, 'total_error_replies')) - Number(field(before, 'total_error_replies')), 3);
    assert.match(field(info, 'errorstat_ERR')!, /^count=\d+$/);
    assert.match(field(info, 'cmdstat_get')!, /^calls=\d+,usec=\d+,usec_per_call=\d+\.\d\d,rejected_calls=[1-9]\d*,failed_calls=0$/);
    assert.match(field(info, 'cmdstat_slowlog|get')!, /rejected_calls=0,failed_calls=1$/);
    assert.match(field(info, 'latency_percentiles_usec_get')!, /^p50=\d+\.\d{3},p99=\d+\.\d{3},p99\.9=\d+\.\d{3}$/);
    assert.equal(field(info, 'cmdstat_nosuchcommand'), undefined);
  });

  it('reports keys per database', async () => {
    await c.send('SELECT', '2');
    await c.send('SET', 'a', '1');
    await c.send('SET', 'b', '2');
    const info = (await c.send('INFO', 'keyspace')) as string;
    assert.equal(field(info, 'db2'), 'keys=2,expires=0,avg_ttl=0');
    await c.send('DEL', 'a', 'b');
    await c.send('SELECT', '0');
  });
});

describe('TIME and LASTSAVE', () => {
  it('TIME replies [seconds, microseconds] as strings', async () => {
    const [sec, usec] = (await c.send('TIME')) as string[];
    assert.match(sec!, /^\d+$/);
    assert.match(usec!, /^\d{1,6}$/);
    assert.ok(Math.abs(Number(sec) - Date.now() / 1000) < 5);
    assert.ok((await c.send('TIME', 'x')) instanceof RespError);
  });

  it('LASTSAVE is a unix time no later than now', async () => {
    const t = (await c.send('LASTSAVE')) as number;
    assert.ok(t > 1e9 && t <= Date.now() / 1000 + 1);
    const r = await c.send('LASTSAVE', 'x');
    assert.ok(r instanceof RespError && r.message === "ERR wrong number of arguments for 'lastsave' command");
  });
});
