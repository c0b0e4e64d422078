// Alerter role over Kafka: the alerters form one consumer group on the ingest topic (a group of their own, so the
// writers still read everything), and each evaluates the rules for the partitions it owns — the topic is keyed by
// pipeline, so each pipeline's rules are evaluated by exactly one alerter. Per partition: an alert engine restored
// from the alert-state changelog before its first message, transitions produced to the changelog and the
// notification topic (acks = all) before the ingest offset is committed. A new owner (rebalance, dead alerter)
// restores the state and re-reads from the last commit; transitions it derives again carry the same idempotency
// key, so the receiver sees each transition once.
import type { Consumer, EachBatchPayload, Kafka, Message, Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { toView } from '../alerts/alert-record.js';
import type { AlertsConfig } from '../alerts/config.js';
import { AlertEngine, type AlertEvent } from '../alerts/engine.js';
import { createRouter, type Router } from '../alerts/routing.js';
import type { LivePublisher } from '../live-relay/live-relay.js';
import { resolveReceiver, type Receiver } from '../webhooks/receivers.js';
import { parseMessage } from './kafka-writer.js';
import { NotificationDeliverer, notificationsOf } from './alerter-notify.js';
import { AlertStateReader } from './alerter-state.js';
import { ALERTER_GROUP, ALERT_NOTIFY_TOPIC, ALERT_STATE_TOPIC, ensureTopics } from './alerter-topics.js';

export interface AlerterRoleOptions {
  readonly kafka: Kafka;
  /** The ingest topic and its partition count (the changelog and notification topics get as many). */
  readonly topic: string;
  readonly partitions: number;
  readonly config: AlertsConfig;
  readonly logger: Logger;
  /** Where alert transitions go for dashboards; absent = not pushed. */
  readonly live?: LivePublisher;
  externalUrl(): string;
  readonly env?: NodeJS.ProcessEnv;
  /** How long a new owner waits for the changelog to be read before it gives the partition up. @default 30000 */
  readonly restoreTimeoutMs?: number;
}

interface OwnedPartition {
  readonly partition: number;
  readonly engine: AlertEngine;
  /** Transitions not yet produced. */
  events: AlertEvent[];
  /** Resolves once the state is restored. */
  readonly ready: Promise<void>;
  /** Collector time of the latest message: the partition's clock for `for` and absence while messages flow. */
  clock: number;
  /** Wall time of the latest message; an idle partition is swept on wall time instead. */
  lastMessageAt: number;
  /** Serializes produce calls of this partition (messages, then idle sweeps) so the changelog stays in order. */
  chain: Promise<void>;
}

export class AlerterRole {
  readonly #o: AlerterRoleOptions;
  readonly #consumer: Consumer;
  readonly #producer: Producer;
  readonly #state: AlertStateReader;
  readonly #deliverer: NotificationDeliverer;
  readonly #router: Router;
  readonly #owned = new Map<number, OwnedPartition>();
  #assigned: readonly number[] = [];
  #sweep: NodeJS.Timeout | undefined;
  #lastError: string | undefined;

  constructor(options: AlerterRoleOptions) {
    this.#o = options;
    const receivers = new Map<string, Receiver>(options.config.receivers.map((r) => [r.name, resolveReceiver(r, options.env ?? process.env)]));
    this.#router = createRouter(options.config.route);
    this.#consumer = options.kafka.consumer({ groupId: ALERTER_GROUP, sessionTimeout: 10_000, heartbeatInterval: 1000 });
    this.#producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.#state = new AlertStateReader(options.kafka);
    this.#deliverer = new NotificationDeliverer({ kafka: options.kafka, receivers, logger: options.logger.child({ component: 'notifier' }) });
  }

  /** Partitions of the ingest topic this alerter owns now. */
  get assigned(): readonly number[] {
    return this.#assigned;
  }

  async start(): Promise<void> {
    await ensureTopics(this.#o.kafka, [
      { topic: ALERT_STATE_TOPIC, partitions: this.#o.partitions, compacted: true },
      { topic: ALERT_NOTIFY_TOPIC, partitions: this.#o.partitions },
    ]);
    await this.#producer.connect();
    await this.#state.start();
    await this.#deliverer.start();
    // From the moment this member rejoins, another may be handed its partitions: stop producing for them (idle
    // sweeps included) and restore from the changelog whatever is assigned again.
    this.#consumer.on(this.#consumer.events.REBALANCING, () => { this.#owned.clear(); });
    this.#consumer.on(this.#consumer.events.GROUP_JOIN, (e) => { this.#onAssignment(e.payload.memberAssignment[this.#o.topic] ?? []); });
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#o.topic, fromBeginning: true });
    await this.#consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.#eachBatch(payload) });
    this.#sweep = setInterval(() => { this.#sweepIdle(); }, this.#o.config.sweepIntervalMs);
  }

  check(): Promise<{ ok: true; detail: string } | { ok: false; error: string }> {
    return Promise.resolve(this.#lastError === undefined
      ? { ok: true, detail: `evaluating partitions [${this.#assigned.join(',')}] of ${this.#o.topic}` }
      : { ok: false, error: this.#lastError });
  }

  async close(): Promise<void> {
    clearInterval(this.#sweep);
    await this.#consumer.disconnect();
    await Promise.all([...this.#owned.values()].map((p) => p.chain));
    await this.#deliverer.close();
    await this.#state.close();
    await this.#producer.disconnect();
  }

  #onAssignment(partitions: readonly number[]): void {
    this.#assigned = [...partitions].sort((a, b) => a - b);
    this.#o.logger.info({ partitions: this.#assigned }, 'alerter partitions assigned');
    for (const p of [...this.#owned.keys()]) if (!partitions.includes(p)) this.#owned.delete(p);
    // Restored eagerly, so an idle partition's absence alerts are swept by its new owner too.
    for (const p of partitions) this.#own(p).ready.catch((err: unknown) => { this.#lastError = String(err); });
  }

  #own(partition: number): OwnedPartition {
    const existing = this.#owned.get(partition);
    if (existing !== undefined) return existing;
    const events: AlertEvent[] = [];
    const engine = new AlertEngine(this.#o.config.rules, (e) => { part.events.push(e); });
    const ready = (async () => {
      await this.#state.caughtUp(partition, this.#o.restoreTimeoutMs ?? 30_000);
      const records = this.#state.records(partition);
      engine.restore(records, Date.now());
      this.#o.logger.info({ partition, alerts: records.filter((r) => r.state.kind === 'firing' || r.state.kind === 'pending').length }, 'alert state restored');
    })();
    const part: OwnedPartition = { partition, engine, events, ready, clock: 0, lastMessageAt: Date.now(), chain: Promise.resolve() };
    this.#owned.set(partition, part);
    ready.catch(() => { if (this.#owned.get(partition) === part) this.#owned.delete(partition); });
    return part;
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const part = this.#own(batch.partition);
    await part.ready;
    let lastOffset: string | undefined;
    for (const message of batch.messages) {
      const item = parseMessage(message.value);
      if (item !== undefined) {
        part.engine.observe(item.batch.points, item.receivedAt);
        part.clock = Math.max(part.clock, item.receivedAt);
        part.engine.sweep(part.clock);
      }
      lastOffset = message.offset;
    }
    part.lastMessageAt = Date.now();
    if (lastOffset === undefined) return;
    const offset = lastOffset;
    if (!payload.isRunning() || payload.isStale()) {
      // Taken away meanwhile: what was derived is dropped; the new owner derives it again from the commit.
      this.#owned.delete(batch.partition);
      return;
    }
    try {
      await this.#produce(part);
    } catch (err) {
      this.#lastError = String(err);
      // The engine is ahead of what the changelog holds: rebuild it from the changelog and re-read from the commit.
      this.#owned.delete(batch.partition);
      throw err;
    }
    this.#lastError = undefined;
    payload.resolveOffset(offset);
    await this.#consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(offset) + 1n).toString() }]);
    await payload.heartbeat();
  }

  /** Produces the partition's pending transitions: state first in the same request as notifications. */
  #produce(part: OwnedPartition): Promise<void> {
    const run = part.chain.then(async () => {
      const events = part.events;
      part.events = [];
      if (events.length === 0) return;
      const state: Message[] = events.map((e) => ({ key: e.alert.id, value: JSON.stringify({ record: e.alert }), partition: part.partition }));
      const notify: Message[] = events.flatMap((e) => notificationsOf(e, this.#router, this.#o.externalUrl()))
        .map((n) => ({ key: n.groupKey, value: JSON.stringify({ notification: n }), partition: part.partition }));
      await this.#producer.sendBatch({ acks: -1, topicMessages: [{ topic: ALERT_STATE_TOPIC, messages: state }, ...(notify.length > 0 ? [{ topic: ALERT_NOTIFY_TOPIC, messages: notify }] : [])] });
      for (const e of events) this.#o.live?.publish('alerts', { type: 'alert', event: e.kind, at: e.at, alert: toView(e.alert, []) });
    });
    part.chain = run.catch(() => undefined);
    return run;
  }

  /** A partition without messages still needs its absence rules and `for` promotions: swept on wall time. */
  #sweepIdle(): void {
    const now = Date.now();
    for (const part of this.#owned.values()) {
      if (now - part.lastMessageAt < 2 * this.#o.config.sweepIntervalMs) continue;
      void part.ready.then(() => {
        if (this.#owned.get(part.partition) !== part) return;
        part.engine.sweep(now);
        part.clock = Math.max(part.clock, now);
        return this.#produce(part);
      }).catch((err: unknown) => {
        this.#lastError = String(err);
        this.#o.logger.warn({ err, partition: part.partition }, 'alerter idle sweep could not produce; rebuilding the partition');
        this.#owned.delete(part.partition);
      });
    }
  }
}
