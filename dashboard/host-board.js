// @ts-check
// The hosts view's charts: one section per host (in name order) with one chart per panel. Points are routed to
// their chart at once; charts are drawn through the frame scheduler, and only while their host is on screen
// (a section's charts are built the first time it scrolls into view).
import { ChartView } from './charts.js';
import { HOST_PANELS } from './panels.js';

/** Slides every visible chart's time axis even when no data arrives, so a silent host visibly goes flat. */
const TICK_MS = 5_000;

/**
 * @typedef {object} LivePoint
 * @property {number} ts
 * @property {string} metric
 * @property {Readonly<Record<string, string>>} labels
 * @property {number} value
 */

/** @typedef {{ panel: import('./panels.js').PanelSpec, spec: import('./panels.js').SeriesSpec }} Route */

/** metric name → the panels (and line families) that show it */
const ROUTES = /** @type {Map<string, Route[]>} */ (new Map());
for (const panel of HOST_PANELS) {
  for (const spec of panel.series) ROUTES.set(spec.metric, [...(ROUTES.get(spec.metric) ?? []), { panel, spec }]);
}

/**
 * A host name made safe for an element id; data-host keeps the exact name.
 * @param {string} host
 */
function idPart(host) {
  return host.replace(/[^A-Za-z0-9_-]/g, '_');
}

/** @typedef {{ section: HTMLElement, charts: Map<string, ChartView>, visible: boolean }} HostEntry */

export class HostBoard {
  /** @type {Map<string, HostEntry>} */
  #hosts = new Map();
  /** @type {WeakMap<Element, HostEntry>} */
  #bySection = new WeakMap();
  /** @type {WeakMap<ChartView, { render(now: number): void }>} scheduler items, one per chart */
  #renderables = new WeakMap();
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #ticker;
  #root;
  #scheduler;
  #observer;

  /**
   * @param {HTMLElement} root where host sections go
   * @param {import('./frame-scheduler.js').FrameScheduler} scheduler
   */
  constructor(root, scheduler) {
    this.#root = root;
    this.#scheduler = scheduler;
    this.#observer = new IntersectionObserver((entries) => {
      for (const e of entries) {
        const host = this.#bySection.get(e.target);
        if (host === undefined) continue;
        host.visible = e.isIntersecting;
        if (host.visible) this.#markHost(host);
      }
    }, { rootMargin: '200px 0px' });
    this.#ticker = setInterval(() => {
      for (const host of this.#hosts.values()) if (host.visible) this.#markHost(host);
    }, TICK_MS);
  }

  /**
   * Routes one point to its chart (creating the host's section on first sight); points of metrics or
   * without a `host` label that the host panel does not show are ignored.
   * @param {LivePoint} point
   */
  add(point) {
    const routes = ROUTES.get(point.metric);
    const host = point.labels['host'];
    if (routes === undefined || host === undefined || host === '') return;
    const entry = this.#hosts.get(host) ?? this.#addHost(host);
    for (const { panel, spec } of routes) {
      const chart = entry.charts.get(panel.id);
      if (chart?.add(spec, point.labels, point.ts, point.value)) this.#scheduler.mark(this.#renderable(chart, entry));
    }
  }

  /**
   * Scrolls a host's section into view, if it exists.
   * @param {string} host
   * @returns {boolean}
   */
  scrollTo(host) {
    const entry = this.#hosts.get(host);
    entry?.section.scrollIntoView({ block: 'start' });
    return entry !== undefined;
  }

  /** Removes every host and chart and stops the ticker (sign-out). */
  destroy() {
    clearInterval(this.#ticker);
    this.#observer.disconnect();
    for (const host of this.#hosts.values()) for (const chart of host.charts.values()) chart.destroy();
    this.#hosts.clear();
    this.#root.replaceChildren();
  }

  /**
   * The scheduler item that renders one chart: metadata always, pixels only while its host is on screen.
   * @param {ChartView} chart
   * @param {HostEntry} entry
   */
  #renderable(chart, entry) {
    let item = this.#renderables.get(chart);
    if (item === undefined) {
      item = { render: (now) => { chart.render(now, entry.visible); } };
      this.#renderables.set(chart, item);
    }
    return item;
  }

  /** @param {HostEntry} entry */
  #markHost(entry) {
    for (const chart of entry.charts.values()) this.#scheduler.mark(this.#renderable(chart, entry));
  }

  /**
   * @param {string} host
   * @returns {HostEntry}
   */
  #addHost(host) {
    const section = document.createElement('section');
    section.className = 'host';
    section.dataset['testid'] = 'host-panel';
    section.dataset['host'] = host;
    section.id = `host-${idPart(host)}`;
    const title = document.createElement('h3');
    title.id = `${section.id}-title`;
    title.textContent = host;
    section.setAttribute('aria-labelledby', title.id);
    const grid = document.createElement('div');
    grid.className = 'chart-grid';
    section.append(title, grid);
    const next = [...this.#root.children].find((el) => el instanceof HTMLElement && (el.dataset['host'] ?? '') > host);
    this.#root.insertBefore(section, next ?? null);

    /** @type {Map<string, ChartView>} */
    const charts = new Map();
    for (const panel of HOST_PANELS) {
      const { card, canvas } = chartCard(section.id, host, panel);
      grid.append(card);
      charts.set(panel.id, new ChartView(card, canvas, panel));
    }
    /** @type {HostEntry} */
    const entry = { section, charts, visible: false };
    this.#hosts.set(host, entry);
    this.#bySection.set(section, entry);
    this.#observer.observe(section);
    return entry;
  }
}

/**
 * The DOM of one chart: title, headline value, a sized box for the canvas and an empty-state note.
 * @param {string} sectionId
 * @param {string} host
 * @param {import('./panels.js').PanelSpec} panel
 */
function chartCard(sectionId, host, panel) {
  const card = document.createElement('figure');
  card.className = 'chart-card is-empty';
  card.id = `${sectionId}-${panel.id}`;
  card.dataset['testid'] = `chart-${panel.id}`;
  card.dataset['metrics'] = panel.series.map((s) => s.metric).join(' ');
  card.dataset['points'] = '0';
  card.dataset['lastValue'] = '';
  card.dataset['lastTs'] = '';
  const caption = document.createElement('figcaption');
  const title = document.createElement('span');
  title.className = 'chart-title';
  title.textContent = panel.title;
  const latest = document.createElement('span');
  latest.className = 'chart-latest';
  latest.dataset['testid'] = 'latest-value';
  latest.textContent = 'no data';
  caption.append(title, latest);
  const box = document.createElement('div');
  box.className = 'canvas-box';
  const canvas = document.createElement('canvas');
  canvas.setAttribute('role', 'img');
  canvas.setAttribute('aria-label', `${panel.title} on ${host}, last 15 minutes`);
  const empty = document.createElement('p');
  empty.className = 'empty-note';
  empty.textContent = 'Waiting for data…';
  box.append(canvas, empty);
  card.append(caption, box);
  return { card, canvas };
}
