// Helpers for the dashboard's end-to-end tests: a serve config with alert rules, ingest over HTTP, a Chromium page
// whose uncaught errors are collected, sign-in, and reading the data-* attributes the page keeps for readers.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { newBatchId } from '../../lib/ids.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { ServeProcess } from './serve-process.js';

/** The repository's docs/ folder, where the e2e runs leave their screenshots. */
export const DOCS_DIR = join(new URL('../..', import.meta.url).pathname, 'docs');

/**
 * Writes a serve config file with these alert rules (objects in the shape of collector/alerts/rules.ts) and a
 * fast sweep; returns its path for `startServe({ extraArgs: ['--config', path] })`.
 */
export function writeAlertConfig(dir: string, rules: readonly Record<string, unknown>[]): string {
  const file = join(dir, 'syncwatch.yaml');
  // JSON is YAML: no YAML writer needed.
  writeFileSync(file, JSON.stringify({ alerts: { sweepIntervalMs: 200, rules } }, null, 2));
  return file;
}

/** Posts one batch with the serve's admin token; fails the test unless it is acknowledged. */
export async function ingest(serve: ServeProcess, points: readonly Point[], agent = 'e2e-test'): Promise<void> {
  const response = await fetch(`${serve.url}/api/v1/ingest`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ agent, batchId: newBatchId(agent), points }),
  });
  const body = await response.text();
  assert.equal(response.status, 200, `ingest answered ${response.status}: ${body}`);
}

/** GET with the admin token, as JSON. */
export async function apiGet<T>(serve: ServeProcess, path: string): Promise<T> {
  const response = await fetch(`${serve.url}${path}`, { headers: { authorization: `Bearer ${serve.token}` } });
  const body = await response.text();
  assert.equal(response.status, 200, `GET ${path} answered ${response.status}: ${body}`);
  return JSON.parse(body) as T;
}

export interface DashboardPage {
  readonly page: Page;
  /** Uncaught errors in the page so far. */
  readonly errors: string[];
  close(): Promise<void>;
}

/** A fresh browser context on `url` (default 1280×720) that collects uncaught page errors. */
export async function openDashboard(browser: Browser, url: string, viewport = { width: 1280, height: 720 }): Promise<DashboardPage> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (err) => { errors.push(err.message); });
  await page.goto(url);
  return { page, errors, close: () => context.close() };
}

/** Signs in through the form and waits until the live connection says Live. */
export async function signIn(page: Page, token: string): Promise<void> {
  await page.getByLabel('Access token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.locator('[data-testid="connection-status"][data-state="live"]').waitFor({ timeout: 15_000 });
}

/** An attribute of the first match, or null (without waiting long for a missing element). */
export async function attr(page: Page, selector: string, name: string): Promise<string | null> {
  const locator = page.locator(selector).first();
  if ((await locator.count()) === 0) return null;
  return locator.getAttribute(name, { timeout: 1_000 });
}

/** A lag point of `pipeline` (labels: pipeline, host, plus `extra`). */
export function lagPoint(pipeline: string, metric: string, ts: number, value: number, host: string, extra: Record<string, string> = {}): Point {
  return { ts, metric, labels: { pipeline, host, ...extra }, value };
}
