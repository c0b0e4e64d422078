// Records audit entries from one hook, so routes need no edits: every request an admin or auditor token makes
// (ingest excepted), every named action (actions.ts), and every refused token (wrong role or unknown token).
// Registered before the routes; also serves GET /api/v1/audit and /api/v1/audit/chain.
import { hostname } from 'node:os';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Logger } from 'pino';
import type { TokenStore } from '../../lib/auth/tokens.js';
import type { Storage } from '../../lib/storage/storage.js';
import { auditRoutes } from '../routes/audit.js';
import { bearerToken } from '../plugins/auth.js';
import { AUDITED_ACTIONS, AUDITED_BODY_FIELDS, createdIds } from './actions.js';
import { AuditLog, type AuditEntry } from './audit-log.js';
import routeCatalogue from './route-catalogue.js';

declare module 'fastify' {
  interface FastifyInstance {
    audit: AuditLog;
  }
  interface FastifyRequest {
    /** Extra facts a handler wants in its audit entry (e.g. the chain heads a report stated). */
    auditDetail: Readonly<Record<string, unknown>> | null;
  }
}

export interface AuditPluginOptions {
  readonly storage: Storage;
  readonly tokens: TokenStore;
  readonly logger: Logger;
  readonly now?: () => number;
  /** This process's chain name. @default the host name */
  readonly instance?: string;
}

function pick(body: unknown, fields: readonly string[] | undefined): Record<string, unknown> {
  if (fields === undefined || typeof body !== 'object' || body === null) return {};
  const b = body as Record<string, unknown>;
  return Object.fromEntries(fields.filter((f) => b[f] !== undefined).map((f) => [f, b[f]]));
}

function targetOf(request: FastifyRequest): string {
  const params = request.params as Record<string, string> | undefined;
  const query = request.query as Record<string, unknown> | undefined;
  let target = request.routeOptions.url ?? request.url.split('?')[0] ?? '';
  for (const [k, v] of Object.entries(params ?? {})) target = target.replace(`:${k}`, v);
  const pair = query?.['pair'];
  return typeof pair === 'string' ? `${target}?pair=${pair}` : target;
}

/** The audit entry for an answered request, or undefined when it is not audited. */
function entryFor(request: FastifyRequest, status: number, elapsedMs: number, payload: unknown, tokens: TokenStore): AuditEntry | undefined {
  const permission = request.routeOptions.config.permission;
  if (permission === undefined || permission === 'ingest') return undefined;
  const key = `${request.method} ${request.routeOptions.url ?? ''}`;
  const named = AUDITED_ACTIONS[key];
  const principal = request.principal;
  let who: { actor: string; role: string; action: string };
  if (principal !== null) {
    if (principal.role !== 'admin' && principal.role !== 'auditor' && named === undefined) return undefined;
    who = { actor: principal.name, role: principal.role, action: named ?? 'request' };
  } else {
    // Refused before the handler: a token of the wrong role, or one nobody issued. No token = nobody to name.
    const token = bearerToken(request);
    if (token === undefined || (status !== 401 && status !== 403)) return undefined;
    const known = tokens.authenticate(token);
    who = { actor: known?.name ?? '', role: known?.role ?? '', action: known === undefined ? 'auth.unknown-token' : 'auth.denied' };
  }
  let created: Record<string, string> | undefined;
  if (named !== undefined && principal !== null && typeof payload === 'string' && payload.length < 65_536 && payload.startsWith('{')) {
    try {
      created = createdIds(JSON.parse(payload));
    } catch {
      // Not JSON after all: nothing to pick.
    }
  }
  const query = request.query as Record<string, unknown> | undefined;
  const detail = {
    route: key,
    ...(query !== undefined && Object.keys(query).length > 0 ? { query } : {}),
    ...(named === undefined || principal === null ? {} : pick(request.body, AUDITED_BODY_FIELDS[named])),
    ...(created === undefined || Object.keys(created).length === 0 ? {} : { created }),
    ...(principal === null ? {} : request.auditDetail),
    durationMs: Math.round(elapsedMs),
  };
  return { ...who, method: request.method, target: targetOf(request), status, detail, remote: request.ip };
}

async function auditPlugin(app: FastifyInstance, opts: AuditPluginOptions): Promise<void> {
  const log = new AuditLog({ storage: opts.storage, instance: opts.instance ?? hostname(), logger: opts.logger.child({ component: 'audit' }), now: opts.now });
  await log.open();
  app.decorate('audit', log);
  app.decorateRequest('auditDetail', null);
  await app.register(routeCatalogue);

  // Recorded as the answer is sent, when its status is known. Named actions (actions.ts) are stored before the
  // client sees the answer; plain token use is written by the batching timer.
  app.addHook('onSend', async (request, reply, payload) => {
    const entry = entryFor(request, reply.statusCode, reply.elapsedTime, payload, opts.tokens);
    if (entry === undefined) return payload;
    try {
      log.record(entry);
    } catch (err) {
      request.log.error({ err }, 'audit entry not recorded');
      return payload;
    }
    // Refused tokens are batched too: a burst of them must not turn into a burst of inserts.
    if (entry.action !== 'request' && !entry.action.startsWith('auth.')) await log.flush().catch((err: unknown) => { request.log.error({ err }, 'audit entry not yet stored; it stays queued'); });
    return payload;
  });
  app.addHook('onClose', async () => { await log.close(); });
  auditRoutes(app, { log });
}

export default fp(auditPlugin, { name: 'syncwatch-audit' });
