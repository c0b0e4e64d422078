// Back-pressure and rate limits answer 429 with Retry-After instead of growing memory or starving other tokens.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LightMyRequestResponse } from 'fastify';
import { newBatchId } from '../../lib/ids.js';
import { createTestCollector, type TestCollector } from '../support/collector-app.js';
import { waitFor } from '../support/wait-for.js';

const batch = (points: number): object => ({
  agent: 'bp',
  batchId: newBatchId('bp'),
  points: Array.from({ length: points }, (_, i) => ({ ts: Date.now() - i, metric: 'bp_probe', labels: { host: 'bp' }, value: i })),
});

/** libchdb holds one data directory per process, so each test opens and closes its own collector. */
async function withCollector(options: Parameters<typeof createTestCollector>[0], fn: (c: TestCollector) => Promise<void>): Promise<void> {
  const c = await createTestCollector(options);
  try {
    await fn(c);
  } finally {
    await c.close();
  }
}

describe('ingest back-pressure', () => {
  it('answers 429 with Retry-After once too many points wait for ClickHouse, and recovers', async () => {
    // A long coalescing delay keeps points queued, as a slow ClickHouse would.
    await withCollector({ tuning: { maxQueuedPoints: 250, maxDelayMs: 2_000, maxGroupPoints: 100_000 } }, async (c) => {
    const post = (body: object): Promise<LightMyRequestResponse> => c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: body, headers: { authorization: `Bearer ${c.tokens.agent}` } });
    for (let i = 0; i < 3; i++) assert.equal((await post(batch(100))).statusCode, 200);
    const busy = await post(batch(100));
    assert.equal(busy.statusCode, 429);
    assert.equal(busy.headers['retry-after'], '2');
    assert.equal(busy.json<{ error: { code: string } }>().error.code, 'SW_INGEST_BUSY');
    // Once the queue is flushed the same request is taken.
    await waitFor('the queue to drain', async () => (await post(batch(100))).statusCode === 200, { timeoutMs: 10_000, intervalMs: 250 });
    const rows = await c.storage.query<{ c: number }>(`SELECT count() AS c FROM ${c.storage.database}.metric_points WHERE metric = 'bp_probe'`);
    assert.ok((rows[0]?.c ?? 0) >= 300);
    });
  });

  it('limits requests per token, not per collector', async () => {
    await withCollector({ rateLimitPerMinute: 3 }, async (c) => {
    const get = (token: string): Promise<LightMyRequestResponse> => c.app.inject({ url: '/api/v1/series?metric=x', headers: { authorization: `Bearer ${token}` } });
    for (let i = 0; i < 3; i++) assert.equal((await get(c.tokens.viewer)).statusCode, 200);
    const limited = await get(c.tokens.viewer);
    assert.equal(limited.statusCode, 429);
    assert.equal(limited.json<{ error: { code: string } }>().error.code, 'SW_RATE_LIMITED');
    assert.ok(Number(limited.headers['retry-after']) > 0);
    assert.equal((await get(c.tokens.admin)).statusCode, 200, 'another token is not affected');
    assert.equal((await c.app.inject({ url: '/healthz' })).statusCode, 200, 'public routes are not limited');
    });
  });
});
