// GET /api/v1/pipelines: every pipeline seen recently, with the newest value of each of its metrics and a
// sparkline per lag metric — the dashboard overview's one request, aggregated inside ClickHouse.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Clock } from '../../lib/clock.js';
import { SyncwatchError } from '../../lib/errors.js';
import { FUTURE_TOLERANCE_MS, queryPipelines } from '../../lib/storage/latest-points.js';
import type { Storage } from '../../lib/storage/storage.js';

/** Sparklines longer than this would make the overview's one request heavy; the series API serves long ranges. */
const MAX_SPARK_POINTS = 2000;

const PipelinesQuerySchema = Type.Object(
  {
    windowMs: Type.Integer({ minimum: 60_000, maximum: 24 * 3600 * 1000, default: 15 * 60 * 1000, description: 'how far back pipelines, newest values and sparklines reach' }),
    step: Type.Integer({ minimum: 1000, default: 15_000, description: 'sparkline bucket width in ms; each bucket holds the largest value of any series' }),
  },
  { additionalProperties: false },
);

const PointsSchema = Type.Array(Type.Tuple([Type.Number(), Type.Number()]));
const PipelinesResponseSchema = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  step: Type.Number(),
  pipelines: Type.Array(Type.Object({
    name: Type.String(),
    hosts: Type.Array(Type.String()),
    metrics: Type.Array(Type.Object({ metric: Type.String(), min: Type.Number(), max: Type.Number(), ts: Type.Number(), series: Type.Integer() })),
    sparklines: Type.Array(Type.Object({ metric: Type.String(), points: PointsSchema })),
  })),
});

export function pipelineRoutes(app: FastifyInstance, opts: { storage: Storage; clock: Clock }): void {
  app.get<{ Querystring: Static<typeof PipelinesQuerySchema> }>(
    '/api/v1/pipelines',
    { config: { permission: 'read' }, schema: { querystring: PipelinesQuerySchema, response: { 200: PipelinesResponseSchema } } },
    async (request) => {
      const { windowMs, step } = request.query;
      if (windowMs / step > MAX_SPARK_POINTS) {
        throw new SyncwatchError('SW_REQUEST_INVALID', `querystring.step: windowMs / step must be at most ${MAX_SPARK_POINTS} sparkline points; use step >= ${Math.ceil(windowMs / MAX_SPARK_POINTS)}`);
      }
      const to = opts.clock.now();
      const from = to - windowMs;
      return { from, to, step, pipelines: await queryPipelines(opts.storage, { from, to: to + FUTURE_TOLERANCE_MS, stepMs: step }) };
    },
  );
}
