// @ts-check
// One pipeline: its alert state, current readings of every lag measure, the lag chart over a chosen range (15 min
// to 30 days; long ranges read rollups), Kafka partitions, its hosts, its alerts and its verification history.
import { fetchLatest, fetchSeries } from './api.js';
import { renderAlertRows } from './alert-table.js';
import { el, setText } from './dom.js';
import { HostCard } from './host-card.js';
import { HostTrend } from './host-trend.js';
import { KafkaTable } from './kafka-table.js';
import { KAFKA_PARTITION_METRICS, measuresFor, pipelineKind } from './lag-metrics.js';
import { LagChart } from './lag-chart.js';
import { buildPipelineLayout, readouts, renderRangePicker } from './pipeline-layout.js';
import { paintBadge, statusBadge } from './status-text.js';
import { rangeById, readsRollups, stepFor, stepLabel } from './time-ranges.js';
import { VerificationPanel } from './verification-panel.js';

/** @typedef {import('./lag-metrics.js').Measure} Measure */

export class PipelineView {
  #root;
  #ctx;
  /** @type {string | undefined} */
  #name;
  #range = rangeById(undefined);
  /** @type {Measure[]} */
  #measures = [];
  /** @type {LagChart | undefined} */
  #chart;
  /** @type {KafkaTable | undefined} */
  #kafka;
  /** @type {HostTrend | undefined} */
  #hostTrend;
  /** @type {HostCard[]} */
  #hostCards = [];
  #loadSeq = 0;
  #parts;
  #verification;
  /** Renders the header, readouts, hosts and alerts (the chart and Kafka table render themselves). */
  #header = { render: (/** @type {number} */ now) => { this.#renderHeader(now); } };
  #kafkaRender = { render: () => { this.#kafka?.render(); } };

  /**
   * @param {HTMLElement} root
   * @param {import('./context.js').ViewContext} ctx
   */
  constructor(root, ctx) {
    this.#root = root;
    this.#ctx = ctx;
    this.#parts = buildPipelineLayout(root);
    this.#verification = new VerificationPanel(this.#parts.verifications, ctx);
  }

  /**
   * Shows `name` over the range `rangeId` (loads what changed), with the differences of run `runId` open if given.
   * @param {string} name
   * @param {string | undefined} rangeId
   * @param {string} [runId]
   */
  show(name, rangeId, runId) {
    const range = rangeById(rangeId);
    const samePipeline = name === this.#name;
    if (samePipeline && range.id === this.#range.id && this.#chart !== undefined) {
      if (runId !== undefined) this.#verification.openRun(runId);
      return;
    }
    this.#name = name;
    this.#range = range;
    renderRangePicker(this.#parts.picker, name, this.#range.id);
    if (!samePipeline) {
      setText(this.#parts.title, `Pipeline ${name}`);
      this.#parts.hostGrid.replaceChildren();
      this.#hostCards = [];
      this.#kafka = undefined;
      this.#parts.kafkaBox.replaceChildren();
      this.#hostTrend?.destroy();
      this.#hostTrend = undefined;
      this.#parts.hostChartBox.replaceChildren();
      this.#verification.show(name, runId);
    }
    void this.load();
  }

  /** Leaves the view: frees the charts. */
  hide() {
    this.#chart?.destroy();
    this.#chart = undefined;
    this.#hostTrend?.destroy();
    this.#hostTrend = undefined;
    this.#parts.hostChartBox.replaceChildren();
    this.#verification.hide();
    this.#name = undefined;
  }

  /** Loads the verification history again (after a reconnect). */
  reloadVerifications() {
    return this.#verification.reload();
  }

  /**
   * Verification runs changed for these pipelines.
   * @param {Set<string>} touched
   */
  verificationsChanged(touched) {
    if (this.#name !== undefined && touched.has(this.#name)) this.#verification.runsChanged();
  }

  /** The token's role became known: "verify now" is for an admin. */
  roleChanged() {
    this.#verification.roleChanged();
  }

  /** Reloads the charts and the partitions (after a reconnect, or once the pipeline's metrics are known). */
  async load() {
    const name = this.#name;
    if (name === undefined) return;
    const seq = ++this.#loadSeq;
    const state = this.#ctx.pipelines.get(name);
    this.#measures = measuresFor(state?.metrics.keys() ?? []);
    this.#ctx.scheduler.mark(this.#header);
    const to = Date.now();
    const window = { from: to - this.#range.ms, to, stepMs: stepFor(this.#range.ms) };
    setText(this.#parts.rangeNote, `${this.#range.label} in ${stepLabel(window.stepMs)} buckets ${readsRollups(window.stepMs) ? 'read from the 1-minute rollups' : 'read from raw points'}; each shows the largest value of any series (partition, replica).`);
    if (this.#measures.length === 0) {
      this.#chart?.destroy();
      this.#chart = undefined;
      this.#parts.chartBox.replaceChildren(el('p', { class: 'empty-state', text: state === undefined ? `No data from pipeline ${name} yet; waiting for its first point.` : `Pipeline ${name} reports no lag metric.` }));
      return;
    }
    const current = () => seq === this.#loadSeq && name === this.#name;
    try {
      const kafka = pipelineKind(state?.metrics.keys() ?? []) === 'kafka';
      await Promise.all([this.#loadLag(name, window, current), kafka ? this.#loadKafka(name, current) : undefined, this.#loadHosts(name, [...(state?.hosts ?? [])], window, current)]);
    } catch (err) {
      this.#ctx.readFailed(err, `pipeline ${name}`);
    }
  }

  /**
   * @param {string} name
   * @param {{ from: number, to: number, stepMs: number }} window
   * @param {() => boolean} current false once a newer load started or the view moved on
   */
  async #loadLag(name, window, current) {
    const data = await Promise.all(this.#measures.map(async (measure) => ({
      measure,
      series: await fetchSeries(this.#ctx.token, measure.metric, window.from, window.to + 60_000, { pipeline: name, step: window.stepMs }),
    })));
    if (!current()) return;
    if (this.#chart === undefined) {
      this.#chart = new LagChart(`Lag of pipeline ${name}`, this.#ctx.scheduler);
      this.#parts.chartBox.replaceChildren(this.#chart.element);
    }
    this.#chart.setData(data, window);
  }

  /**
   * @param {string} name
   * @param {() => boolean} current
   */
  async #loadKafka(name, current) {
    const points = await fetchLatest(this.#ctx.token, KAFKA_PARTITION_METRICS, { pipeline: name, windowMs: 10 * 60_000 });
    if (!current()) return;
    if (this.#kafka === undefined) {
      this.#kafka = new KafkaTable();
      this.#parts.kafkaBox.replaceChildren(this.#kafka.element);
    }
    for (const p of points) this.#kafka.add(p);
    this.#ctx.scheduler.mark(this.#kafkaRender);
  }

  /**
   * @param {string} name
   * @param {string[]} hosts
   * @param {{ from: number, to: number, stepMs: number }} window
   * @param {() => boolean} current
   */
  async #loadHosts(name, hosts, window, current) {
    if (hosts.length === 0) return;
    this.#hostTrend ??= new HostTrend(`CPU and memory of the hosts of pipeline ${name}`, this.#ctx.scheduler);
    this.#parts.hostChartBox.replaceChildren(this.#hostTrend.element);
    if (current()) await this.#hostTrend.load(this.#ctx.token, hosts, window);
  }

  /**
   * A live point: folds it into the chart and the partitions when it is this pipeline's.
   * @param {import('./host-board.js').LivePoint} p
   */
  pointAdded(p) {
    if (this.#name === undefined || p.labels['pipeline'] !== this.#name) return;
    this.#chart?.add(p.metric, p.ts, p.value);
    if (this.#kafka?.add(p) === true) this.#ctx.scheduler.mark(this.#kafkaRender);
  }

  /**
   * A live host point: folded into the hosts chart when it is one of this pipeline's hosts.
   * @param {import('./host-board.js').LivePoint} p
   */
  hostPointAdded(p) {
    this.#hostTrend?.add(p);
  }

  /**
   * The store changed for a pipeline (new readings, new metrics, new hosts).
   * @param {string} name
   */
  pipelineChanged(name) {
    if (name !== this.#name) return;
    const metrics = this.#ctx.pipelines.get(name)?.metrics.keys() ?? [];
    // A first point, or a new measure (the companion of a lag metric appeared): load again.
    if (measuresFor(metrics).length !== this.#measures.length) void this.load();
    this.#ctx.scheduler.mark(this.#header);
  }

  /** Alert states changed. */
  changed() {
    if (this.#name !== undefined) this.#ctx.scheduler.mark(this.#header);
  }

  /**
   * A host's figures changed: re-render when it is one of this pipeline's hosts.
   * @param {string} host
   */
  hostChanged(host) {
    if (this.#name !== undefined && this.#ctx.pipelines.get(this.#name)?.hosts.has(host) === true) this.#ctx.scheduler.mark(this.#header);
  }

  /** @param {number} now */
  #renderHeader(now) {
    const name = this.#name;
    if (name === undefined || this.#root.hidden) return;
    const { pipelines, alerts, hosts } = this.#ctx;
    const status = alerts.status('pipeline', name);
    paintBadge(this.#parts.badge, statusBadge(status), status.state, status.severity);
    this.#parts.readouts.replaceChildren(...readouts(this.#measures, (metric) => pipelines.current(name, metric), now));
    const hostNames = [...(pipelines.get(name)?.hosts ?? [])].sort();
    if (hostNames.join('\u0000') !== this.#hostCards.map((c) => c.element.dataset['host']).join('\u0000')) {
      this.#hostCards = hostNames.map((h) => new HostCard(h, this.#ctx));
      this.#parts.hostGrid.replaceChildren(...this.#hostCards.map((c) => c.element));
    }
    for (const card of this.#hostCards) card.render(now);
    if (hostNames.length === 0) this.#parts.hostGrid.replaceChildren(el('li', { class: 'muted', text: hosts.size === 0 ? 'No host data yet.' : 'No host reported this pipeline yet.' }));
    renderAlertRows(this.#parts.alerts.body, alerts.alertsFor('pipeline', name), now, undefined, 'No alert about this pipeline.');
  }
}

