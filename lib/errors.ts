// The error catalogue: every failure a user can see has a code, an HTTP status and a retriability.
// Foreign errors (pg, mysql2, ClickHouse, ioredis, kafkajs) are translated into these at the edge.

export const ERROR_CATALOGUE = {
  SW_CONFIG_INVALID: { httpStatus: 500, retriable: false, summary: 'the configuration file or flags are invalid' },
  SW_USAGE: { httpStatus: 400, retriable: false, summary: 'a command-line flag or argument is wrong' },
  SW_AUTH_MISSING: { httpStatus: 401, retriable: false, summary: 'no bearer token was sent' },
  SW_AUTH_INVALID: { httpStatus: 401, retriable: false, summary: 'the bearer token is not known' },
  SW_AUTH_FORBIDDEN: { httpStatus: 403, retriable: false, summary: "the token's role may not use this endpoint" },
  SW_REQUEST_INVALID: { httpStatus: 400, retriable: false, summary: 'the request body or query does not match the schema' },
  SW_INGEST_BODY_TOO_LARGE: { httpStatus: 413, retriable: false, summary: 'the ingest body exceeds the size limit' },
  SW_INGEST_BUSY: { httpStatus: 429, retriable: true, summary: 'too much is queued for ClickHouse; retry after the Retry-After delay' },
  SW_RATE_LIMITED: { httpStatus: 429, retriable: true, summary: "the token's request rate limit is exceeded; retry after the Retry-After delay" },
  SW_UNSUPPORTED_MEDIA_TYPE: { httpStatus: 415, retriable: false, summary: 'the body is not JSON (optionally gzip-encoded)' },
  SW_NOT_FOUND: { httpStatus: 404, retriable: false, summary: 'no such route or resource' },
  SW_STORAGE_UNAVAILABLE: { httpStatus: 503, retriable: true, summary: 'ClickHouse could not be reached' },
  SW_STORAGE_QUERY_FAILED: { httpStatus: 500, retriable: false, summary: 'ClickHouse rejected a statement' },
  SW_COLLECTOR_UNAVAILABLE: { httpStatus: 503, retriable: true, summary: 'the collector could not be reached or refused the batch' },
  SW_PROBE_TARGET_DOWN: { httpStatus: 503, retriable: true, summary: 'a lag probe could not reach or measure any of its targets' },
  SW_STORE_UNREACHABLE: { httpStatus: 503, retriable: true, summary: 'a verified store (database) could not be reached' },
  SW_STORE_QUERY_FAILED: { httpStatus: 500, retriable: false, summary: 'a verified store rejected a statement' },
  SW_STORE_TABLE_NOT_FOUND: { httpStatus: 404, retriable: false, summary: 'the table to verify does not exist in a store' },
  SW_STORE_UNSUPPORTED_TYPE: { httpStatus: 422, retriable: false, summary: 'a column has an engine type the verifier cannot compare' },
  SW_STORE_VALUE_INVALID: { httpStatus: 422, retriable: false, summary: 'a stored value cannot be put in canonical form' },
  SW_VERIFY_SCHEMA_MISMATCH: { httpStatus: 422, retriable: false, summary: 'source and target tables cannot be compared (columns, types or key)' },
  SW_KAFKA_UNAVAILABLE: { httpStatus: 503, retriable: true, summary: 'Kafka did not take the batch (brokers unreachable or not acknowledging)' },
  SW_ALERT_NOT_ACTIVE: { httpStatus: 409, retriable: false, summary: 'the alert has resolved, so it can no longer be acknowledged' },
  SW_VERIFICATION_RUNNING: { httpStatus: 409, retriable: false, summary: 'a run of this verification pair is already going; runs of one pair never overlap' },
  SW_WEBHOOK_UNREACHABLE: { httpStatus: 502, retriable: true, summary: 'a webhook receiver could not be reached (refused, reset, timed out); the outbox retries' },
  SW_WEBHOOK_REJECTED: { httpStatus: 502, retriable: true, summary: 'a webhook receiver answered with a non-2xx status; the outbox retries' },
  SW_WEBHOOK_GAVE_UP: { httpStatus: 502, retriable: false, summary: "a notification was not delivered before its receiver's give-up time; it is recorded as failed" },
  SW_SERVICE_MISSING: { httpStatus: 500, retriable: false, summary: 'a service needed by a test or command is not running' },
  SW_INTERNAL: { httpStatus: 500, retriable: false, summary: 'an unexpected internal error' },
} as const satisfies Record<string, { httpStatus: number; retriable: boolean; summary: string }>;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export interface SyncwatchErrorOptions {
  /** The underlying error, kept for logs; never shown to API clients. */
  readonly cause?: unknown;
  /** Overrides the catalogue's retriability, e.g. for a storage error that is known to be transient. */
  readonly retriable?: boolean;
}

export class SyncwatchError extends Error {
  readonly code: ErrorCode;
  readonly httpStatus: number;
  readonly retriable: boolean;

  constructor(code: ErrorCode, message: string, options: SyncwatchErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SyncwatchError';
    this.code = code;
    this.httpStatus = ERROR_CATALOGUE[code].httpStatus;
    this.retriable = options.retriable ?? ERROR_CATALOGUE[code].retriable;
  }
}

export function isSyncwatchError(value: unknown): value is SyncwatchError {
  return value instanceof SyncwatchError;
}

/** A short human-readable description of anything thrown, for logs and one-line CLI messages. */
export function describeError(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
