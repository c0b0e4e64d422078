// The PostgreSQL probe against a real primary + hot standby: 0 at rest and while the primary idles, lag in
// seconds and bytes that grows while replay is paused and returns to 0 on resume, the primary's view of
// its standby, and the slot the standby streams from.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Probe } from '../../../agents/probe.js';
import { createPostgresProbe } from '../../../agents/probes/postgres-probe.js';
import { startPgPair, type PgPair } from '../../support/replication.js';
import { withPgClient } from '../../support/services.js';
import { collectUntil, pointsOf, testProbeContext, valueOf } from '../../support/probes.js';
import { uniqueName } from '../../support/unique-name.js';

const INTERVAL_MS = 250;

describe('postgres probe on a real streaming pair', () => {
  let pair: PgPair;
  let standbyProbe: Probe;
  let primaryProbe: Probe;
  const table = uniqueName('pg_probe');
  let counter = 0;
  const writeOnPrimary = (): Promise<void> => withPgClient(pair.primaryUrl, async (c) => {
    counter += 1;
    await c.query(`INSERT INTO ${table} VALUES ($1)`, [counter]);
  });

  before(async () => {
    pair = await startPgPair();
    await withPgClient(pair.primaryUrl, (c) => c.query(`CREATE TABLE ${table} (id int PRIMARY KEY)`));
    standbyProbe = createPostgresProbe({ kind: 'postgres', pipeline: 'pg-pair', url: pair.standbyUrl, intervalMs: INTERVAL_MS }, testProbeContext());
    primaryProbe = createPostgresProbe({ kind: 'postgres', pipeline: 'pg-pair', url: pair.primaryUrl, intervalMs: INTERVAL_MS }, testProbeContext());
  });

  after(async () => {
    await Promise.all([standbyProbe.close(), primaryProbe.close()]);
    await pair.stop();
  });

  it('reports 0 s and 0 bytes at rest, labelled with pipeline and host', async () => {
    await writeOnPrimary();
    const points = await collectUntil(standbyProbe, 'the standby caught up', (p) =>
      valueOf(p, 'pg_replay_lag_seconds') === 0 && valueOf(p, 'pg_wal_bytes_behind') === 0);
    assert.equal(valueOf(points, 'pg_in_recovery'), 1);
    assert.equal(valueOf(points, 'pg_replay_paused'), 0);
    assert.equal(valueOf(points, 'pg_wal_receiver_streaming'), 1);
    assert.deepEqual(pointsOf(points, 'pg_replay_lag_seconds')[0]?.labels, { pipeline: 'pg-pair', host: 'probe-test-host' });
    assert.equal(valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'server' }), 1);
  });

  it('does not show growing lag while the primary is idle', async () => {
    const idleSince = Date.now();
    // Idle for 3 s. A background WAL record (a standby snapshot, a checkpoint) may be caught in flight, so
    // each reading may be a few ms, never more than an interval; the naive figure meanwhile passes 3 s.
    await collectUntil(standbyProbe, '3 s of idle primary', () => Date.now() - idleSince > 3_000, {
      each: (p) => {
        assert.ok((valueOf(p, 'pg_replay_lag_seconds') ?? 99) < INTERVAL_MS / 1000, `lag while idle: ${valueOf(p, 'pg_replay_lag_seconds')}`);
        assert.ok((valueOf(p, 'pg_wal_bytes_behind') ?? Infinity) < 64 * 1024, 'bytes behind while idle');
      },
    });
    const naive = await withPgClient(pair.standbyUrl, async (c) => Number((await c.query<{ s: string }>(
      'SELECT extract(epoch FROM now() - pg_last_xact_replay_timestamp()) AS s')).rows[0]?.s));
    assert.ok(naive > 3, `now() - pg_last_xact_replay_timestamp() is ${naive} s: the false alarm the probe avoids`);
    const primary = await primaryProbe.collect(AbortSignal.timeout(5_000));
    assert.equal(valueOf(primary, 'pg_in_recovery'), 0);
    assert.equal(valueOf(primary, 'pg_standbys_connected'), 1);
    assert.equal(valueOf(primary, 'pg_standby_streaming'), 1);
    assert.ok((valueOf(primary, 'pg_standby_replay_bytes') ?? Infinity) < 64 * 1024);
    assert.ok((valueOf(primary, 'pg_standby_replay_lag_seconds') ?? 1) < 1, 'primary view of an idle standby');
  });

  it('grows while replay is paused and returns to 0 on resume', async () => {
    await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_pause()'));
    const pausedAt = Date.now();
    try {
      const paused = await collectUntil(standbyProbe, 'replay lag ≥ 1.5 s with bytes behind', (p) =>
        (valueOf(p, 'pg_replay_lag_seconds') ?? 0) >= 1.5 && (valueOf(p, 'pg_wal_bytes_behind') ?? 0) > 0, { before: writeOnPrimary });
      assert.equal(valueOf(paused, 'pg_replay_paused'), 1);
      // The lag counts from the pause (within an interval), not from the last commit before the idle spell.
      const lag = valueOf(paused, 'pg_replay_lag_seconds') ?? 0;
      assert.ok(lag <= (Date.now() - pausedAt + INTERVAL_MS) / 1000 + 0.1, `lag ${lag} s after ${Date.now() - pausedAt} ms of pause`);
      await collectUntil(primaryProbe, 'the primary to see the standby behind', (p) =>
        (valueOf(p, 'pg_standby_replay_bytes') ?? 0) > 0 && (valueOf(p, 'pg_standby_replay_lag_seconds') ?? 0) >= 1, { before: writeOnPrimary });
    } finally {
      await withPgClient(pair.standbyUrl, (c) => c.query('SELECT pg_wal_replay_resume()'));
    }
    await collectUntil(standbyProbe, 'lag back to 0 after resume', (p) =>
      valueOf(p, 'pg_replay_lag_seconds') === 0 && valueOf(p, 'pg_wal_bytes_behind') === 0);
    await collectUntil(primaryProbe, 'the primary to see the standby caught up', (p) => valueOf(p, 'pg_standby_replay_bytes') === 0);
  });

  it('reconnects after its connection is terminated', async () => {
    await standbyProbe.collect(AbortSignal.timeout(5_000));
    const killed = await withPgClient(pair.standbyUrl, async (c) => (await c.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'syncwatch-postgres-pg-pair'")).rowCount);
    assert.equal(killed, 1, "the probe's one connection, found by its application_name");
    await collectUntil(standbyProbe, 'a successful collection on a new connection', (p) => valueOf(p, 'pg_replay_lag_seconds') === 0);
  });

  it('reports the WAL retained by the standby slot', async () => {
    const points = await primaryProbe.collect(AbortSignal.timeout(5_000));
    const retained = valueOf(points, 'pg_slot_retained_bytes', { slot: pair.slotName });
    assert.ok(retained !== undefined && retained >= 0, `retained bytes for ${pair.slotName}`);
    assert.equal(valueOf(points, 'pg_slot_active', { slot: pair.slotName, slot_type: 'physical' }), 1);
  });
});
