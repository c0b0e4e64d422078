// @ts-check
// The pipeline view's charts (its lag, its hosts' CPU and memory): one line per measure (the largest value of any
// series per bucket), the first unit on the left axis and any other on the right, over the chosen range. Live
// points fold into their buckets; the chart redraws at most once a second, whatever the rate of updates.
import { chartConstructor } from './charts.js';
import { formatDateTime, formatTime, formatValue } from './format.js';

const PALETTE = ['#2563eb', '#dc2626', '#059669', '#d97706', '#7c3aed', '#0891b2'];
/** Lines break across holes wider than this many buckets, and at least MIN_GAP_MS (the probe was silent). */
const GAP_BUCKETS = 3;
/** Probes that report less often than the bucket width must not look broken: a minute is a real hole. */
const MIN_GAP_MS = 60_000;
const MIN_REDRAW_MS = 1000;

/** @typedef {import('./lag-metrics.js').Measure} Measure */
/** @typedef {{ x: number, y: number }} XY */
/** @typedef {{ measure: Measure, buckets: Map<number, number>, dataset: import('chart.js').ChartDataset<'line', XY[]> & { data: XY[] } }} Line */

export class LagChart {
  /** @type {HTMLElement} */
  element;
  /** @type {import('chart.js').Chart<'line', XY[]> | undefined} */
  #chart;
  /** @type {Map<string, Line>} */
  #lines = new Map();
  #canvas;
  #legend;
  #from = 0;
  #to = 0;
  #stepMs = 1000;
  #rangeMs = 0;
  #lastDraw = 0;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  #later;
  #scheduler;

  /**
   * @param {string} title accessible name, e.g. "Lag of orders"
   * @param {import('./frame-scheduler.js').FrameScheduler} scheduler
   * @param {string} [testid] the figure's data-testid
   */
  constructor(title, scheduler, testid = 'lag-chart') {
    this.#scheduler = scheduler;
    this.#canvas = document.createElement('canvas');
    this.#canvas.setAttribute('role', 'img');
    this.#canvas.setAttribute('aria-label', title);
    this.#legend = document.createElement('ul');
    this.#legend.className = 'chart-legend';
    const box = document.createElement('div');
    box.className = 'lag-canvas-box';
    box.append(this.#canvas);
    this.element = document.createElement('figure');
    this.element.className = 'lag-chart';
    this.element.dataset['testid'] = testid;
    this.element.append(box, this.#legend);
  }

  /**
   * Replaces the data: measures with their series (as the series API returns them, already bucketed by `stepMs`).
   * A line is known by its `key` (default: the measure's metric), which live points name in add().
   * @param {{ key?: string, measure: Measure, series: import('./api.js').Series[] }[]} data
   * @param {{ from: number, to: number, stepMs: number }} window
   */
  setData(data, window) {
    this.#from = window.from;
    this.#to = window.to;
    this.#rangeMs = window.to - window.from;
    this.#stepMs = window.stepMs;
    this.#lines.clear();
    data.forEach(({ key, measure, series }, i) => {
      /** @type {Map<number, number>} */
      const buckets = new Map();
      for (const s of series) for (const [t, v] of s.points) buckets.set(t, Math.max(buckets.get(t) ?? -Infinity, v));
      const color = PALETTE[i % PALETTE.length] ?? '#000';
      this.#lines.set(key ?? measure.metric, {
        measure,
        buckets,
        // The second and later measures are dashed, so the lines differ by more than colour.
        dataset: { label: measure.label, data: [], borderColor: color, backgroundColor: color, borderDash: i === 0 ? [] : [6, 3], yAxisID: measure.unit },
      });
    });
    this.#rebuild();
    this.render(Date.now());
  }

  /**
   * Folds a live point of one of the lines into its bucket; the window slides with time.
   * @param {string} key the line's key (its metric unless setData gave another)
   * @param {number} ts
   * @param {number} value
   * @returns {boolean} whether it was one of this chart's lines
   */
  add(key, ts, value) {
    const line = this.#lines.get(key);
    if (line === undefined || !Number.isFinite(value)) return false;
    const bucket = Math.floor(ts / this.#stepMs) * this.#stepMs;
    line.buckets.set(bucket, Math.max(line.buckets.get(bucket) ?? -Infinity, value));
    this.#requestDraw();
    return true;
  }

  #requestDraw() {
    const wait = this.#lastDraw + MIN_REDRAW_MS - Date.now();
    if (wait <= 0) this.#scheduler.mark(this);
    else this.#later ??= setTimeout(() => { this.#later = undefined; this.#scheduler.mark(this); }, wait);
  }

  /** @param {number} now */
  render(now) {
    this.#lastDraw = now;
    this.#to = Math.max(this.#to, now);
    this.#from = this.#to - this.#rangeMs;
    let total = 0;
    for (const line of this.#lines.values()) {
      for (const t of line.buckets.keys()) if (t < this.#from - this.#stepMs) line.buckets.delete(t);
      line.dataset.data = withGaps([...line.buckets.entries()].sort((a, b) => a[0] - b[0]), this.#stepMs);
      total += line.buckets.size;
    }
    this.element.dataset['points'] = String(total);
    this.element.dataset['step'] = String(this.#stepMs);
    this.element.dataset['measures'] = [...this.#lines.keys()].join(' ');
    this.#renderLegend();
    const chart = this.#chart;
    if (chart === undefined) return;
    const x = chart.options.scales?.['x'];
    if (x) {
      x.min = this.#from;
      x.max = this.#to;
    }
    chart.data.datasets = [...this.#lines.values()].map((l) => l.dataset);
    chart.update('none');
  }

  destroy() {
    clearTimeout(this.#later);
    this.#chart?.destroy();
    this.#chart = undefined;
  }

  /** (Re)creates the chart for the current measures: axes depend on which units are present. */
  #rebuild() {
    this.#chart?.destroy();
    const units = [...new Set([...this.#lines.values()].map((l) => l.measure.unit))];
    const long = this.#rangeMs > 24 * 3600 * 1000;
    /** @type {Record<string, import('chart.js').ScaleOptionsByType<'linear'> | object>} */
    const scales = {
      x: { type: 'linear', ticks: { maxRotation: 0, maxTicksLimit: 8, callback: (v) => (long ? formatDateTime(Number(v)) : formatTime(Number(v))) } },
    };
    units.forEach((unit, i) => {
      scales[unit] = { type: 'linear', position: i === 0 ? 'left' : 'right', beginAtZero: true, grid: { drawOnChartArea: i === 0 }, ticks: { maxTicksLimit: 6, callback: (v) => formatValue(Number(v), unit) } };
    });
    const Chart = chartConstructor();
    this.#chart = new Chart(this.#canvas, {
      type: 'line',
      data: { datasets: [] },
      options: {
        animation: false,
        parsing: false,
        normalized: true,
        responsive: true,
        maintainAspectRatio: false,
        interaction: { mode: 'nearest', axis: 'x', intersect: false },
        // A bucket with no neighbour (a lone reading, or one across a hole) gets a dot, or it would not show at all.
        elements: { point: { radius: (c) => (isLone(/** @type {XY[]} */ (c.dataset.data), c.dataIndex) ? 2.5 : 0), hitRadius: 6, hoverRadius: 3 }, line: { borderWidth: 1.5, tension: 0 } },
        scales: /** @type {never} */ (scales),
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: (items) => (long ? formatDateTime(items[0]?.parsed.x ?? 0) : formatTime(items[0]?.parsed.x ?? 0, true)),
              label: (item) => {
                const line = [...this.#lines.values()][item.datasetIndex];
                return `${item.dataset.label ?? ''}: ${formatValue(item.parsed.y ?? undefined, line?.measure.unit ?? 'number')}`;
              },
            },
          },
        },
      },
    });
  }

  /** The legend in HTML: name, newest value in words, and the line style, for readers and tests alike. */
  #renderLegend() {
    const items = [...this.#lines.entries()].map(([key, line]) => {
      const newest = [...line.buckets.keys()].reduce((a, b) => Math.max(a, b), -Infinity);
      const value = line.buckets.get(newest);
      const li = document.createElement('li');
      li.dataset['metric'] = line.measure.metric;
      li.dataset['key'] = key;
      li.dataset['points'] = String(line.buckets.size);
      li.dataset['lastValue'] = value === undefined ? '' : String(value);
      const swatch = document.createElement('span');
      swatch.className = `swatch${(line.dataset.borderDash ?? []).length > 0 ? ' dashed' : ''}`;
      swatch.style.borderColor = String(line.dataset.borderColor);
      swatch.setAttribute('aria-hidden', 'true');
      const name = key === line.measure.metric ? `${line.measure.label} (${line.measure.metric})` : line.measure.label;
      li.append(swatch, `${name}: ${value === undefined ? 'no data in this range' : `newest ${formatValue(value, line.measure.unit)}`}`);
      return li;
    });
    this.#legend.replaceChildren(...items);
  }
}

/**
 * Points for chart.js with a NaN between buckets further apart than GAP_BUCKETS steps (and MIN_GAP_MS), so holes
 * show as holes.
 * @param {[number, number][]} sorted
 * @param {number} stepMs
 * @returns {XY[]}
 */
function withGaps(sorted, stepMs) {
  /** @type {XY[]} */
  const out = [];
  const gap = Math.max(GAP_BUCKETS * stepMs, MIN_GAP_MS);
  let prev;
  for (const [x, y] of sorted) {
    if (prev !== undefined && x - prev > gap) out.push({ x: prev + stepMs, y: NaN });
    out.push({ x, y });
    prev = x;
  }
  return out;
}

/**
 * Whether the point at `i` has no drawable neighbour on either side.
 * @param {XY[]} data
 * @param {number} i
 */
function isLone(data, i) {
  const prev = data[i - 1];
  const next = data[i + 1];
  return (prev === undefined || Number.isNaN(prev.y)) && (next === undefined || Number.isNaN(next.y));
}
