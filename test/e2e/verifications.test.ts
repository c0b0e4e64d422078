// End to end: `syncwatch serve` verifying pairs between two real PostgreSQL databases, and the dashboard in headless
// Chromium — a run triggered through the API shows its verdict on the tile; an admin's "verify now" on the pipeline
// view runs a pair with planted differences, the history and the tile say "drift" in words, and the diff viewer
// pages through exactly the planted differences, filtered by kind and class with the keyboard. A viewer sees no
// "verify now". Leaves docs/verification.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { generateToken } from '../../lib/auth/tokens.js';
import { launchBrowser } from '../support/browser.js';
import { DOCS_DIR, apiGet, attr, ingest, lagPoint, openDashboard, signIn, type DashboardPage } from '../support/dashboard-e2e.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const ROWS = 400;
/** Planted in the target: rows deleted (missing), a row added (extra), rows with another amount (changed). */
const MISSING = [7, 8];
const EXTRA = [ROWS + 1];
const CHANGED = Array.from({ length: 60 }, (_, i) => 101 + i);
const PLANTED = MISSING.length + EXTRA.length + CHANGED.length;
const tile = (name: string): string => `[data-testid="pipeline-tile"][data-pipeline="${name}"]`;

let source: TempDatabase;
let target: TempDatabase;
let serve: ServeProcess;
let browser: Browser;
let dir: string;
let dash: DashboardPage;
let page: Page;
const viewerToken = generateToken('viewer');

async function post(path: string, body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${serve.url}${path}`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function finishedRun(id: string): Promise<Record<string, unknown>> {
  return waitFor(`run ${id} to finish`, async () => {
    const { run } = await apiGet<{ run: Record<string, unknown> }>(serve, `/api/v1/verifications/${id}`);
    return run['status'] === 'running' ? undefined : run;
  }, { timeoutMs: 30_000, intervalMs: 200 });
}

describe('dashboard verification views: serve verifying real PostgreSQL pairs + headless Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sw-e2e-verify-'));
    [source, target] = await Promise.all([createTempPgDatabase('sw_e2e_src'), createTempPgDatabase('sw_e2e_dst')]);
    for (const db of [source, target]) {
      await withPgClient(db.url, async (c) => {
        for (const table of ['orders', 'customers']) {
          await c.query(`CREATE TABLE ${table} (id integer PRIMARY KEY, name text NOT NULL, amount numeric(12,2))`);
          await c.query(`INSERT INTO ${table} SELECT g, 'row ' || g, g * 1.25 FROM generate_series(1, ${ROWS}) g`);
        }
      });
    }
    await withPgClient(target.url, async (c) => {
      await c.query(`DELETE FROM orders WHERE id = ANY($1)`, [MISSING]);
      await c.query(`INSERT INTO orders VALUES (${EXTRA[0] ?? 0}, 'stray', 1)`);
      await c.query(`UPDATE orders SET amount = amount + 1 WHERE id = ANY($1)`, [CHANGED]);
    });
    // Never on schedule during the test (1 January, midnight): every run here is started through the API.
    const pair = (name: string, table: string) => ({ name, pipeline: name, source: { url: source.url, table }, target: { url: target.url, table }, schedule: '0 0 1 1 *', chunkRows: 50, graceSeconds: 0.2, recheckRounds: 1 });
    const config = join(dir, 'syncwatch.yaml');
    // broken-eu's target table does not exist: its runs fail, and the page must say so in words.
    const broken = { ...pair('broken-eu', 'customers'), target: { url: target.url, table: 'no_such_table' } };
    writeFileSync(config, JSON.stringify({ verification: { pairs: [pair('orders-eu', 'orders'), pair('customers-eu', 'customers'), broken] } }, null, 2));
    [serve, browser] = await Promise.all([
      startServe({ dataDir: join(dir, 'data'), extraArgs: ['--config', config], env: { SYNCWATCH_VIEWER_TOKEN: viewerToken } }),
      launchBrowser(),
    ]);
    // orders-eu reports a small replication lag, as its probe would, and so does a pipeline no pair verifies;
    // customers-eu and broken-eu report nothing: their tiles come from their verifications alone.
    const now = Date.now();
    await ingest(serve, ['orders-eu', 'billing'].flatMap((p) => [0, 1, 2, 3].map((i) => lagPoint(p, 'pg_replay_lag_seconds', now - i * 15_000, 0.1 + i / 10, 'db-eu'))));
    // Runs through the API before the page opens: their outcomes must be on the tiles at sign-in.
    const [consistent, failed] = await Promise.all(['customers-eu', 'broken-eu'].map(async (name) => {
      const started = await post('/api/v1/verifications', { pair: name });
      assert.equal(started.status, 202, JSON.stringify(started.body));
      return finishedRun(String(started.body['id']));
    }));
    assert.equal(consistent?.['verdict'], 'consistent');
    assert.equal(failed?.['status'], 'failed');
    dash = await openDashboard(browser, `${serve.url}/`);
    page = dash.page;
  });

  after(async () => {
    await browser.close();
    await serve.stop();
    await Promise.all([source.drop(), target.drop()]);
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows the verdict of a run triggered through the API on its tile, in words, with its age', async () => {
    await signIn(page, serve.token);
    await waitFor('the consistent verdict on the customers-eu tile', async () => (await attr(page, `${tile('customers-eu')} [data-testid="tile-verification"]`, 'data-verdict')) === 'consistent');
    assert.match(await page.locator(`${tile('customers-eu')} [data-testid="tile-verification"]`).innerText(), /^✔ Consistent · (just now|\d+ s ago)$/);
    assert.equal(await attr(page, `${tile('orders-eu')} [data-testid="tile-verification"]`, 'data-verdict'), 'none');
    assert.match(await page.locator(`${tile('orders-eu')} [data-testid="tile-verification"]`).innerText(), /no verifications yet/);
    await waitFor('the failed run on the broken-eu tile', async () => (await attr(page, `${tile('broken-eu')} [data-testid="tile-verification"]`, 'data-verdict')) === 'failed');
    assert.match(await page.locator(`${tile('broken-eu')} [data-testid="tile-verification"]`).innerText(), /^✖ Failed · /);
  });

  it('shows a run started elsewhere as it happens (the live runs topic, well before the 30 s re-read)', async () => {
    const started = await post('/api/v1/verifications', { pair: 'customers-eu' });
    assert.equal(started.status, 202);
    const id = String(started.body['id']);
    await finishedRun(id);
    await waitFor('the new run on the customers-eu tile', async () => (await attr(page, `${tile('customers-eu')} [data-testid="tile-verification"]`, 'data-run-id')) === id, { timeoutMs: 8_000 });
  });

  it('says why a failed run failed, and why "verify now" cannot run a pipeline that no pair verifies', async () => {
    await page.goto(`${serve.url}/#/pipeline/broken-eu`);
    const row = page.getByTestId('verification-run').first();
    await row.waitFor();
    assert.equal(await row.getAttribute('data-outcome'), 'failed');
    assert.match(await row.innerText(), /✖ Failed\s+[\s\S]*no_such_table/);
    assert.equal(await row.getByTestId('show-differences').isDisabled(), true);

    await page.goto(`${serve.url}/#/pipeline/billing`);
    await page.getByTestId('no-verifications').filter({ hasText: 'No verifications yet' }).waitFor();
    await page.getByTestId('verify-now').getByRole('button', { name: 'Verify now' }).click();
    const result = page.getByTestId('verify-result');
    await waitFor('the refusal', async () => (await result.getAttribute('data-state')) === 'error');
    assert.match(await result.innerText(), /^Could not start a verification of pair billing: body\.pair: unknown pair "billing"; configured: orders-eu, customers-eu, broken-eu$/);
  });

  it('lets an admin verify a pipeline now and says the outcome; the history and the tile show the drift', async () => {
    await page.goto(`${serve.url}/#/pipeline/orders-eu`);
    await page.getByTestId('no-verifications').filter({ hasText: 'No verifications yet' }).waitFor();
    const verify = page.getByTestId('verify-now').getByRole('button', { name: 'Verify now' });
    await verify.click();
    const result = page.getByTestId('verify-result');
    await waitFor('the run to finish', async () => (await result.getAttribute('data-state')) === 'finished', { timeoutMs: 30_000 });
    assert.equal(await result.getAttribute('data-outcome'), 'drift');
    assert.match(await result.innerText(), new RegExp(`Run of pair orders-eu finished: ▲ Drift · ${PLANTED} confirmed — ${PLANTED} differences: ${PLANTED} confirmed, 0 in flight, 0 suspected`));

    const row = page.getByTestId('verification-run').first();
    assert.equal(await row.getAttribute('data-outcome'), 'drift');
    assert.equal(await row.locator('[data-count="confirmed"]').innerText(), String(PLANTED));
    assert.equal(await row.locator('[data-count="in_flight"]').innerText(), '0');
    assert.equal(await row.locator('[data-count="suspected"]').innerText(), '0');
    assert.match(await row.innerText(), /Drift · 63 confirmed/);
    assert.match(await row.innerText(), new RegExp(`${ROWS} / ${ROWS - MISSING.length + EXTRA.length}`));
    // The API agrees with the page.
    const { runs } = await apiGet<{ runs: { id: string; confirmed: number }[] }>(serve, '/api/v1/verifications?pair=orders-eu');
    const [only, ...more] = runs;
    assert.ok(only !== undefined && more.length === 0, JSON.stringify(runs));
    assert.equal(only.id, await row.getAttribute('data-run-id'));
    assert.equal(only.confirmed, PLANTED);

    await page.goto(`${serve.url}/#/overview`);
    await waitFor('the drift verdict on the orders-eu tile', async () => (await attr(page, `${tile('orders-eu')} [data-testid="tile-verification"]`, 'data-verdict')) === 'drift');
    assert.match(await page.locator(`${tile('orders-eu')} [data-testid="tile-verification"]`).innerText(), /^▲ Drift \(63\) · (just now|\d+ s ago)$/);
    assert.match(await attr(page, `${tile('orders-eu')} [data-testid="tile-verification"]`, 'title') ?? '', new RegExp(`^Last verification: ▲ Drift · ${PLANTED} confirmed · `));
  });

  it('lists the planted differences in the diff viewer, a page at a time, filtered by kind and class with the keyboard', async () => {
    await page.goto(`${serve.url}/#/pipeline/orders-eu`);
    const show = page.getByTestId('verification-run').first().getByTestId('show-differences');
    await show.focus();
    await page.keyboard.press('Enter');
    const viewer = page.getByTestId('diff-viewer');
    const range = page.getByTestId('diff-range');
    await waitFor('the first page', async () => (await range.getAttribute('data-total')) === String(PLANTED));
    assert.equal(await page.evaluate(() => document.activeElement?.id), 'diff-title', 'focus moves to the differences');
    const runId = await page.getByTestId('verification-run').first().getAttribute('data-run-id') ?? '';
    assert.ok(page.url().endsWith(`#/pipeline/orders-eu?run=${runId}`), `the open run is in the address: ${page.url()}`);
    assert.match(await range.innerText(), /^1–50 of 63$/);
    assert.equal(await viewer.getByTestId('diff-row').count(), 50);
    assert.equal(await viewer.getByTestId('diff-prev').isDisabled(), true);
    await viewer.getByTestId('diff-next').click();
    await waitFor('the second page', async () => (await range.innerText()) === '51–63 of 63');
    assert.equal(await viewer.getByTestId('diff-row').count(), 13);

    // Filter by kind from the keyboard: the select is reached with Tab and changed with the arrow keys.
    await page.getByTestId('diff-kind').focus();
    const rowsOf = async (): Promise<{ key: string; kind: string; cls: string }[]> => viewer.getByTestId('diff-row').evaluateAll((rows) => rows.map((r) => {
      const d = (r as HTMLElement).dataset;
      return { key: d['key'] ?? '', kind: d['kind'] ?? '', cls: d['class'] ?? '' };
    }));
    await page.keyboard.press('ArrowDown');
    await waitFor('only missing rows', async () => (await range.getAttribute('data-total')) === String(MISSING.length));
    assert.deepEqual(await rowsOf(), MISSING.map((id) => ({ key: String(id), kind: 'missing', cls: 'confirmed' })));
    assert.match(await range.innerText(), /^1–2 of 2 \(missing in target\)$/);
    await page.keyboard.press('ArrowDown');
    await waitFor('only extra rows', async () => (await range.getAttribute('data-total')) === String(EXTRA.length));
    assert.deepEqual(await rowsOf(), EXTRA.map((id) => ({ key: String(id), kind: 'extra', cls: 'confirmed' })));
    await page.getByTestId('diff-kind').selectOption('changed');
    await waitFor('only changed rows', async () => (await range.getAttribute('data-total')) === String(CHANGED.length));
    const changed = await rowsOf();
    assert.equal(changed.length, 50);
    assert.ok(changed.every((r) => r.kind === 'changed' && CHANGED.includes(Number(r.key))), JSON.stringify(changed.slice(0, 3)));
    assert.match(await viewer.getByTestId('diff-row').first().innerText(), /amount/, 'a changed row names its differing column');
    await page.getByTestId('diff-class').selectOption('in_flight');
    await waitFor('no in-flight rows', async () => (await range.getAttribute('data-total')) === '0');
    assert.match(await viewer.innerText(), /No difference matches these filters/);
    await page.getByTestId('diff-class').selectOption('confirmed');
    await page.getByTestId('diff-kind').selectOption('');
    await waitFor('every confirmed row', async () => (await range.getAttribute('data-total')) === String(PLANTED));

    // The history and the first rows of the viewer, as a 1280×720 screen shows them.
    await page.getByTestId('verifications').evaluate((el) => { el.scrollIntoView({ block: 'start' }); window.scrollBy(0, -60); });
    await page.mouse.move(1270, 710);
    mkdirSync(DOCS_DIR, { recursive: true });
    await page.screenshot({ path: join(DOCS_DIR, 'verification.png') });

    await page.setViewportSize({ width: 390, height: 844 });
    // Charts resize on the next ResizeObserver callback: give the layout a moment to settle, then it must fit.
    await waitFor('the pipeline view with its differences to fit a phone screen', async () => (await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, { timeoutMs: 3_000 });
    await page.setViewportSize({ width: 1280, height: 720 });

    // Escape closes the viewer and gives focus back to the button that opened it.
    await page.getByTestId('diff-close').focus();
    await page.keyboard.press('Escape');
    assert.equal(await viewer.isHidden(), true);
    assert.equal(await page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset['testid']), 'show-differences');
    assert.ok(page.url().endsWith('#/pipeline/orders-eu'), `closing takes the run out of the address: ${page.url()}`);

    // The address of open differences is a link to them: loaded afresh, it opens them again.
    await page.goto(`${serve.url}/#/pipeline/orders-eu?run=${runId}`);
    await page.reload();
    await viewer.waitFor({ state: 'visible' });
    await waitFor("the linked run's differences", async () => (await range.getAttribute('data-total')) === String(PLANTED));
    assert.match(await page.getByTestId('diff-summary').innerText(), /Drift · 63 confirmed/);
  });

  it('shows a viewer the history but no "verify now"', async () => {
    const other = await openDashboard(browser, `${serve.url}/#/pipeline/orders-eu`);
    try {
      await signIn(other.page, viewerToken);
      await other.page.getByTestId('verification-run').first().waitFor();
      assert.equal(await other.page.getByTestId('verify-now').isHidden(), true);
      assert.equal(await other.page.getByRole('button', { name: /Verify .*now/ }).count(), 0);
      assert.deepEqual(other.errors, []);
    } finally {
      await other.close();
    }
  });

  it('raised no uncaught error in the page', () => {
    assert.deepEqual(dash.errors, []);
  });
});
