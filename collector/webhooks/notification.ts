// What one webhook notification says, before it is shaped for a receiver's format: a group of alerts sent
// together, with the idempotency key that identifies this notification across every retry and restart.

export type NotificationStatus = 'firing' | 'resolved';

export interface NotifiedAlert {
  /** Alert id: a stable hash of the alert's labels. */
  readonly fingerprint: string;
  readonly status: NotificationStatus;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Epoch ms the alert became active (pending, or firing for rules without `for`). */
  readonly startsAt: number;
  /** Epoch ms it resolved; undefined while firing. */
  readonly endsAt: number | undefined;
  /** The last observed value (the change per second for rate rules). */
  readonly value: number;
}

export interface Notification {
  /** Idempotency key: the same for every attempt of this notification, sent as the Idempotency-Key header. */
  readonly id: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  /** `firing` when any alert in it fires, else `resolved`. */
  readonly status: NotificationStatus;
  /** Firing alerts first, then resolved ones; each group lists each alert once. */
  readonly alerts: readonly NotifiedAlert[];
  /** Base URL of this syncwatch (links back from a receiver). */
  readonly externalUrl: string;
  /** Epoch ms the notification was created. */
  readonly createdAt: number;
}

/** Labels (or annotations) whose value is the same in every alert of the notification. */
export function commonOf(maps: readonly Readonly<Record<string, string>>[]): Record<string, string> {
  const [first, ...rest] = maps;
  if (first === undefined) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(first)) if (rest.every((m) => m[k] === v)) out[k] = v;
  return out;
}

/** Alertmanager's "zero time" for an alert that has not ended. */
export const ZERO_TIME = '0001-01-01T00:00:00Z';

export function isoTime(ms: number | undefined): string {
  return ms === undefined ? ZERO_TIME : new Date(ms).toISOString();
}
