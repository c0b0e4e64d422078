// Embedded driver: the real ClickHouse engine in-process (chdb), data in a local directory.
import { mkdirSync } from 'node:fs';
import { createClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { ClientStorage, COMMON_SETTINGS, type RawJsonInsert } from './client-storage.js';
import type { Storage } from './storage.js';
import { SyncwatchError, describeError } from '../errors.js';

type ChdbClientConnection = NonNullable<Parameters<typeof createClient>[0]>['connection'];

/**
 * Opens the embedded store in `dir`.
 * @experimental chdb's `connection` hook for @clickhouse/client is marked experimental by its authors; it is used
 * here only to share one client API with the server driver. If it breaks, only this file changes.
 * libchdb binds one data directory per process: a second call with another directory in the same process fails.
 */
export function createChdbStorage(dir: string, database: string): Storage {
  mkdirSync(dir, { recursive: true });
  let native: ReturnType<typeof createChdbConnection>;
  try {
    native = createChdbConnection({ path: dir });
  } catch (err) {
    // The usual cause is a second process on the same data dir: libchdb locks it.
    throw new SyncwatchError('SW_STORAGE_UNAVAILABLE', `cannot open embedded ClickHouse in ${dir} (is another syncwatch process using this data dir?): ${describeError(err).split('\n')[0] ?? ''}`, { cause: err, retriable: false });
  }
  // chdb declares the Connection interface from @clickhouse/client-common while @clickhouse/client bundles its own
  // copy of the same declarations; they are structurally one interface, but TypeScript sees two nominal settings
  // types. The cast is confined to this seam.
  const connection = native as unknown as ChdbClientConnection;
  const client = createClient({
    connection,
    clickhouse_settings: COMMON_SETTINGS,
  });
  // The client's insert path inlines the body into the SQL text; chdb's raw insert hands the bytes to its
  // multithreaded parser instead, about 3x faster for large inserts (bench/RESULTS.md, ingest).
  const rawInsert: RawJsonInsert = async (table, body, settings) => {
    await native.chdb.rawInsert({ table, values: body, format: 'JSONEachRow', settings: { ...COMMON_SETTINGS, ...settings } });
  };
  return new ClientStorage('embedded', database, client, rawInsert);
}
