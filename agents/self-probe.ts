// The agent's own health as points: spool depth, drops by reason, shipping counters. It runs like any
// probe, so these points travel the same spool and shipper as the data they describe.
import type { Clock } from '../lib/clock.js';
import type { Point } from '../lib/protocol/ingest-batch.js';
import type { Probe } from './probe.js';
import type { ShipperStats } from './shipper.js';
import { DROP_REASONS, type SpoolStats } from './spool.js';

/** The agent reports on itself less often than probes report on hosts. */
export const SELF_PROBE_DEFAULT_INTERVAL_MS = 10_000;

export interface SelfProbeOptions {
  readonly hostLabel: string;
  readonly clock: Clock;
  readonly intervalMs?: number;
  readonly spoolStats: () => SpoolStats;
  readonly shipperStats: () => ShipperStats;
}

/** A probe (kind `agent`) whose points are the spool's and shipper's counters at collection time. */
export function createSelfProbe(options: SelfProbeOptions): Probe {
  return {
    kind: 'agent',
    name: 'agent',
    intervalMs: options.intervalMs ?? SELF_PROBE_DEFAULT_INTERVAL_MS,
    collect: () => Promise.resolve(selfPoints(options.spoolStats(), options.shipperStats(), options.hostLabel, options.clock.now())),
    check: () => Promise.resolve({ ok: true }),
    close: () => Promise.resolve(),
  };
}

/** The points describing the agent at `ts`; counters are `_total` and reset when the agent restarts. */
export function selfPoints(spool: SpoolStats, shipper: ShipperStats, host: string, ts: number): Point[] {
  const point = (metric: string, value: number, labels: Record<string, string> = {}): Point => ({ ts, metric, labels: { ...labels, host }, value });
  return [
    point('syncwatch_agent_spool_bytes', spool.bytes),
    point('syncwatch_agent_spool_segments', spool.segments),
    point('syncwatch_agent_spool_points', spool.points),
    ...DROP_REASONS.map((reason) => point('syncwatch_agent_spool_dropped_points_total', spool.droppedPoints[reason], { reason })),
    point('syncwatch_agent_rejected_batches_total', spool.rejectedBatches),
    point('syncwatch_agent_rejected_points_total', spool.rejectedPoints),
    point('syncwatch_agent_sent_batches_total', shipper.batchesSent),
    point('syncwatch_agent_sent_points_total', shipper.pointsSent),
    point('syncwatch_agent_send_failures_total', shipper.sendFailures),
  ];
}
