// @ts-check
// What the page knows about lag metrics (agents/probes/lag-probes.md): which one is a pipeline's headline, the
// second measure a probe reports beside it (MySQL's heartbeat vs Seconds_Behind_Master), and their units.
// Adding a probe kind is one entry here; the views never name a metric.

/** @typedef {import('./format.js').Unit} Unit */

/**
 * @typedef {object} Measure
 * @property {string} metric
 * @property {string} label what the chart legend and the readouts call it
 * @property {Unit} unit
 */

/**
 * One probe kind's lag: its main measure and the others it reports for comparison.
 * @typedef {object} LagFamily
 * @property {string} kind
 * @property {Measure} main
 * @property {readonly Measure[]} also
 */

/**
 * In headline priority: end-to-end heartbeats first (they measure what users see), then engine-reported lag.
 * @type {readonly LagFamily[]}
 */
export const LAG_FAMILIES = [
  { kind: 'heartbeat', main: { metric: 'heartbeat_lag_seconds', label: 'heartbeat lag', unit: 'seconds' }, also: [] },
  {
    kind: 'mysql',
    main: { metric: 'mysql_heartbeat_lag_seconds', label: 'heartbeat lag', unit: 'seconds' },
    also: [{ metric: 'mysql_seconds_behind_master', label: 'Seconds_Behind_Master', unit: 'seconds' }],
  },
  { kind: 'files', main: { metric: 'files_sync_lag_seconds', label: 'sync lag', unit: 'seconds' }, also: [] },
  {
    kind: 'postgres',
    main: { metric: 'pg_replay_lag_seconds', label: 'replay lag', unit: 'seconds' },
    also: [{ metric: 'pg_wal_bytes_behind', label: 'WAL not replayed', unit: 'bytes' }],
  },
  {
    kind: 'postgres',
    main: { metric: 'pg_standby_replay_lag_seconds', label: 'standby replay lag', unit: 'seconds' },
    also: [{ metric: 'pg_standby_replay_bytes', label: 'standby replay gap', unit: 'bytes' }],
  },
  {
    kind: 'kafka',
    main: { metric: 'kafka_consumer_time_lag_seconds', label: 'consumer time lag', unit: 'seconds' },
    also: [{ metric: 'kafka_consumer_offset_lag', label: 'offset lag (messages)', unit: 'count' }],
  },
  {
    kind: 'redis',
    main: { metric: 'redis_replica_offset_lag_bytes', label: 'replica offset lag', unit: 'bytes' },
    also: [{ metric: 'redis_replica_last_io_seconds', label: 'since last replica I/O', unit: 'seconds' }],
  },
];

/** Kafka window state gauge emitted by the kafka probe (and matched by kafka_window alert rules). */
export const KAFKA_WINDOW_METRICS = ['kafka_partition_window_status'];
/** Codes of the window states, in order (the gauge's value is the index). */
export const KAFKA_WINDOW_STATES = ['OK', 'WARN', 'STALL', 'STOP', 'ERR'];
export const KAFKA_PARTITION_METRICS = ['kafka_consumer_time_lag_seconds', 'kafka_consumer_offset_lag', ...KAFKA_WINDOW_METRICS];

const LAG_PATTERN = /_lag_(seconds|bytes)$/;
/** @type {Map<string, { family: LagFamily, measure: Measure }>} */
const BY_METRIC = new Map();
for (const family of LAG_FAMILIES) for (const measure of [family.main, ...family.also]) if (!BY_METRIC.has(measure.metric)) BY_METRIC.set(measure.metric, { family, measure });

/**
 * Whether the metric measures lag (the server's sparkline rule: `*_lag_seconds`, `*_lag_bytes`).
 * @param {string} metric
 */
export function isLagMetric(metric) {
  return LAG_PATTERN.test(metric);
}

/**
 * The measure a metric stands for: from the catalogue, or derived from its name's unit suffix.
 * @param {string} metric
 * @returns {Measure}
 */
export function measureOf(metric) {
  const known = BY_METRIC.get(metric);
  if (known !== undefined) return known.measure;
  const unit = metric.endsWith('_seconds') ? 'seconds' : metric.endsWith('_bytes') ? 'bytes' : 'count';
  return { metric, label: metric.replace(/_/g, ' '), unit };
}

/**
 * Of the metrics a pipeline reports, the lag metric its tile shows: the catalogue's priority, else the first
 * `*_lag_seconds`, else the first `*_lag_bytes`; undefined when it reports no lag metric.
 * @param {Iterable<string>} metrics
 * @returns {string | undefined}
 */
export function headlineMetric(metrics) {
  const names = new Set(metrics);
  for (const family of LAG_FAMILIES) if (names.has(family.main.metric)) return family.main.metric;
  const sorted = [...names].filter(isLagMetric).sort();
  return sorted.find((m) => m.endsWith('_seconds')) ?? sorted[0];
}

/**
 * Every measure worth charting for a pipeline that reports `metrics`: each lag metric and its companions.
 * @param {Iterable<string>} metrics
 * @returns {Measure[]}
 */
export function measuresFor(metrics) {
  const names = [...new Set(metrics)];
  /** @type {Map<string, Measure>} */
  const out = new Map();
  const headline = headlineMetric(names);
  const lagMetrics = names.filter(isLagMetric).sort((a, b) => (a === headline ? -1 : b === headline ? 1 : a < b ? -1 : 1));
  for (const metric of lagMetrics) {
    out.set(metric, measureOf(metric));
    for (const also of BY_METRIC.get(metric)?.family.also ?? []) out.set(also.metric, also);
  }
  return [...out.values()];
}

/**
 * The probe kind a pipeline's metrics come from ("mysql", "kafka", …), or "pipeline" when unknown.
 * @param {Iterable<string>} metrics
 */
export function pipelineKind(metrics) {
  const headline = headlineMetric(metrics);
  return (headline === undefined ? undefined : BY_METRIC.get(headline)?.family.kind) ?? 'pipeline';
}

/**
 * A Kafka window state's name from its gauge value.
 * @param {number} value
 */
export function kafkaWindowState(value) {
  return (Number.isInteger(value) ? KAFKA_WINDOW_STATES[value] : undefined) ?? `code ${value}`;
}
