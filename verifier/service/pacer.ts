// Keeps a run from hurting the databases it reads: at most `rowsPerSecond` rows per side (each side has its own
// pacer), and no reading at all while the pipeline's measured lag exceeds `maxReplicaLagSeconds`.
import { sleep } from '../../lib/retry.js';

export interface PacerOptions {
  readonly rowsPerSecond?: number | undefined;
  readonly maxReplicaLagSeconds?: number | undefined;
  /** The pipeline's current lag, seconds (undefined when unknown: no pause). */
  readonly lag?: (() => Promise<number | undefined>) | undefined;
  readonly signal?: AbortSignal | undefined;
  /** Reports each lag sample (for the run's lag statistics). */
  readonly onLag?: ((seconds: number | undefined) => void) | undefined;
  /** Called once per pause with the lag that caused it. */
  readonly onPause?: ((seconds: number) => void) | undefined;
}

/** Lag is re-read at most this often. */
const LAG_POLL_MS = 1_000;

export class Pacer {
  readonly #o: PacerOptions;
  readonly #signal: AbortSignal;
  /** Epoch ms when the rows read so far are paid for at the configured rate. */
  #paidUntil = 0;
  #lagCheckedAt = 0;
  /** Total time spent waiting, ms (for the run's log line). */
  waitedMs = 0;

  constructor(options: PacerOptions) {
    this.#o = options;
    this.#signal = options.signal ?? new AbortController().signal;
  }

  /** Call before reading: waits while replica lag is above the threshold. */
  async gate(): Promise<void> {
    const max = this.#o.maxReplicaLagSeconds;
    const lag = this.#o.lag;
    if (lag === undefined) return;
    if (Date.now() - this.#lagCheckedAt < LAG_POLL_MS) return;
    for (;;) {
      this.#lagCheckedAt = Date.now();
      const seconds = await lag();
      this.#o.onLag?.(seconds);
      if (max === undefined || seconds === undefined || seconds <= max) return;
      this.#o.onPause?.(seconds);
      await this.#wait(LAG_POLL_MS);
    }
  }

  /** Call after reading `rows` rows: waits until they are paid for at the configured rate. */
  async took(rows: number): Promise<void> {
    const rate = this.#o.rowsPerSecond;
    if (rate === undefined || rows <= 0) return;
    const now = Date.now();
    this.#paidUntil = Math.max(this.#paidUntil, now) + (rows / rate) * 1000;
    const ahead = this.#paidUntil - now;
    if (ahead > 1) await this.#wait(ahead);
  }

  async #wait(ms: number): Promise<void> {
    const started = Date.now();
    await sleep(ms, this.#signal);
    this.waitedMs += Date.now() - started;
  }
}
