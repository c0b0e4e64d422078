// Which store errors are worth retrying (the connection dropped, the engine gave up on the statement for reasons
// of the moment), and a retry loop with jittered exponential backoff around one unit of work.
import { isSyncwatchError } from '../../lib/errors.js';
import { backoffDelayMs, sleep } from '../../lib/retry.js';

const BACKOFF = { initialMs: 250, maxMs: 8_000 };
/** SQLSTATEs of a statement the engine gave up on for reasons of the moment (serialization, recovery conflict, shutdown). */
const TRANSIENT_SQLSTATES = new Set(['40001', '40P01', '57P01', '57P02', '57P03']);

export function isTransient(err: unknown): boolean {
  if (!isSyncwatchError(err)) return false;
  if (err.retriable) return true;
  const code = (err.cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && TRANSIENT_SQLSTATES.has(code);
}

export interface RetryOptions {
  readonly signal: AbortSignal;
  /** Retries after the first attempt. @default 5 */
  readonly retries?: number | undefined;
  /** Called before each wait (log it); `cleanup` work such as closing a broken snapshot belongs in `fn`'s catch. */
  readonly onRetry?: ((err: unknown, attempt: number, waitMs: number) => void | Promise<void>) | undefined;
}

/** Runs `fn`, retrying transient errors with backoff; anything else, or the last failure, is thrown. */
export async function retryTransient<T>(fn: () => Promise<T>, options: RetryOptions): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (options.signal.aborted || !isTransient(err) || attempt >= (options.retries ?? 5)) throw err;
      const wait = backoffDelayMs(attempt, BACKOFF);
      await options.onRetry?.(err, attempt + 1, wait);
      await sleep(wait, options.signal);
    }
  }
}
