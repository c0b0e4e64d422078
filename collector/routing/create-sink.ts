// Routing mode → BatchSink: `direct` (local WAL, coalesced ClickHouse inserts) or `kafka` (produce to a topic).
import { join } from 'node:path';
import type { Logger } from 'pino';
import type { Storage } from '../../lib/storage/storage.js';
import type { CollectorMetrics } from '../../lib/telemetry/metrics.js';
import type { BatchSink } from './batch-sink.js';
import { DirectSink } from './direct-sink.js';
import { Quarantine } from './quarantine.js';
import { Wal } from './wal.js';

export interface IngestTuning {
  readonly maxGroupPoints: number;
  readonly maxDelayMs: number;
  readonly maxQueuedPoints: number;
}

export interface DirectSinkDeps {
  readonly storage: Storage;
  readonly dataDir: string;
  readonly logger: Logger;
  readonly metrics: CollectorMetrics;
  readonly tuning: IngestTuning;
}

/** The default route: replays the WAL in `<dataDir>/wal` and starts flushing. */
export function startDirectSink(deps: DirectSinkDeps): BatchSink {
  const sink = new DirectSink({
    storage: deps.storage, wal: new Wal({ dir: join(deps.dataDir, 'wal') }), quarantine: new Quarantine(join(deps.dataDir, 'quarantine')),
    logger: deps.logger, metrics: deps.metrics, ...deps.tuning,
  });
  sink.start();
  return sink;
}
