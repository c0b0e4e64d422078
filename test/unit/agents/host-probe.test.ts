// The host probe end to end over a /proc-shaped directory of recorded fixtures, and once over the real /proc.
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { createHostProbe } from '../../../agents/probes/host-probe.js';
import { createSilentLogger } from '../../../lib/log.js';
import type { Point } from '../../../lib/protocol/ingest-batch.js';
import { waitFor } from '../../support/wait-for.js';

const FIXTURES = fileURLToPath(new URL('fixtures/', import.meta.url));
const context = { hostLabel: 'fixture-host', logger: createSilentLogger(), clock: { now: () => 1_700_000_000_000 } };
const value = (points: Point[], metric: string, labels: Record<string, string> = {}): number | undefined =>
  points.find((p) => p.metric === metric && Object.entries(labels).every(([k, v]) => p.labels[k] === v))?.value;

describe('host probe over fixtures', () => {
  let proc: string;
  let nowMs = 0;
  const install = async (reading: 1 | 2): Promise<void> => {
    await copyFile(join(FIXTURES, `proc-stat.${reading}.txt`), join(proc, 'stat'));
    await copyFile(join(FIXTURES, `proc-diskstats.${reading}.txt`), join(proc, 'diskstats'));
    await copyFile(join(FIXTURES, `proc-net-dev.${reading}.txt`), join(proc, 'net/dev'));
  };

  before(async () => {
    proc = await mkdtemp(join(tmpdir(), 'sw-proc-'));
    await mkdir(join(proc, 'net'));
    await mkdir(join(proc, 'self'));
    await copyFile(join(FIXTURES, 'proc-meminfo.txt'), join(proc, 'meminfo'));
    await copyFile(join(FIXTURES, 'proc-loadavg.txt'), join(proc, 'loadavg'));
    await copyFile(join(FIXTURES, 'proc-self-mounts.txt'), join(proc, 'self/mounts'));
  });
  after(async () => { await rm(proc, { recursive: true, force: true }); });

  it('reports gauges first, then rates, every point labelled with the host', async () => {
    const statfs = (path: string): Promise<{ bsize: number; blocks: number; bfree: number; bavail: number }> => {
      assert.equal(path, '/');
      return Promise.resolve({ bsize: 4096, blocks: 1000, bfree: 500, bavail: 500 });
    };
    const probe = createHostProbe({ kind: 'host', includeLoopback: true }, context, { procRoot: proc, monotonicMs: () => nowMs, statfs });
    assert.deepEqual([probe.kind, probe.name, probe.intervalMs], ['host', 'host', 5_000]);
    await install(1);
    assert.deepEqual(await probe.check(), { ok: true });
    const first = await probe.collect(AbortSignal.timeout(5_000));
    assert.equal(value(first, 'host_cpu_percent'), undefined, 'no rate without an earlier reading');
    assert.equal(value(first, 'host_load1'), 0.08);
    assert.equal(value(first, 'host_memory_used_bytes'), (24682416 - 24042352) * 1024);
    assert.equal(value(first, 'host_filesystem_used_percent', { mountpoint: '/', fstype: 'ext4' }), 50);
    assert.ok(first.every((p) => p.labels['host'] === 'fixture-host' && p.ts === 1_700_000_000_000));

    await install(2);
    nowMs += 5_000;
    const second = await probe.collect(AbortSignal.timeout(5_000));
    assert.equal(value(second, 'host_cpu_percent'), Math.round((57 * 100_000) / 521) / 1000);
    assert.equal(value(second, 'host_disk_write_bytes_per_second', { device: 'vda' }), ((6360056 - 6132664) * 512) / 5);
    assert.equal(value(second, 'host_network_receive_bytes_per_second', { interface: 'lo' }), (3196087 - 59985) / 5);
    assert.equal(value(second, 'host_network_receive_bytes_per_second', { interface: 'eth0' }), 0);
    assert.equal(second.filter((p) => p.metric === 'host_cpu_mode_percent').length, 8);
    await probe.close();
  });

  it('fails check() and collect() when the files are not there', async () => {
    const probe = createHostProbe({ kind: 'host', name: 'h2', intervalMs: 1_000 }, context, { procRoot: join(proc, 'missing') });
    const check = await probe.check();
    assert.equal(check.ok, false);
    await assert.rejects(probe.collect(AbortSignal.timeout(5_000)), /ENOENT/);
  });
});

describe('host probe over the real /proc', () => {
  it('collects the documented metric names', async () => {
    const probe = createHostProbe({ kind: 'host' }, { ...context, clock: { now: () => Date.now() } });
    await probe.collect(AbortSignal.timeout(5_000));
    // CPU time advances in 10 ms ticks: two back-to-back readings may show none, and then there is no rate.
    const points = await waitFor('a CPU rate', async () => {
      const collected = await probe.collect(AbortSignal.timeout(5_000));
      return collected.some((p) => p.metric === 'host_cpu_percent') && collected;
    });
    const names = new Set(points.map((p) => p.metric));
    for (const name of ['host_cpu_percent', 'host_memory_used_percent', 'host_load1', 'host_filesystem_used_percent', 'host_swap_used_bytes']) {
      assert.ok(names.has(name), `missing ${name} in ${[...names].join(', ')}`);
    }
    assert.ok(!points.some((p) => p.labels['interface'] === 'lo'), 'loopback is excluded by default');
    assert.ok(points.every((p) => Number.isFinite(p.value)));
  });
});
