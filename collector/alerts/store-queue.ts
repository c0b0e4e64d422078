// Writes that must happen in order (alert transitions), one at a time, each retried a few times with backoff
// while ClickHouse is briefly unavailable; `idle()` resolves once everything pushed so far is written.
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from 'pino';
import { backoffDelayMs } from '../../lib/retry.js';
import { isSyncwatchError } from '../../lib/errors.js';

export interface StoreQueue {
  push(write: () => Promise<void>): void;
  idle(): Promise<void>;
}

const ATTEMPTS = 6;

export function storeInOrder(logger: Logger, onGiveUp: () => void): StoreQueue {
  let tail: Promise<void> = Promise.resolve();
  const run = async (write: () => Promise<void>): Promise<void> => {
    for (let attempt = 0; ; attempt++) {
      try {
        await write();
        return;
      } catch (err) {
        const retriable = !isSyncwatchError(err) || err.retriable;
        if (!retriable || attempt + 1 >= ATTEMPTS) {
          logger.error({ err }, 'could not store an alert transition');
          onGiveUp();
          return;
        }
        await delay(backoffDelayMs(attempt, { initialMs: 100, maxMs: 5000 }));
      }
    }
  };
  return {
    push(write) {
      tail = tail.then(() => run(write));
    },
    idle: () => tail,
  };
}
