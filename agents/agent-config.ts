// The agent's section of the config file (TypeBox); lib/config/schema.ts embeds it, and createAgent reads it.
import { Type, type Static } from '@sinclair/typebox';
import { FilesProbeConfigSchema } from './probes/files-probe.js';
import { HeartbeatProbeConfigSchema } from './probes/heartbeat-probe.js';
import { HostProbeConfigSchema } from './probes/host-probe.js';
import { KafkaProbeConfigSchema } from './probes/kafka-probe.js';
import { MysqlProbeConfigSchema } from './probes/mysql-probe.js';
import { PostgresProbeConfigSchema } from './probes/postgres-probe.js';
import { RedisProbeConfigSchema } from './probes/redis-probe.js';

/** One schema per probe kind; `kind` is the discriminator. */
export const PROBE_CONFIG_SCHEMAS = [
  HostProbeConfigSchema,
  PostgresProbeConfigSchema,
  MysqlProbeConfigSchema,
  KafkaProbeConfigSchema,
  RedisProbeConfigSchema,
  FilesProbeConfigSchema,
  HeartbeatProbeConfigSchema,
] as const;

export const ProbeConfigSchema = Type.Union([...PROBE_CONFIG_SCHEMAS]);
export type ProbeConfig = Static<typeof ProbeConfigSchema>;
export type ProbeKind = ProbeConfig['kind'];

/** When the spool calls fsync: after every append, at most once per interval, or never (the OS decides). */
export const FSYNC_POLICIES = ['always', 'interval', 'never'] as const;
export type FsyncPolicy = (typeof FSYNC_POLICIES)[number];

/** Default spool budget: roughly a day of outage for a host probe at 5 s (about 1.3 KB/s of points). */
export const DEFAULT_MAX_SPOOL_BYTES = 128 * 1024 * 1024;

/** The agent section of the config file; every field has a default, so `{}` is a valid agent config. */
export const AgentConfigSchema = Type.Object(
  {
    collectorUrl: Type.Optional(
      Type.String({ minLength: 1, description: "collector base URL; needed by a standalone agent, serve's local agent uses its own" }),
    ),
    spoolDir: Type.Optional(Type.String({ minLength: 1, description: 'spool directory; default <storage.dataDir>/spool' })),
    hostLabel: Type.Optional(Type.String({ minLength: 1, maxLength: 200, description: 'value of the host label; default os.hostname()' })),
    fsync: Type.Union(
      FSYNC_POLICIES.map((p) => Type.Literal(p)),
      { default: 'interval' },
    ),
    maxSpoolBytes: Type.Integer({ minimum: 1024 * 1024, default: DEFAULT_MAX_SPOOL_BYTES, description: 'oldest batches are dropped (and counted) beyond this' }),
    // Short by default because alerts start at the agent: a breaching value should reach the collector at once.
    // Batches still grow by themselves while a send is in flight or the collector is away.
    batchDelayMs: Type.Integer({ minimum: 0, maximum: 60_000, default: 100, description: 'longest a point waits to be shipped while the collector keeps up' }),
    probes: Type.Array(ProbeConfigSchema, { default: [{ kind: 'host' }] }),
  },
  { additionalProperties: false, default: {} },
);
export type AgentConfig = Static<typeof AgentConfigSchema>;
