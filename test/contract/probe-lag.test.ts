// The probe contract against every lag probe kind, on the real services of this machine: PostgreSQL,
// MariaDB and Redis (a replication pair), the test Kafka broker, and scratch directories.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFilesProbe } from '../../agents/probes/files-probe.js';
import { createHeartbeatProbe } from '../../agents/probes/heartbeat-probe.js';
import { createKafkaProbe } from '../../agents/probes/kafka-probe.js';
import { createMysqlProbe } from '../../agents/probes/mysql-probe.js';
import { createPostgresProbe } from '../../agents/probes/postgres-probe.js';
import { createRedisProbe } from '../../agents/probes/redis-probe.js';
import { kafkaBrokersForTests } from '../support/kafka-broker.js';
import { startRedisPair } from '../support/replication.js';
import { createTempMysqlDatabase, createTempPgDatabase, findPostgres } from '../support/services.js';
import { uniqueName } from '../support/unique-name.js';
import { CONTRACT_SECRET, probeContract } from './probe.contract.js';

const FAST = { intervalMs: 250 };
/** Nothing listens on port 1; the URLs carry a password that must never surface. */
const DEAD = (scheme: string, path = ''): string => `${scheme}://watcher:${CONTRACT_SECRET}@127.0.0.1:1${path}`;

probeContract({
  kind: 'postgres',
  pipeline: 'contract-pg',
  expectedMetrics: ['pg_in_recovery', 'pg_standbys_connected'],
  healthy: async (context) => ({ probe: createPostgresProbe({ kind: 'postgres', pipeline: 'contract-pg', url: (await findPostgres()).url, ...FAST }, context) }),
  down: (context) => createPostgresProbe({ kind: 'postgres', pipeline: 'contract-pg', url: DEAD('postgres', '/postgres') }, context),
});

probeContract({
  kind: 'mysql',
  pipeline: 'contract-mysql',
  expectedMetrics: ['mysql_replica_configured', 'mysql_heartbeat_seen', 'mysql_heartbeat_lag_seconds'],
  healthy: async (context) => {
    // Not a replica, and its own primary: enough for the contract; replication itself is an integration test.
    const db = await createTempMysqlDatabase('sw_contract');
    return { probe: createMysqlProbe({ kind: 'mysql', pipeline: 'contract-mysql', primaryUrl: db.url, replicaUrl: db.url, ...FAST }, context), cleanup: () => db.drop() };
  },
  down: (context) => createMysqlProbe({ kind: 'mysql', pipeline: 'contract-mysql', primaryUrl: DEAD('mysql', '/db'), replicaUrl: DEAD('mysql', '/db') }, context),
});

probeContract({
  kind: 'kafka',
  pipeline: 'contract-kafka',
  expectedMetrics: ['kafka_consumer_group_members', 'kafka_consumer_group_offset_lag'],
  healthy: async (context) => ({ probe: createKafkaProbe({ kind: 'kafka', pipeline: 'contract-kafka', brokers: await kafkaBrokersForTests(), groups: [uniqueName('contract')], ...FAST }, context) }),
  down: (context) => createKafkaProbe({ kind: 'kafka', pipeline: 'contract-kafka', brokers: ['127.0.0.1:1'], groups: ['g'], timeoutMs: 500 }, context),
});

probeContract({
  kind: 'redis',
  pipeline: 'contract-redis',
  expectedMetrics: ['redis_replica_offset_lag_bytes', 'redis_replica_link_up'],
  healthy: async (context) => {
    const pair = await startRedisPair();
    return { probe: createRedisProbe({ kind: 'redis', pipeline: 'contract-redis', primaryUrl: pair.primaryUrl, replicaUrl: pair.replicaUrl, ...FAST }, context), cleanup: () => pair.stop() };
  },
  down: (context) => createRedisProbe({ kind: 'redis', pipeline: 'contract-redis', primaryUrl: DEAD('redis'), replicaUrl: DEAD('redis') }, context),
});

probeContract({
  kind: 'files',
  pipeline: 'contract-files',
  expectedMetrics: ['files_heartbeat_seen', 'files_count'],
  healthy: async (context) => {
    const root = await mkdtemp(join(tmpdir(), 'sw-contract-files-'));
    await Promise.all([mkdir(join(root, 'source')), mkdir(join(root, 'target'))]);
    return {
      probe: createFilesProbe({ kind: 'files', pipeline: 'contract-files', sourceDir: join(root, 'source'), targetDir: join(root, 'target'), treeStatsIntervalMs: 0, ...FAST }, context),
      cleanup: () => rm(root, { recursive: true, force: true }),
    };
  },
  down: (context) => createFilesProbe({ kind: 'files', pipeline: 'contract-files', sourceDir: '/nonexistent/sw-source', targetDir: '/nonexistent/sw-target' }, context),
});

probeContract({
  kind: 'heartbeat',
  pipeline: 'contract-heartbeat',
  expectedMetrics: ['heartbeat_seen', 'heartbeat_lag_seconds'],
  healthy: async (context) => {
    const db = await createTempPgDatabase('sw_contract');
    return { probe: createHeartbeatProbe({ kind: 'heartbeat', pipeline: 'contract-heartbeat', sourceUrl: db.url, targetUrl: db.url, ...FAST }, context), cleanup: () => db.drop() };
  },
  down: (context) => createHeartbeatProbe({ kind: 'heartbeat', pipeline: 'contract-heartbeat', sourceUrl: DEAD('postgres', '/db'), targetUrl: DEAD('mysql', '/db') }, context),
});
