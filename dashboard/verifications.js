// @ts-check
// The seam for verification runs (issue 7): the one module that fetches them. The collector has no runs API yet,
// so every call answers "not available" and the views show a clear "no verifications yet" state; when the API
// lands, only this file changes.

/**
 * One finished verification run of a pair that belongs to a pipeline.
 * @typedef {object} VerificationRun
 * @property {string} id
 * @property {string} pipeline
 * @property {string} pair
 * @property {'consistent' | 'drift' | 'in-flight' | 'error'} verdict
 * @property {number} finishedAt epoch ms
 * @property {number} differences confirmed differences (0 when consistent)
 */

/**
 * @typedef {{ available: false, reason: string } | { available: true, runs: VerificationRun[] }} Verifications
 */

/** Shown wherever a verdict would be. */
export const NO_VERIFICATIONS_TEXT = 'no verifications yet';

/** @type {Verifications} */
const NOT_AVAILABLE = Object.freeze({ available: false, reason: 'This collector has no verification runs API yet.' });

/**
 * Runs of one pipeline (newest first), or of every pipeline when `pipeline` is undefined.
 * @param {string} _token
 * @param {{ pipeline?: string, limit?: number }} [_filter]
 * @returns {Promise<Verifications>}
 */
export function fetchVerifications(_token, _filter = {}) {
  return Promise.resolve(NOT_AVAILABLE);
}

/**
 * The newest run per pipeline, for the overview tiles.
 * @param {Verifications} verifications
 * @returns {Map<string, VerificationRun>}
 */
export function latestByPipeline(verifications) {
  /** @type {Map<string, VerificationRun>} */
  const out = new Map();
  if (!verifications.available) return out;
  for (const run of verifications.runs) {
    const known = out.get(run.pipeline);
    if (known === undefined || run.finishedAt > known.finishedAt) out.set(run.pipeline, run);
  }
  return out;
}
