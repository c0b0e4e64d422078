// One PostgreSQL session in a REPEATABLE READ READ ONLY transaction, shaped as the pool postgres-store.ts takes:
// every query of a comparison then reads the same snapshot. The snapshot's WAL position (the primary's insert
// LSN, or a standby's replay LSN) is read as the transaction's first statement, i.e. where the snapshot was taken.
import pg from 'pg';
import type { PgPoolLike } from '../stores/postgres-store.js';

export interface PgSnapshot {
  readonly pool: PgPoolLike;
  /** e.g. `primary lsn 0/3000148` or `standby replay lsn 0/3000148`. */
  readonly position: string;
}

/** A query on a session that lost its connection fails as a network error, so the run retries with a new snapshot. */
function connectionLost(cause: unknown): Error {
  const err = new Error(`snapshot session lost its connection${cause instanceof Error ? `: ${cause.message}` : ''}`);
  (err as Error & { code: string }).code = 'ECONNRESET';
  return err;
}

export async function openPgSnapshot(url: string): Promise<PgSnapshot> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000, application_name: 'syncwatch-verify-snapshot' });
  let broken: unknown;
  const isBroken = (): boolean => broken !== undefined;
  let queue: Promise<void> = Promise.resolve();
  client.on('error', (err) => { broken = err; });
  await client.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const { rows } = await client.query<{ standby: boolean; lsn: string | null }>(
      'SELECT pg_is_in_recovery() AS standby, (CASE WHEN pg_is_in_recovery() THEN pg_last_wal_replay_lsn() ELSE pg_current_wal_lsn() END)::text AS lsn');
    const row = rows[0];
    const position = row === undefined ? '' : `${row.standby ? 'standby replay' : 'primary'} lsn ${row.lsn ?? '?'}`;
    const session = {
      get processID(): number | null { return (client as unknown as { processID: number | null }).processID; },
      async query(config: { text: string; values: unknown[] }): Promise<{ rows: Record<string, unknown>[] }> {
        if (broken !== undefined) throw connectionLost(broken);
        // One session runs one statement at a time: callers with concurrency > 1 queue here, not in pg.
        const mine = queue.then(() => client.query<Record<string, unknown>>(config));
        queue = mine.then(() => undefined, () => undefined);
        try {
          return await mine;
        } catch (err) {
          // The 'error' event may have fired while the statement ran.
          if (isBroken() && (err as { code?: unknown }).code === undefined) throw connectionLost(broken);
          throw err;
        }
      },
      release: (): void => undefined,
    };
    const pool: PgPoolLike = {
      connect: () => Promise.resolve(session),
      // Used to cancel a running statement: that needs a second connection.
      async query(text, values) {
        const other = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
        other.on('error', () => undefined);
        await other.connect();
        try {
          return await other.query<Record<string, unknown>>(text, values);
        } finally {
          await other.end();
        }
      },
      async end() {
        if (broken === undefined) await client.query('ROLLBACK').catch(() => undefined);
        await client.end().catch(() => undefined);
      },
    };
    return { pool, position };
  } catch (err) {
    await client.end().catch(() => undefined);
    throw err;
  }
}
