// Throwaway Redis space for one test run on a shared server: either a claimed, empty db index or a key prefix.
// Claims are keys in db 0 with a TTL, so a crashed run's claim expires instead of leaking an index forever.
import { Redis } from 'ioredis';
import { uniqueName } from './unique-name.js';

const CONNECT_TIMEOUT_MS = 3_000;
const CLAIM_TTL_MS = 2 * 60 * 60 * 1000;
const DEFAULT_DB_COUNT = 16;

/** A Redis db index that this run owns until `drop()` flushes it and releases the claim. */
export interface TempRedisDb {
  /** `redis://host:port/N` pointing at the claimed index. */
  readonly url: string;
  readonly index: number;
  drop(): Promise<void>;
}

/** A key prefix unique to this run; `drop()` deletes every key under it. */
export interface TempRedisPrefix {
  /** The server URL the prefix lives on (its db index is the server URL's). */
  readonly url: string;
  /** Ends with `:`; contains only `[a-z0-9_:]`, so it is safe in a SCAN pattern. */
  readonly prefix: string;
  drop(): Promise<void>;
}

/** A Redis client that fails instead of retrying or queueing, for short-lived test use; call `connect()`. */
export function createTestRedis(url: string): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
  });
  // Without a listener ioredis prints "Unhandled error event"; the awaited commands report failures.
  client.on('error', () => undefined);
  return client;
}

/** Runs `fn` on a fresh connection to `url`, disconnecting afterwards. */
export async function withRedis<T>(url: string, fn: (client: Redis) => Promise<T>): Promise<T> {
  const client = createTestRedis(url);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    client.disconnect();
  }
}

function dbUrl(serverUrl: string, index: number): string {
  const parsed = new URL(serverUrl);
  parsed.pathname = `/${index}`;
  return parsed.toString();
}

function claimKey(index: number): string {
  return `syncwatch:test:db-claim:${index}`;
}

async function databaseCount(client: Redis): Promise<number> {
  try {
    const reply = (await client.config('GET', 'databases')) as unknown;
    const count = Array.isArray(reply) ? Number(reply[1]) : NaN;
    return Number.isInteger(count) && count > 1 ? count : DEFAULT_DB_COUNT;
  } catch {
    return DEFAULT_DB_COUNT; // CONFIG may be renamed away on managed servers
  }
}

/**
 * Claims an empty db index (highest first, never 0) on the server at `serverUrl`.
 * Indices holding keys are skipped even when unclaimed: they may be someone else's data.
 */
export function claimRedisDb(serverUrl: string): Promise<TempRedisDb> {
  return withRedis(dbUrl(serverUrl, 0), async (admin) => {
    const token = uniqueName('claim');
    for (let index = (await databaseCount(admin)) - 1; index >= 1; index -= 1) {
      if ((await admin.set(claimKey(index), token, 'PX', CLAIM_TTL_MS, 'NX')) !== 'OK') continue;
      const size = await withRedis(dbUrl(serverUrl, index), (db) => db.dbsize());
      if (size === 0) return claimed(serverUrl, index, token);
      await admin.del(claimKey(index));
    }
    throw new Error(`no empty, unclaimed Redis db index on ${new URL(serverUrl).host}; use tempRedisPrefix() instead`);
  });
}

function claimed(serverUrl: string, index: number, token: string): TempRedisDb {
  return {
    url: dbUrl(serverUrl, index),
    index,
    drop: () => withRedis(dbUrl(serverUrl, 0), async (admin) => {
      // Only flush while the claim is still ours: after its TTL another run may own the index.
      if ((await admin.get(claimKey(index))) !== token) return;
      await withRedis(dbUrl(serverUrl, index), (db) => db.flushdb());
      await admin.del(claimKey(index));
    }),
  };
}

/** A fresh key prefix on the server at `serverUrl`; nothing is written until the caller writes. */
export function createRedisPrefix(serverUrl: string, name = 'sw_test'): TempRedisPrefix {
  const prefix = `${uniqueName(name)}:`;
  return {
    url: serverUrl,
    prefix,
    drop: () => withRedis(serverUrl, async (client) => {
      let cursor = '0';
      do {
        const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
        if (keys.length > 0) await client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }),
  };
}
