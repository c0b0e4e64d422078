// Collector HTTP API against real embedded ClickHouse: round trip, auth roles, gzip, and every kind of bad input.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { IngestBatch } from '../../lib/protocol/ingest-batch.js';
import { createTestCollector, type TestCollector } from '../support/collector-app.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

let c: TestCollector;
before(async () => { c = await createTestCollector({ bodyLimitBytes: 64 * 1024 }); });
after(async () => { await c.close(); });

const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

function batch(points: IngestBatch['points'], batchId = uniqueName('b')): IngestBatch {
  return { agent: 'test-agent', batchId, points };
}

async function ingest(body: unknown, headers: Record<string, string>): Promise<{ statusCode: number; json: () => unknown }> {
  return c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
}

function errorOf(res: { json: () => unknown }): { code: string; message: string } {
  return (res.json() as { error: { code: string; message: string } }).error;
}

describe('ingest → series', () => {
  it('stores a batch and returns it as series grouped by labels', async () => {
    const now = Date.now();
    const res = await ingest(batch([
      { ts: now - 2000, metric: 'host_cpu_percent', labels: { host: 'alpha' }, value: 12.5 },
      { ts: now - 1000, metric: 'host_cpu_percent', labels: { host: 'alpha' }, value: 14 },
      { ts: now - 1000, metric: 'host_cpu_percent', labels: { host: 'beta' }, value: 3 },
    ]), auth(c.tokens.agent));
    assert.equal(res.statusCode, 200);
    assert.equal((res.json() as { accepted: number }).accepted, 3);

    const from = new Date(now - 60_000).toISOString();
    const to = new Date(now + 1000).toISOString();
    // Acknowledged means durable in the WAL; the flusher stores it in ClickHouse moments later.
    const series = await waitFor('stored series', async () => {
      const r = await c.app.inject({ url: `/api/v1/series?metric=host_cpu_percent&from=${from}&to=${to}&host=alpha`, headers: auth(c.tokens.viewer) });
      assert.equal(r.statusCode, 200);
      return r.json<{ series: unknown[] }>().series.length > 0 ? r : undefined;
    });
    assert.deepEqual(series.json(), { series: [{ labels: { host: 'alpha' }, points: [[now - 2000, 12.5], [now - 1000, 14]] }] });
  });

  it('accepts a gzip body and stores a retried batch id once', async () => {
    const now = Date.now();
    const body = batch([{ ts: now, metric: 'gzip_probe', labels: { host: 'g' }, value: 1 }]);
    const payload = gzipSync(JSON.stringify(body));
    const acks: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...auth(c.tokens.agent) } });
      assert.equal(res.statusCode, 200, res.body);
      acks.push(res.json());
    }
    assert.deepEqual(acks.slice(1), [{ batchId: body.batchId, accepted: 0, duplicate: true }, { batchId: body.batchId, accepted: 0, duplicate: true }]);
    const count = async (): Promise<number> => (await c.storage.query<{ c: number }>(`SELECT count() AS c FROM ${c.storage.database}.metric_points WHERE metric = 'gzip_probe'`))[0]?.c ?? 0;
    await waitFor('gzip point stored', async () => (await count()) === 1);
  });
});

describe('auth roles', () => {
  it('rejects a missing token with 401', async () => {
    const res = await ingest(batch([]), {});
    assert.equal(res.statusCode, 401);
    assert.match(errorOf(res).message, /missing bearer token/);
  });
  it('rejects an unknown token with 401', async () => {
    const res = await ingest(batch([]), auth('sw_agent_nope'));
    assert.equal(res.statusCode, 401);
    assert.equal(errorOf(res).code, 'SW_AUTH_INVALID');
  });
  it('forbids a viewer to ingest and an agent to read (403)', async () => {
    const a = await ingest(batch([]), auth(c.tokens.viewer));
    assert.equal(a.statusCode, 403);
    assert.match(errorOf(a).message, /role "viewer" may not ingest/);
    const b = await c.app.inject({ url: '/api/v1/series?metric=x', headers: auth(c.tokens.agent) });
    assert.equal(b.statusCode, 403);
  });
  it('lets admin ingest and read, auditor read', async () => {
    assert.equal((await ingest(batch([]), auth(c.tokens.admin))).statusCode, 200);
    assert.equal((await c.app.inject({ url: '/api/v1/series?metric=x', headers: auth(c.tokens.auditor) })).statusCode, 200);
  });
});

describe('bad input gets a 4xx naming the problem, and nothing is written', () => {
  it('malformed JSON → 400', async () => {
    const res = await c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: '{"agent": "a", "points": [', headers: { 'content-type': 'application/json', ...auth(c.tokens.agent) } });
    assert.equal(res.statusCode, 400);
    assert.match(errorOf(res).message, /JSON/i);
  });
  it('wrong types → 400 naming the field; a partly valid batch is not half-written', async () => {
    const id = uniqueName('partial');
    const res = await ingest({ agent: 'a', batchId: id, points: [
      { ts: Date.now(), metric: 'partial_probe', labels: {}, value: 1 },
      { ts: 'yesterday', metric: 'partial_probe', labels: {}, value: 2 },
    ] }, auth(c.tokens.agent));
    assert.equal(res.statusCode, 400);
    assert.match(errorOf(res).message, /body\.points\[1\]\.ts/);
    const rows = await c.storage.query<{ c: number }>(`SELECT count() AS c FROM ${c.storage.database}.metric_points WHERE metric = 'partial_probe'`);
    assert.equal(rows[0]?.c, 0);
  });
  it('missing field → 400 naming it', async () => {
    const res = await ingest({ agent: 'a', points: [] }, auth(c.tokens.agent));
    assert.equal(res.statusCode, 400);
    assert.match(errorOf(res).message, /body\.batchId: is required/);
  });
  it('unknown field → 400 naming it', async () => {
    const res = await ingest({ ...batch([]), extra: 1 }, auth(c.tokens.agent));
    assert.equal(res.statusCode, 400);
    assert.match(errorOf(res).message, /extra/);
  });
  it('oversize body → 413, also when it only inflates past the limit', async () => {
    const points = Array.from({ length: 3000 }, (_, i) => ({ ts: Date.now(), metric: 'big_probe', labels: { host: 'h' }, value: i }));
    const plain = await ingest(batch(points), auth(c.tokens.agent));
    assert.equal(plain.statusCode, 413);
    assert.equal(errorOf(plain).code, 'SW_INGEST_BODY_TOO_LARGE');
    const gz = gzipSync(JSON.stringify(batch(points)));
    assert.ok(gz.length < 64 * 1024);
    const inflated = await c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: gz, headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...auth(c.tokens.agent) } });
    assert.equal(inflated.statusCode, 413);
  });
  it('corrupt gzip → 400, unsupported encoding → 415, wrong content type → 415', async () => {
    const bad = await c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: Buffer.from('not gzip at all'), headers: { 'content-type': 'application/json', 'content-encoding': 'gzip', ...auth(c.tokens.agent) } });
    assert.equal(bad.statusCode, 400);
    assert.match(errorOf(bad).message, /gzip/);
    const br = await c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: '{}', headers: { 'content-type': 'application/json', 'content-encoding': 'br', ...auth(c.tokens.agent) } });
    assert.equal(br.statusCode, 415);
    const text = await c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: 'hello', headers: { 'content-type': 'text/plain', ...auth(c.tokens.agent) } });
    assert.equal(text.statusCode, 415);
  });
  it('bad series query → 400 naming the parameter', async () => {
    const noMetric = await c.app.inject({ url: '/api/v1/series', headers: auth(c.tokens.viewer) });
    assert.equal(noMetric.statusCode, 400);
    assert.match(errorOf(noMetric).message, /metric/);
    const badTime = await c.app.inject({ url: '/api/v1/series?metric=x&from=yesterday', headers: auth(c.tokens.viewer) });
    assert.equal(badTime.statusCode, 400);
    assert.match(errorOf(badTime).message, /querystring\.from: must be an ISO-8601/);
  });
  it('keeps serving after all of that', async () => {
    const res = await c.app.inject({ url: '/healthz' });
    assert.equal(res.statusCode, 200);
    const ready = await c.app.inject({ url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json<{ checks: { storage: { ok: boolean } } }>().checks.storage.ok, true);
  });
});

describe('/metrics', () => {
  it('exposes ingest counters to a viewer token', async () => {
    const res = await c.app.inject({ url: '/metrics', headers: auth(c.tokens.viewer) });
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /syncwatch_ingest_points_total \d+/);
    assert.equal((await c.app.inject({ url: '/metrics' })).statusCode, 401);
  });

  it('counts rejected ingest requests by the error code the client saw', async () => {
    const rejected = async (): Promise<Map<string, number>> => {
      const body = (await c.app.inject({ url: '/metrics', headers: auth(c.tokens.viewer) })).body;
      return new Map([...body.matchAll(/^syncwatch_ingest_rejected_total\{error_code="(\w+)"\} (\d+)$/gm)].map((m) => [m[1] ?? '', Number(m[2])]));
    };
    const before = await rejected();
    await ingest(batch([]), {});
    await ingest({ agent: 'a' }, auth(c.tokens.agent));
    await ingest({ agent: 'a' }, auth(c.tokens.agent));
    const afterwards = await rejected();
    const grew = (code: string): number => (afterwards.get(code) ?? 0) - (before.get(code) ?? 0);
    assert.equal(grew('SW_AUTH_MISSING'), 1);
    assert.equal(grew('SW_REQUEST_INVALID'), 2);
  });
});
