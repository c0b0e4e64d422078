// One queued webhook notification (a row group in webhook_deliveries) and the outcome of an attempt.

export type DeliveryStatus = 'pending' | 'retrying' | 'delivered' | 'failed';

export interface Delivery {
  /** The notification id: the Idempotency-Key header of every attempt. */
  readonly id: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly notificationStatus: 'firing' | 'resolved';
  /** Alert ids the group's receiver believes firing once this is delivered (restores de-duplication). */
  readonly firing: readonly string[];
  /** The exact body sent on every attempt. */
  readonly body: string;
  /** Epoch ms it was enqueued; the give-up deadline counts from here. */
  readonly createdAt: number;
  status: DeliveryStatus;
  attempts: number;
  /** Epoch ms of the next attempt. */
  nextAttemptAt: number;
  /** Row sequence within the delivery (0 = enqueued). */
  seq: number;
  lastError: string;
  lastHttpStatus: number;
}

export type AttemptResult =
  | { readonly kind: 'delivered'; readonly httpStatus: number }
  | { readonly kind: 'failed'; readonly httpStatus: number; readonly error: string; readonly retryAfterMs: number | undefined };

/** A delivery as listed by GET /api/v1/webhooks/deliveries (no body). */
export interface DeliveryView {
  readonly id: string;
  readonly receiver: string;
  readonly groupKey: string;
  readonly notificationStatus: string;
  readonly status: DeliveryStatus;
  readonly attempts: number;
  readonly createdAt: number;
  readonly updatedAt: number;
  readonly lastHttpStatus: number;
  readonly lastError: string;
}
