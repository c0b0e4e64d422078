// @ts-check
// The collector's HTTP API as the page uses it, with the token in a header (never the URL). Paths are relative,
// so the page also works behind a reverse proxy that mounts it under a path.

/** @typedef {{ labels: Record<string, string>, points: [number, number][] }} Series */
/** @typedef {{ metric: string, labels: Record<string, string>, ts: number, value: number }} LatestPoint */
/** @typedef {Record<string, string | number | readonly string[] | undefined>} Query */

/** A non-2xx answer, carrying the collector's `{error:{code,message}}` when it sent one. */
export class ApiError extends Error {
  /**
   * @param {number} status
   * @param {string} code
   * @param {string} message
   * @param {Record<string, unknown>} [body] the whole answer (some errors carry more, e.g. the running run's id)
   */
  constructor(status, code, message, body = {}) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

/**
 * True when the token itself is the problem (unknown token, or a role that may not read). Only read calls end
 * the session on it; a refused admin action (403) is reported where it was tried.
 * @param {unknown} err
 * @returns {err is ApiError}
 */
export function isAuthError(err) {
  return err instanceof ApiError && (err.status === 401 || err.status === 403);
}

/**
 * @param {string} path e.g. "api/v1/alerts"
 * @param {Query} [query] arrays become repeated parameters
 */
function urlOf(path, query = {}) {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const v of value) params.append(name, String(v));
    else params.set(name, String(value));
  }
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/**
 * One API call; rejects with ApiError on a non-2xx answer.
 * @template T
 * @param {string} token
 * @param {'GET' | 'POST' | 'DELETE'} method
 * @param {string} path relative, e.g. "api/v1/alerts"
 * @param {{ query?: Query, body?: unknown }} [options]
 * @returns {Promise<T>}
 */
export async function apiCall(token, method, path, options = {}) {
  /** @type {Record<string, string>} */
  const headers = { authorization: `Bearer ${token}` };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(urlOf(path, options.query), {
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    cache: 'no-store',
  });
  if (!response.ok) throw await toApiError(response);
  return /** @type {T} */ (await response.json());
}

/**
 * One GET whose answer is kept as text exactly as sent (a signed report must not be re-serialised), with the
 * file name the collector suggests in Content-Disposition.
 * @param {string} token
 * @param {string} path
 * @param {Query} [query]
 * @returns {Promise<{ text: string, type: string, filename: string | undefined }>}
 */
export async function apiGetText(token, path, query) {
  const response = await fetch(urlOf(path, query), { headers: { authorization: `Bearer ${token}` }, cache: 'no-store' });
  if (!response.ok) throw await toApiError(response);
  const disposition = response.headers.get('content-disposition') ?? '';
  const filename = /filename="([^"]+)"/.exec(disposition)?.[1];
  return { text: await response.text(), type: response.headers.get('content-type') ?? 'application/octet-stream', filename };
}

/**
 * All series of `metric` with points in [from, to), optionally of one pipeline or host, averaged per `step` ms.
 * @param {string} token
 * @param {string} metric
 * @param {number} from epoch ms
 * @param {number} to epoch ms
 * @param {{ pipeline?: string, host?: string, step?: number, maxPoints?: number }} [filter]
 * @returns {Promise<Series[]>}
 */
export async function fetchSeries(token, metric, from, to, filter = {}) {
  const query = { metric, from: new Date(from).toISOString(), to: new Date(to).toISOString(), ...filter };
  const body = /** @type {{ series?: Series[] }} */ (await apiCall(token, 'GET', 'api/v1/series', { query }));
  return body.series ?? [];
}

/**
 * The newest point of each series of `metrics` from the last `windowMs`.
 * @param {string} token
 * @param {readonly string[]} metrics
 * @param {{ pipeline?: string, host?: string, windowMs?: number }} [filter]
 * @returns {Promise<LatestPoint[]>}
 */
export async function fetchLatest(token, metrics, filter = {}) {
  const body = /** @type {{ points: LatestPoint[] }} */ (await apiCall(token, 'GET', 'api/v1/latest', { query: { metric: metrics, ...filter } }));
  return body.points;
}

/**
 * Every pipeline seen in the last `windowMs`, with newest values and sparklines bucketed by `step`.
 * @param {string} token
 * @param {number} windowMs
 * @param {number} step
 * @returns {Promise<import('./pipeline-store.js').PipelinesBody>}
 */
export function fetchPipelines(token, windowMs, step) {
  return apiCall(token, 'GET', 'api/v1/pipelines', { query: { windowMs, step } });
}

/**
 * @param {Response} response
 * @returns {Promise<ApiError>}
 */
async function toApiError(response) {
  try {
    const body = /** @type {{ error?: { code?: string, message?: string } }} */ (await response.json());
    return new ApiError(response.status, body.error?.code ?? 'unknown', body.error?.message ?? `HTTP ${response.status}`, /** @type {Record<string, unknown>} */ (body));
  } catch {
    return new ApiError(response.status, 'unknown', `HTTP ${response.status} ${response.statusText}`);
  }
}
