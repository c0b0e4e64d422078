// GET /api/v1/series: one metric's points over a time range, grouped into series by label set.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseIsoMs, type Clock } from '../../lib/clock.js';
import { SyncwatchError } from '../../lib/errors.js';
import { METRIC_NAME_PATTERN } from '../../lib/protocol/ingest-batch.js';
import { querySeries } from '../../lib/storage/metric-points.js';
import type { Storage } from '../../lib/storage/storage.js';

const SeriesQuerySchema = Type.Object(
  {
    metric: Type.String({ pattern: METRIC_NAME_PATTERN }),
    from: Type.Optional(Type.String({ description: 'ISO-8601; default: 15 minutes before `to`' })),
    to: Type.Optional(Type.String({ description: 'ISO-8601; default: now' })),
    host: Type.Optional(Type.String({ maxLength: 1000 })),
    pipeline: Type.Optional(Type.String({ maxLength: 1000 })),
    step: Type.Optional(Type.Integer({ minimum: 1, description: 'bucket width in ms; averages per bucket' })),
    maxPoints: Type.Integer({ minimum: 1, maximum: 20_000, default: 5_000 }),
  },
  { additionalProperties: false },
);

const SeriesResponseSchema = Type.Object({
  series: Type.Array(Type.Object({ labels: Type.Record(Type.String(), Type.String()), points: Type.Array(Type.Tuple([Type.Number(), Type.Number()])) })),
});

const DEFAULT_RANGE_MS = 15 * 60 * 1000;

function parseTime(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseIsoMs(text);
  if (ms === undefined) throw new SyncwatchError('SW_REQUEST_INVALID', `querystring.${name}: must be an ISO-8601 timestamp such as 2026-11-21T10:00:00Z`);
  return ms;
}

export function seriesRoutes(app: FastifyInstance, opts: { storage: Storage; clock: Clock }): void {
  app.get<{ Querystring: Static<typeof SeriesQuerySchema> }>(
    '/api/v1/series',
    { config: { permission: 'read' }, schema: { querystring: SeriesQuerySchema, response: { 200: SeriesResponseSchema } } },
    async (request) => {
      const q = request.query;
      const to = parseTime('to', q.to, opts.clock.now());
      const from = parseTime('from', q.from, to - DEFAULT_RANGE_MS);
      if (from >= to) throw new SyncwatchError('SW_REQUEST_INVALID', 'querystring.from: must be before querystring.to');
      const series = await querySeries(opts.storage, { metric: q.metric, from, to, host: q.host, pipeline: q.pipeline, stepMs: q.step, maxPoints: q.maxPoints });
      return { series };
    },
  );
}
