// @ts-check
// "Verify now" (admin): one button per pair of the pipeline; the result is said in words in a polite live region —
// started, already running (then followed), finished with its outcome, or why the collector refused.
import { el } from './dom.js';
import { errorText, formatNumber } from './format.js';
import { runBadge } from './verdict-text.js';
import { fetchRun, startVerification } from './verifications.js';

/** Re-reads of a followed run: quick at first, then every few seconds (a live `runs` message ends it sooner). */
const FOLLOW_DELAYS_MS = [500, 1000, 1000, 2000, 2000, 3000];
const FOLLOW_MAX_MS = 30 * 60_000;

/** @typedef {import('./verifications.js').VerificationRun} VerificationRun */

export class VerifyNow {
  /** The buttons (shown to an admin only). */
  element = el('span', { class: 'verify-now', 'data-testid': 'verify-now' });
  /** Where the result is said. */
  message = el('p', { class: 'action-message', role: 'status', 'aria-live': 'polite', 'data-testid': 'verify-result' });
  #ctx;
  #onDifferences;
  /** @type {string | undefined} */
  #pipeline;
  /** @type {string[]} */
  #pairs = [];
  /** Pairs with a start request in the air (their button stays disabled). */
  #starting = new Set();
  #followSeq = 0;

  /**
   * @param {import('./context.js').ViewContext} ctx
   * @param {(run: VerificationRun) => void} onDifferences opens a run's differences
   */
  constructor(ctx, onDifferences) {
    this.#ctx = ctx;
    this.#onDifferences = onDifferences;
  }

  /**
   * @param {string} pipeline
   * @param {string[]} pairs
   */
  show(pipeline, pairs) {
    if (pipeline !== this.#pipeline) {
      this.#followSeq += 1;
      this.#say('', '');
    }
    this.#pipeline = pipeline;
    this.#pairs = pairs;
    this.render();
  }

  hide() {
    this.#pipeline = undefined;
    this.#followSeq += 1;
  }

  /**
   * The pipeline's pairs or their runs changed (a button is disabled while its pair runs).
   * @param {string[]} pairs
   */
  setPairs(pairs) {
    this.#pairs = pairs;
    this.render();
  }

  render() {
    const admin = this.#ctx.role() === 'admin';
    this.element.hidden = !admin;
    if (!admin) {
      this.element.replaceChildren();
      return;
    }
    const single = this.#pairs.length === 1 && this.#pairs[0] === this.#pipeline;
    this.element.replaceChildren(...this.#pairs.map((pair) => {
      const button = el('button', { type: 'button', class: 'small', 'data-pair': pair, text: single ? 'Verify now' : `Verify ${pair} now` });
      button.disabled = this.#starting.has(pair) || this.#running(pair);
      button.addEventListener('click', () => { void this.#start(pair); });
      return button;
    }));
  }

  /** @param {string} pair */
  #running(pair) {
    return this.#pipeline !== undefined && this.#ctx.runs.runsOf(this.#pipeline).some((r) => r.pair === pair && r.status === 'running');
  }

  /** @param {string} pair */
  async #start(pair) {
    this.#starting.add(pair);
    this.render();
    this.#say('starting', `Starting a verification of pair ${pair}…`);
    try {
      const started = await startVerification(this.#ctx.token, pair);
      this.#say('running', started.alreadyRunning
        ? `A run of pair ${pair} is already going (run ${started.id}); runs of one pair never overlap, so this follows that one. Waiting for its verdict…`
        : `Verification of pair ${pair} started (run ${started.id}). Waiting for its verdict…`);
      this.message.dataset['runId'] = started.id;
      await this.#follow(started.id);
    } catch (err) {
      this.#say('error', `Could not start a verification of pair ${pair}: ${errorText(err)}`);
    } finally {
      this.#starting.delete(pair);
      this.render();
    }
  }

  /**
   * Waits until run `id` finishes, keeping the page's runs current, then says how it ended.
   * @param {string} id
   */
  async #follow(id) {
    const seq = ++this.#followSeq;
    const started = Date.now();
    for (let i = 0; Date.now() - started < FOLLOW_MAX_MS; i++) {
      let run = this.#ctx.runs.get(id);
      if (run === undefined || run.status === 'running') {
        run = await fetchRun(this.#ctx.token, id);
        this.#ctx.runs.apply(run);
      }
      if (seq !== this.#followSeq) return;
      if (run.status !== 'running') {
        this.#finished(run);
        return;
      }
      await new Promise((resolve) => { setTimeout(resolve, FOLLOW_DELAYS_MS[Math.min(i, FOLLOW_DELAYS_MS.length - 1)]); });
      if (seq !== this.#followSeq) return;
    }
    this.#say('error', `Run ${id} is still running after ${FOLLOW_MAX_MS / 60_000} minutes; its outcome will show in the history when it ends.`);
  }

  /** @param {VerificationRun} run */
  #finished(run) {
    const badge = runBadge(run);
    const head = `Run of pair ${run.pair} finished: ${badge.icon} ${badge.text}`;
    if (run.status === 'failed' || run.status === 'aborted') {
      this.#say('finished', `${head}${run.error === '' ? '' : ` — ${run.error}`}`);
    } else if (run.differences === 0) {
      this.#say('finished', `${head} — ${formatNumber(run.sourceRows)} source and ${formatNumber(run.targetRows)} target rows, no difference.`);
    } else {
      this.#say('finished', `${head} — ${formatNumber(run.differences)} differences: ${formatNumber(run.confirmed)} confirmed, ${formatNumber(run.inFlight)} in flight, ${formatNumber(run.suspected)} suspected. `);
      const show = el('button', { type: 'button', class: 'small secondary', 'data-testid': 'verify-result-differences', text: 'Show differences' });
      show.addEventListener('click', () => { this.#onDifferences(run); });
      this.message.append(show);
    }
    this.message.dataset['outcome'] = badge.outcome;
  }

  /**
   * @param {string} state '' clears
   * @param {string} text
   */
  #say(state, text) {
    this.message.dataset['state'] = state;
    this.message.dataset['outcome'] = '';
    this.message.textContent = text;
  }
}
