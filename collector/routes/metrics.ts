// GET /metrics: Prometheus exposition of the collector's own metrics (viewer token or better).
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export function metricsRoutes(app: FastifyInstance, opts: { registry: Registry }): void {
  app.get('/metrics', { config: { permission: 'read' } }, async (_request, reply) => {
    const body = await opts.registry.metrics();
    return reply.header('content-type', opts.registry.contentType).send(body);
  });
}
