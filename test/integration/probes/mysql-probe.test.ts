// The MySQL/MariaDB probe against a real GTID pair: replica status and heartbeat lag near 0 at rest; with
// the SQL thread stopped the heartbeat lag grows (while Seconds_Behind_Master goes NULL, which is why the
// heartbeat is the figure); on restart it returns to near 0. The heartbeat table is created by the probe.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import type { Probe } from '../../../agents/probe.js';
import { createMysqlProbe } from '../../../agents/probes/mysql-probe.js';
import { startMariaDbPair, type MariaDbPair } from '../../support/replication.js';
import { collectUntil, testProbeContext, valueOf } from '../../support/probes.js';

const INTERVAL_MS = 250;

async function sql(url: string, statement: string): Promise<RowDataPacket[]> {
  const conn = await createConnection({ uri: url, connectTimeout: 3_000 });
  try {
    return (await conn.query<RowDataPacket[]>(statement))[0];
  } finally {
    await conn.end();
  }
}

describe('mysql probe on a real MariaDB primary + replica', () => {
  let pair: MariaDbPair;
  let probe: Probe;

  before(async () => {
    pair = await startMariaDbPair();
    probe = createMysqlProbe({ kind: 'mysql', pipeline: 'maria-pair', primaryUrl: pair.primaryUrl, replicaUrl: pair.replicaUrl, intervalMs: INTERVAL_MS }, testProbeContext());
  });

  after(async () => {
    await probe.close();
    await pair.stop();
  });

  it('reports running threads, 0 s behind and a heartbeat lag near 0 at rest', async () => {
    const points = await collectUntil(probe, 'a heartbeat seen with lag < 0.2 s', (p) =>
      valueOf(p, 'mysql_heartbeat_seen') === 1 && (valueOf(p, 'mysql_heartbeat_lag_seconds') ?? 99) < 0.2);
    assert.equal(valueOf(points, 'mysql_replica_configured'), 1);
    assert.equal(valueOf(points, 'mysql_replica_io_running'), 1);
    assert.equal(valueOf(points, 'mysql_replica_sql_running'), 1);
    assert.equal(valueOf(points, 'mysql_seconds_behind_master'), 0);
    assert.equal(valueOf(points, 'mysql_replica_last_sql_errno'), 0);
    assert.equal(valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'primary' }), 1);
    assert.equal(valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'replica' }), 1);
    const [row] = await sql(pair.replicaUrl, "SELECT seq FROM syncwatch_heartbeat WHERE pipeline = 'maria-pair'");
    assert.ok(Number(row?.['seq']) >= 1, 'the heartbeat table was created on the primary and replicated');
  });

  it('grows while the SQL thread is stopped and returns to near 0 when it restarts', async () => {
    await sql(pair.replicaUrl, 'STOP REPLICA SQL_THREAD');
    const stoppedAt = Date.now();
    try {
      const stopped = await collectUntil(probe, 'heartbeat lag ≥ 1.5 s', (p) => (valueOf(p, 'mysql_heartbeat_lag_seconds') ?? 0) >= 1.5);
      assert.equal(valueOf(stopped, 'mysql_replica_sql_running'), 0);
      assert.equal(valueOf(stopped, 'mysql_replica_io_running'), 1);
      assert.equal(valueOf(stopped, 'mysql_seconds_behind_master'), undefined, 'NULL while the SQL thread is stopped');
      const lag = valueOf(stopped, 'mysql_heartbeat_lag_seconds') ?? 0;
      assert.ok(lag <= (Date.now() - stoppedAt + INTERVAL_MS) / 1000 + 0.1, `lag ${lag} s after ${Date.now() - stoppedAt} ms stopped`);
    } finally {
      await sql(pair.replicaUrl, 'START REPLICA SQL_THREAD');
    }
    const resumed = await collectUntil(probe, 'heartbeat lag back under 0.2 s', (p) => (valueOf(p, 'mysql_heartbeat_lag_seconds') ?? 99) < 0.2);
    assert.equal(valueOf(resumed, 'mysql_replica_sql_running'), 1);
  });

  it('reconnects after the replica kills its connection', async () => {
    await probe.collect(AbortSignal.timeout(5_000));
    const sessions = await sql(pair.replicaUrl, "SELECT id FROM information_schema.processlist WHERE user = 'root' AND command = 'Sleep' AND id <> CONNECTION_ID()");
    assert.ok(sessions.length >= 1, "the probe's idle connection");
    for (const s of sessions) await sql(pair.replicaUrl, `KILL CONNECTION ${Number(s['id'])}`);
    await collectUntil(probe, 'the replica endpoint up again', (p) =>
      valueOf(p, 'syncwatch_probe_endpoint_up', { endpoint: 'replica' }) === 1 && valueOf(p, 'mysql_replica_sql_running') === 1);
  });

  it('keeps reporting replica status when the primary is unreachable', async () => {
    const broken = createMysqlProbe({ kind: 'mysql', pipeline: 'maria-pair', primaryUrl: 'mysql://root:s3cret-pw@127.0.0.1:1/syncwatch_test', replicaUrl: pair.replicaUrl, intervalMs: INTERVAL_MS }, testProbeContext());
    try {
      const points = await broken.collect(AbortSignal.timeout(5_000));
      assert.equal(valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'primary' }), 0);
      assert.equal(valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'replica' }), 1);
      assert.equal(valueOf(points, 'mysql_replica_sql_running'), 1);
      assert.ok(!JSON.stringify(points).includes('s3cret-pw'));
    } finally {
      await broken.close();
    }
  });
});
