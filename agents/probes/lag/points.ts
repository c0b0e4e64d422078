// Builds the points of one collection: one timestamp, the probe's base labels (pipeline, host) on each.
import type { Point } from '../../../lib/protocol/ingest-batch.js';

/** Metric a multi-endpoint probe emits per endpoint: 1 when that side answered in this collection, else 0. */
export const ENDPOINT_UP_METRIC = 'syncwatch_probe_endpoint_up';

export class PointList {
  readonly points: Point[] = [];
  readonly #ts: number;
  readonly #base: Readonly<Record<string, string>>;

  /** `base` labels go on every point; a label passed to `add` overrides a base label of the same name. */
  constructor(ts: number, base: Readonly<Record<string, string>>) {
    this.#ts = ts;
    this.#base = base;
  }

  /** Adds one point; values that are not finite numbers (a NULL read as NaN) are skipped, not sent. */
  add(metric: string, value: number | undefined, labels: Readonly<Record<string, string>> = {}): void {
    if (value === undefined || !Number.isFinite(value)) return;
    this.points.push({ ts: this.#ts, metric, labels: { ...this.#base, ...labels }, value: roundTo6(value) });
  }

  /** Adds a 1/0 gauge. */
  flag(metric: string, on: boolean, labels: Readonly<Record<string, string>> = {}): void {
    this.add(metric, on ? 1 : 0, labels);
  }
}

/** Micro-precision is more than any lag needs and keeps float noise (0.30000000000000004) off the wire. */
function roundTo6(value: number): number {
  return Number.isInteger(value) ? value : Math.round(value * 1e6) / 1e6;
}
