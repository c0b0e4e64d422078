// @ts-check
// Hash routes, so every view is linkable and the back button works without a server round trip:
// #/overview, #/pipeline/NAME[?range=24h], #/alerts, #/hosts[/NAME].

/**
 * @typedef {{ view: 'overview' }
 *   | { view: 'pipeline', name: string, range: string | undefined }
 *   | { view: 'alerts' }
 *   | { view: 'hosts', host: string | undefined }} Route
 */

/**
 * The route a location hash names; anything unknown is the overview.
 * @param {string} hash e.g. "#/pipeline/orders%20eu?range=24h"
 * @returns {Route}
 */
export function parseRoute(hash) {
  const text = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = text.split('?', 2);
  const [head = '', ...rest] = path.split('/');
  const tail = rest.length === 0 ? undefined : safeDecode(rest.join('/'));
  switch (head) {
    case 'pipeline':
      if (tail === undefined || tail === '') return { view: 'overview' };
      return { view: 'pipeline', name: tail, range: new URLSearchParams(query).get('range') ?? undefined };
    case 'alerts':
      return { view: 'alerts' };
    case 'hosts':
      return { view: 'hosts', host: tail === '' ? undefined : tail };
    default:
      return { view: 'overview' };
  }
}

/**
 * The hash of a route (the inverse of parseRoute).
 * @param {Route} route
 * @returns {string}
 */
export function routeHash(route) {
  switch (route.view) {
    case 'overview':
      return '#/overview';
    case 'pipeline':
      return `#/pipeline/${encodeURIComponent(route.name)}${route.range === undefined ? '' : `?range=${encodeURIComponent(route.range)}`}`;
    case 'alerts':
      return '#/alerts';
    case 'hosts':
      return route.host === undefined ? '#/hosts' : `#/hosts/${encodeURIComponent(route.host)}`;
  }
}

/**
 * @param {string} text
 * @returns {string}
 */
function safeDecode(text) {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}
