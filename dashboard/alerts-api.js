// @ts-check
// The alerting endpoints (collector/routes/alerts.ts, silences.ts, alert-events.ts) as the page calls them.
import { apiCall } from './api.js';

/** @typedef {import('./alert-store.js').Alert} Alert */
/** @typedef {import('./alert-store.js').Silence} Silence */
/** @typedef {import('./alert-store.js').AlertEvent} AlertEvent */

/**
 * Current (pending, firing) and recently resolved alerts.
 * @param {string} token
 * @returns {Promise<Alert[]>}
 */
export async function fetchAlerts(token) {
  const body = /** @type {{ alerts: Alert[] }} */ (await apiCall(token, 'GET', 'api/v1/alerts', { query: { state: 'all' } }));
  return body.alerts;
}

/**
 * Stored transitions of the last `windowMs`, newest first.
 * @param {string} token
 * @param {{ windowMs?: number, limit?: number, pipeline?: string }} [filter]
 * @returns {Promise<AlertEvent[]>}
 */
export async function fetchAlertEvents(token, filter = {}) {
  const to = Date.now() + 1;
  const from = to - (filter.windowMs ?? 24 * 3600 * 1000);
  const query = { from: new Date(from).toISOString(), to: new Date(to).toISOString(), limit: filter.limit ?? 200, pipeline: filter.pipeline };
  const body = /** @type {{ events: (AlertEvent & { state: string })[] }} */ (await apiCall(token, 'GET', 'api/v1/alert-events', { query }));
  return body.events.map((e) => ({ at: e.at, id: e.id, rule: e.rule, event: e.event, severity: e.severity, labels: e.labels, value: e.value, actor: e.actor }));
}

/**
 * Acknowledges a pending or firing alert (admin).
 * @param {string} token
 * @param {string} id
 * @returns {Promise<Alert>}
 */
export async function acknowledgeAlert(token, id) {
  const body = /** @type {{ alert: Alert }} */ (await apiCall(token, 'POST', `api/v1/alerts/${encodeURIComponent(id)}/ack`));
  return body.alert;
}

/**
 * Creates a silence (admin).
 * @param {string} token
 * @param {{ matchers: string[], durationMs: number, comment: string }} silence
 * @returns {Promise<Silence>}
 */
export async function createSilence(token, silence) {
  const body = /** @type {{ silence: Silence }} */ (await apiCall(token, 'POST', 'api/v1/silences', { body: silence }));
  return body.silence;
}

/**
 * Active and pending silences (admin).
 * @param {string} token
 * @returns {Promise<Silence[]>}
 */
export async function fetchSilences(token) {
  const body = /** @type {{ silences: Silence[] }} */ (await apiCall(token, 'GET', 'api/v1/silences'));
  return body.silences;
}

/**
 * Ends a silence now (admin).
 * @param {string} token
 * @param {string} id
 * @returns {Promise<Silence>}
 */
export async function expireSilence(token, id) {
  const body = /** @type {{ silence: Silence }} */ (await apiCall(token, 'DELETE', `api/v1/silences/${encodeURIComponent(id)}`));
  return body.silence;
}
