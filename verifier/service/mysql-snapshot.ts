// One MySQL/MariaDB session in a `START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY` transaction, shaped as the
// pool mysql-store.ts takes, so that every query of a comparison reads the same InnoDB snapshot. Its position is
// recorded: MariaDB's binlog_snapshot_file/position (taken atomically with the snapshot) and GTID position, or
// MySQL's gtid_executed.
import { createConnection, type Connection } from 'mysql2/promise';
import type { MysqlConnectionLike, MysqlPoolLike } from '../stores/mysql-store.js';

export interface MysqlSnapshot {
  readonly pool: MysqlPoolLike;
  /** e.g. `binlog mysql-bin.000003:1234 gtid 0-1-42`; '' when the server reports neither. */
  readonly position: string;
}

/** A query on a session that lost its connection fails as a network error, so the run retries with a new snapshot. */
function connectionLost(cause: unknown): Error {
  const err = new Error(`snapshot session lost its connection${cause instanceof Error ? `: ${cause.message}` : ''}`);
  (err as Error & { code: string }).code = 'PROTOCOL_CONNECTION_LOST';
  return err;
}

async function scalar(conn: Connection, sql: string): Promise<string | undefined> {
  try {
    const [rows] = await conn.query(sql);
    const first = (rows as Record<string, unknown>[])[0];
    const value = first === undefined ? undefined : Object.values(first)[0];
    return typeof value === 'string' || typeof value === 'number' || typeof value === 'bigint' ? (String(value) || undefined) : undefined;
  } catch {
    return undefined; // a variable the other engine does not have
  }
}

async function positionOf(conn: Connection): Promise<string> {
  const parts: string[] = [];
  const [status] = await conn.query("SHOW STATUS LIKE 'binlog_snapshot_%'").catch(() => [[]]);
  const byName = new Map((status as { Variable_name?: string; Value?: string }[]).map((r) => [r.Variable_name ?? '', r.Value ?? '']));
  const file = byName.get('Binlog_snapshot_file');
  if (file !== undefined && file !== '') parts.push(`binlog ${file}:${byName.get('Binlog_snapshot_position') ?? '?'}`);
  const gtid = (await scalar(conn, 'SELECT @@gtid_current_pos')) ?? (await scalar(conn, 'SELECT @@global.gtid_executed'));
  if (gtid !== undefined) parts.push(`gtid ${gtid}`);
  return parts.join(' ');
}

export async function openMysqlSnapshot(url: string): Promise<MysqlSnapshot> {
  const options = {
    uri: url.replace(/^mariadb:/, 'mysql:'), connectTimeout: 5_000, charset: 'utf8mb4', dateStrings: true,
    supportBigNumbers: true, bigNumberStrings: true, decimalNumbers: false, jsonStrings: true,
  } as const;
  const conn = await createConnection(options);
  let lost: unknown;
  conn.on('error', (err) => { lost = err; });
  conn.on('end', () => { lost ??= new Error('connection ended'); });
  // Read through a function: the 'error' event may fire while a query is awaited.
  const isLost = (): boolean => lost !== undefined;
  try {
    await conn.query("SET time_zone = '+00:00', group_concat_max_len = 1073741824");
    await conn.query('SET SESSION TRANSACTION ISOLATION LEVEL REPEATABLE READ');
    await conn.query('START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY');
    const position = await positionOf(conn);
    const session: MysqlConnectionLike = {
      get threadId() { return conn.threadId; },
      async query(sql, values) {
        if (lost !== undefined) throw connectionLost(lost);
        try {
          return await conn.query(sql, values);
        } catch (err) {
          // mysql2 reports a query on a dead connection without an error code.
          if ((err as { code?: unknown }).code === undefined && (isLost() || String(err).includes('closed state'))) throw connectionLost(err);
          throw err;
        }
      },
      release: () => undefined,
    };
    const pool: MysqlPoolLike = {
      getConnection: () => Promise.resolve(session),
      // Used to KILL QUERY a running statement: that needs a second connection.
      async query(sql) {
        const other = await createConnection(options);
        try {
          return await other.query(sql);
        } finally {
          await other.end();
        }
      },
      async end() {
        await conn.query('ROLLBACK').catch(() => undefined);
        await conn.end().catch(() => undefined);
      },
    };
    return { pool, position };
  } catch (err) {
    await conn.end().catch(() => undefined);
    throw err;
  }
}
