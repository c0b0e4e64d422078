// The storage contract, written from the collector's and verifier's point of view. Two drivers implement it
// (embedded chdb and a ClickHouse server) with the same SQL and schema; see create-storage.ts.

/** Named query parameters, bound server-side with ClickHouse's `{name:Type}` syntax (never interpolated). */
export type QueryParams = Readonly<Record<string, string | number | boolean | readonly (string | number)[]>>;

export interface StreamOptions {
  /** Cancels the query; the stream ends with an abort error and releases its resources. */
  readonly signal?: AbortSignal;
}

export interface InsertOptions {
  /** Idempotency key: an insert retried with the same token is stored once (ClickHouse insert deduplication). */
  readonly dedupToken?: string;
}

export type HealthResult = { readonly ok: true; readonly detail: string } | { readonly ok: false; readonly error: string };

export interface Storage {
  /** `embedded` (chdb in-process) or `server` (@clickhouse/client over HTTP). */
  readonly kind: 'embedded' | 'server';
  /** The ClickHouse database that holds syncwatch's tables. */
  readonly database: string;
  /** Runs a SELECT and returns every row; for bounded results only. */
  query<T>(sql: string, params?: QueryParams): Promise<T[]>;
  /** Runs a SELECT and yields rows as they arrive, in the query's order. */
  stream<T>(sql: string, params?: QueryParams, options?: StreamOptions): AsyncIterable<T>;
  /** Inserts rows (JSON objects keyed by column) into a table as one block. */
  insert(table: string, rows: readonly object[], options?: InsertOptions): Promise<void>;
  /** Runs a statement that returns no rows (DDL, ALTER, SET). */
  exec(sql: string, params?: QueryParams): Promise<void>;
  /** A cheap round trip proving the store answers. */
  check(): Promise<HealthResult>;
  /** Releases connections; the storage is unusable afterwards. */
  close(): Promise<void>;
}
