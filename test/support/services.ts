// Finds the PostgreSQL, MariaDB and Redis services the integration tests use, and makes throwaway
// databases in them. A missing service fails fast with one line saying what is missing and how to start it.
import pg from 'pg';
import { createConnection, type RowDataPacket } from 'mysql2/promise';
import { SyncwatchError, describeError } from '../../lib/errors.js';
import { uniqueName } from './unique-name.js';
import { claimRedisDb, createRedisPrefix, withRedis, type TempRedisDb, type TempRedisPrefix } from './redis-temp.js';

export { createTestRedis, withRedis, type TempRedisDb, type TempRedisPrefix } from './redis-temp.js';

/** How long a finder waits for a service to answer before declaring it missing. */
export const CONNECT_TIMEOUT_MS = 3_000;

interface ServiceSpec {
  readonly label: string;
  readonly envVar: string;
  readonly defaultUrl: string;
  readonly startHint: string;
}

const PG: ServiceSpec = {
  label: 'PostgreSQL',
  envVar: 'SYNCWATCH_TEST_PG_URL',
  defaultUrl: 'postgres://postgres@127.0.0.1:5432/postgres',
  startHint: 'pg_ctlcluster 15 main start',
};
const MYSQL: ServiceSpec = {
  label: 'MariaDB',
  envVar: 'SYNCWATCH_TEST_MYSQL_URL',
  defaultUrl: 'mysql://root@127.0.0.1:3306/',
  startHint: 'service mariadb start',
};
const REDIS: ServiceSpec = {
  label: 'Redis',
  envVar: 'SYNCWATCH_TEST_REDIS_URL',
  defaultUrl: 'redis://127.0.0.1:6379/0',
  startHint: 'service redis-server start',
};

/** A reachable service: the URL it answered on and the version it reported. */
export interface FoundService {
  readonly url: string;
  readonly version: string;
}

/** A database created for one test run; `drop()` is idempotent. */
export interface TempDatabase {
  readonly url: string;
  readonly name: string;
  drop(): Promise<void>;
}

/** The PostgreSQL server URL tests use (`SYNCWATCH_TEST_PG_URL` or the local default). */
export function pgServerUrl(): string {
  return process.env[PG.envVar] ?? PG.defaultUrl;
}

/** The MariaDB/MySQL server URL tests use (`SYNCWATCH_TEST_MYSQL_URL` or the local default). */
export function mysqlServerUrl(): string {
  return process.env[MYSQL.envVar] ?? MYSQL.defaultUrl;
}

/** The Redis server URL tests use (`SYNCWATCH_TEST_REDIS_URL` or the local default). */
export function redisServerUrl(): string {
  return process.env[REDIS.envVar] ?? REDIS.defaultUrl;
}

/** `url` with its path replaced by `/name`, e.g. a database or a Redis db index. */
export function withPath(url: string, name: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${name}`;
  return parsed.toString();
}

/** Settles like `work`, or rejects after `ms` naming `what`, so that nothing waits forever on a silent port. */
export async function withDeadline<T>(work: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => { reject(new Error(`no answer from ${what} within ${ms} ms`)); }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function missing(spec: ServiceSpec, url: string, cause: unknown): SyncwatchError {
  const where = new URL(url).host;
  const reason = describeError(cause).split('\n')[0] ?? 'unknown error';
  return new SyncwatchError(
    'SW_SERVICE_MISSING',
    `${spec.label} not reachable at ${where} (${reason}) — start it with: ${spec.startHint} (or set ${spec.envVar})`,
    { cause },
  );
}

async function probe<T>(spec: ServiceSpec, url: string, work: () => Promise<T>): Promise<T> {
  try {
    return await withDeadline(work(), CONNECT_TIMEOUT_MS + 500, spec.label);
  } catch (err) {
    throw missing(spec, url, err);
  }
}

/** Runs `fn` on a fresh PostgreSQL connection to `url`, closing it afterwards. */
export async function withPgClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
  // An idle client can emit 'error' when the server goes away; the awaited calls report it instead.
  client.on('error', () => undefined);
  try {
    await client.connect();
    return await fn(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Resolves when PostgreSQL answers at `url`; otherwise rejects with a one-line "start it with" message. */
export function findPostgres(url = pgServerUrl()): Promise<FoundService> {
  return probe(PG, url, () => withPgClient(url, async (client) => {
    const result = await client.query<{ v: string }>("SELECT current_setting('server_version') AS v");
    return { url, version: result.rows[0]?.v ?? 'unknown' };
  }));
}

/** Resolves when MariaDB/MySQL answers at `url`; otherwise rejects with a one-line "start it with" message. */
export function findMysql(url = mysqlServerUrl()): Promise<FoundService> {
  return probe(MYSQL, url, async () => {
    const conn = await createConnection({ uri: url, connectTimeout: CONNECT_TIMEOUT_MS });
    try {
      const [rows] = await conn.query<({ v: string } & RowDataPacket)[]>('SELECT VERSION() AS v');
      return { url, version: rows[0]?.v ?? 'unknown' };
    } finally {
      await conn.end().catch(() => undefined);
    }
  });
}

/** Resolves when Redis answers at `url`; otherwise rejects with a one-line "start it with" message. */
export function findRedis(url = redisServerUrl()): Promise<FoundService> {
  return probe(REDIS, url, () => withRedis(url, async (client) => {
    const info = await client.info('server');
    return { url, version: /redis_version:(\S+)/.exec(info)?.[1] ?? 'unknown' };
  }));
}

/** Creates a uniquely named PostgreSQL database; `drop()` removes it even while sessions are open. */
export async function createTempPgDatabase(prefix = 'sw_test'): Promise<TempDatabase> {
  const server = (await findPostgres()).url;
  const name = uniqueName(prefix);
  await withPgClient(server, (client) => client.query(`CREATE DATABASE "${name}"`));
  return {
    url: withPath(server, name),
    name,
    drop: async () => {
      await withPgClient(server, (client) => client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`));
    },
  };
}

/** Creates a uniquely named MariaDB database (utf8mb4); `drop()` is idempotent. */
export async function createTempMysqlDatabase(prefix = 'sw_test'): Promise<TempDatabase> {
  const server = (await findMysql()).url;
  const name = uniqueName(prefix);
  const run = async (sql: string): Promise<void> => {
    const conn = await createConnection({ uri: server, connectTimeout: CONNECT_TIMEOUT_MS });
    try {
      await conn.query(sql);
    } finally {
      await conn.end().catch(() => undefined);
    }
  };
  await run(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  return { url: withPath(server, name), name, drop: () => run(`DROP DATABASE IF EXISTS \`${name}\``) };
}

/** Claims an empty db index on the test Redis (`redis://host:port/N`); `drop()` flushes it and frees the claim. */
export async function createTempRedisDb(): Promise<TempRedisDb> {
  return claimRedisDb((await findRedis()).url);
}

/** A unique key prefix on the test Redis; `drop()` deletes every key under it. */
export async function tempRedisPrefix(name?: string): Promise<TempRedisPrefix> {
  return createRedisPrefix((await findRedis()).url, name);
}
