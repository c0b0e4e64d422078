// Generic heartbeat probe: writes `(pipeline, seq, ts)` into a table on the source each interval and reads
// the newest row of the pipeline on the target — the end-to-end lag of any pipeline between SQL stores,
// across engines too (MariaDB → Kafka → PostgreSQL), whatever moves the rows in between.
import { Type, type Static } from '@sinclair/typebox';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { Probe, ProbeCheckResult, ProbeContext } from '../probe.js';
import { EndpointHealth } from './lag/endpoints.js';
import { DEFAULT_HEARTBEAT_TABLE, HeartbeatTable, HeartbeatTableNameSchema } from './lag/heartbeat-table.js';
import { HeartbeatLink } from './lag/heartbeat-link.js';
import { lagProbeFields, lagProbeSettings, type LagProbeSettings } from './lag/lag-config.js';
import { PointList } from './lag/points.js';
import { hostPortOf, secretsOf } from './lag/redact.js';
import { openSqlSession, SQL_URL_PATTERN, sqlEngineOf, type SqlSession } from './lag/sql-session.js';

export const HeartbeatProbeConfigSchema = Type.Object(
  {
    ...lagProbeFields('heartbeat'),
    sourceUrl: Type.String({ pattern: SQL_URL_PATTERN, description: 'postgres:// or mysql:// URL where heartbeats are written' }),
    targetUrl: Type.String({ pattern: SQL_URL_PATTERN, description: 'postgres:// or mysql:// URL where the pipeline delivers them' }),
    table: Type.Optional(HeartbeatTableNameSchema),
    createTable: Type.Optional(Type.Boolean({ description: 'create the table on the source when missing; default true' })),
  },
  { additionalProperties: false },
);
export type HeartbeatProbeConfig = Static<typeof HeartbeatProbeConfigSchema>;

export function createHeartbeatProbe(config: HeartbeatProbeConfig, context: ProbeContext): Probe {
  return new HeartbeatProbe(config, context);
}

class HeartbeatProbe implements Probe {
  readonly kind = 'heartbeat';
  readonly name: string;
  readonly intervalMs: number;
  readonly #settings: LagProbeSettings;
  readonly #context: ProbeContext;
  readonly #sessions: readonly [source: SqlSession, target: SqlSession];
  readonly #endpoints: EndpointHealth;
  readonly #link: HeartbeatLink;

  constructor(config: HeartbeatProbeConfig, context: ProbeContext) {
    this.#settings = lagProbeSettings(this.kind, config);
    this.#context = context;
    this.name = this.#settings.name;
    this.intervalMs = this.#settings.intervalMs;
    sqlEngineOf(config.sourceUrl); // a wrong scheme fails at start-up, not on the first collection
    sqlEngineOf(config.targetUrl);
    const session = { timeoutMs: this.#settings.timeoutMs, applicationName: `syncwatch-${this.name}` };
    const source = openSqlSession(config.sourceUrl, session);
    const target = openSqlSession(config.targetUrl, session);
    this.#sessions = [source, target];
    const table = config.table ?? DEFAULT_HEARTBEAT_TABLE;
    this.#endpoints = new EndpointHealth(this, context.logger,
      { source: `source ${hostPortOf(config.sourceUrl)}`, target: `target ${hostPortOf(config.targetUrl)}` },
      secretsOf([config.sourceUrl, config.targetUrl]));
    this.#link = new HeartbeatLink({
      prefix: 'heartbeat',
      source: { endpoint: 'source', table: new HeartbeatTable(source, table, config.pipeline) },
      target: { endpoint: 'target', table: new HeartbeatTable(target, table, config.pipeline) },
      createTable: config.createTable ?? true,
      clock: context.clock,
    });
  }

  async collect(signal: AbortSignal): Promise<Point[]> {
    const points = new PointList(this.#context.clock.now(), { pipeline: this.#settings.pipeline, host: this.#context.hostLabel });
    this.#endpoints.beginRound();
    await this.#link.collect(this.#endpoints, points, signal);
    this.#endpoints.finishRound(points);
    return points.points;
  }

  check(): Promise<ProbeCheckResult> {
    const [source, target] = this.#sessions;
    return this.#endpoints.check([['source', () => source.query('SELECT 1')], ['target', () => target.query('SELECT 1')]]);
  }

  async close(): Promise<void> {
    await Promise.all(this.#sessions.map((s) => s.close()));
  }
}
