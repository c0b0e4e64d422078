// Translates @clickhouse/client and chdb errors into SyncwatchError at the storage boundary.
import { SyncwatchError } from '../errors.js';

/** Node network error codes that mean "the server was not reachable just now". */
const TRANSIENT_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'UND_ERR_SOCKET']);

/** ClickHouse error type names that are worth retrying (overload, timeouts, replicas catching up). */
const TRANSIENT_TYPES = new Set(['TIMEOUT_EXCEEDED', 'TOO_MANY_SIMULTANEOUS_QUERIES', 'TOO_MANY_PARTS', 'NETWORK_ERROR', 'SOCKET_TIMEOUT']);

function fieldOf(err: unknown, name: string): unknown {
  return typeof err === 'object' && err !== null ? (err as Record<string, unknown>)[name] : undefined;
}

export function translateStorageError(err: unknown, statement: string): SyncwatchError {
  if (err instanceof SyncwatchError) return err;
  const message = err instanceof Error ? err.message : String(err);
  const nodeCode = fieldOf(err, 'code');
  const type = fieldOf(err, 'type');
  const head = statement.replace(/\s+/g, ' ').trim().slice(0, 80);
  if (typeof nodeCode === 'string' && TRANSIENT_CODES.has(nodeCode)) {
    return new SyncwatchError('SW_STORAGE_UNAVAILABLE', `ClickHouse unreachable (${nodeCode}) during: ${head}`, { cause: err });
  }
  const retriable = typeof type === 'string' && TRANSIENT_TYPES.has(type);
  const firstLine = message.split('\n')[0] ?? message;
  return new SyncwatchError('SW_STORAGE_QUERY_FAILED', `ClickHouse error${typeof type === 'string' ? ` ${type}` : ''}: ${firstLine} (statement: ${head})`, {
    cause: err,
    retriable,
  });
}
