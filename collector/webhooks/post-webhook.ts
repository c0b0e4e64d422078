// One HTTP attempt of one delivery: POST the stored body with its idempotency key and a fresh signature.
import { parseRetryAfterMs } from '../../lib/retry.js';
import type { AttemptResult, Delivery } from './delivery.js';
import type { Receiver } from './receivers.js';
import { IDEMPOTENCY_HEADER, SIGNATURE_HEADER, signatureHeader } from './signature.js';

/** The error text of a failed fetch: the system error code when there is one (ECONNREFUSED), never the URL. */
function describeFetchError(err: unknown): string {
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  // e.g. undici's "bad port" for ports fetch refuses to use; short texts only, never a URL.
  if (typeof cause?.message === 'string' && !cause.message.includes('://')) return cause.message.slice(0, 200);
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
  return err instanceof Error ? err.name : 'error';
}

/** Sends one attempt; a 2xx answer is the receiver's acknowledgement, anything else is retried by the outbox. */
export async function postWebhook(receiver: Receiver, d: Pick<Delivery, 'id' | 'body' | 'attempts'>, nowMs: number): Promise<AttemptResult> {
  const headers: Record<string, string> = {
    'content-type': 'application/json',
    'user-agent': 'syncwatch-webhook/1',
    [IDEMPOTENCY_HEADER]: d.id,
    'x-syncwatch-attempt': String(d.attempts + 1),
  };
  if (receiver.secret !== undefined) headers[SIGNATURE_HEADER] = signatureHeader(receiver.secret, nowMs, d.body);
  let res: Response;
  try {
    res = await fetch(receiver.url, { method: 'POST', headers, body: d.body, signal: AbortSignal.timeout(receiver.timeoutMs), redirect: 'error' });
  } catch (err) {
    return { kind: 'failed', httpStatus: 0, error: `SW_WEBHOOK_UNREACHABLE: ${describeFetchError(err)}`, retryAfterMs: undefined };
  }
  // The body is not needed; reading it to the end lets the connection be reused.
  await res.arrayBuffer().catch(() => undefined);
  if (res.status >= 200 && res.status < 300) return { kind: 'delivered', httpStatus: res.status };
  return { kind: 'failed', httpStatus: res.status, error: `SW_WEBHOOK_REJECTED: HTTP ${res.status}`, retryAfterMs: parseRetryAfterMs(res.headers.get('retry-after'), nowMs) };
}
