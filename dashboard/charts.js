// @ts-check
// One chart.js line chart for one panel of one host. It keeps its points sorted and de-duplicated by
// timestamp, holds at most the last 15 minutes, and redraws only when asked (host-board.js batches that and
// creates the chart.js instance only once the chart is on screen).
import { formatTime, formatValue } from './format.js';
import { dropBefore, insertPoint } from './point-buffer.js';

/** How much history a chart shows and keeps. */
export const WINDOW_MS = 15 * 60 * 1000;
/** Lines break where two points lie further apart than this (the agent was silent) instead of bridging the hole. */
const MAX_GAP_MS = 30_000;
/** A bound on memory while a hidden tab gets no animation frames (and so no trimming): ~1 point/s for 15 min. */
const MAX_POINTS_PER_LINE = 1_000;
const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2', '#db2777', '#4b5563'];

/** @typedef {import('./point-buffer.js').XY} XY */
/** @typedef {import('chart.js').Chart<'line', XY[]>} LineChart */
/** @typedef {import('chart.js').ChartDataset<'line', XY[]>} LineDataset */
/** @typedef {{ spec: import('./panels.js').SeriesSpec, dataset: LineDataset & { data: XY[] } }} Line */

/**
 * chart.js arrives as a classic script (the UMD build) that defines the global `Chart` before modules run.
 * @returns {typeof import('chart.js').Chart}
 */
export function chartConstructor() {
  const holder = /** @type {{ Chart?: typeof import('chart.js').Chart }} */ (/** @type {unknown} */ (globalThis));
  if (holder.Chart === undefined) throw new Error('chart.js did not load (vendor/chart.js/chart.umd.min.js)');
  return holder.Chart;
}

export class ChartView {
  /** @type {Map<string, Line>} */
  #lines = new Map();
  /** @type {LineChart | undefined} */
  #chart;
  /** @type {LineDataset[]} the chart's datasets, kept here so that points gather before the chart exists */
  #datasets = [];
  /** @type {HTMLCanvasElement} */
  #canvas;
  /** @type {HTMLElement} */
  #card;
  /** @type {import('./panels.js').PanelSpec} */
  #panel;

  /**
   * @param {HTMLElement} card the chart's container: gets data-points, data-last-value and data-last-ts
   * @param {HTMLCanvasElement} canvas
   * @param {import('./panels.js').PanelSpec} panel
   */
  constructor(card, canvas, panel) {
    this.#card = card;
    this.#canvas = canvas;
    this.#panel = panel;
  }

  /**
   * Creates the chart.js instance on first use: a host board of 50 hosts would otherwise build 300 charts,
   * most of them never scrolled into view.
   * @returns {LineChart}
   */
  #ensureChart() {
    if (this.#chart !== undefined) return this.#chart;
    const panel = this.#panel;
    const unit = panel.unit;
    const Chart = chartConstructor();
    /** @type {LineChart} */
    const chart = new Chart(this.#canvas, {
      type: 'line',
      // Filled with this.#datasets at every render.
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        // Only the newest point of each line gets a dot: it marks "now" and keeps a lone first point visible.
        elements: {
          point: { radius: (ctx) => (ctx.dataIndex === ctx.dataset.data.length - 1 ? 2.5 : 0), hitRadius: 6, hoverRadius: 3 },
          line: { borderWidth: 1.5, tension: 0 },
        },
        datasets: { line: { spanGaps: MAX_GAP_MS } },
        scales: {
          // A linear axis over epoch ms with our own labels avoids shipping a date adapter for chart.js's time scale.
          x: { type: 'linear', ticks: { stepSize: 3 * 60 * 1000, includeBounds: false, maxRotation: 0, callback: (v) => formatTime(Number(v)) } },
          y: { beginAtZero: true, max: panel.max, ticks: { maxTicksLimit: 5, callback: (v) => formatValue(Number(v), unit) } },
        },
        plugins: {
          legend: { display: false, position: 'bottom', labels: { boxWidth: 12, boxHeight: 2, font: { size: 11 } } },
          tooltip: {
            callbacks: {
              title: (items) => formatTime(items[0]?.parsed.x ?? 0, true),
              label: (item) => `${item.dataset.label ?? ''}: ${formatValue(item.parsed.y ?? undefined, unit)}`,
            },
          },
        },
      },
    });
    this.#chart = chart;
    return chart;
  }

  /**
   * Records one point; returns false when it was outside the window (nothing to redraw).
   * @param {import('./panels.js').SeriesSpec} spec
   * @param {Readonly<Record<string, string>>} labels
   * @param {number} ts epoch ms
   * @param {number} value
   * @returns {boolean}
   */
  add(spec, labels, ts, value) {
    if (ts < Date.now() - WINDOW_MS || !Number.isFinite(value)) return false;
    const part = spec.labelKey === undefined ? '' : (labels[spec.labelKey] ?? '');
    const key = `${spec.metric}\u0000${part}`;
    let line = this.#lines.get(key);
    if (line === undefined) {
      line = this.#newLine(spec, [spec.name, part].filter((s) => s !== '').join(' '));
      this.#lines.set(key, line);
    }
    insertPoint(line.dataset.data, ts, value);
    if (line.dataset.data.length > MAX_POINTS_PER_LINE) line.dataset.data.shift();
    return true;
  }

  /**
   * @param {import('./panels.js').SeriesSpec} spec
   * @param {string} label
   * @returns {Line}
   */
  #newLine(spec, label) {
    const color = PALETTE[this.#lines.size % PALETTE.length] ?? '#000';
    // The second family of a panel (write, tx) is dashed, so read/write differ by more than colour.
    const dashed = this.#panel.series.indexOf(spec) > 0;
    /** @type {Line['dataset']} */
    const dataset = { label, data: [], borderColor: color, backgroundColor: color, borderDash: dashed ? [5, 3] : [] };
    this.#datasets.push(dataset);
    return { spec, dataset };
  }

  /**
   * Trims to the window ending at `now` and refreshes the attributes tests and readers use instead of canvas
   * pixels; with `draw`, also slides the x axis there and redraws without animation.
   * @param {number} now epoch ms
   * @param {boolean} draw false while the chart is off screen
   */
  render(now, draw) {
    let points = 0;
    /** @type {XY | undefined} */
    let newest;
    for (const line of this.#lines.values()) {
      dropBefore(line.dataset.data, now - WINDOW_MS);
      points += line.dataset.data.length;
      const last = line.dataset.data.at(-1);
      if (last !== undefined && (newest === undefined || last.x >= newest.x)) newest = last;
    }
    this.#card.dataset['points'] = String(points);
    this.#card.dataset['lastValue'] = newest === undefined ? '' : String(newest.y);
    this.#card.dataset['lastTs'] = newest === undefined ? '' : String(newest.x);
    this.#card.classList.toggle('is-empty', points === 0);
    const headline = this.#card.querySelector('[data-testid="latest-value"]');
    if (headline) headline.textContent = this.#summary();
    if (!draw) return;
    const chart = this.#ensureChart();
    const options = chart.options;
    const x = options.scales?.['x'];
    if (x) {
      x.min = now - WINDOW_MS;
      x.max = now;
    }
    if (options.plugins?.legend) options.plugins.legend.display = this.#lines.size > 1;
    chart.data.datasets = this.#datasets;
    chart.update('none');
  }

  /** @returns {string} the headline beside the title, e.g. "read 1.2 MB/s · write 40 kB/s" */
  #summary() {
    const unit = this.#panel.unit;
    const latest = [...this.#lines.values()].flatMap((line) => {
      const last = line.dataset.data.at(-1);
      return last === undefined ? [] : [{ line, value: last.y, ts: last.x }];
    });
    if (latest.length === 0) return 'no data';
    switch (this.#panel.summary) {
      case 'latest':
        return formatValue(latest.reduce((a, b) => (b.ts >= a.ts ? b : a)).value, unit);
      case 'max': {
        const top = latest.reduce((a, b) => (b.value > a.value ? b : a));
        return `fullest ${top.line.dataset.label ?? ''}: ${formatValue(top.value, unit)}`;
      }
      case 'sumByName':
        return this.#panel.series
          .map((spec) => `${spec.name} ${formatValue(latest.filter((l) => l.line.spec === spec).reduce((sum, l) => sum + l.value, 0), unit)}`)
          .join(' · ');
    }
  }

  destroy() {
    this.#chart?.destroy();
  }
}
