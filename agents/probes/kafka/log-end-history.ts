// Estimated time lag of a consumer from the history of a partition's log-end offset: the message at the
// committed offset was appended when the log end passed it, and the probe saw the log end move over time.
//
//   log end   100 ─────┐            seen 100 last at t1, 160 first at t2
//             160      └──────────  offset 130 appended ≈ t1 + (130 − 100 + 1) / (160 − 100) · (t2 − t1)
//
// Time lag = now − that moment. Exact to the probe's interval; when the committed offset is older than
// the remembered history, the result is a lower bound (the time since the oldest remembered change).

interface Step {
  readonly logEnd: number;
  /** First and last agent time this log-end offset was seen. */
  readonly firstSeen: number;
  lastSeen: number;
}

/** Log-end changes remembered per partition; at 1 s intervals on a busy topic, about 10 minutes. */
export const DEFAULT_HISTORY_STEPS = 600;

export class LogEndHistory {
  readonly #steps: Step[] = [];
  readonly #capacity: number;

  constructor(capacity = DEFAULT_HISTORY_STEPS) {
    this.#capacity = Math.max(2, capacity);
  }

  /** Records the log-end offset seen at `ts` (samples arrive in time order). */
  record(ts: number, logEnd: number): void {
    const last = this.#steps.at(-1);
    if (last?.logEnd === logEnd) {
      last.lastSeen = ts;
      return;
    }
    if (last !== undefined && logEnd < last.logEnd) this.#steps.length = 0; // topic recreated: old history is void
    this.#steps.push({ logEnd, firstSeen: ts, lastSeen: ts });
    if (this.#steps.length > this.#capacity) this.#steps.shift();
  }

  /** Milliseconds since the message at `committed` was appended; 0 when caught up; undefined with no history. */
  lagMs(committed: number, now: number): number | undefined {
    const latest = this.#steps.at(-1);
    if (latest === undefined) return undefined;
    if (committed >= latest.logEnd) return 0;
    const index = this.#steps.findIndex((s) => s.logEnd > committed);
    const after = this.#steps[index] ?? latest;
    const before = this.#steps[index - 1];
    // Older than anything remembered (or seen already behind at the first sample): a lower bound.
    if (before === undefined) return Math.max(0, now - after.firstSeen);
    const fraction = (committed + 1 - before.logEnd) / (after.logEnd - before.logEnd);
    const appendedAt = before.lastSeen + fraction * (after.firstSeen - before.lastSeen);
    return Math.max(0, now - appendedAt);
  }
}
