// Storage URL → driver: absent or chdb://DIR → embedded chdb, http(s):// → ClickHouse server.
import { isAbsolute, join, resolve } from 'node:path';
import { SyncwatchError } from '../errors.js';
import { createChdbStorage } from './chdb-storage.js';
import { createServerStorage } from './server-storage.js';
import type { Storage } from './storage.js';

export interface StorageOptions {
  /** ClickHouse server URL; absent means embedded chdb under `dataDir`. */
  readonly clickhouseUrl?: string | undefined;
  /** syncwatch's data directory (embedded tables live in `<dataDir>/clickhouse`). */
  readonly dataDir: string;
  /** Database name for syncwatch's tables. @default 'syncwatch' */
  readonly database?: string | undefined;
}

export const DEFAULT_DATABASE = 'syncwatch';

export function createStorage(options: StorageOptions): Storage {
  const database = options.database ?? DEFAULT_DATABASE;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(database)) {
    throw new SyncwatchError('SW_CONFIG_INVALID', `storage.database: must be a plain identifier, got ${JSON.stringify(database)}`);
  }
  if (options.clickhouseUrl === undefined || options.clickhouseUrl === '') {
    return createChdbStorage(join(resolve(options.dataDir), 'clickhouse'), database);
  }
  let url: URL;
  try {
    url = new URL(options.clickhouseUrl);
  } catch {
    throw new SyncwatchError('SW_CONFIG_INVALID', 'clickhouse-url: must be a URL like http://host:8123 or chdb:///path/to/dir');
  }
  switch (url.protocol) {
    case 'chdb:': {
      const dir = decodeURIComponent(url.pathname);
      return createChdbStorage(isAbsolute(dir) ? dir : resolve(dir), database);
    }
    case 'http:':
    case 'https:':
      return createServerStorage(url, database);
    default:
      throw new SyncwatchError('SW_CONFIG_INVALID', `clickhouse-url: unsupported scheme ${url.protocol} (use http://, https:// or chdb://)`);
  }
}
