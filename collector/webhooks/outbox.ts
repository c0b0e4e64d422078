// The webhook outbox: every notification is stored before its first attempt, then retried with exponential
// backoff and jitter until the receiver answers 2xx or the receiver's give-up time passes (then it is recorded
// as failed and reported). Deliveries of one group go out in order, one at a time: a resolve never overtakes
// the firing it resolves. Unfinished deliveries are reloaded at start-up, so a crash loses none.
import type { Logger } from 'pino';
import { backoffDelayMs } from '../../lib/retry.js';
import type { Clock } from '../../lib/clock.js';
import type { AttemptResult, Delivery } from './delivery.js';
import type { Notification } from './notification.js';
import type { OutboxStore } from './outbox-store.js';
import { buildPayload } from './payloads/registry.js';
import type { Receiver } from './receivers.js';

export interface OutboxDeps {
  readonly store: OutboxStore;
  readonly receivers: ReadonlyMap<string, Receiver>;
  readonly clock: Clock;
  readonly logger: Logger;
  /** One HTTP attempt (postWebhook in production). */
  attempt(receiver: Receiver, d: Delivery, nowMs: number): Promise<AttemptResult>;
  /** Called after every attempt outcome that changes the status, for metrics and reporting. */
  onOutcome?(d: Delivery, result: AttemptResult): void;
  /** Attempts in flight at most, over all groups. @default 16 */
  readonly concurrency?: number;
}

export class Outbox {
  readonly #deps: OutboxDeps;
  /** Per receiver + group: deliveries in order; only the head is attempted. */
  readonly #lanes = new Map<string, Delivery[]>();
  readonly #inFlight = new Map<string, Promise<void>>();
  #timer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(deps: OutboxDeps) {
    this.#deps = deps;
  }

  /** Reloads unfinished deliveries (after a restart or a crash) and starts sending. */
  async start(): Promise<void> {
    for (const d of await this.#deps.store.loadUnfinished()) this.#push(d);
    this.#kick();
  }

  /** Deliveries not yet delivered or given up. */
  get pending(): number {
    let n = 0;
    for (const lane of this.#lanes.values()) n += lane.length;
    return n;
  }

  /** Builds the receiver's body, stores the delivery durably, then queues it. */
  async enqueue(n: Notification, firing: readonly string[]): Promise<void> {
    const receiver = this.#deps.receivers.get(n.receiver);
    if (receiver === undefined) throw new Error(`unknown receiver ${n.receiver}`);
    const body = buildPayload(receiver.format, n, { routingKey: receiver.routingKey });
    const now = this.#deps.clock.now();
    const d: Delivery = {
      id: n.id, receiver: n.receiver, groupKey: n.groupKey, notificationStatus: n.status, firing, body, createdAt: now,
      status: 'pending', attempts: 0, nextAttemptAt: now, seq: 0, lastError: '', lastHttpStatus: 0,
    };
    await this.#deps.store.enqueue(d, now);
    this.#push(d);
    this.#kick();
  }

  /** Stops scheduling and waits for attempts in flight (each bounded by its receiver's timeout). */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    await Promise.all(this.#inFlight.values());
  }

  #push(d: Delivery): void {
    const key = `${d.receiver}\u0000${d.groupKey}`;
    const lane = this.#lanes.get(key);
    if (lane === undefined) this.#lanes.set(key, [d]);
    else lane.push(d);
  }

  /** Starts every due head attempt and sets one timer for the earliest one not yet due. */
  #kick(): void {
    if (this.#closed) return;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const now = this.#deps.clock.now();
    const limit = this.#deps.concurrency ?? 16;
    let earliest = Infinity;
    for (const [key, lane] of this.#lanes) {
      const head = lane[0];
      if (head === undefined || this.#inFlight.has(key)) continue;
      if (head.nextAttemptAt > now || this.#inFlight.size >= limit) {
        earliest = Math.min(earliest, Math.max(head.nextAttemptAt, now + 10));
        continue;
      }
      this.#inFlight.set(key, this.#run(key, lane, head).finally(() => {
        this.#inFlight.delete(key);
        this.#kick();
      }));
    }
    if (earliest !== Infinity) this.#timer = setTimeout(() => { this.#kick(); }, earliest - now);
  }

  async #run(key: string, lane: Delivery[], d: Delivery): Promise<void> {
    const receiver = this.#deps.receivers.get(d.receiver);
    const started = this.#deps.clock.now();
    const result: AttemptResult = receiver === undefined
      ? { kind: 'failed', httpStatus: 0, error: `receiver ${d.receiver} is no longer configured`, retryAfterMs: undefined }
      : await this.#deps.attempt(receiver, d, started);
    const now = this.#deps.clock.now();
    d.attempts += 1;
    d.seq += 1;
    d.lastHttpStatus = result.httpStatus;
    if (result.kind === 'delivered') {
      d.status = 'delivered';
      d.lastError = '';
    } else {
      d.lastError = result.error;
      const giveUpAt = d.createdAt + (receiver?.giveUpAfterMs ?? 0);
      const backoff = backoffDelayMs(d.attempts - 1, receiver?.backoff ?? { initialMs: 1000, maxMs: 60_000 });
      // The last attempt is made at the give-up time rather than a backoff step after it.
      d.nextAttemptAt = Math.min(now + Math.max(backoff, result.retryAfterMs ?? 0), Math.max(giveUpAt, now));
      d.status = now >= giveUpAt ? 'failed' : 'retrying';
      if (d.status === 'failed') d.lastError = `SW_WEBHOOK_GAVE_UP after ${d.attempts} attempts: ${result.error}`;
    }
    if (d.status !== 'retrying') {
      lane.shift();
      if (lane.length === 0) this.#lanes.delete(key);
    }
    this.#deps.onOutcome?.(d, result);
    try {
      await this.#deps.store.record(d, now);
    } catch (err) {
      // The attempt happened; losing its record only means a delivered notification may be sent once more
      // after a restart, which the receiver drops by its idempotency key.
      this.#deps.logger.warn({ err, delivery: d.id }, 'could not record a webhook attempt');
    }
  }
}
