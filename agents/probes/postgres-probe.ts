// PostgreSQL replication probe. On a standby: replay lag in seconds and WAL bytes received but not yet
// replayed (0 s when caught up, so an idle primary is not mistaken for lag). On a primary: per standby the
// write/flush/replay lag and the sent→replay byte gap from pg_stat_replication. On both: WAL retained by
// each replication slot. One connection, statement timeout, reconnect after failure.
import { Type, type Static } from '@sinclair/typebox';
import { SyncwatchError } from '../../lib/errors.js';
import type { Point } from '../../lib/protocol/ingest-batch.js';
import type { Probe, ProbeCheckResult, ProbeContext } from '../probe.js';
import { EndpointHealth } from './lag/endpoints.js';
import { lagProbeFields, lagProbeSettings, type LagProbeSettings } from './lag/lag-config.js';
import { PointList } from './lag/points.js';
import { hostPortOf, redactUrl, secretsOf } from './lag/redact.js';
import { openSqlSession, sqlEngineOf, type SqlSession } from './lag/sql-session.js';
import { isCaughtUp, num, primaryViewLagSeconds, SLOTS_SQL, STANDBY_SQL, STANDBYS_SQL, standbyReplayLagSeconds } from './postgres/replication-state.js';

export const PostgresProbeConfigSchema = Type.Object(
  {
    ...lagProbeFields('postgres'),
    url: Type.String({ pattern: '^postgres(ql)?://', description: 'postgres:// URL of the server to watch (primary or standby)' }),
    slots: Type.Optional(Type.Boolean({ description: 'report WAL retained per replication slot; default true' })),
  },
  { additionalProperties: false },
);
export type PostgresProbeConfig = Static<typeof PostgresProbeConfigSchema>;

export function createPostgresProbe(config: PostgresProbeConfig, context: ProbeContext): Probe {
  return new PostgresProbe(config, context);
}

const ENDPOINT = 'server';

class PostgresProbe implements Probe {
  readonly kind = 'postgres';
  readonly name: string;
  readonly intervalMs: number;
  readonly #settings: LagProbeSettings;
  readonly #context: ProbeContext;
  readonly #slots: boolean;
  readonly #session: SqlSession;
  readonly #endpoints: EndpointHealth;
  /** Agent time the standby was last seen with nothing left to replay; bounds the lag when replay stops. */
  #lastCaughtUpAt: number | undefined;

  constructor(config: PostgresProbeConfig, context: ProbeContext) {
    if (sqlEngineOf(config.url) !== 'postgres') throw new SyncwatchError('SW_CONFIG_INVALID', `postgres probe: not a postgres:// URL: ${redactUrl(config.url)}`);
    this.#settings = lagProbeSettings(this.kind, config);
    this.#context = context;
    this.name = this.#settings.name;
    this.intervalMs = this.#settings.intervalMs;
    this.#slots = config.slots ?? true;
    this.#session = openSqlSession(config.url, { timeoutMs: this.#settings.timeoutMs, applicationName: `syncwatch-${this.name}` });
    this.#endpoints = new EndpointHealth(this, context.logger, { [ENDPOINT]: `postgres ${hostPortOf(config.url)}` }, secretsOf([config.url]));
  }

  async collect(signal: AbortSignal): Promise<Point[]> {
    this.#endpoints.beginRound();
    const points = new PointList(this.#context.clock.now(), { pipeline: this.#settings.pipeline, host: this.#context.hostLabel });
    await this.#endpoints.attempt(ENDPOINT, async () => {
      const standby = (await this.#session.query('SELECT pg_is_in_recovery() AS standby', [], signal))[0]?.['standby'] === true;
      points.flag('pg_in_recovery', standby);
      if (standby) await this.#collectStandby(points, signal);
      else await this.#collectPrimary(points, signal);
      if (this.#slots) await this.#collectSlots(points, standby, signal);
    });
    this.#endpoints.finishRound(points);
    return points.points;
  }

  async #collectStandby(points: PointList, signal: AbortSignal): Promise<void> {
    const row = (await this.#session.query(STANDBY_SQL, [], signal))[0] ?? {};
    const now = this.#context.clock.now();
    if (isCaughtUp(row)) this.#lastCaughtUpAt = now;
    const sinceCaughtUp = this.#lastCaughtUpAt === undefined ? undefined : (now - this.#lastCaughtUpAt) / 1000;
    points.add('pg_replay_lag_seconds', standbyReplayLagSeconds(row, sinceCaughtUp));
    const behind = num(row['bytes_behind']);
    points.add('pg_wal_bytes_behind', behind === undefined ? undefined : Math.max(0, behind));
    points.flag('pg_replay_paused', row['paused'] === true);
    points.flag('pg_wal_receiver_streaming', (num(row['receiving']) ?? 0) > 0);
  }

  async #collectPrimary(points: PointList, signal: AbortSignal): Promise<void> {
    const rows = await this.#session.query(STANDBYS_SQL, [], signal);
    points.add('pg_standbys_connected', rows.length);
    for (const row of rows) {
      const labels = { standby: String(row['standby']) };
      const replayBytes = row['replay_bytes'];
      points.flag('pg_standby_streaming', row['state'] === 'streaming', labels);
      points.add('pg_standby_replay_bytes', num(replayBytes), labels);
      points.add('pg_standby_behind_current_bytes', num(row['behind_current_bytes']), labels);
      points.add('pg_standby_write_lag_seconds', primaryViewLagSeconds(row['write_lag'], replayBytes), labels);
      points.add('pg_standby_flush_lag_seconds', primaryViewLagSeconds(row['flush_lag'], replayBytes), labels);
      points.add('pg_standby_replay_lag_seconds', primaryViewLagSeconds(row['replay_lag'], replayBytes), labels);
    }
  }

  async #collectSlots(points: PointList, standby: boolean, signal: AbortSignal): Promise<void> {
    for (const row of await this.#session.query(SLOTS_SQL(standby), [], signal)) {
      const labels = { slot: String(row['slot_name']), slot_type: String(row['slot_type']) };
      points.add('pg_slot_retained_bytes', num(row['retained_bytes']), labels);
      points.flag('pg_slot_active', row['active'] === true, labels);
    }
  }

  check(): Promise<ProbeCheckResult> {
    return this.#endpoints.check([[ENDPOINT, () => this.#session.query('SELECT 1')]]);
  }

  close(): Promise<void> {
    return this.#session.close();
  }
}
