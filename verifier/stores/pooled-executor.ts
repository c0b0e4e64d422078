// A SqlExecutor over a driver's connection pool: one pooled connection per statement, errors translated at the
// store boundary, and an abort that stops the statement in the server. Engines differ only in the calls below.
import type { CallOptions, StoreHealth } from '../store.js';
import { translateSqlError } from './sql-errors.js';
import type { SqlExecutor } from './sql-store.js';

/** How one engine borrows a connection, runs a statement on it and stops it from elsewhere. */
export interface PooledEngine<C> {
  /** The store as errors name it (password redacted). */
  readonly where: string;
  /** Driver error codes that mean "cannot reach or log in" (SW_STORE_UNREACHABLE) rather than a failed statement. */
  readonly unreachable: ReadonlySet<string>;
  /** A statement whose one row's `v` is the server version, and the product name the health detail gives it. */
  readonly versionSql: string;
  readonly product: string;
  acquire(): Promise<C>;
  run(conn: C, sql: string, params: unknown[]): Promise<Record<string, unknown>[]>;
  /** Stops the statement running on `conn` from another connection; best effort, never throws. */
  cancel(conn: C): void;
  release(conn: C): void;
  end(): Promise<void>;
}

export function createPooledExecutor<C>(engine: PooledEngine<C>): SqlExecutor {
  const query = async (sql: string, params: readonly unknown[], options: CallOptions = {}): Promise<Record<string, unknown>[]> => {
    options.signal?.throwIfAborted();
    let conn: C | undefined;
    // A stopped run cancels its statement in the server rather than leaving it to finish unseen.
    const cancel = (): void => {
      if (conn !== undefined) engine.cancel(conn);
    };
    try {
      conn = await engine.acquire();
      options.signal?.addEventListener('abort', cancel, { once: true });
      return await engine.run(conn, sql, [...params]);
    } catch (err) {
      throw translateSqlError(err, engine.where, engine.unreachable);
    } finally {
      options.signal?.removeEventListener('abort', cancel);
      if (conn !== undefined) engine.release(conn);
    }
  };
  let closed = false;
  return {
    query,
    async check(): Promise<StoreHealth> {
      try {
        const rows = await query(engine.versionSql, []);
        return { ok: true, detail: `${engine.product} ${String(rows[0]?.['v'])}` };
      } catch (err) {
        return { ok: false, error: err instanceof Error ? err.message : String(err) };
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await engine.end();
    },
  };
}
