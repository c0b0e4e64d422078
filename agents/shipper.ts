// The shipper: takes sealed spool segments oldest first, POSTs each as one gzip batch, and deletes the
// segment only after a 2xx. Outages are retried with jittered backoff (the same batch id each time, so
// the collector stores a batch once); a batch the collector refuses for good is quarantined and counted.
import { promisify } from 'node:util';
import { gzip as gzipCallback } from 'node:zlib';
import { SYSTEM_CLOCK, type Clock } from '../lib/clock.js';
import { describeError } from '../lib/errors.js';
import type { Logger } from '../lib/log.js';
import type { IngestBatch } from '../lib/protocol/ingest-batch.js';
import { backoffDelayMs, DEFAULT_BACKOFF, isAborted, parseRetryAfterMs, sleep, type BackoffOptions } from '../lib/retry.js';
import { post } from './http-post.js';
import type { Spool, SpoolBatch } from './spool.js';

const gzip = promisify(gzipCallback);

/** Path of the collector's ingest route, relative to the collector base URL. */
export const INGEST_PATH = '/api/v1/ingest';

export interface ShipperOptions {
  readonly spool: Spool;
  /** Base URL of the collector, e.g. `http://127.0.0.1:8080`. */
  readonly collectorUrl: string;
  /** Bearer token of role `agent`. */
  readonly token: string;
  readonly agentName: string;
  readonly logger: Logger;
  /** Per request, including reading the response. @default 10000 */
  readonly requestTimeoutMs?: number;
  readonly backoff?: BackoffOptions;
  /** A Retry-After longer than this is cut to it, so a misconfigured proxy cannot park the agent for hours. @default 300000 */
  readonly maxRetryAfterMs?: number;
  readonly clock?: Clock;
  readonly random?: () => number;
}

/** What one delivery attempt came to. */
export type SendOutcome =
  | { readonly kind: 'acked' }
  | { readonly kind: 'retry'; readonly reason: string; readonly retryAfterMs?: number }
  | { readonly kind: 'rejected'; readonly status: number; readonly reason: string };

export interface ShipperStats {
  readonly batchesSent: number;
  readonly pointsSent: number;
  /** Attempts that failed and will be retried (outages, timeouts, 429/5xx, auth problems). */
  readonly sendFailures: number;
  readonly batchesRejected: number;
  readonly consecutiveFailures: number;
  readonly lastError: string | undefined;
}

export interface Shipper {
  /** Ships until `signal` aborts; an in-flight batch is then given back to the spool unacknowledged. */
  run(signal: AbortSignal): Promise<void>;
  stats(): ShipperStats;
}

/**
 * Sorts a response into an outcome. 401/403/404 are retried, not rejected: they mean a wrong token or
 * URL, which an operator fixes, and throwing the data away meanwhile would be the wrong answer.
 */
export function classifyResponse(status: number, retryAfter: string | null, body: string, nowMs: number): SendOutcome {
  if (status >= 200 && status < 300) return { kind: 'acked' };
  const reason = `HTTP ${status}${body === '' ? '' : `: ${body.slice(0, 300)}`}`;
  const retryAfterMs = parseRetryAfterMs(retryAfter, nowMs);
  const retriable = status < 400 || status >= 500 || [401, 403, 404, 408, 425, 429].includes(status);
  if (retriable) return retryAfterMs === undefined ? { kind: 'retry', reason } : { kind: 'retry', reason, retryAfterMs };
  return { kind: 'rejected', status, reason };
}

/** Builds a shipper; it does nothing until run(). */
export function createShipper(options: ShipperOptions): Shipper {
  return new HttpShipper(options);
}

class HttpShipper implements Shipper {
  readonly #o: ShipperOptions;
  readonly #url: URL;
  #stats = { batchesSent: 0, pointsSent: 0, sendFailures: 0, batchesRejected: 0, consecutiveFailures: 0 };
  #lastError: string | undefined;

  constructor(options: ShipperOptions) {
    this.#o = Object.freeze({ ...options });
    // Resolved relative to the base so that a collector behind a path prefix (https://host/syncwatch/) works.
    const base = options.collectorUrl.endsWith('/') ? options.collectorUrl : `${options.collectorUrl}/`;
    this.#url = new URL(INGEST_PATH.slice(1), base);
  }

  async run(signal: AbortSignal): Promise<void> {
    for (let failures = 0; !isAborted(signal); ) {
      let batch: SpoolBatch | undefined;
      try {
        batch = await this.#o.spool.nextBatch(signal);
        await this.#deliver(batch, signal);
        failures = 0;
      } catch (err) {
        if (batch !== undefined) this.#o.spool.release(batch);
        if (isAborted(signal)) return;
        // The spool's disk failed under us (ack, reject or read); the segment stays queued and is offered again.
        this.#o.logger.error({ err: describeError(err) }, 'spool operation failed while shipping; will retry');
        await sleep(backoffDelayMs(failures++, this.#o.backoff ?? DEFAULT_BACKOFF, this.#o.random), signal).catch(() => undefined);
      }
    }
  }

  stats(): ShipperStats {
    return { ...this.#stats, lastError: this.#lastError };
  }

  /** Sends one batch until it is acknowledged, rejected, or the shipper stops. */
  async #deliver(batch: SpoolBatch, signal: AbortSignal): Promise<void> {
    const log = this.#o.logger;
    for (let attempt = 0; ; attempt++) {
      const outcome = await this.#send(batch, signal);
      if (signal.aborted) {
        this.#o.spool.release(batch); // stored or not, the next start resends it under the same batch id
        return;
      }
      switch (outcome.kind) {
        case 'acked':
          await this.#o.spool.ack(batch);
          this.#stats = { ...this.#stats, batchesSent: this.#stats.batchesSent + 1, pointsSent: this.#stats.pointsSent + batch.points.length, consecutiveFailures: 0 };
          log.debug({ batchId: batch.batchId, points: batch.points.length, attempts: attempt + 1 }, 'batch acknowledged');
          return;
        case 'rejected':
          await this.#o.spool.reject(batch, outcome.reason);
          this.#stats = { ...this.#stats, batchesRejected: this.#stats.batchesRejected + 1 };
          log.error({ event: 'BatchRejected', batchId: batch.batchId, points: batch.points.length, status: outcome.status, reason: outcome.reason }, 'collector rejected a batch; moved to rejected/');
          return;
        case 'retry': {
          this.#lastError = outcome.reason;
          this.#stats = { ...this.#stats, sendFailures: this.#stats.sendFailures + 1, consecutiveFailures: this.#stats.consecutiveFailures + 1 };
          const backoff = backoffDelayMs(attempt, this.#o.backoff ?? DEFAULT_BACKOFF, this.#o.random);
          const waitMs = Math.max(backoff, Math.min(outcome.retryAfterMs ?? 0, this.#o.maxRetryAfterMs ?? 300_000));
          // One warning when trouble starts and one per ten retries after, not a line per attempt.
          const level = attempt % 10 === 0 ? 'warn' : 'debug';
          log[level]({ batchId: batch.batchId, attempt: attempt + 1, waitMs, reason: outcome.reason }, 'batch not delivered; will retry');
          try {
            await sleep(waitMs, signal);
          } catch {
            this.#o.spool.release(batch);
            return;
          }
        }
      }
    }
  }

  async #send(batch: SpoolBatch, signal: AbortSignal): Promise<SendOutcome> {
    const clock = this.#o.clock ?? SYSTEM_CLOCK;
    const body: IngestBatch = { agent: this.#o.agentName, batchId: batch.batchId, sentAt: clock.now(), points: [...batch.points] };
    const compressed = await gzip(JSON.stringify(body));
    const timeout = AbortSignal.timeout(this.#o.requestTimeoutMs ?? 10_000);
    try {
      const response = await post(
        this.#url,
        { authorization: `Bearer ${this.#o.token}`, 'content-type': 'application/json', 'content-encoding': 'gzip' },
        compressed,
        AbortSignal.any([signal, timeout]),
      );
      return classifyResponse(response.status, response.retryAfter, response.body, clock.now());
    } catch (err) {
      return { kind: 'retry', reason: timeout.aborted ? 'request timed out' : networkFailureReason(err) };
    }
  }
}

/** A short reason for a failed request: the system error code when there is one (ECONNREFUSED, ECONNRESET). */
function networkFailureReason(err: unknown): string {
  const code = (err as { code?: unknown } | undefined)?.code;
  if (typeof code === 'string') return `network error ${code}`;
  return `network error: ${describeError(err)}`;
}
