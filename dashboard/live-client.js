// @ts-check
// Reconnecting WebSocket client for /ws. The token goes in the first message (a browser cannot set headers on
// a WebSocket, and a URL would leak it into logs); then it subscribes to live points, alert changes and verification runs. A dropped
// connection is retried with exponential backoff and jitter until stop() or until the server refuses the token.
// The collector sends a `heartbeat` message every live.heartbeatIntervalMs (15 s by default, announced in `ready`):
// a connection silent for three of those is treated as lost and replaced, since a dead network may never fire
// `close`. Without an announced interval (an older collector) silence proves nothing, so nothing is replaced.

/** The collector closes with this code when the token is unknown or may not read. */
export const CLOSE_UNAUTHORIZED = 4401;
const BASE_DELAY_MS = 1_000;
const MAX_DELAY_MS = 30_000;
/** Heartbeat periods of silence (no message at all) after which the connection is given up. */
export const SILENT_HEARTBEATS = 3;
const WATCHDOG_MS = 5_000;
const TOPICS = ['points', 'alerts', 'runs'];

/**
 * `live` is reported after every successful (re)subscription: the moment to refetch what may have been missed.
 * @typedef {{ state: 'connecting', attempt: number }
 *   | { state: 'live', reconnected: boolean }
 *   | { state: 'reconnecting', attempt: number, delayMs: number, reason: string }
 *   | { state: 'unauthorized', reason: string }} LiveStatus
 */

/**
 * @typedef {object} LiveClientOptions
 * @property {string} url ws:// or wss:// address of /ws
 * @property {string} token
 * @property {(points: import('./host-board.js').LivePoint[]) => void} onPoints
 * @property {(message: import('./alert-store.js').AlertsMessage) => void} onAlerts a message of the `alerts` topic
 * @property {(message: unknown) => void} [onRuns] a message of the `runs` topic (a verification run started, resumed or finished)
 * @property {(role: string) => void} onReady the token's role, as the collector said after authentication
 * @property {(status: LiveStatus) => void} onStatus
 * @property {number} [silenceLimitMs] give the connection up after this long without any message (default: three
 *   heartbeat periods as the collector announces them; none announced: never)
 */

/**
 * Delay before retry number `attempt` (1-based): 1 s, 2 s, 4 s … capped at 30 s, each scaled by a random
 * 50–100 % so that many dashboards do not reconnect in lockstep after a collector restart.
 * @param {number} attempt
 * @returns {number}
 */
export function backoffDelay(attempt) {
  const ceiling = Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** (attempt - 1));
  return Math.round(ceiling * (0.5 + Math.random() / 2));
}

/**
 * @param {CloseEvent} event
 * @returns {string}
 */
function closeReason(event) {
  if (event.reason !== '') return event.reason;
  return event.code === 1006 ? 'connection lost' : `closed with code ${event.code}`;
}

/**
 * Opens the live connection at once and keeps it open.
 * @param {LiveClientOptions} options
 * @returns {{ stop(): void }}
 */
export function connectLive(options) {
  /** @type {WebSocket | undefined} */
  let socket;
  /** @type {ReturnType<typeof setTimeout> | undefined} */
  let retryTimer;
  let stopped = false;
  let failures = 0;
  let wasLive = false;
  let lastMessageAt = Date.now();
  /**
   * The newest message id seen per topic. Resubscribing with them makes the collector replay what it still holds
   * after them (after a restart: everything it received since), so a point accepted while the page reconnected is
   * not lost to the race between its write to storage and the page's refetch.
   * @type {Record<string, number>}
   */
  const lastIds = {};
  /** @type {number | undefined} */
  let silenceLimitMs;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  let watchdog;

  /**
   * @param {WebSocket} ws
   * @param {unknown} data
   */
  const onMessage = (ws, data) => {
    lastMessageAt = Date.now();
    /** @type {{ type?: string, topic?: string, id?: number, ids?: Record<string, number>, role?: string, heartbeatMs?: number, points?: import('./host-board.js').LivePoint[], message?: string }} */
    let message;
    try {
      message = JSON.parse(String(data));
    } catch {
      return;
    }
    if (typeof message.topic === 'string' && typeof message.id === 'number') lastIds[message.topic] = message.id;
    switch (message.type) {
      case 'ready':
        if (options.silenceLimitMs === undefined && typeof message.heartbeatMs === 'number' && message.heartbeatMs > 0) watchSilence(SILENT_HEARTBEATS * message.heartbeatMs);
        if (typeof message.role === 'string') options.onReady(message.role);
        ws.send(JSON.stringify(Object.keys(lastIds).length > 0 ? { type: 'subscribe', topics: TOPICS, lastIds } : { type: 'subscribe', topics: TOPICS }));
        return;
      case 'subscribed':
        // The first subscription starts from the collector's newest ids, so that a later resume replays only what is new.
        for (const [topic, id] of Object.entries(message.ids ?? {})) if (!(topic in lastIds) && typeof id === 'number') lastIds[topic] = id;
        failures = 0;
        options.onStatus({ state: 'live', reconnected: wasLive });
        wasLive = true;
        return;
      case 'points':
        if (Array.isArray(message.points)) options.onPoints(message.points);
        return;
      case 'alert':
      case 'silence':
      case 'delivery_failed':
        options.onAlerts(/** @type {import('./alert-store.js').AlertsMessage} */ (/** @type {unknown} */ (message)));
        return;
      case 'run':
        options.onRuns?.(message);
        return;
      case 'error':
        console.warn(`live updates: the collector answered: ${message.message ?? 'error'}`);
        return;
      default:
        return;
    }
  };

  /**
   * @param {WebSocket} ws
   * @param {CloseEvent} event
   */
  const onClose = (ws, event) => {
    if (stopped || ws !== socket) return;
    socket = undefined;
    if (event.code === CLOSE_UNAUTHORIZED) {
      stopped = true;
      options.onStatus({ state: 'unauthorized', reason: closeReason(event) });
      return;
    }
    failures += 1;
    const delayMs = backoffDelay(failures);
    options.onStatus({ state: 'reconnecting', attempt: failures, delayMs, reason: closeReason(event) });
    retryTimer = setTimeout(open, delayMs);
  };

  const open = () => {
    retryTimer = undefined;
    lastMessageAt = Date.now();
    options.onStatus({ state: 'connecting', attempt: failures + 1 });
    const ws = new WebSocket(options.url);
    socket = ws;
    ws.addEventListener('open', () => { ws.send(JSON.stringify({ type: 'auth', token: options.token })); });
    ws.addEventListener('message', (event) => { onMessage(ws, event.data); });
    ws.addEventListener('close', (event) => { onClose(ws, event); });
  };

  /**
   * (Re)starts the check for a connection silent longer than `limitMs`, at a quarter of it (at most every 5 s).
   * @param {number} limitMs
   */
  const watchSilence = (limitMs) => {
    if (limitMs === silenceLimitMs) return;
    silenceLimitMs = limitMs;
    clearInterval(watchdog);
    watchdog = setInterval(checkSilence, Math.min(WATCHDOG_MS, Math.ceil(limitMs / 4)));
  };

  const checkSilence = () => {
    const ws = socket;
    const limit = silenceLimitMs;
    if (stopped || limit === undefined || ws === undefined || ws.readyState !== WebSocket.OPEN || Date.now() - lastMessageAt < limit) return;
    // Handled like a close from the server; the old socket's own close event, if it ever comes, is ignored.
    socket = undefined;
    ws.close(4000, 'no heartbeat');
    failures += 1;
    const delayMs = backoffDelay(failures);
    options.onStatus({ state: 'reconnecting', attempt: failures, delayMs, reason: `no message for ${Math.round(limit / 1000)} s` });
    retryTimer = setTimeout(open, delayMs);
  };

  open();
  if (options.silenceLimitMs !== undefined) watchSilence(options.silenceLimitMs);
  return {
    stop() {
      stopped = true;
      clearInterval(watchdog);
      clearTimeout(retryTimer);
      socket?.close(1000, 'signed out');
      socket = undefined;
    },
  };
}

/**
 * The /ws address next to the page (ws: for http:, wss: for https:).
 * @param {Location} location
 * @returns {string}
 */
export function liveUrl(location) {
  const url = new URL('ws', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.toString();
}
