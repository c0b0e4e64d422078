// Where accepted batches go: the contract between the ingest route and the routing mode (direct or Kafka).
import type { IngestBatch } from '../../lib/protocol/ingest-batch.js';
import type { HealthResult } from '../../lib/storage/storage.js';

export type AcceptResult =
  /** Durable (WAL, Kafka or ClickHouse): safe to acknowledge. */
  | { readonly kind: 'accepted' }
  /** This batch id is already durable; acknowledge without storing it again. */
  | { readonly kind: 'duplicate' }
  /** Too much is queued: the client should retry after the given delay. */
  | { readonly kind: 'busy'; readonly retryAfterSeconds: number };

export interface BatchSink {
  /** Resolves once the batch is durable, or says why it was not taken; never half-takes a batch. */
  accept(batch: IngestBatch, receivedAt: number): Promise<AcceptResult>;
  /** Readiness of whatever the sink writes to. */
  check(): Promise<HealthResult>;
  /** Stops taking batches and flushes what it holds, as far as it can in time. */
  close(): Promise<void>;
}
