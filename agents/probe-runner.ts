// Runs one probe on its interval: collects, adds the `syncwatch_probe_up` health point, hands the points
// to the sink (the spool). A failing probe is retried with backoff and never stops the other probes.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../lib/clock.js';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { Point } from '../lib/protocol/ingest-batch.js';
import { backoffDelayMs, isAborted, sleep } from '../lib/retry.js';
import { probeUpPoint, type Probe } from './probe.js';

export interface ProbeRunnerOptions {
  readonly probe: Probe;
  readonly hostLabel: string;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Where the points go; a rejection is logged, the probe keeps running. */
  readonly sink: (points: readonly Point[]) => Promise<void>;
  readonly random?: () => number;
}

export interface ProbeState {
  readonly name: string;
  readonly kind: string;
  /** Outcome of the latest collection; undefined before the first one finished. */
  readonly up: boolean | undefined;
  readonly consecutiveFailures: number;
  readonly lastError: string | undefined;
}

export interface ProbeRun {
  /** Settles once the loop has stopped after `signal` aborted. */
  readonly done: Promise<void>;
  state(): ProbeState;
}

/** A failing probe is retried no less often than this, whatever its interval. */
const MAX_FAILURE_BACKOFF_MS = 60_000;

/** Starts the collection loop of `options.probe`; it ends when `signal` aborts. */
export function runProbe(options: ProbeRunnerOptions, signal: AbortSignal): ProbeRun {
  const { probe, logger } = options;
  let state: ProbeState = { name: probe.name, kind: probe.kind, up: undefined, consecutiveFailures: 0, lastError: undefined };
  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      const startedAt = performance.now();
      const result = await collectWithTimeout(probe, signal);
      if (isAborted(signal)) return; // a collection cut short by stop() is not a probe failure
      const ts = options.clock.now();
      const points = result.ok ? withHostLabel(result.points, options.hostLabel) : [];
      points.push(probeUpPoint(probe, options.hostLabel, result.ok, ts));
      if (result.ok) {
        if (state.up === false) logger.info({ probe: probe.name }, 'probe recovered');
        state = { ...state, up: true, consecutiveFailures: 0 };
      } else {
        // One warning per outage and per ten failures after, not a line per attempt.
        if (state.consecutiveFailures % 10 === 0) logger.warn({ probe: probe.name, kind: probe.kind, err: result.error }, 'probe collection failed');
        state = { ...state, up: false, consecutiveFailures: state.consecutiveFailures + 1, lastError: result.error };
      }
      await options.sink(points).catch((err: unknown) => {
        logger.error({ probe: probe.name, err: describeError(err) }, 'could not spool probe points');
      });
      const waitMs = result.ok
        ? Math.max(0, probe.intervalMs - (performance.now() - startedAt))
        : backoffDelayMs(state.consecutiveFailures - 1, { initialMs: probe.intervalMs, maxMs: Math.max(probe.intervalMs, MAX_FAILURE_BACKOFF_MS) }, options.random);
      await sleep(waitMs, signal).catch(() => undefined);
    }
  };
  return { done: loop(), state: () => state };
}

type CollectResult = { readonly ok: true; readonly points: Point[] } | { readonly ok: false; readonly error: string };

/**
 * One collection, bounded in time. The race also covers probes that ignore their signal: the loop moves
 * on, and the abandoned promise's outcome is dropped.
 */
async function collectWithTimeout(probe: Probe, stop: AbortSignal): Promise<CollectResult> {
  const timeoutMs = Math.min(Math.max(probe.intervalMs * 2, 2_000), 30_000);
  const signal = AbortSignal.any([stop, AbortSignal.timeout(timeoutMs)]);
  const aborted = new Promise<never>((_, reject) => {
    signal.addEventListener('abort', () => { reject(new Error(`collection took longer than ${timeoutMs} ms`)); }, { once: true });
  });
  const collection = probe.collect(signal);
  collection.catch(() => undefined);
  aborted.catch(() => undefined);
  try {
    return { ok: true, points: await Promise.race([collection, aborted]) };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

/** Every point leaves the agent with a `host` label; a probe that set its own keeps it. */
function withHostLabel(points: readonly Point[], hostLabel: string): Point[] {
  return points.map((p) => (p.labels['host'] === undefined ? { ...p, labels: { ...p.labels, host: hostLabel } } : p));
}
