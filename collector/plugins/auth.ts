// Bearer token → principal. Each route names the permission it needs in its config; routes without one are public.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { allows, type Permission, type Principal, type TokenStore } from '../../lib/auth/tokens.js';
import { SyncwatchError } from '../../lib/errors.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller's role must allow; absent = public route. */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** Extracts the token from `Authorization: Bearer T`, or undefined. */
export function bearerToken(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  if (header === undefined) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  return match?.[1];
}

function authPlugin(app: FastifyInstance, opts: { tokens: TokenStore }, done: () => void): void {
  app.decorateRequest('principal', null);
  app.addHook('onRequest', (request, _reply, next) => {
    const permission = request.routeOptions.config.permission;
    if (permission === undefined) {
      next();
      return;
    }
    const token = bearerToken(request);
    const principal = token === undefined ? undefined : opts.tokens.authenticate(token);
    if (token === undefined) next(new SyncwatchError('SW_AUTH_MISSING', 'missing bearer token: send "Authorization: Bearer <token>"'));
    else if (principal === undefined) next(new SyncwatchError('SW_AUTH_INVALID', 'unknown bearer token'));
    else if (!allows(principal.role, permission)) {
      next(new SyncwatchError('SW_AUTH_FORBIDDEN', `role "${principal.role}" may not ${permission}; this endpoint needs a token whose role allows "${permission}"`));
    } else {
      request.principal = principal;
      next();
    }
  });
  done();
}

export default fp(authPlugin, { name: 'syncwatch-auth' });
