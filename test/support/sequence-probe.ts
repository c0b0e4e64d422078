// A probe that emits numbered points at a steady rate, so fault tests can count what arrived against what was made.
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { Probe } from '../../agents/probe.js';

export const SEQUENCE_METRIC = 'test_sequence';

export interface SequenceProbe extends Probe {
  /** Points produced so far. */
  readonly produced: number;
  /** Stops producing (collect() then returns nothing); shipping goes on. */
  halt(): void;
  /**
   * True once collect() ran after halt(): the probe runner hands each collection to the spool before it collects
   * again, so by then every point produced is in the spool (not merely counted as produced).
   */
  readonly settled: boolean;
}

/** Each collect() emits `perTick` points labelled with `source`, values 0, 1, 2, … and distinct timestamps. */
export function createSequenceProbe(source: string, perTick: number, intervalMs: number): SequenceProbe {
  let produced = 0;
  let halted = false;
  let settled = false;
  // One millisecond per point from creation time: distinct timestamps within the table's retention.
  const start = Date.now();
  return {
    kind: 'sequence',
    name: `sequence-${source}`,
    intervalMs,
    get produced() { return produced; },
    halt() { halted = true; },
    get settled() { return settled; },
    collect(): Promise<Point[]> {
      if (halted) {
        settled = true;
        return Promise.resolve([]);
      }
      const points: Point[] = [];
      for (let i = 0; i < perTick; i++) {
        points.push({ ts: start + produced, metric: SEQUENCE_METRIC, labels: { source, host: source }, value: produced });
        produced += 1;
      }
      return Promise.resolve(points);
    },
    check: () => Promise.resolve({ ok: true }),
    close: () => Promise.resolve(),
  };
}
