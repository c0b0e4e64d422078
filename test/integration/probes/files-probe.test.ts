// The file-tree probe against real directories, the test being the "sync" (fs.cp of the source tree onto
// the target): lag near 0 while syncing, growing when the sync stops, back near 0 when it resumes; file
// counts and bytes per side; a missing target tree is an outage of that side, not "no heartbeat yet".
import assert from 'node:assert/strict';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Probe } from '../../../agents/probe.js';
import { createFilesProbe } from '../../../agents/probes/files-probe.js';
import { collectUntil, testProbeContext, valueOf } from '../../support/probes.js';

const INTERVAL_MS = 200;

describe('files probe on real directory trees', () => {
  let root: string;
  let source: string;
  let target: string;
  let probe: Probe;
  const sync = (): Promise<void> => cp(source, target, { recursive: true, force: true });

  before(async () => {
    root = await mkdtemp(join(tmpdir(), 'sw-files-probe-'));
    source = join(root, 'source');
    target = join(root, 'target');
    await mkdir(join(source, 'sub'), { recursive: true });
    await mkdir(target);
    await writeFile(join(source, 'a.txt'), 'hello');
    await writeFile(join(source, 'sub', 'b.bin'), Buffer.alloc(1000));
    probe = createFilesProbe({ kind: 'files', pipeline: 'tree', sourceDir: source, targetDir: target, intervalMs: INTERVAL_MS, treeStatsIntervalMs: 0 }, testProbeContext());
  });

  after(async () => {
    await probe.close();
    await rm(root, { recursive: true, force: true });
  });

  it('says "no heartbeat yet" before the first sync, without a lag point', async () => {
    const points = await probe.collect(AbortSignal.timeout(5_000));
    assert.equal(valueOf(points, 'files_heartbeat_seen'), 0);
    assert.equal(valueOf(points, 'files_sync_lag_seconds'), undefined);
  });

  it('reports lag near 0 while the sync runs, and the same counts on both sides', async () => {
    const points = await collectUntil(probe, 'lag < 0.1 s with equal trees', (p) =>
      (valueOf(p, 'files_sync_lag_seconds') ?? 99) < 0.1 && valueOf(p, 'files_count', { side: 'target' }) === 2, { before: sync });
    assert.equal(valueOf(points, 'files_heartbeat_seen'), 1);
    assert.equal(valueOf(points, 'files_count', { side: 'source' }), 2, 'the heartbeat file is not counted');
    assert.equal(valueOf(points, 'files_bytes', { side: 'source' }), 1005);
    assert.equal(valueOf(points, 'files_bytes', { side: 'target' }), 1005);
  });

  it('grows while the sync is stopped and returns to near 0 when it resumes', async () => {
    await sync();
    const stoppedAt = Date.now();
    await writeFile(join(source, 'c.txt'), 'new while stopped');
    const stopped = await collectUntil(probe, 'lag ≥ 1 s', (p) => (valueOf(p, 'files_sync_lag_seconds') ?? 0) >= 1);
    const lag = valueOf(stopped, 'files_sync_lag_seconds') ?? 0;
    assert.ok(lag <= (Date.now() - stoppedAt + INTERVAL_MS) / 1000 + 0.1, `lag ${lag} s after ${Date.now() - stoppedAt} ms`);
    await collectUntil(probe, 'the file counts to differ', (p) =>
      valueOf(p, 'files_count', { side: 'source' }) === 3 && valueOf(p, 'files_count', { side: 'target' }) === 2);
    await collectUntil(probe, 'lag back under 0.1 s', (p) => (valueOf(p, 'files_sync_lag_seconds') ?? 99) < 0.1, { before: sync });
  });

  it('marks a missing target tree as that endpoint being down, and fails only when both sides are', async () => {
    const broken = createFilesProbe({ kind: 'files', pipeline: 'tree', sourceDir: source, targetDir: join(root, 'missing'), intervalMs: INTERVAL_MS }, testProbeContext());
    try {
      const points = await broken.collect(AbortSignal.timeout(5_000));
      assert.equal(valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'target' }), 0);
      assert.equal(valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'source' }), 1);
      assert.equal(valueOf(points, 'files_heartbeat_seen'), undefined);
    } finally {
      await broken.close();
    }
    const dead = createFilesProbe({ kind: 'files', pipeline: 'tree', sourceDir: join(root, 'nope'), targetDir: join(root, 'missing'), intervalMs: INTERVAL_MS }, testProbeContext());
    await assert.rejects(dead.collect(AbortSignal.timeout(5_000)), /SW_PROBE_TARGET_DOWN|source .*nope.*; target .*missing/);
    assert.equal((await dead.check()).ok, false);
    await dead.close();
  });
});
