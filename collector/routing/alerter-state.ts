// Reads the alert-state changelog into memory (latest record per alert, per partition) and tells when a partition
// has been read up to the end it had at a given moment: a new owner restores from there before evaluating.
import { randomUUID } from 'node:crypto';
import type { Consumer, Kafka } from 'kafkajs';
import type { AlertRecord } from '../alerts/alert-record.js';
import { ALERT_STATE_TOPIC } from './alerter-topics.js';

export interface StateMessage {
  readonly record: AlertRecord;
}

export function parseStateMessage(value: Buffer | null): AlertRecord | undefined {
  if (value === null) return undefined;
  try {
    const parsed = JSON.parse(value.toString('utf8')) as Partial<StateMessage>;
    const r = parsed.record;
    return typeof r === 'object' && typeof r.id === 'string' && typeof r.rule === 'string' && typeof r.state.kind === 'string' ? r : undefined;
  } catch {
    return undefined;
  }
}

export class AlertStateReader {
  readonly #kafka: Kafka;
  readonly #consumer: Consumer;
  readonly #records = new Map<number, Map<string, AlertRecord>>();
  /** Partition → next offset to read. */
  readonly #next = new Map<number, bigint>();
  readonly #waiters = new Set<() => void>();

  constructor(kafka: Kafka) {
    this.#kafka = kafka;
    // A group of its own: every alerter reads the whole changelog (it is small: one record per alert).
    this.#consumer = kafka.consumer({ groupId: `syncwatch-alert-state-${randomUUID()}`, sessionTimeout: 10_000, heartbeatInterval: 1000 });
  }

  async start(): Promise<void> {
    await this.#consumer.connect();
    await this.#consumer.subscribe({ topic: ALERT_STATE_TOPIC, fromBeginning: true });
    await this.#consumer.run({
      autoCommit: false,
      eachBatch: ({ batch }) => {
        let map = this.#records.get(batch.partition);
        if (map === undefined) this.#records.set(batch.partition, (map = new Map<string, AlertRecord>()));
        for (const m of batch.messages) {
          const r = parseStateMessage(m.value);
          if (r !== undefined) map.set(r.id, r);
          this.#next.set(batch.partition, BigInt(m.offset) + 1n);
        }
        for (const w of this.#waiters) w();
        return Promise.resolve();
      },
    });
  }

  /** Resolves once everything the partition held when called has been read; rejects after `timeoutMs`. */
  async caughtUp(partition: number, timeoutMs: number): Promise<void> {
    const admin = this.#kafka.admin();
    await admin.connect();
    let high: bigint;
    try {
      const offsets = await admin.fetchTopicOffsets(ALERT_STATE_TOPIC);
      high = BigInt(offsets.find((o) => o.partition === partition)?.high ?? '0');
    } finally {
      await admin.disconnect();
    }
    const done = (): boolean => (this.#next.get(partition) ?? 0n) >= high;
    if (done()) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => { this.#waiters.delete(check); reject(new Error(`alert state partition ${partition} not read to offset ${high} within ${timeoutMs} ms`)); }, timeoutMs);
      const check = (): void => {
        if (!done()) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
    });
  }

  /** The latest record of every alert of `partition`. */
  records(partition: number): AlertRecord[] {
    return [...(this.#records.get(partition)?.values() ?? [])];
  }

  async close(): Promise<void> {
    await this.#consumer.disconnect();
  }
}
