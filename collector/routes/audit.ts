// GET /api/v1/audit (admin): stored audit entries; GET /api/v1/audit/chain (admin): is every instance's chain intact.
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { parseIsoMs } from '../../lib/clock.js';
import { SyncwatchError } from '../../lib/errors.js';
import type { AuditLog, AuditRecord } from '../audit/audit-log.js';

const ListQuerySchema = Type.Object(
  {
    since: Type.Optional(Type.String({ description: 'ISO-8601; default 24 hours ago' })),
    limit: Type.Integer({ minimum: 1, maximum: 10_000, default: 500 }),
    instance: Type.Optional(Type.String({ maxLength: 300 })),
    action: Type.Optional(Type.String({ maxLength: 100 })),
  },
  { additionalProperties: false },
);

function view(r: AuditRecord): object {
  let detail: unknown;
  try {
    detail = JSON.parse(r.detail);
  } catch {
    detail = r.detail;
  }
  return { ...r, at: new Date(r.ts).toISOString(), detail };
}

export function auditRoutes(app: FastifyInstance, opts: { log: AuditLog }): void {
  app.get<{ Querystring: Static<typeof ListQuerySchema> }>(
    '/api/v1/audit',
    { config: { permission: 'admin' }, schema: { querystring: ListQuerySchema } },
    async (request) => {
      const { since, limit, instance, action } = request.query;
      const sinceMs = since === undefined ? Date.now() - 24 * 3600_000 : parseIsoMs(since);
      if (sinceMs === undefined) throw new SyncwatchError('SW_REQUEST_INVALID', 'querystring.since: must be an ISO-8601 timestamp such as 2026-11-21T10:00:00Z');
      // Entries queued in this process are written first, so an action is listed as soon as it has been answered.
      await opts.log.flush();
      const entries = await opts.log.list({ sinceMs, limit, instance, action });
      return { instance: opts.log.instance, entries: entries.map(view) };
    },
  );

  app.get('/api/v1/audit/chain', { config: { permission: 'admin' } }, async () => {
    await opts.log.flush();
    const chains = await opts.log.checkChains();
    const instances = chains.map((c) => ({
      instance: c.instance,
      intact: c.check.intact && c.missingTail === undefined,
      length: c.check.length,
      ...(c.check.intact ? { head: c.check.head } : { brokenAt: c.check.brokenAt, brokenSeq: c.brokenSeq, reason: c.check.reason }),
      ...(c.missingTail === undefined ? {} : { reason: c.missingTail }),
    }));
    return { intact: instances.every((i) => i.intact), instance: opts.log.instance, instances };
  });
}
