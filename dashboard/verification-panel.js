// @ts-check
// A pipeline's verification history through the verifications seam: a table of runs when the collector has them,
// otherwise a clear "no verifications yet" state that says why.
import { el } from './dom.js';
import { formatAge, formatDateTime } from './format.js';
import { NO_VERIFICATIONS_TEXT } from './verifications.js';

/**
 * Fills `root` with the runs, or with the empty state.
 * @param {HTMLElement} root
 * @param {import('./verifications.js').Verifications | undefined} verifications undefined while loading
 * @param {number} now
 */
export function renderVerifications(root, verifications, now) {
  const title = el('h3', { id: 'verifications-title', text: 'Verification history' });
  if (verifications === undefined) {
    root.replaceChildren(title, el('p', { class: 'muted', text: 'Loading…' }));
    return;
  }
  if (!verifications.available || verifications.runs.length === 0) {
    const why = verifications.available ? 'No run has finished for this pipeline.' : verifications.reason;
    root.replaceChildren(title, el('p', { class: 'empty-state', 'data-testid': 'no-verifications' }, [el('strong', { text: `${NO_VERIFICATIONS_TEXT[0]?.toUpperCase() ?? ''}${NO_VERIFICATIONS_TEXT.slice(1)}.` }), ` ${why}`]));
    return;
  }
  const head = el('tr', {}, ['Finished', 'Pair', 'Verdict', 'Differences'].map((h) => el('th', { scope: 'col', text: h })));
  const rows = verifications.runs.map((r) => el('tr', { 'data-testid': 'verification-run' }, [
    el('td', { text: `${formatDateTime(r.finishedAt)} (${formatAge(r.finishedAt, now)})` }),
    el('td', { text: r.pair }),
    el('td', {}, [el('span', { class: 'verdict', 'data-verdict': r.verdict, text: r.verdict })]),
    el('td', { class: 'num', text: String(r.differences) }),
  ]));
  root.replaceChildren(title, el('div', { class: 'table-scroll' }, [el('table', { class: 'data-table' }, [el('thead', {}, [head]), el('tbody', {}, rows)])]));
}
