// An in-process collector with the verifier service and alerting, on embedded chdb (one data dir per test process,
// a fresh database per harness), with one token per role and every `runs` live message recorded.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Registry } from 'prom-client';
import { startAlerting, type Alerting } from '../../collector/alerts/alerting.js';
import { AlertsConfigSchema } from '../../collector/alerts/config.js';
import { buildApp } from '../../collector/app.js';
import { createLiveHub } from '../../collector/live/hub.js';
import { startDirectSink } from '../../collector/routing/create-sink.js';
import { TokenStore, generateToken, hashToken } from '../../lib/auth/tokens.js';
import { SYSTEM_CLOCK } from '../../lib/clock.js';
import { validateAgainst } from '../../lib/config/load.js';
import { ROLES, type Role } from '../../lib/config/schema.js';
import { createSilentLogger } from '../../lib/log.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { migrate } from '../../lib/storage/migrate.js';
import type { Storage } from '../../lib/storage/storage.js';
import { createCollectorMetrics } from '../../lib/telemetry/metrics.js';
import { VerificationConfigSchema, type VerificationConfig } from '../../verifier/service/config.js';
import type { RunsLiveMessage } from '../../verifier/service/live-message.js';
import { startVerifierService, type VerifierService, type VerifierServiceDeps } from '../../verifier/service/service.js';
import { uniqueName } from './unique-name.js';

let dataDir: string | undefined;

export interface VerifierHarness {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly verifier: VerifierService;
  readonly alerting: Alerting;
  readonly tokens: Readonly<Record<Role, string>>;
  /** Every message published on the `runs` topic, in order. */
  readonly runEvents: RunsLiveMessage[];
  readonly database: string;
  close(): Promise<void>;
}

/** Applies the schema's defaults to a `verification:` section written in a test. */
export function verificationConfig(raw: unknown): VerificationConfig {
  return validateAgainst(VerificationConfigSchema, raw, 'test');
}

export async function startVerifierHarness(options: {
  verification: unknown;
  alerts?: unknown;
  database?: string;
  hooks?: VerifierServiceDeps['runHooks'];
  lag?: VerifierServiceDeps['lag'];
}): Promise<VerifierHarness> {
  dataDir ??= mkdtempSync(join(tmpdir(), 'sw-verification-'));
  const database = options.database ?? uniqueName('sw');
  const storage = createStorage({ dataDir, database });
  await migrate(storage);
  const logger = createSilentLogger();
  const hub = createLiveHub();
  const runEvents: RunsLiveMessage[] = [];
  const alerting = await startAlerting({
    config: validateAgainst(AlertsConfigSchema, options.alerts ?? { rules: [{ name: 'drift', kind: 'verification_drift', severity: 'critical' }] }, 'test'),
    storage, hub, clock: SYSTEM_CLOCK, logger, registry: new Registry(), externalUrl: () => 'http://127.0.0.1',
  });
  const verifier = await startVerifierService({
    config: verificationConfig(options.verification), storage, logger,
    publish: (topic, message) => { runEvents.push(message); hub.publish(topic, message); },
    observe: (points, at) => { alerting.observe(points, at); },
    runHooks: options.hooks,
    lag: options.lag,
  });
  const tokens = Object.fromEntries(ROLES.map((role) => [role, generateToken(role)])) as Record<Role, string>;
  const metrics = createCollectorMetrics();
  const sink = startDirectSink({ storage, dataDir, logger, metrics, tuning: { maxGroupPoints: 50_000, maxDelayMs: 50, maxQueuedPoints: 500_000 } });
  const app = await buildApp({
    storage, sink, hub, metrics, clock: SYSTEM_CLOCK, logger, alerting, verifier,
    tokens: new TokenStore(ROLES.map((role) => ({ name: `test-${role}`, role, sha256: hashToken(tokens[role]) }))),
    bodyLimitBytes: 1024 * 1024, rateLimitPerMinute: 0, serveApi: true,
  });
  await app.ready();
  return {
    app, storage, verifier, alerting, tokens, runEvents, database,
    async close() {
      await app.close();
      await verifier.close();
      await alerting.close();
      await sink.close();
      await storage.close();
    },
  };
}

/** A harness whose `killed` pair has its database sessions killed once, right after its first segment, when armed. */
export interface LiveVerifierHarness extends VerifierHarness {
  /** The next `killed` run calls `killSessions` after its first checkpointed segment. */
  armKill(): void;
}

/**
 * The three pairs the live-replication suites run over one source → replica pair, all on `common`'s stores:
 * `live` (writes keep running), `stoppedName` (the suite stops replication during its re-checks, hence a longer
 * grace) and `killed` (throttled, so that `killSessions` lands mid-run).
 */
export async function startLiveVerifierHarness(common: Record<string, unknown>, stoppedName: string, killSessions: () => void): Promise<LiveVerifierHarness> {
  let armed = false;
  const h = await startVerifierHarness({
    verification: {
      pairs: [
        { name: 'live', ...common, graceSeconds: 1, recheckRounds: 3 },
        { name: stoppedName, ...common, graceSeconds: 1.5, recheckRounds: 3 },
        { name: 'killed', ...common, graceSeconds: 1, recheckRounds: 3, throttle: { rowsPerSecond: 8000 } },
      ],
    },
    hooks: {
      onSegment: (run) => {
        if (!armed || run.pair !== 'killed' || run.segmentsDone !== 1) return;
        armed = false;
        killSessions();
      },
    },
  });
  return Object.assign(h, { armKill: () => { armed = true; } });
}
