// Benchmark: end-to-end alert latency, from the agent observing a breaching value to (a) the webhook received by a
// local HTTP receiver and (b) the WebSocket message received by a subscribed client. syncwatch: a real agent
// (probe → spool → shipper) in this process, `syncwatch serve` as a child process (ingest → rule engine → outbox →
// signed POST; hub → WebSocket). Reference in the same run: Prometheus (scrape and evaluation every 1 s, `for: 0s`)
// + Alertmanager (group_wait 0s) scraping a tiny exporter served here, webhook to the same kind of receiver. Each
// trial is a new label set (a new alert, a new Alertmanager group) and starts at a random phase.
// Run: node --import tsx bench/alert-latency.bench.ts   (SYNCWATCH_BENCH_TRIALS, default 60)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { createAgent } from '../agents/agent.js';
import type { Probe } from '../agents/probe.js';
import { createSilentLogger } from '../lib/log.js';
import type { Point } from '../lib/protocol/ingest-batch.js';
import { startServe } from '../test/support/serve-process.js';
import { waitFor } from '../test/support/wait-for.js';
import { startWebhookReceiver } from '../test/support/webhook-receiver.js';
import { percentile } from './ingest-load.js';
import { prometheusAlertingUnavailable, startPrometheusAlerting } from './prometheus-alerting.js';
import { writeResultsSection } from './results-file.js';

const TRIALS = Number(process.env['SYNCWATCH_BENCH_TRIALS'] ?? 60);
const METRIC = 'bench_alert_lag_seconds';
const PROBE_INTERVAL_MS = 50;
const SECRET = 'bench-alert-latency-secret';
const BREACH = 100;
const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A probe whose value the bench sets; it stamps the moment it first returns a breaching value. */
class SwitchProbe implements Probe {
  readonly kind = 'bench';
  readonly name = 'bench-switch';
  readonly intervalMs = PROBE_INTERVAL_MS;
  pipeline = 'none';
  value = 0;
  observedAt: number | undefined;
  collect(): Promise<Point[]> {
    if (this.value >= BREACH && this.observedAt === undefined) this.observedAt = performance.now();
    return Promise.resolve([{ ts: Date.now(), metric: METRIC, labels: { pipeline: this.pipeline }, value: this.value }]);
  }
  /** A method, so that a read after an await is not narrowed to what was assigned before it. */
  observed(): number | undefined { return this.observedAt; }
  check(): Promise<{ ok: true }> { return Promise.resolve({ ok: true }); }
  close(): Promise<void> { return Promise.resolve(); }
}

interface Sample { readonly webhook: number; readonly ws?: number }

async function syncwatchPath(): Promise<Sample[]> {
  const dir = mkdtempSync(join(tmpdir(), 'sw-bench-latency-'));
  const receiver = await startWebhookReceiver({ secret: SECRET });
  const configFile = join(dir, 'syncwatch.yaml');
  writeFileSync(configFile, JSON.stringify({
    alerts: {
      rules: [{ kind: 'threshold', name: 'bench_lag_high', metric: METRIC, op: '>', threshold: 10, severity: 'critical' }],
      receivers: [{ name: 'bench', url: `${receiver.url}/hook`, secretEnv: 'SW_BENCH_HOOK_SECRET' }],
      route: { receivers: ['bench'], groupBy: ['alertname', 'pipeline'], groupWaitMs: 0, groupIntervalMs: 0 },
    },
  }));
  const serve = await startServe({ dataDir: join(dir, 'data'), localAgent: false, extraArgs: ['--config', configFile], env: { SW_BENCH_HOOK_SECRET: SECRET, SYNCWATCH_LOG_LEVEL: 'warn' } });
  const probe = new SwitchProbe();
  const agent = createAgent({
    collectorUrl: serve.url, token: serve.token, agentName: 'bench', spoolDir: join(dir, 'spool'), logger: createSilentLogger(),
    // The agent's own default batch delay (batchDelayMs, 100 ms): the latency users get without tuning.
    probes: [], probeInstances: [probe],
  });
  const wsArrivals = new Map<string, number>();
  const ws = new WebSocket(`${serve.url.replace('http', 'ws')}/ws`);
  ws.on('message', (raw: Buffer) => {
    const at = performance.now();
    const m = JSON.parse(raw.toString()) as { type: string; event?: string; alert?: { labels: Record<string, string> } };
    if (m.type === 'ready') ws.send(JSON.stringify({ type: 'subscribe', topics: ['alerts'] }));
    const pipeline = m.alert?.labels['pipeline'];
    if (m.type === 'alert' && m.event === 'firing' && pipeline !== undefined) wsArrivals.set(pipeline, at);
  });
  await new Promise((r) => ws.once('open', r));
  ws.send(JSON.stringify({ type: 'auth', token: serve.token }));
  const samples: Sample[] = [];
  try {
    await agent.start();
    const hookFor = (pipeline: string, status: string): number | undefined =>
      receiver.accepted().find((r) => { const p = r.json as { status: string; groupLabels: Record<string, string> }; return p.status === status && p.groupLabels['pipeline'] === pipeline; })?.at;
    for (let i = 0; i <= TRIALS; i++) {
      const pipeline = `trial-${i}`;
      await delay(Math.random() * PROBE_INTERVAL_MS);
      probe.observedAt = undefined;
      probe.pipeline = pipeline;
      probe.value = BREACH;
      const hook = await waitFor('firing webhook', () => hookFor(pipeline, 'firing'), { timeoutMs: 20_000, intervalMs: 2 });
      const wsAt = await waitFor('WebSocket alert', () => wsArrivals.get(pipeline), { timeoutMs: 20_000, intervalMs: 2 });
      const observed = probe.observed() ?? NaN;
      // Trial 0 warms up connections and JIT; it is not counted.
      if (i > 0) samples.push({ webhook: hook - observed, ws: wsAt - observed });
      probe.value = 0;
      await waitFor('resolved webhook', () => hookFor(pipeline, 'resolved'), { timeoutMs: 20_000, intervalMs: 5 });
    }
    if (!receiver.accepted().every((r) => r.signatureOk)) throw new Error('a webhook failed signature verification');
  } finally {
    ws.close();
    await agent.stop();
    await serve.stop();
    await receiver.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return samples;
}

async function prometheusPath(): Promise<Sample[]> {
  let trial = -1;
  let value = 0;
  let flippedAt = 0;
  const exporter = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' }).end(`# TYPE ${METRIC} gauge\n${METRIC}{trial="${trial}"} ${value}\n`);
  });
  await new Promise<void>((r) => exporter.listen(0, '127.0.0.1', r));
  const arrivals = new Map<string, number>();
  const hooks = createServer((req, res) => {
    const at = performance.now();
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString()) as { status: string; alerts: { labels: Record<string, string> }[] };
      for (const a of body.alerts) if (body.status === 'firing' && a.labels['trial'] !== undefined && !arrivals.has(a.labels['trial'])) arrivals.set(a.labels['trial'], at);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => hooks.listen(0, '127.0.0.1', r));
  const prom = await startPrometheusAlerting({
    target: `127.0.0.1:${(exporter.address() as AddressInfo).port}`,
    expr: `${METRIC} > 10`,
    alertName: 'BenchLagHigh',
    groupBy: ['alertname', 'trial'],
    webhookUrl: `http://127.0.0.1:${(hooks.address() as AddressInfo).port}/am`,
  });
  const samples: Sample[] = [];
  try {
    for (let i = 0; i <= TRIALS; i++) {
      // A random phase against the 1 s scrape and evaluation cycles.
      await delay(Math.random() * 1000);
      trial = i;
      value = BREACH;
      flippedAt = performance.now();
      const at = await waitFor('Alertmanager webhook', () => arrivals.get(String(i)), { timeoutMs: 30_000, intervalMs: 2 });
      if (i > 0) samples.push({ webhook: at - flippedAt });
      value = 0;
    }
  } finally {
    await prom.stop();
    exporter.close();
    hooks.close();
  }
  return samples;
}

const fmt = (ms: number): string => (Number.isFinite(ms) ? `${Math.round(ms)}` : '—');
const stats = (xs: readonly number[]): { median: number; p99: number; min: number; max: number } =>
  ({ median: percentile(xs, 50), p99: percentile(xs, 99), min: Math.min(...xs), max: Math.max(...xs) });

const loads: number[] = [loadavg()[0] ?? 0];
const started = performance.now();
const sw = await syncwatchPath();
loads.push(loadavg()[0] ?? 0);
const unavailable = prometheusAlertingUnavailable();
const prom = unavailable === undefined ? await prometheusPath() : [];
loads.push(loadavg()[0] ?? 0);
const swHook = stats(sw.map((s) => s.webhook));
const swWs = stats(sw.map((s) => s.ws ?? NaN));
const pm = stats(prom.map((s) => s.webhook));
const row = (path: string, delivery: string, s: ReturnType<typeof stats>, n: number): string =>
  `| ${path} | ${delivery} | ${n} | ${fmt(s.median)} | ${fmt(s.p99)} | ${fmt(s.min)} | ${fmt(s.max)} |`;
const body = `From the agent observing a breaching value to the notification's arrival, one new alert per trial, random phase.
syncwatch: a real agent in the bench process (a probe polled every ${PROBE_INTERVAL_MS} ms whose value the bench switches; the
moment its collect() first returns the breach is "observed"), its spool at the agent's default \`batchDelayMs\` (100 ms)
and shipper, \`syncwatch serve\` as a child process with one threshold rule and one signed
webhook receiver (groupWaitMs 0), a local HTTP receiver and a WebSocket client subscribed to \`alerts\`.
Reference: Prometheus + Alertmanager (Debian packages) at their fastest settings — scrape and evaluation every 1 s, \`for: 0s\`,
group_wait 0s — scraping a tiny exporter served by the bench; "observed" = the exporter's value switching.
Trial 0 of each path is a warm-up. ${TRIALS} trials per path; load average ${loads.map((l) => l.toFixed(1)).join(' → ')} on 2 cores
(shared machine); ${Math.round((performance.now() - started) / 1000)} s in all. \`node --import tsx bench/alert-latency.bench.ts\` (\`SYNCWATCH_BENCH_TRIALS\`).

| path | delivery | trials | median (ms) | p99 (ms) | min (ms) | max (ms) |
|---|---|---|---|---|---|---|
${row('syncwatch', 'webhook (signed, via outbox)', swHook, sw.length)}
${row('syncwatch', 'WebSocket message', swWs, sw.length)}
${unavailable === undefined ? row('Prometheus + Alertmanager', 'webhook', pm, prom.length) : `| Prometheus + Alertmanager | webhook | — | not run: ${unavailable} | | | |`}

Goal: median < 250 ms and p99 < 1 s, faster than the Prometheus path. syncwatch webhook: median ${fmt(swHook.median)} ms,
p99 ${fmt(swHook.p99)} ms; WebSocket: median ${fmt(swWs.median)} ms, p99 ${fmt(swWs.p99)} ms${unavailable === undefined ? `; the Prometheus path's median is
${(pm.median / swHook.median).toFixed(1)}× the syncwatch webhook's and ${(pm.median / swWs.median).toFixed(1)}× its WebSocket's` : ''}.`;
console.log(`\n${body}`);
writeResultsSection('alert latency (`bench/alert-latency.bench.ts`)', body);
