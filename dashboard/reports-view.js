// @ts-check
// The reports view: pick a point in time (UTC) and pairs, see each signed report's summary (outcome per pair, chain
// intact or not, the signing key) and download it as signed JSON, CSV or printable HTML. Reports need an auditor or
// admin token; a viewer is told so plainly (and a refused report never ends the session).
import { ApiError } from './api.js';
import { el, setText } from './dom.js';
import { errorText } from './format.js';
import { reportCard } from './report-card.js';
import { fetchChains, fetchReport, parseReport } from './reports-api.js';

const REPORT_ROLES = new Set(['auditor', 'admin']);

/**
 * A datetime-local value ("2026-11-21T08:30:05") for an epoch ms, in UTC.
 * @param {number} ms
 */
export function utcInputValue(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19);
}

/**
 * The ISO time a datetime-local value names when read as UTC; undefined when it is not a time.
 * @param {string} value "2026-11-21T08:30" or "2026-11-21T08:30:05"
 */
export function isoFromUtcInput(value) {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/.test(value)) return undefined;
  const ms = Date.parse(`${value}Z`);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

export class ReportsView {
  #ctx;
  #visible = false;
  /** Whether the pairs were loaded (once per visit; "Reload pairs" loads again). */
  #pairsLoaded = false;
  #seq = 0;
  #roleNote;
  #form;
  #at;
  #pairsBox;
  #status;
  #results;
  #submit;

  /**
   * @param {HTMLElement} root
   * @param {import('./context.js').ViewContext} ctx
   */
  constructor(root, ctx) {
    this.#ctx = ctx;
    this.#roleNote = el('p', { class: 'notice', 'data-testid': 'reports-role-note', role: 'alert', hidden: true });
    this.#at = el('input', { id: 'report-at', type: 'datetime-local', step: 1, required: true, 'aria-describedby': 'report-at-help' });
    const now = el('button', { type: 'button', class: 'secondary small', text: 'Now' });
    this.#pairsBox = el('fieldset', { class: 'report-pairs', 'data-testid': 'report-pairs' }, [el('legend', { text: 'Pairs' })]);
    this.#submit = el('button', { type: 'submit', 'data-testid': 'report-submit', text: 'Show report' });
    this.#status = el('p', { class: 'muted', role: 'status', 'aria-live': 'polite', 'data-testid': 'report-status' });
    this.#results = el('div', { 'data-testid': 'report-results' });
    this.#form = el('form', { class: 'report-form panel', 'aria-label': 'Report' }, [
      el('div', { class: 'report-time' }, [
        el('label', { for: 'report-at', text: 'Point in time (UTC)' }),
        el('span', { class: 'report-time-input' }, [this.#at, ' ', el('abbr', { title: 'Coordinated Universal Time', text: 'UTC' }), ' ', now]),
        el('p', { id: 'report-at-help', class: 'help muted', text: 'Entered and shown in UTC, not your local time. For each pair the report states what was known at that moment: the newest run that finished with a verdict at or before it, its evidence, and whether the pair\'s chain of runs is intact.' }),
      ]),
      this.#pairsBox,
      el('div', { class: 'dialog-buttons' }, [this.#submit]),
    ]);
    root.replaceChildren(
      el('h2', { class: 'view-title', tabindex: '-1', text: 'Reports' }),
      el('p', { class: 'muted', text: 'Signed point-in-time consistency reports for auditors (Ed25519). Check a saved JSON report offline with: ' }, [el('code', { text: 'syncwatch report verify FILE --server URL' })]),
      this.#roleNote,
      this.#form,
      this.#status,
      this.#results,
    );
    this.#at.value = utcInputValue(Date.now());
    now.addEventListener('click', () => { this.#at.value = utcInputValue(Date.now()); });
    this.#form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.#build();
    });
  }

  /** @param {boolean} visible */
  setVisible(visible) {
    // Each visit lists the pairs again (a pair may have been configured or run since).
    if (visible && !this.#visible) this.#pairsLoaded = false;
    this.#visible = visible;
    if (visible) this.roleChanged();
  }

  /** The token's role became known: a viewer is told reports need another token. */
  roleChanged() {
    if (!this.#visible) return;
    const role = this.#ctx.role();
    if (role !== undefined && !REPORT_ROLES.has(role)) {
      this.#refuse(`This token's role is "${role}".`);
      return;
    }
    this.#roleNote.hidden = true;
    this.#form.hidden = false;
    if (!this.#pairsLoaded) void this.#loadPairs();
  }

  /** @param {string} why */
  #refuse(why) {
    setText(this.#roleNote, `Reports need an auditor token (or an admin token). ${why} Sign out and sign in with an auditor token to see and download signed consistency reports.`);
    this.#roleNote.hidden = false;
    this.#form.hidden = true;
    this.#results.replaceChildren();
    setText(this.#status, '');
  }

  async #loadPairs() {
    this.#pairsLoaded = true;
    const legend = el('legend', { text: 'Pairs' });
    const unticked = new Set(this.#boxes().filter((b) => !b.checked).map((b) => b.value));
    if (this.#boxes().length === 0) this.#pairsBox.replaceChildren(legend, el('p', { class: 'muted', text: 'Loading pairs…' }));
    try {
      const chains = await fetchChains(this.#ctx.token);
      if (chains.pairs.length === 0) {
        this.#pairsBox.replaceChildren(legend, el('p', { class: 'muted', text: 'No pair is configured or has runs; a report of all pairs would be empty.' }));
        return;
      }
      const boxes = chains.pairs.map((c, i) => el('label', { class: 'check' }, [
        el('input', { type: 'checkbox', name: 'pair', value: c.pair, checked: !unticked.has(c.pair), id: `report-pair-${i}` }),
        ` ${c.pair} `,
        el('span', { class: 'muted', text: c.intact ? `(${c.length} run${c.length === 1 ? '' : 's'}, chain intact)` : '(chain BROKEN)' }),
      ]));
      const all = el('button', { type: 'button', class: 'small secondary', text: 'All' });
      const none = el('button', { type: 'button', class: 'small secondary', text: 'None' });
      all.addEventListener('click', () => { for (const b of this.#boxes()) b.checked = true; });
      none.addEventListener('click', () => { for (const b of this.#boxes()) b.checked = false; });
      this.#pairsBox.replaceChildren(legend, el('div', { class: 'check-list' }, boxes), el('div', { class: 'check-actions' }, [all, ' ', none]));
    } catch (err) {
      this.#pairsLoaded = false;
      if (this.#refusedBy(err)) return;
      this.#pairsBox.replaceChildren(legend, el('p', { class: 'error', text: `Could not load the pairs: ${errorText(err)}` }));
    }
  }

  /** @returns {HTMLInputElement[]} */
  #boxes() {
    return [...this.#pairsBox.querySelectorAll('input[type="checkbox"]')].filter((b) => b instanceof HTMLInputElement);
  }

  /** Fetches one signed report (all pairs ticked, or none listed) or one per ticked pair, and shows them. */
  async #build() {
    const at = isoFromUtcInput(this.#at.value);
    if (at === undefined) {
      setText(this.#status, 'Enter a date and time (UTC).');
      this.#at.focus();
      return;
    }
    if (Date.parse(at) > Date.now()) {
      setText(this.#status, 'That time is in the future; a report can only state what is already known.');
      this.#at.focus();
      return;
    }
    const boxes = this.#boxes();
    const picked = boxes.filter((b) => b.checked).map((b) => b.value);
    if (boxes.length > 0 && picked.length === 0) {
      setText(this.#status, 'Tick at least one pair.');
      return;
    }
    /** @type {(string | undefined)[]} */
    const scopes = picked.length === boxes.length ? [undefined] : picked;
    const seq = ++this.#seq;
    this.#submit.disabled = true;
    setText(this.#status, 'Building the signed report…');
    try {
      const docs = await Promise.all(scopes.map(async (pair) => {
        const got = await fetchReport(this.#ctx.token, { at, pair, format: 'json' });
        return { pair, jsonText: got.text, doc: parseReport(got.text) };
      }));
      if (seq !== this.#seq) return;
      this.#results.replaceChildren(...docs.map((d) => reportCard({ token: this.#ctx.token, ...d })));
      const keyIds = [...new Set(docs.map((d) => d.doc.signature.keyId))];
      setText(this.#status, `${docs.length === 1 ? 'Report' : `${docs.length} reports`} as of ${at}, signed with key ${keyIds.join(', ')}.`);
    } catch (err) {
      if (seq !== this.#seq) return;
      if (this.#refusedBy(err)) return;
      setText(this.#status, `Could not build the report: ${errorText(err)}`);
    } finally {
      if (seq === this.#seq) this.#submit.disabled = false;
    }
  }

  /**
   * A 403 is said in the view, never as a lost session (reports need a role a reading token may not have).
   * @param {unknown} err
   */
  #refusedBy(err) {
    if (!(err instanceof ApiError)) return false;
    if (err.status === 403) {
      this.#refuse(`The collector refused this token: ${err.message}`);
      return true;
    }
    if (err.status === 401) {
      this.#ctx.readFailed(err, 'reports');
      return true;
    }
    return false;
  }
}
