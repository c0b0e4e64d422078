// @ts-check
// The pipeline view's page structure and its small renderers: the range picker (links, so a range is linkable)
// and the readouts of each lag measure.
import { alertTable } from './alert-table.js';
import { el } from './dom.js';
import { formatAge, formatValue } from './format.js';
import { routeHash } from './router.js';
import { TIME_RANGES } from './time-ranges.js';

/**
 * Builds the view's sections into `root`; returns the parts the view fills.
 * @param {HTMLElement} root
 */
export function buildPipelineLayout(root) {
  const p = {
    title: el('h2', { class: 'view-title', tabindex: '-1' }),
    badge: el('span', { class: 'badge', 'data-testid': 'pipeline-state' }),
    readouts: el('dl', { class: 'readouts', 'data-testid': 'pipeline-readouts' }),
    picker: el('div', { class: 'range-picker', role: 'group', 'aria-label': 'Time range' }),
    rangeNote: el('p', { class: 'muted', 'data-testid': 'range-note' }),
    chartBox: el('div'),
    kafkaBox: el('div'),
    hostChartBox: el('div'),
    hostGrid: el('ul', { class: 'host-grid', 'aria-label': 'Hosts of this pipeline' }),
    alerts: alertTable('pipeline-alerts', false),
    verifications: el('section', { class: 'panel', 'data-testid': 'verifications', 'aria-labelledby': 'verifications-title' }),
  };
  root.replaceChildren(
    el('p', { class: 'breadcrumbs' }, [el('a', { href: '#/overview', text: 'Overview' }), ' › pipeline']),
    el('div', { class: 'title-row' }, [p.title, p.badge]),
    p.readouts,
    el('section', { class: 'panel', 'aria-label': 'Lag over time' }, [el('div', { class: 'panel-head' }, [el('h3', { text: 'Lag' }), p.picker]), p.rangeNote, p.chartBox]),
    p.kafkaBox,
    el('section', { class: 'panel', 'aria-labelledby': 'p-hosts-title' }, [el('h3', { id: 'p-hosts-title', text: 'Hosts' }), p.hostChartBox, p.hostGrid]),
    el('section', { class: 'panel', 'aria-labelledby': 'p-alerts-title' }, [el('h3', { id: 'p-alerts-title' }, ['Alerts ', el('a', { href: '#/alerts', class: 'small-link', text: '(all alerts)' })]), p.alerts.table]),
    p.verifications,
  );
  return p;
}

/**
 * The range links of a pipeline, the current one marked with aria-current.
 * @param {HTMLElement} picker
 * @param {string} name
 * @param {string} currentId
 */
export function renderRangePicker(picker, name, currentId) {
  picker.replaceChildren(...TIME_RANGES.map((r) => el('a', {
    class: 'range-button',
    href: routeHash({ view: 'pipeline', name, range: r.id }),
    'aria-current': r.id === currentId ? 'true' : undefined,
    'data-range': r.id,
    text: r.label,
  })));
}

/**
 * The readouts list: each measure's name, current value and age.
 * @param {import('./lag-metrics.js').Measure[]} measures
 * @param {(metric: string) => { ts: number, value: number } | undefined} currentOf
 * @param {number} now
 * @returns {HTMLElement[]} dt/dd pairs
 */
export function readouts(measures, currentOf, now) {
  return measures.flatMap((m) => {
    const current = currentOf(m.metric);
    return [
      el('dt', { text: m.label }),
      el('dd', { 'data-metric': m.metric, 'data-value': current === undefined ? '' : String(current.value) }, [
        el('strong', { text: current === undefined ? '–' : formatValue(current.value, m.unit) }),
        el('span', { class: 'muted', text: current === undefined ? ' no recent point' : ` ${formatAge(current.ts, now)} · ${m.metric}` }),
      ]),
    ];
  });
}
