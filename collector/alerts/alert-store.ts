// ClickHouse persistence of alerts: the transition history (alert_events) and the newest state per alert
// (alert_state, a ReplacingMergeTree read back at start-up).
import { TABLES, qualified } from '../../lib/storage/tables.js';
import type { Storage } from '../../lib/storage/storage.js';
import type { AlertEvent } from './engine.js';
import type { AlertRecord } from './alert-record.js';
import type { Severity } from './rules.js';
import type { AlertState } from './state-machine.js';

interface StateRow {
  readonly fingerprint: string;
  readonly rule: string;
  readonly severity: string;
  readonly state: string;
  readonly series: Record<string, string>;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly value: number;
  readonly active_at: number;
  readonly fired_at: number;
  readonly resolved_at: number;
  readonly updated_at: number;
  readonly acked_by: string;
  readonly acked_at: number;
}

export interface AlertStore {
  /** Appends the event and replaces the alert's stored state; resolves once both are stored. */
  record(event: AlertEvent): Promise<void>;
  /** Alerts whose stored state is pending or firing, and resolved ones among `resolvedIds`. */
  load(resolvedIds: ReadonlySet<string>): Promise<AlertRecord[]>;
}

function stateOf(row: StateRow): AlertState {
  const base = { activeAt: row.active_at, updatedAt: row.updated_at, value: row.value };
  switch (row.state) {
    case 'pending': return { kind: 'pending', ...base };
    case 'firing': return { kind: 'firing', ...base, firedAt: row.fired_at };
    case 'resolved': return { kind: 'resolved', ...base, firedAt: row.fired_at, resolvedAt: row.resolved_at };
    default: return { kind: 'inactive' };
  }
}

function toRecord(row: StateRow): AlertRecord {
  return {
    id: row.fingerprint,
    rule: row.rule,
    severity: row.severity as Severity,
    series: row.series,
    labels: row.labels,
    annotations: row.annotations,
    state: stateOf(row),
    ack: row.acked_by === '' ? undefined : { by: row.acked_by, at: row.acked_at },
  };
}

export function createAlertStore(storage: Storage): AlertStore {
  const events = qualified(storage.database, TABLES.alertEvents);
  const states = qualified(storage.database, TABLES.alertState);
  // Versions only grow, even for two writes in one millisecond, so the newest write always wins the merge.
  let lastVersion = 0;
  const nextVersion = (): number => (lastVersion = Math.max(Date.now() * 1000, lastVersion + 1));
  return {
    async record(e) {
      const a = e.alert;
      const s = a.state;
      // Two tables, one round trip: the two inserts do not depend on each other.
      const event = storage.insert(events, [{
        at: e.at, fingerprint: a.id, rule: a.rule, event: e.kind, state: s.kind, severity: a.severity,
        labels: a.labels, annotations: a.annotations, value: s.kind === 'inactive' ? 0 : s.value, actor: e.actor ?? '',
      }]);
      const state = storage.insert(states, [{
        fingerprint: a.id, version: nextVersion(), rule: a.rule, severity: a.severity, state: s.kind,
        series: a.series, labels: a.labels, annotations: a.annotations,
        value: s.kind === 'inactive' ? 0 : s.value,
        active_at: s.kind === 'inactive' ? 0 : s.activeAt,
        fired_at: s.kind === 'firing' || s.kind === 'resolved' ? s.firedAt : 0,
        resolved_at: s.kind === 'resolved' ? s.resolvedAt : 0,
        updated_at: s.kind === 'inactive' ? e.at : s.updatedAt,
        acked_by: a.ack?.by ?? '', acked_at: a.ack?.at ?? 0,
      }]);
      await Promise.all([event, state]);
    },
    async load(resolvedIds) {
      const rows = await storage.query<StateRow & { version: number }>(
        `SELECT * FROM ${states} FINAL WHERE state IN ('pending', 'firing') OR (state = 'resolved' AND has({ids:Array(String)}, fingerprint))`,
        { ids: [...resolvedIds] },
      );
      return rows.map(toRecord);
    },
  };
}
