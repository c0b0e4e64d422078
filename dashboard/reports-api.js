// @ts-check
// The reports endpoints (collector/routes/reports.ts) as the page calls them: the pairs and their chains, and a
// point-in-time consistency report as signed JSON, CSV of its differences or printable HTML — kept as the exact
// text the collector sent, so that a saved JSON still verifies against its signature.
import { apiCall, apiGetText } from './api.js';

/**
 * @typedef {object} ChainStatus
 * @property {string} pair
 * @property {boolean} intact
 * @property {number} length finished runs in the chain
 * @property {string | null} head
 * @property {number} headSeq
 * @property {{ chainSeq: number, runId: string, reason: string } | null} broken
 */

/** @typedef {{ total: number }} DiffSection */

/**
 * The part of a report pair section the page shows.
 * @typedef {object} ReportPair
 * @property {string} pair
 * @property {boolean} configured
 * @property {'consistent' | 'drift' | 'no-run'} outcome
 * @property {string} message
 * @property {{ id: string, finishedAt: string, verdict: string, source: { table: string, rows: number }, target: { table: string, rows: number }, differences: { found: number, confirmed: DiffSection, inFlight: DiffSection, suspected: DiffSection } } | null} run
 * @property {{ id: string, status: string, finishedAt: string, error: string } | null} newerUnfinishedAttempt
 * @property {ChainStatus} chain
 */

/**
 * A signed report document as the page reads it.
 * @typedef {object} ReportDocument
 * @property {{ at: string, generatedAt: string, requestedBy: string, scope: { pair: string | null }, summary: { pairs: number, consistent: number, drift: number, noRun: number, chainsIntact: boolean }, pairs: ReportPair[] }} body
 * @property {{ keyId: string, algorithm: string, signature: string }} signature
 */

/** @typedef {'json' | 'csv' | 'html'} ReportFormat */

/**
 * Every pair that is configured or has runs, with the state of its hash chain (auditor, admin).
 * @param {string} token
 * @returns {Promise<{ intact: boolean, checkedAt: string, pairs: ChainStatus[] }>}
 */
export function fetchChains(token) {
  return apiCall(token, 'GET', 'api/v1/reports/chain');
}

/**
 * A consistency report at `at` (ISO), of one pair or of all (pair undefined).
 * @param {string} token
 * @param {{ at: string, pair: string | undefined, format: ReportFormat }} request
 * @returns {Promise<{ text: string, type: string, filename: string | undefined }>}
 */
export function fetchReport(token, request) {
  return apiGetText(token, 'api/v1/reports/consistency', { at: request.at, pair: request.pair, format: request.format });
}

/**
 * Parses a JSON report as sent; throws when it is not a signed report document.
 * @param {string} text
 * @returns {ReportDocument}
 */
export function parseReport(text) {
  const doc = /** @type {Partial<ReportDocument>} */ (JSON.parse(text));
  if (typeof doc.body !== 'object' || typeof doc.signature !== 'object' || !Array.isArray(doc.body.pairs)) throw new Error('the collector sent something that is not a signed report');
  return /** @type {ReportDocument} */ (doc);
}

/**
 * Hands `text` to the browser as a downloaded file (the token never appears in a URL: the file is fetched first).
 * @param {string} text
 * @param {string} type
 * @param {string} filename
 */
export function saveFile(text, type, filename) {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = filename;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  // The download has taken its copy once the click has been handled.
  setTimeout(() => { URL.revokeObjectURL(url); }, 60_000);
}
