// The probe loop: health points, independence of probes, backoff of a failing probe, prompt stop.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Probe } from '../../../agents/probe.js';
import { runProbe } from '../../../agents/probe-runner.js';
import { createSilentLogger } from '../../../lib/log.js';
import type { Point } from '../../../lib/protocol/ingest-batch.js';
import { waitFor } from '../../support/wait-for.js';

function scriptedProbe(name: string, intervalMs: number, fails: (call: number) => boolean): Probe & { calls: number[] } {
  const calls: number[] = [];
  return {
    kind: 'test',
    name,
    intervalMs,
    calls,
    collect: () => {
      calls.push(Date.now());
      if (fails(calls.length)) return Promise.reject(new Error(`${name} target down`));
      return Promise.resolve([{ ts: Date.now(), metric: 'test_value', labels: {}, value: calls.length }]);
    },
    check: () => Promise.resolve({ ok: true }),
    close: () => Promise.resolve(),
  };
}

describe('runProbe', () => {
  it('emits probe_up 1/0, keeps healthy probes running while one fails, and backs the failing one off', async () => {
    const received: Point[] = [];
    const sink = (points: readonly Point[]): Promise<void> => { received.push(...points); return Promise.resolve(); };
    const healthy = scriptedProbe('healthy', 20, () => false);
    const broken = scriptedProbe('broken', 20, (call) => call <= 5);
    const controller = new AbortController();
    const common = { hostLabel: 'h1', clock: { now: () => Date.now() }, logger: createSilentLogger(), sink, random: () => 0 };
    const runs = [healthy, broken].map((probe) => runProbe({ probe, ...common }, controller.signal));

    await waitFor('the broken probe to recover', () => runs[1]?.state().up === true, { timeoutMs: 10_000 });
    controller.abort();
    await Promise.all(runs.map((r) => r.done));

    const up = (probe: string, value: number): Point[] =>
      received.filter((p) => p.metric === 'syncwatch_probe_up' && p.labels['probe'] === probe && p.value === value);
    assert.equal(up('broken', 0).length, 5);
    assert.ok(up('broken', 1).length >= 1);
    assert.equal(up('healthy', 0).length, 0);
    assert.ok(up('healthy', 1).length > 10, 'the healthy probe kept its interval during the outage');
    assert.deepEqual(up('broken', 0)[0]?.labels, { probe: 'broken', kind: 'test', host: 'h1' });
    assert.ok(received.filter((p) => p.metric === 'test_value').every((p) => p.labels['host'] === 'h1'));
    // With random() = 0 the waits are half the ceiling: 10, 20, 40, 80 ms after failures 1–4.
    const gaps = broken.calls.slice(1, 6).map((t, i) => t - (broken.calls[i] ?? 0));
    assert.ok((gaps[3] ?? 0) >= 75 && (gaps[3] ?? 0) > (gaps[0] ?? 0), `gaps ${gaps.join(', ')}`);
  });

  it('times out a probe that hangs, and stops promptly', async () => {
    const hanging: Probe = { ...scriptedProbe('hang', 1_000, () => false), collect: () => new Promise<never>(() => undefined) };
    const controller = new AbortController();
    const run = runProbe({ probe: hanging, hostLabel: 'h', clock: { now: () => 0 }, logger: createSilentLogger(), sink: () => Promise.resolve() }, controller.signal);
    await waitFor('a timed-out collection', () => run.state().up === false, { timeoutMs: 5_000 });
    assert.match(run.state().lastError ?? '', /longer than 2000 ms/);
    const started = Date.now();
    controller.abort();
    await run.done;
    assert.ok(Date.now() - started < 500);
  });
});
