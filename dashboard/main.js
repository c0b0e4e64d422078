// @ts-check
// The page controller: sign-in with a token (kept in sessionStorage only, never in a URL), hash routing between
// the views, the live connection (a refetch after every (re)subscription, so a drop leaves no gap), keyboard
// shortcuts, and a status line in words (not only colour) saying what is happening.
import { isAuthError } from './api.js';
import { byId, setText } from './dom.js';
import { errorText, formatTime } from './format.js';
import { connectLive, liveUrl } from './live-client.js';
import { parseRoute } from './router.js';
import { Session } from './session.js';

const TOKEN_KEY = 'syncwatch.token';
const VIEWS = /** @type {const} */ (['overview', 'pipeline', 'alerts', 'hosts', 'reports']);

const ui = {
  signIn: byId('sign-in', HTMLElement),
  form: byId('sign-in-form', HTMLFormElement),
  tokenInput: byId('token-input', HTMLInputElement),
  signInButton: byId('sign-in-button', HTMLButtonElement),
  signInError: byId('sign-in-error', HTMLElement),
  app: byId('app', HTMLElement),
  nav: byId('nav', HTMLElement),
  navFiring: byId('nav-firing', HTMLElement),
  status: byId('connection-status', HTMLElement),
  statusText: byId('connection-status-text', HTMLElement),
  lastData: byId('last-data', HTMLElement),
  signOut: byId('sign-out', HTMLButtonElement),
};

/** @type {Session | undefined} */
let session;

/**
 * @param {'signed-out' | 'loading' | 'connecting' | 'live' | 'reconnecting' | 'error'} state
 * @param {string} text
 */
function setStatus(state, text) {
  ui.status.dataset['state'] = state;
  ui.statusText.textContent = text;
}

/**
 * A read failed: a refused token ends the session; anything else is reported and retried on the next reconnect.
 * @param {Session} s
 * @param {unknown} err
 * @param {string} what
 */
function readFailed(s, err, what) {
  if (s.ended) return;
  if (isAuthError(err)) end(s, `The collector no longer accepts this token: ${err.message}`);
  else setStatus('error', `Could not load ${what}: ${errorText(err)}`);
}

/**
 * @param {Session} s
 * @param {import('./live-client.js').LiveStatus} status
 */
function onLiveStatus(s, status) {
  if (s.ended) return;
  switch (status.state) {
    case 'connecting':
      if (status.attempt === 1) setStatus('connecting', 'Connecting to live updates…');
      else setStatus('reconnecting', `Live updates interrupted — reconnecting… (attempt ${status.attempt})`);
      return;
    case 'live': {
      // Whatever happened while not subscribed (including spooled batches with old timestamps) is loaded again.
      const text = status.reconnected ? 'Live — reconnected, missed minutes filled in' : 'Live';
      void s.refresh().then(() => { if (!s.ended && ui.status.dataset['state'] !== 'error') setStatus('live', text); });
      return;
    }
    case 'reconnecting':
      setStatus('reconnecting', `Live updates interrupted (${status.reason}) — reconnecting… next try in ${Math.ceil(status.delayMs / 1000)} s`);
      return;
    case 'unauthorized':
      end(s, `The collector refused this token for live updates: ${status.reason}`);
      return;
  }
}

/**
 * Signs in with `token`: loads the pipelines first, which also checks the token, then goes live.
 * @param {string} token
 */
async function start(token) {
  ui.signInError.textContent = '';
  ui.signInButton.disabled = true;
  ui.signInButton.textContent = 'Checking token…';
  const s = new Session(token, (err, what) => { readFailed(s, err, what); });
  setStatus('loading', 'Loading…');
  try {
    await s.loadPipelines();
  } catch (err) {
    if (isAuthError(err)) {
      end(s, `Sign-in failed: the collector refused this token (${err.message}).`);
      return;
    }
    // The token may be fine and the collector busy: go on, the live connection's first subscription loads again.
    setStatus('error', `Could not load pipelines: ${errorText(err)}`);
  } finally {
    ui.signInButton.disabled = false;
    ui.signInButton.textContent = 'Sign in';
  }
  session = s;
  sessionStorage.setItem(TOKEN_KEY, token);
  ui.tokenInput.value = '';
  showApp(true);
  applyRoute(false);
  s.scheduler.afterFrame(() => { showNewest(s); });
  s.live = connectLive({
    url: liveUrl(location),
    token,
    onPoints: (points) => { s.onPoints(points); },
    onAlerts: (message) => { s.alerts.apply(message); },
    onRuns: (message) => { s.onRunMessage(message); },
    onReady: (role) => { s.setRole(role); },
    onStatus: (status) => { onLiveStatus(s, status); },
  });
  s.startRunsRefresh();
  ui.signOut.onclick = () => { end(s, ''); };
}

/**
 * Ends a session: closes the live connection, stops the views, forgets the token, shows the sign-in form.
 * @param {Session} s
 * @param {string} message shown as the sign-in error (empty for a plain sign-out)
 */
function end(s, message) {
  s.end();
  if (session === s) session = undefined;
  sessionStorage.removeItem(TOKEN_KEY);
  ui.lastData.textContent = '';
  setStatus('signed-out', 'Signed out');
  showApp(false);
  ui.signInError.textContent = message;
  ui.tokenInput.focus();
}

/** @param {Session} s */
function showNewest(s) {
  if (s.newestTs > 0) setText(ui.lastData, `Newest point ${formatTime(s.newestTs, true)}`);
  const firing = s.alerts.firingCount();
  setText(ui.navFiring, s.alerts.available === false ? '' : `${firing} firing`);
  ui.navFiring.dataset['count'] = String(firing);
}

/** @param {boolean} signedIn */
function showApp(signedIn) {
  document.body.dataset['view'] = signedIn ? 'app' : 'sign-in';
  ui.signIn.hidden = signedIn;
  ui.app.hidden = !signedIn;
  ui.nav.hidden = !signedIn;
  ui.signOut.hidden = !signedIn;
}

/**
 * Shows the view the location hash names.
 * @param {boolean} moveFocus put keyboard focus on the view's heading (after a navigation)
 */
function applyRoute(moveFocus) {
  const s = session;
  if (s === undefined) return;
  const route = parseRoute(location.hash);
  for (const view of VIEWS) byId(`view-${view}`, HTMLElement).hidden = view !== route.view;
  for (const link of ui.nav.querySelectorAll('a')) {
    if (link.dataset['nav'] === route.view) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.body.dataset['route'] = route.view;
  s.alertsView.setVisible(route.view === 'alerts');
  s.reportsView.setVisible(route.view === 'reports');
  if (route.view === 'pipeline') s.pipelineView.show(route.name, route.range, route.run);
  else s.pipelineView.hide();
  if (route.view === 'hosts') s.hostsView.show(route.host);
  document.title = `syncwatch — ${route.view === 'pipeline' ? `pipeline ${route.name}` : route.view}`;
  if (moveFocus) byId(`view-${route.view}`, HTMLElement).querySelector('h2')?.focus();
}

ui.form.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = ui.tokenInput.value.trim();
  if (token === '') {
    ui.signInError.textContent = 'Enter an access token.';
    return;
  }
  void start(token);
});

window.addEventListener('hashchange', () => { applyRoute(true); });

// Single-key shortcuts (not while typing): o overview, a alerts, h hosts, r reports, / filter pipelines.
document.addEventListener('keydown', (event) => {
  const target = event.target;
  if (session === undefined || event.ctrlKey || event.metaKey || event.altKey) return;
  if (target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement || document.querySelector('dialog[open]')) return;
  /** @type {Record<string, string>} */
  const keys = { o: '#/overview', a: '#/alerts', h: '#/hosts', r: '#/reports' };
  const hash = keys[event.key];
  if (hash !== undefined) {
    location.hash = hash;
    event.preventDefault();
  } else if (event.key === '/') {
    if (parseRoute(location.hash).view !== 'overview') location.hash = '#/overview';
    document.getElementById('pipeline-filter')?.focus();
    event.preventDefault();
  }
});

const saved = sessionStorage.getItem(TOKEN_KEY);
if (saved === null) showApp(false);
else void start(saved);
