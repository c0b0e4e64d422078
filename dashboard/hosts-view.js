// @ts-check
// The hosts view: every host's charts for the last 15 minutes. Nothing is fetched or built until the view is
// first opened; from then on live points feed it and a reconnect refetches its window.
import { fetchSeries } from './api.js';
import { WINDOW_MS } from './charts.js';
import { el } from './dom.js';
import { HostBoard } from './host-board.js';
import { panelMetrics } from './panels.js';

export class HostsView {
  #ctx;
  #board;
  #active = false;
  /** @type {string | undefined} a host to scroll to once its section exists */
  #scrollTarget;

  /**
   * @param {HTMLElement} root
   * @param {import('./context.js').ViewContext} ctx
   */
  constructor(root, ctx) {
    this.#ctx = ctx;
    const hosts = el('div', { id: 'hosts', 'data-testid': 'hosts' });
    const empty = el('p', { class: 'empty-state no-hosts', text: 'No host has reported in the last 15 minutes. Agents send points every few seconds; charts appear with the first one.' });
    root.replaceChildren(el('h2', { class: 'view-title', tabindex: '-1', text: 'Hosts' }), hosts, empty);
    this.#board = new HostBoard(hosts, ctx.scheduler);
  }

  /**
   * Opens the view (loading its history the first time), scrolled to `host` when given.
   * @param {string | undefined} host
   */
  show(host) {
    this.#scrollTarget = host;
    if (!this.#active) {
      this.#active = true;
      void this.load();
    } else if (host !== undefined && this.#board.scrollTo(host)) {
      this.#scrollTarget = undefined;
    }
  }

  /**
   * A live point (ignored until the view was first opened).
   * @param {import('./host-board.js').LivePoint} p
   */
  pointAdded(p) {
    if (this.#active) this.#board.add(p);
  }

  /** Loads (again) the last 15 minutes of every host metric; overlapping points replace, never add. */
  async load() {
    if (!this.#active) return;
    const to = Date.now();
    const from = to - WINDOW_MS;
    const token = this.#ctx.token;
    try {
      const results = await Promise.all(panelMetrics().map(async (metric) => ({ metric, series: await fetchSeries(token, metric, from, to + 60_000) })));
      for (const { metric, series } of results) {
        for (const one of series) for (const [ts, value] of one.points) this.#board.add({ ts, metric, labels: one.labels, value });
      }
      if (this.#scrollTarget !== undefined && this.#board.scrollTo(this.#scrollTarget)) this.#scrollTarget = undefined;
    } catch (err) {
      this.#ctx.readFailed(err, 'host history');
    }
  }

  destroy() {
    this.#board.destroy();
  }
}
