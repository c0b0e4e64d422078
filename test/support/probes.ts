// Helpers for probe tests: a quiet probe context, point lookup by metric and labels, and polling a probe's
// collect() until its points satisfy a condition (the probe's own collections pace the wait).
import type { Probe, ProbeContext } from '../../agents/probe.js';
import { SYSTEM_CLOCK } from '../../lib/clock.js';
import { createSilentLogger, type Logger } from '../../lib/log.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { waitFor } from './wait-for.js';

export const TEST_HOST = 'probe-test-host';

/** A context with the system clock, a silent (or given) logger and the `host` label TEST_HOST. */
export function testProbeContext(logger: Logger = createSilentLogger()): ProbeContext {
  return { hostLabel: TEST_HOST, logger, clock: SYSTEM_CLOCK };
}

/** The points of `metric` whose labels include every entry of `labels`. */
export function pointsOf(points: readonly Point[], metric: string, labels: Readonly<Record<string, string>> = {}): Point[] {
  return points.filter((p) => p.metric === metric && Object.entries(labels).every(([k, v]) => p.labels[k] === v));
}

/** The value of the single matching point, undefined when there is none; throws when several match. */
export function valueOf(points: readonly Point[], metric: string, labels: Readonly<Record<string, string>> = {}): number | undefined {
  const found = pointsOf(points, metric, labels);
  if (found.length > 1) throw new Error(`${found.length} points of ${metric} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}

/** Summary of the points for an assertion message. */
export function describePoints(points: readonly Point[], prefix = ''): string {
  return points.filter((p) => p.metric.startsWith(prefix)).map((p) => `${p.metric}${JSON.stringify(p.labels)}=${p.value}`).join(', ');
}

export interface CollectUntilOptions {
  readonly timeoutMs?: number;
  /** Called before each collection, e.g. to write on the primary so that WAL keeps flowing. */
  readonly before?: () => Promise<void>;
  /** Called with every collection's points, e.g. to assert an invariant along the way. */
  readonly each?: (points: readonly Point[]) => void;
}

/**
 * Collects from `probe` at its interval until `done(points)` holds and returns those points; the timeout
 * message quotes the last points so a failure says what the probe reported instead.
 */
export async function collectUntil(probe: Probe, what: string, done: (points: readonly Point[]) => boolean, options: CollectUntilOptions = {}): Promise<Point[]> {
  let last: Point[] = [];
  let broken: { readonly error: unknown } | undefined;
  try {
    await waitFor(what, async () => {
      await options.before?.();
      last = await probe.collect(AbortSignal.timeout(Math.max(probe.intervalMs * 4, 5_000)));
      try {
        options.each?.(last);
      } catch (error) {
        broken = { error }; // an invariant failed: stop at once instead of polling past it
        return true;
      }
      return done(last);
    }, { timeoutMs: options.timeoutMs ?? 20_000, intervalMs: probe.intervalMs });
  } catch (err) {
    throw new Error(`${(err as Error).message}; last points: ${describePoints(last)}`, { cause: err });
  }
  if (broken !== undefined) throw broken.error;
  return last;
}
