// The outbox's ClickHouse table: a notification is one `pending` row (with its body) written before any attempt,
// then one row per attempt outcome. The newest row of a delivery is its status, so rows are only ever appended.
//
// Why ClickHouse and not a local file queue: the outbox must survive kill -9, and an insert that returned is a
// written part on disk in both drivers; the table is also where failures are reported from (API, dashboard), and
// with a ClickHouse server a collector restarted on another machine finds its pending deliveries. A local queue
// would need its own fsync, compaction and crash-recovery code for the same guarantee.
import { TABLES, qualified } from '../../lib/storage/tables.js';
import type { Storage } from '../../lib/storage/storage.js';
import type { GroupMemory } from '../alerts/grouping.js';
import type { Delivery, DeliveryStatus, DeliveryView } from './delivery.js';

export interface OutboxStore {
  /** Writes a new delivery's first row (status pending, with the body). */
  enqueue(d: Delivery, at: number): Promise<void>;
  /** Appends the delivery's current status (after an attempt). */
  record(d: Delivery, at: number): Promise<void>;
  /** Deliveries still pending or retrying, oldest first. */
  loadUnfinished(): Promise<Delivery[]>;
  /** Per group key: what the last notification left firing, and when it was enqueued. */
  loadGroupMemories(): Promise<Map<string, GroupMemory>>;
  /** Newest first. */
  list(filter: { status?: DeliveryStatus | undefined; limit: number }): Promise<DeliveryView[]>;
}

export function createOutboxStore(storage: Storage): OutboxStore {
  const table = qualified(storage.database, TABLES.webhookDeliveries);
  const row = (d: Delivery, at: number, payload: string): object => ({
    delivery_id: d.id, seq: d.seq, at, receiver: d.receiver, group_key: d.groupKey, status: d.status,
    notification_status: d.notificationStatus, firing: d.firing, attempts: d.attempts, next_attempt_at: d.nextAttemptAt,
    http_status: d.lastHttpStatus, error: d.lastError, created_at: d.createdAt, payload,
  });
  // Aliases never reuse a column name: ClickHouse would substitute the alias inside other aggregates.
  const summary = `delivery_id, any(receiver) AS any_receiver, any(group_key) AS any_group_key, any(notification_status) AS any_notification_status,
      argMax(status, seq) AS last_status, max(attempts) AS total_attempts, min(created_at) AS first_created_at, toUnixTimestamp64Milli(max(at)) AS last_at,
      argMax(http_status, seq) AS last_http_status, argMax(error, seq) AS last_error`;
  interface SummaryRow {
    readonly delivery_id: string; readonly any_receiver: string; readonly any_group_key: string; readonly any_notification_status: 'firing' | 'resolved';
    readonly last_status: DeliveryStatus; readonly total_attempts: number; readonly first_created_at: number; readonly last_at: number;
    readonly last_http_status: number; readonly last_error: string;
  }
  return {
    async enqueue(d, at) {
      await storage.insert(table, [row(d, at, d.body)]);
    },
    async record(d, at) {
      await storage.insert(table, [row(d, at, '')]);
    },
    async loadUnfinished() {
      const rows = await storage.query<SummaryRow & { next_at: number; last_seq: number; firing_ids: string[]; body: string }>(
        `SELECT ${summary}, argMax(next_attempt_at, seq) AS next_at, max(seq) AS last_seq, anyIf(firing, seq = 0) AS firing_ids, anyIf(payload, seq = 0) AS body
         FROM ${table} GROUP BY delivery_id HAVING last_status IN ('pending', 'retrying') ORDER BY first_created_at, delivery_id`,
      );
      return rows.map((r) => ({
        id: r.delivery_id, receiver: r.any_receiver, groupKey: r.any_group_key, notificationStatus: r.any_notification_status, firing: r.firing_ids,
        body: r.body, createdAt: r.first_created_at, status: r.last_status, attempts: r.total_attempts, nextAttemptAt: r.next_at,
        seq: r.last_seq, lastError: r.last_error, lastHttpStatus: r.last_http_status,
      }));
    },
    async loadGroupMemories() {
      const rows = await storage.query<{ group_key: string; last_firing: string[]; last_sent: number }>(
        `SELECT group_key, argMax(firing, (created_at, delivery_id)) AS last_firing, max(created_at) AS last_sent FROM ${table} WHERE seq = 0 GROUP BY group_key`,
      );
      return new Map(rows.map((r) => [r.group_key, { lastFiring: new Set(r.last_firing), lastSentAt: r.last_sent }]));
    },
    async list(filter) {
      const rows = await storage.query<SummaryRow>(
        `SELECT ${summary} FROM ${table} GROUP BY delivery_id ${filter.status === undefined ? '' : 'HAVING last_status = {status:String}'} ORDER BY first_created_at DESC, delivery_id LIMIT {limit:UInt32}`,
        { limit: filter.limit, ...(filter.status === undefined ? {} : { status: filter.status }) },
      );
      return rows.map((r) => ({
        id: r.delivery_id, receiver: r.any_receiver, groupKey: r.any_group_key, notificationStatus: r.any_notification_status, status: r.last_status,
        attempts: r.total_attempts, createdAt: r.first_created_at, updatedAt: r.last_at, lastHttpStatus: r.last_http_status, lastError: r.last_error,
      }));
    },
  };
}
