// Alerter notifications: one per alert transition (firing, resolved) and receiver, produced to a topic and
// delivered from there by a consumer group, at least once. The idempotency key is derived from the transition
// (alert id, kind, observation time, receiver), so a transition that a new partition owner re-derives while
// replaying un-committed ingest messages carries the same key as before and the receiver drops the repeat.
import { createHash } from 'node:crypto';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { backoffDelayMs } from '../../lib/retry.js';
import type { AlertEvent } from '../alerts/engine.js';
import type { Router } from '../alerts/routing.js';
import { buildPayload } from '../webhooks/payloads/registry.js';
import type { Notification } from '../webhooks/notification.js';
import { postWebhook } from '../webhooks/post-webhook.js';
import type { Receiver } from '../webhooks/receivers.js';
import { ALERT_NOTIFY_TOPIC, NOTIFIER_GROUP } from './alerter-topics.js';

export interface NotifyMessage {
  readonly notification: Notification;
}

/** Same transition of the same alert to the same receiver → same key, whichever alerter derived it. */
export function transitionKey(alertId: string, kind: string, at: number, receiver: string): string {
  return createHash('sha256').update(`${alertId}\u0000${kind}\u0000${at}\u0000${receiver}`).digest('hex').slice(0, 32);
}

/** The notifications a transition makes: none for pending/cancelled/acknowledged, one per routed receiver otherwise. */
export function notificationsOf(e: AlertEvent, router: Router, externalUrl: string): Notification[] {
  if (e.kind !== 'firing' && e.kind !== 'resolved') return [];
  const a = e.alert;
  const state = a.state;
  if (state.kind !== 'firing' && state.kind !== 'resolved') return [];
  return router.route(a.labels).map((target) => ({
    id: transitionKey(a.id, e.kind, e.at, target.receiver),
    receiver: target.receiver,
    groupKey: a.id,
    groupLabels: { alertname: a.rule },
    status: state.kind,
    alerts: [{ fingerprint: a.id, status: state.kind, labels: a.labels, annotations: a.annotations, startsAt: state.activeAt, endsAt: state.kind === 'resolved' ? state.resolvedAt : undefined, value: state.value }],
    externalUrl,
    createdAt: e.at,
  }));
}

export function parseNotifyMessage(value: Buffer | null): Notification | undefined {
  if (value === null) return undefined;
  try {
    const n = (JSON.parse(value.toString('utf8')) as Partial<NotifyMessage>).notification;
    return typeof n === 'object' && typeof n.id === 'string' && typeof n.receiver === 'string' && Array.isArray(n.alerts) ? n : undefined;
  } catch {
    return undefined;
  }
}

export interface NotificationDelivererOptions {
  readonly kafka: Kafka;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly logger: Logger;
  /** Called after each delivered (2xx) notification. */
  readonly onDelivered?: (n: Notification) => void;
}

/**
 * Delivers the notification topic: a partition's offset is committed only after its notifications were delivered
 * (or given up after the receiver's giveUpAfterMs), so a dead deliverer's partitions are re-delivered by another
 * member — the receiver sees the same idempotency key again.
 */
export class NotificationDeliverer {
  readonly #o: NotificationDelivererOptions;
  readonly #consumer: Consumer;

  constructor(options: NotificationDelivererOptions) {
    this.#o = options;
    this.#consumer = options.kafka.consumer({ groupId: NOTIFIER_GROUP, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: ALERT_NOTIFY_TOPIC, fromBeginning: true });
    await this.#consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.#eachBatch(payload) });
  }

  async close(): Promise<void> {
    await this.#consumer.disconnect();
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    for (const message of batch.messages) {
      if (!payload.isRunning() || payload.isStale()) return;
      const n = parseNotifyMessage(message.value);
      if (n === undefined) this.#o.logger.error({ partition: batch.partition, offset: message.offset }, 'skipping a malformed notification message');
      else if (!(await this.#deliver(n, payload))) return;
      payload.resolveOffset(message.offset);
      await this.#consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(message.offset) + 1n).toString() }]);
      await payload.heartbeat();
    }
  }

  /** False when the partition was taken away meanwhile (the new owner delivers it). */
  async #deliver(n: Notification, payload: EachBatchPayload): Promise<boolean> {
    const receiver = this.#o.receivers.get(n.receiver);
    if (receiver === undefined) {
      this.#o.logger.error({ receiver: n.receiver, notification: n.id }, 'notification for an unknown receiver dropped');
      return true;
    }
    const body = buildPayload(receiver.format, n, { routingKey: receiver.routingKey });
    const started = Date.now();
    for (let attempts = 0; ; attempts++) {
      if (!payload.isRunning() || payload.isStale()) return false;
      const result = await postWebhook(receiver, { id: n.id, body, attempts }, Date.now());
      if (result.kind === 'delivered') {
        this.#o.onDelivered?.(n);
        return true;
      }
      if (Date.now() - started > receiver.giveUpAfterMs) {
        this.#o.logger.error({ receiver: n.receiver, notification: n.id, attempts: attempts + 1, error: result.error }, 'webhook notification given up');
        return true;
      }
      this.#o.logger.warn({ receiver: n.receiver, notification: n.id, attempt: attempts + 1, error: result.error }, 'webhook attempt failed; retrying');
      // Waits in short steps with heartbeats, so a long backoff does not cost the group membership.
      const until = Date.now() + (result.retryAfterMs ?? backoffDelayMs(attempts, receiver.backoff));
      while (Date.now() < until && payload.isRunning() && !payload.isStale()) {
        await new Promise((r) => setTimeout(r, Math.min(1000, until - Date.now())));
        await payload.heartbeat();
      }
    }
  }
}
