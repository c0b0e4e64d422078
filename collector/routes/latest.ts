// GET /api/v1/latest: the newest point of every series of some metrics (per Kafka partition, per host, per disk),
// optionally for one pipeline or host — what "current value" panels need without fetching whole series.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../lib/clock.js';
import { METRIC_NAME_PATTERN } from '../../lib/protocol/ingest-batch.js';
import { FUTURE_TOLERANCE_MS, queryLatest } from '../../lib/storage/latest-points.js';
import type { Storage } from '../../lib/storage/storage.js';

const LatestQuerySchema = Type.Object(
  {
    // Repeat the parameter for several metrics: ?metric=a&metric=b (a single one arrives as a one-item array).
    metric: Type.Array(Type.String({ pattern: METRIC_NAME_PATTERN }), { minItems: 1, maxItems: 50 }),
    pipeline: Type.Optional(Type.String({ maxLength: 1000 })),
    host: Type.Optional(Type.String({ maxLength: 1000 })),
    windowMs: Type.Integer({ minimum: 1000, maximum: 24 * 3600 * 1000, default: 5 * 60 * 1000, description: 'series without a point this recent are left out' }),
    limit: Type.Integer({ minimum: 1, maximum: 50_000, default: 10_000 }),
  },
  { additionalProperties: false },
);

const LatestResponseSchema = Type.Object({
  points: Type.Array(Type.Object({ metric: Type.String(), labels: Type.Record(Type.String(), Type.String()), ts: Type.Number(), value: Type.Number() })),
});

export function latestRoutes(app: FastifyInstance, opts: { storage: Storage; clock: Clock }): void {
  app.get<{ Querystring: Static<typeof LatestQuerySchema> }>(
    '/api/v1/latest',
    { config: { permission: 'read' }, schema: { querystring: LatestQuerySchema, response: { 200: LatestResponseSchema } } },
    async (request) => {
      const q = request.query;
      const now = opts.clock.now();
      const points = await queryLatest(opts.storage, { metrics: q.metric, pipeline: q.pipeline, host: q.host, from: now - q.windowMs, to: now + FUTURE_TOLERANCE_MS, limit: q.limit });
      return { points };
    },
  );
}
