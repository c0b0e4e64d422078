// PagerDuty Events API v2 body: one event per notification group. The dedup_key is derived from the group key,
// so the incident opened by `trigger` is closed by the group's later `resolve`.
import { createHash } from 'node:crypto';
import type { Notification } from '../notification.js';

export const PAGERDUTY_SEVERITIES = ['critical', 'error', 'warning', 'info'] as const;
type PagerDutySeverity = (typeof PAGERDUTY_SEVERITIES)[number];

export interface PagerDutyPayload {
  readonly routing_key: string;
  readonly event_action: 'trigger' | 'resolve';
  readonly dedup_key: string;
  readonly payload: {
    readonly summary: string;
    readonly source: string;
    readonly severity: PagerDutySeverity;
    readonly timestamp: string;
    readonly custom_details: Readonly<Record<string, unknown>>;
  };
  readonly client: string;
  readonly client_url: string;
}

/** PagerDuty limits a summary to 1024 characters. */
const MAX_SUMMARY = 1024;

function severityOf(label: string | undefined): PagerDutySeverity {
  return (PAGERDUTY_SEVERITIES as readonly string[]).includes(label ?? '') ? (label as PagerDutySeverity) : 'warning';
}

export function buildPagerDutyPayload(n: Notification, routingKey: string): PagerDutyPayload {
  const firing = n.alerts.filter((a) => a.status === 'firing');
  const first = firing[0] ?? n.alerts[0];
  const base = first?.annotations['summary'] ?? first?.labels['alertname'] ?? 'syncwatch alert';
  const summary = firing.length > 1 ? `${base} (+${firing.length - 1} more)` : base;
  return {
    routing_key: routingKey,
    event_action: n.status === 'firing' ? 'trigger' : 'resolve',
    dedup_key: createHash('sha256').update(n.groupKey).digest('hex').slice(0, 32),
    payload: {
      summary: summary.slice(0, MAX_SUMMARY),
      source: first?.labels['host'] ?? first?.labels['pipeline'] ?? 'syncwatch',
      severity: severityOf(first?.labels['severity']),
      timestamp: new Date(n.createdAt).toISOString(),
      custom_details: { groupKey: n.groupKey, firing: firing.length, alerts: n.alerts.map((a) => ({ status: a.status, labels: a.labels, value: a.value })) },
    },
    client: 'syncwatch',
    client_url: n.externalUrl,
  };
}
