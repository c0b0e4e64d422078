// @ts-check
// The overview: counts, every pipeline as a tile (alerting ones first), and every host at a glance. Tiles are
// rendered through the frame scheduler; sparklines are drawn only for tiles on screen.
import { el, setText } from './dom.js';
import { enableGridKeys } from './grid-keys.js';
import { HostCard } from './host-card.js';
import { PipelineTile } from './pipeline-tile.js';

/** Re-render everything this often even without data, so ages and "no data for …" stay true. */
const TICK_MS = 5_000;
const STATE_RANK = { firing: 0, pending: 1, ok: 2 };

export class OverviewView {
  /** @type {Map<string, PipelineTile>} */
  #tiles = new Map();
  /** @type {Map<string, HostCard>} */
  #cards = new Map();
  /** @type {WeakMap<Element, PipelineTile>} */
  #tileOf = new WeakMap();
  #ctx;
  #windowMs;
  #grid;
  #hostGrid;
  #counts;
  #filter;
  #filterText = '';
  #observer;
  #ticker;
  /** Re-sorts the tiles once per frame at most, after alert states changed. */
  #sorter = { render: () => { this.#resort(); } };
  #header = { render: () => { this.#renderCounts(); } };

  /**
   * @param {HTMLElement} root the view's section
   * @param {import('./context.js').ViewContext} ctx
   * @param {number} windowMs sparkline span
   */
  constructor(root, ctx, windowMs) {
    this.#ctx = ctx;
    this.#windowMs = windowMs;
    this.#counts = {
      pipelines: el('span', { 'data-testid': 'pipeline-count', text: '0 pipelines' }),
      firing: el('a', { href: '#/alerts', class: 'count-firing', 'data-testid': 'firing-count', text: '0 firing' }),
      pending: el('span', { 'data-testid': 'pending-count', text: '0 pending' }),
      hosts: el('span', { 'data-testid': 'host-count', text: '0 hosts' }),
    };
    this.#filter = el('input', { type: 'search', id: 'pipeline-filter', placeholder: 'name contains…', autocomplete: 'off', spellcheck: 'false' });
    this.#grid = el('ul', { class: 'tile-grid', 'data-testid': 'pipeline-tiles', 'aria-label': 'Pipelines' });
    this.#hostGrid = el('ul', { class: 'host-grid', 'data-testid': 'host-cards', 'aria-label': 'Hosts' });
    root.replaceChildren(
      el('h2', { class: 'view-title', tabindex: '-1', text: 'Overview' }),
      el('p', { class: 'counts' }, [this.#counts.pipelines, ' · ', this.#counts.firing, ' · ', this.#counts.pending, ' · ', this.#counts.hosts]),
      el('div', { class: 'toolbar' }, [el('label', { for: 'pipeline-filter', text: 'Filter pipelines' }), this.#filter]),
      this.#grid,
      el('p', { class: 'empty-state', 'data-testid': 'no-pipelines', text: 'No pipeline has reported in the last 15 minutes. Lag probes label their points with a "pipeline" label; a tile appears with the first one.' }),
      el('h3', { class: 'section-title', text: 'Hosts' }),
      this.#hostGrid,
      el('p', { class: 'empty-state', text: 'No host has reported in the last 5 minutes.' }),
    );
    this.#filter.addEventListener('input', () => {
      this.#filterText = this.#filter.value.trim().toLowerCase();
      for (const tile of this.#tiles.values()) tile.element.hidden = !this.#matches(tile.name);
      this.#ctx.scheduler.mark(this.#header);
    });
    enableGridKeys(this.#grid, '.tile-link');
    this.#observer = new IntersectionObserver((entries) => {
      for (const entry of entries) {
        const tile = this.#tileOf.get(entry.target);
        if (tile === undefined) continue;
        tile.visible = entry.isIntersecting;
        if (tile.visible) this.#ctx.scheduler.mark(tile);
      }
    });
    this.#ticker = setInterval(() => { this.#markAll(); }, TICK_MS);
  }

  /**
   * A pipeline changed (or appeared).
   * @param {string} name
   */
  pipelineChanged(name) {
    let tile = this.#tiles.get(name);
    if (tile === undefined) {
      tile = new PipelineTile(name, this.#ctx, this.#windowMs);
      tile.element.hidden = !this.#matches(name);
      this.#tiles.set(name, tile);
      this.#tileOf.set(tile.element, tile);
      this.#grid.append(tile.element);
      this.#observer.observe(tile.element);
      this.#ctx.scheduler.mark(this.#sorter);
      this.#ctx.scheduler.mark(this.#header);
    }
    this.#ctx.scheduler.mark(tile);
  }

  /**
   * A host's figures changed (or it appeared).
   * @param {string} host
   */
  hostChanged(host) {
    let card = this.#cards.get(host);
    if (card === undefined) {
      card = new HostCard(host, this.#ctx);
      this.#cards.set(host, card);
      const next = [...this.#hostGrid.children].find((c) => c instanceof HTMLElement && (c.dataset['host'] ?? '') > host);
      this.#hostGrid.insertBefore(card.element, next ?? null);
      this.#ctx.scheduler.mark(this.#header);
    }
    this.#ctx.scheduler.mark(card);
  }

  /**
   * Alert states changed for these pipelines and hosts.
   * @param {{ pipelines: Set<string>, hosts: Set<string> }} touched
   */
  alertsChanged(touched) {
    for (const name of touched.pipelines) {
      const tile = this.#tiles.get(name);
      if (tile !== undefined) this.#ctx.scheduler.mark(tile);
    }
    for (const host of touched.hosts) {
      const card = this.#cards.get(host);
      if (card !== undefined) this.#ctx.scheduler.mark(card);
    }
    this.#ctx.scheduler.mark(this.#sorter);
    this.#ctx.scheduler.mark(this.#header);
  }

  /**
   * Verification runs changed for these pipelines: their tiles show the new verdict. A verified pair whose
   * pipeline reports no metric still gets a tile, so that its verdict is on the overview.
   * @param {Set<string>} touched
   */
  verificationsChanged(touched) {
    for (const name of touched) this.pipelineChanged(name);
  }

  destroy() {
    clearInterval(this.#ticker);
    this.#observer.disconnect();
  }

  #markAll() {
    for (const tile of this.#tiles.values()) this.#ctx.scheduler.mark(tile);
    for (const card of this.#cards.values()) this.#ctx.scheduler.mark(card);
    this.#ctx.scheduler.mark(this.#header);
  }

  /** @param {string} name */
  #matches(name) {
    return this.#filterText === '' || name.toLowerCase().includes(this.#filterText);
  }

  #renderCounts() {
    const { alerts, hosts } = this.#ctx;
    const total = this.#tiles.size;
    const shown = [...this.#tiles.values()].filter((t) => !t.element.hidden).length;
    setText(this.#counts.pipelines, `${total} pipeline${total === 1 ? '' : 's'}${shown < total ? ` (${shown} shown)` : ''}`);
    const firing = alerts.firingCount();
    setText(this.#counts.firing, alerts.available === false ? 'alerting off' : `${firing} firing alert${firing === 1 ? '' : 's'}`);
    this.#counts.firing.dataset['count'] = String(firing);
    setText(this.#counts.pending, `${alerts.pendingCount()} pending`);
    setText(this.#counts.hosts, `${hosts.size} host${hosts.size === 1 ? '' : 's'}`);
  }

  /** Firing first, then pending, then by name; moves only the tiles that are out of place. */
  #resort() {
    const { alerts } = this.#ctx;
    const order = [...this.#tiles.values()]
      .map((tile) => ({ tile, rank: STATE_RANK[alerts.status('pipeline', tile.name).state] }))
      .sort((a, b) => a.rank - b.rank || (a.tile.name < b.tile.name ? -1 : a.tile.name > b.tile.name ? 1 : 0));
    let at = this.#grid.firstElementChild;
    for (const { tile } of order) {
      if (at === tile.element) at = at.nextElementSibling;
      else this.#grid.insertBefore(tile.element, at);
    }
  }
}
