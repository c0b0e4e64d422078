// @ts-check
// A sparkline's data: the largest value per fixed time bucket over a sliding window. Buckets start at multiples
// of the step since the epoch, as the server's (/api/v1/pipelines) do, so history and live points merge; taking
// the maximum makes merging idempotent — a refetch after a reconnect that overlaps live points changes nothing.

export class SparkBuffer {
  /** @type {number[]} bucket starts, ascending */
  times = [];
  /** @type {number[]} */
  values = [];
  #stepMs;
  #windowMs;

  /**
   * @param {number} stepMs bucket width
   * @param {number} windowMs how much history is kept
   */
  constructor(stepMs, windowMs) {
    this.#stepMs = stepMs;
    this.#windowMs = windowMs;
  }

  get stepMs() {
    return this.#stepMs;
  }

  /**
   * Folds one value into its bucket; returns true when the buffer changed.
   * @param {number} ts epoch ms
   * @param {number} value
   * @returns {boolean}
   */
  add(ts, value) {
    if (!Number.isFinite(value)) return false;
    const bucket = Math.floor(ts / this.#stepMs) * this.#stepMs;
    const n = this.times.length;
    const last = this.times[n - 1];
    if (last === undefined || bucket > last) {
      this.times.push(bucket);
      this.values.push(value);
      return true;
    }
    let i = n - 1;
    while (i >= 0 && (this.times[i] ?? 0) > bucket) i -= 1;
    if (i >= 0 && this.times[i] === bucket) {
      if ((this.values[i] ?? -Infinity) >= value) return false;
      this.values[i] = value;
      return true;
    }
    this.times.splice(i + 1, 0, bucket);
    this.values.splice(i + 1, 0, value);
    return true;
  }

  /**
   * Drops buckets that ended before the window ending at `now`.
   * @param {number} now
   */
  trim(now) {
    const cutoff = now - this.#windowMs - this.#stepMs;
    let n = 0;
    while (n < this.times.length && (this.times[n] ?? 0) < cutoff) n += 1;
    if (n > 0) {
      this.times.splice(0, n);
      this.values.splice(0, n);
    }
  }

  /** The newest bucket's value, or undefined. */
  get last() {
    return this.values[this.values.length - 1];
  }
}
