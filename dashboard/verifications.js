// @ts-check
// The verification runs API (collector/routes/verifications.ts) as the page uses it: runs newest first, one run,
// a run's differences page by page, and "verify now". Runs arrive as the API's view (ISO times) or as a `runs`
// topic message (epoch ms); both become one shape here. A collector that verifies nothing has no such routes
// (404): that is "not available", shown as a state, never as an error.
import { ApiError, apiCall } from './api.js';

/** @typedef {'running' | 'succeeded' | 'failed' | 'aborted'} RunStatus */
/** @typedef {'missing' | 'extra' | 'changed'} DiffKind */
/** @typedef {'in_flight' | 'suspected' | 'confirmed'} DiffClass */

/**
 * One verification run of a pair.
 * @typedef {object} VerificationRun
 * @property {string} id
 * @property {string} pair
 * @property {string} pipeline the pair's pipeline when the collector says it, else the pair's name
 * @property {RunStatus} status
 * @property {'consistent' | 'drift' | ''} verdict '' while running or when failed
 * @property {string} trigger schedule, api or resume
 * @property {string} triggeredBy
 * @property {number} attempt
 * @property {number} startedAt epoch ms
 * @property {number | null} finishedAt epoch ms, null while running
 * @property {string} error
 * @property {number} differences found by the comparison, before re-checks
 * @property {number} confirmed
 * @property {number} inFlight
 * @property {number} suspected
 * @property {number} sourceRows
 * @property {number} targetRows
 * @property {string} sourceTable
 * @property {string} targetTable
 * @property {number} segments
 * @property {number} segmentsDone
 */

/**
 * One classified difference of a run.
 * @typedef {object} Difference
 * @property {string[]} key the row's key values, in key-column order
 * @property {DiffKind} kind
 * @property {string[]} columns the differing columns (changed rows only)
 * @property {DiffClass} class
 * @property {number | null} firstSeen epoch ms
 * @property {number | null} lastSeen epoch ms
 * @property {number} durationMs how long it was seen differing
 * @property {number} rounds re-check rounds it went through
 */

/** @typedef {{ runId: string, total: number, offset: number, limit: number, differences: Difference[] }} DifferencePage */

/** @typedef {{ available: false, reason: string } | { available: true, runs: VerificationRun[], nextBefore: string | null }} Verifications */

export const DIFF_KINDS = /** @type {const} */ (['missing', 'extra', 'changed']);
export const DIFF_CLASSES = /** @type {const} */ (['confirmed', 'in_flight', 'suspected']);

/** Shown wherever a verdict would be. */
export const NO_VERIFICATIONS_TEXT = 'no verifications yet';

const NOT_SERVED = 'This collector verifies no pairs (it has no verification pairs configured, so no runs API).';

/**
 * Runs newest first, optionally of one pair; `before` is a previous answer's `nextBefore`.
 * @param {string} token
 * @param {{ pair?: string, limit?: number, before?: string }} [filter]
 * @returns {Promise<Verifications>}
 */
export async function fetchVerifications(token, filter = {}) {
  try {
    const body = /** @type {{ runs: unknown[], nextBefore?: string | null }} */ (await apiCall(token, 'GET', 'api/v1/verifications', { query: { limit: filter.limit ?? 50, pair: filter.pair, before: filter.before } }));
    return { available: true, runs: body.runs.map(toRun).filter((r) => r !== undefined), nextBefore: body.nextBefore ?? null };
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return { available: false, reason: NOT_SERVED };
    throw err;
  }
}

/**
 * One run with its current state.
 * @param {string} token
 * @param {string} id
 * @returns {Promise<VerificationRun>}
 */
export async function fetchRun(token, id) {
  const body = /** @type {{ run: unknown }} */ (await apiCall(token, 'GET', `api/v1/verifications/${encodeURIComponent(id)}`));
  const run = toRun(body.run);
  if (run === undefined) throw new Error(`the collector sent an unreadable run for ${id}`);
  return run;
}

/**
 * A page of a run's differences in key order, optionally of one kind and one class.
 * @param {string} token
 * @param {string} id
 * @param {{ kind?: DiffKind, class?: DiffClass, offset: number, limit: number }} page
 * @returns {Promise<DifferencePage>}
 */
export async function fetchDifferences(token, id, page) {
  const body = /** @type {{ runId: string, total: number, offset: number, limit: number, differences: Record<string, unknown>[] }} */ (
    await apiCall(token, 'GET', `api/v1/verifications/${encodeURIComponent(id)}/differences`, { query: { kind: page.kind, class: page.class, offset: page.offset, limit: page.limit } })
  );
  return { runId: body.runId, total: body.total, offset: body.offset, limit: body.limit, differences: body.differences.map(toDifference) };
}

/**
 * Starts a run of `pair` now (admin). A run already going is not an error here: its id comes back.
 * @param {string} token
 * @param {string} pair
 * @returns {Promise<{ id: string, alreadyRunning: boolean }>}
 */
export async function startVerification(token, pair) {
  try {
    const body = /** @type {{ id: string }} */ (await apiCall(token, 'POST', 'api/v1/verifications', { body: { pair } }));
    return { id: body.id, alreadyRunning: false };
  } catch (err) {
    if (err instanceof ApiError && err.code === 'SW_VERIFICATION_RUNNING' && typeof err.body['id'] === 'string') return { id: err.body['id'], alreadyRunning: true };
    throw err;
  }
}

/**
 * The run a `runs` topic message carries (`{type: "run", event, run}`), or undefined for anything else.
 * @param {unknown} message
 * @returns {VerificationRun | undefined}
 */
export function runFromMessage(message) {
  if (!isRecord(message) || message['type'] !== 'run') return undefined;
  return toRun(message['run']);
}

/**
 * A run from the API's view or a live message; undefined when it lacks an id or a pair.
 * @param {unknown} value
 * @returns {VerificationRun | undefined}
 */
export function toRun(value) {
  if (!isRecord(value)) return undefined;
  const id = str(value['id']);
  const pair = str(value['pair']);
  if (id === '' || pair === '') return undefined;
  const status = str(value['status']);
  const verdict = str(value['verdict']);
  const pipeline = str(value['pipeline']);
  return {
    id,
    pair,
    pipeline: pipeline === '' ? pair : pipeline,
    status: status === 'succeeded' || status === 'failed' || status === 'aborted' ? status : 'running',
    verdict: verdict === 'consistent' || verdict === 'drift' ? verdict : '',
    trigger: str(value['trigger']),
    triggeredBy: str(value['triggeredBy']),
    attempt: num(value['attempt']),
    startedAt: time(value['startedAt']) ?? 0,
    finishedAt: time(value['finishedAt']),
    error: str(value['error']),
    differences: num(value['differences']),
    confirmed: num(value['confirmed']),
    inFlight: num(value['inFlight']),
    suspected: num(value['suspected']),
    sourceRows: num(value['sourceRows']),
    targetRows: num(value['targetRows']),
    sourceTable: str(value['sourceTable']),
    targetTable: str(value['targetTable']),
    segments: num(value['segments']),
    segmentsDone: num(value['segmentsDone']),
  };
}

/**
 * @param {Record<string, unknown>} d
 * @returns {Difference}
 */
function toDifference(d) {
  const kind = str(d['kind']);
  const cls = str(d['class']);
  return {
    key: Array.isArray(d['key']) ? d['key'].map(String) : [String(d['key'])],
    kind: kind === 'missing' || kind === 'extra' ? kind : 'changed',
    columns: Array.isArray(d['columns']) ? d['columns'].map(String) : [],
    class: cls === 'in_flight' || cls === 'suspected' ? cls : 'confirmed',
    firstSeen: time(d['firstSeen']),
    lastSeen: time(d['lastSeen']),
    durationMs: num(d['durationMs']),
    rounds: num(d['rounds']),
  };
}

/**
 * Epoch ms from an ISO string or a number; null for none (0, null, '').
 * @param {unknown} v
 * @returns {number | null}
 */
function time(v) {
  if (typeof v === 'number') return v > 0 ? v : null;
  if (typeof v !== 'string' || v === '') return null;
  const ms = Date.parse(v);
  return Number.isNaN(ms) ? null : ms;
}

/** @param {unknown} v */
function str(v) {
  return typeof v === 'string' ? v : '';
}

/** @param {unknown} v */
function num(v) {
  return typeof v === 'number' && Number.isFinite(v) ? v : 0;
}

/**
 * @param {unknown} v
 * @returns {v is Record<string, unknown>}
 */
function isRecord(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
