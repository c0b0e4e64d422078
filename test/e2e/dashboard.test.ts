// End to end: `syncwatch serve` (collector + embedded chdb + local agent) as a child process, and the dashboard's
// hosts view (#/hosts) in headless Chromium: sign-in, history, live WebSocket updates without a reload, the agent's
// own host, reconnect after a collector crash with the gap filled, and a refused token. Leaves docs/dashboard.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { newBatchId } from '../../lib/ids.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { launchBrowser } from '../support/browser.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const SCREENSHOT = join(ROOT, 'docs', 'dashboard.png');
/** Synthetic points go to their own host, so the agent's real host shows only real data (and the screenshot too). */
const SYNTHETIC_HOST = 'e2e-synthetic';

const hostPanel = (host: string): string => `[data-testid="host-panel"][data-host="${host}"]`;
const chart = (host: string, panel: string): string => `${hostPanel(host)} [data-testid="chart-${panel}"]`;
const AGENT_PANEL = `[data-testid="host-panel"]:not([data-host="${SYNTHETIC_HOST}"])`;

let serve: ServeProcess;
let browser: Browser;
let dataDir: string;
const pageErrors: string[] = [];

async function ingest(points: Point[]): Promise<void> {
  const response = await fetch(`${serve.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agent: 'e2e-test', batchId: newBatchId('e2e-test'), points }),
  });
  assert.equal(response.status, 200, `ingest answered ${response.status}: ${await response.text()}`);
}

const cpuPoint = (ts: number, value: number): Point => ({ ts, metric: 'host_cpu_percent', labels: { host: SYNTHETIC_HOST }, value });

async function attr(page: Page, selector: string, name: string): Promise<string | null> {
  return page.locator(selector).first().getAttribute(name, { timeout: 1_000 });
}

async function pointCount(page: Page, selector: string): Promise<number> {
  return Number((await attr(page, selector, 'data-points')) ?? 0);
}

/** A page whose main-frame navigations are counted and whose uncaught errors are collected. */
async function openPage(): Promise<{ page: Page; navigations: () => number }> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  let navigations = 0;
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) navigations += 1; });
  page.on('pageerror', (err) => { pageErrors.push(err.message); });
  await page.goto(`${serve.url}/#/hosts`);
  return { page, navigations: () => navigations };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('dashboard: serve + headless Chromium', { timeout: 150_000 }, () => {
  let page: Page;
  let navigations: () => number;

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'sw-e2e-'));
    [serve, browser] = await Promise.all([startServe({ dataDir }), launchBrowser()]);
    // History for the page's first load: five synthetic CPU points over the last four minutes.
    const now = Date.now();
    await ingest([0, 1, 2, 3, 4].map((i) => cpuPoint(now - (4 - i) * 60_000, 20 + i)));
    // An acknowledgement means durable in the collector's WAL; the page reads history once it is in ClickHouse.
    await waitFor('the 5 history points to be queryable', async () => {
      const res = await fetch(`${serve.url}/api/v1/series?metric=host_cpu_percent&host=${SYNTHETIC_HOST}`, { headers: { authorization: `Bearer ${serve.token}` } });
      const body = (await res.json()) as { series: { points: unknown[] }[] };
      return body.series[0]?.points.length === 5;
    });
    ({ page, navigations } = await openPage());
  });

  after(async () => {
    await browser.close();
    await serve.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('signs in and shows the last 15 minutes from the series API', async () => {
    await signIn(page, serve.token);
    await waitFor('the synthetic host CPU chart to show its 5 history points', async () => (await pointCount(page, chart(SYNTHETIC_HOST, 'cpu'))) === 5);
    assert.equal(await attr(page, chart(SYNTHETIC_HOST, 'cpu'), 'data-last-value'), '24');
    assert.equal(await page.evaluate(() => sessionStorage.getItem('syncwatch.token')), serve.token);
    assert.ok(!page.url().includes(serve.token), 'the token must never appear in the URL');
    await waitFor('the status to say Live', async () => (await attr(page, '[data-testid="connection-status"]', 'data-state')) === 'live');
    assert.match(await page.getByTestId('connection-status').innerText(), /Live/);
  });

  it('applies a new point from the WebSocket without reloading the page', async () => {
    await page.evaluate(() => { (window as unknown as Record<string, unknown>)['e2eMarker'] = 'still here'; });
    const before = await pointCount(page, chart(SYNTHETIC_HOST, 'cpu'));
    await ingest([cpuPoint(Date.now(), 87.25)]);
    await waitFor('the pushed value 87.25 on the CPU chart', async () => (await attr(page, chart(SYNTHETIC_HOST, 'cpu'), 'data-last-value')) === '87.25', { timeoutMs: 5_000 });
    assert.equal(await pointCount(page, chart(SYNTHETIC_HOST, 'cpu')), before + 1);
    assert.match(await page.locator(`${chart(SYNTHETIC_HOST, 'cpu')} [data-testid="latest-value"]`).innerText(), /87\.3 %/);
    assert.equal(navigations(), 1, 'the page navigated after the first load');
    assert.equal(await page.evaluate(() => (window as unknown as Record<string, unknown>)['e2eMarker']), 'still here');
  });

  it("shows the local agent's own host metrics as they arrive", async () => {
    // Memory comes from the agent alone; CPU needs two /proc samples (one probe interval) before its first point.
    for (const panel of ['memory', 'load1', 'cpu', 'filesystem']) {
      await waitFor(`the agent's ${panel} chart to get points`, async () => (await pointCount(page, `${AGENT_PANEL} [data-testid="chart-${panel}"]`)) > 0, { timeoutMs: 30_000 });
    }
    const host = await attr(page, AGENT_PANEL, 'data-host');
    assert.ok(host !== null && host !== '');
    const cpu = Number(await attr(page, chart(host, 'cpu'), 'data-last-value'));
    assert.ok(cpu >= 0 && cpu <= 100, `CPU busy ${cpu} is a percentage`);
    // Two CPU points make a line rather than a dot in the screenshot; the agent samples every 5 s.
    await waitFor("the agent's second CPU point", async () => (await pointCount(page, chart(host, 'cpu'))) >= 2, { timeoutMs: 15_000 });
    await page.locator(AGENT_PANEL).evaluate((el) => { el.scrollIntoView(); });
    mkdirSync(join(ROOT, 'docs'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    assert.equal(navigations(), 1);
  });

  it('says "reconnecting…" when the collector dies and fills the gap once it is back', async () => {
    const port = serve.port;
    await serve.kill9();
    await waitFor('the reconnecting status', async () => (await attr(page, '[data-testid="connection-status"]', 'data-state')) === 'reconnecting', { timeoutMs: 5_000 });
    assert.match(await page.getByTestId('connection-status').innerText(), /reconnecting…/);
    const restarting = Date.now();
    serve = await startServe({ dataDir, port });
    const restartMs = Date.now() - restarting;
    console.log(`collector restarted in ${restartMs} ms`);
    // Stored right after the restart, most likely before the page's next retry: only the refetch can bring it.
    await ingest([cpuPoint(Date.now(), 55.5)]);
    // The page's retries back off (1, 2, 4, 8, 16 s, each 50–100 %) while the collector is down, so a slow restart
    // can put its next attempt up to ~16 s after the collector is back; the wait allows for that, and says where the
    // page stood if it still times out.
    await waitFor('the point stored during the outage to appear', async () => (await attr(page, chart(SYNTHETIC_HOST, 'cpu'), 'data-last-value')) === '55.5', { timeoutMs: 40_000 })
      .catch(async (err: unknown) => {
        const status = await page.getByTestId('connection-status').innerText().catch(() => '?');
        throw new Error(`${err instanceof Error ? err.message : String(err)} (restart took ${restartMs} ms; status: ${status})`);
      });
    await waitFor('the status to be live again', async () => (await attr(page, '[data-testid="connection-status"]', 'data-state')) === 'live', { timeoutMs: 5_000 });
    // The refetch after a reconnect covers the whole window again: overlapping points must replace, not add.
    assert.equal(await pointCount(page, chart(SYNTHETIC_HOST, 'cpu')), 5 + 1 + 1);
    assert.equal(navigations(), 1);
  });

  it('rejects a wrong token with a clear message and keeps nothing', async () => {
    const other = await openPage();
    await signIn(other.page, 'sw_admin_this-token-does-not-exist');
    const error = other.page.getByTestId('sign-in-error');
    await waitFor('the sign-in error', async () => ((await error.innerText()).includes('refused this token') ? true : undefined), { timeoutMs: 5_000 });
    assert.match(await error.innerText(), /unknown bearer token/);
    assert.equal(await other.page.evaluate(() => sessionStorage.getItem('syncwatch.token')), null);
    assert.equal(await other.page.locator('[data-testid="host-panel"]').count(), 0);
    await other.page.context().close();
  });

  it('raised no uncaught error in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
