// Store URL scheme → factory, one line per store kind. Each driver parses and validates its own URL.
import { SyncwatchError } from '../../lib/errors.js';
import type { Store, StoreFactory } from '../store.js';
import { createClickhouseStore } from './clickhouse-store.js';
import { createFilesStore } from './files-store.js';
import { createMysqlStore } from './mysql-store.js';
import { createPostgresStore } from './postgres-store.js';
import { redactUrl } from './redact-url.js';
import { createRedisStore } from './redis-store.js';

export const STORE_FACTORIES: Readonly<Record<string, StoreFactory>> = {
  'postgres:': (url) => createPostgresStore(url),
  'postgresql:': (url) => createPostgresStore(url),
  'mysql:': (url) => createMysqlStore(url),
  'mariadb:': (url) => createMysqlStore(url),
  'chdb:': (url) => createClickhouseStore(url),
  'clickhouse:': (url) => createClickhouseStore(url),
  'http:': (url) => createClickhouseStore(url),
  'https:': (url) => createClickhouseStore(url),
  'file:': (url) => createFilesStore(url),
  'redis:': (url) => createRedisStore(url),
  'rediss:': (url) => createRedisStore(url),
};

/** Opens the store for `url` (not yet connected); an unknown scheme is a usage error listing the known ones. */
export function openStore(url: string, flag = 'store URL'): Store {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new SyncwatchError('SW_USAGE', `${flag}: not a URL: ${redactUrl(url)}`);
  }
  const factory = STORE_FACTORIES[parsed.protocol];
  if (factory === undefined) {
    const known = Object.keys(STORE_FACTORIES).map((s) => `${s}//`).join(', ');
    throw new SyncwatchError('SW_USAGE', `${flag}: unsupported scheme ${parsed.protocol}// (supported: ${known})`);
  }
  return factory(parsed);
}
