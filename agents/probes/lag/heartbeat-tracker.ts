// Heartbeat bookkeeping, pure: which beats this probe wrote and when, and from the newest beat visible on
// the target, the lag. Used by the generic heartbeat probe, the MySQL heartbeat and the file-tree probe.
//
//   written:  seq 41 @t41   seq 42 @t42   seq 43 @t43   (now)
//   target sees seq 41  →  lag = now − t42   (the oldest beat it is missing was written at t42)
//   target sees seq 43  →  lag = 0           (it has everything written so far)
//
// Measuring from the oldest *missing* beat rather than from the newest *seen* one keeps an idle, healthy
// pipeline at 0 instead of a sawtooth between 0 and one interval, and makes a stalled one grow from the
// moment it fell behind. Both ends use the agent's clock, so server clock skew does not enter.

/** One heartbeat: a sequence number (increasing per pipeline) and the agent time it was written, epoch ms. */
export interface Beat {
  readonly seq: number;
  readonly ts: number;
}

/** How many recent writes are remembered; older missing beats make the lag a lower bound. */
export const DEFAULT_BEAT_MEMORY = 4_096;

export class HeartbeatTracker {
  readonly #capacity: number;
  /** Writes in seq order, oldest first. */
  readonly #written: Beat[] = [];
  #lastSeq: number | undefined;

  constructor(capacity = DEFAULT_BEAT_MEMORY) {
    this.#capacity = Math.max(1, capacity);
  }

  /** Whether the next sequence number is known (after `resumeAfter` or a first write). */
  get started(): boolean {
    return this.#lastSeq !== undefined;
  }

  /** Continues numbering after `seq` (the newest one found on the source at start-up; 0 when there is none). */
  resumeAfter(seq: number): void {
    if (this.#lastSeq === undefined || seq > this.#lastSeq) this.#lastSeq = seq;
  }

  /** The sequence number the next write should carry. */
  nextSeq(): number {
    return (this.#lastSeq ?? 0) + 1;
  }

  /** Records a beat that reached the source. */
  recordWrite(beat: Beat): void {
    this.#lastSeq = Math.max(this.#lastSeq ?? 0, beat.seq);
    this.#written.push(beat);
    if (this.#written.length > this.#capacity) this.#written.splice(0, this.#written.length - this.#capacity);
  }

  /** The newest beat written by this tracker, if any. */
  get lastWritten(): Beat | undefined {
    return this.#written.at(-1);
  }

  /**
   * Lag in milliseconds given the newest beat visible on the target, or undefined when the target has no
   * beat yet. Never negative.
   */
  lagMs(seen: Beat | undefined, now: number): number | undefined {
    if (seen === undefined) return undefined;
    const newest = this.#written.at(-1);
    // Nothing written by this process yet (source down since start, or just started): the age of what the
    // target holds is the best bound available.
    if (newest === undefined) return Math.max(0, now - seen.ts);
    if (seen.seq >= newest.seq) return 0;
    const firstMissing = this.#written.find((b) => b.seq > seen.seq);
    return Math.max(0, now - (firstMissing ?? newest).ts);
  }
}
