// @ts-check
// The pipeline view's hosts over the same range as its lag — CPU busy and memory used per host — so that lag can
// be read against the load of the machines that carry the pipeline.
import { fetchSeries } from './api.js';
import { LagChart } from './lag-chart.js';

/** @type {readonly import('./lag-metrics.js').Measure[]} */
const TREND = [
  { metric: 'host_cpu_percent', label: 'CPU busy', unit: 'percent' },
  { metric: 'host_memory_used_percent', label: 'memory used', unit: 'percent' },
];
const TREND_METRICS = new Set(TREND.map((m) => m.metric));
/** More lines than this would make the chart unreadable; the host cards below list every host. */
const MAX_HOSTS = 4;

export class HostTrend {
  /** @type {Set<string>} */
  #hosts = new Set();
  #chart;

  /**
   * @param {string} title accessible name of the chart
   * @param {import('./frame-scheduler.js').FrameScheduler} scheduler
   */
  constructor(title, scheduler) {
    this.#chart = new LagChart(title, scheduler, 'host-chart');
  }

  get element() {
    return this.#chart.element;
  }

  /**
   * Loads CPU and memory of up to MAX_HOSTS hosts over [from, to) in `stepMs` buckets.
   * @param {string} token
   * @param {readonly string[]} hosts
   * @param {{ from: number, to: number, stepMs: number }} window
   */
  async load(token, hosts, window) {
    const chosen = [...hosts].sort().slice(0, MAX_HOSTS);
    const data = await Promise.all(chosen.flatMap((host) => TREND.map(async (measure) => ({
      key: `${measure.metric}|${host}`,
      measure: { ...measure, label: `${measure.label} ${host}` },
      series: await fetchSeries(token, measure.metric, window.from, window.to + 60_000, { host, step: window.stepMs }),
    }))));
    this.#hosts = new Set(chosen);
    this.#chart.setData(data, window);
  }

  /**
   * A live point: folded in when it is the CPU or memory of one of the charted hosts.
   * @param {import('./host-board.js').LivePoint} p
   */
  add(p) {
    const host = p.labels['host'];
    if (host === undefined || !TREND_METRICS.has(p.metric) || !this.#hosts.has(host)) return;
    this.#chart.add(`${p.metric}|${host}`, p.ts, p.value);
  }

  destroy() {
    this.#chart.destroy();
  }
}
