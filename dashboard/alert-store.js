// @ts-check
// Alerts as the page knows them: the collector's current and recently resolved alerts (GET /api/v1/alerts),
// kept current by the `alerts` WebSocket topic, with an index by pipeline and host for the tiles and host cards,
// the transition history, and silences.

/** @typedef {import('./alert-types.js').Alert} Alert */
/** @typedef {import('./alert-types.js').AlertEvent} AlertEvent */
/** @typedef {import('./alert-types.js').Silence} Silence */
/** @typedef {import('./alert-types.js').AlertsMessage} AlertsMessage */
/** @typedef {import('./alert-types.js').Status} Status */

const SEVERITY_RANK = { critical: 3, warning: 2, info: 1 };
/** History entries kept in memory (the API serves older ones). */
const MAX_EVENTS = 500;

/** @type {Status} */
const OK = Object.freeze({ state: 'ok', severity: undefined, acknowledged: false, silenced: false, count: 0 });

/** @param {Alert} a */
export function isActive(a) {
  return a.state === 'pending' || a.state === 'firing';
}

/**
 * @param {Silence} s
 * @param {number} now
 * @returns {'pending' | 'active' | 'expired'}
 */
export function silenceStatus(s, now) {
  if (now >= s.endsAt) return 'expired';
  return now < s.startsAt ? 'pending' : 'active';
}

export class AlertStore {
  /** @type {Map<string, Alert>} */
  #alerts = new Map();
  /** @type {AlertEvent[]} newest first */
  #events = [];
  /** @type {Map<string, Silence>} */
  #silences = new Map();
  /** @type {string[]} */
  #deliveryFailures = [];
  #onChange;
  /** Whether this collector runs alerting (its API answered); undefined until known. */
  /** @type {boolean | undefined} */
  available = undefined;

  /** @param {(touched: { pipelines: Set<string>, hosts: Set<string> }) => void} onChange */
  constructor(onChange) {
    this.#onChange = onChange;
  }

  /**
   * Replaces every alert with the collector's list.
   * @param {Alert[]} alerts
   */
  load(alerts) {
    const touched = this.#touchedBy([...this.#alerts.values(), ...alerts]);
    this.#alerts = new Map(alerts.filter((a) => a.state !== 'inactive').map((a) => [a.id, a]));
    this.available = true;
    this.#onChange(touched);
  }

  /**
   * Replaces the history with stored events (newest first), keeping live ones newer than the newest stored.
   * @param {AlertEvent[]} events
   */
  loadEvents(events) {
    const newest = events[0]?.at ?? 0;
    const newer = this.#events.filter((e) => e.at > newest);
    this.#events = [...newer, ...events].slice(0, MAX_EVENTS);
    this.#onChange({ pipelines: new Set(), hosts: new Set() });
  }

  /** @param {Silence[]} silences */
  loadSilences(silences) {
    this.#silences = new Map(silences.map((s) => [s.id, s]));
    this.#onChange({ pipelines: new Set(), hosts: new Set() });
  }

  /**
   * Puts one alert as an API call returned it (after an acknowledgement), without adding to the history.
   * @param {Alert} alert
   */
  upsert(alert) {
    const before = this.#alerts.get(alert.id);
    this.#alerts.set(alert.id, alert);
    this.#onChange(this.#touchedBy(before === undefined ? [alert] : [before, alert]));
  }

  /**
   * Applies one `alerts` topic message.
   * @param {AlertsMessage} message
   */
  apply(message) {
    switch (message.type) {
      case 'alert': {
        const a = message.alert;
        const before = this.#alerts.get(a.id);
        if (a.state === 'inactive') this.#alerts.delete(a.id);
        else this.#alerts.set(a.id, a);
        this.#events.unshift({ at: message.at, id: a.id, rule: a.rule, event: message.event, severity: a.severity, labels: a.labels, value: a.value, actor: message.event === 'acknowledged' ? (a.acknowledgedBy ?? '') : '' });
        if (this.#events.length > MAX_EVENTS) this.#events.length = MAX_EVENTS;
        this.#onChange(this.#touchedBy(before === undefined ? [a] : [before, a]));
        return;
      }
      case 'silence':
        this.#silences.set(message.silence.id, message.silence);
        this.#onChange({ pipelines: new Set(), hosts: new Set() });
        return;
      case 'delivery_failed':
        this.#deliveryFailures.unshift(`${message.delivery.receiver}: gave up after ${message.delivery.attempts} attempts${message.delivery.lastError ? ` (${message.delivery.lastError})` : ''}`);
        this.#deliveryFailures.length = Math.min(this.#deliveryFailures.length, 20);
        this.#onChange({ pipelines: new Set(), hosts: new Set() });
        return;
    }
  }

  /** Pending and firing alerts, firing first, then by severity and start. */
  active() {
    return [...this.#alerts.values()].filter(isActive).sort((a, b) =>
      (a.state === b.state ? 0 : a.state === 'firing' ? -1 : 1) || SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] || (a.activeAt ?? 0) - (b.activeAt ?? 0));
  }

  /** Resolved alerts, newest first. */
  resolved() {
    return [...this.#alerts.values()].filter((a) => a.state === 'resolved').sort((a, b) => (b.resolvedAt ?? 0) - (a.resolvedAt ?? 0));
  }

  /** @param {string} id */
  get(id) {
    return this.#alerts.get(id);
  }

  /** History, newest first. */
  events() {
    return this.#events;
  }

  /** Silences, newest first. */
  silences() {
    return [...this.#silences.values()].sort((a, b) => b.createdAt - a.createdAt);
  }

  /** Webhook notifications given up on, newest first (since the page loaded). */
  deliveryFailures() {
    return this.#deliveryFailures;
  }

  firingCount() {
    let n = 0;
    for (const a of this.#alerts.values()) if (a.state === 'firing') n += 1;
    return n;
  }

  pendingCount() {
    let n = 0;
    for (const a of this.#alerts.values()) if (a.state === 'pending') n += 1;
    return n;
  }

  /**
   * The worst state of the alerts whose `label` is `value` (e.g. pipeline = "orders").
   * @param {'pipeline' | 'host'} label
   * @param {string} value
   * @returns {Status}
   */
  status(label, value) {
    /** @type {Alert[]} */
    const mine = [];
    for (const a of this.#alerts.values()) if (isActive(a) && a.labels[label] === value) mine.push(a);
    if (mine.length === 0) return OK;
    const firing = mine.filter((a) => a.state === 'firing');
    const worst = firing.length > 0 ? firing : mine;
    const severity = worst.reduce((top, a) => (SEVERITY_RANK[a.severity] > SEVERITY_RANK[top] ? a.severity : top), worst[0]?.severity ?? 'info');
    return {
      state: firing.length > 0 ? 'firing' : 'pending',
      severity,
      acknowledged: firing.length > 0 && firing.every((a) => a.acknowledgedBy !== null),
      silenced: firing.length > 0 && firing.every((a) => a.silencedBy.length > 0),
      count: mine.length,
    };
  }

  /**
   * @param {'pipeline' | 'host'} label
   * @param {string} value
   * @returns {Alert[]} active then resolved alerts with that label value
   */
  alertsFor(label, value) {
    return [...this.active(), ...this.resolved()].filter((a) => a.labels[label] === value);
  }

  /**
   * @param {Alert[]} alerts
   */
  #touchedBy(alerts) {
    const pipelines = new Set();
    const hosts = new Set();
    for (const a of alerts) {
      const p = a.labels['pipeline'];
      const h = a.labels['host'];
      if (p !== undefined) pipelines.add(p);
      if (h !== undefined) hosts.add(h);
    }
    return { pipelines, hosts };
  }
}
