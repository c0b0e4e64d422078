// Opens one side of a pair for a comparison: PostgreSQL and MySQL/MariaDB read from one consistent snapshot (its WAL
// position, binlog position or GTID set is recorded); other engines through their ordinary store, with no position.
import { openStore } from '../stores/registry.js';
import { redactUrl } from '../stores/redact-url.js';
import { translateSqlError } from '../stores/sql-errors.js';
import { createMysqlStore } from '../stores/mysql-store.js';
import { createPostgresStore } from '../stores/postgres-store.js';
import type { Store } from '../store.js';
import { openMysqlSnapshot } from './mysql-snapshot.js';
import { openPgSnapshot } from './pg-snapshot.js';

export interface OpenedSide {
  readonly store: Store;
  /** Where the snapshot was taken ('' when the engine gives none). */
  readonly position: string;
}

/** Connection-level codes of either engine: the same ones the stores treat as unreachable (retriable). */
const UNREACHABLE = new Set(['3D000', '28000', '28P01', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006',
  'ER_BAD_DB_ERROR', 'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR']);

export async function openSnapshotSide(url: string, flag: string): Promise<OpenedSide> {
  try {
    return await open(url, flag);
  } catch (err) {
    const shown = new URL(redactUrl(url));
    // Errors leave here as store errors naming the store without its password, retriable when the connection failed.
    throw translateSqlError(err, `${flag} ${shown.protocol.replace(/:$/, '')} ${shown.host}${shown.pathname}`, UNREACHABLE);
  }
}

async function open(url: string, flag: string): Promise<OpenedSide> {
  const protocol = new URL(url).protocol;
  if (protocol === 'postgres:' || protocol === 'postgresql:') {
    const snapshot = await openPgSnapshot(url);
    return { store: createPostgresStore(new URL(url), snapshot.pool), position: snapshot.position };
  }
  if (protocol === 'mysql:' || protocol === 'mariadb:') {
    const snapshot = await openMysqlSnapshot(url);
    return { store: createMysqlStore(new URL(url), snapshot.pool), position: snapshot.position };
  }
  return { store: openStore(url, flag), position: '' };
}
