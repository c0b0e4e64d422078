// @ts-check
// One pipeline on the overview: name, alert state (symbol + word + colour), current lag, a 15-minute sparkline,
// the last verification verdict, and how fresh the data is. The whole tile is a link to the pipeline view.
import { el, setData, setText } from './dom.js';
import { formatAge, formatValue } from './format.js';
import { headlineMetric, measureOf } from './lag-metrics.js';
import { Sparkline } from './sparkline.js';
import { paintBadge, statusBadge } from './status-text.js';
import { NO_VERIFICATIONS_TEXT } from './verifications.js';
import { runBadge } from './verdict-text.js';
import { routeHash } from './router.js';

/** Without a point for this long, a tile says "no data for …" instead of showing the value as current. */
export const STALE_MS = 60_000;

export class PipelineTile {
  /** @type {HTMLLIElement} */
  element;
  /** @type {HTMLAnchorElement} */
  link;
  /** Whether the tile is on screen (the overview's IntersectionObserver sets it); the sparkline is drawn only then. */
  visible = false;
  #name;
  #ctx;
  #windowMs;
  #badge;
  #value;
  #measure;
  #verdict;
  #freshness;
  #spark;

  /**
   * @param {string} name
   * @param {import('./context.js').ViewContext} ctx
   * @param {number} windowMs sparkline span
   */
  constructor(name, ctx, windowMs) {
    this.#name = name;
    this.#ctx = ctx;
    this.#windowMs = windowMs;
    this.#badge = el('span', { class: 'badge', 'data-testid': 'tile-state' });
    this.#value = el('span', { class: 'tile-value', 'data-testid': 'tile-lag', text: '–' });
    this.#measure = el('span', { class: 'tile-measure', text: 'no lag data' });
    this.#verdict = el('span', { class: 'tile-verdict', 'data-testid': 'tile-verification', text: NO_VERIFICATIONS_TEXT });
    this.#freshness = el('span', { class: 'tile-freshness', 'data-testid': 'tile-freshness' });
    this.#spark = new Sparkline(`lag of ${name}, last ${Math.round(windowMs / 60_000)} minutes`);
    this.link = el('a', { class: 'tile-link', href: routeHash({ view: 'pipeline', name, range: undefined }), title: name }, [
      el('span', { class: 'tile-name', text: name }),
      el('span', { class: 'tile-head' }, [this.#badge, this.#freshness]),
      el('span', { class: 'tile-reading' }, [this.#value, ' ', this.#measure]),
      this.#spark.element,
      el('span', { class: 'tile-foot' }, [this.#verdict]),
    ]);
    this.element = el('li', { class: 'tile', 'data-testid': 'pipeline-tile', 'data-pipeline': name, 'data-state': 'ok' }, [this.link]);
  }

  get name() {
    return this.#name;
  }

  /** @param {number} now */
  render(now) {
    const { pipelines, alerts } = this.#ctx;
    const state = pipelines.get(this.#name);
    const status = alerts.status('pipeline', this.#name);
    setData(this.element, 'state', status.state);
    setData(this.element, 'severity', status.severity ?? '');
    setData(this.element, 'acknowledged', String(status.acknowledged));
    paintBadge(this.#badge, statusBadge(status), status.state, status.severity);
    this.#renderVerdict(now);
    if (state === undefined) return;

    const metric = headlineMetric(state.metrics.keys());
    const current = metric === undefined ? undefined : pipelines.current(this.#name, metric);
    const measure = metric === undefined ? undefined : measureOf(metric);
    setText(this.#value, current === undefined || measure === undefined ? '–' : formatValue(current.value, measure.unit));
    setText(this.#measure, measure?.label ?? 'no lag metric');
    setData(this.element, 'lag', current === undefined ? '' : String(current.value));
    setData(this.element, 'lagMetric', metric ?? '');

    const stale = now - state.newestTs > STALE_MS;
    setData(this.element, 'fresh', String(!stale));
    setText(this.#freshness, state.newestTs === 0 ? 'no data' : stale ? `no data for ${formatAge(state.newestTs, now).replace(' ago', '')}` : 'live');

    const spark = metric === undefined ? undefined : state.sparks.get(metric);
    if (spark !== undefined) {
      spark.trim(now);
      setData(this.element, 'sparkBuckets', String(spark.times.length));
      setData(this.element, 'sparkLast', spark.times.length === 0 ? '' : String(spark.times[spark.times.length - 1]));
      if (this.visible) this.#spark.draw(spark.times, spark.values, now - this.#windowMs, now);
    }
  }

  /**
   * The last verdict in a symbol and words with its age ("✔ Consistent · 5 min ago"), and whether a run is going.
   * @param {number} now
   */
  #renderVerdict(now) {
    const { finished, running } = this.#ctx.runs.latest(this.#name);
    let text = NO_VERIFICATIONS_TEXT;
    let full = text;
    if (finished !== undefined) {
      const badge = runBadge(finished);
      const age = formatAge(finished.finishedAt ?? finished.startedAt, now);
      const also = running === undefined ? '' : ' · ◔ running';
      // A tile is narrow: "▲ Drift (3) · 5 min ago"; its title says "3 confirmed" in full.
      text = `${badge.icon} ${badge.outcome === 'drift' ? `Drift (${finished.confirmed})` : badge.text} · ${age}${also}`;
      full = `${badge.icon} ${badge.text} · ${age}${running === undefined ? '' : ' · another run is going now'}`;
    } else if (running !== undefined) {
      text = '◔ first verification running';
      full = text;
    }
    setText(this.#verdict, text);
    const title = `Last verification: ${full}`;
    if (this.#verdict.title !== title) this.#verdict.title = title;
    setData(this.#verdict, 'verdict', finished === undefined ? (running === undefined ? 'none' : 'running') : runBadge(finished).outcome);
    setData(this.#verdict, 'runId', finished?.id ?? '');
  }
}
