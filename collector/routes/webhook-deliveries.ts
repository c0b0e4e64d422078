// GET /api/v1/webhooks/deliveries (viewer+): the outbox, newest first — where failed notifications are reported.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { Alerting } from '../alerts/alerting.js';

const QuerySchema = Type.Object(
  {
    status: Type.Optional(Type.Union([Type.Literal('pending'), Type.Literal('retrying'), Type.Literal('delivered'), Type.Literal('failed')])),
    limit: Type.Integer({ minimum: 1, maximum: 1000, default: 100 }),
  },
  { additionalProperties: false },
);

export function webhookDeliveryRoutes(app: FastifyInstance, opts: { alerting: Alerting }): void {
  app.get<{ Querystring: Static<typeof QuerySchema> }>(
    '/api/v1/webhooks/deliveries',
    { config: { permission: 'read' }, schema: { querystring: QuerySchema } },
    async (request) => ({ deliveries: await opts.alerting.deliveries.list({ status: request.query.status, limit: request.query.limit }) }),
  );
}
