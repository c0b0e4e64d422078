// Reads for the dashboard's at-a-glance views: the newest value of each series, and per pipeline the newest value
// of every metric plus a bucketed sparkline of its lag metrics — aggregated in ClickHouse, not in the browser.
import type { Storage } from './storage.js';
import { TABLES, qualified } from './tables.js';

/** Agents' clocks run a little ahead at times: windows ending "now" reach this far past it. */
export const FUTURE_TOLERANCE_MS = 60_000;

/** Metric names that measure a pipeline's lag (`pg_replay_lag_seconds`, `redis_replica_offset_lag_bytes`, …). */
export const LAG_METRIC_PATTERN = '_lag_(seconds|bytes)$';

export interface LatestQuery {
  /** Metric names to read; at least one. */
  readonly metrics: readonly string[];
  /** Inclusive start of the window searched for each series' newest point, epoch ms. */
  readonly from: number;
  /** Exclusive end, epoch ms. */
  readonly to: number;
  readonly pipeline?: string | undefined;
  readonly host?: string | undefined;
  /** Upper bound on returned series. */
  readonly limit: number;
}

export interface LatestPoint {
  readonly metric: string;
  readonly labels: Readonly<Record<string, string>>;
  /** Epoch ms of the series' newest point in the window. */
  readonly ts: number;
  readonly value: number;
}

/** The newest point of every series (metric + label set) of `metrics` in the window, ordered by metric and labels. */
export async function queryLatest(storage: Storage, q: LatestQuery): Promise<LatestPoint[]> {
  const filters = ['metric IN {metrics:Array(String)}', 'ts >= fromUnixTimestamp64Milli({from:Int64})', 'ts < fromUnixTimestamp64Milli({to:Int64})'];
  if (q.pipeline !== undefined) filters.push('pipeline = {pipeline:String}');
  if (q.host !== undefined) filters.push('host = {host:String}');
  // Aggregates get their own names inside: an alias `ts` or `value` would replace the column everywhere, WHERE too.
  const sql = `
    SELECT metric, labels, newest AS ts, newest_value AS value FROM (
      SELECT metric, labels, toUnixTimestamp64Milli(max(ts)) AS newest, argMax(value, ts) AS newest_value
      FROM ${qualified(storage.database, TABLES.metricPoints)}
      WHERE ${filters.join(' AND ')}
      GROUP BY metric, labels
    )
    ORDER BY metric, toString(labels)
    LIMIT {limit:UInt32}`;
  return storage.query<LatestPoint>(sql, {
    metrics: [...q.metrics],
    from: q.from,
    to: q.to,
    limit: q.limit,
    ...(q.pipeline !== undefined ? { pipeline: q.pipeline } : {}),
    ...(q.host !== undefined ? { host: q.host } : {}),
  });
}

export interface PipelineMetric {
  readonly metric: string;
  /** Smallest and largest of the series' newest values (a pipeline's lag is its worst series: `max`). */
  readonly min: number;
  readonly max: number;
  /** Epoch ms of the newest point of any series. */
  readonly ts: number;
  /** Series (label sets) of this metric in the window, e.g. one per Kafka partition. */
  readonly series: number;
}

export interface PipelineSummary {
  readonly name: string;
  /** Hosts whose agents reported this pipeline in the window, sorted. */
  readonly hosts: readonly string[];
  readonly metrics: readonly PipelineMetric[];
  /** One per lag metric: the largest value of any series per bucket, `[bucketStartMs, value]` in time order. */
  readonly sparklines: readonly { readonly metric: string; readonly points: readonly (readonly [number, number])[] }[];
}

export interface PipelineQuery {
  readonly from: number;
  readonly to: number;
  /** Sparkline bucket width, ms; buckets start at multiples of it since the epoch. */
  readonly stepMs: number;
}

interface MetricRow extends PipelineMetric {
  readonly pipeline: string;
  readonly hosts: string[];
}

/** Every pipeline (the `pipeline` label) with points in the window, by name. */
export async function queryPipelines(storage: Storage, q: PipelineQuery): Promise<PipelineSummary[]> {
  const table = qualified(storage.database, TABLES.metricPoints);
  const window = "pipeline != '' AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})";
  const params = { from: q.from, to: q.to, step: q.stepMs, pattern: LAG_METRIC_PATTERN };
  // Newest point per series first, then per (pipeline, metric) across series.
  const metrics = await storage.query<MetricRow>(
    `SELECT pipeline, metric, min(v) AS min, max(v) AS max, max(t) AS ts, count() AS series, arraySort(groupUniqArray(host)) AS hosts
     FROM (
       SELECT pipeline, metric, any(host) AS host, argMax(value, ts) AS v, toUnixTimestamp64Milli(max(ts)) AS t
       FROM ${table} WHERE ${window}
       GROUP BY pipeline, metric, labels
     )
     GROUP BY pipeline, metric
     ORDER BY pipeline, metric`,
    params,
  );
  const sparks = await storage.query<{ pipeline: string; metric: string; points: [number, number][] }>(
    `SELECT pipeline, metric, arraySort(x -> x.1, groupArray((t, v))) AS points
     FROM (
       SELECT pipeline, metric, toUnixTimestamp64Milli(toStartOfInterval(ts, toIntervalMillisecond({step:UInt64}))) AS t, max(value) AS v
       FROM ${table} WHERE ${window} AND match(metric, {pattern:String})
       GROUP BY pipeline, metric, t
     )
     GROUP BY pipeline, metric`,
    params,
  );
  const byName = new Map<string, { hosts: Set<string>; metrics: PipelineMetric[]; sparklines: PipelineSummary['sparklines'][number][] }>();
  const entry = (name: string): { hosts: Set<string>; metrics: PipelineMetric[]; sparklines: PipelineSummary['sparklines'][number][] } => {
    let e = byName.get(name);
    if (e === undefined) {
      e = { hosts: new Set(), metrics: [], sparklines: [] };
      byName.set(name, e);
    }
    return e;
  };
  for (const r of metrics) {
    const e = entry(r.pipeline);
    for (const h of r.hosts) if (h !== '') e.hosts.add(h);
    e.metrics.push({ metric: r.metric, min: r.min, max: r.max, ts: r.ts, series: r.series });
  }
  for (const s of sparks) entry(s.pipeline).sparklines.push({ metric: s.metric, points: s.points });
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, e]) => ({ name, hosts: [...e.hosts].sort(), metrics: e.metrics, sparklines: e.sparklines.sort((a, b) => (a.metric < b.metric ? -1 : 1)) }));
}
