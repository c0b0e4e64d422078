// @ts-check
// A pipeline's verification panel: the history of its pairs' runs (outcome in words, confirmed / in-flight /
// suspected counts), "verify now" for an admin, and the diff viewer of a chosen run. A collector without the runs
// API, or a pipeline never verified, gets a clear "no verifications yet" state that says why.
import { ApiError } from './api.js';
import { DiffViewer } from './diff-viewer.js';
import { el } from './dom.js';
import { errorText, formatAge, formatDateTime, formatDuration, formatNumber } from './format.js';
import { outcomeOf, runBadgeElement } from './verdict-text.js';
import { fetchRun, fetchVerifications, NO_VERIFICATIONS_TEXT } from './verifications.js';
import { VerifyNow } from './verify-now.js';

/** Runs shown in the history at first (newest first), and how many more each "Older runs" adds. */
const HISTORY_ROWS = 50;
/** What the collector accepts as a pair name (a pipeline name that is not one cannot be a pair's name). */
const PAIR_NAME = /^[A-Za-z0-9_.:-]{1,100}$/;

export class VerificationPanel {
  #ctx;
  /** @type {string | undefined} */
  #pipeline;
  #loadSeq = 0;
  #loading = false;
  /** Rows shown; grows with "Older runs". */
  #limit = HISTORY_ROWS;
  /** Per pair, the `before` of its next older page (absent: no older runs). */
  /** @type {Map<string, string>} */
  #older = new Map();
  #olderButton;
  /** @type {string} */
  #loadError = '';
  #body = el('tbody');
  #history;
  #state;
  #diffs;
  #verify;

  /**
   * @param {HTMLElement} root the panel's section (from the pipeline layout)
   * @param {import('./context.js').ViewContext} ctx
   */
  constructor(root, ctx) {
    this.#ctx = ctx;
    this.#diffs = new DiffViewer(ctx);
    this.#verify = new VerifyNow(ctx, (run) => { this.#diffs.open(run); this.render(); });
    this.#state = el('p', { class: 'empty-state', 'data-testid': 'no-verifications' });
    this.#olderButton = el('button', { type: 'button', class: 'small secondary older-runs', 'data-testid': 'older-runs', hidden: true, text: 'Older runs' });
    const head = el('tr', {}, ['Started', 'Pair', 'Outcome', 'Confirmed', 'In flight', 'Suspected', 'Rows (source / target)', 'Took', 'Trigger', ''].map((h) => el('th', { scope: 'col', text: h })));
    this.#history = el('div', { class: 'table-scroll' }, [
      el('table', { class: 'data-table', 'data-testid': 'verification-history' }, [el('caption', { class: 'visually-hidden', text: 'Verification runs, newest first' }), el('thead', {}, [head]), this.#body]),
    ]);
    root.replaceChildren(
      el('div', { class: 'panel-head' }, [el('h3', { id: 'verifications-title', text: 'Verification history' }), this.#verify.element]),
      this.#verify.message,
      this.#state,
      this.#history,
      this.#olderButton,
      this.#diffs.element,
    );
    this.#olderButton.addEventListener('click', () => { void this.#loadOlder(); });
  }

  /**
   * Shows `pipeline`'s runs: what the page knows at once, then the history loaded from the collector.
   * @param {string} pipeline
   * @param {string} [runId] a run whose differences to open (a link to them)
   */
  show(pipeline, runId) {
    this.#pipeline = pipeline;
    this.#limit = HISTORY_ROWS;
    this.#older.clear();
    this.#diffs.close(false);
    this.#verify.show(pipeline, this.#pairs());
    void this.reload();
    if (runId !== undefined) this.openRun(runId);
  }

  /**
   * Opens the differences of run `id` (from a link), loading the run when the page does not know it yet.
   * @param {string} id
   */
  openRun(id) {
    if (this.#diffs.runId === id) return;
    const known = this.#ctx.runs.get(id);
    if (known !== undefined) {
      this.#diffs.open(known);
      this.render();
      return;
    }
    const pipeline = this.#pipeline;
    fetchRun(this.#ctx.token, id).then((run) => {
      this.#ctx.runs.apply(run);
      if (pipeline !== this.#pipeline) return;
      this.#diffs.open(run);
      this.render();
    }, (/** @type {unknown} */ err) => {
      if (pipeline !== this.#pipeline) return;
      this.#loadError = `Could not open run ${id}: ${errorText(err)}`;
      this.render();
    });
  }

  hide() {
    this.#pipeline = undefined;
    this.#loadSeq += 1;
    this.#verify.hide();
    this.#diffs.close(false);
  }

  /** Loads the pipeline's history again (after a reconnect). */
  async reload() {
    const pipeline = this.#pipeline;
    if (pipeline === undefined) return;
    const seq = ++this.#loadSeq;
    this.#loading = true;
    this.#loadError = '';
    this.render();
    const { token, runs } = this.#ctx;
    try {
      // Which pairs verify this pipeline is learnt from the runs themselves; then each pair's own history.
      runs.load(await fetchVerifications(token, { limit: 200 }));
      const pairs = new Set(runs.pairsOf(pipeline));
      if (PAIR_NAME.test(pipeline)) pairs.add(pipeline);
      if (runs.available === true) {
        const results = await Promise.all([...pairs].map(async (pair) => ({ pair, result: await fetchVerifications(token, { pair, limit: Math.min(this.#limit, 1000) }) })));
        if (seq !== this.#loadSeq) return;
        this.#older.clear();
        for (const { pair, result } of results) this.#loaded(pair, result);
      }
    } catch (err) {
      if (seq !== this.#loadSeq) return;
      // A refused token ends the session; anything else is said here and the history keeps what it had.
      if (err instanceof ApiError && (err.status === 401 || err.status === 403)) this.#ctx.readFailed(err, 'verification runs');
      this.#loadError = `Could not load the verification history: ${errorText(err)}`;
    }
    if (seq !== this.#loadSeq) return;
    this.#loading = false;
    this.render();
  }

  /** Runs of this pipeline changed (loaded, started, finished). */
  runsChanged() {
    if (this.#pipeline === undefined) return;
    this.#verify.setPairs(this.#pairs());
    this.render();
  }

  roleChanged() {
    this.#verify.render();
  }

  render() {
    const pipeline = this.#pipeline;
    if (pipeline === undefined) return;
    const now = Date.now();
    const { runs } = this.#ctx;
    const all = runs.runsOf(pipeline);
    const list = all.slice(0, this.#limit);
    this.#olderButton.hidden = all.length <= this.#limit && this.#older.size === 0;
    this.#history.hidden = list.length === 0;
    this.#state.hidden = list.length > 0 && this.#loadError === '';
    if (this.#loadError !== '') {
      this.#state.replaceChildren(el('strong', { class: 'error-text', text: this.#loadError }));
    } else if (list.length === 0 && this.#loading && runs.available !== false) {
      this.#state.replaceChildren('Loading the verification history…');
    } else if (list.length === 0) {
      const why = runs.available === false ? runs.reason : `No run of a pair linked to pipeline ${pipeline} is stored.`;
      this.#state.replaceChildren(el('strong', { text: `${capital(NO_VERIFICATIONS_TEXT)}.` }), ` ${why}`);
    }
    const open = this.#diffs.runId;
    // Rows are rebuilt: a focused "Differences" button keeps its focus on the rebuilt one.
    const active = document.activeElement;
    const focusedRun = active instanceof HTMLElement && this.#body.contains(active) ? active.closest('tr')?.dataset['runId'] : undefined;
    this.#body.replaceChildren(...list.map((r) => {
      const took = r.finishedAt === null ? `running for ${formatAge(r.startedAt, now).replace(' ago', '')}` : formatDuration((r.finishedAt - r.startedAt) / 1000);
      const show = el('button', { type: 'button', class: 'small secondary', 'data-testid': 'show-differences', 'aria-label': `Differences of the run of ${r.pair} started ${formatDateTime(r.startedAt, true)}`, 'aria-pressed': String(open === r.id), text: `Differences (${formatNumber(r.differences)})` });
      show.disabled = r.status === 'running' || r.differences === 0;
      show.addEventListener('click', () => { this.#diffs.open(r); this.render(); });
      return el('tr', { 'data-testid': 'verification-run', 'data-run-id': r.id, 'data-outcome': outcomeOf(r), 'aria-current': open === r.id ? 'true' : undefined }, [
        el('td', { text: formatDateTime(r.startedAt, true), title: formatAge(r.startedAt, now) }),
        el('td', { text: r.pair }),
        el('td', {}, [runBadgeElement(r), r.error === '' ? null : el('div', { class: 'muted', text: r.error })]),
        el('td', { class: 'num', 'data-count': 'confirmed', text: count(r, r.confirmed) }),
        el('td', { class: 'num', 'data-count': 'in_flight', text: count(r, r.inFlight) }),
        el('td', { class: 'num', 'data-count': 'suspected', text: count(r, r.suspected) }),
        el('td', { class: 'num', text: r.status === 'running' ? `${r.segmentsDone} / ${r.segments} segments` : `${formatNumber(r.sourceRows)} / ${formatNumber(r.targetRows)}` }),
        el('td', { text: took }),
        el('td', { text: `${r.trigger}${r.triggeredBy === '' || r.trigger === 'schedule' ? '' : ` by ${r.triggeredBy}`}${r.attempt > 1 ? ` (attempt ${r.attempt})` : ''}` }),
        el('td', { class: 'actions' }, [show]),
      ]);
    }));
    if (focusedRun !== undefined) (/** @type {HTMLButtonElement | null} */ (this.#body.querySelector(`tr[data-run-id="${CSS.escape(focusedRun)}"] button`)))?.focus();
    this.#diffs.runUpdated(open === undefined ? undefined : runs.get(open));
  }

  /**
   * Stores a pair's page of runs and remembers where its older ones start.
   * @param {string} pair
   * @param {import('./verifications.js').Verifications} result
   */
  #loaded(pair, result) {
    this.#ctx.runs.load(result);
    if (result.available && result.nextBefore !== null) this.#older.set(pair, result.nextBefore);
    else this.#older.delete(pair);
  }

  /** The next page of older runs of every pair that has more. */
  async #loadOlder() {
    const seq = this.#loadSeq;
    this.#olderButton.disabled = true;
    try {
      const pages = [...this.#older].map(async ([pair, before]) => ({ pair, result: await fetchVerifications(this.#ctx.token, { pair, before, limit: HISTORY_ROWS }) }));
      for (const { pair, result } of await Promise.all(pages)) if (seq === this.#loadSeq) this.#loaded(pair, result);
      this.#limit += HISTORY_ROWS;
    } catch (err) {
      this.#loadError = `Could not load older runs: ${errorText(err)}`;
    } finally {
      this.#olderButton.disabled = false;
    }
    if (seq === this.#loadSeq) this.render();
  }

  #pairs() {
    const pipeline = this.#pipeline;
    if (pipeline === undefined) return [];
    const pairs = this.#ctx.runs.pairsOf(pipeline);
    return pairs.length > 0 || !PAIR_NAME.test(pipeline) ? pairs : [pipeline];
  }
}

/**
 * A class count, or "–" while the run has not classified anything yet.
 * @param {import('./verifications.js').VerificationRun} run
 * @param {number} n
 */
function count(run, n) {
  return run.status === 'running' ? '–' : formatNumber(n);
}

/** @param {string} text */
function capital(text) {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
}
