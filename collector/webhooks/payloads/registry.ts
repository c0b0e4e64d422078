// Payload format name → body builder, one line each. A new format is one file here and one line below.
import type { Notification } from '../notification.js';
import { buildAlertmanagerPayload } from './alertmanager.js';
import { buildPagerDutyPayload } from './pagerduty.js';
import { buildSlackPayload } from './slack.js';

/** What a builder may read about its receiver besides the notification. */
export interface PayloadContext {
  /** PagerDuty integration key (checked present at start-up for pagerduty receivers). */
  readonly routingKey: string | undefined;
}

export const PAYLOAD_BUILDERS = {
  alertmanager: (n: Notification) => buildAlertmanagerPayload(n),
  slack: (n: Notification) => buildSlackPayload(n),
  pagerduty: (n: Notification, ctx: PayloadContext) => buildPagerDutyPayload(n, ctx.routingKey ?? ''),
} as const satisfies Record<string, (n: Notification, ctx: PayloadContext) => object>;

export type PayloadFormat = keyof typeof PAYLOAD_BUILDERS;
export const PAYLOAD_FORMATS = Object.keys(PAYLOAD_BUILDERS) as PayloadFormat[];

/** The JSON body for a receiver of `format`. */
export function buildPayload(format: PayloadFormat, n: Notification, ctx: PayloadContext): string {
  return JSON.stringify(PAYLOAD_BUILDERS[format](n, ctx));
}
