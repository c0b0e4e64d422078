// Writer role: consumes accepted batches from Kafka and stores them in ClickHouse, committing a partition's offset
// only after its batches are stored. A crash or rebalance between insert and commit makes the next owner read the
// same messages again; storeGroup drops what ClickHouse already has, so they are stored once.
import { Value } from '@sinclair/typebox/value';
import type { Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { backoffDelayMs } from '../../lib/retry.js';
import { describeError } from '../../lib/errors.js';
import { IngestBatchSchema } from '../../lib/protocol/ingest-batch.js';
import { storeGroup, type ReceivedBatch } from '../../lib/storage/metric-points.js';
import type { HealthResult, Storage } from '../../lib/storage/storage.js';
import type { CollectorMetrics } from '../../lib/telemetry/metrics.js';

export interface KafkaWriterOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly storage: Storage;
  readonly logger: Logger;
  readonly metrics: CollectorMetrics;
  /** Consumer group of the writers; each partition is owned by one writer at a time. @default 'syncwatch-writers' */
  readonly groupId?: string;
  readonly maxGroupPoints: number;
}

/** Parses one message; a malformed one (not written by a collector) is reported and skipped, never retried forever. */
export function parseMessage(value: Buffer | null): ReceivedBatch | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as { batch?: unknown; receivedAt?: unknown };
    if (typeof parsed.receivedAt !== 'number' || !Value.Check(IngestBatchSchema, parsed.batch)) return undefined;
    return { batch: parsed.batch, receivedAt: parsed.receivedAt };
  } catch {
    return undefined;
  }
}

export class KafkaWriter {
  readonly #o: KafkaWriterOptions;
  readonly #consumer: Consumer;
  #lastError: string | undefined;

  constructor(options: KafkaWriterOptions) {
    this.#o = Object.freeze({ ...options });
    this.#consumer = options.kafka.consumer({ groupId: options.groupId ?? 'syncwatch-writers', sessionTimeout: 10_000, heartbeatInterval: 1000 });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: this.#o.topic, fromBeginning: true });
    await this.#consumer.run({ autoCommit: false, eachBatchAutoResolve: false, eachBatch: (payload) => this.#eachBatch(payload) });
  }

  check(): Promise<HealthResult> {
    return Promise.resolve(this.#lastError === undefined ? { ok: true, detail: `consuming ${this.#o.topic}` } : { ok: false, error: this.#lastError });
  }

  async close(): Promise<void> {
    await this.#consumer.disconnect();
  }

  async #eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const heartbeat = (): Promise<void> => payload.heartbeat();
    const isRunning = (): boolean => payload.isRunning();
    const isStale = (): boolean => payload.isStale();
    const resolveOffset = (offset: string): void => { payload.resolveOffset(offset); };
    let group: ReceivedBatch[] = [];
    let points = 0;
    let lastOffset: string | undefined;
    const flush = async (): Promise<boolean> => {
      if (lastOffset === undefined) return true;
      for (let attempt = 0; ; attempt++) {
        if (!isRunning() || isStale()) return false;
        try {
          const result = await storeGroup(this.#o.storage, group, `kafka-${batch.partition}`);
          this.#o.metrics.groupPoints.observe(result.stored);
          this.#o.metrics.duplicatePoints.inc(result.duplicates);
          this.#lastError = undefined;
          break;
        } catch (err) {
          this.#lastError = describeError(err);
          this.#o.metrics.insertFailures.inc();
          this.#o.logger.warn({ err: this.#lastError, partition: batch.partition, attempt }, 'writer insert failed; will retry');
          await heartbeat();
          await new Promise((r) => setTimeout(r, backoffDelayMs(attempt, { initialMs: 200, maxMs: 5000 })));
        }
      }
      resolveOffset(lastOffset);
      await this.#consumer.commitOffsets([{ topic: batch.topic, partition: batch.partition, offset: (BigInt(lastOffset) + 1n).toString() }]);
      await heartbeat();
      group = [];
      points = 0;
      lastOffset = undefined;
      return true;
    };
    for (const message of batch.messages) {
      const item = parseMessage(message.value);
      if (item === undefined) this.#o.logger.error({ partition: batch.partition, offset: message.offset }, 'skipping a malformed ingest message');
      else {
        group.push(item);
        points += item.batch.points.length;
      }
      lastOffset = message.offset;
      if (points >= this.#o.maxGroupPoints && !(await flush())) return;
    }
    await flush();
  }
}
