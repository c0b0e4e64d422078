// POST, GET and DELETE /api/v1/silences (admin): mute notifications of matching alerts for a time window.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseIsoMs, type Clock } from '../../lib/clock.js';
import { SyncwatchError } from '../../lib/errors.js';
import type { Alerting } from '../alerts/alerting.js';
import { parseMatcher } from '../alerts/matchers.js';
import { silenceStatus, type Silence } from '../alerts/silences.js';

const CreateBodySchema = Type.Object(
  {
    matchers: Type.Array(Type.String({ minLength: 1, maxLength: 1000 }), { minItems: 1, maxItems: 32, description: 'e.g. ["pipeline=\\"orders\\"", "severity=~\\"warning|info\\""]' }),
    startsAt: Type.Optional(Type.String({ description: 'ISO-8601; default now' })),
    endsAt: Type.Optional(Type.String({ description: 'ISO-8601; or give durationMs' })),
    durationMs: Type.Optional(Type.Integer({ minimum: 1000 })),
    comment: Type.String({ maxLength: 1000, default: '' }),
  },
  { additionalProperties: false },
);
const ListQuerySchema = Type.Object({ expired: Type.Boolean({ default: false }) }, { additionalProperties: false });
const IdParamsSchema = Type.Object({ id: Type.String({ pattern: '^[0-9a-f-]{36}$' }) });

function time(name: string, text: string | undefined, fallback: number | undefined): number | undefined {
  if (text === undefined) return fallback;
  const ms = parseIsoMs(text);
  if (ms === undefined) throw new SyncwatchError('SW_REQUEST_INVALID', `body.${name}: must be an ISO-8601 timestamp such as 2026-11-21T10:00:00Z`);
  return ms;
}

function view(s: Silence, now: number): Silence & { status: string } {
  return { ...s, status: silenceStatus(s, now) };
}

export function silenceRoutes(app: FastifyInstance, opts: { alerting: Alerting; clock: Clock }): void {
  app.post<{ Body: Static<typeof CreateBodySchema> }>(
    '/api/v1/silences',
    { config: { permission: 'admin' }, schema: { body: CreateBodySchema } },
    async (request, reply) => {
      const b = request.body;
      b.matchers.forEach((m, i) => {
        const parsed = parseMatcher(m);
        if (typeof parsed === 'string') throw new SyncwatchError('SW_REQUEST_INVALID', `body.matchers[${i}]: ${parsed}`);
      });
      const now = opts.clock.now();
      const startsAt = time('startsAt', b.startsAt, now) ?? now;
      const endsAt = time('endsAt', b.endsAt, b.durationMs === undefined ? undefined : startsAt + b.durationMs);
      if (endsAt === undefined) throw new SyncwatchError('SW_REQUEST_INVALID', 'body.endsAt: give endsAt or durationMs');
      if (endsAt <= startsAt || endsAt <= now) throw new SyncwatchError('SW_REQUEST_INVALID', 'body.endsAt: must be after startsAt and in the future');
      const silence = await opts.alerting.silences.create({ matchers: b.matchers, startsAt, endsAt, comment: b.comment }, request.principal?.name ?? 'unknown', now);
      opts.alerting.silencesChanged({ event: 'created', silence });
      return reply.code(201).send({ silence: view(silence, now) });
    },
  );

  app.get<{ Querystring: Static<typeof ListQuerySchema> }>(
    '/api/v1/silences',
    { config: { permission: 'admin' }, schema: { querystring: ListQuerySchema } },
    (request) => {
      const now = opts.clock.now();
      return { silences: opts.alerting.silences.list(now, request.query.expired).map((s) => view(s, now)) };
    },
  );

  app.delete<{ Params: Static<typeof IdParamsSchema> }>(
    '/api/v1/silences/:id',
    { config: { permission: 'admin' }, schema: { params: IdParamsSchema } },
    async (request) => {
      const now = opts.clock.now();
      const silence = await opts.alerting.silences.expire(request.params.id, request.principal?.name ?? 'unknown', now);
      if (silence === undefined) throw new SyncwatchError('SW_NOT_FOUND', `no silence with id ${request.params.id}`);
      opts.alerting.silencesChanged({ event: 'expired', silence });
      return { silence: view(silence, now) };
    },
  );
}
