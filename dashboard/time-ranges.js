// @ts-check
// The pipeline view's time ranges and the bucket width each is read with. Steps of whole minutes make the series
// API read the 1-minute rollups (lib/storage/metric-points.ts), which is what keeps 30 days cheap.

/** @typedef {{ id: string, label: string, ms: number }} TimeRange */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** About this many buckets per line, whatever the range: enough for a chart ~1000 px wide. */
const TARGET_POINTS = 900;

/** @type {readonly TimeRange[]} */
export const TIME_RANGES = [
  { id: '15m', label: '15 min', ms: 15 * MINUTE },
  { id: '1h', label: '1 h', ms: HOUR },
  { id: '6h', label: '6 h', ms: 6 * HOUR },
  { id: '24h', label: '24 h', ms: DAY },
  { id: '7d', label: '7 d', ms: 7 * DAY },
  { id: '30d', label: '30 d', ms: 30 * DAY },
];

export const DEFAULT_RANGE = '15m';

/**
 * @param {string | undefined} id
 * @returns {TimeRange}
 */
export function rangeById(id) {
  return TIME_RANGES.find((r) => r.id === id) ?? TIME_RANGES[0] ?? { id: '15m', label: '15 min', ms: 15 * MINUTE };
}

/**
 * The bucket width for a range: at least 1 s, and whole minutes from one minute up (read from rollups).
 * @param {number} rangeMs
 * @returns {number}
 */
export function stepFor(rangeMs) {
  const raw = Math.max(1000, Math.ceil(rangeMs / TARGET_POINTS / 1000) * 1000);
  return raw >= MINUTE ? Math.ceil(raw / MINUTE) * MINUTE : raw;
}

/**
 * Whether a step reads the 1-minute rollups rather than raw points.
 * @param {number} stepMs
 */
export function readsRollups(stepMs) {
  return stepMs % MINUTE === 0;
}

/**
 * A bucket width in words: "1-second", "24-second", "2-minute", "1-hour".
 * @param {number} stepMs
 */
export function stepLabel(stepMs) {
  if (stepMs < MINUTE) return `${Math.round(stepMs / 1000)}-second`;
  if (stepMs < HOUR || stepMs % HOUR !== 0) return `${Math.round(stepMs / MINUTE)}-minute`;
  return `${stepMs / HOUR}-hour`;
}
