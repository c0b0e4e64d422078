// Reads a key-ordered stream of batches one item at a time without an await per item, asking for the next batch
// as soon as one arrives (so the database works on it while this side of a merge is consumed), and checking that
// keys strictly increase — a store whose order disagrees with key-range.ts, or a duplicate key, would otherwise
// pair the wrong rows silently.
import { SyncwatchError } from '../lib/errors.js';
import type { LogicalType } from './canonical/logical-type.js';
import { compareKeys, type KeyTuple } from './key-range.js';

export class BatchCursor<T> {
  #batch: readonly T[] = [];
  #i = 0;
  #next: Promise<IteratorResult<readonly T[]>> | undefined;
  #done = false;
  #prev: KeyTuple | undefined;
  readonly #it: AsyncIterator<readonly T[]>;
  readonly #keyOf: (item: T) => KeyTuple;
  readonly #side: string;
  readonly #types: readonly LogicalType[];

  constructor(stream: AsyncIterable<readonly T[]>, keyOf: (item: T) => KeyTuple, side: string, types: readonly LogicalType[]) {
    this.#it = stream[Symbol.asyncIterator]();
    this.#keyOf = keyOf;
    this.#side = side;
    this.#types = types;
  }

  /** Whether the current batch is used up and the next must be loaded (`fill`) before `current` is meaningful. */
  get needsFill(): boolean {
    return this.#i >= this.#batch.length && !this.#done;
  }

  /** The current item, or undefined at the end of the stream (call `fill` first when `needsFill`). */
  get current(): T | undefined {
    return this.#batch[this.#i];
  }

  /** Loads batches until there is a current item or the stream ended. */
  async fill(): Promise<void> {
    while (this.needsFill) {
      const next = await (this.#next ?? this.#it.next());
      this.#next = undefined;
      if (next.done === true) {
        this.#done = true;
        this.#batch = [];
        this.#i = 0;
        return;
      }
      this.#batch = next.value;
      this.#i = 0;
      this.#next = this.#it.next();
      // Awaited by the next fill (or by close); until then a rejection must not count as unhandled.
      this.#next.catch(() => undefined);
    }
  }

  /** Consumes the current item and returns its key. */
  advance(item: T): KeyTuple {
    const key = this.#keyOf(item);
    if (this.#prev !== undefined && compareKeys(this.#prev, key, this.#types) >= 0) {
      throw new SyncwatchError('SW_INTERNAL', `${this.#side} rows are not in strictly increasing key order at ${JSON.stringify(key)} (after ${JSON.stringify(this.#prev)}); is the key unique?`);
    }
    this.#prev = key;
    this.#i += 1;
    return key;
  }

  /** Stops reading; runs the store's finally blocks (connection released) when the merge ends early. */
  async close(): Promise<void> {
    await this.#next?.catch(() => undefined);
    await this.#it.return?.(undefined);
  }
}
