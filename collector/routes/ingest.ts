// POST /api/v1/ingest: schema-validated batches from agents, acknowledged only once durable (WAL or Kafka).
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../lib/clock.js';
import { IngestAckSchema, IngestBatchSchema, type IngestBatch } from '../../lib/protocol/ingest-batch.js';
import { SyncwatchError } from '../../lib/errors.js';
import type { CollectorMetrics } from '../../lib/telemetry/metrics.js';
import type { LiveHub } from '../live/hub.js';
import type { BatchSink } from '../routing/batch-sink.js';
import { strictValidatorCompiler } from './body-validator.js';
import { gunzipPreParsing } from './gunzip.js';
import { pointTimeProblem } from './ingest-window.js';

export interface IngestRouteOptions {
  readonly sink: BatchSink;
  readonly hub: LiveHub;
  readonly clock: Clock;
  readonly metrics: CollectorMetrics;
  readonly bodyLimitBytes: number;
  /** Days raw points are kept; older points are refused (they would be dropped right after the ack). @default 30 */
  readonly retentionDays?: number | undefined;
  /** Called after a batch is accepted (not for duplicates): the alert engine evaluates it. */
  readonly onAccepted?: ((batch: IngestBatch, receivedAt: number) => void) | undefined;
}

export function ingestRoutes(app: FastifyInstance, opts: IngestRouteOptions): void {
  const retentionDays = opts.retentionDays ?? 30;
  app.post<{ Body: IngestBatch }>(
    '/api/v1/ingest',
    {
      config: { permission: 'ingest' },
      bodyLimit: opts.bodyLimitBytes,
      schema: { body: IngestBatchSchema, response: { 200: IngestAckSchema } },
      validatorCompiler: strictValidatorCompiler,
      preParsing: gunzipPreParsing,
      // Rejections of every kind (auth, validation, size, busy) are counted by the code the client saw.
      onResponse: (request, _reply, done) => {
        if (request.errorCode !== null) opts.metrics.ingestRejected.inc({ error_code: request.errorCode });
        done();
      },
    },
    async (request, reply) => {
      const batch = request.body;
      const receivedAt = opts.clock.now();
      const outOfWindow = pointTimeProblem(batch.points, receivedAt, retentionDays);
      if (outOfWindow !== undefined) throw new SyncwatchError('SW_REQUEST_INVALID', outOfWindow);
      const result = await opts.sink.accept(batch, receivedAt);
      opts.metrics.ingestBatches.inc({ outcome: result.kind });
      switch (result.kind) {
        case 'busy':
          void reply.header('retry-after', String(result.retryAfterSeconds));
          throw new SyncwatchError('SW_INGEST_BUSY', `collector busy: too many points queued for ClickHouse; retry in ${result.retryAfterSeconds} s`);
        case 'duplicate':
          return { batchId: batch.batchId, accepted: 0, duplicate: true };
        case 'accepted':
          break;
      }
      opts.metrics.ingestPoints.inc(batch.points.length);
      if (batch.sentAt !== undefined) opts.metrics.agentClockSkewSeconds.set({ agent: batch.agent }, (receivedAt - batch.sentAt) / 1000);
      for (const p of batch.points) {
        const pipeline = p.labels['pipeline'];
        if (pipeline !== undefined && p.metric.endsWith('_lag_seconds')) opts.metrics.pipelineLagSeconds.set({ pipeline, metric: p.metric }, p.value);
      }
      if (batch.points.length > 0) opts.hub.publish('points', { type: 'points', points: batch.points });
      opts.onAccepted?.(batch, receivedAt);
      return { batchId: batch.batchId, accepted: batch.points.length };
    },
  );
}
