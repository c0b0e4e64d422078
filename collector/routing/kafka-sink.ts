// Kafka route: an accepted batch is durable once the topic's in-sync replicas have it (acks = all). Messages are
// keyed by pipeline (else host, else agent), so one pipeline's points stay ordered in one partition and one writer
// (and, later, one alerter) owns them.
import { Partitioners, type Kafka, type Producer } from 'kafkajs';
import type { Logger } from 'pino';
import { SyncwatchError, describeError } from '../../lib/errors.js';
import type { IngestBatch } from '../../lib/protocol/ingest-batch.js';
import type { HealthResult } from '../../lib/storage/storage.js';
import type { AcceptResult, BatchSink } from './batch-sink.js';
import { RecentIds } from './recent-ids.js';

export interface KafkaSinkOptions {
  readonly kafka: Kafka;
  readonly topic: string;
  readonly partitions: number;
  readonly logger: Logger;
}

/** The partitioning key of a batch. */
export function partitionKey(batch: IngestBatch): string {
  const first = batch.points[0]?.labels;
  return first?.['pipeline'] ?? first?.['host'] ?? batch.agent;
}

/** Creates the topic when it does not exist yet (idempotent; several collectors may race). */
export async function ensureTopic(kafka: Kafka, topic: string, partitions: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = await admin.listTopics();
    if (!existing.includes(topic)) await admin.createTopics({ topics: [{ topic, numPartitions: partitions }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

export class KafkaSink implements BatchSink {
  readonly #o: KafkaSinkOptions;
  readonly #producer: Producer;
  readonly #recent = new RecentIds(100_000);
  #lastError: string | undefined;

  constructor(options: KafkaSinkOptions) {
    this.#o = Object.freeze({ ...options });
    // Idempotent producer: the broker drops a resent message of the same producer session.
    this.#producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
  }

  /** Connects the producer; the topic is expected to exist (see ensureTopic). */
  async start(): Promise<void> {
    await this.#producer.connect();
  }

  async accept(batch: IngestBatch, receivedAt: number): Promise<AcceptResult> {
    if (this.#recent.has(batch.batchId)) return { kind: 'duplicate' };
    try {
      await this.#producer.send({
        topic: this.#o.topic,
        acks: -1,
        messages: [{ key: partitionKey(batch), value: JSON.stringify({ batch, receivedAt }) }],
      });
    } catch (err) {
      this.#lastError = describeError(err);
      throw new SyncwatchError('SW_KAFKA_UNAVAILABLE', `Kafka did not acknowledge the batch: ${this.#lastError}; retry`, { cause: err });
    }
    this.#lastError = undefined;
    this.#recent.add(batch.batchId);
    return { kind: 'accepted' };
  }

  check(): Promise<HealthResult> {
    return Promise.resolve(this.#lastError === undefined ? { ok: true, detail: `producing to ${this.#o.topic}` } : { ok: false, error: this.#lastError });
  }

  async close(): Promise<void> {
    await this.#producer.disconnect();
  }
}
