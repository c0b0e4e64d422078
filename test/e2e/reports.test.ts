// End to end: `syncwatch serve` with two verified pairs on a real PostgreSQL database (one drifted, one consistent),
// and the dashboard's reports view in headless Chromium — a viewer is told reports need an auditor token; an auditor
// picks a time (UTC) and pairs, sees each pair's outcome, its chain and the signing key, and downloads the signed
// JSON (which verifies offline against the collector's public keys), the CSV of differences and the printable HTML.
// Leaves docs/reports.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { parsePublicKeys, verifyDocument } from '../../collector/reports/signature.js';
import { generateToken } from '../../lib/auth/tokens.js';
import { launchBrowser } from '../support/browser.js';
import { DOCS_DIR, apiGet, openDashboard, signIn, type DashboardPage } from '../support/dashboard-e2e.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';
import { waitFor } from '../support/wait-for.js';

const auditorToken = generateToken('auditor');
const viewerToken = generateToken('viewer');
const pairRow = (name: string): string => `[data-testid="report-pair"][data-pair="${name}"]`;

let db: TempDatabase;
let serve: ServeProcess;
let browser: Browser;
let dir: string;
let dash: DashboardPage;
let page: Page;

async function runPair(pair: string): Promise<string> {
  const response = await fetch(`${serve.url}/api/v1/verifications`, { method: 'POST', headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' }, body: JSON.stringify({ pair }) });
  const body = (await response.json()) as { id: string };
  assert.equal(response.status, 202, JSON.stringify(body));
  await waitFor(`run of ${pair} to finish`, async () => (await apiGet<{ run: { status: string } }>(serve, `/api/v1/verifications/${body.id}`)).run.status !== 'running', { timeoutMs: 30_000, intervalMs: 200 });
  return body.id;
}

/** Clicks a download button and returns what the browser saved. */
async function download(p: Page, card: string, format: string): Promise<{ name: string; text: string }> {
  const [file] = await Promise.all([p.waitForEvent('download'), p.locator(`${card} button[data-format="${format}"]`).click()]);
  const path = await file.path();
  return { name: file.suggestedFilename(), text: readFileSync(path, 'utf8') };
}

describe('dashboard reports view: serve with verified PostgreSQL pairs + headless Chromium', { timeout: 120_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sw-e2e-reports-'));
    db = await createTempPgDatabase('sw_e2e_rep');
    await withPgClient(db.url, async (c) => {
      for (const t of ['ledger_src', 'ledger_dst', 'accounts_src', 'accounts_dst']) {
        await c.query(`CREATE TABLE ${t} (id integer PRIMARY KEY, owner text NOT NULL, balance numeric(12,2))`);
        await c.query(`INSERT INTO ${t} SELECT g, 'owner ' || g, g * 2.5 FROM generate_series(1, 300) g`);
      }
      await c.query("UPDATE ledger_dst SET owner = 'tampered' WHERE id = 42");
    });
    const pair = (name: string) => ({ name, source: { url: db.url, table: `${name}_src` }, target: { url: db.url, table: `${name}_dst` }, schedule: '0 0 1 1 *', chunkRows: 50, graceSeconds: 0.2, recheckRounds: 1 });
    const config = join(dir, 'syncwatch.yaml');
    writeFileSync(config, JSON.stringify({ verification: { pairs: [pair('ledger'), pair('accounts')] } }, null, 2));
    [serve, browser] = await Promise.all([
      startServe({ dataDir: join(dir, 'data'), extraArgs: ['--config', config], env: { SYNCWATCH_AUDITOR_TOKEN: auditorToken, SYNCWATCH_VIEWER_TOKEN: viewerToken } }),
      launchBrowser(),
    ]);
    await Promise.all([runPair('ledger'), runPair('accounts')]);
    // The report's time is picked to the second: let the runs' finish times fall strictly before "now".
    await new Promise((resolve) => setTimeout(resolve, 1100));
  });

  after(async () => {
    await browser.close();
    await serve.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('tells a viewer that reports need an auditor token', async () => {
    const viewer = await openDashboard(browser, `${serve.url}/`);
    try {
      await signIn(viewer.page, viewerToken);
      await viewer.page.getByRole('link', { name: 'Reports' }).click();
      const note = viewer.page.getByTestId('reports-role-note');
      await note.waitFor();
      assert.match(await note.innerText(), /Reports need an auditor token .*This token's role is "viewer"/);
      assert.equal(await viewer.page.getByTestId('report-submit').isHidden(), true);
      // Still signed in: a refused report is not a lost session.
      assert.equal(await viewer.page.getByTestId('connection-status').getAttribute('data-state'), 'live');
      assert.deepEqual(viewer.errors, []);
    } finally {
      await viewer.close();
    }
  });

  it('shows an auditor the report at a chosen time: outcome per pair, chains and the signing key', async () => {
    dash = await openDashboard(browser, `${serve.url}/`);
    page = dash.page;
    await signIn(page, auditorToken);
    await page.keyboard.press('r');
    await waitFor('the reports view', () => page.url().endsWith('#/reports'));
    await page.locator('[data-testid="report-pairs"] input[type="checkbox"]').first().waitFor({ timeout: 30_000 }).catch(async (err: unknown) => {
      throw new Error(`no pair checkboxes; the view says: ${await page.locator('#view-reports').innerText()} (${String(err)}); serve output:\n${serve.output().slice(-3000)}`);
    });
    assert.deepEqual(await page.locator('[data-testid="report-pairs"] input[type="checkbox"]').evaluateAll((els) => els.map((e) => (e as HTMLInputElement).value)), ['accounts', 'ledger']);
    // A time before any run: every pair says so.
    await page.getByLabel('Point in time (UTC)').fill('2020-01-01T00:00:00');
    await page.getByTestId('report-submit').click();
    await waitFor('the early report', async () => (await page.locator(pairRow('ledger')).getAttribute('data-outcome')) === 'no-run');
    assert.equal(await page.locator(pairRow('accounts')).getAttribute('data-outcome'), 'no-run');
    assert.match(await page.getByTestId('report-card').locator('h3').innerText(), /All pairs as of 2020-01-01 00:00:00 UTC/);

    await page.getByRole('button', { name: 'Now' }).click();
    await page.getByTestId('report-submit').click();
    await waitFor('the current report', async () => (await page.locator(pairRow('ledger')).getAttribute('data-outcome')) === 'drift');
    assert.equal(await page.locator(pairRow('accounts')).getAttribute('data-outcome'), 'consistent');
    assert.match(await page.locator(pairRow('ledger')).innerText(), /▲ Drift/);
    assert.match(await page.locator(pairRow('accounts')).innerText(), /✔ Consistent/);
    for (const p of ['ledger', 'accounts']) assert.equal(await page.locator(pairRow(p)).getAttribute('data-chain'), 'intact');
    assert.match(await page.getByTestId('report-summary').innerText(), /2 pairs: 1 consistent, 1 with drift, 0 without a run by then · ✔ every chain of runs intact/);
    const keys = await apiGet<{ current: string }>(serve, '/api/v1/reports/keys');
    assert.equal(await page.getByTestId('report-card').getAttribute('data-key-id'), keys.current);
    assert.match(await page.getByTestId('report-signature').innerText(), new RegExp(`Signed \\(Ed25519\\) with key ${keys.current}`));

    await page.evaluate(() => { window.scrollTo(0, 0); });
    await page.mouse.move(1270, 710);
    mkdirSync(DOCS_DIR, { recursive: true });
    await page.screenshot({ path: join(DOCS_DIR, 'reports.png'), fullPage: true });

    // A phone: no sideways scrolling (wide tables scroll inside their box).
    await page.setViewportSize({ width: 390, height: 844 });
    // Charts resize on the next ResizeObserver callback: give the layout a moment to settle, then it must fit.
    await waitFor('the reports view to fit a phone screen', async () => (await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)) <= 0, { timeoutMs: 3_000 });
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('downloads the signed JSON, which verifies offline, the CSV of differences and the printable HTML', async () => {
    const card = '[data-testid="report-card"]';
    const json = await download(page, card, 'json');
    assert.match(json.name, /^consistency-all-.*\.json$/);
    const doc = JSON.parse(json.text) as { body: { pairs: { pair: string; outcome: string }[] }; signature: { keyId: string } };
    assert.deepEqual(doc.body.pairs.map((p) => [p.pair, p.outcome]), [['accounts', 'consistent'], ['ledger', 'drift']]);
    const keysText = await (await fetch(`${serve.url}/api/v1/reports/keys`)).text();
    assert.deepEqual(verifyDocument(doc, parsePublicKeys(keysText)), { valid: true, keyId: doc.signature.keyId });
    // One altered byte and it no longer verifies.
    const altered = JSON.parse(json.text.replace('"drift"', '"consistent"')) as unknown;
    assert.equal(verifyDocument(altered, parsePublicKeys(keysText)).valid, false);

    const csv = await download(page, card, 'csv');
    assert.match(csv.name, /\.csv$/);
    const lines = csv.text.trim().split(/\r?\n/);
    assert.equal(lines.length, 2, csv.text);
    assert.match(lines[1] ?? '', /^ledger,[0-9a-f-]{36},[^,]+,confirmed,changed,0,"\[""42""\]",owner,/);

    const html = await download(page, card, 'html');
    assert.match(html.name, /\.html$/);
    assert.match(html.text, /<html/i);
    assert.match(html.text, /ledger/);
    assert.match(await page.getByTestId('report-download-status').innerText(), /Saved the printable HTML as a download/);
  });

  it('builds one signed report per ticked pair when only some are picked', async () => {
    await page.locator('[data-testid="report-pairs"] input[value="accounts"]').uncheck();
    await page.getByTestId('report-submit').click();
    await waitFor('a report of ledger only', async () => {
      const scopes = await page.getByTestId('report-card').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['scope']));
      return scopes.length === 1 && scopes[0] === 'ledger';
    });
    assert.equal(await page.locator(pairRow('accounts')).count(), 0);
    const json = await download(page, '[data-testid="report-card"][data-scope="ledger"]', 'json');
    assert.match(json.name, /^consistency-ledger-/);
    const doc = JSON.parse(json.text) as { body: { scope: { pair: string | null } } };
    assert.equal(doc.body.scope.pair, 'ledger');
  });

  it('raised no uncaught error in the page', () => {
    assert.deepEqual(dash.errors, []);
  });
});
