// MySQL/MariaDB store (mysql2): type map, one canonical SQL fragment per logical type, in-database md5-64 digests.
// Every session runs with time_zone '+00:00' so TIMESTAMP columns read as UTC.
import { createPool } from 'mysql2/promise';
import { SyncwatchError } from '../../lib/errors.js';
import type { Column, LogicalType } from '../canonical/logical-type.js';
import type { CallOptions, Store, TableDescription } from '../store.js';
import { redactUrl } from './redact-url.js';
import { MYSQL_FIX_SQL } from './mysql-fix-sql.js';
import { splitTable, type NativeHashDialect, type SqlDialect } from './sql-dialect.js';
import { createPooledExecutor } from './pooled-executor.js';
import { createSqlStore, type SqlExecutor } from './sql-store.js';

const INT = (): LogicalType => ({ kind: 'int' });
const TEXT = (): LogicalType => ({ kind: 'text' });
const BYTES = (): LogicalType => ({ kind: 'bytes' });

/** information_schema DATA_TYPE → logical type (COLUMN_TYPE decides TINYINT(1) = boolean). */
export const MYSQL_TYPE_MAP: Readonly<Record<string, (scale: number | null, columnType: string) => LogicalType>> = {
  tinyint: (_s, ct) => (/^tinyint\(1\)/i.test(ct) ? { kind: 'bool' } : { kind: 'int' }),
  smallint: INT, mediumint: INT, int: INT, bigint: INT, year: INT,
  decimal: (scale) => ({ kind: 'decimal', scale }),
  float: () => ({ kind: 'float', bits: 32 }),
  double: () => ({ kind: 'float', bits: 64 }),
  datetime: () => ({ kind: 'timestamp' }),
  timestamp: () => ({ kind: 'timestamp' }),
  date: () => ({ kind: 'date' }),
  time: () => ({ kind: 'time' }),
  char: TEXT, varchar: TEXT, tinytext: TEXT, text: TEXT, mediumtext: TEXT, longtext: TEXT, enum: TEXT, set: TEXT,
  binary: BYTES, varbinary: BYTES, tinyblob: BYTES, blob: BYTES, mediumblob: BYTES, longblob: BYTES,
  json: () => ({ kind: 'json' }),
  uuid: () => ({ kind: 'uuid' }),
};

function quoteIdent(name: string): string {
  return `\`${name.replaceAll('`', '``')}\``;
}

function canonical(column: Column, as: LogicalType): string | null {
  const q = quoteIdent(column.name);
  switch (as.kind) {
    case 'int':
    case 'bool':
      return `CAST(${q} AS CHAR)`;
    case 'decimal':
      // Strip trailing fractional zeros, then a bare '.', so 1.50 reads '1.5' and 0.00 reads '0' (as PostgreSQL's trim_scale).
      return as.scale !== null && as.scale > 0 && /\(\d+,\s*[1-9]/.test(column.engineType)
        ? `TRIM(TRAILING '.' FROM TRIM(TRAILING '0' FROM CAST(${q} AS CHAR)))`
        : `CAST(${q} AS CHAR)`;
    case 'timestamp':
      return `DATE_FORMAT(${q}, '%Y-%m-%d %H:%i:%s.%f')`;
    case 'date':
      return `DATE_FORMAT(${q}, '%Y-%m-%d')`;
    case 'time':
      return `TIME_FORMAT(${q}, '%H:%i:%s.%f')`;
    case 'text':
      return `CONVERT(${q} USING utf8mb4)`;
    case 'bytes':
      // A text column compared with a binary one is compared as its UTF-8 bytes, whatever its character set.
      return column.type.kind === 'text' ? `LOWER(HEX(CONVERT(${q} USING utf8mb4)))` : `LOWER(HEX(${q}))`;
    case 'uuid':
      return `LOWER(CAST(${q} AS CHAR))`;
    case 'float':
    case 'json':
      return null;
  }
}

/** Kinds whose raw MariaDB text is equal exactly when the canonical text is, for identical column types. */
const NATIVE_KINDS = new Set<LogicalType['kind']>(['int', 'bool', 'decimal', 'timestamp', 'date', 'time', 'text', 'bytes', 'uuid']);
const STRING_KINDS = new Set<LogicalType['kind']>(['text', 'bytes']);

/**
 * The native row text: raw values, then a tag per column — a string's byte length (`N` for NULL), else 0/1
 * for NULL — all joined by ','. CONCAT_WS skips NULLs, but the tags (a fixed number at the end, none holding a
 * ',') say which values are absent and how long each string is, so NULL, '' and a ',' inside a string can never
 * collide. Concatenation takes text of any character sets and collations (unlike comparison); the bytes then
 * depend on the columns' collations, which both sides share (native-hash.ts compares them).
 */
function nativeRowText(columns: readonly Column[]): string {
  const values = columns.map((c) => quoteIdent(c.name));
  const tags = columns.map((c) => (STRING_KINDS.has(c.type.kind) ? `COALESCE(LENGTH(${quoteIdent(c.name)}), 'N')` : `ISNULL(${quoteIdent(c.name)})`));
  return `CONCAT_WS(',', ${[...values, ...tags].join(', ')})`;
}

/** Two different CRC polynomials over the same text make one 64-bit value (CRC32C: MariaDB 10.8+). */
const crcPair = (text: string): string => `((CRC32(${text}) << 32) | CRC32C(${text}))`;

const MARIADB_NATIVE: NativeHashDialect = {
  algo: 'mariadb-crc32-crc32c',
  probe: `SELECT VERSION() LIKE '%MariaDB%' AND (SUBSTRING_INDEX(VERSION(), '.', 1) + 0 > 10
    OR (SUBSTRING_INDEX(VERSION(), '.', 1) + 0 = 10 AND SUBSTRING_INDEX(SUBSTRING_INDEX(VERSION(), '.', 2), '.', -1) + 0 >= 8)) AS ok`,
  supports: (column, as) => as.kind === column.type.kind && NATIVE_KINDS.has(as.kind),
  hashSum: (columns) => `CAST(SUM(${crcPair(nativeRowText(columns))}) AS CHAR)`,
  rowHashHex: (columns) => `LPAD(LOWER(HEX(${crcPair(nativeRowText(columns))})), 16, '0')`,
  pageHash: (columns) => `UNHEX(LPAD(HEX(${crcPair(nativeRowText(columns))}), 16, '0'))`,
};

/** md5-64 as 16 lowercase hex digits: the row hash, and (UNHEXed) the integer page's hash. */
const md5Hex16 = (fields: readonly string[]): string => `SUBSTRING(MD5(CONCAT(${fields.join(', ')})), 1, 16)`;

export const MYSQL_DIALECT: SqlDialect = {
  kind: 'mysql',
  quoteIdent,
  placeholder: () => '?',
  canonical,
  raw: (column) => quoteIdent(column.name),
  field: (e) => `COALESCE(CONCAT(LENGTH(${e}), ':', ${e}), 'N')`,
  // CONV reads the 16 hex digits as an unsigned 64-bit integer; SUM over integers is an exact DECIMAL.
  hashSum: (fields) => `CAST(SUM(CAST(CONV(SUBSTRING(MD5(CONCAT(${fields.join(', ')})), 1, 16), 16, 10) AS UNSIGNED)) AS CHAR)`,
  // BINARY compares bytes with no trailing-space padding (utf8mb4_bin is PAD SPACE, so 'a' = 'a ' there).
  keyOrder: (as, column, canon) => (as.kind === 'int' || as.kind === 'decimal' ? column : `CAST(${canon} AS BINARY)`),
  keyParam: (as, p) => (as.kind === 'int' || as.kind === 'decimal' ? p : `CAST(${p} AS BINARY)`),
  rowHashHex: md5Hex16,
  hexOfText: (e) => `LOWER(HEX(CONVERT(${e} USING utf8mb4)))`,
  // Sessions raise group_concat_max_len (createMysqlStore), or a long page would be cut off silently.
  packRows: (parts, orderBy) => `GROUP_CONCAT(CONCAT_WS(',', ${parts.join(', ')}) ORDER BY ${orderBy.join(', ')} SEPARATOR ';')`,
  // A binary hash makes the whole page binary: the driver hands it over as bytes, with no hex to decode.
  intKeyPage: { format: 'hash-bytes', pack: (key, rowHash) => `GROUP_CONCAT(${key}, ',', ${rowHash} SEPARATOR '')` },
  pageHash: (fields) => `UNHEX(${md5Hex16(fields)})`,
  intText: (e) => `CAST(${e} AS CHAR)`,
  rowEstimate: (table) => ({ sql: 'SELECT TABLE_ROWS AS n FROM information_schema.TABLES WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ?', params: splitTable(table) }),
  fix: MYSQL_FIX_SQL,
  native: MARIADB_NATIVE,
};

/** Connection-level error codes: unknown database, access denied, server gone. */
const UNREACHABLE = new Set(['ER_BAD_DB_ERROR', 'ER_ACCESS_DENIED_ERROR', 'ER_DBACCESS_DENIED_ERROR', 'ER_SERVER_SHUTDOWN', 'ER_CON_COUNT_ERROR']);

/** The part of a mysql2 pool this store uses; a single snapshot session (one transaction) can stand in for it. */
export interface MysqlPoolLike {
  getConnection(): Promise<MysqlConnectionLike>;
  query(sql: string): Promise<unknown>;
  end(): Promise<void>;
}
export interface MysqlConnectionLike {
  readonly threadId: number | null;
  query(sql: string, values: unknown[]): Promise<[unknown, unknown]>;
  release(): void;
}

function createMysqlExecutor(pool: MysqlPoolLike, where: string): SqlExecutor {
  return createPooledExecutor<MysqlConnectionLike>({
    where,
    unreachable: UNREACHABLE,
    versionSql: 'SELECT VERSION() AS v',
    product: 'MySQL/MariaDB',
    acquire: () => pool.getConnection(),
    run: async (conn, sql, values) => (await conn.query(sql, values))[0] as Record<string, unknown>[],
    // KILL QUERY from a second connection stops the statement, as the abort contract asks.
    cancel: (conn) => {
      const id = conn.threadId;
      if (typeof id === 'number') void pool.query(`KILL QUERY ${id}`).catch(() => undefined);
    },
    release: (conn) => {
      conn.release();
    },
    end: () => pool.end(),
  });
}

async function describeMysql(executor: SqlExecutor, table: string, options?: CallOptions): Promise<TableDescription> {
  const [schema, name] = splitTable(table);
  const cols = await executor.query(
    `SELECT COLUMN_NAME AS name, DATA_TYPE AS type, COLUMN_TYPE AS ctype, NUMERIC_SCALE AS scale, COLLATION_NAME AS coll FROM information_schema.COLUMNS
     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
    [schema, name], options);
  if (cols.length === 0) throw new SyncwatchError('SW_STORE_TABLE_NOT_FOUND', `mysql: table ${table} not found (or it has no columns visible to this user)`);
  const columns = cols.map((c) => {
    const dataType = String(c['type']).toLowerCase();
    const engineType = String(c['ctype']);
    const map = MYSQL_TYPE_MAP[dataType];
    if (map === undefined) throw new SyncwatchError('SW_STORE_UNSUPPORTED_TYPE', `mysql: ${table}.${String(c['name'])} has type ${engineType}, which the verifier cannot compare yet`);
    return { name: String(c['name']), engineType, type: map(c['scale'] === null ? null : Number(c['scale']), engineType), hashTrait: typeof c['coll'] === 'string' ? c['coll'] : undefined };
  });
  const pk = await executor.query(
    `SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
     WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`,
    [schema, name], options);
  return { table, columns, primaryKey: pk.map((r) => String(r['name'])) };
}

/** Opens a MySQL/MariaDB store for `mysql://user[:password]@host:port/db`; connects lazily. */
export function createMysqlStore(url: URL, session?: MysqlPoolLike): Store {
  const displayUrl = redactUrl(url);
  const shown = new URL(displayUrl);
  const where = `mysql ${shown.host}${shown.pathname}`;
  const executor = createMysqlExecutor(session ?? openMysqlPool(url), where);
  return createSqlStore({ dialect: MYSQL_DIALECT, executor, displayUrl, describe: (t, o) => describeMysql(executor, t, o) });
}

/** The store's own pool (every session set to UTC with a large GROUP_CONCAT limit). */
function openMysqlPool(url: URL): MysqlPoolLike {
  const pool = createPool({
    uri: url.toString().replace(/^mariadb:/, 'mysql:'),
    connectionLimit: 4,
    connectTimeout: 5_000,
    charset: 'utf8mb4',
    dateStrings: true,
    supportBigNumbers: true,
    bigNumberStrings: true,
    decimalNumbers: false,
    // JSON arrives as its text: encode.ts parses it once, and a top-level JSON string must stay distinguishable.
    jsonStrings: true,
  });
  pool.pool.on('connection', (conn) => {
    // Sessions must read TIMESTAMP as UTC before any canonical expression runs; packed pages of row hashes
    // (packRows) need more than the default 1 MB of GROUP_CONCAT.
    conn.query("SET time_zone = '+00:00', group_concat_max_len = 1073741824");
  });
  return pool;
}
