// Jittered exponential backoff and the helpers around it (Retry-After, abortable sleep): used by the agent's shipper
// and probe runner, and by the collector's insert flusher, Kafka writer and webhook outbox.
import { setTimeout as delay } from 'node:timers/promises';

export interface BackoffOptions {
  /** Ceiling of the first delay, ms. */
  readonly initialMs: number;
  /** No delay exceeds this, ms. */
  readonly maxMs: number;
  /** Growth of the ceiling per attempt. @default 2 */
  readonly factor?: number;
}

/** The shipper's default: 0.5 s growing to a 30 s ceiling. */
export const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 500, maxMs: 30_000, factor: 2 };

/**
 * Delay before retry `attempt` (0-based). The ceiling grows exponentially up to `maxMs`; the delay is
 * half the ceiling plus a random share of the other half ("equal jitter"), so many agents that lost the
 * collector at the same moment spread out, while none of them retries immediately.
 */
export function backoffDelayMs(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const ceiling = Math.min(options.maxMs, options.initialMs * (options.factor ?? 2) ** Math.max(0, attempt));
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/** Retry-After as delay-seconds or an HTTP date, in ms from `nowMs`; undefined when absent or unparsable. */
export function parseRetryAfterMs(header: string | null | undefined, nowMs: number): number | undefined {
  if (header === null || header === undefined) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const at = Date.parse(text);
  if (Number.isNaN(at) || !/[a-z]/i.test(text)) return undefined;
  return Math.max(0, at - nowMs);
}

/** Sleeps `ms`; rejects with the signal's AbortError as soon as `signal` aborts. */
export async function sleep(ms: number, signal: AbortSignal): Promise<void> {
  await delay(ms, undefined, { signal });
}

/** `signal.aborted` behind a call: TypeScript keeps a narrowing of the property across awaits, wrongly. */
export function isAborted(signal: AbortSignal): boolean {
  return signal.aborted;
}
