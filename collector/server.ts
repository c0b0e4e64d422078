// Composition of the server roles in one process: storage + migrations, the ingest route's sink, the Kafka writer,
// the HTTP app; and their graceful close in reverse order.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import { TokenStore } from '../lib/auth/tokens.js';
import { SYSTEM_CLOCK } from '../lib/clock.js';
import type { Config, TokenEntry } from '../lib/config/schema.js';
import { SyncwatchError } from '../lib/errors.js';
import { createKafka } from '../lib/kafka.js';
import { createStorage } from '../lib/storage/create-storage.js';
import { migrate } from '../lib/storage/migrate.js';
import { applyRetention } from '../lib/storage/retention.js';
import type { Storage } from '../lib/storage/storage.js';
import { createCollectorMetrics } from '../lib/telemetry/metrics.js';
import { startAlerting } from './alerts/alerting.js';
import { startVerifierService } from '../verifier/service/service.js';
import { buildApp } from './app.js';
import { ReportKeyRing } from './reports/signing-keys.js';
import { readTlsFiles } from './reports/tls-files.js';
import { createLiveHub } from './live/hub.js';
import type { BatchSink } from './routing/batch-sink.js';
import { startDirectSink } from './routing/create-sink.js';
import { KafkaSink, ensureTopic } from './routing/kafka-sink.js';
import { KafkaWriter } from './routing/kafka-writer.js';
import { AlerterRole } from './routing/alerter-role.js';
import { startLiveRelay } from './live-relay/start-relay.js';
import { KafkaPairLease } from './lease/pair-lease.js';
import { startDriftFeed } from './routing/alerter-drift-feed.js';

export const SERVER_ROLES = ['collector', 'writer', 'alerter', 'verifier', 'dashboard'] as const;
export type ServerRole = (typeof SERVER_ROLES)[number];

export interface ServerOptions {
  readonly config: Config;
  readonly tokens: readonly TokenEntry[];
  readonly roles: readonly ServerRole[];
  readonly logger: Logger;
}

export interface RunningServer {
  readonly app: FastifyInstance;
  /** Base URL clients on this machine use, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly port: number;
  /** The process's storage (for tools and benchmarks running in the same process). */
  readonly storage: Storage;
  close(): Promise<void>;
}

export async function startServer(opts: ServerOptions): Promise<RunningServer> {
  const { config, logger } = opts;
  const route = config.ingest.route;
  if (route === 'kafka' && config.kafka.brokers.length === 0) {
    throw new SyncwatchError('SW_CONFIG_INVALID', 'kafka.brokers: required when ingest.route is kafka (e.g. --kafka-brokers 127.0.0.1:9092)');
  }
  // Read first: a missing certificate stops start-up before anything is opened.
  const https = config.server.tls === undefined ? undefined : readTlsFiles(config.server.tls);
  const storage = createStorage({ dataDir: config.storage.dataDir, clickhouseUrl: config.storage.clickhouseUrl, database: config.storage.database });
  const closers: (() => Promise<void>)[] = [() => storage.close()];
  const close = async (): Promise<void> => {
    for (const c of closers.reverse()) await c().catch((err: unknown) => { logger.warn({ err }, 'error while closing'); });
  };
  try {
    const applied = await migrate(storage);
    if (applied.length > 0) logger.info({ versions: applied }, 'schema migrated');
    const retained = await applyRetention(storage, { pointsDays: config.storage.retentionDays, rollupDays: config.storage.rollupRetentionDays });
    if (retained.length > 0) logger.info({ tables: retained, days: config.storage.retentionDays }, 'retention changed');
    const metrics = createCollectorMetrics();
    const kafka = route === 'kafka' ? createKafka({ brokers: config.kafka.brokers, clientId: config.kafka.clientId, logger }) : undefined;
    const checks: Record<string, () => Promise<{ ok: true; detail: string } | { ok: false; error: string }>> = {};

    // Writers subscribe and collectors produce; either may start first, so the topic is made before both.
    if (kafka !== undefined) await ensureTopic(kafka, config.kafka.topic, config.kafka.partitions);
    if (kafka !== undefined && opts.roles.includes('writer')) {
      const writer = new KafkaWriter({ kafka, topic: config.kafka.topic, storage, logger: logger.child({ role: 'writer' }), metrics, maxGroupPoints: config.ingest.maxGroupPoints });
      closers.push(() => writer.close());
      await writer.start();
      checks['writer'] = () => writer.check();
    }
    let sink: BatchSink | undefined;
    if (!opts.roles.includes('collector')) {
      sink = undefined;
    } else if (kafka !== undefined) {
      const kafkaSink = new KafkaSink({ kafka, topic: config.kafka.topic, partitions: config.kafka.partitions, logger });
      closers.push(() => kafkaSink.close());
      await kafkaSink.start();
      sink = kafkaSink;
    } else {
      const directSink = startDirectSink({ storage, dataDir: config.storage.dataDir, logger, metrics, tuning: config.ingest });
      closers.push(() => directSink.close());
      sink = directSink;
    }

    const hub = createLiveHub({ ...config.live, onDrop: (reason) => { metrics.liveDropped.inc({ reason }); } });
    closers.push(() => { hub.close?.(); return Promise.resolve(); });
    let serverUrl = '';
    // Kafka route: live messages go through Kafka so any dashboard instance serves any client (live-relay/).
    const relay = kafka === undefined ? undefined : await startLiveRelay({
      kafka, local: hub, partitions: config.kafka.partitions, logger,
      produce: opts.roles.includes('collector') || opts.roles.includes('alerter') || opts.roles.includes('verifier'), consume: opts.roles.includes('dashboard'),
    });
    if (relay !== undefined) closers.push(() => relay.close());
    // Kafka route: alerters form their own consumer group over the ingest topic (routing/alerter-role.ts).
    if (kafka !== undefined && opts.roles.includes('alerter')) {
      const alerter = new AlerterRole({ kafka, topic: config.kafka.topic, partitions: config.kafka.partitions, config: config.alerts, logger: logger.child({ role: 'alerter' }), live: relay?.publisher, externalUrl: () => config.alerts.externalUrl ?? serverUrl });
      closers.push(() => alerter.close());
      await alerter.start();
      checks['alerter'] = () => alerter.check();
    }
    // Direct route: alerting runs in the collector process, fed by the ingest hook.
    const alerting = opts.roles.includes('collector') && kafka === undefined && opts.roles.includes('alerter')
      ? await startAlerting({ config: config.alerts, storage, hub, clock: SYSTEM_CLOCK, logger: logger.child({ component: 'alerts' }), registry: metrics.registry, externalUrl: () => config.alerts.externalUrl ?? serverUrl })
      : undefined;
    if (alerting !== undefined) {
      closers.push(() => alerting.close());
      checks['alerts'] = () => alerting.check();
    }
    // Scheduled verification of the configured pairs (verifier/service); its API is served by this process.
    const verifierHub = relay?.hub ?? hub;
    // Kafka route: two verifier processes never run one pair at once (a Kafka consumer-group lease per pair).
    const lease = kafka !== undefined && opts.roles.includes('verifier') && config.verification.pairs.length > 0 ? new KafkaPairLease({ kafka, logger: logger.child({ component: 'verifier-lease' }) }) : undefined;
    if (lease !== undefined) {
      closers.push(() => lease.close());
      await lease.start();
    }
    // Kafka route: the drift count reaches the alerters through the ingest topic (routing/alerter-drift-feed.ts).
    const driftFeed = kafka !== undefined && alerting === undefined && opts.roles.includes('verifier') && config.verification.pairs.length > 0
      ? await startDriftFeed({ kafka, topic: config.kafka.topic, partitions: config.kafka.partitions, logger })
      : undefined;
    if (driftFeed !== undefined) closers.push(() => driftFeed.close());
    const verifier = opts.roles.includes('verifier') && config.verification.pairs.length > 0
      ? await startVerifierService({ config: config.verification, storage, logger: logger.child({ component: 'verifier' }), publish: (topic, message) => { verifierHub.publish(topic, message); }, observe: alerting === undefined ? driftFeed?.observe : (points, at) => { alerting.observe(points, at); }, lease })
      : undefined;
    if (verifier !== undefined) {
      closers.push(() => verifier.close());
      checks['verifier'] = () => verifier.check();
    }
    const app = await buildApp({
      storage,
      sink,
      tokens: new TokenStore(opts.tokens),
      hub: relay?.hub ?? hub,
      metrics,
      clock: SYSTEM_CLOCK,
      logger,
      bodyLimitBytes: config.server.bodyLimitBytes,
      rateLimitPerMinute: config.ingest.rateLimitPerMinute,
      retentionDays: config.storage.retentionDays,
      serveApi: opts.roles.includes('collector') || opts.roles.includes('dashboard'),
      checks,
      alerting,
      verifier,
      reports: opts.roles.includes('collector') || opts.roles.includes('dashboard') ? { keys: ReportKeyRing.open(config.storage.dataDir), pairs: config.verification.pairs } : undefined,
      https,
      onAccepted: alerting === undefined ? undefined : (batch, receivedAt) => { alerting.observe(batch.points, receivedAt); },
    });
    closers.push(() => app.close());
    await app.listen({ host: config.server.host, port: config.server.port });
    const address = app.server.address();
    const port = typeof address === 'object' && address !== null ? address.port : config.server.port;
    // A wildcard bind is reachable on loopback; a specific address is used as given.
    const host = config.server.host === '0.0.0.0' || config.server.host === '::' ? '127.0.0.1' : config.server.host;
    serverUrl = `${config.server.tls === undefined ? 'http' : 'https'}://${host.includes(':') ? `[${host}]` : host}:${port}`;
    return { app, url: serverUrl, port, storage, close };
  } catch (err) {
    await close();
    throw err;
  }
}
