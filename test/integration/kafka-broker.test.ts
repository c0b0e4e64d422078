// The test broker is a real Kafka: kafkajs can create topics, produce and consume through it, and a
// message written before a broker restart (same port, same data) is still there after it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Kafka, logLevel, Partitioners } from 'kafkajs';
import { kafkaBrokersForTests, startKafkaBroker } from '../support/kafka-broker.js';
import { uniqueName } from '../support/unique-name.js';
import { waitFor } from '../support/wait-for.js';

function client(brokers: readonly string[]): Kafka {
  return new Kafka({ clientId: uniqueName('kafka-broker-test'), brokers: [...brokers], logLevel: logLevel.NOTHING });
}

async function createTopic(kafka: Kafka, topic: string): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    assert.equal(await admin.createTopics({ topics: [{ topic, numPartitions: 1, replicationFactor: 1 }], waitForLeaders: true }), true);
  } finally {
    await admin.disconnect();
  }
}

async function produce(kafka: Kafka, topic: string, key: string, value: string): Promise<void> {
  const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner });
  await producer.connect();
  try {
    await producer.send({ topic, acks: -1, messages: [{ key, value }] });
  } finally {
    await producer.disconnect();
  }
}

/** Reads the topic from the beginning with a fresh consumer group until one message arrives. */
async function consumeFirst(kafka: Kafka, topic: string): Promise<{ key: string; value: string }> {
  // A short fetch wait: disconnect() waits for the in-flight fetch, 5 s by default.
  const consumer = kafka.consumer({ groupId: uniqueName('kafka-broker-test-group'), maxWaitTimeInMs: 250 });
  const received: { key: string; value: string }[] = [];
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [topic], fromBeginning: true });
    await consumer.run({
      eachMessage: ({ message }) => {
        received.push({ key: message.key?.toString() ?? '', value: message.value?.toString() ?? '' });
        return Promise.resolve();
      },
    });
    return await waitFor(`a message on topic ${topic}`, () => received[0], { timeoutMs: 30_000 });
  } finally {
    await consumer.disconnect();
  }
}

void describe('Kafka test broker', () => {
  void it('carries a message from a kafkajs producer to a kafkajs consumer', async () => {
    const kafka = client(await kafkaBrokersForTests());
    const topic = uniqueName('sw_broker_roundtrip');
    await createTopic(kafka, topic);
    await produce(kafka, topic, 'k1', 'hello through a real broker');
    assert.deepEqual(await consumeFirst(kafka, topic), { key: 'k1', value: 'hello through a real broker' });
  });

  void describe('restart on the same port and data dir (a broker of its own)', () => {
    void it('keeps a message produced before a clean restart (SIGTERM)', async () => {
      const broker = await startKafkaBroker();
      try {
        const kafka = client(broker.brokers);
        const topic = uniqueName('sw_broker_restart');
        await createTopic(kafka, topic);
        await produce(kafka, topic, 'before', 'written before the restart');

        const { port, dataDir, pid } = broker;
        await broker.restart();
        assert.notEqual(broker.pid, pid, 'a new JVM serves after the restart');
        assert.equal(broker.port, port);
        assert.equal(broker.dataDir, dataDir);
        assert.deepEqual(await consumeFirst(client(broker.brokers), topic), { key: 'before', value: 'written before the restart' });
      } finally {
        await broker.stop();
      }
    });

    void it('keeps an acknowledged message across a hard kill (SIGKILL)', async () => {
      const broker = await startKafkaBroker();
      try {
        const kafka = client(broker.brokers);
        const topic = uniqueName('sw_broker_kill');
        await createTopic(kafka, topic);
        await produce(kafka, topic, 'acked', 'acknowledged before kill -9');

        await broker.restart({ hard: true });
        assert.equal(broker.running, true);
        assert.deepEqual(await consumeFirst(client(broker.brokers), topic), { key: 'acked', value: 'acknowledged before kill -9' });
      } finally {
        await broker.stop();
      }
    });
  });
});
