// @ts-check
// One host at a glance: CPU, memory, fullest filesystem (as meters with numbers), load, disk and network rates,
// and the state of alerts about it. The name links to the host's charts.
import { el, setData, setText } from './dom.js';
import { formatAge, formatValue } from './format.js';
import { routeHash } from './router.js';
import { paintBadge, statusBadge } from './status-text.js';

const STALE_MS = 60_000;

/**
 * A labelled percentage meter: a <meter> for assistive technology and the number in text beside it.
 * @param {string} label
 */
function meterRow(label) {
  const meter = el('meter', { min: 0, max: 100, low: 70, high: 90, optimum: 0, value: 0 });
  const text = el('span', { class: 'host-figure', text: '–' });
  const row = el('div', { class: 'host-row' }, [el('span', { class: 'host-label', text: label }), meter, text]);
  return { row, meter, text };
}

export class HostCard {
  /** @type {HTMLLIElement} */
  element;
  #host;
  #ctx;
  #badge;
  #cpu;
  #memory;
  #fs;
  #load;
  #disk;
  #net;
  #fresh;

  /**
   * @param {string} host
   * @param {import('./context.js').ViewContext} ctx
   */
  constructor(host, ctx) {
    this.#host = host;
    this.#ctx = ctx;
    this.#badge = el('span', { class: 'badge' });
    this.#cpu = meterRow('CPU');
    this.#memory = meterRow('Memory');
    this.#fs = meterRow('Disk full');
    this.#load = el('span', { class: 'host-figure', text: '–' });
    this.#disk = el('span', { class: 'host-figure', text: '–' });
    this.#net = el('span', { class: 'host-figure', text: '–' });
    this.#fresh = el('span', { class: 'host-fresh' });
    const line = (/** @type {string} */ label, /** @type {HTMLElement} */ value) => el('div', { class: 'host-row' }, [el('span', { class: 'host-label', text: label }), value]);
    this.element = el('li', { class: 'host-card', 'data-testid': 'host-card', 'data-host': host, 'data-state': 'ok' }, [
      el('div', { class: 'host-head' }, [el('a', { class: 'host-name', href: routeHash({ view: 'hosts', host }), text: host }), this.#badge]),
      this.#cpu.row,
      this.#memory.row,
      this.#fs.row,
      line('Disk I/O', this.#disk),
      line('Network', this.#net),
      line('Load', this.#load),
      this.#fresh,
    ]);
  }

  /** @param {number} now */
  render(now) {
    const status = this.#ctx.alerts.status('host', this.#host);
    setData(this.element, 'state', status.state);
    paintBadge(this.#badge, statusBadge(status), status.state, status.severity);
    const s = this.#ctx.hosts.summary(this.#host);
    if (s === undefined) return;
    /** @param {{ meter: HTMLMeterElement, text: HTMLElement }} m @param {number | undefined} v @param {string} [suffix] */
    const percent = (m, v, suffix = '') => {
      m.meter.value = v ?? 0;
      setText(m.text, v === undefined ? '–' : `${formatValue(v, 'percent')}${suffix}`);
    };
    percent(this.#cpu, s.cpu);
    percent(this.#memory, s.memory);
    percent(this.#fs, s.filesystem, s.filesystemMount === undefined ? '' : ` ${s.filesystemMount}`);
    setData(this.element, 'cpu', s.cpu === undefined ? '' : String(s.cpu));
    setText(this.#load, s.load1 === undefined ? '–' : formatValue(s.load1, 'number'));
    setText(this.#disk, s.diskRead === undefined && s.diskWrite === undefined ? '–' : `read ${formatValue(s.diskRead ?? 0, 'bytesPerSecond')} · write ${formatValue(s.diskWrite ?? 0, 'bytesPerSecond')}`);
    setText(this.#net, s.netRx === undefined && s.netTx === undefined ? '–' : `rx ${formatValue(s.netRx ?? 0, 'bytesPerSecond')} · tx ${formatValue(s.netTx ?? 0, 'bytesPerSecond')}`);
    const stale = now - s.ts > STALE_MS;
    setData(this.element, 'fresh', String(!stale));
    setText(this.#fresh, stale ? `no data for ${formatAge(s.ts, now).replace(' ago', '')}` : '');
  }
}
