// One SQL connection per probe endpoint (PostgreSQL via pg, MySQL/MariaDB via mysql2): connected lazily,
// bounded by timeouts, dropped and re-made after a connection-level failure, cut when the caller aborts.
// Each driver library is imported on first connect, so an agent loads only the ones its probes use.
import type { Connection as MysqlConnection } from 'mysql2/promise';
import type pg from 'pg';
import { SyncwatchError } from '../../../lib/errors.js';
import { abortable, withDeadline } from './abortable.js';
import { redactUrl } from './redact.js';

export type SqlEngine = 'postgres' | 'mysql';
export type SqlRow = Readonly<Record<string, unknown>>;

/** A single connection to one database, from the probe's point of view. */
export interface SqlSession {
  readonly engine: SqlEngine;
  /** Runs one statement (placeholders in the engine's own style: `$1` or `?`) and returns its rows. */
  query(sql: string, params?: readonly unknown[], signal?: AbortSignal): Promise<SqlRow[]>;
  /** Closes the connection if one is open; the session reconnects if used again. Never throws. */
  close(): Promise<void>;
}

/** The smallest shape of a driver connection this file uses. */
interface RawConnection {
  run(sql: string, params: readonly unknown[]): Promise<SqlRow[]>;
  /** Ends the connection at once, without waiting for the server. */
  destroy(): void;
  end(): Promise<void>;
}

interface Driver {
  readonly engine: SqlEngine;
  connect(url: string, timeoutMs: number, applicationName: string): Promise<RawConnection>;
  /** True when the error leaves the connection usable (the server rejected one statement). */
  isStatementError(err: unknown): boolean;
}

let pgLoaded: typeof pg | undefined;

const POSTGRES: Driver = {
  engine: 'postgres',
  async connect(url, timeoutMs, applicationName) {
    pgLoaded ??= (await import('pg')).default;
    const client = new pgLoaded.Client({
      connectionString: url,
      connectionTimeoutMillis: timeoutMs,
      statement_timeout: timeoutMs,
      // The client-side bound catches a server that stopped answering altogether (no RST, no reply).
      query_timeout: timeoutMs + 500,
      application_name: applicationName,
    });
    client.on('error', () => undefined); // an idle connection's failure surfaces on its next query
    await client.connect();
    return {
      run: async (sql, params) => (await client.query(sql, [...params])).rows as SqlRow[],
      destroy: () => { void client.end().catch(() => undefined); },
      end: () => client.end().catch(() => undefined),
    };
  },
  // Class 08 (connection exception) and 57 (operator intervention, e.g. a shutdown) end the session.
  isStatementError: (err) => pgLoaded !== undefined && err instanceof pgLoaded.DatabaseError && !/^(08|57P)/.test(err.code ?? ''),
};

const MYSQL: Driver = {
  engine: 'mysql',
  async connect(url, timeoutMs) {
    const parsed = new URL(url);
    parsed.protocol = 'mysql:'; // mysql2 knows only this scheme; mariadb:// means the same here
    const { createConnection } = await import('mysql2/promise');
    const conn: MysqlConnection = await createConnection({ uri: parsed.toString(), connectTimeout: timeoutMs, supportBigNumbers: true });
    conn.on('error', () => undefined);
    return {
      run: async (sql, params) => {
        const [rows] = await conn.query({ sql, values: [...params], timeout: timeoutMs });
        return Array.isArray(rows) ? (rows as SqlRow[]) : [];
      },
      destroy: () => { conn.destroy(); },
      end: () => conn.end().catch(() => undefined),
    };
  },
  isStatementError: (err) => isRecord(err) && typeof err['errno'] === 'number' && err['fatal'] !== true,
};

/** URL scheme → driver, one line each. */
const DRIVERS: Readonly<Record<string, Driver>> = {
  'postgres:': POSTGRES,
  'postgresql:': POSTGRES,
  'mysql:': MYSQL,
  'mariadb:': MYSQL,
};

/** The schemes `openSqlSession` accepts, for config messages. */
export const SQL_URL_SCHEMES = Object.keys(DRIVERS).map((s) => s.slice(0, -1));

/** A config-schema pattern for a URL any of the SQL drivers accepts. */
export const SQL_URL_PATTERN = `^(${SQL_URL_SCHEMES.join('|')})://`;

/** The engine a URL names; throws SW_CONFIG_INVALID (password redacted) for anything else. */
export function sqlEngineOf(url: string): SqlEngine {
  return driverFor(url).engine;
}

/** A session for `url`; nothing connects until the first query. */
export function openSqlSession(url: string, options: { readonly timeoutMs: number; readonly applicationName?: string }): SqlSession {
  return new LazySqlSession(driverFor(url), url, options.timeoutMs, options.applicationName ?? 'syncwatch-agent');
}

function driverFor(url: string): Driver {
  let scheme: string;
  try {
    scheme = new URL(url).protocol;
  } catch {
    throw new SyncwatchError('SW_CONFIG_INVALID', `not a URL: ${redactUrl(url)}`);
  }
  const driver = DRIVERS[scheme];
  if (driver === undefined) throw new SyncwatchError('SW_CONFIG_INVALID', `${redactUrl(url)}: expected one of ${SQL_URL_SCHEMES.map((s) => `${s}://`).join(', ')}`);
  return driver;
}

class LazySqlSession implements SqlSession {
  readonly engine: SqlEngine;
  readonly #driver: Driver;
  readonly #url: string;
  readonly #timeoutMs: number;
  readonly #applicationName: string;
  #connection: Promise<RawConnection> | undefined;

  constructor(driver: Driver, url: string, timeoutMs: number, applicationName: string) {
    this.engine = driver.engine;
    this.#driver = driver;
    this.#url = url;
    this.#timeoutMs = timeoutMs;
    this.#applicationName = applicationName;
  }

  async query(sql: string, params: readonly unknown[] = [], signal?: AbortSignal): Promise<SqlRow[]> {
    signal?.throwIfAborted();
    const connecting = (this.#connection ??= this.#driver.connect(this.#url, this.#timeoutMs, this.#applicationName));
    // A backstop over connect + statement in case a driver's own timeouts miss a case (a server that
    // accepts connections but never answers); the drivers' timeouts normally fire first.
    const deadline = withDeadline(2 * this.#timeoutMs + 1_000, signal);
    let connection: RawConnection;
    try {
      connection = await abortable(connecting, deadline);
    } catch (err) {
      this.#drop(connecting); // a failed connect is never reused, whatever the reason
      throw err;
    }
    try {
      return await abortable(connection.run(sql, params), deadline);
    } catch (err) {
      // A statement the server rejected leaves the connection fine; anything else (timeout, reset, abort
      // mid-statement) leaves it in an unknown state, so it is thrown away and the next query reconnects.
      if (!this.#driver.isStatementError(err)) this.#drop(connecting);
      throw err;
    }
  }

  async close(): Promise<void> {
    const connecting = this.#connection;
    this.#connection = undefined;
    if (connecting === undefined) return;
    try {
      await (await connecting).end();
    } catch {
      // it never connected: nothing to close
    }
  }

  #drop(connecting: Promise<RawConnection>): void {
    if (this.#connection === connecting) this.#connection = undefined;
    connecting.then((c) => { c.destroy(); }, () => undefined);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

