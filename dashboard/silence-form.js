// @ts-check
// The "silence" dialog: matchers (prefilled from the alert's labels, one per line), a duration and a comment.
// A native <dialog>: focus moves into it, Escape closes it, focus returns to the button that opened it.
import { el } from './dom.js';

const DURATIONS = [
  { label: '30 minutes', ms: 30 * 60_000 },
  { label: '1 hour', ms: 3600_000 },
  { label: '4 hours', ms: 4 * 3600_000 },
  { label: '24 hours', ms: 24 * 3600_000 },
  { label: '7 days', ms: 7 * 24 * 3600_000 },
];

/**
 * Matchers that select this alert's label set exactly (severity left out: it follows from the rule).
 * @param {Readonly<Record<string, string>>} labels
 * @returns {string[]}
 */
export function matchersFor(labels) {
  return Object.keys(labels).filter((k) => k !== 'severity').sort((a, b) => (a === 'alertname' ? -1 : b === 'alertname' ? 1 : a < b ? -1 : 1))
    .map((k) => `${k}=${JSON.stringify(labels[k] ?? '')}`);
}

/**
 * Opens the dialog for `alert`; `submit` creates the silence and resolves, or rejects with a message to show.
 * @param {import('./alert-store.js').Alert} alert
 * @param {(silence: { matchers: string[], durationMs: number, comment: string }) => Promise<void>} submit
 */
export function openSilenceDialog(alert, submit) {
  const opener = document.activeElement;
  const matchers = el('textarea', { id: 'silence-matchers', rows: 4, required: true, spellcheck: 'false' });
  matchers.value = matchersFor(alert.labels).join('\n');
  const duration = el('select', { id: 'silence-duration' }, DURATIONS.map((d, i) => el('option', { value: d.ms, selected: i === 1, text: d.label })));
  const comment = el('input', { id: 'silence-comment', type: 'text', maxlength: 1000, placeholder: 'why (e.g. planned maintenance)' });
  const error = el('p', { class: 'error', role: 'alert', 'data-testid': 'silence-error' });
  const create = el('button', { type: 'submit', text: 'Create silence' });
  const cancel = el('button', { type: 'button', class: 'secondary', text: 'Cancel' });
  const form = el('form', { method: 'dialog', class: 'silence-form' }, [
    el('h2', { text: `Silence ${alert.rule}` }),
    el('p', { class: 'muted', text: 'Matching alerts still change state and show here; their notifications are muted until the silence ends.' }),
    el('label', { for: 'silence-matchers', text: 'Matchers (one per line: label="value", label=~"regex")' }),
    matchers,
    el('label', { for: 'silence-duration', text: 'Duration' }),
    duration,
    el('label', { for: 'silence-comment', text: 'Comment' }),
    comment,
    error,
    el('div', { class: 'dialog-buttons' }, [cancel, create]),
  ]);
  const dialog = el('dialog', { class: 'dialog', 'data-testid': 'silence-dialog', 'aria-label': `Silence ${alert.rule}` }, [form]);
  document.body.append(dialog);
  const close = () => {
    dialog.close();
    dialog.remove();
    if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
  };
  cancel.addEventListener('click', close);
  dialog.addEventListener('cancel', (event) => { event.preventDefault(); close(); });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const lines = matchers.value.split('\n').map((l) => l.trim()).filter((l) => l !== '');
    if (lines.length === 0) {
      error.textContent = 'Give at least one matcher.';
      return;
    }
    create.disabled = true;
    create.textContent = 'Creating…';
    submit({ matchers: lines, durationMs: Number(duration.value), comment: comment.value.trim() }).then(close, (/** @type {unknown} */ err) => {
      create.disabled = false;
      create.textContent = 'Create silence';
      error.textContent = err instanceof Error ? err.message : String(err);
    });
  });
  dialog.showModal();
  matchers.focus();
}
