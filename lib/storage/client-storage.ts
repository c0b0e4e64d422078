// The one Storage implementation over a @clickhouse/client ClickHouseClient. Both drivers build a client
// (chdb's connection or HTTP) and hand it here, so SQL, settings and error translation live once.
import type { ClickHouseClient } from '@clickhouse/client';
import type { HealthResult, InsertOptions, QueryParams, Storage, StreamOptions } from './storage.js';
import { translateStorageError } from './storage-errors.js';

/** Settings applied to every statement so both drivers answer alike. */
export const COMMON_SETTINGS = {
  output_format_json_quote_64bit_integers: 0,
  date_time_input_format: 'best_effort',
  // Raw points are partitioned by day and an insert group may span the whole retention (up to 3650 days). Above the
  // default limit of 100, ClickHouse refuses the insert whole, and the flusher would retry that group forever.
  max_partitions_per_insert_block: '0',
} as const;

/** A driver's faster way to insert JSONEachRow bytes, when it has one (chdb's zero-copy raw insert). */
export type RawJsonInsert = (table: string, body: Buffer, settings: Readonly<Record<string, string>>) => Promise<void>;

export class ClientStorage implements Storage {
  readonly kind: 'embedded' | 'server';
  readonly database: string;
  readonly #client: ClickHouseClient;
  readonly #rawInsert: RawJsonInsert | undefined;

  constructor(kind: 'embedded' | 'server', database: string, client: ClickHouseClient, rawInsert?: RawJsonInsert) {
    this.kind = kind;
    this.database = database;
    this.#client = client;
    this.#rawInsert = rawInsert;
  }

  async query<T>(sql: string, params: QueryParams = {}): Promise<T[]> {
    try {
      const result = await this.#client.query({ query: sql, format: 'JSONEachRow', query_params: params });
      return await result.json<T>();
    } catch (err) {
      throw translateStorageError(err, sql);
    }
  }

  async *stream<T>(sql: string, params: QueryParams = {}, options: StreamOptions = {}): AsyncIterable<T> {
    let result;
    try {
      result = await this.#client.query({
        query: sql,
        format: 'JSONEachRow',
        query_params: params,
        ...(options.signal ? { abort_signal: options.signal } : {}),
      });
    } catch (err) {
      throw translateStorageError(err, sql);
    }
    const stream = result.stream<T>();
    try {
      for await (const rows of stream) {
        for (const row of rows) yield row.json();
      }
    } catch (err) {
      throw translateStorageError(err, sql);
    } finally {
      stream.destroy();
    }
  }

  async insert(table: string, rows: readonly object[], options: InsertOptions = {}): Promise<void> {
    if (rows.length === 0) return;
    try {
      if (this.#rawInsert !== undefined) {
        const body = Buffer.from(rows.map((r) => JSON.stringify(r)).join('\n'), 'utf8');
        await this.#rawInsert(table, body, options.dedupToken ? { insert_deduplication_token: options.dedupToken } : {});
        return;
      }
      await this.#client.insert({
        table,
        values: rows as object[],
        format: 'JSONEachRow',
        ...(options.dedupToken ? { clickhouse_settings: { insert_deduplication_token: options.dedupToken } } : {}),
      });
    } catch (err) {
      throw translateStorageError(err, `INSERT INTO ${table}`);
    }
  }

  async exec(sql: string, params: QueryParams = {}): Promise<void> {
    try {
      await this.#client.command({ query: sql, query_params: params });
    } catch (err) {
      throw translateStorageError(err, sql);
    }
  }

  async check(): Promise<HealthResult> {
    try {
      const rows = await this.query<{ v: string }>('SELECT version() AS v');
      return { ok: true, detail: `ClickHouse ${rows[0]?.v ?? 'unknown'} (${this.kind})` };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }

  async close(): Promise<void> {
    await this.#client.close();
  }
}
