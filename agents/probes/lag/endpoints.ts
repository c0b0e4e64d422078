// Per-endpoint health of a lag probe. A probe that watches two servers (primary and replica, source and
// target) still reports what it can when one of them is down — a replica whose primary is gone is exactly
// when its status matters — so failures are kept per endpoint, and the collection fails only when every
// endpoint failed.
import { describeError, SyncwatchError } from '../../../lib/errors.js';
import type { Logger } from '../../../lib/log.js';
import type { ProbeCheckResult } from '../../probe.js';
import { ENDPOINT_UP_METRIC, type PointList } from './points.js';
import { scrubSecrets } from './redact.js';

export type Attempt<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: string };

interface EndpointState {
  up: boolean | undefined;
  lastError: string | undefined;
}

export class EndpointHealth {
  readonly #logger: Logger;
  readonly #probe: { readonly name: string; readonly kind: string };
  readonly #secrets: readonly string[];
  /** Human name of each endpoint for messages, e.g. `replica 127.0.0.1:3307`. */
  readonly #describe: ReadonlyMap<string, string>;
  readonly #states = new Map<string, EndpointState>();
  /** Endpoints tried in the current collection, in order: true only if every attempt on it succeeded. */
  #round = new Map<string, boolean>();

  /** `endpoints` maps each endpoint name (`primary`, `target`, ...) to how messages name it (no password). */
  constructor(probe: { readonly name: string; readonly kind: string }, logger: Logger, endpoints: Readonly<Record<string, string>>, secrets: readonly string[]) {
    this.#probe = probe;
    this.#logger = logger;
    this.#secrets = secrets;
    this.#describe = new Map(Object.entries(endpoints));
    for (const endpoint of this.#describe.keys()) this.#states.set(endpoint, { up: undefined, lastError: undefined });
  }

  /** Starts a collection: forgets the previous round's outcomes (the per-endpoint history stays). */
  beginRound(): void {
    this.#round = new Map();
  }

  /** Runs `work` against `endpoint`; a failure becomes a value, logged once per outage with secrets scrubbed. */
  async attempt<T>(endpoint: string, work: () => Promise<T>): Promise<Attempt<T>> {
    const state = this.#state(endpoint);
    try {
      const value = await work();
      if (state.up === false) this.#logger.info({ probe: this.#probe.name, endpoint }, 'probe endpoint recovered');
      state.up = true;
      this.#round.set(endpoint, this.#round.get(endpoint) ?? true);
      return { ok: true, value };
    } catch (err) {
      const error = this.describeFailure(endpoint, err);
      if (state.up !== false) this.#logger.warn({ probe: this.#probe.name, kind: this.#probe.kind, endpoint, err: error }, 'probe endpoint failed');
      state.up = false;
      state.lastError = error;
      this.#round.set(endpoint, false);
      return { ok: false, error };
    }
  }

  /** One line naming the endpoint and the error, secrets scrubbed: safe for logs, errors and check(). */
  describeFailure(endpoint: string, err: unknown): string {
    return scrubSecrets(`${this.#describe.get(endpoint) ?? endpoint}: ${describeError(err)}`, this.#secrets);
  }

  /**
   * Runs each check (outside any collection round); ok only when all pass, otherwise every failure in
   * one line. For Probe.check().
   */
  async check(checks: readonly (readonly [endpoint: string, work: () => Promise<unknown>])[]): Promise<ProbeCheckResult> {
    const errors: string[] = [];
    for (const [endpoint, work] of checks) {
      try {
        await work();
      } catch (err) {
        errors.push(this.describeFailure(endpoint, err));
      }
    }
    return errors.length === 0 ? { ok: true } : { ok: false, error: errors.join('; ') };
  }

  /** The latest error of `endpoint` (secrets scrubbed), or undefined when it never failed. */
  lastError(endpoint: string): string | undefined {
    return this.#states.get(endpoint)?.lastError;
  }

  /**
   * Adds `syncwatch_probe_endpoint_up{endpoint}` for every endpoint tried this round, then throws
   * SW_PROBE_TARGET_DOWN naming each failure when none of them answered (the runner reports up 0).
   */
  finishRound(points: PointList): void {
    for (const [endpoint, ok] of this.#round) points.flag(ENDPOINT_UP_METRIC, ok, { probe: this.#probe.name, kind: this.#probe.kind, endpoint });
    const outcomes = [...this.#round];
    if (outcomes.length > 0 && outcomes.every(([, ok]) => !ok)) {
      throw new SyncwatchError('SW_PROBE_TARGET_DOWN', outcomes.map(([endpoint]) => this.#states.get(endpoint)?.lastError ?? endpoint).join('; '));
    }
  }

  #state(endpoint: string): EndpointState {
    let state = this.#states.get(endpoint);
    if (state === undefined) {
      state = { up: undefined, lastError: undefined };
      this.#states.set(endpoint, state);
    }
    return state;
  }
}
