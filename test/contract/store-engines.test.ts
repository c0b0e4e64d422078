// The store contract on every SQL engine running here (real PostgreSQL, MariaDB and embedded ClickHouse (chdb),
// throwaway databases), plus the cross-engine promise: equal rows give equal in-database digests on every engine.
// Filter with SYNCWATCH_TEST_STORES=postgres,mysql,clickhouse.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createConnection } from 'mysql2/promise';
import { FULL_RANGE } from '../../verifier/key-range.js';
import type { ReadSpec, Store } from '../../verifier/store.js';
import { openStore } from '../../verifier/stores/registry.js';
import { chdbExec, closeChdb, createTempChdbDatabase } from '../support/chdb-temp.js';
import { createTempMysqlDatabase, createTempPgDatabase, withPgClient } from '../support/services.js';
import { storeContract, type StoreUnderTest } from './store.contract.js';

async function pgExec(url: string, sql: string, params: readonly unknown[] = []): Promise<void> {
  let n = 0;
  const text = sql.replace(/\?/g, () => `$${++n}`);
  await withPgClient(url, (c) => c.query(text, [...params]));
}

async function mysqlExec(url: string, sql: string, params: readonly unknown[] = []): Promise<void> {
  const conn = await createConnection({ uri: url, charset: 'utf8mb4' });
  try {
    await conn.query("SET time_zone = '+00:00'");
    await conn.query(sql, [...params]);
  } finally {
    await conn.end();
  }
}

export const STORES: readonly StoreUnderTest[] = [
  {
    name: 'postgres',
    createDatabase: () => createTempPgDatabase('sw_store'),
    exec: pgExec,
    open: (url) => openStore(url),
    nativeRowHash: 'pg-hash-record-64',
    ddl: { i: 'bigint', d: 'numeric(30,4)', b: 'boolean', ts: 'timestamptz', dt: 'date', tm: 'time(6)', tx: 'text', bt: 'bytea', u: 'uuid', f: 'double precision', j: 'jsonb', textKey: 'varchar(20)' },
  },
  {
    name: 'mysql',
    createDatabase: () => createTempMysqlDatabase('sw_store'),
    exec: mysqlExec,
    open: (url) => openStore(url),
    nativeRowHash: 'mariadb-crc32-crc32c',
    ddl: { i: 'bigint', d: 'decimal(30,4)', b: 'tinyint(1)', ts: 'datetime(6)', dt: 'date', tm: 'time(6)', tx: 'mediumtext', bt: 'varbinary(100)', u: 'char(36)', f: 'double', j: 'json', textKey: 'varchar(20) CHARACTER SET utf8mb4 COLLATE utf8mb4_nopad_bin' },
  },
  {
    // Embedded: the databases live in this test process's one chdb directory, which the store opens too.
    name: 'clickhouse',
    createDatabase: () => createTempChdbDatabase('sw_store'),
    exec: (url, sql, params) => chdbExec(new URL(url).searchParams.get('database') ?? 'default', sql, params),
    open: (url) => openStore(url),
    ddl: {
      i: 'Nullable(Int64)', d: 'Nullable(Decimal(30,4))', b: 'Nullable(Bool)', ts: "Nullable(DateTime64(6, 'UTC'))", dt: 'Nullable(Date32)', tm: 'Nullable(Time64(6))',
      tx: 'Nullable(String)', bt: 'Nullable(String)', u: 'Nullable(UUID)', f: 'Nullable(Float64)', j: 'Nullable(String)', textKey: 'String',
    },
    // Date32 spans 1900-01-01 … 2299-12-31.
    cannotStore: (column, value) => column === 'dt' && typeof value === 'string' && value > '2299-12-31',
  },
];

const wanted = process.env['SYNCWATCH_TEST_STORES']?.split(',');
const selected = STORES.filter((s) => wanted === undefined || wanted.includes(s.name));
for (const sut of selected) storeContract(sut);

describe('in-database digests agree across engines', () => {
  const opened: { store: Store; drop(): Promise<void> }[] = [];
  before(async () => {
    for (const sut of selected) {
      const db = await sut.createDatabase();
      await sut.exec(db.url, `CREATE TABLE t (id INT PRIMARY KEY, name ${sut.ddl.tx}, amount ${sut.ddl.d}, at ${sut.ddl.ts})`);
      for (let i = 1; i <= 300; i++) {
        await sut.exec(db.url, 'INSERT INTO t VALUES (?, ?, ?, ?)', [i, i % 7 === 0 ? null : `name ${i}${i % 5 === 0 ? ' ' : ''}`, `${i}.${i % 10}0`, `2024-01-${String(1 + (i % 28)).padStart(2, '0')} 10:00:00.${i}`]);
      }
      opened.push({ store: sut.open(db.url), drop: () => db.drop() });
    }
  });
  after(async () => {
    for (const o of opened) {
      await o.store.close();
      await o.drop();
    }
    await closeChdb(true);
  });

  it('same rows → same (count, hash) on every engine', async () => {
    const digests = await Promise.all(opened.map(async ({ store }) => {
      const desc = await store.describe('t');
      const spec: ReadSpec = { table: 't', keyCount: 1, columns: desc.columns.map((column) => ({ column, as: column.type })) };
      return store.digestChunk(spec, FULL_RANGE);
    }));
    assert.equal(digests[0]?.count, 300);
    for (const d of digests) assert.deepEqual(d, digests[0]);
  });
});
