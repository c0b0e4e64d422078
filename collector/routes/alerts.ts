// GET /api/v1/alerts, GET /api/v1/alerts/:id (viewer+) and POST /api/v1/alerts/:id/ack (admin).
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { SyncwatchError } from '../../lib/errors.js';
import type { Alerting } from '../alerts/alerting.js';
import type { AlertView } from '../alerts/alert-record.js';

const ALERT_FILTERS = ['active', 'pending', 'firing', 'resolved', 'all'] as const;

const ListQuerySchema = Type.Object(
  {
    state: Type.Union(ALERT_FILTERS.map((s) => Type.Literal(s)), { default: 'active', description: 'active = pending or firing' }),
    rule: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);
const IdParamsSchema = Type.Object({ id: Type.String({ pattern: '^[0-9a-f]{16}$' }) });

function keep(filter: (typeof ALERT_FILTERS)[number], a: AlertView): boolean {
  switch (filter) {
    case 'all': return true;
    case 'active': return a.state === 'pending' || a.state === 'firing';
    case 'pending':
    case 'firing':
    case 'resolved':
      return a.state === filter;
  }
}

export function alertRoutes(app: FastifyInstance, opts: { alerting: Alerting }): void {
  app.get<{ Querystring: Static<typeof ListQuerySchema> }>(
    '/api/v1/alerts',
    { config: { permission: 'read' }, schema: { querystring: ListQuerySchema } },
    (request) => {
      const { state, rule } = request.query;
      return { alerts: opts.alerting.listAlerts().filter((a) => keep(state, a) && (rule === undefined || a.rule === rule)) };
    },
  );

  app.get<{ Params: Static<typeof IdParamsSchema> }>(
    '/api/v1/alerts/:id',
    { config: { permission: 'read' }, schema: { params: IdParamsSchema } },
    (request) => {
      const alert = opts.alerting.getAlert(request.params.id);
      if (alert === undefined) throw new SyncwatchError('SW_NOT_FOUND', `no current or recently resolved alert with id ${request.params.id}`);
      return { alert };
    },
  );

  app.post<{ Params: Static<typeof IdParamsSchema> }>(
    '/api/v1/alerts/:id/ack',
    { config: { permission: 'admin' }, schema: { params: IdParamsSchema } },
    (request) => {
      const result = opts.alerting.acknowledge(request.params.id, request.principal?.name ?? 'unknown');
      switch (result.kind) {
        case 'not_found':
          throw new SyncwatchError('SW_NOT_FOUND', `no current alert with id ${request.params.id}`);
        case 'not_active':
          throw new SyncwatchError('SW_ALERT_NOT_ACTIVE', `alert ${request.params.id} is ${result.alert.state.kind}; only pending or firing alerts can be acknowledged`);
        case 'ok':
          return { alert: opts.alerting.getAlert(result.alert.id) };
      }
    },
  );
}
