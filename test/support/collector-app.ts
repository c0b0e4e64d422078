// Builds a real collector app (fastify + embedded chdb in a temp dir) for injection tests, with one token per role.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { buildApp } from '../../collector/app.js';
import { createLiveHub, type LiveHub } from '../../collector/live/hub.js';
import type { BatchSink } from '../../collector/routing/batch-sink.js';
import { startDirectSink, type IngestTuning } from '../../collector/routing/create-sink.js';
import { TokenStore, generateToken, hashToken } from '../../lib/auth/tokens.js';
import { SYSTEM_CLOCK } from '../../lib/clock.js';
import { ROLES, type Role } from '../../lib/config/schema.js';
import { createSilentLogger } from '../../lib/log.js';
import { createStorage } from '../../lib/storage/create-storage.js';
import { migrate } from '../../lib/storage/migrate.js';
import type { Storage } from '../../lib/storage/storage.js';
import { createCollectorMetrics } from '../../lib/telemetry/metrics.js';
import { uniqueName } from './unique-name.js';

export interface TestCollector {
  readonly app: FastifyInstance;
  readonly storage: Storage;
  readonly hub: LiveHub;
  readonly sink: BatchSink;
  readonly dataDir: string;
  /** A valid token per role. */
  readonly tokens: Readonly<Record<Role, string>>;
  close(): Promise<void>;
}

export async function createTestCollector(options: { bodyLimitBytes?: number; tuning?: Partial<IngestTuning>; rateLimitPerMinute?: number } = {}): Promise<TestCollector> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sw-collector-'));
  const storage = createStorage({ dataDir, database: uniqueName('sw') });
  await migrate(storage);
  const metrics = createCollectorMetrics();
  const sink = startDirectSink({
    storage,
    dataDir,
    logger: createSilentLogger(),
    metrics,
    tuning: { maxGroupPoints: 50_000, maxDelayMs: 50, maxQueuedPoints: 500_000, ...options.tuning },
  });
  const tokens = Object.fromEntries(ROLES.map((role) => [role, generateToken(role)])) as Record<Role, string>;
  const hub = createLiveHub();
  const app = await buildApp({
    storage,
    tokens: new TokenStore(ROLES.map((role) => ({ name: `test-${role}`, role, sha256: hashToken(tokens[role]) }))),
    hub,
    sink,
    metrics,
    clock: SYSTEM_CLOCK,
    logger: createSilentLogger(),
    bodyLimitBytes: options.bodyLimitBytes ?? 1024 * 1024,
    rateLimitPerMinute: options.rateLimitPerMinute ?? 0,
    serveApi: true,
  });
  await app.ready();
  return {
    app,
    storage,
    hub,
    sink,
    dataDir,
    tokens,
    async close() {
      await app.close();
      await sink.close();
      await storage.close();
    },
  };
}
