// The pipelines of the lag-accuracy benchmark: each a real pair on loopback with the lag probes that watch it
// (default 1 s interval), a steady writer on the source, and a way to stop and restart the apply side.
import { copyFile, mkdir, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { Kafka, logLevel, type Consumer } from 'kafkajs';
import { createConnection } from 'mysql2/promise';
import pg from 'pg';
import type { Probe } from '../agents/probe.js';
import { createFilesProbe } from '../agents/probes/files-probe.js';
import { createHeartbeatProbe } from '../agents/probes/heartbeat-probe.js';
import { createKafkaProbe } from '../agents/probes/kafka-probe.js';
import { createMysqlProbe } from '../agents/probes/mysql-probe.js';
import { createPostgresProbe } from '../agents/probes/postgres-probe.js';
import { createRedisProbe } from '../agents/probes/redis-probe.js';
import { startKafkaBroker } from '../test/support/kafka-broker.js';
import { testProbeContext } from '../test/support/probes.js';
import { createTestRedis } from '../test/support/redis-temp.js';
import { startMariaDbPair, startPgPair, startRedisPair } from '../test/support/replication.js';
import { withPgClient } from '../test/support/services.js';

/** A probe and the point that carries its lag in seconds. */
export interface WatchedLag {
  readonly probe: Probe;
  readonly metric: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface LagScenario {
  readonly pipeline: string;
  /** How the apply side is stopped, for the results table. */
  readonly injection: string;
  readonly watched: readonly WatchedLag[];
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
}

const WRITE_EVERY_MS = 100;

/** Calls `write` every 100 ms until stopped; a failed write is skipped (the next one comes soon). */
function steadyWriter(write: () => Promise<unknown>): () => void {
  const timer = setInterval(() => { write().catch(() => undefined); }, WRITE_EVERY_MS);
  return () => { clearInterval(timer); };
}

async function mysqlExec(url: string, sql: string): Promise<void> {
  const conn = await createConnection({ uri: url, connectTimeout: 3_000 });
  try {
    await conn.query(sql);
  } finally {
    await conn.end();
  }
}

/** PostgreSQL primary → hot standby: the postgres probe on the standby and the generic heartbeat probe across the pair. */
export async function postgresScenario(): Promise<LagScenario> {
  const pair = await startPgPair();
  const primary = new pg.Client({ connectionString: pair.primaryUrl });
  primary.on('error', () => undefined);
  await primary.connect();
  await primary.query('CREATE TABLE IF NOT EXISTS lag_bench (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
  const stopWriting = steadyWriter(() => primary.query('INSERT INTO lag_bench DEFAULT VALUES'));
  const ctx = testProbeContext();
  const probes = [
    createPostgresProbe({ kind: 'postgres', pipeline: 'pg', url: pair.standbyUrl }, ctx),
    createHeartbeatProbe({ kind: 'heartbeat', pipeline: 'pg-heartbeat', sourceUrl: pair.primaryUrl, targetUrl: pair.standbyUrl }, ctx),
  ] as const;
  return {
    pipeline: 'PostgreSQL 15 primary → standby',
    injection: '`pg_wal_replay_pause()` on the standby',
    watched: [{ probe: probes[0], metric: 'pg_replay_lag_seconds' }, { probe: probes[1], metric: 'heartbeat_lag_seconds' }],
    pause: () => withPgClient(pair.standbyUrl, async (c) => { await c.query('SELECT pg_wal_replay_pause()'); }),
    resume: () => resumeReplay(pair.standbyUrl),
    stop: async () => {
      stopWriting();
      await Promise.all(probes.map((p) => p.close()));
      await primary.end().catch(() => undefined);
      await pair.stop();
    },
  };
}

/**
 * Resumes replay on a standby. Replay that restarts after a long pause may cancel the very statement that
 * resumed it (a recovery conflict, SQLSTATE 40001), so success is read back from the replay state.
 */
async function resumeReplay(standbyUrl: string): Promise<void> {
  const conflictTolerant = async <T>(work: () => Promise<T>): Promise<T | undefined> => {
    try {
      return await work();
    } catch (err) {
      if ((err as { code?: unknown }).code === '40001') return undefined;
      throw err;
    }
  };
  for (let attempt = 0; attempt < 5; attempt++) {
    await conflictTolerant(() => withPgClient(standbyUrl, (c) => c.query('SELECT pg_wal_replay_resume()')));
    const state = await conflictTolerant(() => withPgClient(standbyUrl, (c) => c.query<{ state: string }>('SELECT pg_get_wal_replay_pause_state() AS state')));
    if (state?.rows[0]?.state === 'not paused') return;
  }
  throw new Error('standby replay still paused after 5 attempts to resume it');
}

/** MariaDB primary → GTID replica: the mysql probe's heartbeat lag (Seconds_Behind_Master is NULL while stopped). */
export async function mariadbScenario(): Promise<LagScenario> {
  const pair = await startMariaDbPair();
  const probe = createMysqlProbe({ kind: 'mysql', pipeline: 'mariadb', replicaUrl: pair.replicaUrl, primaryUrl: pair.primaryUrl }, testProbeContext());
  return {
    pipeline: 'MariaDB 10.11 primary → replica',
    injection: '`STOP REPLICA SQL_THREAD` on the replica',
    watched: [{ probe, metric: 'mysql_heartbeat_lag_seconds' }],
    pause: () => mysqlExec(pair.replicaUrl, 'STOP REPLICA SQL_THREAD'),
    resume: () => mysqlExec(pair.replicaUrl, 'START REPLICA SQL_THREAD'),
    stop: async () => { await probe.close(); await pair.stop(); },
  };
}

/** Redis primary → replica: the replica process stopped (SIGSTOP), so the primary's view (seconds since its last ACK) stands in. */
export async function redisScenario(): Promise<LagScenario> {
  const pair = await startRedisPair();
  const writer = createTestRedis(pair.primaryUrl);
  await writer.connect();
  const stopWriting = steadyWriter(() => writer.set('lag_bench', String(Date.now())));
  const probe = createRedisProbe({ kind: 'redis', pipeline: 'redis', primaryUrl: pair.primaryUrl, replicaUrl: pair.replicaUrl }, testProbeContext());
  const signal = (sig: NodeJS.Signals): Promise<void> => { process.kill(pair.replica.pid, sig); return Promise.resolve(); };
  return {
    pipeline: 'Redis 7 primary → replica',
    injection: 'replica process stopped (SIGSTOP)',
    watched: [{ probe, metric: 'redis_replica_last_io_seconds', labels: { replica: `127.0.0.1:${pair.replica.port}` } }],
    pause: () => signal('SIGSTOP'),
    resume: () => signal('SIGCONT'),
    stop: async () => {
      stopWriting();
      try { process.kill(pair.replica.pid, 'SIGCONT'); } catch { /* already gone */ }
      writer.disconnect();
      await probe.close();
      await pair.stop();
    },
  };
}

/** Kafka topic → consumer group: the consumer disconnected while the producer goes on. */
export async function kafkaScenario(): Promise<LagScenario> {
  const broker = await startKafkaBroker();
  const kafka = new Kafka({ clientId: 'lag-bench', brokers: [...broker.brokers], logLevel: logLevel.NOTHING });
  const topic = 'lag-bench';
  const group = 'lag-bench-consumers';
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic, numPartitions: 1 }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  const stopWriting = steadyWriter(() => producer.send({ topic, messages: [{ value: String(Date.now()) }] }));
  const startConsumer = async (): Promise<Consumer> => {
    const c = kafka.consumer({ groupId: group, maxWaitTimeInMs: 100, heartbeatInterval: 500, sessionTimeout: 6_000 });
    await c.connect();
    await c.subscribe({ topics: [topic], fromBeginning: true });
    await c.run({ eachMessage: () => Promise.resolve() });
    return c;
  };
  let consumer: Consumer | undefined = await startConsumer();
  const probe = createKafkaProbe({ kind: 'kafka', pipeline: 'kafka', brokers: [...broker.brokers], groups: [group] }, testProbeContext());
  return {
    pipeline: 'Kafka topic → consumer group',
    injection: 'consumer disconnected, producer going on',
    watched: [{ probe, metric: 'kafka_consumer_time_lag_seconds', labels: { group, topic, partition: '0' } }],
    pause: async () => { await consumer?.disconnect(); consumer = undefined; },
    resume: async () => { consumer = await startConsumer(); },
    stop: async () => {
      stopWriting();
      await probe.close();
      await consumer?.disconnect().catch(() => undefined);
      await producer.disconnect().catch(() => undefined);
      await broker.stop();
    },
  };
}

/** A file tree copied every 100 ms (write to a temp name, then rename, as rsync does); the copying stops. */
export async function filesScenario(dir: string): Promise<LagScenario> {
  const source = join(dir, 'source');
  const target = join(dir, 'target');
  await Promise.all([mkdir(source, { recursive: true }), mkdir(target, { recursive: true })]);
  const probe = createFilesProbe({ kind: 'files', pipeline: 'files', sourceDir: source, targetDir: target }, testProbeContext());
  const file = '.syncwatch-heartbeat';
  let paused = false;
  const stopSyncing = steadyWriter(async () => {
    if (paused) return;
    await copyFile(join(source, file), join(target, `.${file}.tmp`));
    await rename(join(target, `.${file}.tmp`), join(target, file));
  });
  return {
    pipeline: 'file tree, copied every 100 ms',
    injection: 'copying stopped',
    watched: [{ probe, metric: 'files_sync_lag_seconds' }],
    pause: () => { paused = true; return Promise.resolve(); },
    resume: () => { paused = false; return Promise.resolve(); },
    stop: async () => { stopSyncing(); await probe.close(); },
  };
}
