// ClickHouse store: user tables read through lib/storage, so both drivers work — `chdb:///dir?database=db`
// (embedded, in-process) and `clickhouse://` / `http(s)://host:8123/db` (server over HTTP).
// libchdb binds ONE data directory per process: a chdb:// store in a process that already opened another
// directory (e.g. `serve`) fails with SW_STORE_UNREACHABLE naming both; run such a verification in a child process.
import { isAbsolute, resolve } from 'node:path';
import { SyncwatchError, isSyncwatchError } from '../../lib/errors.js';
import { createChdbStorage } from '../../lib/storage/chdb-storage.js';
import { createServerStorage } from '../../lib/storage/server-storage.js';
import type { Storage } from '../../lib/storage/storage.js';
import type { CallOptions, Store, TableDescription } from '../store.js';
import { CLICKHOUSE_DIALECT, quoteClickhouseIdent } from './clickhouse-dialect.js';
import { clickhouseLogicalType } from './clickhouse-types.js';
import { redactUrl } from './redact-url.js';
import { createSqlStore, type SqlExecutor } from './sql-store.js';

/**
 * Settings every verifier statement runs with: column names win over SELECT aliases; decimals print without
 * padding; MIN/MAX/SUM of no rows are NULL as in SQL (ClickHouse would answer 0); GROUP BY 1 is positional.
 */
const QUERY_SETTINGS = ' SETTINGS prefer_column_name_to_alias = 1, output_format_decimal_trailing_zeros = 0, aggregate_functions_null_for_empty = 1, enable_positional_arguments = 1';

/** Engines that keep superseded row versions until a merge; reading them with FINAL shows each key once. */
const FINAL_ENGINES = /(Replacing|Collapsing|VersionedCollapsing)MergeTree$/;

/** Where a ClickHouse store points: how to open the storage, the default database, and a printable name. */
interface ClickhouseTarget {
  readonly open: () => Storage;
  readonly database: string;
  readonly where: string;
}

function usage(message: string): SyncwatchError {
  return new SyncwatchError('SW_USAGE', message);
}

/** Parses `chdb:///abs/dir?database=db`, `clickhouse://[user[:pw]@]host[:8123]/db` or `http(s)://host:port/db`. */
export function parseClickhouseUrl(url: URL): ClickhouseTarget {
  const fromQuery = url.searchParams.get('database');
  if (url.protocol === 'chdb:') {
    // chdb://relative/dir puts the first segment in the host part; join it back so relative paths work too.
    const path = decodeURIComponent(`${url.host}${url.pathname}`);
    if (path === '' || path === '/') throw usage('chdb URL: give the data directory, e.g. chdb:///var/lib/syncwatch/clickhouse?database=shop');
    const dir = isAbsolute(path) ? path : resolve(path);
    const database = fromQuery ?? 'default';
    return { open: () => createChdbStorage(dir, database), database, where: `chdb ${dir} ${database}` };
  }
  const segments = url.pathname.split('/').filter((s) => s !== '');
  if (segments.length > 1) throw usage(`ClickHouse URL ${redactUrl(url)}: the path is the database name, one segment`);
  const database = fromQuery ?? decodeURIComponent(segments[0] ?? 'default');
  const server = new URL(url.href);
  if (url.protocol === 'clickhouse:') {
    server.protocol = 'http:';
    if (server.port === '') server.port = '8123';
  }
  server.pathname = '/';
  server.search = '';
  return { open: () => createServerStorage(server, database), database, where: `clickhouse ${server.host}/${database}` };
}

/** lib/storage errors → the verifier's store errors, naming the store. */
function translate(err: unknown, where: string): SyncwatchError {
  if (isSyncwatchError(err)) {
    if (err.code === 'SW_STORAGE_UNAVAILABLE') return new SyncwatchError('SW_STORE_UNREACHABLE', `${where}: ${err.message}`, { cause: err });
    if (err.code === 'SW_STORAGE_QUERY_FAILED') {
      const unreachable = /AUTHENTICATION_FAILED|REQUIRED_PASSWORD|UNKNOWN_USER|UNKNOWN_DATABASE/.test(err.message);
      return new SyncwatchError(unreachable ? 'SW_STORE_UNREACHABLE' : 'SW_STORE_QUERY_FAILED', `${where}: ${err.message}`, { cause: err });
    }
    return err;
  }
  if (err instanceof Error && err.name === 'AbortError') return new SyncwatchError('SW_INTERNAL', `${where}: stopped`, { cause: err });
  return new SyncwatchError('SW_STORE_QUERY_FAILED', `${where}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
}

function createClickhouseExecutor(target: ClickhouseTarget): SqlExecutor {
  let storage: Storage | undefined;
  let closed = false;
  // Opened on first use: a factory validates the URL but does not connect (and must not lock a chdb directory).
  const get = (): Storage => {
    if (closed) throw new SyncwatchError('SW_INTERNAL', `${target.where}: store is closed`);
    try {
      storage ??= target.open();
      return storage;
    } catch (err) {
      throw translate(err, target.where);
    }
  };
  const query = async (sql: string, params: readonly unknown[], options: CallOptions = {}): Promise<Record<string, unknown>[]> => {
    options.signal?.throwIfAborted();
    const named = Object.fromEntries(params.map((v, i) => [`p${i + 1}`, String(v)]));
    const rows: Record<string, unknown>[] = [];
    try {
      // stream() is the Storage call that takes an AbortSignal; the statement is cancelled when the run stops.
      for await (const row of get().stream<Record<string, unknown>>(`${sql}${QUERY_SETTINGS}`, named, options.signal ? { signal: options.signal } : {})) rows.push(row);
    } catch (err) {
      throw translate(err, target.where);
    }
    return rows;
  };
  return {
    query,
    async check() {
      try {
        const health = await get().check();
        return health.ok ? { ok: true, detail: health.detail } : { ok: false, error: `${target.where}: ${health.error}` };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await storage?.close();
    },
  };
}

/** `db.table` or `table` (in the store's database) → [database, table]. */
function splitName(table: string, database: string): [string, string] {
  const dot = table.indexOf('.');
  return dot < 0 ? [database, table] : [table.slice(0, dot), table.slice(dot + 1)];
}

/** The primary key as column names; an expression key (e.g. `toDate(ts)`) is not usable and gives []. */
function keyColumns(primaryKey: string, names: ReadonlySet<string>): string[] {
  if (primaryKey.trim() === '') return [];
  const parts = primaryKey.split(',').map((p) => p.trim().replace(/^`(.*)`$/, '$1'));
  return parts.every((p) => names.has(p)) ? parts : [];
}

async function describeClickhouse(executor: SqlExecutor, target: ClickhouseTarget, finals: Set<string>, table: string, options?: CallOptions): Promise<TableDescription> {
  const [db, name] = splitName(table, target.database);
  const cols = await executor.query('SELECT name, type FROM system.columns WHERE database = {p1:String} AND table = {p2:String} ORDER BY position', [db, name], options);
  if (cols.length === 0) throw new SyncwatchError('SW_STORE_TABLE_NOT_FOUND', `clickhouse: table ${db}.${name} not found (or it has no columns visible to this user)`);
  const columns = cols.map((c) => {
    const engineType = String(c['type']);
    const type = clickhouseLogicalType(engineType);
    if (type === null) throw new SyncwatchError('SW_STORE_UNSUPPORTED_TYPE', `clickhouse: ${table}.${String(c['name'])} has type ${engineType}, which the verifier cannot compare yet`);
    return { name: String(c['name']), engineType, type };
  });
  const text = (v: unknown): string => (typeof v === 'string' ? v : '');
  const [meta] = await executor.query('SELECT engine, primary_key FROM system.tables WHERE database = {p1:String} AND name = {p2:String}', [db, name], options);
  if (FINAL_ENGINES.test(text(meta?.['engine']))) finals.add(`${db}.${name}`);
  else finals.delete(`${db}.${name}`);
  // ClickHouse does not enforce key uniqueness; a duplicate key is reported when rows are compared in key order.
  return { table, columns, primaryKey: keyColumns(text(meta?.['primary_key']), new Set(columns.map((c) => c.name))) };
}

/** Opens a ClickHouse store for `chdb://`, `clickhouse://` or `http(s)://` URLs; connects (or opens chdb) lazily. */
export function createClickhouseStore(url: URL): Store {
  const target = parseClickhouseUrl(url);
  const executor = createClickhouseExecutor(target);
  const finals = new Set<string>();
  const qualify = (table: string): string => {
    const [db, name] = splitName(table, target.database);
    return `${quoteClickhouseIdent(db)}.${quoteClickhouseIdent(name)}`;
  };
  const readModifier = (table: string): string => (finals.has(splitName(table, target.database).join('.')) ? ' FINAL' : '');
  return createSqlStore({
    dialect: CLICKHOUSE_DIALECT,
    executor,
    displayUrl: redactUrl(url),
    qualify,
    readModifier,
    describe: (t, o) => describeClickhouse(executor, target, finals, t, o),
  });
}
