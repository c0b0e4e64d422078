// Shared set-up of the verify integration tests: throwaway PostgreSQL, MariaDB and embedded ClickHouse (chdb)
// databases, SQL helpers, stores.
import { createConnection } from 'mysql2/promise';
import { openStore } from '../../verifier/stores/registry.js';
import type { Store } from '../../verifier/store.js';
import { chdbExec, createTempChdbDatabase } from '../support/chdb-temp.js';
import { createTempMysqlDatabase, createTempPgDatabase, withPgClient, type TempDatabase } from '../support/services.js';

export type Engine = 'postgres' | 'mysql' | 'clickhouse';

/** A scratch database on one engine with `exec` (SQL with `?` placeholders) and a lazily opened Store. */
export interface Side {
  readonly engine: Engine;
  readonly db: TempDatabase;
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  /** Inserts rows in multi-row batches. */
  insert(table: string, columns: readonly string[], rows: readonly (readonly unknown[])[]): Promise<void>;
  readonly store: Store;
  close(): Promise<void>;
}

async function pgExec(url: string, sql: string, params: readonly unknown[] = []): Promise<void> {
  let n = 0;
  await withPgClient(url, (c) => c.query(sql.replace(/\?/g, () => `$${++n}`), [...params]));
}

async function mysqlExec(url: string, sql: string, params: readonly unknown[] = [], timeZone = '+00:00'): Promise<void> {
  const conn = await createConnection({ uri: url, charset: 'utf8mb4' });
  try {
    await conn.query(`SET time_zone = '${timeZone}'`);
    await conn.query(sql, [...params]);
  } finally {
    await conn.end();
  }
}

/** MariaDB exec in a given session time zone (to insert TIMESTAMP values as local time). */
export function mysqlExecInZone(side: Side, timeZone: string, sql: string, params: readonly unknown[] = []): Promise<void> {
  return mysqlExec(side.db.url, sql, params, timeZone);
}

const TEMP_DATABASE: Readonly<Record<Engine, (prefix: string) => Promise<TempDatabase>>> = {
  postgres: createTempPgDatabase,
  mysql: createTempMysqlDatabase,
  clickhouse: createTempChdbDatabase,
};

const EXEC: Readonly<Record<Engine, (db: TempDatabase, sql: string, params: readonly unknown[]) => Promise<void>>> = {
  postgres: (db, sql, params) => pgExec(db.url, sql, params),
  mysql: (db, sql, params) => mysqlExec(db.url, sql, params),
  clickhouse: (db, sql, params) => chdbExec(db.name, sql, params),
};

/** A scratch database on `engine`; a clickhouse side lives in this test process's one chdb directory. */
export async function createSide(engine: Engine): Promise<Side> {
  const db = await TEMP_DATABASE[engine]('sw_verify');
  const exec = (sql: string, params: readonly unknown[] = []): Promise<void> => EXEC[engine](db, sql, params);
  let store: Store | undefined;
  return {
    engine,
    db,
    exec,
    async insert(table, columns, rows) {
      for (let i = 0; i < rows.length; i += 500) {
        const batch = rows.slice(i, i + 500);
        const tuple = `(${columns.map(() => '?').join(', ')})`;
        await exec(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${batch.map(() => tuple).join(', ')}`, batch.flat());
      }
    },
    get store() {
      store ??= openStore(db.url);
      return store;
    },
    async close() {
      await store?.close();
      await db.drop();
    },
  };
}

/** Column DDL per engine for the integration tables. */
export const DDL = {
  postgres: { int: 'integer', text: 'varchar(100)', dec: 'numeric(12,3)', ts: 'timestamptz', float: 'double precision', key: 'varchar(40)' },
  mysql: { int: 'int', text: 'varchar(100)', dec: 'decimal(12,3)', ts: 'timestamp(6) NULL', float: 'double', key: 'varchar(40)' },
  clickhouse: { int: 'Int32', text: 'Nullable(String)', dec: 'Nullable(Decimal(12,3))', ts: "Nullable(DateTime64(6, 'UTC'))", float: 'Nullable(Float64)', key: 'String' },
} as const satisfies Record<Engine, Record<string, string>>;
