// The generic heartbeat probe. Across engines (MariaDB → PostgreSQL, the test being the pipeline that copies
// the newest row): "no heartbeat yet" before anything arrives, lag near 0 while the pipeline runs, growing
// while it is stopped, near 0 again on resume. Over real replication (PostgreSQL primary → hot standby):
// near 0 at rest, growing while replay is paused, near 0 after resume.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import type { Probe } from '../../../agents/probe.js';
import { createHeartbeatProbe } from '../../../agents/probes/heartbeat-probe.js';
import { startPgPair, type PgPair } from '../../support/replication.js';
import { createTempMysqlDatabase, createTempPgDatabase, withPgClient, type TempDatabase } from '../../support/services.js';
import { collectUntil, pointsOf, testProbeContext, valueOf } from '../../support/probes.js';

const INTERVAL_MS = 250;

describe('heartbeat probe, MariaDB → PostgreSQL with the test as the pipeline', () => {
  let source: TempDatabase;
  let target: TempDatabase;
  let probe: Probe;

  /** One run of the "pipeline": the source's newest heartbeat row upserted into the target. */
  async function pipelineStep(): Promise<void> {
    const conn = await createConnection({ uri: source.url, connectTimeout: 3_000 });
    let rows: RowDataPacket[];
    try {
      [rows] = await conn.query<RowDataPacket[]>('SELECT pipeline, seq, ts FROM syncwatch_heartbeat');
    } finally {
      await conn.end();
    }
    await withPgClient(target.url, async (c) => {
      for (const r of rows) {
        await c.query('INSERT INTO syncwatch_heartbeat VALUES ($1, $2, $3) ON CONFLICT (pipeline) DO UPDATE SET seq = EXCLUDED.seq, ts = EXCLUDED.ts',
          [r['pipeline'], r['seq'], r['ts']]);
      }
    });
  }

  before(async () => {
    [source, target] = await Promise.all([createTempMysqlDatabase('sw_hb_src'), createTempPgDatabase('sw_hb_dst')]);
    probe = createHeartbeatProbe({ kind: 'heartbeat', pipeline: 'maria-to-pg', sourceUrl: source.url, targetUrl: target.url, intervalMs: INTERVAL_MS }, testProbeContext());
  });

  after(async () => {
    await probe.close();
    await Promise.all([source.drop(), target.drop()]);
  });

  it('says "no heartbeat yet" while the target has no table, then while it has no row', async () => {
    const first = await probe.collect(AbortSignal.timeout(5_000));
    assert.equal(valueOf(first, 'heartbeat_seen'), 0);
    assert.equal(pointsOf(first, 'heartbeat_lag_seconds').length, 0);
    assert.equal(valueOf(first, 'syncwatch_probe_endpoint_up', { endpoint: 'source' }), 1, 'the source table was created');
    await withPgClient(target.url, (c) => c.query('CREATE TABLE syncwatch_heartbeat (pipeline varchar(100) PRIMARY KEY, seq bigint NOT NULL, ts bigint NOT NULL)'));
    const second = await probe.collect(AbortSignal.timeout(5_000));
    assert.equal(valueOf(second, 'heartbeat_seen'), 0);
    assert.equal(pointsOf(second, 'heartbeat_lag_seconds').length, 0);
  });

  it('is near 0 while the pipeline runs, grows while it is stopped, and recovers', async () => {
    // The pipeline runs before each collection, after the previous write: the target is one beat behind
    // at most, and the lag counts only from the beat it misses.
    await collectUntil(probe, 'lag < 0.5 s while the pipeline runs', (p) =>
      valueOf(p, 'heartbeat_seen') === 1 && (valueOf(p, 'heartbeat_lag_seconds') ?? 99) < 0.5, { before: pipelineStep });
    const stoppedAt = Date.now();
    const stopped = await collectUntil(probe, 'lag ≥ 1.5 s with the pipeline stopped', (p) => (valueOf(p, 'heartbeat_lag_seconds') ?? 0) >= 1.5);
    const lag = valueOf(stopped, 'heartbeat_lag_seconds') ?? 0;
    assert.ok(lag <= (Date.now() - stoppedAt + INTERVAL_MS) / 1000 + 0.1, `lag ${lag} s after ${Date.now() - stoppedAt} ms stopped`);
    await collectUntil(probe, 'lag < 0.5 s after the pipeline resumed', (p) => (valueOf(p, 'heartbeat_lag_seconds') ?? 99) < 0.5, { before: pipelineStep });
  });
});

describe('heartbeat probe over PostgreSQL streaming replication', () => {
  let pair: PgPair;
  let probe: Probe;

  before(async () => {
    pair = await startPgPair();
    probe = createHeartbeatProbe({ kind: 'heartbeat', pipeline: 'pg-stream', sourceUrl: pair.primaryUrl, targetUrl: pair.standbyUrl, intervalMs: INTERVAL_MS }, testProbeContext());
  });

  after(async () => {
    await probe.close();
    await pair.stop();
  });

  it('is near 0 at rest, grows while replay is paused, and returns near 0 on resume', async () => {
    await collectUntil(probe, 'lag < 0.2 s at rest', (p) => valueOf(p, 'heartbeat_seen') === 1 && (valueOf(p, 'heartbeat_lag_seconds') ?? 99) < 0.2);
    await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_pause()'));
    try {
      await collectUntil(probe, 'lag ≥ 1.5 s while paused', (p) => (valueOf(p, 'heartbeat_lag_seconds') ?? 0) >= 1.5);
    } finally {
      await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_resume()'));
    }
    await collectUntil(probe, 'lag < 0.2 s after resume', (p) => (valueOf(p, 'heartbeat_lag_seconds') ?? 99) < 0.2);
  });
});
