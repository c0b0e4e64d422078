// @ts-check
// Display formatting for axes, tooltips and latest-value readouts: the browser's locale and local time zone.

/** @typedef {'percent' | 'bytesPerSecond' | 'number' | 'seconds' | 'bytes' | 'count'} Unit */

const RATE_UNITS = ['B/s', 'kB/s', 'MB/s', 'GB/s', 'TB/s'];
const SIZE_UNITS = ['B', 'kB', 'MB', 'GB', 'TB'];
/**
 * A 24-hour clock whatever the locale: shorter axis labels, and what operators compare with logs.
 * @type {Intl.DateTimeFormatOptions}
 */
const CLOCK = { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' };

/**
 * A value as a reader wants it: "42.1 %", "3.2 MB/s", "0.87"; "–" when there is no number.
 * @param {number | undefined} value
 * @param {Unit} unit
 * @returns {string}
 */
export function formatValue(value, unit) {
  if (value === undefined || !Number.isFinite(value)) return '–';
  switch (unit) {
    case 'percent':
      return `${value.toFixed(1)} %`;
    case 'bytesPerSecond':
      return formatScaled(value, RATE_UNITS);
    case 'number':
      return value.toFixed(2);
    case 'seconds':
      return formatDuration(value);
    case 'bytes':
      return formatScaled(value, SIZE_UNITS);
    case 'count':
      return Math.round(value).toLocaleString('en-US');
  }
}

/**
 * A plain number for tables: grouped digits, at most three decimals ("5,000,000", "0.125").
 * @param {number | null | undefined} value
 * @returns {string}
 */
export function formatNumber(value) {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toLocaleString('en-US', { maximumFractionDigits: 3 });
}

/**
 * A lag or age in seconds as people say it: "0.25 s", "12 s", "3 min 04 s", "2 h 05 min", "3 d 4 h".
 * @param {number} seconds
 * @returns {string}
 */
export function formatDuration(seconds) {
  const s = Math.abs(seconds);
  const sign = seconds < 0 ? '-' : '';
  if (s < 10) return `${sign}${s.toFixed(s < 1 ? 2 : 1)} s`;
  if (s < 60) return `${sign}${Math.round(s)} s`;
  const total = Math.round(s);
  if (total < 3600) return `${sign}${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
  if (total < 86_400) return `${sign}${Math.floor(total / 3600)} h ${String(Math.floor((total % 3600) / 60)).padStart(2, '0')} min`;
  return `${sign}${Math.floor(total / 86_400)} d ${Math.floor((total % 86_400) / 3600)} h`;
}

/**
 * How long ago `ms` was, coarsely: "just now", "42 s ago", "5 min ago", "3 h ago", "2 d ago".
 * @param {number} ms epoch ms
 * @param {number} now epoch ms
 * @returns {string}
 */
export function formatAge(ms, now) {
  const s = Math.max(0, Math.round((now - ms) / 1000));
  if (s < 2) return 'just now';
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.floor(s / 60)} min ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)} h ago`;
  return `${Math.floor(s / 86_400)} d ago`;
}

/**
 * Decimal (SI) units, as disk and network tools print them.
 * @param {number} value bytes or bytes per second
 * @param {readonly string[]} units
 * @returns {string}
 */
function formatScaled(value, units) {
  let scaled = Math.abs(value);
  let index = 0;
  while (scaled >= 1000 && index < units.length - 1) {
    scaled /= 1000;
    index += 1;
  }
  // "0.5 B/s" and "1.2 MB/s", but "461 B/s": a decimal only where it changes what one reads.
  const digits = scaled >= 100 || (index === 0 && (scaled >= 10 || Number.isInteger(scaled))) ? 0 : 1;
  return `${value < 0 ? '-' : ''}${scaled.toFixed(digits)} ${units[index] ?? ''}`;
}

/**
 * Epoch milliseconds as a local wall-clock time, "14:05" or "14:05:09".
 * @param {number} ms
 * @param {boolean} [withSeconds]
 * @returns {string}
 */
export function formatTime(ms, withSeconds = false) {
  /** @type {Intl.DateTimeFormatOptions} */
  const options = withSeconds ? { ...CLOCK, second: '2-digit' } : CLOCK;
  return new Date(ms).toLocaleTimeString([], options);
}

/**
 * Epoch milliseconds as a local date and time, "2026-11-21 14:05" (sortable, unambiguous across locales).
 * @param {number} ms
 * @param {boolean} [withSeconds]
 * @returns {string}
 */
export function formatDateTime(ms, withSeconds = false) {
  const d = new Date(ms);
  const two = (/** @type {number} */ n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}${withSeconds ? `:${two(d.getSeconds())}` : ''}`;
}

/**
 * An error's message for the status line, whatever was thrown.
 * @param {unknown} err
 * @returns {string}
 */
export function errorText(err) {
  return err instanceof Error ? err.message : String(err);
}
