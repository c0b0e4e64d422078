// Reading the stored alert transition history (alert_events), newest first: the alerts view's "history".
import type { Storage } from './storage.js';
import { TABLES, qualified } from './tables.js';

export interface AlertEventsQuery {
  /** Inclusive start, epoch ms. */
  readonly from: number;
  /** Exclusive end, epoch ms. */
  readonly to: number;
  /** Only alerts whose `pipeline` label is this. */
  readonly pipeline?: string | undefined;
  /** Only this alert (its fingerprint, the id the alerts API uses). */
  readonly id?: string | undefined;
  readonly limit: number;
}

export interface StoredAlertEvent {
  /** Epoch ms. */
  readonly at: number;
  readonly id: string;
  readonly rule: string;
  /** pending | firing | resolved | cancelled | acknowledged */
  readonly event: string;
  /** The alert's state after the event. */
  readonly state: string;
  readonly severity: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number;
  /** Who acknowledged, for acknowledgements; empty otherwise. */
  readonly actor: string;
}

/** Events in [from, to), newest first, at most `limit`. */
export async function queryAlertEvents(storage: Storage, q: AlertEventsQuery): Promise<StoredAlertEvent[]> {
  const filters = ['at >= fromUnixTimestamp64Milli({from:Int64})', 'at < fromUnixTimestamp64Milli({to:Int64})'];
  if (q.pipeline !== undefined) filters.push("labels['pipeline'] = {pipeline:String}");
  if (q.id !== undefined) filters.push('fingerprint = {id:String}');
  return storage.query<StoredAlertEvent>(
    // `at` is converted outside: an alias of the column's own name would replace it in WHERE as well.
    `SELECT toUnixTimestamp64Milli(at) AS at, id, rule, event, state, severity, labels, annotations, value, actor FROM (
       SELECT at, fingerprint AS id, rule, event, state, severity, labels, annotations, value, actor
       FROM ${qualified(storage.database, TABLES.alertEvents)}
       WHERE ${filters.join(' AND ')}
       ORDER BY at DESC, id
       LIMIT {limit:UInt32}
     )
     ORDER BY at DESC, id`,
    { from: q.from, to: q.to, limit: q.limit, ...(q.pipeline !== undefined ? { pipeline: q.pipeline } : {}), ...(q.id !== undefined ? { id: q.id } : {}) },
  );
}
