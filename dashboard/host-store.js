// @ts-check
// The newest value of every host metric series per host (one per disk, interface, mount point), summed or
// maxed into the at-a-glance figures: CPU, memory, load, disk I/O, fullest filesystem, network.

/** Series not heard from for this long (relative to the host's newest point) are dropped (an unplugged disk). */
const SERIES_EXPIRY_MS = 2 * 60 * 1000;

/** The metrics the summary reads (GET /api/v1/latest asks for these). */
export const HOST_SUMMARY_METRICS = [
  'host_cpu_percent',
  'host_memory_used_percent',
  'host_load1',
  'host_filesystem_used_percent',
  'host_disk_read_bytes_per_second',
  'host_disk_write_bytes_per_second',
  'host_network_receive_bytes_per_second',
  'host_network_transmit_bytes_per_second',
];
const TRACKED = new Set(HOST_SUMMARY_METRICS);

/**
 * @typedef {object} HostSummary
 * @property {string} host
 * @property {number} ts newest point, epoch ms
 * @property {number | undefined} cpu percent busy
 * @property {number | undefined} memory percent used
 * @property {number | undefined} load1
 * @property {number | undefined} filesystem the fullest filesystem, percent used
 * @property {string | undefined} filesystemMount
 * @property {number | undefined} diskRead bytes/s, all devices
 * @property {number | undefined} diskWrite
 * @property {number | undefined} netRx bytes/s, all interfaces
 * @property {number | undefined} netTx
 */

/** @typedef {{ ts: number, value: number, labels: Readonly<Record<string, string>> }} Sample */

/** @param {Readonly<Record<string, string>>} labels */
function seriesKey(labels) {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k] ?? ''}`).join(',');
}

export class HostStore {
  /** @type {Map<string, { newest: number, metrics: Map<string, Map<string, Sample>> }>} */
  #hosts = new Map();
  #onChange;

  /** @param {(host: string, created: boolean) => void} onChange */
  constructor(onChange) {
    this.#onChange = onChange;
  }

  /** Host names, sorted. */
  names() {
    return [...this.#hosts.keys()].sort();
  }

  get size() {
    return this.#hosts.size;
  }

  /**
   * Applies a point (history from /api/v1/latest or live); ignores what the summary does not show.
   * @param {{ ts: number, metric: string, labels: Readonly<Record<string, string>>, value: number }} p
   * @returns {boolean} whether it was a host summary metric
   */
  addPoint(p) {
    const host = p.labels['host'];
    if (!TRACKED.has(p.metric) || host === undefined || host === '' || !Number.isFinite(p.value)) return false;
    let entry = this.#hosts.get(host);
    const created = entry === undefined;
    if (entry === undefined) {
      entry = { newest: 0, metrics: new Map() };
      this.#hosts.set(host, entry);
    }
    let series = entry.metrics.get(p.metric);
    if (series === undefined) {
      series = new Map();
      entry.metrics.set(p.metric, series);
    }
    const key = seriesKey(p.labels);
    const known = series.get(key);
    if (known === undefined || p.ts >= known.ts) series.set(key, { ts: p.ts, value: p.value, labels: p.labels });
    if (p.ts > entry.newest) entry.newest = p.ts;
    this.#onChange(host, created);
    return true;
  }

  /**
   * @param {string} host
   * @returns {HostSummary | undefined}
   */
  summary(host) {
    const entry = this.#hosts.get(host);
    if (entry === undefined) return undefined;
    const cutoff = entry.newest - SERIES_EXPIRY_MS;
    /** @param {string} metric */
    const live = (metric) => {
      const series = entry.metrics.get(metric);
      if (series === undefined) return [];
      for (const [key, s] of series) if (s.ts < cutoff) series.delete(key);
      return [...series.values()];
    };
    /** @param {string} metric */
    const latest = (metric) => live(metric).reduce((/** @type {Sample | undefined} */ a, b) => (a === undefined || b.ts > a.ts ? b : a), undefined)?.value;
    /** @param {string} metric */
    const sum = (metric) => {
      const samples = live(metric);
      return samples.length === 0 ? undefined : samples.reduce((total, s) => total + s.value, 0);
    };
    const fullest = live('host_filesystem_used_percent').reduce((/** @type {Sample | undefined} */ a, b) => (a === undefined || b.value > a.value ? b : a), undefined);
    return {
      host,
      ts: entry.newest,
      cpu: latest('host_cpu_percent'),
      memory: latest('host_memory_used_percent'),
      load1: latest('host_load1'),
      filesystem: fullest?.value,
      filesystemMount: fullest?.labels['mountpoint'],
      diskRead: sum('host_disk_read_bytes_per_second'),
      diskWrite: sum('host_disk_write_bytes_per_second'),
      netRx: sum('host_network_receive_bytes_per_second'),
      netTx: sum('host_network_transmit_bytes_per_second'),
    };
  }
}
