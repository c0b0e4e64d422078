// Liveness (/healthz: the process answers) and readiness (/readyz: every component check passes).
import type { FastifyInstance } from 'fastify';
import type { HealthResult } from '../../lib/storage/storage.js';

export type HealthCheck = () => Promise<HealthResult>;

export function healthRoutes(app: FastifyInstance, opts: { checks: Readonly<Record<string, HealthCheck>> }): void {
  app.get('/healthz', () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const entries = await Promise.all(Object.entries(opts.checks).map(async ([name, check]) => [name, await check()] as const));
    const ready = entries.every(([, r]) => r.ok);
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready', checks: Object.fromEntries(entries) });
  });
}
