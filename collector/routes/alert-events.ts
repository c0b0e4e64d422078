// GET /api/v1/alert-events: the stored history of alert transitions and acknowledgements, newest first — it
// outlives the engine's in-memory list of recently resolved alerts and survives restarts.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseIsoMs, type Clock } from '../../lib/clock.js';
import { SyncwatchError } from '../../lib/errors.js';
import { queryAlertEvents } from '../../lib/storage/alert-events-query.js';
import type { Storage } from '../../lib/storage/storage.js';

const DEFAULT_RANGE_MS = 24 * 3600 * 1000;

const AlertEventsQuerySchema = Type.Object(
  {
    from: Type.Optional(Type.String({ description: 'ISO-8601; default: 24 hours before `to`' })),
    to: Type.Optional(Type.String({ description: 'ISO-8601; default: now' })),
    pipeline: Type.Optional(Type.String({ maxLength: 1000 })),
    id: Type.Optional(Type.String({ pattern: '^[0-9a-f]{16}$' })),
    limit: Type.Integer({ minimum: 1, maximum: 5000, default: 200 }),
  },
  { additionalProperties: false },
);

const Labels = Type.Record(Type.String(), Type.String());
const AlertEventsResponseSchema = Type.Object({
  events: Type.Array(Type.Object({
    at: Type.Number(), id: Type.String(), rule: Type.String(), event: Type.String(), state: Type.String(), severity: Type.String(),
    labels: Labels, annotations: Labels, value: Type.Number(), actor: Type.String(),
  })),
});

function parseTime(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const ms = parseIsoMs(text);
  if (ms === undefined) throw new SyncwatchError('SW_REQUEST_INVALID', `querystring.${name}: must be an ISO-8601 timestamp such as 2026-11-21T10:00:00Z`);
  return ms;
}

export function alertEventRoutes(app: FastifyInstance, opts: { storage: Storage; clock: Clock }): void {
  app.get<{ Querystring: Static<typeof AlertEventsQuerySchema> }>(
    '/api/v1/alert-events',
    { config: { permission: 'read' }, schema: { querystring: AlertEventsQuerySchema, response: { 200: AlertEventsResponseSchema } } },
    async (request) => {
      const q = request.query;
      // One past now, so an event stored this very millisecond is included.
      const to = parseTime('to', q.to, opts.clock.now() + 1);
      const from = parseTime('from', q.from, to - DEFAULT_RANGE_MS);
      if (from >= to) throw new SyncwatchError('SW_REQUEST_INVALID', 'querystring.from: must be before querystring.to');
      return { events: await queryAlertEvents(opts.storage, { from, to, pipeline: q.pipeline, id: q.id, limit: q.limit }) };
    },
  );
}
