// @ts-check
// What the page knows about each pipeline: its hosts, the newest value of every series of every metric it
// reports, and a sparkline per lag metric. Seeded from /api/v1/pipelines, then kept current by live points.
import { isLagMetric } from './lag-metrics.js';
import { SparkBuffer } from './spark-buffer.js';

/** A series not heard from for this long (relative to its metric's newest point) no longer counts (a removed partition). */
const SERIES_EXPIRY_MS = 2 * 60 * 1000;
/** Key of the one value a summary gives for a metric before live points name its series. */
const SUMMARY_KEY = '*';

/** @typedef {{ ts: number, value: number }} Sample */
/** @typedef {{ series: Map<string, Sample>, newest: number }} MetricState */

/**
 * @typedef {object} PipelineState
 * @property {string} name
 * @property {Set<string>} hosts
 * @property {Map<string, MetricState>} metrics metric name → its series
 * @property {Map<string, SparkBuffer>} sparks lag metric → sparkline
 * @property {number} newestTs newest point of any metric, epoch ms
 */

/**
 * @typedef {object} PipelinesBody the /api/v1/pipelines answer
 * @property {number} step
 * @property {{ name: string, hosts: string[], metrics: { metric: string, min: number, max: number, ts: number, series: number }[], sparklines: { metric: string, points: [number, number][] }[] }[]} pipelines
 */

/**
 * A label set as a map key (names sorted), without the pipeline and host every point of a pipeline carries.
 * @param {Readonly<Record<string, string>>} labels
 */
function seriesKey(labels) {
  return Object.keys(labels).filter((k) => k !== 'pipeline').sort().map((k) => `${k}=${labels[k] ?? ''}`).join(',');
}

export class PipelineStore {
  /** @type {Map<string, PipelineState>} */
  #pipelines = new Map();
  #stepMs;
  #windowMs;
  #onChange;

  /**
   * @param {{ stepMs: number, windowMs: number, onChange: (name: string, created: boolean) => void }} options
   *   stepMs/windowMs: sparkline buckets and span; onChange: after any change to a pipeline (created: first sight)
   */
  constructor(options) {
    this.#stepMs = options.stepMs;
    this.#windowMs = options.windowMs;
    this.#onChange = options.onChange;
  }

  get size() {
    return this.#pipelines.size;
  }

  /** Pipeline names, sorted. */
  names() {
    return [...this.#pipelines.keys()].sort();
  }

  /**
   * @param {string} name
   * @returns {PipelineState | undefined}
   */
  get(name) {
    return this.#pipelines.get(name);
  }

  /**
   * Merges an /api/v1/pipelines answer: sparkline buckets by maximum; a metric's value is replaced only when the
   * summary is newer than every series the page already has (after a reconnect), so live data is never rolled back.
   * @param {PipelinesBody} body
   */
  merge(body) {
    for (const p of body.pipelines) {
      const { state, created } = this.#ensure(p.name);
      for (const h of p.hosts) state.hosts.add(h);
      for (const m of p.metrics) {
        const metric = state.metrics.get(m.metric) ?? { series: new Map(), newest: 0 };
        state.metrics.set(m.metric, metric);
        if (m.ts > metric.newest) {
          metric.series.clear();
          metric.series.set(SUMMARY_KEY, { ts: m.ts, value: m.max });
          metric.newest = m.ts;
        }
        state.newestTs = Math.max(state.newestTs, m.ts);
      }
      for (const s of p.sparklines) {
        const spark = this.#spark(state, s.metric);
        for (const [t, v] of s.points) spark.add(t, v);
      }
      this.#onChange(p.name, created);
    }
  }

  /**
   * Applies one live point; returns the pipeline's name when it belongs to one.
   * @param {{ ts: number, metric: string, labels: Readonly<Record<string, string>>, value: number }} p
   * @returns {string | undefined}
   */
  addPoint(p) {
    const name = p.labels['pipeline'];
    if (name === undefined || name === '' || !Number.isFinite(p.value)) return undefined;
    const { state, created } = this.#ensure(name);
    const host = p.labels['host'];
    if (host !== undefined && host !== '') state.hosts.add(host);
    let metric = state.metrics.get(p.metric);
    if (metric === undefined) {
      metric = { series: new Map(), newest: 0 };
      state.metrics.set(p.metric, metric);
    }
    const key = seriesKey(p.labels);
    const known = metric.series.get(key);
    if (known === undefined || p.ts >= known.ts) metric.series.set(key, { ts: p.ts, value: p.value });
    if (p.ts > metric.newest) metric.newest = p.ts;
    // Once a series is newer than the summary's single value, the series speak for themselves.
    const summary = metric.series.get(SUMMARY_KEY);
    if (summary !== undefined && key !== SUMMARY_KEY && p.ts >= summary.ts) metric.series.delete(SUMMARY_KEY);
    if (p.ts > state.newestTs) state.newestTs = p.ts;
    if (isLagMetric(p.metric)) this.#spark(state, p.metric).add(p.ts, p.value);
    this.#onChange(name, created);
    return name;
  }

  /**
   * A pipeline's current value of a metric: the largest newest value of its live series (its worst partition,
   * replica, …), with the time of the newest point; undefined when it has none.
   * @param {string} name
   * @param {string} metricName
   * @returns {Sample | undefined}
   */
  current(name, metricName) {
    const metric = this.#pipelines.get(name)?.metrics.get(metricName);
    if (metric === undefined) return undefined;
    let value = -Infinity;
    for (const [key, s] of metric.series) {
      if (s.ts < metric.newest - SERIES_EXPIRY_MS) metric.series.delete(key);
      else if (s.value > value) value = s.value;
    }
    return value === -Infinity ? undefined : { ts: metric.newest, value };
  }

  /**
   * @param {string} name
   * @returns {{ state: PipelineState, created: boolean }}
   */
  #ensure(name) {
    const known = this.#pipelines.get(name);
    if (known !== undefined) return { state: known, created: false };
    /** @type {PipelineState} */
    const state = { name, hosts: new Set(), metrics: new Map(), sparks: new Map(), newestTs: 0 };
    this.#pipelines.set(name, state);
    return { state, created: true };
  }

  /**
   * @param {PipelineState} state
   * @param {string} metric
   */
  #spark(state, metric) {
    let spark = state.sparks.get(metric);
    if (spark === undefined) {
      spark = new SparkBuffer(this.#stepMs, this.#windowMs);
      state.sparks.set(metric, spark);
    }
    return spark;
  }
}
