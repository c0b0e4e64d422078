// @ts-check
// A chart line's points: kept sorted by time with one point per timestamp, so that history, live updates and
// refetches after a reconnect can arrive in any order and overlap without drawing anything twice.

/** @typedef {{ x: number, y: number }} XY */

/**
 * Puts (x, y) in its place in a time-sorted array; a point with the same x replaces the old one,
 * so a history refetch that overlaps live data adds nothing twice.
 * @param {XY[]} data
 * @param {number} x
 * @param {number} y
 */
export function insertPoint(data, x, y) {
  const last = data.at(-1);
  if (last === undefined || x > last.x) {
    data.push({ x, y });
    return;
  }
  let lo = 0;
  let hi = data.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = data[mid];
    if (p !== undefined && p.x < x) lo = mid + 1;
    else hi = mid;
  }
  const at = data[lo];
  if (at?.x === x) at.y = y;
  else data.splice(lo, 0, { x, y });
}

/**
 * Removes the points before `cutoff` (the data is time-sorted, so they are all at the front).
 * @param {XY[]} data
 * @param {number} cutoff epoch ms
 */
export function dropBefore(data, cutoff) {
  let n = 0;
  while (n < data.length && (data[n]?.x ?? cutoff) < cutoff) n += 1;
  if (n > 0) data.splice(0, n);
}
