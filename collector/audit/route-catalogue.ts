// Every route as registered, with the permission it declares: for the audit hook and the security tests.
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Permission } from '../../lib/auth/tokens.js';

export interface RouteEntry {
  readonly method: string;
  readonly url: string;
  /** undefined = public. */
  readonly permission: Permission | undefined;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Routes registered after this plugin, in registration order. */
    routeCatalogue: readonly RouteEntry[];
  }
}

function routeCataloguePlugin(app: FastifyInstance, _opts: unknown, done: () => void): void {
  const routes: RouteEntry[] = [];
  app.decorate('routeCatalogue', routes);
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    const config = route.config;
    for (const method of methods) routes.push({ method, url: route.url, permission: config?.permission });
  });
  done();
}

export default fp(routeCataloguePlugin, { name: 'syncwatch-route-catalogue' });
