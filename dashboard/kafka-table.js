// @ts-check
// A Kafka pipeline's partitions: per consumer group, topic and partition the window state (OK, WARN, STALL,
// STOP, ERR — in words, coloured too), time lag and offset lag; worst states first. Kept current by live points.
import { el, setText } from './dom.js';
import { formatValue } from './format.js';
import { KAFKA_PARTITION_METRICS, KAFKA_WINDOW_METRICS, KAFKA_WINDOW_STATES, kafkaWindowState } from './lag-metrics.js';

const TRACKED = new Set(KAFKA_PARTITION_METRICS);

/** @typedef {{ group: string, topic: string, partition: string, state: number | undefined, timeLag: number | undefined, offsetLag: number | undefined, ts: number }} Row */

export class KafkaTable {
  /** @type {HTMLElement} */
  element;
  /** @type {Map<string, Row>} */
  #rows = new Map();
  #body;
  #summary;

  constructor() {
    this.#body = el('tbody');
    this.#summary = el('p', { class: 'muted' });
    const head = el('tr', {}, ['Group', 'Topic', 'Partition', 'Window state', 'Time lag', 'Offset lag'].map((h) => el('th', { scope: 'col', text: h })));
    this.element = el('section', { class: 'panel', 'data-testid': 'kafka-partitions', 'aria-labelledby': 'kafka-title' }, [
      el('h3', { id: 'kafka-title', text: 'Kafka partitions' }),
      this.#summary,
      el('div', { class: 'table-scroll' }, [el('table', { class: 'data-table' }, [el('thead', {}, [head]), this.#body])]),
    ]);
  }

  get size() {
    return this.#rows.size;
  }

  /**
   * Applies a point of a partition metric; returns false for anything else.
   * @param {{ ts: number, metric: string, labels: Readonly<Record<string, string>>, value: number }} p
   */
  add(p) {
    if (!TRACKED.has(p.metric)) return false;
    const { group = '', topic = '', partition = '' } = p.labels;
    const key = `${group}\u0000${topic}\u0000${partition}`;
    let row = this.#rows.get(key);
    if (row === undefined) {
      row = { group, topic, partition, state: undefined, timeLag: undefined, offsetLag: undefined, ts: 0 };
      this.#rows.set(key, row);
    }
    // An older point (history arriving after live data) must not overwrite a newer reading.
    if (p.ts < row.ts - 60_000) return true;
    if (KAFKA_WINDOW_METRICS.includes(p.metric)) row.state = p.value;
    else if (p.metric === 'kafka_consumer_time_lag_seconds') row.timeLag = p.value;
    else if (p.metric === 'kafka_consumer_offset_lag') row.offsetLag = p.value;
    row.ts = Math.max(row.ts, p.ts);
    return true;
  }

  render() {
    const rows = [...this.#rows.values()].sort((a, b) => (b.state ?? -1) - (a.state ?? -1) || cmp(a.group, b.group) || cmp(a.topic, b.topic) || Number(a.partition) - Number(b.partition));
    /** @type {Record<string, number>} */
    const counts = {};
    for (const r of rows) {
      const name = r.state === undefined ? 'unknown' : kafkaWindowState(r.state);
      counts[name] = (counts[name] ?? 0) + 1;
    }
    setText(this.#summary, rows.length === 0 ? 'No partition reported in the last 10 minutes.' : `${rows.length} partition${rows.length === 1 ? '' : 's'}: ${Object.entries(counts).map(([k, n]) => `${n} ${k}`).join(', ')}`);
    this.#body.replaceChildren(...rows.map((r) => {
      const state = r.state === undefined ? 'unknown' : kafkaWindowState(r.state);
      return el('tr', { 'data-testid': 'kafka-partition', 'data-partition': `${r.topic}/${r.partition}`, 'data-window': state }, [
        el('td', { text: r.group }),
        el('td', { text: r.topic }),
        el('td', { class: 'num', text: r.partition }),
        el('td', {}, [el('span', { class: 'window-state', 'data-window': KAFKA_WINDOW_STATES.includes(state) ? state : 'unknown', text: state })]),
        el('td', { class: 'num', text: r.timeLag === undefined ? '–' : formatValue(r.timeLag, 'seconds') }),
        el('td', { class: 'num', text: r.offsetLag === undefined ? '–' : formatValue(r.offsetLag, 'count') }),
      ]);
    }));
  }
}

/**
 * @param {string} a
 * @param {string} b
 */
function cmp(a, b) {
  return a < b ? -1 : a > b ? 1 : 0;
}
