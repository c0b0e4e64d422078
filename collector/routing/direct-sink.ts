// Direct route: accept = append to the local WAL (durable), then a single flusher coalesces queued batches into
// large ClickHouse inserts bounded by size and time. When too much is queued the sink says "busy" (HTTP 429)
// instead of growing memory.
import type { Logger } from 'pino';
import { backoffDelayMs } from '../../lib/retry.js';
import { SyncwatchError, describeError, isSyncwatchError } from '../../lib/errors.js';
import type { IngestBatch } from '../../lib/protocol/ingest-batch.js';
import { storeGroup } from '../../lib/storage/metric-points.js';
import type { HealthResult, Storage } from '../../lib/storage/storage.js';
import type { CollectorMetrics } from '../../lib/telemetry/metrics.js';
import type { AcceptResult, BatchSink } from './batch-sink.js';
import type { Quarantine } from './quarantine.js';
import { RecentIds } from './recent-ids.js';
import type { Wal, WalRecord } from './wal.js';

export interface DirectSinkOptions {
  readonly storage: Storage;
  readonly wal: Wal;
  readonly logger: Logger;
  readonly metrics: CollectorMetrics;
  /** Points per ClickHouse insert at most. @default 50000 */
  readonly maxGroupPoints?: number;
  /** A queued batch waits at most this long for company before it is written. @default 200 */
  readonly maxDelayMs?: number;
  /** Above this many queued points new batches get "busy". @default 500000 */
  readonly maxQueuedPoints?: number;
  /** Where a batch ClickHouse refuses for good is moved so that the batches behind it are not held forever. */
  readonly quarantine: Quarantine;
  /** Attempts of a permanent (non-retriable) insert error before the group is split, then the batch set aside. @default 3 */
  readonly permanentFailureAttempts?: number;
}

export class DirectSink implements BatchSink {
  readonly #o: Required<DirectSinkOptions>;
  readonly #queue: WalRecord[] = [];
  readonly #recent = new RecentIds(200_000);
  readonly #inflight = new Map<string, Promise<AcceptResult>>();
  #queuedPoints = 0;
  #wake: (() => void) | undefined;
  #closed = false;
  #lastError: string | undefined;
  #loop: Promise<void> | undefined;
  /** After a group failed permanently: how many batches at the head are still to be written one at a time. */
  #isolate = 0;

  constructor(options: DirectSinkOptions) {
    this.#o = Object.freeze({ maxGroupPoints: 50_000, maxDelayMs: 200, maxQueuedPoints: 500_000, permanentFailureAttempts: 3, ...options });
  }

  /** Replays the WAL left by an earlier process and starts the flusher. */
  start(): void {
    for (const record of this.#o.wal.replay()) this.#enqueue(record);
    if (this.#queue.length > 0) this.#o.logger.info({ batches: this.#queue.length, points: this.#queuedPoints }, 'replaying write-ahead log');
    this.#loop = this.#flushLoop();
  }

  get queuedPoints(): number {
    return this.#queuedPoints;
  }

  accept(batch: IngestBatch, receivedAt: number): Promise<AcceptResult> {
    const id = batch.batchId;
    const inflight = this.#inflight.get(id);
    // A retry racing its original gets the original's outcome, so it is never acked before the original is durable.
    if (inflight) return inflight.then((r) => (r.kind === 'accepted' ? { kind: 'duplicate' } : r));
    if (this.#recent.has(id)) return Promise.resolve({ kind: 'duplicate' });
    if (this.#closed) return Promise.reject(new SyncwatchError('SW_STORAGE_UNAVAILABLE', 'collector is shutting down; retry'));
    if (this.#queuedPoints >= this.#o.maxQueuedPoints) return Promise.resolve({ kind: 'busy', retryAfterSeconds: 2 });
    const done = this.#o.wal.append({ batch, receivedAt }).then(
      (segment): AcceptResult => {
        this.#recent.add(id);
        this.#enqueue({ batch, receivedAt, segment });
        return { kind: 'accepted' };
      },
      (err: unknown) => {
        throw new SyncwatchError('SW_STORAGE_UNAVAILABLE', `write-ahead log append failed: ${describeError(err)}`, { cause: err });
      },
    );
    this.#inflight.set(id, done);
    return done.finally(() => this.#inflight.delete(id));
  }

  check(): Promise<HealthResult> {
    if (this.#lastError !== undefined) return Promise.resolve({ ok: false, error: `ClickHouse writes failing: ${this.#lastError}` });
    return Promise.resolve({ ok: true, detail: `${this.#queuedPoints} points queued, WAL ${this.#o.wal.bytes} bytes` });
  }

  async close(): Promise<void> {
    this.#closed = true;
    this.#wake?.();
    await this.#loop;
    await this.#o.wal.close();
  }

  #enqueue(record: WalRecord): void {
    this.#queue.push(record);
    this.#queuedPoints += record.batch.points.length;
    this.#o.metrics.queuedPoints.set(this.#queuedPoints);
    // Wake an idle flusher on the first batch, a waiting one only once a full group is ready.
    if (this.#queue.length === 1 || this.#queuedPoints >= this.#o.maxGroupPoints) this.#wake?.();
  }

  async #flushLoop(): Promise<void> {
    let attempt = 0;
    let permanent = 0;
    while (!(this.#closed && (this.#queue.length === 0 || attempt > 0))) {
      // Idle: sleep until the first batch arrives. Then give it up to maxDelayMs for company, unless a full
      // group is already waiting or we are closing.
      if (this.#queue.length === 0) await this.#sleep(undefined);
      if (this.#queue.length === 0) continue;
      if (attempt === 0 && this.#isolate === 0 && this.#queuedPoints < this.#o.maxGroupPoints && !this.#closed) await this.#sleep(this.#o.maxDelayMs);
      const group = this.#isolate > 0 ? this.#queue.slice(0, 1) : this.#takeGroup();
      try {
        const stop = this.#o.metrics.insertSeconds.startTimer();
        const result = await storeGroup(this.#o.storage, group, 'direct');
        stop();
        this.#o.metrics.groupPoints.observe(result.stored);
        this.#o.metrics.duplicatePoints.inc(result.duplicates);
        this.#dequeue(group);
        attempt = 0;
        permanent = 0;
        this.#lastError = undefined;
      } catch (err) {
        // Nothing is dropped: the group stays at the head of the queue (and in the WAL) and is retried as is.
        this.#lastError = describeError(err);
        this.#o.metrics.insertFailures.inc();
        this.#o.logger.warn({ err: this.#lastError, attempt }, 'ClickHouse insert failed; will retry');
        if (this.#closed) break;
        // A statement ClickHouse refuses for good would hold every batch behind it: split the group to find the
        // batch that fails, then move that one batch aside (to disk, counted, re-sendable as it is).
        permanent = isSyncwatchError(err) && !err.retriable ? permanent + 1 : 0;
        if (permanent >= this.#o.permanentFailureAttempts) {
          permanent = 0;
          attempt = 0;
          if (group.length > 1) this.#isolate = group.length;
          else if (group[0] !== undefined) await this.#setAside(group[0], this.#lastError);
          continue;
        }
        await new Promise((r) => setTimeout(r, backoffDelayMs(attempt++, { initialMs: 200, maxMs: 10_000 })));
      }
    }
  }

  #dequeue(group: readonly WalRecord[]): void {
    this.#queue.splice(0, group.length);
    this.#queuedPoints -= group.reduce((n, r) => n + r.batch.points.length, 0);
    this.#isolate = Math.max(0, this.#isolate - group.length);
    this.#o.metrics.queuedPoints.set(this.#queuedPoints);
    for (const r of group) this.#o.wal.release(r.segment);
    this.#o.metrics.walBytes.set(this.#o.wal.bytes);
  }

  async #setAside(record: WalRecord, reason: string): Promise<void> {
    try {
      const path = await this.#o.quarantine.put(record, reason);
      this.#o.logger.error({ batchId: record.batch.batchId, agent: record.batch.agent, points: record.batch.points.length, path, err: reason }, 'ClickHouse refuses this batch for good; moved it aside');
    } catch (err) {
      // Could not write it aside either: keep it in the WAL and at the head of the queue, retried as before.
      this.#o.logger.error({ err: describeError(err), batchId: record.batch.batchId }, 'could not move a refused batch aside; keeping it queued');
      return;
    }
    this.#recent.delete(record.batch.batchId);
    this.#dequeue([record]);
    this.#o.metrics.quarantinedBatches.inc();
  }

  /** Waits `ms` (or until woken by a new batch/close when `ms` is undefined, or by a full group). */
  #sleep(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(resolve, ms);
      this.#wake = () => {
        clearTimeout(timer);
        this.#wake = undefined;
        resolve();
      };
    });
  }

  #takeGroup(): WalRecord[] {
    let points = 0;
    let n = 0;
    while (n < this.#queue.length) {
      const size = this.#queue[n]?.batch.points.length ?? 0;
      if (n > 0 && points + size > this.#o.maxGroupPoints) break;
      points += size;
      n += 1;
    }
    return this.#queue.slice(0, n);
  }
}
