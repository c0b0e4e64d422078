// Kafka route: a verifier process without alerting of its own sends its drift count
// (syncwatch_verification_confirmed_differences {pair}) into the ingest topic like any point, so the alerters
// evaluate verification_drift rules and the writers store the metric.
import type { Kafka } from 'kafkajs';
import type { Logger } from 'pino';
import { newBatchId } from '../../lib/ids.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import { KafkaSink } from './kafka-sink.js';

export interface DriftFeed {
  readonly observe: (points: readonly Point[], receivedAt: number) => void;
  close(): Promise<void>;
}

export async function startDriftFeed(o: { kafka: Kafka; topic: string; partitions: number; logger: Logger }): Promise<DriftFeed> {
  const sink = new KafkaSink({ kafka: o.kafka, topic: o.topic, partitions: o.partitions, logger: o.logger });
  await sink.start();
  return {
    observe: (points, receivedAt) => {
      sink.accept({ agent: 'syncwatch-verifier', batchId: newBatchId('verify'), points: [...points] }, receivedAt)
        .catch((err: unknown) => { o.logger.warn({ err }, 'could not send the verification drift count to Kafka'); });
    },
    close: () => sink.close(),
  };
}
