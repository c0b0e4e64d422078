// Every lag probe kind is configurable: its schema is in the agent config union, a minimal entry validates
// with defaults applied, and the registry builds the probe from it without touching the network.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { ProbeConfigSchema, type ProbeConfig } from '../../../../agents/agent-config.js';
import { createProbe, PROBE_FACTORIES } from '../../../../agents/probes/registry.js';
import { testProbeContext } from '../../../support/probes.js';

const MINIMAL: readonly Extract<ProbeConfig, { pipeline: string }>[] = [
  { kind: 'postgres', pipeline: 'orders', url: 'postgres://u:pw@db:5432/app' },
  { kind: 'mysql', pipeline: 'orders', replicaUrl: 'mysql://u:pw@replica:3306/app', primaryUrl: 'mariadb://u:pw@primary:3306/app' },
  { kind: 'kafka', pipeline: 'cdc', brokers: ['k1:9092'], groups: ['sink'] },
  { kind: 'redis', pipeline: 'cache', primaryUrl: 'redis://r1:6379', replicaUrl: 'rediss://:pw@r2:6380' },
  { kind: 'files', pipeline: 'assets', sourceDir: '/srv/a', targetDir: '/mnt/a' },
  { kind: 'heartbeat', pipeline: 'e2e', sourceUrl: 'mysql://u@src/app', targetUrl: 'postgresql://u@dst/app', table: 'ops.heartbeat' },
];

describe('lag probes in the registry', () => {
  it('has a factory for each lag kind', () => {
    for (const kind of ['postgres', 'mysql', 'kafka', 'redis', 'files', 'heartbeat']) assert.ok(kind in PROBE_FACTORIES, kind);
  });

  for (const config of MINIMAL) {
    it(`builds a ${config.kind} probe from a minimal valid entry, 1 s interval, named kind-pipeline`, async () => {
      assert.ok(Value.Check(ProbeConfigSchema, config), JSON.stringify([...Value.Errors(ProbeConfigSchema, config)].map((e) => `${e.path} ${e.message}`)));
      const probe = await createProbe(config, testProbeContext());
      assert.deepEqual([probe.kind, probe.name, probe.intervalMs], [config.kind, `${config.kind}-${config.pipeline}`, 1_000]);
      await probe.close();
    });
  }

  it('rejects URLs of the wrong scheme, bad pipeline names and unsafe table or file names', () => {
    const bad: unknown[] = [
      { kind: 'postgres', pipeline: 'p', url: 'mysql://db/app' },
      { kind: 'mysql', pipeline: 'p', replicaUrl: 'postgres://db/app' },
      { kind: 'heartbeat', pipeline: 'p', sourceUrl: 'redis://x', targetUrl: 'postgres://y' },
      { kind: 'heartbeat', pipeline: 'p', sourceUrl: 'postgres://x', targetUrl: 'postgres://y', table: 'x; DROP TABLE y' },
      { kind: 'files', pipeline: 'p', sourceDir: '/a', targetDir: '/b', heartbeatFile: '../escape' },
      { kind: 'files', pipeline: 'p', sourceDir: '/a', targetDir: '/b', heartbeatFile: '..' },
      { kind: 'kafka', pipeline: 'has space', brokers: ['k:9092'], groups: ['g'] },
      { kind: 'kafka', pipeline: 'p', brokers: ['user:pw@k:9092'], groups: ['g'] },
      { kind: 'redis', pipeline: 'p', primaryUrl: 'redis://a', replicaUrl: 'redis://b', intervalMs: 10 },
    ];
    for (const config of bad) assert.equal(Value.Check(ProbeConfigSchema, config), false, JSON.stringify(config));
  });
});
