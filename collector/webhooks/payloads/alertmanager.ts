// Generic JSON in the shape of Alertmanager's webhook notification (version "4"), so that receivers written
// for Alertmanager accept syncwatch's notifications unchanged.
import { commonOf, isoTime, type Notification } from '../notification.js';

export interface AlertmanagerPayload {
  readonly version: '4';
  readonly groupKey: string;
  readonly truncatedAlerts: number;
  readonly status: 'firing' | 'resolved';
  readonly receiver: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly commonLabels: Readonly<Record<string, string>>;
  readonly commonAnnotations: Readonly<Record<string, string>>;
  readonly externalURL: string;
  readonly alerts: readonly {
    readonly status: 'firing' | 'resolved';
    readonly labels: Readonly<Record<string, string>>;
    readonly annotations: Readonly<Record<string, string>>;
    readonly startsAt: string;
    readonly endsAt: string;
    readonly generatorURL: string;
    readonly fingerprint: string;
  }[];
}

export function buildAlertmanagerPayload(n: Notification): AlertmanagerPayload {
  return {
    version: '4',
    groupKey: n.groupKey,
    truncatedAlerts: 0,
    status: n.status,
    receiver: n.receiver,
    groupLabels: n.groupLabels,
    commonLabels: commonOf(n.alerts.map((a) => a.labels)),
    commonAnnotations: commonOf(n.alerts.map((a) => a.annotations)),
    externalURL: n.externalUrl,
    alerts: n.alerts.map((a) => ({
      status: a.status,
      labels: a.labels,
      annotations: a.annotations,
      startsAt: isoTime(a.startsAt),
      endsAt: isoTime(a.endsAt),
      generatorURL: `${n.externalUrl}/api/v1/alerts?id=${a.fingerprint}`,
      fingerprint: a.fingerprint,
    })),
  };
}
