// Benchmark: what alert evaluation on ingest costs. (1) The engine alone: ns per point with N threshold rules,
// calm (no alert) and firing (every matched series firing, so each point updates a state). (2) In the collector:
// HTTP ingest (WAL + coalesced chdb inserts) with the onAccepted hook feeding an engine of N rules; the time spent
// in the engine is measured in place and compared with the main thread's busy time in the same run, so both sides
// of the ratio see the same machine load (an A/B of throughputs does not survive a shared, busy machine).
// Run: node --import tsx bench/alert-eval.bench.ts   (SYNCWATCH_BENCH_POINTS per round, default 200000)
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance as nodePerformance } from 'node:perf_hooks';
import { gunzipSync } from 'node:zlib';
import { buildApp } from '../collector/app.js';
import { AlertEngine } from '../collector/alerts/engine.js';
import type { Rule } from '../collector/alerts/rules.js';
import { createLiveHub } from '../collector/live/hub.js';
import { startDirectSink } from '../collector/routing/create-sink.js';
import { TokenStore, generateToken, hashToken } from '../lib/auth/tokens.js';
import { SYSTEM_CLOCK } from '../lib/clock.js';
import { validateConfig } from '../lib/config/load.js';
import { createSilentLogger } from '../lib/log.js';
import type { IngestBatch, Point } from '../lib/protocol/ingest-batch.js';
import { createStorage } from '../lib/storage/create-storage.js';
import { migrate } from '../lib/storage/migrate.js';
import { createCollectorMetrics } from '../lib/telemetry/metrics.js';
import { buildBodies, percentile, runLoad } from './ingest-load.js';
import { writeResultsSection } from './results-file.js';

const POINTS = Number(process.env['SYNCWATCH_BENCH_POINTS'] ?? 200_000);
const ROUNDS = 5;
const CASES = [
  { rules: 10, firing: false },
  { rules: 100, firing: false },
  { rules: 1000, firing: false },
  { rules: 100, firing: true },
] as const;

/** N threshold rules over the load's 20 metrics, each for one (pipeline, host): a point is checked by N/20 rules, at most one matches. */
function rules(n: number, firing: boolean): Rule[] {
  const raw = Array.from({ length: n }, (_, i) => ({
    kind: 'threshold', name: `bench_rule_${i}`, metric: `bench_metric_${i % 20}`, matchers: [`pipeline="pipeline-${Math.floor(i / 20) % 10}"`, `host="host-${Math.floor(i / 200) % 50}"`],
    op: '>', threshold: firing ? -1 : 1e15, resolveThreshold: firing ? -2 : 1e15,
  }));
  return validateConfig({ alerts: { rules: raw } }, 'bench').alerts.rules;
}

const label = (c: (typeof CASES)[number]): string => `${c.rules} rules, ${c.firing ? 'firing' : 'calm'}`;

function engineAlone(batches: readonly Point[][], c: (typeof CASES)[number]): number {
  let best = Infinity;
  for (let r = 0; r < ROUNDS; r++) {
    const engine = new AlertEngine(rules(c.rules, c.firing), () => undefined);
    const t0 = performance.now();
    for (const points of batches) engine.observe(points, Date.now());
    const ns = ((performance.now() - t0) * 1e6) / POINTS;
    best = Math.min(best, ns);
  }
  return best;
}

const root = mkdtempSync(join(tmpdir(), 'sw-bench-alerts-'));
const storage = createStorage({ dataDir: root });
await migrate(storage);
const metrics = createCollectorMetrics();
const logger = createSilentLogger();
const sink = startDirectSink({ storage, dataDir: root, logger, metrics, tuning: { maxGroupPoints: 50_000, maxDelayMs: 200, maxQueuedPoints: 2_000_000 } });
const token = generateToken('agent');
let current: AlertEngine | undefined;
let engineMs = 0;
const app = await buildApp({
  storage, sink, tokens: new TokenStore([{ name: 'bench', role: 'agent', sha256: hashToken(token) }]), hub: createLiveHub(), metrics, clock: SYSTEM_CLOCK, logger,
  bodyLimitBytes: 64 * 1024 * 1024, rateLimitPerMinute: 0, serveApi: true,
  onAccepted: (batch, receivedAt) => {
    if (current === undefined) return;
    const t0 = performance.now();
    current.observe(batch.points, receivedAt);
    engineMs += performance.now() - t0;
  },
});
const url = await app.listen({ host: '127.0.0.1', port: 0 });

/** Each run starts with nothing queued for ClickHouse, so that no run pays for the inserts of the one before. */
async function drained(): Promise<void> {
  for (;;) {
    const queued = (await metrics.queuedPoints.get()).values[0]?.value ?? 0;
    if (queued === 0) return;
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sample = buildBodies(POINTS, 2000).map((b) => (JSON.parse(gunzipSync(b).toString('utf8')) as IngestBatch).points);
const alone = new Map(CASES.map((c) => [label(c), engineAlone(sample, c)]));

const rates = new Map<string, number[]>();
const busy = new Map<string, number[]>();
const inEngine = new Map<string, number[]>();
const enginePerPoint = new Map<string, number[]>();
const loads: number[] = [];
const push = (m: Map<string, number[]>, k: string, v: number): void => { m.set(k, [...(m.get(k) ?? []), v]); };
for (let r = 0; r < ROUNDS; r++) {
  for (const c of [undefined, ...CASES]) {
    const name = c === undefined ? 'none' : label(c);
    current = c === undefined ? undefined : new AlertEngine(rules(c.rules, c.firing), () => undefined);
    const bodies = buildBodies(POINTS, 2000);
    await drained();
    // Main-thread busy time per point: less sensitive than throughput to other work on a shared machine.
    const elu = nodePerformance.eventLoopUtilization();
    engineMs = 0;
    const load = await runLoad(url, token, bodies, 8);
    const activeMs = nodePerformance.eventLoopUtilization(elu).active;
    push(rates, name, (POINTS * 1000) / load.elapsedMs);
    push(busy, name, (activeMs * 1e6) / POINTS);
    push(inEngine, name, engineMs / activeMs);
    push(enginePerPoint, name, (engineMs * 1e6) / POINTS);
    loads.push(loadavg()[0] ?? 0);
    console.log(`round ${r + 1} ${name}: ${Math.round((POINTS * 1000) / load.elapsedMs)} points/s`);
  }
}
current = undefined;
await app.close();
await sink.close();
await storage.close();
rmSync(root, { recursive: true, force: true });

const median = (xs: readonly number[]): number => percentile(xs, 50);
const base = median(rates.get('none') ?? []);
const baseBusy = median(busy.get('none') ?? []);
const rows = CASES.map((c) => {
  const name = label(c);
  const share = median(inEngine.get(name) ?? []);
  return `| ${c.rules} | ${c.firing ? 'all matched series firing' : 'none firing'} | ${(alone.get(name) ?? 0).toFixed(0)} | ${median(enginePerPoint.get(name) ?? []).toFixed(0)} | ${(share * 100).toFixed(2)}% |`;
});
const body = `Cost of evaluating rules on ingest. Load: ${POINTS.toLocaleString('en-US')} points per run in gzip batches of 2000 (20 metrics × 10 pipelines × 50 hosts),
8 keep-alive HTTP clients in the same process as the collector (direct route: WAL + coalesced chdb inserts), ${ROUNDS} rounds with the cases
interleaved, medians; each run starts with nothing queued for ClickHouse. Rules: N threshold rules spread over the 20 metrics, each with
\`pipeline="…"\` and \`host="…"\` matchers (a point is checked against its metric's rules through the equality-matcher index; at most one matches).
"Engine alone": \`AlertEngine.observe\` on the same points outside the server (best of ${ROUNDS}). "In the collector": time inside the
ingest route's onAccepted hook, per point, and as a share of the main thread's busy time in the same run (which also carries the load
generator, identically in every case) — the ratio is measured under one and the same machine load.
Reference, the same collector with no rules: ${Math.round(baseBusy).toLocaleString('en-US')} ns of main-thread time per point, ${Math.round(base).toLocaleString('en-US')} points/s acknowledged
(load average ${percentile(loads, 50).toFixed(1)} on 2 cores during the runs: other suites were running, so absolute figures are pessimistic).
\`node --import tsx bench/alert-eval.bench.ts\` (points per run: \`SYNCWATCH_BENCH_POINTS\`).

| rules | alerts | engine alone (ns/point) | in the collector (ns/point) | share of ingest main-thread time |
|---|---|---|---|---|
${rows.join('\n')}`;
console.log(`\n${body}`);
writeResultsSection('alert evaluation (`bench/alert-eval.bench.ts`)', body);
