// Dashboard benchmark: the overview in headless Chromium with 200 pipelines and 50 hosts, each pipeline updated once
// a second over the WebSocket for a minute — frame time (requestAnimationFrame deltas) and JS heap at start and
// end — next to a reference measured in the same run: the same page, same data, idle for as long.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CDPSession, Page } from 'playwright-core';
import type { Point } from '../lib/protocol/ingest-batch.js';
import { launchBrowser } from '../test/support/browser.js';
import { apiGet, ingest, openDashboard, signIn } from '../test/support/dashboard-e2e.js';
import { startServe, type ServeProcess } from '../test/support/serve-process.js';
import { waitFor } from '../test/support/wait-for.js';
import { writeResultsSection } from './results-file.js';

const SECONDS = Number(process.env['SYNCWATCH_BENCH_SECONDS'] ?? 60);
const PIPELINES = 200;
const HOSTS = 50;
/** Each second's updates go out in this many batches (as several agents would send them). */
const BATCHES_PER_SECOND = 5;
const KINDS = ['heartbeat_lag_seconds', 'mysql_heartbeat_lag_seconds', 'pg_replay_lag_seconds', 'kafka_consumer_time_lag_seconds', 'redis_replica_offset_lag_bytes'];
const HOST_METRICS = ['host_cpu_percent', 'host_memory_used_percent', 'host_filesystem_used_percent', 'host_load1', 'host_disk_read_bytes_per_second', 'host_disk_write_bytes_per_second', 'host_network_receive_bytes_per_second', 'host_network_transmit_bytes_per_second'];

const pipelineName = (i: number): string => `pipe-${String(i).padStart(3, '0')}`;
const lagOf = (i: number, t: number): number => Math.round((2 + Math.abs(Math.sin(t / 20_000 + i)) * 10) * 1000) / 1000;

function pipelinePoint(i: number, ts: number): Point {
  return { ts, metric: KINDS[i % KINDS.length] ?? 'heartbeat_lag_seconds', labels: { pipeline: pipelineName(i), host: `host-${String(i % HOSTS).padStart(2, '0')}` }, value: lagOf(i, ts) };
}

function hostPoints(ts: number): Point[] {
  const points: Point[] = [];
  for (let h = 0; h < HOSTS; h++) for (const metric of HOST_METRICS) points.push({ ts, metric, labels: { host: `host-${String(h).padStart(2, '0')}` }, value: (h * 7 + metric.length) % 100 });
  return points;
}

/** Fifteen minutes of history: one point per pipeline every 15 s, and the hosts' figures. */
async function seed(serve: ServeProcess, now: number): Promise<void> {
  for (let k = 59; k >= 0; k--) {
    const ts = now - k * 15_000;
    await ingest(serve, Array.from({ length: PIPELINES }, (_, i) => pipelinePoint(i, ts)), 'bench-seed');
  }
  await ingest(serve, hostPoints(now), 'bench-seed');
  await waitFor(`${PIPELINES} pipelines stored`, async () => (await apiGet<{ pipelines: unknown[] }>(serve, '/api/v1/pipelines')).pipelines.length === PIPELINES, { timeoutMs: 60_000 });
}

interface Phase { readonly name: string; readonly frames: number[]; readonly heapStart: number; readonly heapEnd: number; readonly seconds: number }

async function heapUsed(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  return (await cdp.send('Runtime.getHeapUsage')).usedSize;
}

/** Records requestAnimationFrame deltas in the page while `during` runs. */
async function measure(page: Page, cdp: CDPSession, name: string, during: () => Promise<void>): Promise<Phase> {
  const heapStart = await heapUsed(cdp);
  // A string, not a function: tsx would wrap named inner functions in a helper the page does not have.
  await page.evaluate(`(() => {
    window.benchDeltas = [];
    window.benchStop = false;
    let last = 0;
    const tick = (t) => {
      window.benchDeltas.push(t - last);
      last = t;
      if (!window.benchStop) requestAnimationFrame(tick);
    };
    requestAnimationFrame((t) => { last = t; requestAnimationFrame(tick); });
  })()`);
  const t0 = Date.now();
  await during();
  const frames = await page.evaluate(() => {
    const w = window as unknown as { benchDeltas: number[]; benchStop: boolean };
    w.benchStop = true;
    return w.benchDeltas;
  });
  return { name, frames, heapStart, heapEnd: await heapUsed(cdp), seconds: (Date.now() - t0) / 1000 };
}

/** 200 pipelines × 1 update/s (in BATCHES_PER_SECOND batches), hosts every 5 s, for SECONDS. */
async function drive(serve: ServeProcess): Promise<number> {
  const start = Date.now();
  let sent = 0;
  for (let tick = 0; Date.now() - start < SECONDS * 1000; tick++) {
    const due = start + tick * (1000 / BATCHES_PER_SECOND);
    if (due > Date.now()) await new Promise((r) => setTimeout(r, due - Date.now()));
    const slice = tick % BATCHES_PER_SECOND;
    const points: Point[] = [];
    for (let i = slice; i < PIPELINES; i += BATCHES_PER_SECOND) points.push(pipelinePoint(i, Date.now()));
    if (tick % (5 * BATCHES_PER_SECOND) === 0) points.push(...hostPoints(Date.now()));
    await ingest(serve, points, `bench-agent-${slice}`);
    sent += points.length;
  }
  return sent;
}

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length - 1) * p))] ?? Number.NaN;
}

function row(phase: Phase): { cells: string[]; p95: number } {
  const sorted = [...phase.frames].sort((a, b) => a - b);
  const p95 = percentile(sorted, 0.95);
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(1);
  const cells = [
    phase.name, String(Math.round(phase.seconds)), String(sorted.length), (sorted.length / phase.seconds).toFixed(1),
    percentile(sorted, 0.5).toFixed(1), p95.toFixed(1), percentile(sorted, 0.99).toFixed(1), (sorted.at(-1) ?? Number.NaN).toFixed(1),
    String(sorted.filter((d) => d > 50).length), mb(phase.heapStart), mb(phase.heapEnd),
  ];
  return { cells, p95 };
}

const dir = mkdtempSync(join(tmpdir(), 'sw-bench-dashboard-'));
const [serve, browser] = await Promise.all([startServe({ dataDir: join(dir, 'data'), localAgent: false }), launchBrowser()]);
try {
  await seed(serve, Date.now());
  const dash = await openDashboard(browser, `${serve.url}/#/overview`);
  const page = dash.page;
  await signIn(page, serve.token);
  await waitFor(`${PIPELINES} tiles`, async () => (await page.locator('[data-testid="pipeline-tile"]').count()) === PIPELINES, { timeoutMs: 30_000 });
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('HeapProfiler.enable');

  const idle = await measure(page, cdp, 'idle page (reference)', () => new Promise((r) => setTimeout(r, SECONDS * 1000)));
  let sent = 0;
  const load = await measure(page, cdp, `${PIPELINES} pipelines × 1 update/s + ${HOSTS} hosts`, async () => { sent = await drive(serve); });

  // Every tile must show the newest value sent for it: updates were applied, not dropped.
  await waitFor('every tile to show its newest value', async () => {
    const shown = await page.locator('[data-testid="pipeline-tile"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['lag'] ?? ''));
    return shown.every((v) => v !== '') ? true : undefined;
  }, { timeoutMs: 10_000 });
  if (dash.errors.length > 0) throw new Error(`page errors: ${dash.errors.join('; ')}`);

  const a = row(idle);
  const b = row(load);
  const header = '| phase | s | frames | fps | frame p50 (ms) | p95 (ms) | p99 (ms) | max (ms) | frames > 50 ms | JS heap start (MB) | JS heap end (MB) |\n|---|---|---|---|---|---|---|---|---|---|---|';
  const body = [
    `Overview at 1280×720 in headless Chromium (Debian package, software rendering), ${PIPELINES} pipeline tiles with 15-minute sparklines and ${HOSTS} host cards; live points over the WebSocket from \`syncwatch serve\` (chdb) on the same 2-core machine.`,
    `Load: every pipeline gets one lag point per second (${BATCHES_PER_SECOND} batches/s) and every host 8 metrics every 5 s; ${sent.toLocaleString('en-US')} points in ${Math.round(load.seconds)} s. Reference: the same page, same data, idle for as long, measured just before.`,
    'Frame time = requestAnimationFrame deltas; JS heap = CDP `Runtime.getHeapUsage` after a forced GC.',
    `\`node --import tsx bench/dashboard.bench.ts\` (duration per phase: \`SYNCWATCH_BENCH_SECONDS\`, default 60).`,
    '',
    header,
    `| ${a.cells.join(' | ')} |`,
    `| ${b.cells.join(' | ')} |`,
    '',
    `Frame p95 under load / idle: **${(b.p95 / a.p95).toFixed(2)}**; heap growth over the load minute: ${((load.heapEnd - load.heapStart) / 1024 / 1024).toFixed(1)} MB.`,
  ].join('\n');
  console.log(body);
  writeResultsSection('dashboard (`bench/dashboard.bench.ts`)', body);
  await dash.close();
} finally {
  await browser.close();
  await serve.stop();
  rmSync(dir, { recursive: true, force: true });
}
