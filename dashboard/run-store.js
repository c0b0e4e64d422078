// @ts-check
// What the page knows about verification runs: every run it has loaded or been told about, by id, so that the
// overview's tiles and the pipeline view read one truth however a run arrived (list, one run, live message).

/** @typedef {import('./verifications.js').VerificationRun} VerificationRun */

/** Runs kept at most; the oldest by start time go first. */
const MAX_RUNS = 5_000;

export class RunStore {
  /** @type {Map<string, VerificationRun>} */
  #runs = new Map();
  /** Runs per pipeline, newest start first; rebuilt after a change (tiles read it on every render). */
  /** @type {Map<string, VerificationRun[]> | undefined} */
  #byPipeline;
  #onChange;
  /** undefined until the first list answered; false when this collector serves no runs API. */
  /** @type {boolean | undefined} */
  available = undefined;
  /** Why runs are not available (shown in place of a history). */
  reason = '';

  /** @param {(pipelines: Set<string>) => void} onChange after runs of these pipelines changed */
  constructor(onChange) {
    this.#onChange = onChange;
  }

  /**
   * A list answer (or a "not available" one).
   * @param {import('./verifications.js').Verifications} result
   */
  load(result) {
    if (!result.available) {
      this.available = false;
      this.reason = result.reason;
      this.#onChange(new Set());
      return;
    }
    this.available = true;
    /** @type {Set<string>} */
    const touched = new Set();
    for (const run of result.runs) if (this.#put(run)) touched.add(run.pipeline);
    this.#trim();
    this.#onChange(touched);
  }

  /**
   * One run's newer state (a live message, a refetch).
   * @param {VerificationRun} run
   */
  apply(run) {
    this.available = true;
    if (this.#put(run)) this.#onChange(new Set([run.pipeline]));
  }

  /**
   * @param {string} id
   * @returns {VerificationRun | undefined}
   */
  get(id) {
    return this.#runs.get(id);
  }

  /**
   * A pipeline's runs, newest start first (the store's own list: read, never change).
   * @param {string} pipeline
   * @returns {readonly VerificationRun[]}
   */
  runsOf(pipeline) {
    return this.#index().get(pipeline) ?? [];
  }

  /**
   * The pairs seen verifying this pipeline, sorted.
   * @param {string} pipeline
   * @returns {string[]}
   */
  pairsOf(pipeline) {
    return [...new Set(this.runsOf(pipeline).map((r) => r.pair))].sort();
  }

  /**
   * The newest finished run of a pipeline (its verdict) and a run going now, if any.
   * @param {string} pipeline
   * @returns {{ finished: VerificationRun | undefined, running: VerificationRun | undefined }}
   */
  latest(pipeline) {
    /** @type {VerificationRun | undefined} */
    let finished;
    /** @type {VerificationRun | undefined} */
    let running;
    for (const r of this.runsOf(pipeline)) {
      if (r.status === 'running') {
        if (running === undefined || r.startedAt > running.startedAt) running = r;
      } else if (finished === undefined || (r.finishedAt ?? 0) > (finished.finishedAt ?? 0)) {
        finished = r;
      }
    }
    return { finished, running };
  }

  /** Pipelines with at least one run. */
  pipelines() {
    return new Set(this.#index().keys());
  }

  #index() {
    if (this.#byPipeline !== undefined) return this.#byPipeline;
    /** @type {Map<string, VerificationRun[]>} */
    const index = new Map();
    for (const r of this.#runs.values()) {
      const list = index.get(r.pipeline);
      if (list === undefined) index.set(r.pipeline, [r]);
      else list.push(r);
    }
    for (const list of index.values()) list.sort((a, b) => b.startedAt - a.startedAt || (a.id < b.id ? -1 : 1));
    this.#byPipeline = index;
    return index;
  }

  /**
   * Stores `run` unless what is stored is newer (a late list answer must not turn a finished run back to running);
   * returns whether anything changed.
   * @param {VerificationRun} run
   */
  #put(run) {
    const known = this.#runs.get(run.id);
    if (known !== undefined) {
      const stale = known.finishedAt !== null && run.finishedAt === null && run.attempt <= known.attempt;
      if (stale || sameRun(known, run)) return false;
    }
    this.#runs.set(run.id, run);
    this.#byPipeline = undefined;
    return true;
  }

  #trim() {
    if (this.#runs.size <= MAX_RUNS) return;
    const oldest = [...this.#runs.values()].sort((a, b) => a.startedAt - b.startedAt).slice(0, this.#runs.size - MAX_RUNS);
    for (const r of oldest) this.#runs.delete(r.id);
    this.#byPipeline = undefined;
  }
}

/**
 * @param {VerificationRun} a
 * @param {VerificationRun} b
 */
function sameRun(a, b) {
  return a.status === b.status && a.finishedAt === b.finishedAt && a.attempt === b.attempt && a.segmentsDone === b.segmentsDone && a.pipeline === b.pipeline;
}
