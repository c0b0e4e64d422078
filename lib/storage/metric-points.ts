// Reading and writing metric points: the SQL for the `metric_points` table, shared by every role.
import { createHash } from 'node:crypto';
import type { IngestBatch } from '../protocol/ingest-batch.js';
import type { Storage } from './storage.js';
import { TABLES, qualified, type MetricPointRow } from './tables.js';

/** Maps an ingest batch to rows; `host` and `pipeline` labels are lifted into ordering-key columns. */
export function toMetricRows(batch: IngestBatch, receivedAt: number): MetricPointRow[] {
  return batch.points.map((p) => ({
    ts: p.ts,
    metric: p.metric,
    pipeline: p.labels['pipeline'] ?? '',
    host: p.labels['host'] ?? '',
    labels: p.labels,
    value: p.value,
    agent: batch.agent,
    batch_id: batch.batchId,
    received_at: receivedAt,
  }));
}

/** Stores a batch once: a retry with the same batch id is dropped by ClickHouse's insert deduplication. */
export async function insertBatch(storage: Storage, batch: IngestBatch, receivedAt: number): Promise<void> {
  await storage.insert(qualified(storage.database, TABLES.metricPoints), toMetricRows(batch, receivedAt), { dedupToken: batch.batchId });
}

export interface SeriesQuery {
  readonly metric: string;
  /** Inclusive start, epoch ms. */
  readonly from: number;
  /** Exclusive end, epoch ms. */
  readonly to: number;
  readonly host?: string | undefined;
  readonly pipeline?: string | undefined;
  /** Bucket width in ms; when set, each bucket's average is returned instead of raw points. */
  readonly stepMs?: number | undefined;
  /** Upper bound on points per series; the newest points are kept. */
  readonly maxPoints: number;
}

export interface Series {
  readonly labels: Readonly<Record<string, string>>;
  /** `[epochMs, value]` pairs in time order. */
  readonly points: readonly (readonly [number, number])[];
}

/** Ranges longer than this without an explicit step are read from the 1-minute rollups. */
export const RAW_RANGE_LIMIT_MS = 6 * 60 * 60 * 1000;
const MINUTE_MS = 60_000;

/**
 * The bucket width a query is answered with: the caller's step, or for long ranges an automatic whole-minute
 * step that keeps each series within maxPoints. Whole-minute steps read the rollup table.
 */
export function resolveStep(q: SeriesQuery): number | undefined {
  if (q.stepMs !== undefined) return q.stepMs;
  if (q.to - q.from <= RAW_RANGE_LIMIT_MS) return undefined;
  return Math.max(1, Math.ceil((q.to - q.from) / q.maxPoints / MINUTE_MS)) * MINUTE_MS;
}

/** Groups points into series by label set inside ClickHouse, in time order, bounded per series. */
export async function querySeries(storage: Storage, q: SeriesQuery): Promise<Series[]> {
  const step = resolveStep(q);
  const fromRollup = step !== undefined && step % MINUTE_MS === 0;
  const table = qualified(storage.database, fromRollup ? TABLES.metricRollup1m : TABLES.metricPoints);
  const filters = ['metric = {metric:String}'];
  filters.push(fromRollup ? 'ts >= toDateTime(intDiv({from:Int64}, 1000))' : 'ts >= fromUnixTimestamp64Milli({from:Int64})');
  filters.push(fromRollup ? 'ts < toDateTime(intDiv({to:Int64} + 999, 1000))' : 'ts < fromUnixTimestamp64Milli({to:Int64})');
  if (q.host !== undefined) filters.push('host = {host:String}');
  if (q.pipeline !== undefined) filters.push('pipeline = {pipeline:String}');
  const inner = fromRollup
    ? `SELECT series AS sid, any(labels) AS lbl, toUnixTimestamp(toStartOfInterval(ts, toIntervalSecond(intDiv({step:UInt64}, 1000)))) * 1000 AS t, sum(sum) / sum(count) AS v
       FROM ${table} WHERE ${filters.join(' AND ')} GROUP BY sid, t`
    : `SELECT labels AS sid, labels AS lbl, toUnixTimestamp64Milli(${step === undefined ? 'ts' : 'toStartOfInterval(ts, toIntervalMillisecond({step:UInt64}))'}) AS t, ${step === undefined ? 'any(value)' : 'avg(value)'} AS v
       FROM ${table} WHERE ${filters.join(' AND ')} GROUP BY sid, lbl, t`;
  const sql = `
    SELECT any(lbl) AS labels, arraySlice(arraySort(x -> x.1, groupArray((t, v))), -{max:UInt32}) AS points
    FROM (${inner})
    GROUP BY sid
    ORDER BY toString(labels)`;
  const rows = await storage.query<{ labels: Record<string, string>; points: [number, number][] }>(sql, {
    metric: q.metric,
    from: q.from,
    to: q.to,
    max: q.maxPoints,
    ...(q.host !== undefined ? { host: q.host } : {}),
    ...(q.pipeline !== undefined ? { pipeline: q.pipeline } : {}),
    ...(step !== undefined ? { step } : {}),
  });
  return rows.map((r) => ({ labels: r.labels, points: r.points }));
}

/** A batch as it waits to be stored, with the collector's receive time. */
export interface ReceivedBatch {
  readonly batch: IngestBatch;
  readonly receivedAt: number;
}

const DAY_MS = 86_400_000;

/**
 * Which (batch id, UTC day) parts of these batches are already stored. ClickHouse writes one part per partition
 * (day) atomically, so a crash in the middle of a multi-day insert leaves whole days behind, never half of one;
 * checking per day therefore finds exactly what is missing.
 */
export async function findStoredParts(storage: Storage, batches: readonly ReceivedBatch[]): Promise<Set<string>> {
  const ids = [...new Set(batches.map((b) => b.batch.batchId))];
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const { batch } of batches) {
    for (const p of batch.points) {
      if (p.ts < min) min = p.ts;
      if (p.ts > max) max = p.ts;
    }
  }
  if (ids.length === 0 || min > max) return new Set();
  const rows = await storage.query<{ batch_id: string; day: number }>(
    `SELECT DISTINCT batch_id, intDiv(toUnixTimestamp64Milli(ts), ${DAY_MS}) AS day
     FROM ${qualified(storage.database, TABLES.metricPoints)}
     WHERE batch_id IN {ids:Array(String)} AND ts >= fromUnixTimestamp64Milli({min:Int64}) AND ts <= fromUnixTimestamp64Milli({max:Int64})`,
    { ids, min, max },
  );
  return new Set(rows.map((r) => `${r.batch_id}|${r.day}`));
}

export interface StoreGroupResult {
  /** Points written by this call. */
  readonly stored: number;
  /** Points skipped because their batch (and day) was already stored or repeated within the group. */
  readonly duplicates: number;
}

/**
 * Stores many batches as one insert, each point once: repeats inside the group and parts already in ClickHouse are
 * dropped first; the insert's dedup token is derived from the group's batch ids, so retrying the same group after
 * an error (not knowing whether it landed) stores it once.
 */
export async function storeGroup(storage: Storage, group: readonly ReceivedBatch[], tokenPrefix: string): Promise<StoreGroupResult> {
  const unique = new Map<string, ReceivedBatch>();
  let duplicates = 0;
  for (const item of group) {
    if (unique.has(item.batch.batchId)) duplicates += item.batch.points.length;
    else unique.set(item.batch.batchId, item);
  }
  const items = [...unique.values()];
  const stored = await findStoredParts(storage, items);
  const rows: MetricPointRow[] = [];
  for (const { batch, receivedAt } of items) {
    for (const row of toMetricRows(batch, receivedAt)) {
      if (stored.has(`${batch.batchId}|${Math.floor(row.ts / DAY_MS)}`)) duplicates += 1;
      else rows.push(row);
    }
  }
  if (rows.length > 0) {
    const token = `${tokenPrefix}:${createHash('sha256').update(items.map((i) => i.batch.batchId).join('\n')).digest('hex')}`;
    await storage.insert(qualified(storage.database, TABLES.metricPoints), rows, { dedupToken: token });
  }
  return { stored: rows.length, duplicates };
}
