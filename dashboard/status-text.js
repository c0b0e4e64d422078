// @ts-check
// Alert states in words and symbols as well as colour, so that state never depends on telling colours apart.

/** @typedef {import('./alert-store.js').Status} Status */

/**
 * The badge of an alert status: a symbol, a word, and the attribute values the stylesheet colours by.
 * @param {Status} status
 * @returns {{ icon: string, text: string }}
 */
export function statusBadge(status) {
  switch (status.state) {
    case 'ok':
      return { icon: '✔', text: 'OK' };
    case 'pending':
      return { icon: '◔', text: status.count > 1 ? `Pending (${status.count})` : 'Pending' };
    case 'firing': {
      const notes = [status.severity ?? '', status.acknowledged ? 'acknowledged' : '', status.silenced ? 'silenced' : ''].filter((s) => s !== '');
      return { icon: '▲', text: `FIRING${notes.length > 0 ? ` · ${notes.join(' · ')}` : ''}` };
    }
  }
}

/**
 * One alert's state as a badge.
 * @param {import('./alert-store.js').Alert} alert
 * @returns {{ icon: string, text: string }}
 */
export function alertBadge(alert) {
  switch (alert.state) {
    case 'firing':
      return { icon: '▲', text: 'FIRING' };
    case 'pending':
      return { icon: '◔', text: 'Pending' };
    case 'resolved':
      return { icon: '✔', text: 'Resolved' };
    case 'inactive':
      return { icon: '–', text: 'Inactive' };
  }
}

/**
 * Fills a badge element: `<span class="badge" data-state data-severity><span aria-hidden>icon</span> text</span>`.
 * @param {HTMLElement} node
 * @param {{ icon: string, text: string }} badge
 * @param {string} state
 * @param {string | undefined} severity
 */
export function paintBadge(node, badge, state, severity) {
  if (node.dataset['state'] !== state) node.dataset['state'] = state;
  if ((node.dataset['severity'] ?? '') !== (severity ?? '')) node.dataset['severity'] = severity ?? '';
  const key = `${badge.icon}|${badge.text}`;
  if (node.dataset['badge'] === key) return;
  node.dataset['badge'] = key;
  const icon = document.createElement('span');
  icon.className = 'badge-icon';
  icon.setAttribute('aria-hidden', 'true');
  icon.textContent = badge.icon;
  node.replaceChildren(icon, ` ${badge.text}`);
}
