// The Probe contract, written from the agent's point of view: what the agent needs from anything that
// measures something on an interval. One file per probe kind implements it (agents/probes/*-probe.ts).
import type { Clock } from '../lib/clock.js';
import type { Logger } from '../lib/log.js';
import type { Point } from '../lib/protocol/ingest-batch.js';

/** The outcome of a health check: a value, not an exception, because "the target is down" is expected. */
export type ProbeCheckResult = { readonly ok: true } | { readonly ok: false; readonly error: string };

export interface Probe {
  /** The probe kind as written in the config (`host`, later `postgres`, `kafka`, ...). */
  readonly kind: string;
  /** Unique per agent; becomes the `probe` label of the probe's health points. */
  readonly name: string;
  /** Milliseconds between the starts of two collections while the probe is healthy. */
  readonly intervalMs: number;
  /**
   * Takes one measurement and returns its points (possibly none, e.g. rates on the first call).
   * Throws when the target cannot be measured; the agent records that as `syncwatch_probe_up` 0 and
   * retries with backoff. Must stop promptly when `signal` aborts.
   */
  collect(signal: AbortSignal): Promise<Point[]>;
  /** Whether the probe can reach its target now; used for the agent's start-up log and readiness. */
  check(): Promise<ProbeCheckResult>;
  /** Releases connections and handles; the probe is not used afterwards. Never throws. */
  close(): Promise<void>;
}

/** What the agent hands to every probe factory. */
export interface ProbeContext {
  /** Value of the `host` label that every point carries. */
  readonly hostLabel: string;
  readonly logger: Logger;
  /** Source of point timestamps (epoch ms). */
  readonly clock: Clock;
}

/** Metric every collection emits per probe: 1 when the collection succeeded, 0 when it failed. */
export const PROBE_UP_METRIC = 'syncwatch_probe_up';

/** The `syncwatch_probe_up{probe,kind,host}` health point for one collection. */
export function probeUpPoint(probe: Pick<Probe, 'name' | 'kind'>, hostLabel: string, up: boolean, ts: number): Point {
  return { ts, metric: PROBE_UP_METRIC, labels: { probe: probe.name, kind: probe.kind, host: hostLabel }, value: up ? 1 : 0 };
}
