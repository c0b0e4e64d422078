// End to end: the overview survives a collector crash. `serve` is killed with SIGKILL and restarted on the same
// port and data; points an agent replays for the outage, and an alert that fires before the page is back, must
// show on the tile once the page has reconnected — every sparkline bucket present, the tile in the alert colour.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { launchBrowser } from '../support/browser.js';
import { apiGet, attr, ingest, lagPoint, openDashboard, signIn, writeAlertConfig, type DashboardPage } from '../support/dashboard-e2e.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const PIPELINE = 'orders-reconnect';
const TILE = `[data-testid="pipeline-tile"][data-pipeline="${PIPELINE}"]`;
const STEP = 15_000;
const RULE = { kind: 'threshold', name: 'heartbeat_lag_high', metric: 'heartbeat_lag_seconds', op: '>', threshold: 30, severity: 'critical' };

let serve: ServeProcess;
let browser: Browser;
let dir: string;
let dash: DashboardPage;
let page: Page;
/** Every point stored for the pipeline, to count the sparkline buckets it must show. */
const sent: Point[] = [];

async function send(points: Point[]): Promise<void> {
  await ingest(serve, points);
  sent.push(...points);
}

const bucketsOf = (points: readonly Point[]): number => new Set(points.map((p) => Math.floor(p.ts / STEP))).size;
const state = async (): Promise<string | null> => attr(page, '[data-testid="connection-status"]', 'data-state');

describe('dashboard reconnect: kill -9 and restart serve', { timeout: 150_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sw-e2e-reconnect-'));
    const config = writeAlertConfig(dir, [RULE]);
    [serve, browser] = await Promise.all([startServe({ dataDir: join(dir, 'data'), localAgent: false, extraArgs: ['--config', config] }), launchBrowser()]);
    const now = Date.now();
    // Five minutes of history, one point per sparkline bucket.
    await send(Array.from({ length: 20 }, (_, i) => lagPoint(PIPELINE, 'heartbeat_lag_seconds', now - (19 - i) * STEP, 2 + (i % 3), 'db-1')));
    await waitFor('the history to be queryable', async () => (await apiGet<{ pipelines: unknown[] }>(serve, '/api/v1/pipelines')).pipelines.length === 1);
    dash = await openDashboard(browser, `${serve.url}/`);
    page = dash.page;
    await signIn(page, serve.token);
  });

  after(async () => {
    await browser.close();
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the history before the crash', async () => {
    await waitFor('every history bucket on the sparkline', async () => Number(await attr(page, TILE, 'data-spark-buckets')) === bucketsOf(sent));
    assert.equal(await attr(page, TILE, 'data-state'), 'ok');
  });

  it('says "reconnecting…" while the collector is down, then fills what it missed', async () => {
    const killedAt = Date.now();
    const port = serve.port;
    await serve.kill9();
    await waitFor('the reconnecting status', async () => (await state()) === 'reconnecting', { timeoutMs: 5_000 });
    assert.match(await page.getByTestId('connection-status').innerText(), /reconnecting…/);

    const restarting = Date.now();
    serve = await startServe({ dataDir: serve.dataDir, port, localAgent: false, extraArgs: ['--config', join(dir, 'syncwatch.yaml')] });
    const restartMs = Date.now() - restarting;
    console.log(`collector restarted in ${restartMs} ms`);
    // What an agent's spool replays after an outage: one point per second of it (old timestamps), then a breach.
    // The page is most likely still waiting for its next retry: only the refetch after reconnecting can bring these.
    const outage: Point[] = [];
    for (let ts = killedAt + 1000; ts < Date.now(); ts += 1000) outage.push(lagPoint(PIPELINE, 'heartbeat_lag_seconds', ts, 5, 'db-1'));
    await send(outage);
    await send([lagPoint(PIPELINE, 'heartbeat_lag_seconds', Date.now(), 77, 'db-1')]);

    // The page's retries back off (1, 2, 4, 8, 16 s, each 50–100 %) while the collector is down: after a slow restart
    // its next attempt can come ~16 s later. The wait allows for that and says where the page stood if it times out.
    await waitFor('the tile to show the breach', async () => (await attr(page, TILE, 'data-lag')) === '77', { timeoutMs: 40_000 })
      .catch(async (err: unknown) => {
        const status = await page.getByTestId('connection-status').innerText().catch(() => '?');
        throw new Error(`${err instanceof Error ? err.message : String(err)} (restart took ${restartMs} ms; status: ${status})`);
      });
    await waitFor('the tile in the alert colour', async () => (await attr(page, TILE, 'data-state')) === 'firing', { timeoutMs: 5_000 });
    await waitFor('every bucket, the outage included', async () => Number(await attr(page, TILE, 'data-spark-buckets')) === bucketsOf(sent), { timeoutMs: 5_000 });
    await waitFor('the status to be live again', async () => (await state()) === 'live', { timeoutMs: 5_000 });
    assert.match(await page.getByTestId('connection-status').innerText(), /reconnected/);
    assert.equal(await page.getByTestId('firing-count').getAttribute('data-count'), '1');
  });

  it('keeps receiving live points after the reconnect', async () => {
    await send([lagPoint(PIPELINE, 'heartbeat_lag_seconds', Date.now() + 1, 81.5, 'db-1')]);
    await waitFor('the live point', async () => (await attr(page, TILE, 'data-lag')) === '81.5', { timeoutMs: 5_000 });
  });

  it('raised no uncaught error in the page', () => {
    assert.deepEqual(dash.errors, []);
  });
});
