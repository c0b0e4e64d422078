// What the PostgreSQL probe reads, as SQL text, and the pure rules that turn the rows into lag figures.

/** On a standby: positions of the WAL receiver and of replay, and the time of the last replayed commit. */
export const STANDBY_SQL = `SELECT
  pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()) AS bytes_behind,
  pg_last_wal_receive_lsn() IS NOT NULL AS receive_known,
  extract(epoch FROM now() - pg_last_xact_replay_timestamp()) AS since_last_replay,
  pg_is_wal_replay_paused() AS paused,
  (SELECT count(*) FROM pg_stat_wal_receiver WHERE status = 'streaming') AS receiving`;

/** On a primary (or a cascading standby's upstream): one row per connected standby. */
export const STANDBYS_SQL = `SELECT
  COALESCE(NULLIF(application_name, ''), host(client_addr), 'local') AS standby,
  state,
  pg_wal_lsn_diff(sent_lsn, replay_lsn) AS replay_bytes,
  pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn) AS behind_current_bytes,
  extract(epoch FROM write_lag) AS write_lag,
  extract(epoch FROM flush_lag) AS flush_lag,
  extract(epoch FROM replay_lag) AS replay_lag
FROM pg_stat_replication`;

/** WAL each slot holds back, measured from the current (primary) or replayed (standby) position. */
export const SLOTS_SQL = (standby: boolean): string => `SELECT slot_name, slot_type, active,
  pg_wal_lsn_diff(${standby ? 'pg_last_wal_replay_lsn()' : 'pg_current_wal_lsn()'}, restart_lsn) AS retained_bytes
FROM pg_replication_slots`;

/** Numbers arrive as strings (numeric, bigint) or numbers; NULL and junk become undefined. */
export function num(value: unknown): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  const n = typeof value === 'number' ? value : Number(value);
  return Number.isFinite(n) ? n : undefined;
}

export interface StandbyRow {
  readonly bytes_behind?: unknown;
  readonly receive_known?: unknown;
  readonly since_last_replay?: unknown;
}

/**
 * Replay lag of a standby in seconds. When everything received is replayed the standby is caught up and
 * the lag is 0 — even if the primary has been idle for an hour and the last replayed commit is old, which
 * is the classic false alarm of `now() - pg_last_xact_replay_timestamp()`. Otherwise the lag is at most
 * the time since the last replayed commit, and at most the time since the probe last saw the standby
 * caught up (`secondsSinceCaughtUp`, when known): the smaller of the two upper bounds, which is exact
 * within one interval when replay stops after an idle spell. Undefined when neither bound is known
 * (nothing replayed since start-up, or a log-shipping standby without a WAL receiver).
 */
export function standbyReplayLagSeconds(row: StandbyRow, secondsSinceCaughtUp?: number): number | undefined {
  const behind = num(row.bytes_behind);
  if (behind !== undefined && behind <= 0) return 0;
  if (row.receive_known !== true) return undefined;
  const bounds = [num(row.since_last_replay), secondsSinceCaughtUp].filter((b): b is number => b !== undefined);
  return bounds.length === 0 ? undefined : Math.max(0, Math.min(...bounds));
}

/** True when the standby has replayed everything it received. */
export function isCaughtUp(row: StandbyRow): boolean {
  const behind = num(row.bytes_behind);
  return behind !== undefined && behind <= 0;
}

/**
 * A write/flush/replay lag of one standby as the primary sees it (`lag` from pg_stat_replication). PostgreSQL
 * shows NULL once a standby has caught up and no WAL flows; that is 0, not unknown, when nothing sent is
 * left to replay.
 */
export function primaryViewLagSeconds(lag: unknown, replayBytes: unknown): number | undefined {
  const seconds = num(lag);
  if (seconds !== undefined) return seconds;
  return num(replayBytes) === 0 ? 0 : undefined;
}
