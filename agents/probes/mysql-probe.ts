// MySQL/MariaDB replication probe: the replica's own status (I/O and SQL threads, Seconds_Behind_Master,
// error numbers) *and* a heartbeat table written on the primary and read on the replica. The heartbeat
// figure is the lag; Seconds_Behind_Master is kept for comparison because it lies (NULL when the SQL
// thread stops, 0 while the I/O thread is stuck, relay-log time rather than source time).
import { Type, type Static } from '@sinclair/typebox';
import { SyncwatchError } from '../../lib/errors.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { Probe, ProbeCheckResult, ProbeContext } from '../probe.js';
import { EndpointHealth } from './lag/endpoints.js';
import { HeartbeatLink } from './lag/heartbeat-link.js';
import { DEFAULT_HEARTBEAT_TABLE, HeartbeatTable, HeartbeatTableNameSchema } from './lag/heartbeat-table.js';
import { lagProbeFields, lagProbeSettings, type LagProbeSettings } from './lag/lag-config.js';
import { PointList } from './lag/points.js';
import { hostPortOf, redactUrl, secretsOf } from './lag/redact.js';
import { openSqlSession, sqlEngineOf, type SqlSession } from './lag/sql-session.js';
import { isSyntaxError, parseReplicaStatus, REPLICA_STATUS_STATEMENTS } from './mysql/replica-status.js';

const MYSQL_URL = '^(mysql|mariadb)://';

export const MysqlProbeConfigSchema = Type.Object(
  {
    ...lagProbeFields('mysql'),
    replicaUrl: Type.String({ pattern: MYSQL_URL, description: 'mysql:// URL of the replica (its database holds the heartbeat table)' }),
    primaryUrl: Type.Optional(Type.String({ pattern: MYSQL_URL, description: 'mysql:// URL of the primary, where heartbeats are written; without it only replica status is reported' })),
    heartbeatTable: Type.Optional(HeartbeatTableNameSchema),
    createTable: Type.Optional(Type.Boolean({ description: 'create the heartbeat table on the primary when missing; default true' })),
  },
  { additionalProperties: false },
);
export type MysqlProbeConfig = Static<typeof MysqlProbeConfigSchema>;

export function createMysqlProbe(config: MysqlProbeConfig, context: ProbeContext): Probe {
  return new MysqlProbe(config, context);
}

class MysqlProbe implements Probe {
  readonly kind = 'mysql';
  readonly name: string;
  readonly intervalMs: number;
  readonly #settings: LagProbeSettings;
  readonly #context: ProbeContext;
  readonly #replica: SqlSession;
  readonly #primary: SqlSession | undefined;
  readonly #endpoints: EndpointHealth;
  readonly #heartbeat: HeartbeatLink | undefined;
  /** Index into REPLICA_STATUS_STATEMENTS of the spelling this server understands. */
  #statusStatement = 0;
  #lastReplicationError = '';

  constructor(config: MysqlProbeConfig, context: ProbeContext) {
    for (const url of [config.replicaUrl, config.primaryUrl]) {
      if (url !== undefined && sqlEngineOf(url) !== 'mysql') throw new SyncwatchError('SW_CONFIG_INVALID', `mysql probe: not a mysql:// URL: ${redactUrl(url)}`);
    }
    this.#settings = lagProbeSettings(this.kind, config);
    this.#context = context;
    this.name = this.#settings.name;
    this.intervalMs = this.#settings.intervalMs;
    const session = { timeoutMs: this.#settings.timeoutMs };
    this.#replica = openSqlSession(config.replicaUrl, session);
    this.#primary = config.primaryUrl === undefined ? undefined : openSqlSession(config.primaryUrl, session);
    const names: Record<string, string> = { replica: `replica ${hostPortOf(config.replicaUrl)}` };
    if (config.primaryUrl !== undefined) names['primary'] = `primary ${hostPortOf(config.primaryUrl)}`;
    this.#endpoints = new EndpointHealth(this, context.logger, names, secretsOf([config.replicaUrl, config.primaryUrl ?? '']));
    if (this.#primary !== undefined) {
      const table = config.heartbeatTable ?? DEFAULT_HEARTBEAT_TABLE;
      this.#heartbeat = new HeartbeatLink({
        prefix: 'mysql_heartbeat',
        source: { endpoint: 'primary', table: new HeartbeatTable(this.#primary, table, config.pipeline) },
        target: { endpoint: 'replica', table: new HeartbeatTable(this.#replica, table, config.pipeline) },
        createTable: config.createTable ?? true,
        clock: context.clock,
      });
    }
  }

  async collect(signal: AbortSignal): Promise<Point[]> {
    this.#endpoints.beginRound();
    const points = new PointList(this.#context.clock.now(), { pipeline: this.#settings.pipeline, host: this.#context.hostLabel });
    await this.#endpoints.attempt('replica', () => this.#collectStatus(points, signal));
    await this.#heartbeat?.collect(this.#endpoints, points, signal);
    this.#endpoints.finishRound(points);
    return points.points;
  }

  async #collectStatus(points: PointList, signal: AbortSignal): Promise<void> {
    const rows = await this.#statusRows(signal);
    points.flag('mysql_replica_configured', rows.length > 0);
    const row = rows[0];
    if (row === undefined) return; // not a replica: nothing more to say
    const status = parseReplicaStatus(row);
    points.flag('mysql_replica_io_running', status.ioRunning);
    points.flag('mysql_replica_sql_running', status.sqlRunning);
    points.add('mysql_seconds_behind_master', status.secondsBehind);
    points.add('mysql_replica_last_io_errno', status.lastIoErrno);
    points.add('mysql_replica_last_sql_errno', status.lastSqlErrno);
    // The error texts say what broke but must not become labels; they go to the log once per change.
    const errors = [status.lastIoError, status.lastSqlError].filter((e) => e !== '').join('; ');
    if (errors !== this.#lastReplicationError && errors !== '') {
      this.#context.logger.warn({ probe: this.name, err: this.#endpoints.describeFailure('replica', errors) }, 'replica reports a replication error');
    }
    this.#lastReplicationError = errors;
  }

  async #statusRows(signal: AbortSignal): Promise<readonly Readonly<Record<string, unknown>>[]> {
    for (;;) {
      const statement = REPLICA_STATUS_STATEMENTS[this.#statusStatement] ?? 'SHOW SLAVE STATUS';
      try {
        return await this.#replica.query(statement, [], signal);
      } catch (err) {
        // An older server does not know SHOW REPLICA STATUS: fall back once, then stay there.
        if (!isSyntaxError(err) || this.#statusStatement >= REPLICA_STATUS_STATEMENTS.length - 1) throw err;
        this.#statusStatement += 1;
      }
    }
  }

  check(): Promise<ProbeCheckResult> {
    const primary = this.#primary;
    return this.#endpoints.check([
      ['replica', () => this.#replica.query('SELECT 1')],
      ...(primary === undefined ? [] : [['primary', () => primary.query('SELECT 1')] as const]),
    ]);
  }

  async close(): Promise<void> {
    await Promise.all([this.#replica.close(), this.#primary?.close()]);
  }
}
