// @ts-check
// The alerts view: firing and pending alerts with Acknowledge and Silence (admin), silences with Expire (admin),
// recently resolved alerts, the transition history, and notifications that were given up on.
import { acknowledgeAlert, createSilence, expireSilence, fetchAlerts } from './alerts-api.js';
import { silenceStatus } from './alert-store.js';
import { alertTable, renderAlertRows } from './alert-table.js';
import { el, setText } from './dom.js';
import { errorText, formatAge, formatDateTime, formatNumber } from './format.js';
import { openSilenceDialog } from './silence-form.js';

/** History rows shown (the store keeps more). */
const HISTORY_ROWS = 100;

export class AlertsView {
  #ctx;
  #visible = false;
  #counts;
  #roleNote;
  #message;
  #active = alertTable('active-alerts', true);
  #resolved = alertTable('resolved-alerts', false);
  #silenceBody = el('tbody');
  #silences;
  #historyBody = el('tbody');
  #failures = el('ul', { class: 'plain-list' });
  #failuresSection;
  #unavailable;

  /**
   * @param {HTMLElement} root
   * @param {import('./context.js').ViewContext} ctx
   */
  constructor(root, ctx) {
    this.#ctx = ctx;
    this.#counts = el('p', { class: 'counts', 'data-testid': 'alert-counts' });
    this.#roleNote = el('p', { class: 'note', hidden: true });
    this.#message = el('p', { class: 'action-message', role: 'status', 'aria-live': 'polite', 'data-testid': 'alert-action-message' });
    this.#unavailable = el('p', { class: 'empty-state', hidden: true, text: 'Alerting does not run in this collector (its alerts API did not answer), so there is nothing to show here.' });
    const th = (/** @type {string[]} */ names) => el('thead', {}, [el('tr', {}, names.map((h) => el('th', { scope: 'col', text: h })))]);
    this.#silences = el('section', { class: 'panel', 'aria-labelledby': 'silences-title', hidden: true }, [
      el('h3', { id: 'silences-title', text: 'Silences' }),
      el('div', { class: 'table-scroll' }, [el('table', { class: 'data-table', 'data-testid': 'silences' }, [th(['Status', 'Matchers', 'Ends', 'Created by', 'Comment', 'Actions']), this.#silenceBody])]),
    ]);
    this.#failuresSection = el('section', { class: 'panel', hidden: true, 'aria-labelledby': 'failures-title' }, [el('h3', { id: 'failures-title', text: 'Notifications given up' }), this.#failures]);
    root.replaceChildren(
      el('h2', { class: 'view-title', tabindex: '-1', text: 'Alerts' }),
      this.#counts,
      this.#roleNote,
      this.#message,
      this.#unavailable,
      el('section', { class: 'panel', 'aria-labelledby': 'active-title' }, [el('h3', { id: 'active-title', text: 'Firing and pending' }), this.#active.table]),
      this.#silences,
      el('section', { class: 'panel', 'aria-labelledby': 'resolved-title' }, [el('h3', { id: 'resolved-title', text: 'Recently resolved' }), this.#resolved.table]),
      el('section', { class: 'panel', 'aria-labelledby': 'history-title' }, [
        el('h3', { id: 'history-title', text: 'History (last 24 hours)' }),
        el('div', { class: 'table-scroll' }, [el('table', { class: 'data-table', 'data-testid': 'alert-history' }, [th(['Time', 'Event', 'Alert', 'Labels', 'Value', 'By']), this.#historyBody])]),
      ]),
      this.#failuresSection,
    );
  }

  /** @param {boolean} visible */
  setVisible(visible) {
    this.#visible = visible;
    if (visible) this.#ctx.scheduler.mark(this);
  }

  /** Something about alerts changed: re-render if shown (at most once per frame). */
  changed() {
    if (this.#visible) this.#ctx.scheduler.mark(this);
  }

  /** @param {number} now */
  render(now) {
    if (!this.#visible) return;
    const { alerts } = this.#ctx;
    const admin = this.#ctx.role() === 'admin';
    const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset['key'] : undefined;
    this.#unavailable.hidden = alerts.available !== false;
    setText(this.#counts, `${alerts.firingCount()} firing · ${alerts.pendingCount()} pending · ${alerts.resolved().length} recently resolved`);
    const role = this.#ctx.role();
    this.#roleNote.hidden = admin || role === undefined;
    setText(this.#roleNote, `Acknowledging and silencing need an admin token; this token's role is "${role ?? 'unknown'}".`);
    renderAlertRows(this.#active.body, alerts.active(), now, admin ? { acknowledge: (a, b) => { this.#acknowledge(a, b); }, silence: (a) => { this.#silence(a); } } : undefined, 'Nothing is firing or pending.');
    renderAlertRows(this.#resolved.body, alerts.resolved(), now, undefined, 'No alert resolved since the collector started.');
    this.#renderSilences(now, admin);
    this.#renderHistory(now);
    const failures = alerts.deliveryFailures();
    this.#failuresSection.hidden = failures.length === 0;
    this.#failures.replaceChildren(...failures.map((f) => el('li', { text: f })));
    for (const b of this.#active.body.querySelectorAll('button')) b.dataset['key'] = `${b.textContent ?? ''}:${b.closest('tr')?.dataset['alertId'] ?? ''}`;
    if (focusKey !== undefined) (/** @type {HTMLElement | null} */ (document.querySelector(`[data-key="${CSS.escape(focusKey)}"]`)))?.focus();
  }

  /**
   * @param {number} now
   * @param {boolean} admin
   */
  #renderSilences(now, admin) {
    this.#silences.hidden = !admin;
    if (!admin) return;
    const list = this.#ctx.alerts.silences().filter((s) => silenceStatus(s, now) !== 'expired');
    if (list.length === 0) {
      this.#silenceBody.replaceChildren(el('tr', {}, [el('td', { colspan: 6, class: 'muted', text: 'No active or pending silence.' })]));
      return;
    }
    this.#silenceBody.replaceChildren(...list.map((s) => {
      const expire = el('button', { type: 'button', class: 'small secondary', 'data-key': `expire:${s.id}`, text: 'Expire' });
      expire.addEventListener('click', () => { this.#expire(s.id, expire); });
      return el('tr', { 'data-testid': 'silence-row', 'data-silence-id': s.id }, [
        el('td', { text: silenceStatus(s, now) }),
        el('td', {}, s.matchers.flatMap((m) => [el('code', { class: 'label-chip', text: m }), ' '])),
        el('td', { text: `${formatDateTime(s.endsAt)}` }),
        el('td', { text: s.createdBy }),
        el('td', { text: s.comment }),
        el('td', { class: 'actions' }, [expire]),
      ]);
    }));
  }

  /** @param {number} now */
  #renderHistory(now) {
    const events = this.#ctx.alerts.events().slice(0, HISTORY_ROWS);
    if (events.length === 0) {
      this.#historyBody.replaceChildren(el('tr', {}, [el('td', { colspan: 6, class: 'muted', text: 'No alert changed state in the last 24 hours.' })]));
      return;
    }
    this.#historyBody.replaceChildren(...events.map((e) => el('tr', { 'data-testid': 'history-row', 'data-event': e.event, 'data-alert-id': e.id }, [
      el('td', { text: formatDateTime(e.at, true), title: formatAge(e.at, now) }),
      el('td', { text: e.event }),
      el('td', { text: e.rule }),
      el('td', { class: 'labels' }, Object.entries(e.labels).filter(([k]) => k !== 'alertname' && k !== 'severity').flatMap(([k, v]) => [el('span', { class: 'label-chip', text: `${k}=${v}` }), ' '])),
      el('td', { class: 'num', text: formatNumber(e.value) }),
      el('td', { text: e.actor }),
    ])));
  }

  /**
   * @param {import('./alert-store.js').Alert} alert
   * @param {HTMLButtonElement} button
   */
  #acknowledge(alert, button) {
    button.disabled = true;
    acknowledgeAlert(this.#ctx.token, alert.id).then(
      (updated) => {
        this.#ctx.alerts.upsert(updated);
        this.#say(`Acknowledged ${alert.rule}.`);
      },
      (/** @type {unknown} */ err) => {
        button.disabled = false;
        this.#say(`Could not acknowledge ${alert.rule}: ${errorText(err)}`);
      },
    );
  }

  /** @param {import('./alert-store.js').Alert} alert */
  #silence(alert) {
    openSilenceDialog(alert, async (input) => {
      const silence = await createSilence(this.#ctx.token, input);
      this.#ctx.alerts.apply({ type: 'silence', event: 'created', silence });
      this.#say(`Silenced ${alert.rule} until ${formatDateTime(silence.endsAt)}.`);
      await this.#reloadAlerts();
    });
  }

  /**
   * @param {string} id
   * @param {HTMLButtonElement} button
   */
  #expire(id, button) {
    button.disabled = true;
    expireSilence(this.#ctx.token, id).then(
      async (silence) => {
        this.#ctx.alerts.apply({ type: 'silence', event: 'expired', silence });
        this.#say('Silence expired.');
        await this.#reloadAlerts();
      },
      (/** @type {unknown} */ err) => {
        button.disabled = false;
        this.#say(`Could not expire the silence: ${errorText(err)}`);
      },
    );
  }

  /** Silencing changes which alerts are muted: the collector computes that, so ask it again. */
  async #reloadAlerts() {
    try {
      this.#ctx.alerts.load(await fetchAlerts(this.#ctx.token));
    } catch (err) {
      this.#ctx.readFailed(err, 'alerts');
    }
  }

  /** @param {string} text */
  #say(text) {
    this.#message.textContent = text;
  }
}
