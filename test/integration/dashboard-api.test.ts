// The dashboard's read endpoints against real embedded ClickHouse: /api/v1/pipelines (newest values per pipeline
// and sparklines aggregated in ClickHouse), /api/v1/latest (newest point per series) and /api/v1/alert-events.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';
import { createTestCollector, type TestCollector } from '../support/collector-app.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

let c: TestCollector;
const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });
const STEP = 15_000;
/** A bucket start well inside the last 15 minutes, so that every point below lands in the window. */
const base = Math.floor((Date.now() - 5 * 60_000) / STEP) * STEP;

interface PipelinesBody {
  step: number;
  pipelines: { name: string; hosts: string[]; metrics: { metric: string; min: number; max: number; ts: number; series: number }[]; sparklines: { metric: string; points: [number, number][] }[] }[];
}

async function ingest(points: Point[]): Promise<void> {
  const res = await c.app.inject({ method: 'POST', url: '/api/v1/ingest', payload: { agent: 'dash-test', batchId: uniqueName('b'), points }, headers: auth(c.tokens.agent) });
  assert.equal(res.statusCode, 200, res.body);
}

interface Answer<T> { statusCode: number; body: T; raw: string }

async function get<T>(url: string, token = c.tokens.viewer): Promise<Answer<T>> {
  const res = await c.app.inject({ url, headers: auth(token) });
  return { statusCode: res.statusCode, body: res.json(), raw: res.body };
}

const lag = (pipeline: string, metric: string, ts: number, value: number, extra: Record<string, string> = {}): Point =>
  ({ ts, metric, labels: { pipeline, host: 'db-1', ...extra }, value });

before(async () => {
  c = await createTestCollector();
  await ingest([
    // orders: two points in one bucket (the sparkline keeps the larger), one in the next; a second measure.
    lag('orders', 'mysql_heartbeat_lag_seconds', base + 1000, 2),
    lag('orders', 'mysql_heartbeat_lag_seconds', base + 2000, 5),
    lag('orders', 'mysql_heartbeat_lag_seconds', base + STEP + 1000, 1.5),
    lag('orders', 'mysql_seconds_behind_master', base + STEP + 1000, 0),
    // events: two Kafka partitions, the pipeline's lag is its worst partition.
    lag('events', 'kafka_consumer_time_lag_seconds', base + 1000, 7, { group: 'g', topic: 't', partition: '0' }),
    lag('events', 'kafka_consumer_time_lag_seconds', base + 1000, 3, { group: 'g', topic: 't', partition: '1' }),
    lag('events', 'kafka_partition_window_status', base + 1000, 2, { group: 'g', topic: 't', partition: '0' }),
    { ts: base + 1000, metric: 'host_cpu_percent', labels: { host: 'db-1' }, value: 42 },
    { ts: base + 2000, metric: 'host_cpu_percent', labels: { host: 'db-1' }, value: 43 },
  ]);
  await waitFor('the test points to be stored', async () => {
    const rows = await c.storage.query<{ n: number }>(`SELECT count() AS n FROM ${qualified(c.storage.database, TABLES.metricPoints)}`);
    return rows[0]?.n === 9;
  });
});
after(async () => { await c.close(); });

describe('GET /api/v1/pipelines', () => {
  it('lists each pipeline with its hosts, newest values across series and bucketed sparklines', async () => {
    const res = await get<PipelinesBody>(`/api/v1/pipelines?step=${STEP}`);
    assert.equal(res.statusCode, 200, res.raw);
    assert.deepEqual(res.body.pipelines.map((p) => p.name), ['events', 'orders']);
    const [events, orders] = res.body.pipelines;
    assert.ok(events !== undefined && orders !== undefined);
    assert.deepEqual(orders.hosts, ['db-1']);
    assert.deepEqual(orders.metrics.map((m) => [m.metric, m.max, m.ts, m.series]), [
      ['mysql_heartbeat_lag_seconds', 1.5, base + STEP + 1000, 1],
      ['mysql_seconds_behind_master', 0, base + STEP + 1000, 1],
    ]);
    // Only lag metrics get sparklines; buckets start at multiples of the step and keep the largest value.
    assert.deepEqual(orders.sparklines, [{ metric: 'mysql_heartbeat_lag_seconds', points: [[base, 5], [base + STEP, 1.5]] }]);
    const time = events.metrics.find((m) => m.metric === 'kafka_consumer_time_lag_seconds');
    assert.deepEqual(time && [time.min, time.max, time.series], [3, 7, 2]);
    assert.deepEqual(events.sparklines, [{ metric: 'kafka_consumer_time_lag_seconds', points: [[base, 7]] }]);
  });

  it('leaves out pipelines outside the window and refuses too many sparkline points', async () => {
    const res = await get<PipelinesBody>('/api/v1/pipelines?windowMs=60000');
    assert.equal(res.statusCode, 200, res.raw);
    assert.deepEqual(res.body.pipelines, []);
    const bad = await get<{ error: { code: string; message: string } }>('/api/v1/pipelines?windowMs=86400000&step=1000');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body.error.message, /querystring\.step/);
  });

  it('needs a token that may read', async () => {
    assert.equal((await c.app.inject({ url: '/api/v1/pipelines' })).statusCode, 401);
    assert.equal((await get('/api/v1/pipelines', c.tokens.agent)).statusCode, 403);
  });
});

describe('GET /api/v1/latest', () => {
  it('returns the newest point of every series of the asked metrics, filtered by pipeline', async () => {
    const res = await get<{ points: { metric: string; labels: Record<string, string>; ts: number; value: number }[] }>(
      '/api/v1/latest?metric=kafka_consumer_time_lag_seconds&metric=kafka_partition_window_status&pipeline=events&windowMs=3600000',
    );
    assert.equal(res.statusCode, 200, res.raw);
    assert.deepEqual(res.body.points.map((p) => [p.metric, p.labels['partition'], p.value]), [
      ['kafka_consumer_time_lag_seconds', '0', 7],
      ['kafka_consumer_time_lag_seconds', '1', 3],
      ['kafka_partition_window_status', '0', 2],
    ]);
  });

  it('takes a single metric and a host filter', async () => {
    const res = await get<{ points: { metric: string; ts: number; value: number }[] }>('/api/v1/latest?metric=host_cpu_percent&host=db-1&windowMs=3600000');
    assert.equal(res.statusCode, 200, res.raw);
    assert.deepEqual(res.body.points.map((p) => [p.metric, p.ts, p.value]), [['host_cpu_percent', base + 2000, 43]]);
  });

  it('rejects a request without a metric, naming the parameter', async () => {
    const res = await get<{ error: { message: string } }>('/api/v1/latest');
    assert.equal(res.statusCode, 400);
    assert.match(res.body.error.message, /metric/);
  });
});

describe('GET /api/v1/alert-events', () => {
  it('returns stored transitions newest first, filtered by pipeline', async () => {
    const now = Date.now();
    const row = (at: number, event: string, pipeline: string): Record<string, unknown> => ({
      at, fingerprint: '0123456789abcdef', rule: 'lag_high', event, state: event === 'acknowledged' ? 'firing' : event, severity: 'critical',
      labels: { alertname: 'lag_high', pipeline }, annotations: { summary: 'lag' }, value: 42, actor: event === 'acknowledged' ? 'ops' : '',
    });
    await c.storage.insert(qualified(c.storage.database, TABLES.alertEvents), [row(now - 3000, 'firing', 'orders'), row(now - 2000, 'acknowledged', 'orders'), row(now - 1000, 'firing', 'events')]);
    const res = await get<{ events: { at: number; event: string; actor: string; labels: Record<string, string> }[] }>('/api/v1/alert-events?pipeline=orders');
    assert.equal(res.statusCode, 200, res.raw);
    assert.deepEqual(res.body.events.map((e) => [e.at, e.event, e.actor]), [[now - 2000, 'acknowledged', 'ops'], [now - 3000, 'firing', '']]);
    const all = await get<{ events: unknown[] }>('/api/v1/alert-events?limit=2');
    assert.equal(all.body.events.length, 2);
    const bad = await get<{ error: { message: string } }>('/api/v1/alert-events?from=yesterday');
    assert.equal(bad.statusCode, 400);
    assert.match(bad.body.error.message, /querystring\.from/);
  });
});
