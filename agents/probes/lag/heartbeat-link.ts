// One heartbeat round across a pipeline: write the next beat on the source, read the newest beat on the
// target, turn the two into points. Shared by the generic heartbeat probe and the MySQL probe.
import type { Clock } from '../../../lib/clock.js';
import type { EndpointHealth } from './endpoints.js';
import type { HeartbeatTable } from './heartbeat-table.js';
import { HeartbeatTracker } from './heartbeat-tracker.js';
import type { PointList } from './points.js';

export interface HeartbeatSide {
  /** Endpoint name for health points and messages (`source`, `primary`, ...). */
  readonly endpoint: string;
  readonly table: HeartbeatTable;
}

export interface HeartbeatLinkOptions {
  /** Metric prefix: `heartbeat` gives `heartbeat_lag_seconds` and `heartbeat_seen`. */
  readonly prefix: string;
  readonly source: HeartbeatSide;
  readonly target: HeartbeatSide;
  /** Create the source table when it is missing. */
  readonly createTable: boolean;
  readonly clock: Clock;
}

export class HeartbeatLink {
  readonly #options: HeartbeatLinkOptions;
  readonly #tracker = new HeartbeatTracker();

  constructor(options: HeartbeatLinkOptions) {
    this.#options = options;
  }

  /**
   * Writes then reads (in that order, so that a fast pipeline shows this round's beat at once) and adds
   * `<prefix>_seen` (0 until the target holds a beat of this pipeline) and `<prefix>_lag_seconds` (only
   * once a beat was seen). A failing side is recorded in `endpoints`; the other side still runs.
   */
  async collect(endpoints: EndpointHealth, points: PointList, signal: AbortSignal): Promise<void> {
    const { source, target, clock, prefix, createTable } = this.#options;
    await endpoints.attempt(source.endpoint, async () => {
      if (!this.#tracker.started) {
        // Continue the sequence across agent restarts, so the target never sees it go backwards.
        if (createTable) await source.table.ensure(signal);
        this.#tracker.resumeAfter((await source.table.newest(signal))?.seq ?? 0);
      }
      const beat = { seq: this.#tracker.nextSeq(), ts: clock.now() };
      await source.table.write(beat, { create: createTable, signal });
      this.#tracker.recordWrite(beat);
    });
    const seen = await endpoints.attempt(target.endpoint, () => target.table.newest(signal));
    if (!seen.ok) return;
    points.flag(`${prefix}_seen`, seen.value !== undefined);
    const lagMs = this.#tracker.lagMs(seen.value, clock.now());
    if (lagMs !== undefined) points.add(`${prefix}_lag_seconds`, lagMs / 1000);
  }
}
