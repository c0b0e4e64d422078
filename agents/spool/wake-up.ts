// A one-shot broadcast for "something changed": readers wait on it with a timeout and a signal,
// writers call notify(). No state is carried, so a reader re-checks its condition after every wake-up.
import { clearTimeout, setTimeout } from 'node:timers';

export class WakeUp {
  readonly #waiters = new Set<() => void>();

  /** Resolves at the next notify(), after `timeoutMs` (if given), or when `signal` aborts — never rejects. */
  wait(signal: AbortSignal, timeoutMs: number | undefined): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.#waiters.delete(done);
        resolve();
      };
      const timer = timeoutMs === undefined ? undefined : setTimeout(done, timeoutMs);
      signal.addEventListener('abort', done, { once: true });
      this.#waiters.add(done);
      if (signal.aborted) done();
    });
  }

  /** Wakes every current waiter. */
  notify(): void {
    for (const wake of [...this.#waiters]) wake();
  }
}
