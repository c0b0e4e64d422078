// Window evaluation of one consumer group's progress on one partition, in the spirit of Burrow: from the
// last N samples of (committed offset, log-end offset), decide whether the consumer is fine, falling
// behind, stuck, or gone. Pure: the probe feeds samples, tests feed tables.
//
//   lag = log-end − committed        one sample per collection, oldest first
//
//   ERR    the data is impossible (committed beyond log end, an offset going backwards) or unreadable
//   OK     some sample in the window has lag 0, or there are fewer samples than a full window
//   STALL  lag > 0 and the committed offset did not move over the window, while the group has members
//          (a consumer is there and committing, but not progressing)
//   STOP   the same without members (nobody is consuming, so nobody commits)
//   WARN   the committed offset moves, but the lag never shrank between two samples and grew overall
//   OK     otherwise (progressing, lag not growing)

/** Status names in value order: the value of `kafka_partition_window_status` is the index. */
export const WINDOW_STATUSES = ['OK', 'WARN', 'STALL', 'STOP', 'ERR'] as const;
export type WindowStatus = (typeof WINDOW_STATUSES)[number];

/** The metric value of a status: 0 OK, 1 WARN, 2 STALL, 3 STOP, 4 ERR. */
export function windowStatusValue(status: WindowStatus): number {
  return WINDOW_STATUSES.indexOf(status);
}

export interface OffsetSample {
  /** Agent time of the sample, epoch ms. */
  readonly ts: number;
  /** Next offset the group will consume (Kafka's committed offset), or the log start when it never committed. */
  readonly committed: number;
  /** Offset the next produced message will get (the high watermark). */
  readonly logEnd: number;
}

export interface WindowInput {
  /** Oldest first; only the last `windowSize` are considered. */
  readonly samples: readonly OffsetSample[];
  /** Whether the group has members (someone is consuming and so committing). */
  readonly groupActive: boolean;
  /** The partition's offsets could not be read in the latest collection. */
  readonly unreadable?: boolean;
}

export interface WindowVerdict {
  readonly status: WindowStatus;
  /** Why, in a few words, for logs and test messages. */
  readonly reason: string;
}

/** Evaluates the last `windowSize` samples (at least 2). */
export function evaluateWindow(input: WindowInput, windowSize: number): WindowVerdict {
  if (input.unreadable === true) return { status: 'ERR', reason: 'offsets unreadable' };
  const window = input.samples.slice(-Math.max(2, windowSize));
  const latest = window.at(-1);
  if (latest === undefined) return { status: 'OK', reason: 'no samples yet' };
  for (const [i, s] of window.entries()) {
    if (s.committed > s.logEnd) return { status: 'ERR', reason: `committed ${s.committed} beyond log end ${s.logEnd}` };
    const prev = window[i - 1];
    if (prev !== undefined && s.committed < prev.committed) return { status: 'ERR', reason: `committed offset went back from ${prev.committed} to ${s.committed}` };
    if (prev !== undefined && s.logEnd < prev.logEnd) return { status: 'ERR', reason: `log end went back from ${prev.logEnd} to ${s.logEnd}` };
  }
  const lags = window.map((s) => s.logEnd - s.committed);
  if (lags.some((lag) => lag === 0)) return { status: 'OK', reason: 'caught up within the window' };
  if (window.length < windowSize) return { status: 'OK', reason: `${window.length} of ${windowSize} samples` };
  const first = window[0] ?? latest;
  if (latest.committed === first.committed) {
    return input.groupActive
      ? { status: 'STALL', reason: `committed offset stuck at ${latest.committed} with members present` }
      : { status: 'STOP', reason: `committed offset stuck at ${latest.committed} and no members` };
  }
  const neverShrank = lags.every((lag, i) => i === 0 || lag >= (lags[i - 1] ?? lag));
  if (neverShrank && (lags.at(-1) ?? 0) > (lags[0] ?? 0)) return { status: 'WARN', reason: `lag grew from ${lags[0] ?? 0} to ${lags.at(-1) ?? 0}` };
  return { status: 'OK', reason: 'progressing' };
}
