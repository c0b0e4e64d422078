// Every lag probe must pass this suite unchanged: well-formed points labelled with pipeline and host,
// per-endpoint health, check(), a down target reported (not thrown out of the agent) with secrets kept
// out of errors, logs and points, prompt abort, and an idempotent close().
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { Value } from '@sinclair/typebox/value';
import { pino } from 'pino';
import { PROBE_UP_METRIC, type Probe, type ProbeContext } from '../../agents/probe.js';
import { runProbe } from '../../agents/probe-runner.js';
import { ENDPOINT_UP_METRIC } from '../../agents/probes/lag/points.js';
import { LAG_PROBE_DEFAULT_INTERVAL_MS } from '../../agents/probes/lag/lag-config.js';
import { SYSTEM_CLOCK } from '../../lib/clock.js';
import { isSyncwatchError } from '../../lib/errors.js';
import { PointSchema, type Point } from '../../lib/protocol/ingest-batch.js';
import { collectUntil, pointsOf, TEST_HOST } from '../support/probes.js';
import { waitFor } from '../support/wait-for.js';

/** The password every "down" case puts in its URLs; it must never surface. */
export const CONTRACT_SECRET = 'contract-s3cret-pw';

/** Metric names: snake_case, starting with a letter (Prometheus and ClickHouse conventions). */
const METRIC_NAME = /^[a-z][a-z0-9_]*$/;

export interface ProbeContractCase {
  readonly kind: string;
  readonly pipeline: string;
  /** Builds a probe whose targets are up; `cleanup` runs after the suite. */
  healthy(context: ProbeContext): Promise<{ readonly probe: Probe; readonly cleanup?: () => Promise<void> }>;
  /** Builds a probe (no interval or name given) whose every target is down, with CONTRACT_SECRET in URLs where it has any. */
  down(context: ProbeContext): Probe;
  /** Metrics a healthy probe reports within a few collections. */
  readonly expectedMetrics: readonly string[];
}

interface CapturedLog {
  readonly context: ProbeContext;
  text(): string;
}

function capturedLog(): CapturedLog {
  const chunks: string[] = [];
  const stream = new Writable({ write(chunk: Buffer, _enc, done) { chunks.push(chunk.toString()); done(); } });
  return { context: { hostLabel: TEST_HOST, clock: SYSTEM_CLOCK, logger: pino({ level: 'debug' }, stream) }, text: () => chunks.join('') };
}

function assertWellFormed(points: readonly Point[], pipeline: string): void {
  for (const p of points) {
    assert.ok(Value.Check(PointSchema, p), `point matches the wire schema: ${JSON.stringify(p)}`);
    assert.match(p.metric, METRIC_NAME);
    assert.equal(p.labels['pipeline'], pipeline, `${p.metric} carries the pipeline label`);
    assert.equal(p.labels['host'], TEST_HOST, `${p.metric} carries the host label`);
  }
}

export function probeContract(c: ProbeContractCase): void {
  describe(`Probe contract: ${c.kind}`, () => {
    const healthyLog = capturedLog();
    let probe: Probe;
    let cleanup: (() => Promise<void>) | undefined;

    before(async () => {
      ({ probe, cleanup } = await c.healthy(healthyLog.context));
    });
    after(async () => {
      await probe.close();
      await cleanup?.();
    });

    it('names its kind, a label-safe name and the 1 s lag default interval', () => {
      const down = c.down(capturedLog().context);
      assert.equal(probe.kind, c.kind);
      assert.equal(down.kind, c.kind);
      assert.match(down.name, /^[A-Za-z0-9_.:-]{1,100}$/);
      assert.equal(down.intervalMs, LAG_PROBE_DEFAULT_INTERVAL_MS);
      return down.close();
    });

    it('reports well-formed points with pipeline and host labels, every endpoint up, and its metrics', async () => {
      const points = await collectUntil(probe, `${c.expectedMetrics.join(', ')} reported`, (p) =>
        c.expectedMetrics.every((m) => pointsOf(p, m).length > 0), { timeoutMs: 15_000 });
      assertWellFormed(points, c.pipeline);
      const health = pointsOf(points, ENDPOINT_UP_METRIC);
      assert.ok(health.length > 0, 'per-endpoint health points');
      for (const h of health) assert.deepEqual([h.labels['probe'], h.labels['kind'], h.value], [probe.name, c.kind, 1]);
      assert.deepEqual(await probe.check(), { ok: true });
    });

    it('rejects a collection with SW_PROBE_TARGET_DOWN when every target is down, secrets kept out', async () => {
      const log = capturedLog();
      const down = c.down(log.context);
      try {
        const startedAt = Date.now();
        await assert.rejects(down.collect(AbortSignal.timeout(10_000)), (err) => {
          assert.ok(isSyncwatchError(err) && err.code === 'SW_PROBE_TARGET_DOWN', String(err));
          assert.ok(err.retriable);
          assert.ok(!err.message.includes(CONTRACT_SECRET), err.message);
          return true;
        });
        assert.ok(Date.now() - startedAt < 5_000, 'a down target fails fast');
        const check = await down.check();
        assert.ok(!check.ok, 'check() reports the outage');
        assert.ok(check.error !== '' && !check.error.includes(CONTRACT_SECRET), check.error);
        assert.ok(!log.text().includes(CONTRACT_SECRET), 'no secret in the logs');
      } finally {
        await down.close();
        await down.close(); // idempotent
      }
    });

    it('under the agent runner, a down target becomes syncwatch_probe_up 0 and a last error, nothing thrown', async () => {
      const log = capturedLog();
      const down = c.down(log.context);
      const received: Point[] = [];
      const stop = new AbortController();
      const run = runProbe({ probe: down, hostLabel: TEST_HOST, clock: SYSTEM_CLOCK, logger: log.context.logger,
        sink: (points) => { received.push(...points); return Promise.resolve(); } }, stop.signal);
      try {
        await waitFor('a failed collection', () => run.state().up === false, { timeoutMs: 10_000 });
      } finally {
        stop.abort();
        await run.done;
        await down.close();
      }
      const up = pointsOf(received, PROBE_UP_METRIC, { probe: down.name, kind: c.kind });
      assert.ok(up.length >= 1 && up.every((p) => p.value === 0));
      const lastError = run.state().lastError ?? '';
      assert.ok(lastError !== '' && !lastError.includes(CONTRACT_SECRET), lastError);
      assert.ok(!JSON.stringify(received).includes(CONTRACT_SECRET));
      assert.ok(!log.text().includes(CONTRACT_SECRET), 'no secret in the logs');
    });

    it('stops promptly when its signal is already aborted, and keeps working afterwards', async () => {
      const startedAt = Date.now();
      await assert.rejects(probe.collect(AbortSignal.abort()));
      assert.ok(Date.now() - startedAt < 1_000);
      await collectUntil(probe, 'a healthy collection after the aborted one', (p) => pointsOf(p, ENDPOINT_UP_METRIC).every((h) => h.value === 1));
      assert.ok(!healthyLog.text().includes(CONTRACT_SECRET));
    });
  });
}
