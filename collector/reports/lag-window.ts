// Lag statistics of a pipeline in a time window, from the stored metric points (every *_lag_seconds / *_lag_bytes).
import type { Storage } from '../../lib/storage/storage.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';

export interface LagStat {
  readonly metric: string;
  readonly samples: number;
  readonly min: number;
  readonly max: number;
  readonly avg: number;
  readonly p95: number;
}

/** Six significant digits: enough for lag, and stable across summation orders. */
function round(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : 0;
}

export async function lagStats(storage: Storage, pipeline: string, fromMs: number, toMs: number): Promise<LagStat[]> {
  const rows = await storage.query<{ metric: string; samples: number | string; min: number | string; max: number | string; avg: number | string; p95: number | string }>(
    `SELECT metric, count() AS samples, min(value) AS min, max(value) AS max, avg(value) AS avg, quantileExact(0.95)(value) AS p95
     FROM ${qualified(storage.database, TABLES.metricPoints)}
     WHERE (endsWith(metric, '_lag_seconds') OR endsWith(metric, '_lag_bytes'))
       AND pipeline = {pipeline:String}
       AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts <= fromUnixTimestamp64Milli({to:Int64})
     GROUP BY metric ORDER BY metric`,
    { pipeline, from: fromMs, to: toMs },
  );
  return rows.map((r) => ({ metric: r.metric, samples: Number(r.samples), min: round(Number(r.min)), max: round(Number(r.max)), avg: round(Number(r.avg)), p95: round(Number(r.p95)) }));
}
