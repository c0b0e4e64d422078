// @ts-check
// One signed-in session: the stores, the views wired to them, and the loads that (re)fill them — at sign-in and
// after every (re)subscription of the live connection, so that a dropped connection leaves no gap.
import { ApiError, fetchLatest, fetchPipelines, isAuthError } from './api.js';
import { fetchAlertEvents, fetchAlerts, fetchSilences } from './alerts-api.js';
import { AlertStore } from './alert-store.js';
import { AlertsView } from './alerts-view.js';
import { byId } from './dom.js';
import { FrameScheduler } from './frame-scheduler.js';
import { HOST_SUMMARY_METRICS, HostStore } from './host-store.js';
import { HostsView } from './hosts-view.js';
import { OverviewView } from './overview-view.js';
import { PipelineStore } from './pipeline-store.js';
import { PipelineView } from './pipeline-view.js';
import { ReportsView } from './reports-view.js';
import { RunStore } from './run-store.js';
import { fetchVerifications, runFromMessage } from './verifications.js';

/** The overview's sparklines: 15 minutes in 15-second buckets. */
export const SPARK_WINDOW_MS = 15 * 60 * 1000;
export const SPARK_STEP_MS = 15_000;
/** Hosts that reported within this long are listed on the overview. */
const HOST_WINDOW_MS = 5 * 60 * 1000;
/** Newest runs loaded for the overview's verdicts (each pipeline's view loads its own history). */
const OVERVIEW_RUNS = 500;
/**
 * Runs arrive live on the `runs` topic (onRunMessage); re-reading the newest runs this often while the page is shown
 * is the backstop for a message lost while the connection was down.
 */
const RUNS_REFRESH_MS = 30_000;
const RUNS_REFRESH_LIMIT = 100;

export class Session {
  token;
  /** @type {string | undefined} */
  role;
  ended = false;
  /** Newest point time seen live, epoch ms. */
  newestTs = 0;
  scheduler = new FrameScheduler();
  pipelines;
  runs;
  hosts;
  alerts;
  overview;
  pipelineView;
  alertsView;
  hostsView;
  reportsView;
  /** @type {{ stop(): void } | undefined} */
  live;
  #readFailed;
  /** @type {ReturnType<typeof setInterval> | undefined} */
  #runsTimer;

  /**
   * @param {string} token
   * @param {(err: unknown, what: string) => void} readFailed
   */
  constructor(token, readFailed) {
    this.token = token;
    this.#readFailed = readFailed;
    this.pipelines = new PipelineStore({
      stepMs: SPARK_STEP_MS,
      windowMs: SPARK_WINDOW_MS,
      onChange: (name) => {
        this.overview.pipelineChanged(name);
        this.pipelineView.pipelineChanged(name);
      },
    });
    this.hosts = new HostStore((host) => {
      this.overview.hostChanged(host);
      this.pipelineView.hostChanged(host);
    });
    this.runs = new RunStore((touched) => {
      this.overview.verificationsChanged(touched);
      this.pipelineView.verificationsChanged(touched);
    });
    this.alerts = new AlertStore((touched) => {
      this.overview.alertsChanged(touched);
      this.alertsView.changed();
      this.pipelineView.changed();
    });
    /** @type {import('./context.js').ViewContext} */
    const ctx = {
      token,
      scheduler: this.scheduler,
      pipelines: this.pipelines,
      hosts: this.hosts,
      alerts: this.alerts,
      runs: this.runs,
      role: () => this.role,
      readFailed: (err, what) => { this.#readFailed(err, what); },
    };
    this.overview = new OverviewView(byId('view-overview', HTMLElement), ctx, SPARK_WINDOW_MS);
    this.pipelineView = new PipelineView(byId('view-pipeline', HTMLElement), ctx);
    this.alertsView = new AlertsView(byId('view-alerts', HTMLElement), ctx);
    this.hostsView = new HostsView(byId('view-hosts', HTMLElement), ctx);
    this.reportsView = new ReportsView(byId('view-reports', HTMLElement), ctx);
  }

  /**
   * A message of the live `runs` topic: a run started, resumed or finished.
   * @param {unknown} message
   */
  onRunMessage(message) {
    const run = runFromMessage(message);
    if (run !== undefined) this.runs.apply(run);
  }

  /**
   * Live points: every store and view that shows them.
   * @param {import('./host-board.js').LivePoint[]} points
   */
  onPoints(points) {
    for (const p of points) {
      this.pipelines.addPoint(p);
      this.hosts.addPoint(p);
      this.pipelineView.pointAdded(p);
      this.pipelineView.hostPointAdded(p);
      this.hostsView.pointAdded(p);
      if (p.ts > this.newestTs) this.newestTs = p.ts;
    }
  }

  /**
   * The token's role became known (or changed): admin tokens also see silences.
   * @param {string} role
   */
  setRole(role) {
    this.role = role;
    if (role === 'admin') void this.#load('silences', async () => { this.alerts.loadSilences(await fetchSilences(this.token)); });
    this.alertsView.changed();
    this.pipelineView.roleChanged();
    this.reportsView.roleChanged();
  }

  /**
   * Loads the overview's data: pipelines with sparklines first (it also proves the token), then the rest.
   * Rejects on the first failure of the pipelines request; later failures go to `readFailed`.
   */
  async loadPipelines() {
    this.pipelines.merge(await fetchPipelines(this.token, SPARK_WINDOW_MS, SPARK_STEP_MS));
  }

  /** Everything the views show, again: after a (re)subscription, whatever the live connection missed. */
  async refresh() {
    await Promise.all([
      this.#load('pipelines', () => this.loadPipelines()),
      this.#load('hosts', async () => { for (const p of await fetchLatest(this.token, HOST_SUMMARY_METRICS, { windowMs: HOST_WINDOW_MS })) this.hosts.addPoint(p); }),
      this.#load('alerts', async () => { this.alerts.load(await fetchAlerts(this.token)); }),
      this.#load('alert history', async () => { this.alerts.loadEvents(await fetchAlertEvents(this.token)); }),
      this.#load('verifications', async () => { this.runs.load(await fetchVerifications(this.token, { limit: OVERVIEW_RUNS })); }),
      ...(this.role === 'admin' ? [this.#load('silences', async () => { this.alerts.loadSilences(await fetchSilences(this.token)); })] : []),
      this.pipelineView.load(),
      this.pipelineView.reloadVerifications(),
      this.hostsView.load(),
    ]);
  }

  /** Keeps the verdicts current between reconnects (see RUNS_REFRESH_MS). */
  startRunsRefresh() {
    clearInterval(this.#runsTimer);
    this.#runsTimer = setInterval(() => {
      if (document.hidden || this.runs.available === false) return;
      fetchVerifications(this.token, { limit: RUNS_REFRESH_LIMIT }).then((result) => { if (!this.ended) this.runs.load(result); }, (/** @type {unknown} */ err) => {
        // A refused token ends the session; a missed refresh is retried on the next tick, without alarming the status line.
        if (isAuthError(err)) this.#readFailed(err, 'verifications');
        else console.warn(`verification runs not refreshed: ${err instanceof Error ? err.message : String(err)}`);
      });
    }, RUNS_REFRESH_MS);
  }

  /** Stops everything (sign-out or a refused token). */
  end() {
    this.ended = true;
    clearInterval(this.#runsTimer);
    this.live?.stop();
    this.scheduler.clear();
    this.overview.destroy();
    this.pipelineView.hide();
    this.hostsView.destroy();
  }

  /**
   * Runs one load; a 404 from the alerting API means this collector runs no alerting (not an error).
   * @param {string} what
   * @param {() => Promise<void>} load
   */
  async #load(what, load) {
    try {
      await load();
    } catch (err) {
      if (this.ended) return;
      if (err instanceof ApiError && err.status === 404 && (what === 'alerts' || what === 'alert history' || what === 'silences')) {
        if (what === 'alerts') this.alerts.available = false;
        this.alertsView.changed();
        return;
      }
      this.#readFailed(err, what);
    }
  }
}
