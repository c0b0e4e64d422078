// The dashboard's DOM-free modules under node: sparkline buckets (merging is idempotent), the pipeline store
// (a summary never rolls live data back; the worst series is the lag), alert status per pipeline, routes, ranges.
// The page's modules are browser JavaScript without declarations, so they are loaded by URL and typed here by
// the smallest shape the test uses.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

interface SparkBuffer { times: number[]; values: number[]; add(ts: number, v: number): boolean; trim(now: number): void }
interface PipelineStore {
  merge(body: unknown): void;
  addPoint(p: { ts: number; metric: string; labels: Record<string, string>; value: number }): string | undefined;
  current(name: string, metric: string): { ts: number; value: number } | undefined;
  get(name: string): { sparks: Map<string, SparkBuffer>; hosts: Set<string> } | undefined;
}
interface AlertStore {
  load(alerts: unknown[]): void;
  apply(message: unknown): void;
  status(label: string, value: string): { state: string; severity: string | undefined; acknowledged: boolean; count: number };
  firingCount(): number;
  events(): { event: string }[];
}
interface Route { view: string; name?: string; range?: string; host?: string }

const load = async <T>(file: string): Promise<T> => (await import(new URL(`../../../dashboard/${file}`, import.meta.url).href)) as T;
const { SparkBuffer } = await load<{ SparkBuffer: new (step: number, window: number) => SparkBuffer }>('spark-buffer.js');
const { PipelineStore } = await load<{ PipelineStore: new (o: { stepMs: number; windowMs: number; onChange: (name: string, created: boolean) => void }) => PipelineStore }>('pipeline-store.js');
const { AlertStore } = await load<{ AlertStore: new (onChange: () => void) => AlertStore }>('alert-store.js');
const { parseRoute, routeHash } = await load<{ parseRoute: (h: string) => Route; routeHash: (r: Route) => string }>('router.js');
const { stepFor, readsRollups } = await load<{ stepFor: (ms: number) => number; readsRollups: (ms: number) => boolean }>('time-ranges.js');
const { headlineMetric, measuresFor } = await load<{ headlineMetric: (m: string[]) => string | undefined; measuresFor: (m: string[]) => { metric: string }[] }>('lag-metrics.js');
const { formatDuration } = await load<{ formatDuration: (s: number) => string }>('format.js');

describe('SparkBuffer', () => {
  it('keeps the largest value per bucket, in time order, and merging the same data twice changes nothing', () => {
    const b = new SparkBuffer(15_000, 900_000);
    for (const [t, v] of [[30_000, 2], [31_000, 5], [0, 1], [45_500, 3], [16_000, 4]] as const) b.add(t, v);
    assert.deepEqual([b.times, b.values], [[0, 15_000, 30_000, 45_000], [1, 4, 5, 3]]);
    assert.equal(b.add(31_000, 5), false, 'a repeat is not a change');
    assert.equal(b.add(44_999, 1), false, 'a smaller value in a bucket is not a change');
    b.trim(900_000 + 30_000);
    assert.deepEqual(b.times, [15_000, 30_000, 45_000]);
  });
});

describe('PipelineStore', () => {
  it('takes a summary, lets newer live series replace it, and reports the worst series as the lag', () => {
    const changed: string[] = [];
    const s = new PipelineStore({ stepMs: 15_000, windowMs: 900_000, onChange: (name, created) => { changed.push(`${name}:${created}`); } });
    s.merge({ step: 15_000, pipelines: [{ name: 'ev', hosts: ['k1'], metrics: [{ metric: 'kafka_consumer_time_lag_seconds', min: 1, max: 9, ts: 1000, series: 2 }], sparklines: [{ metric: 'kafka_consumer_time_lag_seconds', points: [[0, 9]] }] }] });
    assert.deepEqual(s.current('ev', 'kafka_consumer_time_lag_seconds'), { ts: 1000, value: 9 });
    const partition = (p: string, ts: number, value: number) => ({ ts, metric: 'kafka_consumer_time_lag_seconds', labels: { pipeline: 'ev', host: 'k1', partition: p }, value });
    assert.equal(s.addPoint(partition('0', 2000, 4)), 'ev');
    s.addPoint(partition('1', 2000, 6));
    assert.deepEqual(s.current('ev', 'kafka_consumer_time_lag_seconds'), { ts: 2000, value: 6 });
    // An older summary (fetched before these points) must not roll them back.
    s.merge({ step: 15_000, pipelines: [{ name: 'ev', hosts: [], metrics: [{ metric: 'kafka_consumer_time_lag_seconds', min: 1, max: 9, ts: 1000, series: 2 }], sparklines: [] }] });
    assert.equal(s.current('ev', 'kafka_consumer_time_lag_seconds')?.value, 6);
    assert.deepEqual(s.get('ev')?.sparks.get('kafka_consumer_time_lag_seconds')?.values, [9]);
    assert.equal(s.addPoint({ ts: 1, metric: 'host_cpu_percent', labels: { host: 'k1' }, value: 1 }), undefined, 'points without a pipeline label are not pipelines');
    assert.deepEqual(changed.slice(0, 2), ['ev:true', 'ev:false']);
  });
});

describe('AlertStore', () => {
  const alert = (id: string, state: string, severity: string, pipeline: string, ack: string | null = null) => ({
    id, rule: 'r', state, severity, labels: { alertname: 'r', pipeline }, annotations: {}, value: 1, activeAt: 1, firedAt: 1, resolvedAt: null, updatedAt: 1, acknowledgedBy: ack, acknowledgedAt: ack === null ? null : 2, silencedBy: [],
  });

  it('gives each pipeline the worst state of its alerts and follows live transitions', () => {
    const s = new AlertStore(() => undefined);
    s.load([alert('a', 'pending', 'critical', 'p1'), alert('b', 'firing', 'warning', 'p1'), alert('c', 'resolved', 'critical', 'p2')]);
    assert.deepEqual(s.status('pipeline', 'p1'), { state: 'firing', severity: 'warning', acknowledged: false, silenced: false, count: 2 });
    assert.equal(s.status('pipeline', 'p2').state, 'ok');
    s.apply({ type: 'alert', event: 'firing', at: 5, alert: alert('a', 'firing', 'critical', 'p1') });
    s.apply({ type: 'alert', event: 'acknowledged', at: 6, alert: alert('b', 'firing', 'warning', 'p1', 'ops') });
    assert.equal(s.status('pipeline', 'p1').severity, 'critical');
    assert.equal(s.status('pipeline', 'p1').acknowledged, false, 'one firing alert is not acknowledged yet');
    assert.equal(s.firingCount(), 2);
    s.apply({ type: 'alert', event: 'cancelled', at: 7, alert: alert('a', 'inactive', 'critical', 'p1') });
    assert.equal(s.status('pipeline', 'p1').acknowledged, true);
    assert.deepEqual(s.events().map((e) => e.event), ['cancelled', 'acknowledged', 'firing']);
  });
});

describe('routes, ranges, lag measures', () => {
  it('parses and formats every route, names included', () => {
    for (const route of [{ view: 'overview' }, { view: 'alerts' }, { view: 'hosts', host: undefined }, { view: 'hosts', host: 'db 1' }, { view: 'pipeline', name: 'orders/eu #1', range: '30d' }, { view: 'pipeline', name: 'x', range: undefined }]) {
      assert.deepEqual(parseRoute(routeHash(route)), route);
    }
    assert.deepEqual(parseRoute('#/nonsense'), { view: 'overview' });
    assert.deepEqual(parseRoute(''), { view: 'overview' });
  });

  it('reads ranges longer than an hour or so from the minute rollups', () => {
    assert.equal(stepFor(15 * 60_000), 1000);
    assert.equal(readsRollups(stepFor(6 * 3600_000)), false);
    assert.equal(stepFor(30 * 86_400_000), 48 * 60_000);
    assert.equal(readsRollups(stepFor(24 * 3600_000)), true);
  });

  it('picks the end-to-end heartbeat as the headline and charts both MySQL measures', () => {
    assert.equal(headlineMetric(['mysql_seconds_behind_master', 'mysql_heartbeat_lag_seconds', 'pg_replay_lag_seconds']), 'mysql_heartbeat_lag_seconds');
    assert.equal(headlineMetric(['custom_copy_lag_bytes', 'custom_copy_lag_seconds']), 'custom_copy_lag_seconds');
    assert.equal(headlineMetric(['host_cpu_percent']), undefined);
    assert.deepEqual(measuresFor(['mysql_heartbeat_lag_seconds']).map((m) => m.metric), ['mysql_heartbeat_lag_seconds', 'mysql_seconds_behind_master']);
    assert.equal(formatDuration(185), '3 min 05 s');
  });
});
