// @ts-check
// The differences of one run, a page at a time in key order: key, kind, class, differing columns, how long each
// was seen differing; filtered by kind and class with native selects, paged with buttons (all keyboard operable;
// the range read out through a polite live region).
import { el, setText } from './dom.js';
import { linkRun } from './router.js';
import { errorText, formatDateTime, formatDuration, formatNumber } from './format.js';
import { CLASS_HELP, CLASS_TEXT, KIND_TEXT, runBadgeElement } from './verdict-text.js';
import { DIFF_CLASSES, DIFF_KINDS, fetchDifferences } from './verifications.js';

/** Differences per page. */
export const DIFF_PAGE = 50;

/** @typedef {import('./verifications.js').VerificationRun} VerificationRun */

export class DiffViewer {
  /** @type {HTMLElement} */
  element;
  #ctx;
  /** @type {VerificationRun | undefined} */
  #run;
  #offset = 0;
  #total = 0;
  #seq = 0;
  #title;
  #summary;
  #kind;
  #class;
  #prev;
  #next;
  #range;
  #body = el('tbody');
  #error;

  /** @param {import('./context.js').ViewContext} ctx */
  constructor(ctx) {
    this.#ctx = ctx;
    this.#title = el('h4', { id: 'diff-title', tabindex: '-1', text: 'Differences' });
    this.#summary = el('p', { class: 'muted', 'data-testid': 'diff-summary' });
    this.#kind = el('select', { id: 'diff-kind', 'data-testid': 'diff-kind' }, [
      el('option', { value: '', text: 'All kinds' }),
      ...DIFF_KINDS.map((k) => el('option', { value: k, text: capital(KIND_TEXT[k]) })),
    ]);
    this.#class = el('select', { id: 'diff-class', 'data-testid': 'diff-class' }, [
      el('option', { value: '', text: 'All classes' }),
      ...DIFF_CLASSES.map((c) => el('option', { value: c, title: CLASS_HELP[c], text: capital(CLASS_TEXT[c]) })),
    ]);
    this.#prev = el('button', { type: 'button', class: 'small secondary', 'data-testid': 'diff-prev', text: '‹ Previous' });
    this.#next = el('button', { type: 'button', class: 'small secondary', 'data-testid': 'diff-next', text: 'Next ›' });
    this.#range = el('span', { id: 'diff-range-text', 'data-testid': 'diff-range', role: 'status', 'aria-live': 'polite' });
    this.#error = el('p', { class: 'error', role: 'alert', 'data-testid': 'diff-error' });
    const close = el('button', { type: 'button', class: 'small secondary', 'data-testid': 'diff-close', text: 'Close' });
    const head = el('tr', {}, ['Key', 'Kind', 'Class', 'Differing columns', 'Seen differing for', 'Re-checks', 'First seen'].map((h) => el('th', { scope: 'col', text: h })));
    this.element = el('section', { class: 'diff-viewer', 'data-testid': 'diff-viewer', 'aria-labelledby': 'diff-title', hidden: true }, [
      el('div', { class: 'panel-head' }, [this.#title, close]),
      this.#summary,
      el('div', { class: 'toolbar diff-filters' }, [
        el('label', { for: 'diff-kind', text: 'Kind' }), this.#kind,
        el('label', { for: 'diff-class', text: 'Class' }), this.#class,
        el('span', { class: 'pager' }, [this.#prev, this.#range, this.#next]),
      ]),
      this.#error,
      el('div', { class: 'table-scroll' }, [el('table', { class: 'data-table', 'data-testid': 'diff-table', 'aria-labelledby': 'diff-title', 'aria-describedby': 'diff-range-text' }, [el('thead', {}, [head]), this.#body])]),
    ]);
    const refilter = () => { this.#offset = 0; void this.#load(); };
    this.#kind.addEventListener('change', refilter);
    this.#class.addEventListener('change', refilter);
    this.#prev.addEventListener('click', () => { this.#page(-1); });
    this.#next.addEventListener('click', () => { this.#page(1); });
    close.addEventListener('click', () => { this.close(true); });
    // Escape anywhere in the viewer closes it, as a dialog would.
    this.element.addEventListener('keydown', (event) => {
      if (event.key === 'Escape' && !(event.target instanceof HTMLSelectElement)) {
        event.preventDefault();
        this.close(true);
      }
    });
  }

  /** The run shown, if any. */
  get runId() {
    return this.#run?.id;
  }

  /**
   * Opens the differences of `run` (all kinds and classes, first page) and moves focus to them.
   * @param {VerificationRun} run
   */
  open(run) {
    this.#run = run;
    this.#offset = 0;
    this.#kind.value = '';
    this.#class.value = '';
    this.element.hidden = false;
    linkRun(run.id);
    this.#renderSummary();
    void this.#load();
    this.#title.focus();
    this.element.scrollIntoView({ block: 'nearest' });
  }

  /**
   * Hides the viewer.
   * @param {boolean} returnFocus the reader closed it: focus back on the run's row button, the run out of the address
   */
  close(returnFocus) {
    const id = this.#run?.id;
    this.#run = undefined;
    this.#seq += 1;
    this.element.hidden = true;
    if (returnFocus) linkRun(undefined);
    if (returnFocus && id !== undefined) {
      /** @type {HTMLElement | null} */
      const button = document.querySelector(`[data-run-id="${CSS.escape(id)}"] [data-testid="show-differences"]`);
      button?.focus();
    }
  }

  /**
   * The shown run's newer state (its counts after it finished).
   * @param {VerificationRun | undefined} run
   */
  runUpdated(run) {
    if (run === undefined || run.id !== this.#run?.id) return;
    this.#run = run;
    this.#renderSummary();
  }

  /** @param {number} direction -1 or 1 */
  #page(direction) {
    const offset = this.#offset + direction * DIFF_PAGE;
    if (offset < 0 || offset >= this.#total) return;
    this.#offset = offset;
    void this.#load();
  }

  async #load() {
    const run = this.#run;
    if (run === undefined) return;
    const seq = ++this.#seq;
    const kind = DIFF_KINDS.find((k) => k === this.#kind.value);
    const cls = DIFF_CLASSES.find((c) => c === this.#class.value);
    this.element.dataset['loading'] = 'true';
    setText(this.#error, '');
    try {
      const page = await fetchDifferences(this.#ctx.token, run.id, { kind, class: cls, offset: this.#offset, limit: DIFF_PAGE });
      if (seq !== this.#seq) return;
      this.#total = page.total;
      this.#render(page);
    } catch (err) {
      if (seq !== this.#seq) return;
      setText(this.#error, `Could not load the differences: ${errorText(err)}`);
    } finally {
      if (seq === this.#seq) this.element.dataset['loading'] = 'false';
    }
  }

  /** @param {import('./verifications.js').DifferencePage} page */
  #render(page) {
    const first = page.total === 0 ? 0 : page.offset + 1;
    const last = page.offset + page.differences.length;
    const filter = [this.#kind.value === '' ? '' : KIND_TEXT[/** @type {keyof typeof KIND_TEXT} */ (this.#kind.value)], this.#class.value === '' ? '' : CLASS_TEXT[/** @type {keyof typeof CLASS_TEXT} */ (this.#class.value)]].filter((t) => t !== '').join(', ');
    setText(this.#range, page.total === 0 ? `No differences${filter === '' ? '' : ` (${filter})`}` : `${formatNumber(first)}–${formatNumber(last)} of ${formatNumber(page.total)}${filter === '' ? '' : ` (${filter})`}`);
    this.#range.dataset['total'] = String(page.total);
    this.#prev.disabled = page.offset === 0;
    this.#next.disabled = last >= page.total;
    if (page.differences.length === 0) {
      this.#body.replaceChildren(el('tr', {}, [el('td', { colspan: 7, class: 'muted', text: 'No difference matches these filters.' })]));
      return;
    }
    this.#body.replaceChildren(...page.differences.map((d) => el('tr', { 'data-testid': 'diff-row', 'data-kind': d.kind, 'data-class': d.class, 'data-key': d.key.join(',') }, [
      el('td', {}, [el('code', { text: d.key.join(', ') })]),
      el('td', { class: 'diff-kind', 'data-kind': d.kind, text: KIND_TEXT[d.kind] }),
      el('td', { class: 'diff-class', 'data-class': d.class, title: CLASS_HELP[d.class], text: CLASS_TEXT[d.class] }),
      el('td', {}, d.columns.length === 0 ? ['–'] : d.columns.flatMap((c) => [el('code', { class: 'label-chip', text: c }), ' '])),
      el('td', { class: 'num', text: formatDuration(d.durationMs / 1000) }),
      el('td', { class: 'num', text: String(d.rounds) }),
      el('td', { text: d.firstSeen === null ? '–' : formatDateTime(d.firstSeen, true) }),
    ])));
  }

  #renderSummary() {
    const run = this.#run;
    if (run === undefined) return;
    setText(this.#title, `Differences of the run of ${run.pair} started ${formatDateTime(run.startedAt, true)}`);
    this.#summary.replaceChildren(
      runBadgeElement(run),
      ` · ${formatNumber(run.differences)} found by the comparison: ${formatNumber(run.confirmed)} confirmed, ${formatNumber(run.inFlight)} in flight, ${formatNumber(run.suspected)} suspected · ${run.sourceTable}${run.targetTable === run.sourceTable ? '' : ` → ${run.targetTable}`}`,
    );
  }
}

/** @param {string} text */
function capital(text) {
  return `${text.slice(0, 1).toUpperCase()}${text.slice(1)}`;
}
