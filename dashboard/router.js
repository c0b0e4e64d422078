// @ts-check
// Hash routes, so every view is linkable and the back button works without a server round trip:
// #/overview, #/pipeline/NAME[?range=24h][&run=ID], #/alerts, #/hosts[/NAME], #/reports. `run` opens that
// verification run's differences.

/**
 * @typedef {{ view: 'overview' }
 *   | { view: 'pipeline', name: string, range: string | undefined, run?: string }
 *   | { view: 'alerts' }
 *   | { view: 'hosts', host: string | undefined }
 *   | { view: 'reports' }} Route
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
    case 'pipeline': {
      if (tail === undefined || tail === '') return { view: 'overview' };
      const params = new URLSearchParams(query);
      const run = params.get('run');
      return { view: 'pipeline', name: tail, range: params.get('range') ?? undefined, ...(run === null || run === '' ? {} : { run }) };
    }
    case 'alerts':
      return { view: 'alerts' };
    case 'hosts':
      return { view: 'hosts', host: tail === '' ? undefined : tail };
    case 'reports':
      return { view: 'reports' };
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
    case 'pipeline': {
      const params = new URLSearchParams();
      if (route.range !== undefined) params.set('range', route.range);
      if (route.run !== undefined) params.set('run', route.run);
      const query = params.toString();
      return `#/pipeline/${encodeURIComponent(route.name)}${query === '' ? '' : `?${query}`}`;
    }
    case 'alerts':
      return '#/alerts';
    case 'hosts':
      return route.host === undefined ? '#/hosts' : `#/hosts/${encodeURIComponent(route.host)}`;
    case 'reports':
      return '#/reports';
  }
}

/**
 * Puts run `run` (or none) into the address of the pipeline view being shown, without a navigation: the address of
 * open differences is a link to them. Other views' addresses are left alone.
 * @param {string | undefined} run
 */
export function linkRun(run) {
  const route = parseRoute(location.hash);
  if (route.view !== 'pipeline' || route.run === run) return;
  const next = routeHash(run === undefined ? { view: 'pipeline', name: route.name, range: route.range } : { ...route, run });
  history.replaceState(history.state, '', next);
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
