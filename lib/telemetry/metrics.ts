// prom-client registry and metric definitions: syncwatch_<name>_<unit>[_total], bounded labels only.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface CollectorMetrics {
  readonly registry: Registry;
  readonly ingestBatches: Counter<'outcome'>;
  readonly ingestPoints: Counter;
  readonly ingestRejected: Counter<'error_code'>;
  readonly insertSeconds: Histogram;
  readonly agentClockSkewSeconds: Gauge<'agent'>;
  readonly liveClients: Gauge;
  readonly liveDropped: Counter<'reason'>;
  readonly queuedPoints: Gauge;
  readonly walBytes: Gauge;
  readonly groupPoints: Histogram;
  readonly duplicatePoints: Counter;
  readonly insertFailures: Counter;
  readonly quarantinedBatches: Counter;
  readonly pipelineLagSeconds: Gauge<'pipeline' | 'metric'>;
}

/** A fresh registry per app, so several apps in one process (tests) never collide. */
export function createCollectorMetrics(): CollectorMetrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'syncwatch_process_' });
  return {
    registry,
    ingestBatches: new Counter({ name: 'syncwatch_ingest_batches_total', help: 'Ingest batches by outcome', labelNames: ['outcome'], registers: [registry] }),
    ingestPoints: new Counter({ name: 'syncwatch_ingest_points_total', help: 'Points accepted and stored', registers: [registry] }),
    ingestRejected: new Counter({ name: 'syncwatch_ingest_rejected_total', help: 'Ingest requests rejected, by error code', labelNames: ['error_code'], registers: [registry] }),
    insertSeconds: new Histogram({
      name: 'syncwatch_storage_insert_seconds',
      help: 'Latency of ClickHouse inserts',
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    agentClockSkewSeconds: new Gauge({ name: 'syncwatch_agent_clock_skew_seconds', help: 'Collector receive time minus agent send time', labelNames: ['agent'], registers: [registry] }),
    liveClients: new Gauge({ name: 'syncwatch_live_clients', help: 'Connected WebSocket clients', registers: [registry] }),
    liveDropped: new Counter({ name: 'syncwatch_live_dropped_clients_total', help: 'WebSocket clients dropped', labelNames: ['reason'], registers: [registry] }),
    queuedPoints: new Gauge({ name: 'syncwatch_ingest_queued_points', help: 'Points accepted (durable in the WAL) and not yet in ClickHouse', registers: [registry] }),
    walBytes: new Gauge({ name: 'syncwatch_wal_bytes', help: 'Bytes in the local write-ahead log', registers: [registry] }),
    groupPoints: new Histogram({
      name: 'syncwatch_storage_insert_points',
      help: 'Points per ClickHouse insert (coalesced from many requests)',
      buckets: [1, 10, 100, 1000, 5000, 10_000, 25_000, 50_000, 100_000],
      registers: [registry],
    }),
    duplicatePoints: new Counter({ name: 'syncwatch_ingest_duplicate_points_total', help: 'Points not stored again because their batch was already stored', registers: [registry] }),
    insertFailures: new Counter({ name: 'syncwatch_storage_insert_failures_total', help: 'ClickHouse inserts that failed and were retried', registers: [registry] }),
    quarantinedBatches: new Counter({ name: 'syncwatch_ingest_quarantined_batches_total', help: 'Batches ClickHouse refused for good, moved to <data-dir>/quarantine', registers: [registry] }),
    pipelineLagSeconds: new Gauge({ name: 'syncwatch_pipeline_lag_seconds', help: 'Latest lag reported per pipeline, by lag metric', labelNames: ['pipeline', 'metric'], registers: [registry] }),
  };
}
