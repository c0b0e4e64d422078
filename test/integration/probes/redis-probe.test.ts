// The Redis probe against a real primary + replica: 0 bytes and link up at rest; the offset lag grows while
// the replica process is stopped (SIGSTOP: it neither applies nor answers, so the primary's view stands in)
// and while the link is cut (REPLICAOF NO ONE), and returns to 0 when the replica resumes or re-attaches.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Probe } from '../../../agents/probe.js';
import { createRedisProbe } from '../../../agents/probes/redis-probe.js';
import { startRedisPair, type RedisPair } from '../../support/replication.js';
import { withRedis } from '../../support/services.js';
import { collectUntil, testProbeContext, valueOf } from '../../support/probes.js';
import { uniqueName } from '../../support/unique-name.js';

const INTERVAL_MS = 250;

describe('redis probe on a real primary + replica', () => {
  let pair: RedisPair;
  let probe: Probe;
  let replica: { replica: string };
  const key = uniqueName('probe');
  const writeOnPrimary = (): Promise<void> => withRedis(pair.primaryUrl, async (c) => { await c.set(key, `${uniqueName('v')}${'x'.repeat(500)}`); });

  before(async () => {
    pair = await startRedisPair();
    // 300 ms statement timeout: a stopped replica costs each collection that long, no more.
    probe = createRedisProbe({ kind: 'redis', pipeline: 'redis-pair', primaryUrl: pair.primaryUrl, replicaUrl: pair.replicaUrl, intervalMs: INTERVAL_MS, timeoutMs: 300 }, testProbeContext());
    replica = { replica: `127.0.0.1:${pair.replica.port}` };
  });

  after(async () => {
    try {
      process.kill(pair.replica.pid, 'SIGCONT');
    } catch {
      // already gone
    }
    await probe.close();
    await pair.stop();
  });

  it('reports 0 bytes behind and the link up at rest', async () => {
    await writeOnPrimary();
    const points = await collectUntil(probe, 'offset lag 0', (p) => valueOf(p, 'redis_replica_offset_lag_bytes', replica) === 0);
    assert.equal(valueOf(points, 'redis_replica_link_up', replica), 1);
    assert.equal(valueOf(points, 'redis_replica_sync_in_progress', replica), 0);
    assert.ok((valueOf(points, 'redis_replica_last_io_seconds', replica) ?? 99) <= 10);
    assert.equal(valueOf(points, 'redis_connected_replicas'), 1);
    assert.equal(valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'replica' }), 1);
  });

  it('grows while the replica process is stopped and returns to 0 when it continues', async () => {
    process.kill(pair.replica.pid, 'SIGSTOP');
    try {
      const stopped = await collectUntil(probe, 'offset lag > 1000 bytes from the primary view', (p) =>
        (valueOf(p, 'redis_replica_offset_lag_bytes', replica) ?? 0) > 1_000, { before: writeOnPrimary });
      assert.equal(valueOf(stopped, 'syncwatch_probe_endpoint_up', { endpoint: 'replica' }), 0);
      assert.equal(valueOf(stopped, 'syncwatch_probe_endpoint_up', { endpoint: 'primary' }), 1);
    } finally {
      process.kill(pair.replica.pid, 'SIGCONT');
    }
    await collectUntil(probe, 'offset lag back to 0', (p) =>
      valueOf(p, 'redis_replica_offset_lag_bytes', replica) === 0 && valueOf(p, 'syncwatch_probe_endpoint_up', { endpoint: 'replica' }) === 1);
  });

  it('shows the link down and growing lag while the replica is detached, and 0 once re-attached', async () => {
    await withRedis(pair.replicaUrl, (c) => c.replicaof('NO', 'ONE'));
    try {
      const detached = await collectUntil(probe, 'link down with offset lag > 1000 bytes', (p) =>
        valueOf(p, 'redis_replica_link_up', replica) === 0 && (valueOf(p, 'redis_replica_offset_lag_bytes', replica) ?? 0) > 1_000, { before: writeOnPrimary });
      assert.equal(valueOf(detached, 'redis_connected_replicas'), 0);
    } finally {
      await withRedis(pair.replicaUrl, (c) => c.replicaof('127.0.0.1', String(pair.primary.port)));
    }
    await collectUntil(probe, 'link up and offset lag 0 after REPLICAOF', (p) =>
      valueOf(p, 'redis_replica_link_up', replica) === 1 && valueOf(p, 'redis_replica_offset_lag_bytes', replica) === 0);
  });
});
