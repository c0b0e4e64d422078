// Translates pg / mysql2 / socket errors into SyncwatchError at the store boundary, keeping the cause.
import { SyncwatchError, describeError, isSyncwatchError } from '../../lib/errors.js';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'EHOSTUNREACH', 'EPIPE', 'PROTOCOL_CONNECTION_LOST']);

/** `codeOf` the foreign error's code (SQLSTATE, errno name) — undefined when it has none. */
function codeOf(err: unknown): string | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * Connection-level failures (refused, reset, unknown database, authentication) are SW_STORE_UNREACHABLE and
 * retriable; a statement the engine rejects is SW_STORE_QUERY_FAILED. `where` names the store (password redacted).
 */
export function translateSqlError(err: unknown, where: string, unreachableCodes: ReadonlySet<string>): SyncwatchError {
  if (isSyncwatchError(err)) return err;
  if (err instanceof Error && err.name === 'AbortError') return new SyncwatchError('SW_INTERNAL', `${where}: stopped`, { cause: err });
  const code = codeOf(err);
  const message = `${where}: ${describeError(err).split('\n')[0] ?? 'unknown error'}`;
  if (code !== undefined && (NETWORK_CODES.has(code) || unreachableCodes.has(code))) {
    return new SyncwatchError('SW_STORE_UNREACHABLE', message, { cause: err });
  }
  return new SyncwatchError('SW_STORE_QUERY_FAILED', message, { cause: err });
}
