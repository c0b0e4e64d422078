// The replication pairs really replicate: what is written on the primary shows up on the replica, paused
// replay holds it back until resumed, and no server outlives its pair, its test process, or a kill -9.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { startMariaDbPair, startPgPair, startRedisPair, type MariaDbPair, type PgPair, type RedisPair } from '../support/replication.js';
import { isAlive, reapStaleScratchDirs } from '../support/replication/process-guard.js';
import { spawnServer, stopServer, waitUntilReady } from '../support/replication/server-process.js';
import { createScratchDir, findBinary, removeScratchDir } from '../support/replication/tools.js';
import { withPgClient, withRedis } from '../support/services.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

const REPLICATION_TIMEOUT_MS = 15_000;
const HELPERS = new URL('../support/replication.ts', import.meta.url).pathname;

async function mysqlQuery(url: string, sql: string, params: unknown[] = []): Promise<RowDataPacket[]> {
  const conn = await createConnection({ uri: url, connectTimeout: 3_000 });
  try {
    return (await conn.query<RowDataPacket[]>(sql, params))[0];
  } finally {
    await conn.end();
  }
}

function settle<T>(work: Promise<T>): Promise<PromiseSettledResult<T>> {
  return work.then((value) => ({ status: 'fulfilled', value }), (reason: unknown) => ({ status: 'rejected', reason }));
}

function ready<T>(result: PromiseSettledResult<T> | undefined): T {
  if (result === undefined) throw new Error('the pair was not started');
  if (result.status === 'rejected') throw result.reason;
  return result.value;
}

/** Runs a child Node process that starts a Redis pair and prints its pids and dir, then exits or hangs. */
async function pairInChild(ending: 'exit' | 'hang'): Promise<{ pids: number[]; dir: string; kill(): void }> {
  const script = `import { startRedisPair } from '${HELPERS}';
    const pair = await startRedisPair();
    console.log(JSON.stringify({ pids: pair.pids, dir: pair.dir }));
    ${ending === 'exit' ? 'process.exit(0);' : 'setInterval(() => undefined, 1000);'}`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk.toString(); });
  const line = await waitFor('the child to report its pair', () => (out.includes('\n') ? out : undefined), { timeoutMs: 20_000 });
  const reported = JSON.parse(line) as { pids: number[]; dir: string };
  return { ...reported, kill: () => child.kill('SIGKILL') };
}

void describe('replication pairs', () => {
  let pg: PromiseSettledResult<PgPair> | undefined;
  let maria: PromiseSettledResult<MariaDbPair> | undefined;
  let redis: PromiseSettledResult<RedisPair> | undefined;

  before(async () => {
    // In parallel: each pair takes a second or two, and a failing engine only fails its own tests.
    [pg, maria, redis] = await Promise.all([settle(startPgPair()), settle(startMariaDbPair()), settle(startRedisPair())]);
  });

  after(async () => {
    const pairs = [pg, maria, redis].flatMap((r) => (r?.status === 'fulfilled' ? [r.value] : []));
    await Promise.all(pairs.map((pair) => pair.stop()));
    for (const pair of pairs) {
      assert.deepEqual(pair.pids.filter(isAlive), [], `servers of ${pair.dir} still running`);
      assert.equal(existsSync(pair.dir), false, `${pair.dir} not removed`);
    }
  });

  void describe('PostgreSQL primary + hot standby', () => {
    void it('streams a committed row to the standby', async () => {
      const pair = ready(pg);
      const table = uniqueName('probe');
      await withPgClient(pair.primaryUrl, async (c) => {
        await c.query(`CREATE TABLE ${table} (id int PRIMARY KEY, note text)`);
        await c.query(`INSERT INTO ${table} VALUES (1, 'hello')`);
      });
      const note = await waitFor('row 1 on the standby', () => withPgClient(pair.standbyUrl, async (c) =>
        (await c.query<{ note: string }>(`SELECT note FROM ${table} WHERE id = 1`)).rows[0]?.note), { timeoutMs: REPLICATION_TIMEOUT_MS });
      assert.equal(note, 'hello');
      const slot = await withPgClient(pair.primaryUrl, (c) => c.query('SELECT active FROM pg_replication_slots WHERE slot_name = $1', [pair.slotName]));
      assert.deepEqual(slot.rows, [{ active: true }]);
    });

    void it('holds WAL received while replay is paused, and applies it on resume', async () => {
      const pair = ready(pg);
      const table = uniqueName('paused');
      await withPgClient(pair.primaryUrl, (c) => c.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`));
      await waitFor('the table on the standby', () => withPgClient(pair.standbyUrl, async (c) => (await c.query(`SELECT count(*) FROM ${table}`)).rowCount === 1));
      await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_pause()'));
      try {
        await waitFor('replay to pause', () => withPgClient(pair.standbyUrl, async (c) =>
          (await c.query<{ s: string }>('SELECT pg_get_wal_replay_pause_state() AS s')).rows[0]?.s === 'paused'));
        const lsn = await withPgClient(pair.primaryUrl, async (c) => {
          await c.query(`INSERT INTO ${table} VALUES (2)`);
          return (await c.query<{ lsn: string }>('SELECT pg_current_wal_lsn()::text AS lsn')).rows[0]?.lsn;
        });
        await waitFor('the standby to receive the insert', () => withPgClient(pair.standbyUrl, async (c) =>
          (await c.query<{ ok: boolean }>('SELECT pg_last_wal_receive_lsn() >= $1::pg_lsn AS ok', [lsn])).rows[0]?.ok));
        const seen = await withPgClient(pair.standbyUrl, (c) => c.query(`SELECT 1 FROM ${table} WHERE id = 2`));
        assert.equal(seen.rowCount, 0, 'a paused standby must not apply received WAL');
      } finally {
        await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_resume()'));
      }
      await waitFor('row 2 after resume', () => withPgClient(pair.standbyUrl, async (c) =>
        (await c.query(`SELECT 1 FROM ${table} WHERE id = 2`)).rowCount === 1), { timeoutMs: REPLICATION_TIMEOUT_MS });
    });
  });

  void describe('MariaDB primary + GTID replica', () => {
    void it('replicates a committed row', async () => {
      const pair = ready(maria);
      const table = uniqueName('probe');
      await mysqlQuery(pair.primaryUrl, `CREATE TABLE ${table} (id INT PRIMARY KEY, note VARCHAR(40)) ENGINE=InnoDB`);
      await mysqlQuery(pair.primaryUrl, `INSERT INTO ${table} VALUES (1, 'hello')`);
      const rows = await waitFor('row 1 on the replica', async () => {
        const found = await mysqlQuery(pair.replicaUrl, `SELECT note FROM ${table} WHERE id = 1`);
        return found.length === 1 ? found : undefined;
      }, { timeoutMs: REPLICATION_TIMEOUT_MS });
      assert.equal(rows[0]?.['note'], 'hello');
    });

    void it('holds events received while the SQL thread is stopped, and applies them on restart', async () => {
      const pair = ready(maria);
      const table = uniqueName('paused');
      await mysqlQuery(pair.primaryUrl, `CREATE TABLE ${table} (id INT PRIMARY KEY) ENGINE=InnoDB`);
      await waitFor('the table on the replica', () => mysqlQuery(pair.replicaUrl, `SELECT COUNT(*) FROM ${table}`));
      await mysqlQuery(pair.replicaUrl, 'STOP REPLICA SQL_THREAD');
      try {
        await mysqlQuery(pair.primaryUrl, `INSERT INTO ${table} VALUES (2)`);
        const [pos] = await mysqlQuery(pair.primaryUrl, 'SELECT @@gtid_binlog_pos AS pos');
        await waitFor('the replica to receive the insert', async () =>
          (await mysqlQuery(pair.replicaUrl, 'SHOW REPLICA STATUS'))[0]?.['Gtid_IO_Pos'] === pos?.['pos']);
        assert.equal((await mysqlQuery(pair.replicaUrl, `SELECT 1 FROM ${table} WHERE id = 2`)).length, 0);
      } finally {
        await mysqlQuery(pair.replicaUrl, 'START REPLICA SQL_THREAD');
      }
      await waitFor('row 2 after restart', async () =>
        (await mysqlQuery(pair.replicaUrl, `SELECT 1 FROM ${table} WHERE id = 2`)).length === 1, { timeoutMs: REPLICATION_TIMEOUT_MS });
    });
  });

  void describe('Redis primary + replica', () => {
    void it('replicates a key and the replica offset catches up', async () => {
      const pair = ready(redis);
      const key = uniqueName('probe');
      await withRedis(pair.primaryUrl, (c) => c.set(key, 'hello'));
      const value = await waitFor('the key on the replica', () => withRedis(pair.replicaUrl, (c) => c.get(key)), { timeoutMs: REPLICATION_TIMEOUT_MS });
      assert.equal(value, 'hello');
      const offset = (info: string, field: string): string | undefined => new RegExp(`^${field}:(\\d+)`, 'm').exec(info)?.[1];
      await waitFor('equal replication offsets', async () => {
        const primary = offset(await withRedis(pair.primaryUrl, (c) => c.info('replication')), 'master_repl_offset');
        const replica = offset(await withRedis(pair.replicaUrl, (c) => c.info('replication')), 'slave_repl_offset');
        return primary !== undefined && primary === replica;
      });
    });
  });

  void describe('failures and cleanup', () => {
    void it('reports a server that dies during start-up at once, with its log tail', async () => {
      const dir = await createScratchDir('failing');
      try {
        const spec = { name: 'redis-broken', command: findBinary(['redis-server'], 'apt-get install redis-server'),
          args: ['--port', 'not-a-port'], dir, stopSignal: 'SIGTERM', emergencySignal: 'SIGKILL' } as const;
        const server = spawnServer(spec);
        const started = Date.now();
        await assert.rejects(waitUntilReady(server, 'answering PING', () => Promise.resolve(false)), {
          message: /^redis-broken exited before answering PING; last lines of .*redis-broken\.log:\n[^]*not-a-port/,
        });
        assert.ok(Date.now() - started < 5_000);
        await stopServer(server, spec);
      } finally {
        await removeScratchDir(dir);
      }
    });

    void it('the exit safeguard ends the servers of a process that exits without stop()', async () => {
      const child = await pairInChild('exit');
      await waitFor('the servers to be gone', () => child.pids.every((pid) => !isAlive(pid)), { timeoutMs: 5_000 });
      // The safeguard removes the dir as it exits; on a loaded machine a server killed a moment earlier may still be
      // writing into it, and then the next start's reaper finishes the job — either way nothing is left behind.
      await waitFor('the scratch dir to be removed', () => {
        if (existsSync(child.dir)) reapStaleScratchDirs();
        return !existsSync(child.dir);
      }, { timeoutMs: 5_000 });
    });

    void it('a later start reaps the servers of a process killed with SIGKILL', async () => {
      const child = await pairInChild('hang');
      child.kill();
      assert.ok(child.pids.every(isAlive), 'servers outlive a kill -9 of their owner');
      await waitFor('the owner to be gone so the dir is stale', () => {
        reapStaleScratchDirs();
        return !existsSync(child.dir);
      }, { timeoutMs: 5_000 });
      await waitFor('the reaped servers to be gone', () => child.pids.every((pid) => !isAlive(pid)), { timeoutMs: 5_000 });
    });
  });
});
