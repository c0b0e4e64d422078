// @ts-check
// The shapes the alerting API and the `alerts` WebSocket topic deliver (collector/alerts/alert-record.ts,
// live-messages.ts, silences.ts), as the page reads them.
export {};

/**
 * The collector's AlertView (collector/alerts/alert-record.ts).
 * @typedef {object} Alert
 * @property {string} id
 * @property {string} rule
 * @property {'inactive' | 'pending' | 'firing' | 'resolved'} state
 * @property {'critical' | 'warning' | 'info'} severity
 * @property {Record<string, string>} labels
 * @property {Record<string, string>} annotations
 * @property {number | null} value
 * @property {number | null} activeAt
 * @property {number | null} firedAt
 * @property {number | null} resolvedAt
 * @property {number | null} updatedAt
 * @property {string | null} acknowledgedBy
 * @property {number | null} acknowledgedAt
 * @property {string[]} silencedBy
 */

/**
 * One entry of the history: a transition or an acknowledgement.
 * @typedef {{ at: number, id: string, rule: string, event: string, severity: string, labels: Record<string, string>, value: number | null, actor: string }} AlertEvent
 */

/** @typedef {{ id: string, matchers: string[], startsAt: number, endsAt: number, createdBy: string, comment: string, createdAt: number, updatedBy: string }} Silence */

/**
 * What the `alerts` topic carries (collector/alerts/live-messages.ts).
 * @typedef {{ type: 'alert', event: string, at: number, alert: Alert }
 *   | { type: 'silence', event: 'created' | 'expired', silence: Silence }
 *   | { type: 'delivery_failed', delivery: { id: string, receiver: string, attempts: number, lastError?: string | null } }} AlertsMessage
 */

/**
 * The worst state of the alerts about one pipeline or host.
 * @typedef {object} Status
 * @property {'ok' | 'pending' | 'firing'} state
 * @property {'critical' | 'warning' | 'info' | undefined} severity highest severity among the worst-state alerts
 * @property {boolean} acknowledged every firing alert is acknowledged
 * @property {boolean} silenced every firing alert is silenced
 * @property {number} count pending + firing alerts
 */
