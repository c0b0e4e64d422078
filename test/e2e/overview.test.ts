// End to end: `syncwatch serve` (collector + chdb + local agent, an alert rule from a config file) and the
// dashboard in headless Chromium — the overview's tiles and host cards with real data, a lag breach turning its
// tile to the alert colour within 2 s, the pipeline view (both lag measures, Kafka partitions, a 30-day range
// read from rollups), keyboard navigation and phone width. Leaves docs/overview.png and docs/pipeline.png.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { launchBrowser } from '../support/browser.js';
import { DOCS_DIR, apiGet, attr, ingest, lagPoint, openDashboard, signIn, writeAlertConfig, type DashboardPage } from '../support/dashboard-e2e.js';
import { startServe, type ServeProcess } from '../support/serve-process.js';
import { waitFor } from '../support/wait-for.js';

const RULE = { kind: 'threshold', name: 'replay_lag_high', metric: 'pg_replay_lag_seconds', op: '>', threshold: 30, severity: 'critical', annotations: { summary: 'replay lag {{ $value }} s on {{ $labels.pipeline }}' } };
const tile = (name: string): string => `[data-testid="pipeline-tile"][data-pipeline="${name}"]`;
const SPARK_STEP = 15_000;

let serve: ServeProcess;
let browser: Browser;
let dir: string;
let dash: DashboardPage;
let page: Page;

/** Ten minutes of history, one point per pipeline and series every 15 s (one sparkline bucket each). */
function history(now: number): Point[] {
  const points: Point[] = [];
  for (let i = 0; i < 40; i++) {
    const ts = Math.floor(now / SPARK_STEP) * SPARK_STEP - (39 - i) * SPARK_STEP + 1000;
    const wave = Math.abs(Math.sin(i / 6));
    points.push(lagPoint('orders-pg', 'pg_replay_lag_seconds', ts, 1 + wave * 4, 'db-primary'));
    points.push(lagPoint('orders-pg', 'pg_wal_bytes_behind', ts, 2e5 * wave, 'db-primary'));
    points.push(lagPoint('billing-mysql', 'mysql_heartbeat_lag_seconds', ts, 0.4 + wave, 'db-replica'));
    points.push(lagPoint('billing-mysql', 'mysql_seconds_behind_master', ts, i % 10 === 0 ? 3 : 0, 'db-replica'));
    points.push(lagPoint('cache-redis', 'redis_replica_offset_lag_bytes', ts, 4096 * wave, 'cache-1', { replica: '127.0.0.1:6380' }));
    points.push(lagPoint('assets-files', 'files_sync_lag_seconds', ts, 2 + wave, 'files-1'));
    for (const [partition, state] of [['0', 0], ['1', 1], ['2', 2]] as const) {
      const labels = { group: 'etl', topic: 'events', partition };
      points.push(lagPoint('events-kafka', 'kafka_consumer_time_lag_seconds', ts, Number(partition) * 3 + wave, 'kafka-1', labels));
      points.push(lagPoint('events-kafka', 'kafka_consumer_offset_lag', ts, Number(partition) * 150 + 10 * wave, 'kafka-1', labels));
      points.push(lagPoint('events-kafka', 'kafka_partition_window_status', ts, state, 'kafka-1', labels));
    }
    // The Kafka pipeline's host, so that its view can chart CPU and memory beside the lag.
    points.push({ ts, metric: 'host_cpu_percent', labels: { host: 'kafka-1' }, value: 35 + 30 * wave });
    points.push({ ts, metric: 'host_memory_used_percent', labels: { host: 'kafka-1' }, value: 61 + 2 * wave });
  }
  return points;
}

describe('dashboard overview and pipeline view: serve + headless Chromium', { timeout: 90_000 }, () => {
  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sw-e2e-overview-'));
    [serve, browser] = await Promise.all([startServe({ dataDir: join(dir, 'data'), extraArgs: ['--config', writeAlertConfig(dir, [RULE])] }), launchBrowser()]);
    await ingest(serve, history(Date.now()));
    // Acknowledged means durable in the WAL; the page reads ClickHouse, so wait until the history is there.
    await waitFor('five pipelines in /api/v1/pipelines', async () => (await apiGet<{ pipelines: unknown[] }>(serve, '/api/v1/pipelines')).pipelines.length === 5);
    dash = await openDashboard(browser, `${serve.url}/`);
    page = dash.page;
  });

  after(async () => {
    await browser.close();
    await serve.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('shows every pipeline as a tile with its current lag, a 15-minute sparkline and its alert state', async () => {
    await signIn(page, serve.token);
    await waitFor('five pipeline tiles', async () => (await page.locator('[data-testid="pipeline-tile"]').count()) === 5);
    assert.deepEqual(await page.locator('[data-testid="pipeline-tile"]').evaluateAll((els) => els.map((e) => (e as HTMLElement).dataset['pipeline'])),
      ['assets-files', 'billing-mysql', 'cache-redis', 'events-kafka', 'orders-pg']);
    // The headline measure per kind: the heartbeat for MySQL, the worst partition for Kafka.
    assert.equal(await attr(page, tile('billing-mysql'), 'data-lag-metric'), 'mysql_heartbeat_lag_seconds');
    assert.equal(await attr(page, tile('events-kafka'), 'data-lag-metric'), 'kafka_consumer_time_lag_seconds');
    assert.ok(Number(await attr(page, tile('events-kafka'), 'data-lag')) >= 6, 'the Kafka tile shows its worst partition (partition 2)');
    assert.match(await page.locator(`${tile('cache-redis')} [data-testid="tile-lag"]`).innerText(), /B$/);
    assert.ok(Number(await attr(page, tile('orders-pg'), 'data-spark-buckets')) >= 39, 'the sparkline holds the 10 minutes of history');
    assert.ok(Number(await page.locator(`${tile('orders-pg')} svg.sparkline`).getAttribute('data-points')) >= 39);
    assert.equal(await attr(page, tile('orders-pg'), 'data-state'), 'ok');
    assert.match(await page.locator(`${tile('orders-pg')} [data-testid="tile-state"]`).innerText(), /OK/);
    assert.match(await page.locator(`${tile('orders-pg')} [data-testid="tile-verification"]`).innerText(), /no verifications yet/);
    assert.equal(await page.getByTestId('firing-count').getAttribute('data-count'), '0');
  });

  it("shows the local agent's host at a glance: CPU, memory, disk and network", async () => {
    const card = page.locator('[data-testid="host-card"]:not([data-host="kafka-1"])').first();
    await waitFor("the agent's host card to show CPU", async () => ((await card.getAttribute('data-cpu')) ?? '') !== '', { timeoutMs: 20_000 });
    const text = await card.innerText();
    for (const label of ['CPU', 'Memory', 'Disk full', 'Disk I/O', 'Network']) assert.ok(text.includes(label), `host card shows ${label}: ${text}`);
    assert.match(text, /\d+\.\d %/);
  });

  it('turns a tile to the alert colour within 2 s of a lag breach, with the state in words', async () => {
    const okColour = await page.locator(tile('orders-pg')).evaluate((el) => getComputedStyle(el).backgroundColor);
    const started = Date.now();
    await ingest(serve, [lagPoint('orders-pg', 'pg_replay_lag_seconds', Date.now(), 42, 'db-primary')]);
    await page.locator(`${tile('orders-pg')}[data-state="firing"]`).waitFor({ timeout: 2_000 });
    const elapsed = Date.now() - started;
    assert.ok(elapsed < 2_000, `tile turned firing after ${elapsed} ms`);
    const colours = await page.locator(tile('orders-pg')).evaluate((el) => {
      const probe = document.createElement('span');
      probe.style.color = 'var(--critical-bg)';
      el.append(probe);
      const expected = getComputedStyle(probe).color;
      probe.remove();
      return { background: getComputedStyle(el).backgroundColor, expected };
    });
    assert.equal(colours.background, colours.expected, 'the tile has the critical tint');
    assert.notEqual(colours.background, okColour);
    assert.match(await page.locator(`${tile('orders-pg')} [data-testid="tile-state"]`).innerText(), /FIRING · critical/);
    await waitFor('the tile to show 42 s', async () => (await attr(page, tile('orders-pg'), 'data-lag')) === '42');
    // Alerting tiles come first; the counts say it in words.
    assert.equal(await page.locator('[data-testid="pipeline-tile"]').first().getAttribute('data-pipeline'), 'orders-pg');
    assert.equal(await page.getByTestId('firing-count').getAttribute('data-count'), '1');
    assert.match(await page.getByTestId('nav-firing').innerText(), /1 firing/);
    await page.evaluate(() => { window.scrollTo(0, 0); });
    await page.mouse.move(1270, 710);
    mkdirSync(DOCS_DIR, { recursive: true });
    await page.screenshot({ path: join(DOCS_DIR, 'overview.png') });
  });

  it('moves between tiles with the arrow keys and opens one with Enter; shortcuts switch views', async () => {
    await page.locator(`${tile('orders-pg')} a`).focus();
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.evaluate(() => document.activeElement?.closest('li')?.dataset['pipeline']), 'assets-files');
    await page.keyboard.press('Enter');
    await waitFor('the pipeline view', () => page.url().endsWith('#/pipeline/assets-files'));
    // The URL changes before the hashchange handler has run, so wait for the focus move too.
    await waitFor('focus on the view heading', async () => (await page.evaluate(() => document.activeElement?.tagName)) === 'H2');
    await page.keyboard.press('a');
    await waitFor('the alerts view', () => page.url().endsWith('#/alerts'));
    await page.keyboard.press('o');
    await waitFor('the overview', () => page.url().endsWith('#/overview'));
  });

  it('shows both lag measures of a MySQL pipeline and reads 30 days from the rollups', async () => {
    await page.goto(`${serve.url}/#/pipeline/billing-mysql`);
    const chart = page.getByTestId('lag-chart');
    await waitFor('both measures on the lag chart', async () => (await chart.getAttribute('data-measures')) === 'mysql_heartbeat_lag_seconds mysql_seconds_behind_master');
    await waitFor('heartbeat points on the chart', async () => Number(await attr(page, '[data-testid="lag-chart"] li[data-metric="mysql_heartbeat_lag_seconds"]', 'data-points')) >= 39);
    assert.ok(Number(await attr(page, '[data-testid="lag-chart"] li[data-metric="mysql_seconds_behind_master"]', 'data-points')) >= 39);
    assert.match(await page.getByTestId('pipeline-readouts').innerText(), /Seconds_Behind_Master/);
    await page.locator('.range-button[data-range="30d"]').click();
    await waitFor('the 30-day range', async () => (await chart.getAttribute('data-step')) === String(48 * 60_000));
    assert.match(await page.getByTestId('range-note').innerText(), /rollups/);
    await waitFor('rollup buckets on the chart', async () => Number(await chart.getAttribute('data-points')) > 0);
    assert.ok(page.url().endsWith('#/pipeline/billing-mysql?range=30d'), 'the range is part of the link');
    assert.match(await page.getByTestId('no-verifications').innerText(), /No verifications yet/);
  });

  it('lists Kafka partitions with their window states and keeps the chart live', async () => {
    await page.goto(`${serve.url}/#/pipeline/events-kafka`);
    await waitFor('three partitions', async () => (await page.getByTestId('kafka-partition').count()) === 3);
    assert.deepEqual(await page.getByTestId('kafka-partition').evaluateAll((rows) => rows.map((r) => (r as HTMLElement).dataset['window'])), ['STALL', 'WARN', 'OK']);
    const chart = page.getByTestId('lag-chart');
    await waitFor('both Kafka measures', async () => (await chart.getAttribute('data-measures')) === 'kafka_consumer_time_lag_seconds kafka_consumer_offset_lag');
    await ingest(serve, [lagPoint('events-kafka', 'kafka_partition_window_status', Date.now(), 3, 'kafka-1', { group: 'etl', topic: 'events', partition: '0' })]);
    await waitFor('partition 0 to turn STOP', async () => (await attr(page, '[data-testid="kafka-partition"][data-partition="events/0"]', 'data-window')) === 'STOP');
    // Its host's CPU and memory over the same range.
    await waitFor('the host chart', async () => (await attr(page, '[data-testid="host-chart"]', 'data-measures')) === 'host_cpu_percent|kafka-1 host_memory_used_percent|kafka-1');
    assert.ok(Number(await attr(page, '[data-testid="host-chart"]', 'data-points')) >= 78);
    await page.screenshot({ path: join(DOCS_DIR, 'pipeline.png'), fullPage: true });
  });

  it('fits a phone screen without sideways scrolling', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${serve.url}/#/overview`);
    await page.locator(tile('orders-pg')).waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
    await page.setViewportSize({ width: 1280, height: 720 });
  });

  it('raised no uncaught error in the page', () => {
    assert.deepEqual(dash.errors, []);
  });
});
