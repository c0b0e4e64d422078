// Table names and row shapes as stored in ClickHouse (snake_case columns).

export const TABLES = {
  metricPoints: 'metric_points',
  metricRollup1m: 'metric_rollup_1m',
  schemaMigrations: 'schema_migrations',
  alertEvents: 'alert_events',
  alertState: 'alert_state',
  alertSilences: 'alert_silences',
  webhookDeliveries: 'webhook_deliveries',
  auditLog: 'audit_log',
  verificationRuns: 'verification_runs',
  verificationDiffs: 'verification_diffs',
  verificationCheckpoints: 'verification_checkpoints',
} as const;

/** One row of `metric_points`; `ts` and `received_at` are epoch milliseconds. */
export interface MetricPointRow {
  readonly ts: number;
  readonly metric: string;
  readonly pipeline: string;
  readonly host: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
  readonly agent: string;
  readonly batch_id: string;
  readonly received_at: number;
}

/** Fully qualified table name. */
export function qualified(database: string, table: string): string {
  return `${database}.${table}`;
}
