// The span of point timestamps the collector accepts, relative to its own clock. The schema alone admits years
// 1970–3000, but ClickHouse cannot keep all of that once the batch is acknowledged:
// - points older than the raw retention (storage.retentionDays, the metric_points TTL) are dropped right after the
//   insert, so the agent is told instead of being acked;
// - the 1-minute rollups store DateTime, which wraps after 2106;
// - every distinct day is a partition, so a far-future point would leave a partition the TTL never removes.
import type { Point } from '../../lib/protocol/ingest-batch.js';

const DAY_MS = 86_400_000;

/** Newest accepted point, ms after the collector's clock: room for a fast agent clock, not for a wrong one. */
export const MAX_POINT_LEAD_MS = DAY_MS;

/** Names the first point whose ts is outside [now − retention, now + MAX_POINT_LEAD_MS], or undefined. */
export function pointTimeProblem(points: readonly Point[], now: number, retentionDays: number): string | undefined {
  const oldest = now - retentionDays * DAY_MS;
  const newest = now + MAX_POINT_LEAD_MS;
  for (let i = 0; i < points.length; i++) {
    const ts = points[i]?.ts ?? now;
    if (ts < oldest) return `body.points[${i}].ts: ${isoOrRaw(ts)} is older than the ${retentionDays}-day retention of raw points`;
    if (ts > newest) return `body.points[${i}].ts: ${isoOrRaw(ts)} is more than ${MAX_POINT_LEAD_MS / 3_600_000} h ahead of the collector's clock (${isoOrRaw(now)})`;
  }
  return undefined;
}

/** ISO-8601 for a representable time, else the number as sent (toISOString throws past ±8.64e15 ms). */
function isoOrRaw(ms: number): string {
  return Number.isFinite(ms) && Math.abs(ms) <= 8.64e15 ? new Date(ms).toISOString() : String(ms);
}
