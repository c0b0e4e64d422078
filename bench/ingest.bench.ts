// Ingest benchmark: sustained points/s over HTTP (gzip batches, concurrent keep-alive clients) into embedded
// ClickHouse — direct route (WAL + coalesced inserts) and Kafka route (produce → writer) — next to the limit
// measured in the same run: the same rows inserted straight into chdb in 100k-row inserts.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { startServer, type RunningServer } from '../collector/server.js';
import { generateToken, hashToken } from '../lib/auth/tokens.js';
import { validateConfig } from '../lib/config/load.js';
import { createSilentLogger } from '../lib/log.js';
import type { IngestBatch } from '../lib/protocol/ingest-batch.js';
import { createStorage } from '../lib/storage/create-storage.js';
import { toMetricRows } from '../lib/storage/metric-points.js';
import { migrate } from '../lib/storage/migrate.js';
import type { Storage } from '../lib/storage/storage.js';
import { startKafkaBroker } from '../test/support/kafka-broker.js';
import { buildBodies, percentile, runLoad } from './ingest-load.js';
import { writeResultsSection } from './results-file.js';

const POINTS = Number(process.env['SYNCWATCH_BENCH_POINTS'] ?? 1_000_000);
const BATCH_POINTS = 2000;
const CONCURRENCY = 8;
const root = mkdtempSync(join(tmpdir(), 'sw-bench-ingest-'));
const admin = generateToken('admin');

async function count(storage: Storage): Promise<number> {
  const rows = await storage.query<{ c: number }>(`SELECT count() AS c FROM ${storage.database}.metric_points WHERE startsWith(metric, 'bench_metric_')`);
  return rows[0]?.c ?? 0;
}

async function untilStored(storage: Storage, t0: number): Promise<number> {
  for (;;) {
    const n = await count(storage);
    if (n >= POINTS) {
      if (n > POINTS) throw new Error(`stored ${n} points, expected ${POINTS}: duplicates`);
      return performance.now() - t0;
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function reference(bodies: readonly Buffer[]): Promise<number> {
  const rows = bodies.flatMap((b) => toMetricRows(JSON.parse(gunzipSync(b).toString('utf8')) as IngestBatch, Date.now()));
  const storage = createStorage({ dataDir: join(root, 'reference') });
  await migrate(storage);
  const t0 = performance.now();
  for (let i = 0; i < rows.length; i += 100_000) await storage.insert(`${storage.database}.metric_points`, rows.slice(i, i + 100_000));
  const ms = performance.now() - t0;
  if ((await count(storage)) !== POINTS) throw new Error('reference stored the wrong count');
  await storage.close();
  return ms;
}

interface RouteResult { readonly ackMs: number; readonly storedMs: number; readonly p50: number; readonly p99: number; readonly busy: number }

async function route(name: string, bodies: readonly Buffer[], extra: object, roles: ('collector' | 'writer')[]): Promise<RouteResult> {
  const config = validateConfig({
    server: { port: 0 },
    storage: { dataDir: join(root, name) },
    localAgent: { enabled: false },
    ingest: { rateLimitPerMinute: 0, maxQueuedPoints: 2_000_000, maxGroupPoints: 200_000, ...extra },
    ...('kafka' in extra ? {} : {}),
  }, 'bench');
  return runRoute(config, bodies, roles);
}

async function runRoute(config: ReturnType<typeof validateConfig>, bodies: readonly Buffer[], roles: ('collector' | 'writer')[]): Promise<RouteResult> {
  const server: RunningServer = await startServer({ config, tokens: [{ name: 'bench', role: 'admin', sha256: hashToken(admin) }], roles, logger: createSilentLogger() });
  try {
    const t0 = performance.now();
    const load = await runLoad(server.url, admin, bodies, CONCURRENCY);
    const storedMs = await untilStored(server.storage, t0);
    return { ackMs: load.elapsedMs, storedMs, p50: percentile(load.latenciesMs, 50), p99: percentile(load.latenciesMs, 99), busy: load.busyRetries };
  } finally {
    await server.close();
  }
}

const bodies = buildBodies(POINTS, BATCH_POINTS);
const refMs = await reference(bodies);
const direct = await route('direct', bodies, { route: 'direct' }, ['collector', 'writer']);
const broker = await startKafkaBroker();
let kafka: RouteResult;
try {
  const config = validateConfig({
    server: { port: 0 },
    storage: { dataDir: join(root, 'kafka') },
    localAgent: { enabled: false },
    ingest: { route: 'kafka', rateLimitPerMinute: 0, maxGroupPoints: 200_000 },
    kafka: { brokers: [...broker.brokers], partitions: 6 },
  }, 'bench');
  kafka = await runRoute(config, bodies, ['collector', 'writer']);
} finally {
  await broker.stop();
}
rmSync(root, { recursive: true, force: true });

const rate = (ms: number): number => Math.round(POINTS / (ms / 1000));
const refRate = rate(refMs);
const line = (label: string, r: RouteResult): string =>
  `| ${label} | ${rate(r.ackMs).toLocaleString('en')} | ${rate(r.storedMs).toLocaleString('en')} | ${(rate(r.storedMs) / refRate * 100).toFixed(0)}% | ${r.p50.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.busy} |`;
const table = [
  `${POINTS.toLocaleString('en')} points in ${bodies.length} gzip batches of ${BATCH_POINTS}, ${CONCURRENCY} concurrent keep-alive HTTP clients in the same process as the server (they share its 2 cores).`,
  `Reference (the limit): the same rows inserted straight into chdb, 100k rows per insert: **${refRate.toLocaleString('en')} points/s** (${refMs.toFixed(0)} ms).`,
  '`node --import tsx bench/ingest.bench.ts` (points: `SYNCWATCH_BENCH_POINTS`).',
  '',
  '| route | acknowledged points/s | stored points/s | stored / reference | ack p50 (ms) | ack p99 (ms) | 429 retries |',
  '|---|---|---|---|---|---|---|',
  line('direct (WAL + coalesced inserts)', direct),
  line('kafka (produce acks=all → writer)', kafka),
].join('\n');
console.log(table);
writeResultsSection('ingest (`bench/ingest.bench.ts`)', table);
