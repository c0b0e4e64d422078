// @ts-check
// The host panel as data: which charts a host gets and which metrics (and label) feed each line.
// Adding a chart is one entry here; charts.js and host-board.js never name a metric.

/**
 * One family of lines in a chart. With `labelKey`, each value of that label is its own line
 * (one per disk, interface or mount point); without it, the metric is a single line.
 * @typedef {object} SeriesSpec
 * @property {string} metric
 * @property {string} name legend prefix, e.g. "read"
 * @property {string} [labelKey]
 */

/**
 * How the headline next to the title sums up the newest values: the single line's value, a sum per
 * `SeriesSpec.name` (total read vs total write), or the largest line (the fullest filesystem).
 * @typedef {'latest' | 'sumByName' | 'max'} Summary
 */

/**
 * @typedef {object} PanelSpec
 * @property {string} id stable, used in `data-testid="chart-<id>"`
 * @property {string} title
 * @property {import('./format.js').Unit} unit
 * @property {Summary} summary
 * @property {readonly SeriesSpec[]} series
 * @property {number} [max] fixed top of the y axis (percentages)
 */

/** @type {readonly PanelSpec[]} */
export const HOST_PANELS = [
  { id: 'cpu', title: 'CPU busy', unit: 'percent', summary: 'latest', max: 100, series: [{ metric: 'host_cpu_percent', name: 'CPU' }] },
  { id: 'memory', title: 'Memory used', unit: 'percent', summary: 'latest', max: 100, series: [{ metric: 'host_memory_used_percent', name: 'memory' }] },
  { id: 'load1', title: 'Load average (1 min)', unit: 'number', summary: 'latest', series: [{ metric: 'host_load1', name: 'load1' }] },
  {
    id: 'disk',
    title: 'Disk I/O',
    unit: 'bytesPerSecond',
    summary: 'sumByName',
    series: [
      { metric: 'host_disk_read_bytes_per_second', name: 'read', labelKey: 'device' },
      { metric: 'host_disk_write_bytes_per_second', name: 'write', labelKey: 'device' },
    ],
  },
  {
    id: 'network',
    title: 'Network',
    unit: 'bytesPerSecond',
    summary: 'sumByName',
    series: [
      { metric: 'host_network_receive_bytes_per_second', name: 'rx', labelKey: 'interface' },
      { metric: 'host_network_transmit_bytes_per_second', name: 'tx', labelKey: 'interface' },
    ],
  },
  { id: 'filesystem', title: 'Filesystem used', unit: 'percent', summary: 'max', max: 100, series: [{ metric: 'host_filesystem_used_percent', name: '', labelKey: 'mountpoint' }] },
];

/**
 * Every metric the host panel shows, once each (what the page fetches for its history).
 * @returns {string[]}
 */
export function panelMetrics() {
  return [...new Set(HOST_PANELS.flatMap((panel) => panel.series.map((s) => s.metric)))];
}
