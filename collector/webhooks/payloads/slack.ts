// Slack incoming-webhook body: a one-line text for notifications and one attachment listing the alerts.
import type { Notification } from '../notification.js';

const COLORS = { critical: '#d62728', warning: '#ff7f0e', info: '#1f77b4', resolved: '#2ca02c' } as const;

export interface SlackPayload {
  readonly text: string;
  readonly attachments: readonly { readonly color: string; readonly title: string; readonly text: string; readonly footer: string }[];
}

function summaryOf(a: Notification['alerts'][number]): string {
  return a.annotations['summary'] ?? `${a.labels['alertname'] ?? 'alert'} ${JSON.stringify(a.labels)}`;
}

export function buildSlackPayload(n: Notification): SlackPayload {
  const firing = n.alerts.filter((a) => a.status === 'firing');
  const resolved = n.alerts.filter((a) => a.status === 'resolved');
  const name = n.groupLabels['alertname'] ?? n.alerts[0]?.labels['alertname'] ?? 'alerts';
  const head = n.status === 'firing' ? `[FIRING:${firing.length}] ${name}` : `[RESOLVED] ${name}`;
  const severity = firing[0]?.labels['severity'];
  const color = n.status === 'resolved' ? COLORS.resolved : severity === 'critical' || severity === 'warning' || severity === 'info' ? COLORS[severity] : COLORS.warning;
  const lines = [...firing.map((a) => `:red_circle: ${summaryOf(a)}`), ...resolved.map((a) => `:white_check_mark: ${summaryOf(a)}`)];
  return {
    text: head,
    attachments: [{ color, title: head, text: lines.join('\n'), footer: `syncwatch ${n.externalUrl}` }],
  };
}
