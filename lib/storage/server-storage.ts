// Server driver: @clickhouse/client over HTTP(S) to a ClickHouse server or cluster.
import { createClient } from '@clickhouse/client';
import { ClientStorage, COMMON_SETTINGS } from './client-storage.js';
import type { Storage } from './storage.js';

/** `url` is http(s)://[user[:password]@]host:port; credentials in the URL are used, never logged. */
export function createServerStorage(url: URL, database: string): Storage {
  const base = new URL(url.href);
  const username = decodeURIComponent(base.username) || 'default';
  const password = decodeURIComponent(base.password);
  base.username = '';
  base.password = '';
  const client = createClient({
    url: base.origin,
    username,
    password,
    clickhouse_settings: COMMON_SETTINGS,
    request_timeout: 30_000,
  });
  return new ClientStorage('server', database, client);
}
