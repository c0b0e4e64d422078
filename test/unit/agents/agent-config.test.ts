// The agent's config schema (embedded in the config file's schema), the probe registry, and the Probe
// contract's compile-time shape: a wrong implementation must not type-check.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { AgentConfigSchema, type ProbeConfig } from '../../../agents/agent-config.js';
import type { Probe } from '../../../agents/probe.js';
import { createProbe, PROBE_FACTORIES } from '../../../agents/probes/registry.js';
import { explainErrors } from '../../../lib/config/problems.js';
import { createSilentLogger } from '../../../lib/log.js';

describe('AgentConfigSchema', () => {
  it('fills defaults: one host probe, interval fsync, a bounded spool, a short batch delay', () => {
    const config = Value.Default(AgentConfigSchema, {});
    assert.ok(Value.Check(AgentConfigSchema, config));
    assert.deepEqual(config, { fsync: 'interval', maxSpoolBytes: 128 * 1024 * 1024, batchDelayMs: 100, probes: [{ kind: 'host' }] });
  });

  it('rejects unknown probe kinds, unknown keys and out-of-range intervals, naming the path', () => {
    const bad = { fsync: 'sometimes', maxSpoolBytes: 1, probes: [{ kind: 'host', intervalMs: 10 }, { kind: 'nope' }], extra: true };
    // explainErrors is what the config loader uses: it looks inside the probe union to name the exact field.
    const paths = new Set([...explainErrors(Value.Errors(AgentConfigSchema, bad))].map((e) => e.path));
    for (const path of ['/fsync', '/maxSpoolBytes', '/probes/0/intervalMs', '/probes/1/kind', '/extra']) assert.ok(paths.has(path), `${path} in ${[...paths].join(' ')}`);
  });
});

describe('probe registry', () => {
  it('has a factory for every configurable kind and builds from config', async () => {
    assert.deepEqual(Object.keys(PROBE_FACTORIES), ['host', 'postgres', 'mysql', 'kafka', 'redis', 'files', 'heartbeat']);
    const config: ProbeConfig = { kind: 'host', name: 'box', intervalMs: 1_000 };
    const probe = await createProbe(config, { hostLabel: 'h', logger: createSilentLogger(), clock: { now: () => 0 } });
    assert.deepEqual([probe.kind, probe.name, probe.intervalMs], ['host', 'box', 1_000]);
  });

  it('pins the Probe contract at compile time', () => {
    const base = { kind: 'k', name: 'n', intervalMs: 1, check: () => Promise.resolve({ ok: true as const }), close: () => Promise.resolve() };
    // @ts-expect-error -- collect must return points, not numbers
    const wrongPoints: Probe = { ...base, collect: () => Promise.resolve([1]) };
    // @ts-expect-error -- a failed check must say why
    const silentFailure: Probe = { ...base, collect: () => Promise.resolve([]), check: () => Promise.resolve({ ok: false }) };
    // @ts-expect-error -- close is part of the contract
    const noClose: Probe = { kind: 'k', name: 'n', intervalMs: 1, collect: () => Promise.resolve([]), check: base.check };
    assert.ok([wrongPoints, silentFailure, noClose].length === 3);
  });
});
