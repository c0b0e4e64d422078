// Topics and consumer groups of the alerter role. Alert state is a compacted changelog co-partitioned with the
// ingest topic (state of ingest partition p lives in changelog partition p), so a new owner of p restores exactly
// the alerts of the pipelines it now evaluates; notifications are a topic of their own, delivered at least once
// with a per-transition idempotency key.
import type { Kafka } from 'kafkajs';

export const ALERT_STATE_TOPIC = 'syncwatch.alert-state';
export const ALERT_NOTIFY_TOPIC = 'syncwatch.alert-notifications';
/** Separate from the writers' group: every ingest message is read by one writer and by one alerter. */
export const ALERTER_GROUP = 'syncwatch-alerters';
export const NOTIFIER_GROUP = 'syncwatch-notifiers';

export interface TopicSpec {
  readonly topic: string;
  readonly partitions: number;
  readonly compacted?: boolean;
}

/** Creates the topics that do not exist yet (idempotent; several processes may race, which Kafka settles). */
export async function ensureTopics(kafka: Kafka, specs: readonly TopicSpec[]): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = specs.filter((s) => !existing.has(s.topic));
    if (missing.length === 0) return;
    await admin.createTopics({
      waitForLeaders: true,
      topics: missing.map((s) => ({
        topic: s.topic,
        numPartitions: s.partitions,
        configEntries: s.compacted === true ? [{ name: 'cleanup.policy', value: 'compact' }] : [],
      })),
    }).catch((err: unknown) => {
      // Another process created it between listTopics and createTopics.
      if (!(err instanceof Error && /already exists/i.test(err.message))) throw err;
    });
  } finally {
    await admin.disconnect();
  }
}
