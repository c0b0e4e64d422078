// @ts-check
// One signed report document on the page: its scope and time, the signing key, a row per pair (outcome in words,
// the run that answers for the time, its difference counts, whether the pair's chain of runs is intact), and
// downloads of the same report as signed JSON, CSV of the differences and printable HTML.
import { el } from './dom.js';
import { errorText, formatNumber } from './format.js';
import { fetchReport, saveFile } from './reports-api.js';

/** @typedef {import('./reports-api.js').ReportDocument} ReportDocument */
/** @typedef {import('./reports-api.js').ReportFormat} ReportFormat */

const OUTCOME = {
  consistent: { icon: '✔', text: 'Consistent' },
  drift: { icon: '▲', text: 'Drift' },
  'no-run': { icon: '–', text: 'No run by then' },
};

const FORMATS = /** @type {const} */ ([
  { format: 'json', label: 'signed JSON', type: 'application/json', ext: 'json' },
  { format: 'csv', label: 'CSV of differences', type: 'text/csv', ext: 'csv' },
  { format: 'html', label: 'printable HTML', type: 'text/html', ext: 'html' },
]);

/**
 * An ISO time as "2026-11-21 08:30:05 UTC" (reports speak UTC whatever the browser's zone).
 * @param {string} iso
 */
export function utcText(iso) {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;
}

/**
 * @param {{ token: string, doc: ReportDocument, jsonText: string, pair: string | undefined }} input
 *   jsonText: the signed JSON exactly as received (downloaded as is, so it still verifies)
 * @returns {HTMLElement}
 */
export function reportCard(input) {
  const { doc, pair } = input;
  const { body, signature } = doc;
  const s = body.summary;
  const scope = pair === undefined ? 'All pairs' : `Pair ${pair}`;
  const chain = s.chainsIntact ? { icon: '✔', text: 'every chain of runs intact' } : { icon: '✖', text: 'a chain of runs is BROKEN' };
  const status = el('p', { class: 'action-message', role: 'status', 'aria-live': 'polite', 'data-testid': 'report-download-status' });
  const head = el('tr', {}, ['Pair', 'Outcome', 'Run that answers for this time', 'Confirmed', 'In flight', 'Suspected', 'Chain of runs'].map((h) => el('th', { scope: 'col', text: h })));
  const rows = body.pairs.map((p) => {
    const o = OUTCOME[p.outcome];
    const run = p.run;
    const brokenChain = p.chain.broken;
    return el('tr', { 'data-testid': 'report-pair', 'data-pair': p.pair, 'data-outcome': p.outcome, 'data-chain': p.chain.intact ? 'intact' : 'broken' }, [
      el('td', {}, [el('strong', { text: p.pair }), p.configured ? null : el('div', { class: 'muted', text: 'no longer configured' })]),
      el('td', {}, [el('span', { class: 'verdict', 'data-verdict': p.outcome }, [el('span', { 'aria-hidden': 'true', text: o.icon }), ` ${o.text}`]), el('div', { class: 'muted', text: p.message })]),
      el('td', {}, run === null ? ['–'] : [
        `finished ${utcText(run.finishedAt)}`,
        el('div', { class: 'muted' }, [el('code', { text: run.id })]),
        p.newerUnfinishedAttempt === null ? null : el('div', { class: 'muted', text: `a newer run ${p.newerUnfinishedAttempt.status} (${p.newerUnfinishedAttempt.error || 'no verdict'})` }),
      ]),
      el('td', { class: 'num', text: run === null ? '–' : formatNumber(run.differences.confirmed.total) }),
      el('td', { class: 'num', text: run === null ? '–' : formatNumber(run.differences.inFlight.total) }),
      el('td', { class: 'num', text: run === null ? '–' : formatNumber(run.differences.suspected.total) }),
      el('td', {}, [
        el('span', { class: 'verdict', 'data-verdict': p.chain.intact ? 'consistent' : 'drift' }, [el('span', { 'aria-hidden': 'true', text: p.chain.intact ? '✔' : '✖' }), p.chain.intact ? ` intact (${p.chain.length} run${p.chain.length === 1 ? '' : 's'})` : ' BROKEN']),
        brokenChain === null ? null : el('div', { class: 'muted', text: `at seq ${brokenChain.chainSeq}: ${brokenChain.reason}` }),
      ]),
    ]);
  });
  const buttons = FORMATS.map((f) => {
    const button = el('button', { type: 'button', class: 'secondary', 'data-format': f.format, text: `Download ${f.label}` });
    button.addEventListener('click', () => { void download(input, f, button, status); });
    return button;
  });
  return el('article', { class: 'panel report-card', 'data-testid': 'report-card', 'data-scope': pair ?? '', 'data-key-id': signature.keyId, 'aria-label': `${scope} at ${utcText(body.at)}` }, [
    el('h3', { text: `${scope} as of ${utcText(body.at)}` }),
    el('p', { class: 'counts', 'data-testid': 'report-summary' }, [
      `${s.pairs} pair${s.pairs === 1 ? '' : 's'}: ${s.consistent} consistent, ${s.drift} with drift, ${s.noRun} without a run by then · `,
      el('span', { class: 'verdict', 'data-verdict': s.chainsIntact ? 'consistent' : 'drift' }, [el('span', { 'aria-hidden': 'true', text: chain.icon }), ` ${chain.text}`]),
    ]),
    el('p', { class: 'muted', 'data-testid': 'report-signature' }, [
      `Signed (${signature.algorithm}) with key `, el('code', { text: signature.keyId }),
      ` · generated ${utcText(body.generatedAt)} for ${body.requestedBy}`,
    ]),
    el('div', { class: 'table-scroll' }, [el('table', { class: 'data-table' }, [el('thead', {}, [head]), el('tbody', {}, rows)])]),
    el('div', { class: 'report-downloads', role: 'group', 'aria-label': `Download the report of ${scope.toLowerCase()}` }, buttons),
    status,
  ]);
}

/**
 * @param {{ token: string, doc: ReportDocument, jsonText: string, pair: string | undefined }} input
 * @param {(typeof FORMATS)[number]} f
 * @param {HTMLButtonElement} button
 * @param {HTMLElement} status
 */
async function download(input, f, button, status) {
  const stamp = input.doc.body.at.replace(/[:.]/g, '-');
  const fallback = `consistency-${input.pair ?? 'all'}-${stamp}.${f.ext}`;
  button.disabled = true;
  try {
    if (f.format === 'json') {
      saveFile(input.jsonText, f.type, fallback);
    } else {
      const got = await fetchReport(input.token, { at: input.doc.body.at, pair: input.pair, format: f.format });
      saveFile(got.text, got.type, input.pair === undefined ? (got.filename ?? fallback) : fallback);
    }
    status.textContent = `Saved the ${f.label} as a download.${f.format === 'html' ? ' Open it and print; it embeds the signed JSON.' : ''}`;
  } catch (err) {
    status.textContent = `Could not download the ${f.label}: ${errorText(err)}`;
  } finally {
    button.disabled = false;
  }
}
