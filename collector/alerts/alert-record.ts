// One alert as the engine holds it, and the JSON view the API, the WebSocket topic and the store share.
import { createHash } from 'node:crypto';
import type { Severity } from './rules.js';
import type { AlertState, AlertStateKind, Transition } from './state-machine.js';

export interface Acknowledgement {
  readonly by: string;
  /** Epoch ms. */
  readonly at: number;
}

/** An alert: one rule applied to one label set. */
export interface AlertRecord {
  /** Stable id: hash of `labels` (same label set → same id across episodes and restarts). */
  readonly id: string;
  readonly rule: string;
  readonly severity: Severity;
  /** The labels of the series (or of the `by` subset, for absence rules) the rule matched. */
  readonly series: Readonly<Record<string, string>>;
  /** series labels + rule labels + alertname + severity. */
  readonly labels: Readonly<Record<string, string>>;
  /** Rendered when the alert last changed state. */
  readonly annotations: Readonly<Record<string, string>>;
  readonly state: AlertState;
  /** Present from an acknowledgement until the alert resolves. */
  readonly ack: Acknowledgement | undefined;
}

export type AlertEventKind = Transition | 'acknowledged';

export interface AlertView {
  readonly id: string;
  readonly rule: string;
  readonly state: AlertStateKind;
  readonly severity: Severity;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly value: number | null;
  /** Epoch ms; null while inactive. */
  readonly activeAt: number | null;
  readonly firedAt: number | null;
  readonly resolvedAt: number | null;
  readonly updatedAt: number | null;
  readonly acknowledgedBy: string | null;
  readonly acknowledgedAt: number | null;
  /** Ids of the silences that mute its notifications now. */
  readonly silencedBy: readonly string[];
}

/** Labels sorted by name, as one string: the key of a label set. */
export function labelsKey(labels: Readonly<Record<string, string>>): string {
  const names = Object.keys(labels).sort();
  let out = '';
  for (const n of names) out += `${n}\u0000${labels[n] ?? ''}\u0001`;
  return out;
}

/** 16 hex digits of SHA-256 over the sorted label set (the width of Alertmanager's fingerprints). */
export function fingerprintOf(labels: Readonly<Record<string, string>>): string {
  return createHash('sha256').update(labelsKey(labels)).digest('hex').slice(0, 16);
}

export function toView(a: AlertRecord, silencedBy: readonly string[] = []): AlertView {
  const s = a.state;
  return {
    id: a.id,
    rule: a.rule,
    state: s.kind,
    severity: a.severity,
    labels: a.labels,
    annotations: a.annotations,
    value: s.kind === 'inactive' ? null : s.value,
    activeAt: s.kind === 'inactive' ? null : s.activeAt,
    firedAt: s.kind === 'firing' || s.kind === 'resolved' ? s.firedAt : null,
    resolvedAt: s.kind === 'resolved' ? s.resolvedAt : null,
    updatedAt: s.kind === 'inactive' ? null : s.updatedAt,
    acknowledgedBy: a.ack?.by ?? null,
    acknowledgedAt: a.ack?.at ?? null,
    silencedBy,
  };
}
