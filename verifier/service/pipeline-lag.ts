// A pipeline's latest measured lag, from the agents' stored points: the worst newest value of any `*_lag_seconds`
// series of that pipeline in the last minute. Undefined when no agent measures it.
import type { Storage } from '../../lib/storage/storage.js';
import { FUTURE_TOLERANCE_MS } from '../../lib/storage/latest-points.js';
import { TABLES, qualified } from '../../lib/storage/tables.js';

/** Points older than this do not describe the pipeline's lag now. */
const WINDOW_MS = 60_000;

export type LagReader = (pipeline: string) => Promise<number | undefined>;

export function createLagReader(storage: Storage, now: () => number = Date.now): LagReader {
  const table = qualified(storage.database, TABLES.metricPoints);
  return async (pipeline) => {
    const t = now();
    const rows = await storage.query<{ lag: number | null; n: number | string }>(
      `SELECT max(v) AS lag, count() AS n FROM (
         SELECT argMax(value, ts) AS v FROM ${table}
         WHERE pipeline = {pipeline:String} AND match(metric, '_lag_seconds$')
           AND ts >= fromUnixTimestamp64Milli({from:Int64}) AND ts < fromUnixTimestamp64Milli({to:Int64})
         GROUP BY metric, labels)`,
      { pipeline, from: t - WINDOW_MS, to: t + FUTURE_TOLERANCE_MS },
    );
    const row = rows[0];
    if (row === undefined || Number(row.n) === 0 || row.lag === null) return undefined;
    return Number.isFinite(row.lag) ? Math.max(0, row.lag) : undefined;
  };
}

/** Min, max and mean of the lag samples taken during a run, in ms (-1 when none). */
export class LagStats {
  #min = Infinity;
  #max = -Infinity;
  #sum = 0;
  #n = 0;

  add(seconds: number | undefined): void {
    if (seconds === undefined) return;
    const ms = Math.round(seconds * 1000);
    this.#min = Math.min(this.#min, ms);
    this.#max = Math.max(this.#max, ms);
    this.#sum += ms;
    this.#n++;
  }

  get summary(): { samples: number; minMs: number; maxMs: number; avgMs: number } {
    if (this.#n === 0) return { samples: 0, minMs: -1, maxMs: -1, avgMs: -1 };
    return { samples: this.#n, minMs: this.#min, maxMs: this.#max, avgMs: Math.round(this.#sum / this.#n) };
  }
}
