// End to end: the alerts view against `syncwatch serve` with a threshold rule — a breach listed as firing,
// acknowledged and silenced from the UI (admin), the silence expired again, the history of transitions, and a
// viewer token that sees everything but gets no buttons. Leaves docs/alerts.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { DOCS_DIR, apiGet, ingest, lagPoint, openDashboard, signIn, writeAlertConfig, type DashboardPage } from '../support/dashboard-e2e.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const RULES = [
  { kind: 'threshold', name: 'heartbeat_lag_high', metric: 'heartbeat_lag_seconds', op: '>', threshold: 10, severity: 'critical', annotations: { summary: '{{ $labels.pipeline }} is {{ $value }} s behind' } },
  { kind: 'threshold', name: 'offset_lag_high', metric: 'redis_replica_offset_lag_bytes', op: '>', threshold: 1e6, severity: 'warning' },
];
const VIEWER_TOKEN = 'sw_viewer_e2e-alerts-view-only-token';
const row = (rule: string): string => `[data-testid="active-alerts"] [data-testid="alert-row"][data-rule="${rule}"]`;

interface AlertView { id: string; rule: string; state: string; acknowledgedBy: string | null; silencedBy: string[] }

let serve: ServeProcess;
let browser: Browser;
let dir: string;
let dash: DashboardPage;
let page: Page;

describe('dashboard alerts view: serve + headless Chromium', { timeout: 90_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sw-e2e-alerts-'));
    [serve, browser] = await Promise.all([
      startServe({ dataDir: join(dir, 'data'), localAgent: false, extraArgs: ['--config', writeAlertConfig(dir, RULES)], env: { SYNCWATCH_VIEWER_TOKEN: VIEWER_TOKEN } }),
      launchBrowser(),
    ]);
    const now = Date.now();
    await ingest(serve, [
      lagPoint('orders-e2e', 'heartbeat_lag_seconds', now - 2000, 1.5, 'db-1'),
      lagPoint('orders-e2e', 'heartbeat_lag_seconds', now - 1000, 25, 'db-1'),
      lagPoint('cache-e2e', 'redis_replica_offset_lag_bytes', now - 1000, 5e6, 'cache-1', { replica: '127.0.0.1:6380' }),
    ]);
    await waitFor('two firing alerts', async () => (await apiGet<{ alerts: AlertView[] }>(serve, '/api/v1/alerts')).alerts.filter((a) => a.state === 'firing').length === 2);
    dash = await openDashboard(browser, `${serve.url}/#/alerts`);
    page = dash.page;
  });

  after(async () => {
    await browser.close();
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists firing alerts with state, severity, labels and summary, and the history of transitions', async () => {
    await signIn(page, serve.token);
    await page.locator(row('heartbeat_lag_high')).waitFor({ timeout: 5_000 });
    assert.equal(await page.locator('[data-testid="active-alerts"] [data-testid="alert-row"]').count(), 2);
    // Critical first; the state is a word and a symbol, not only a colour.
    assert.equal(await page.locator('[data-testid="active-alerts"] [data-testid="alert-row"]').first().getAttribute('data-rule'), 'heartbeat_lag_high');
    const text = await page.locator(row('heartbeat_lag_high')).innerText();
    assert.match(text, /▲\s*FIRING/);
    assert.match(text, /critical/);
    assert.match(text, /orders-e2e is 25 s behind/);
    assert.match(text, /pipeline=orders-e2e/);
    await waitFor('two "firing" events in the history', async () => (await page.locator('[data-testid="history-row"][data-event="firing"]').count()) === 2);
    assert.match(await page.getByTestId('alert-counts').innerText(), /2 firing/);
  });

  it('acknowledges an alert from the UI', async () => {
    await page.locator(row('heartbeat_lag_high')).getByRole('button', { name: 'Acknowledge heartbeat_lag_high' }).click();
    await waitFor('the row to say who acknowledged', async () => (await page.locator(`${row('heartbeat_lag_high')} [data-testid="ack-cell"]`).innerText()).includes('by '));
    assert.equal(await page.locator(row('heartbeat_lag_high')).getByRole('button', { name: /^Acknowledge/ }).count(), 0, 'no second acknowledgement');
    await waitFor('an "acknowledged" event in the history', async () => (await page.locator('[data-testid="history-row"][data-event="acknowledged"]').count()) === 1);
    const stored = await apiGet<{ alerts: AlertView[] }>(serve, '/api/v1/alerts');
    assert.ok(stored.alerts.find((a) => a.rule === 'heartbeat_lag_high')?.acknowledgedBy, 'the collector stored the acknowledgement');
    // The overview tile says it too.
    await page.keyboard.press('o');
    await waitFor('the tile to say acknowledged', async () => (await page.locator('[data-testid="pipeline-tile"][data-pipeline="orders-e2e"] [data-testid="tile-state"]').innerText()).includes('acknowledged'));
    await page.keyboard.press('a');
  });

  it('silences an alert from the UI, then expires the silence', async () => {
    await page.locator(row('offset_lag_high')).getByRole('button', { name: 'Silence offset_lag_high' }).click();
    const dialog = page.getByTestId('silence-dialog');
    await dialog.waitFor();
    const matchers = await dialog.getByLabel(/Matchers/).inputValue();
    assert.match(matchers, /^alertname="offset_lag_high"$/m);
    assert.match(matchers, /^pipeline="cache-e2e"$/m);
    await dialog.getByLabel('Duration').selectOption({ label: '4 hours' });
    await dialog.getByLabel('Comment').fill('replica resync in progress');
    await dialog.getByRole('button', { name: 'Create silence' }).click();
    await waitFor('the silence in the list', async () => (await page.getByTestId('silence-row').count()) === 1);
    assert.match(await page.getByTestId('silence-row').innerText(), /replica resync in progress/);
    await waitFor('the alert marked silenced', async () => (await page.locator(`${row('offset_lag_high')} [data-testid="ack-cell"]`).innerText()).includes('silenced'));
    const alerts = await apiGet<{ alerts: AlertView[] }>(serve, '/api/v1/alerts');
    assert.equal(alerts.alerts.find((a) => a.rule === 'offset_lag_high')?.silencedBy.length, 1);
    mkdirSync(DOCS_DIR, { recursive: true });
    await page.screenshot({ path: join(DOCS_DIR, 'alerts.png'), fullPage: true });

    await page.getByTestId('silence-row').getByRole('button', { name: 'Expire' }).click();
    await waitFor('no active silence', async () => (await page.getByTestId('silence-row').count()) === 0);
    await waitFor('the alert no longer silenced', async () => !(await page.locator(`${row('offset_lag_high')} [data-testid="ack-cell"]`).innerText()).includes('silenced'));
  });

  it('shows a resolved alert under "recently resolved" as soon as the lag recovers', async () => {
    await ingest(serve, [lagPoint('orders-e2e', 'heartbeat_lag_seconds', Date.now(), 0.5, 'db-1')]);
    await page.locator('[data-testid="resolved-alerts"] [data-testid="alert-row"][data-rule="heartbeat_lag_high"]').waitFor({ timeout: 2_000 });
    assert.equal(await page.locator(row('heartbeat_lag_high')).count(), 0);
    await waitFor('a "resolved" event in the history', async () => (await page.locator('[data-testid="history-row"][data-event="resolved"]').count()) === 1);
  });

  it('gives a viewer token the same lists but no acknowledge or silence buttons', async () => {
    const viewer = await openDashboard(browser, `${serve.url}/#/alerts`);
    await signIn(viewer.page, VIEWER_TOKEN);
    await viewer.page.locator(row('offset_lag_high')).waitFor({ timeout: 5_000 });
    assert.equal(await viewer.page.locator('[data-testid="active-alerts"] button').count(), 0);
    assert.match(await viewer.page.locator('.note').innerText(), /need an admin token/);
    assert.deepEqual(viewer.errors, []);
    await viewer.close();
  });

  it('raised no uncaught error in the page', () => {
    assert.deepEqual(dash.errors, []);
  });
});
