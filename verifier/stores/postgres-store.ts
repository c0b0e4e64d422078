// PostgreSQL store (pg): type map, one canonical SQL fragment per logical type, in-database md5-64 digests.
import pg from 'pg';
import { SyncwatchError } from '../../lib/errors.js';
import type { Column, LogicalType } from '../canonical/logical-type.js';
import type { CallOptions, Store, TableDescription } from '../store.js';
import { redactUrl } from './redact-url.js';
import { POSTGRES_FIX_SQL } from './postgres-fix-sql.js';
import { quoteTable, splitTable, type NativeHashDialect, type SqlDialect } from './sql-dialect.js';
import { createPooledExecutor } from './pooled-executor.js';
import { createSqlStore, type SqlExecutor } from './sql-store.js';

/** information_schema `data_type` → logical type; anything else is rejected by name. */
export const PG_TYPE_MAP: Readonly<Record<string, (scale: number | null) => LogicalType>> = {
  smallint: () => ({ kind: 'int' }),
  integer: () => ({ kind: 'int' }),
  bigint: () => ({ kind: 'int' }),
  numeric: (scale) => ({ kind: 'decimal', scale }),
  real: () => ({ kind: 'float', bits: 32 }),
  'double precision': () => ({ kind: 'float', bits: 64 }),
  boolean: () => ({ kind: 'bool' }),
  'timestamp with time zone': () => ({ kind: 'timestamp' }),
  'timestamp without time zone': () => ({ kind: 'timestamp' }),
  date: () => ({ kind: 'date' }),
  'time without time zone': () => ({ kind: 'time' }),
  text: () => ({ kind: 'text' }),
  'character varying': () => ({ kind: 'text' }),
  character: () => ({ kind: 'text' }),
  bytea: () => ({ kind: 'bytes' }),
  json: () => ({ kind: 'json' }),
  jsonb: () => ({ kind: 'json' }),
  uuid: () => ({ kind: 'uuid' }),
};

const BOOL_TEXT = (q: string): string => `CASE WHEN ${q} THEN '1' WHEN NOT ${q} THEN '0' END`;

/** Canonical text per logical type; `column.engineType` refines where the native type matters. */
function canonical(column: Column, as: LogicalType): string | null {
  const q = quoteIdent(column.name);
  switch (as.kind) {
    case 'int':
    case 'bool':
      return column.engineType === 'boolean' ? BOOL_TEXT(q) : `${q}::text`;
    case 'decimal':
      // trim_scale: 1.50 and 1.5 are the same value whatever scale each side declared.
      return `trim_scale(${q})::text`;
    case 'timestamp':
      return column.engineType === 'timestamp with time zone'
        ? `to_char(${q} AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')`
        : `to_char(${q}, 'YYYY-MM-DD HH24:MI:SS.US')`;
    case 'date':
      return `to_char(${q}, 'YYYY-MM-DD')`;
    case 'time':
      return `to_char(${q}::interval, 'HH24:MI:SS.US')`;
    case 'text':
      return `${q}::text`;
    case 'bytes':
      // A text column compared with a binary one is compared as its UTF-8 bytes.
      return column.type.kind === 'text' ? `encode(convert_to(${q}, 'UTF8'), 'hex')` : `encode(${q}, 'hex')`;
    case 'uuid':
      return `lower(${q}::text)`;
    case 'float':
    case 'json':
      // float8::text and MariaDB's CAST(… AS CHAR) spell exponents differently; jsonb reorders keys by length.
      return null;
  }
}

function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/** Kinds whose PostgreSQL hash opclass equates exactly the values the canonical text equates (SPEC.md, "Native row hashes"). */
const NATIVE_KINDS = new Set<LogicalType['kind']>(['int', 'bool', 'decimal', 'timestamp', 'date', 'time', 'text', 'bytes', 'uuid']);

/** hash_record_extended (PostgreSQL 14+): each column's own 64-bit hash function, combined per row — no text formatting at all. */
const POSTGRES_NATIVE: NativeHashDialect = {
  algo: 'pg-hash-record-64',
  probe: "SELECT to_regprocedure('hash_record_extended(record, bigint)') IS NOT NULL AS ok",
  // A nondeterministic collation hashes equal-comparing texts alike ('a' = 'A' under a case-insensitive one).
  supports: (column, as) => as.kind === column.type.kind && NATIVE_KINDS.has(as.kind) && column.hashTrait?.startsWith('nondeterministic:') !== true,
  hashSum: (columns) => `sum(hash_record_extended(ROW(${columns.map((c) => quoteIdent(c.name)).join(', ')}), 0))::text`,
  // to_hex of a negative bigint is its two's complement, i.e. the unsigned value the sum above adds mod 2^64.
  rowHashHex: (columns) => `lpad(to_hex(hash_record_extended(ROW(${columns.map((c) => quoteIdent(c.name)).join(', ')}), 0)), 16, '0')`,
  pageHash: (columns) => `hash_record_extended(ROW(${columns.map((c) => quoteIdent(c.name)).join(', ')}), 0)`,
};

export const POSTGRES_DIALECT: SqlDialect = {
  kind: 'postgres',
  quoteIdent,
  placeholder: (i) => `$${i}`,
  canonical,
  raw: (column) => `${quoteIdent(column.name)}::text`,
  field: (e) => `COALESCE(octet_length(${e})::text || ':' || ${e}, 'N')`,
  // bit(64)::bigint reads the 16 hex digits as a signed 64-bit integer; the exact numeric sum is reduced mod 2^64 in-process.
  hashSum: (fields) => `sum(('x' || substr(md5(${fields.join(' || ')}), 1, 16))::bit(64)::bigint)::text`,
  keyOrder: (as, column, canon) => (as.kind === 'int' || as.kind === 'decimal' ? column : `(${canon}) COLLATE "C"`),
  // A bare numeric placeholder takes the column's own type, so the primary-key index stays usable.
  keyParam: (as, p) => (as.kind === 'int' || as.kind === 'decimal' ? p : `${p}::text COLLATE "C"`),
  rowHashHex: (fields) => `substr(md5(${fields.join(' || ')}), 1, 16)`,
  hexOfText: (e) => `encode(convert_to(${e}, 'UTF8'), 'hex')`,
  intKeyPage: { format: 'binary', pack: (key, rowHash) => `string_agg(int8send((${key})::int8) || int8send(${rowHash}), ''::bytea)` },
  pageHash: (fields) => `('x' || substr(md5(${fields.join(' || ')}), 1, 16))::bit(64)::bigint`,
  intKeyIn: (column, p) => `${column} = ANY(${p}::bigint[])`,
  packRows: (parts, orderBy) => `string_agg(${parts.join(" || ',' || ")}, ';' ORDER BY ${orderBy.join(', ')})`,
  intText: (e) => `(${e})::text`,
  // -1 until the table is first analyzed: the caller then counts.
  rowEstimate: (table) => ({ sql: 'SELECT reltuples::bigint AS n FROM pg_class WHERE oid = to_regclass($1)', params: [quoteTable(POSTGRES_DIALECT, table)] }),
  fix: POSTGRES_FIX_SQL,
  native: POSTGRES_NATIVE,
};

/** Connection-level SQLSTATEs: unknown database, auth failures, shutdown. */
const UNREACHABLE = new Set(['3D000', '28000', '28P01', '57P01', '57P02', '57P03', '08000', '08001', '08003', '08004', '08006']);

/** The part of pg.Pool this store uses. */
export interface PgPoolLike {
  connect(): Promise<PgClientLike>;
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
}
interface PgClientLike {
  readonly processID?: number | null;
  query(config: { text: string; values: unknown[] }): Promise<{ rows: Record<string, unknown>[] }>;
  release(): void;
}

function createPgExecutor(pool: PgPoolLike, where: string): SqlExecutor {
  return createPooledExecutor<PgClientLike>({
    where,
    unreachable: UNREACHABLE,
    versionSql: "SELECT current_setting('server_version') AS v",
    product: 'PostgreSQL',
    acquire: () => pool.connect(),
    run: async (client, text, values) => (await client.query({ text, values })).rows,
    cancel: (client) => {
      const pid = client.processID;
      if (pid !== undefined && pid !== null) void pool.query('SELECT pg_cancel_backend($1)', [pid]).catch(() => undefined);
    },
    release: (client) => {
      client.release();
    },
    end: () => pool.end(),
  });
}

async function describePg(executor: SqlExecutor, table: string, options?: CallOptions): Promise<TableDescription> {
  const [schema, name] = splitTable(table);
  const cols = await executor.query(
    `SELECT c.column_name AS name, c.data_type AS type, c.numeric_scale AS scale,
       CASE WHEN coll.oid IS NULL THEN NULL WHEN coll.collisdeterministic THEN coll.collname::text ELSE 'nondeterministic:' || coll.collname END AS trait
     FROM information_schema.columns c
     LEFT JOIN pg_attribute a ON a.attrelid = (quote_ident(c.table_schema) || '.' || quote_ident(c.table_name))::regclass AND a.attname = c.column_name
     LEFT JOIN pg_collation coll ON coll.oid = a.attcollation
     WHERE c.table_schema = COALESCE($1, current_schema()) AND c.table_name = $2 ORDER BY c.ordinal_position`,
    [schema, name], options);
  if (cols.length === 0) throw new SyncwatchError('SW_STORE_TABLE_NOT_FOUND', `postgres: table ${table} not found (or it has no columns visible to this user)`);
  const columns = cols.map((c) => {
    const engineType = String(c['type']);
    const map = PG_TYPE_MAP[engineType];
    if (map === undefined) throw new SyncwatchError('SW_STORE_UNSUPPORTED_TYPE', `postgres: ${table}.${String(c['name'])} has type ${engineType}, which the verifier cannot compare yet`);
    return { name: String(c['name']), engineType, type: map(c['scale'] === null ? null : Number(c['scale'])), hashTrait: typeof c['trait'] === 'string' ? c['trait'] : undefined };
  });
  const pk = await executor.query(
    `SELECT a.attname AS name FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indisprimary AND i.indrelid = (quote_ident(COALESCE($1, current_schema())) || '.' || quote_ident($2))::regclass
     ORDER BY array_position(i.indkey::int2[], a.attnum)`,
    [schema, name], options);
  return { table, columns, primaryKey: pk.map((r) => String(r['name'])) };
}

/** Opens a PostgreSQL store for `postgres://user[:password]@host:port/db`; connects lazily. */
export function createPostgresStore(url: URL, pool?: PgPoolLike): Store {
  const displayUrl = redactUrl(url);
  const where = `postgres ${new URL(displayUrl).host}${new URL(displayUrl).pathname}`;
  const real = pool ?? new pg.Pool({ connectionString: url.toString(), max: 4, connectionTimeoutMillis: 5_000, application_name: 'syncwatch-verify' });
  if (real instanceof pg.Pool) real.on('error', () => undefined);
  const executor = createPgExecutor(real, where);
  return createSqlStore({ dialect: POSTGRES_DIALECT, executor, displayUrl, describe: (t, o) => describePg(executor, t, o) });
}
