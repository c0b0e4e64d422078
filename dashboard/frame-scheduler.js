// @ts-check
// One place that turns "something changed" into drawing: items marked dirty are rendered in the next animation
// frame, each at most once however many updates arrived, and a frame stops after its time budget — the rest
// waits for the next frame, so a burst of 200 pipeline updates never blocks the page for one long frame.

/** @typedef {{ render(now: number): void }} Renderable */

export class FrameScheduler {
  /** @type {Set<Renderable>} */
  #dirty = new Set();
  #frame = 0;
  #budgetMs;
  /** @type {(() => void)[]} */
  #afterFrame = [];

  /** @param {{ budgetMs?: number }} [options] budgetMs: rendering time per frame before the rest is deferred (default 8) */
  constructor(options = {}) {
    this.#budgetMs = options.budgetMs ?? 8;
  }

  /**
   * Renders `item` in an upcoming frame (once, even if marked again before then).
   * @param {Renderable} item
   */
  mark(item) {
    this.#dirty.add(item);
    this.#schedule();
  }

  /**
   * Calls `fn` after every frame that rendered something (e.g. to update a "newest point" line).
   * @param {() => void} fn
   */
  afterFrame(fn) {
    this.#afterFrame.push(fn);
  }

  /** Items waiting to be rendered. */
  get pending() {
    return this.#dirty.size;
  }

  /** Forgets everything pending (sign-out). */
  clear() {
    this.#dirty.clear();
    if (this.#frame !== 0) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #schedule() {
    if (this.#frame !== 0 || this.#dirty.size === 0) return;
    this.#frame = requestAnimationFrame(() => { this.#run(); });
  }

  #run() {
    this.#frame = 0;
    const start = performance.now();
    const now = Date.now();
    for (const item of this.#dirty) {
      this.#dirty.delete(item);
      item.render(now);
      if (performance.now() - start > this.#budgetMs) break;
    }
    for (const fn of this.#afterFrame) fn();
    this.#schedule();
  }
}
