// TypeBox schema of the YAML config file; the Config type is derived from it, never written twice.
import { Type, type Static } from '@sinclair/typebox';
import { AgentConfigSchema } from '../../agents/agent-config.js';
import { AlertsConfigSchema } from '../../collector/alerts/config.js';
import { LiveConfigSchema } from '../../collector/live/config.js';
import { VerificationConfigSchema } from '../../verifier/service/config.js';

export const ROLES = ['agent', 'viewer', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

const Url = Type.String({ format: 'url', description: 'a URL such as postgres://user@host:5432/db' });

export const TokenEntrySchema = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 100 }),
    role: Type.Union(ROLES.map((r) => Type.Literal(r))),
    sha256: Type.String({ pattern: '^[0-9a-f]{64}$', description: 'hex SHA-256 of the token; the token itself is never stored' }),
  },
  { additionalProperties: false },
);

export const PipelineSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,100}$' }),
    source: Type.Object({ url: Url }, { additionalProperties: false }),
    target: Type.Object({ url: Url }, { additionalProperties: false }),
  },
  { additionalProperties: false },
);

export const ConfigSchema = Type.Object(
  {
    server: Type.Object(
      {
        host: Type.String({ default: '127.0.0.1', minLength: 1 }),
        port: Type.Integer({ default: 8080, minimum: 0, maximum: 65535 }),
        /** Maximum ingest body after decompression, bytes. */
        bodyLimitBytes: Type.Integer({ default: 8 * 1024 * 1024, minimum: 1024 }),
        /** PEM certificate (chain) and private key files: serve HTTPS. */
        tls: Type.Optional(Type.Object({ cert: Type.String({ minLength: 1 }), key: Type.String({ minLength: 1 }) }, { additionalProperties: false })),
      },
      { additionalProperties: false, default: {} },
    ),
    storage: Type.Object(
      {
        dataDir: Type.String({ default: './data', minLength: 1 }),
        clickhouseUrl: Type.Optional(Type.String({ minLength: 1 })),
        database: Type.String({ default: 'syncwatch', pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }),
        retentionDays: Type.Integer({ default: 30, minimum: 1, maximum: 3650, description: 'days raw points are kept' }),
        rollupRetentionDays: Type.Integer({ default: 400, minimum: 1, maximum: 36500, description: 'days one-minute rollups are kept' }),
      },
      { additionalProperties: false, default: {} },
    ),
    ingest: Type.Object(
      {
        route: Type.Union([Type.Literal('direct'), Type.Literal('kafka')], { default: 'direct' }),
        maxGroupPoints: Type.Integer({ default: 50_000, minimum: 1, description: 'points per ClickHouse insert at most' }),
        maxDelayMs: Type.Integer({ default: 200, minimum: 0, description: 'longest wait for more batches before an insert' }),
        maxQueuedPoints: Type.Integer({ default: 500_000, minimum: 1, description: 'beyond this, ingest answers 429' }),
        rateLimitPerMinute: Type.Integer({ default: 6000, minimum: 0, description: 'requests per token per minute; 0 = unlimited' }),
      },
      { additionalProperties: false, default: {} },
    ),
    kafka: Type.Object(
      {
        brokers: Type.Array(Type.String({ pattern: '^[^\\s:]+:\\d+$' }), { default: [] }),
        topic: Type.String({ default: 'syncwatch.ingest', pattern: '^[A-Za-z0-9._-]{1,200}$' }),
        partitions: Type.Integer({ default: 6, minimum: 1, maximum: 1000 }),
        clientId: Type.String({ default: 'syncwatch', minLength: 1 }),
      },
      { additionalProperties: false, default: {} },
    ),
    auth: Type.Object({ tokens: Type.Array(TokenEntrySchema, { default: [] }) }, { additionalProperties: false, default: {} }),
    localAgent: Type.Object(
      {
        enabled: Type.Boolean({ default: true }),
        name: Type.String({ default: 'local', minLength: 1, maxLength: 200 }),
        agent: AgentConfigSchema,
      },
      { additionalProperties: false, default: {} },
    ),
    pipelines: Type.Array(PipelineSchema, { default: [] }),
    alerts: AlertsConfigSchema,
    live: LiveConfigSchema,
    verification: VerificationConfigSchema,
  },
  { additionalProperties: false },
);

export type Config = Static<typeof ConfigSchema>;
export type TokenEntry = Static<typeof TokenEntrySchema>;
