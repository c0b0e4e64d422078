// @ts-check
// A table of alerts (state in words and symbol, severity, rule and summary, labels, value, since, acknowledgement)
// with optional Acknowledge / Silence buttons; shared by the alerts view and the pipeline view.
import { el } from './dom.js';
import { formatAge, formatDateTime, formatNumber } from './format.js';
import { routeHash } from './router.js';
import { alertBadge, paintBadge } from './status-text.js';

/** @typedef {import('./alert-store.js').Alert} Alert */

/**
 * @typedef {object} AlertActions
 * @property {(alert: Alert, button: HTMLButtonElement) => void} acknowledge
 * @property {(alert: Alert) => void} silence
 */

/** Labels every alert has, not worth repeating in the labels column. */
const HIDDEN_LABELS = new Set(['alertname', 'severity']);

/**
 * A table element with a header row.
 * @param {string} testid
 * @param {boolean} withActions
 * @returns {{ table: HTMLElement, body: HTMLTableSectionElement }}
 */
export function alertTable(testid, withActions) {
  const heads = ['State', 'Severity', 'Alert', 'Labels', 'Value', 'Since', 'Acknowledged', ...(withActions ? ['Actions'] : [])];
  const body = el('tbody');
  const table = el('div', { class: 'table-scroll' }, [
    el('table', { class: 'data-table alert-table', 'data-testid': testid }, [el('thead', {}, [el('tr', {}, heads.map((h) => el('th', { scope: 'col', text: h })))]), body]),
  ]);
  return { table, body };
}

/**
 * Fills `body` with one row per alert.
 * @param {HTMLTableSectionElement} body
 * @param {Alert[]} alerts
 * @param {number} now
 * @param {AlertActions | undefined} actions buttons when given (admin)
 * @param {string} emptyText
 */
export function renderAlertRows(body, alerts, now, actions, emptyText) {
  if (alerts.length === 0) {
    const cols = actions === undefined ? 7 : 8;
    body.replaceChildren(el('tr', {}, [el('td', { colspan: cols, class: 'muted', text: emptyText })]));
    return;
  }
  body.replaceChildren(...alerts.map((a) => alertRow(a, now, actions)));
}

/**
 * @param {Alert} a
 * @param {number} now
 * @param {AlertActions | undefined} actions
 */
function alertRow(a, now, actions) {
  const badge = el('span', { class: 'badge' });
  paintBadge(badge, alertBadge(a), a.state, a.severity);
  const since = a.state === 'resolved' ? a.resolvedAt : a.state === 'firing' ? a.firedAt : a.activeAt;
  const summary = a.annotations['summary'] ?? a.annotations['description'] ?? '';
  const labels = Object.entries(a.labels).filter(([k]) => !HIDDEN_LABELS.has(k)).map(([k, v]) => {
    if (k === 'pipeline') return el('a', { class: 'label-chip', href: routeHash({ view: 'pipeline', name: v, range: undefined }), text: `${k}=${v}` });
    return el('span', { class: 'label-chip', text: `${k}=${v}` });
  });
  const cells = [
    el('td', {}, [badge]),
    el('td', { text: a.severity }),
    el('td', {}, [el('strong', { text: a.rule }), summary === '' ? null : el('div', { class: 'muted', text: summary })]),
    el('td', { class: 'labels' }, labels.flatMap((chip) => [chip, ' '])),
    el('td', { class: 'num', text: formatNumber(a.value) }),
    el('td', { text: since === null ? '–' : formatAge(since, now), title: since === null ? undefined : formatDateTime(since) }),
    el('td', { 'data-testid': 'ack-cell', text: a.acknowledgedBy === null ? (a.silencedBy.length > 0 ? 'no (silenced)' : 'no') : `by ${a.acknowledgedBy}${a.acknowledgedAt === null ? '' : `, ${formatAge(a.acknowledgedAt, now)}`}${a.silencedBy.length > 0 ? ' (silenced)' : ''}` }),
  ];
  if (actions !== undefined) {
    const buttons = [];
    if ((a.state === 'firing' || a.state === 'pending') && a.acknowledgedBy === null) {
      const ack = el('button', { type: 'button', class: 'small', 'aria-label': `Acknowledge ${a.rule}`, text: 'Acknowledge' });
      ack.addEventListener('click', () => { actions.acknowledge(a, ack); });
      buttons.push(ack);
    }
    if (a.state !== 'resolved') {
      const silence = el('button', { type: 'button', class: 'small secondary', 'aria-label': `Silence ${a.rule}`, text: 'Silence…' });
      silence.addEventListener('click', () => { actions.silence(a); });
      buttons.push(silence);
    }
    cells.push(el('td', { class: 'actions' }, buttons));
  }
  return el('tr', { 'data-testid': 'alert-row', 'data-alert-id': a.id, 'data-state': a.state, 'data-rule': a.rule, 'data-pipeline': a.labels['pipeline'] ?? '' }, cells);
}
