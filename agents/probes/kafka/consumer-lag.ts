// Per group/topic/partition bookkeeping of the Kafka probe: the sample window behind the status, the
// log-end history behind the time lag, and pruning of partitions that are no longer reported.
import { evaluateWindow, type OffsetSample, type WindowVerdict } from '../kafka-window.js';
import { LogEndHistory } from './log-end-history.js';

export interface PartitionLag {
  readonly offsetLag: number;
  /** Undefined until the partition has history (first sample already behind). */
  readonly timeLagMs: number | undefined;
  readonly verdict: WindowVerdict;
}

export class ConsumerLagTracker {
  readonly #windowSize: number;
  readonly #windows = new Map<string, OffsetSample[]>();
  readonly #histories = new Map<string, LogEndHistory>();
  #touched = new Set<string>();

  constructor(windowSize: number) {
    this.#windowSize = windowSize;
  }

  /** Starts a collection; keys not touched by the end of it are forgotten in `endRound`. */
  beginRound(): void {
    this.#touched = new Set();
  }

  /** Records the partition's log end at `ts` (once per collection, shared by every group). */
  recordLogEnd(topic: string, partition: number, ts: number, logEnd: number): void {
    const key = `${topic}\u0000${partition}`;
    this.#touched.add(key);
    let history = this.#histories.get(key);
    if (history === undefined) {
      history = new LogEndHistory();
      this.#histories.set(key, history);
    }
    history.record(ts, logEnd);
  }

  /** Adds the group's sample for the partition and evaluates its window. */
  observe(group: string, topic: string, partition: number, sample: OffsetSample, groupActive: boolean): PartitionLag {
    const key = `${group}\u0000${topic}\u0000${partition}`;
    this.#touched.add(key);
    let window = this.#windows.get(key);
    if (window === undefined) {
      window = [];
      this.#windows.set(key, window);
    }
    window.push(sample);
    if (window.length > this.#windowSize) window.splice(0, window.length - this.#windowSize);
    const history = this.#histories.get(`${topic}\u0000${partition}`);
    return {
      offsetLag: Math.max(0, sample.logEnd - sample.committed),
      timeLagMs: history?.lagMs(sample.committed, sample.ts),
      verdict: evaluateWindow({ samples: window, groupActive }, this.#windowSize),
    };
  }

  /** A partition whose offsets could not be read this round: its window is kept, its status is ERR. */
  unreadable(group: string, topic: string, partition: number): WindowVerdict {
    this.#touched.add(`${group}\u0000${topic}\u0000${partition}`);
    return evaluateWindow({ samples: [], groupActive: false, unreadable: true }, this.#windowSize);
  }

  /** Forgets partitions (and groups' windows) that this round did not mention: deleted topics, lost groups. */
  endRound(): void {
    for (const map of [this.#windows, this.#histories]) {
      for (const key of map.keys()) if (!this.#touched.has(key)) map.delete(key);
    }
  }
}
