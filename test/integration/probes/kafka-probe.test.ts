// The Kafka probe against a real broker: with a consumer keeping up, lag 0 and status OK; with the
// consumer stopped while producing, offset and time lag grow and the window says STOP; with a consumer
// back, lag returns to 0 and the window to OK. A probe on an unreachable broker fails its collection.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { Probe } from '../../../agents/probe.js';
import { createKafkaProbe } from '../../../agents/probes/kafka-probe.js';
import { windowStatusValue } from '../../../agents/probes/kafka-window.js';
import { isSyncwatchError } from '../../../lib/errors.js';
import { kafkaBrokersForTests } from '../../support/kafka-broker.js';
import { collectUntil, testProbeContext, valueOf } from '../../support/probes.js';
import { uniqueName } from '../../support/unique-name.js';

const INTERVAL_MS = 300;

describe('kafka probe on a real broker', () => {
  let kafka: Kafka;
  let producer: Producer;
  let consumer: Consumer | undefined;
  let probe: Probe;
  const topic = uniqueName('probe_topic');
  const group = uniqueName('probe_group');
  const labels = { group, topic, partition: '0' };
  const produce = async (): Promise<void> => { await producer.send({ topic, messages: [{ value: 'tick' }] }); };

  async function startConsumer(): Promise<Consumer> {
    const c = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100, sessionTimeout: 6_000, heartbeatInterval: 500 });
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({ eachMessage: () => Promise.resolve() });
    return c;
  }

  before(async () => {
    const brokers = await kafkaBrokersForTests();
    kafka = new Kafka({ clientId: 'probe-test', brokers, logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    consumer = await startConsumer();
    probe = createKafkaProbe({ kind: 'kafka', pipeline: 'cdc', brokers, groups: [group], windowSize: 4, intervalMs: INTERVAL_MS }, testProbeContext());
  });

  after(async () => {
    await probe.close();
    await consumer?.disconnect();
    await producer.disconnect();
  });

  it('reports lag 0 and OK while the consumer keeps up', async () => {
    const points = await collectUntil(probe, 'a committed offset with lag 0 after messages', (p) =>
      (valueOf(p, 'kafka_consumer_committed_offset', labels) ?? 0) >= 3 && valueOf(p, 'kafka_consumer_offset_lag', labels) === 0, { before: produce, timeoutMs: 30_000 });
    assert.equal(valueOf(points, 'kafka_partition_window_status', labels), windowStatusValue('OK'));
    assert.equal(valueOf(points, 'kafka_consumer_time_lag_seconds', labels), 0);
    assert.equal(valueOf(points, 'kafka_consumer_group_members', { group }), 1);
    assert.equal(valueOf(points, 'kafka_partition_log_end_offset', { topic, partition: '0' }), valueOf(points, 'kafka_consumer_committed_offset', labels));
    assert.equal(valueOf(points, 'kafka_consumer_offset_lag', labels) !== undefined, true);
    assert.equal(valueOf(points, 'kafka_consumer_offset_lag', labels) !== undefined && valueOf(points, 'syncwatch_probe_endpoint_up', { endpoint: 'cluster' }), 1);
  });

  it('grows and says STOP while the consumer is stopped, and recovers when it is back', async () => {
    await consumer?.disconnect();
    consumer = undefined;
    const stopped = await collectUntil(probe, 'STOP with lag ≥ 3 and time lag ≥ 1 s', (p) =>
      valueOf(p, 'kafka_partition_window_status', labels) === windowStatusValue('STOP') &&
      (valueOf(p, 'kafka_consumer_offset_lag', labels) ?? 0) >= 3 && (valueOf(p, 'kafka_consumer_time_lag_seconds', labels) ?? 0) >= 1,
    { before: produce, timeoutMs: 30_000 });
    assert.equal(valueOf(stopped, 'kafka_consumer_group_members', { group }), 0);
    assert.equal(valueOf(stopped, 'kafka_consumer_group_offset_lag', { group }), valueOf(stopped, 'kafka_consumer_offset_lag', labels));
    consumer = await startConsumer();
    const back = await collectUntil(probe, 'lag 0 and OK after the consumer returned', (p) =>
      valueOf(p, 'kafka_consumer_offset_lag', labels) === 0 && valueOf(p, 'kafka_partition_window_status', labels) === windowStatusValue('OK'),
    { timeoutMs: 30_000 });
    assert.equal(valueOf(back, 'kafka_consumer_time_lag_seconds', labels), 0);
  });

  it('fails the collection with SW_PROBE_TARGET_DOWN when no broker answers', async () => {
    const dead = createKafkaProbe({ kind: 'kafka', pipeline: 'cdc', brokers: ['127.0.0.1:1'], groups: [group], intervalMs: INTERVAL_MS, timeoutMs: 500 }, testProbeContext());
    try {
      await assert.rejects(dead.collect(AbortSignal.timeout(5_000)), (err) => isSyncwatchError(err) && err.code === 'SW_PROBE_TARGET_DOWN' && err.message.includes('127.0.0.1:1'));
      assert.equal((await dead.check()).ok, false);
    } finally {
      await dead.close();
    }
  });
});
