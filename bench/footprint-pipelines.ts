// The pipelines the footprint benchmark's agents watch, all real and on loopback: a PostgreSQL primary +
// standby, a MariaDB primary + replica, a Redis primary + replica, and a Kafka broker with a live consumer
// group. Each agent gets host metrics plus five lag probes at the default 1 s interval.
import { Kafka, logLevel, type Consumer, type Producer } from 'kafkajs';
import type { ProbeConfig } from '../agents/agent-config.js';
import { describeError } from '../lib/errors.js';
import { startKafkaBroker, type KafkaBroker } from '../test/support/kafka-broker.js';
import { startMariaDbPair, startPgPair, startRedisPair, type MariaDbPair, type PgPair, type RedisPair } from '../test/support/replication.js';

const TOPIC = 'footprint';
const GROUP = 'footprint-consumers';

export interface FootprintPipelines {
  /** The probe kinds every agent runs, for the results text. */
  readonly kinds: readonly string[];
  /** Why a probe kind is missing (Kafka could not start), or undefined. */
  readonly note: string | undefined;
  /** The agent config for one agent; `suffix` keeps agents' heartbeat tables and pipeline names apart. */
  agentConfig(suffix: string): { readonly hostLabel: string; readonly probes: readonly ProbeConfig[] };
  stop(): Promise<void>;
}

/** Starts every pair (and Kafka when it can: without Java or the broker jars, the files probe stands in). */
export async function startFootprintPipelines(scratchDir: string): Promise<FootprintPipelines> {
  const started: { stop(): Promise<void> }[] = [];
  try {
    const [pg, maria, redis] = await Promise.all([startPgPair(), startMariaDbPair(), startRedisPair()]);
    started.push(pg, maria, redis);
    let kafka: LiveKafka | undefined;
    let note: string | undefined;
    try {
      kafka = await startLiveKafka();
      started.push(kafka);
    } catch (err) {
      note = `Kafka could not start (${describeError(err)}); the files probe ran in its place`;
    }
    return {
      kinds: ['host', 'postgres', 'mysql', 'redis', kafka === undefined ? 'files' : 'kafka', 'heartbeat'],
      note,
      agentConfig: (suffix) => ({ hostLabel: `footprint-${suffix}`, probes: probesFor(suffix, pg, maria, redis, kafka, scratchDir) }),
      stop: () => stopAll(started),
    };
  } catch (err) {
    await stopAll(started);
    throw err;
  }
}

function probesFor(suffix: string, pg: PgPair, maria: MariaDbPair, redis: RedisPair, kafka: LiveKafka | undefined, scratchDir: string): ProbeConfig[] {
  const sixth: ProbeConfig = kafka === undefined
    ? { kind: 'files', pipeline: `files-${suffix}`, sourceDir: scratchDir, targetDir: scratchDir, heartbeatFile: `.hb-${suffix}` }
    : { kind: 'kafka', pipeline: `kafka-${suffix}`, brokers: [...kafka.brokers], groups: [GROUP] };
  return [
    { kind: 'host' },
    { kind: 'postgres', pipeline: `pg-${suffix}`, url: pg.standbyUrl },
    { kind: 'mysql', pipeline: `mariadb-${suffix}`, replicaUrl: maria.replicaUrl, primaryUrl: maria.primaryUrl, heartbeatTable: `hb_${suffix}` },
    { kind: 'redis', pipeline: `redis-${suffix}`, primaryUrl: redis.primaryUrl, replicaUrl: redis.replicaUrl },
    sixth,
    { kind: 'heartbeat', pipeline: `pg-hb-${suffix}`, sourceUrl: pg.primaryUrl, targetUrl: pg.standbyUrl, table: `hb_${suffix}` },
  ];
}

interface LiveKafka {
  readonly brokers: readonly string[];
  stop(): Promise<void>;
}

/** A broker with one message produced per second and a consumer group keeping up, so the probe sees a live group. */
async function startLiveKafka(): Promise<LiveKafka> {
  const broker: KafkaBroker = await startKafkaBroker();
  let producer: Producer | undefined;
  let consumer: Consumer | undefined;
  let timer: NodeJS.Timeout | undefined;
  const stop = async (): Promise<void> => {
    clearInterval(timer);
    await consumer?.disconnect().catch(() => undefined);
    await producer?.disconnect().catch(() => undefined);
    await broker.stop();
  };
  try {
    const kafka = new Kafka({ clientId: 'footprint-bench', brokers: [...broker.brokers], logLevel: logLevel.NOTHING });
    const admin = kafka.admin();
    await admin.connect();
    await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3 }], waitForLeaders: true });
    await admin.disconnect();
    producer = kafka.producer();
    await producer.connect();
    consumer = kafka.consumer({ groupId: GROUP });
    await consumer.connect();
    await consumer.subscribe({ topics: [TOPIC], fromBeginning: true });
    await consumer.run({ eachMessage: () => Promise.resolve() });
    const p = producer;
    timer = setInterval(() => { p.send({ topic: TOPIC, messages: [{ value: String(Date.now()) }] }).catch(() => undefined); }, 1_000);
    return { brokers: broker.brokers, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

async function stopAll(started: readonly { stop(): Promise<void> }[]): Promise<void> {
  for (const s of [...started].reverse()) await s.stop().catch(() => undefined);
}
