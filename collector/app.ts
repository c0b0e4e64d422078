// buildApp(deps): the fastify instance with every plugin and route registered, not listening.
import rateLimit from '@fastify/rate-limit';
import websocket from '@fastify/websocket';
import Fastify, { LogController, type FastifyInstance, type RawServerDefault } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import type { TokenStore } from '../lib/auth/tokens.js';
import { SyncwatchError } from '../lib/errors.js';
import type { Clock } from '../lib/clock.js';
import type { Storage } from '../lib/storage/storage.js';
import type { CollectorMetrics } from '../lib/telemetry/metrics.js';
import type { LiveHub } from './live/hub.js';
import type { BatchSink } from './routing/batch-sink.js';
import type { IngestBatch } from '../lib/protocol/ingest-batch.js';
import type { Alerting } from './alerts/alerting.js';
import { wsRoutes } from './live/ws-route.js';
import authPlugin from './plugins/auth.js';
import { clientErrorHandler } from './plugins/client-error.js';
import errorHandlerPlugin from './plugins/error-handler.js';
import jsonBodyPlugin from './plugins/json-body.js';
import { dashboardRoutes } from './routes/dashboard.js';
import { healthRoutes, type HealthCheck } from './routes/health.js';
import { ingestRoutes } from './routes/ingest.js';
import { metricsRoutes } from './routes/metrics.js';
import { seriesRoutes } from './routes/series.js';
import { pipelineRoutes } from './routes/pipelines.js';
import { latestRoutes } from './routes/latest.js';
import { alertEventRoutes } from './routes/alert-events.js';
import { alertRoutes } from './routes/alerts.js';
import { silenceRoutes } from './routes/silences.js';
import { webhookDeliveryRoutes } from './routes/webhook-deliveries.js';
import { verificationRoutes } from './routes/verifications.js';
import type { VerifierService } from '../verifier/service/service.js';
import auditPlugin from './audit/audit-plugin.js';
import { reportRoutes } from './routes/reports.js';
import { runHistoryOver } from './reports/run-history.js';
import type { ReportKeyRing } from './reports/signing-keys.js';
import type { PairConfig } from '../verifier/service/config.js';

export interface AppDeps {
  readonly storage: Storage;
  /** Where accepted batches go (WAL + ClickHouse, or Kafka); absent in a process without the collector role. */
  readonly sink: BatchSink | undefined;
  readonly tokens: TokenStore;
  readonly hub: LiveHub;
  readonly metrics: CollectorMetrics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** Largest accepted ingest body after decompression, bytes. */
  readonly bodyLimitBytes: number;
  /** Requests per token per minute; 0 disables the limit. */
  readonly rateLimitPerMinute: number;
  /** Days raw points are kept (storage.retentionDays); ingest refuses older points. @default 30 */
  readonly retentionDays?: number;
  /** False for a process that only writes (writer role): it serves health and metrics, no API or dashboard. */
  readonly serveApi: boolean;
  /** Called with each batch the sink accepted (never a duplicate), once it is durable: the alert engine's hook. */
  readonly onAccepted?: (batch: IngestBatch, receivedAt: number) => void;
  /** Alerts, silences and webhook deliveries API; absent when alerting does not run in this process. */
  readonly alerting?: Alerting;
  /** Verification runs API; absent when no pairs are configured. */
  readonly verifier?: VerifierService;
  /** Extra readiness checks beside storage (e.g. Kafka). */
  readonly checks?: Readonly<Record<string, HealthCheck>>;
  /** Signed reports API (keys from the data dir, configured pairs); absent = no /api/v1/reports routes. */
  readonly reports?: { readonly keys: ReportKeyRing; readonly pairs: readonly PairConfig[] };
  /** PEM certificate and key: serve HTTPS instead of HTTP (server.tls). */
  readonly https?: { readonly cert: Buffer; readonly key: Buffer };
  /** This process's audit chain name (the `instance` column). @default the host name */
  readonly auditInstance?: string;
}

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify<RawServerDefault, IncomingMessage, ServerResponse>({
    loggerInstance: deps.logger,
    // Per-request lines would log every agent batch; errors are logged by the error handler instead.
    logController: new LogController({ disableRequestLogging: true }),
    // Ajv defaults fill `default` values and coerce querystring numbers; reject unknown body keys as the schema says.
    // Validation stops at the first error: with allErrors one 8 MB body of `{}` points made ajv collect millions of
    // errors (43 s of blocked event loop, 3 GB, then a 500). Messages name the first problem only.
    ajv: { customOptions: { removeAdditional: false, allErrors: false } },
    clientErrorHandler,
    ...(deps.https === undefined ? {} : { https: { cert: deps.https.cert, key: deps.https.key } }),
  });
  // Only JSON bodies are accepted; anything else is a 415 rather than a confusing schema error.
  app.removeContentTypeParser('text/plain');
  await app.register(errorHandlerPlugin);
  await app.register(jsonBodyPlugin);
  await app.register(authPlugin, { tokens: deps.tokens });
  if (deps.serveApi) await app.register(auditPlugin, { storage: deps.storage, tokens: deps.tokens, logger: deps.logger, now: () => deps.clock.now(), instance: deps.auditInstance });
  if (deps.rateLimitPerMinute > 0) {
    // Keyed by the authenticated token (after auth), so one noisy agent cannot starve the others; public routes
    // (health, dashboard files) are not limited.
    await app.register(rateLimit, {
      hook: 'preHandler',
      max: deps.rateLimitPerMinute,
      timeWindow: 60_000,
      keyGenerator: (request) => request.principal?.name ?? request.ip,
      allowList: (request) => request.principal === null,
      errorResponseBuilder: (_request, context) => new SyncwatchError('SW_RATE_LIMITED', `rate limit of ${context.max} requests per minute for this token exceeded; retry in ${context.after}`),
    });
  }
  await app.register(websocket, { options: { maxPayload: 64 * 1024 } });
  const sink = deps.sink;
  healthRoutes(app, { checks: { storage: () => deps.storage.check(), ...(sink ? { ingest: () => sink.check() } : {}), ...deps.checks } });
  metricsRoutes(app, { registry: deps.metrics.registry });
  if (!deps.serveApi) return app;
  // A dashboard-only process (no collector role) serves the API and /ws but takes no ingest.
  if (sink !== undefined) ingestRoutes(app, { ...deps, sink });
  seriesRoutes(app, deps);
  pipelineRoutes(app, deps);
  latestRoutes(app, deps);
  alertEventRoutes(app, deps);
  wsRoutes(app, deps);
  if (deps.alerting !== undefined) {
    alertRoutes(app, { alerting: deps.alerting });
    silenceRoutes(app, { alerting: deps.alerting, clock: deps.clock });
    webhookDeliveryRoutes(app, { alerting: deps.alerting });
  }
  if (deps.verifier !== undefined) verificationRoutes(app, { verifier: deps.verifier });
  if (deps.reports !== undefined) reportRoutes(app, { ...deps.reports, history: runHistoryOver(deps.storage), storage: deps.storage, clock: deps.clock });
  await dashboardRoutes(app);
  return app;
}
